// uri: an HTTP request made ON THE HOST, as Ansible's uri module makes it (so the URL is resolved and reached from
// where the host is), by a Python program that follows Ansible's own code (request-program.ts). Registers what
// Ansible registers: status, msg, url, redirected, elapsed, the response headers as lower-cased keys, cookies,
// json for a JSON response, content with return_content, path with dest. changed is false except when dest was
// written. Ansible's uri has no check mode: the task is skipped under --check.
import { Type, type Static } from '@sinclair/typebox';
import { joinScripts, raw, sh, type Script } from '../../shell/script.js';
import { MASK, secret } from '../../shell/secret.js';
import { defineAction, expecting, StringEnum, type ArgProblem, type RegisteredResult } from '../define.js';
import { AbsPath, fileAttributes } from '../lib/file-attributes.js';
import { REQUEST_PROGRAM } from './request-program.js';

const UriArgs = Type.Object(
  {
    url: expecting(Type.String({ pattern: '^(https?|ftp|file)://\\S+$', description: 'The URL, as the host reaches it' }), 'an http(s) URL'),
    method: expecting(Type.String({ pattern: '^[A-Za-z]+$', default: 'GET', description: 'GET, POST, PUT, DELETE, …' }), 'one word, like GET or POST'),
    body: Type.Optional(Type.Unknown({ description: 'The request body: text, or data encoded as body_format says' })),
    body_format: StringEnum(['raw', 'json', 'form-urlencoded'], { default: 'raw', description: 'json: body as JSON; form-urlencoded: a mapping as a form' }),
    headers: Type.Record(Type.String(), Type.Unknown(), { default: {}, description: 'Request headers' }),
    status_code: Type.Array(Type.Integer(), { default: [200], minItems: 1, description: 'The statuses that mean success' }),
    return_content: Type.Boolean({ default: false, description: 'Register the body as content (JSON bodies are registered as json anyway)' }),
    dest: Type.Optional(AbsPath('Write the body to this file on the host (a directory: named after the URL)')),
    ...fileAttributes(),
    creates: Type.Optional(Type.String({ minLength: 1, description: 'Skip the request when this path exists on the host' })),
    removes: Type.Optional(Type.String({ minLength: 1, description: 'Make the request only when this path exists on the host' })),
    url_username: Type.Optional(Type.String({ description: 'HTTP auth user' })),
    url_password: Type.Optional(Type.String({ description: 'HTTP auth password (kept out of logs and output)' })),
    force_basic_auth: Type.Boolean({ default: false, description: 'Send basic auth with the first request, not after a 401' }),
    validate_certs: Type.Boolean({ default: true, description: 'false: accept any TLS certificate' }),
    ca_path: Type.Optional(Type.String({ minLength: 1, description: 'CA bundle on the host' })),
    timeout: Type.Integer({ minimum: 1, default: 30, description: 'Socket timeout in seconds' }),
    follow_redirects: StringEnum(['safe', 'all', 'yes', 'none', 'no', 'urllib2'], { default: 'safe', description: 'safe: only GET and HEAD follow' }),
    force: Type.Boolean({ default: false, description: 'Send Cache-Control: no-cache' }),
    http_agent: Type.String({ default: 'ansible-httpget', description: 'The User-Agent header' }),
    use_proxy: Type.Boolean({ default: true, description: "false: ignore the host's proxy environment" }),
    unredirected_headers: Type.Array(Type.String(), { default: [], description: 'Headers not sent again after a redirect' }),
    decompress: Type.Boolean({ default: true, description: 'Decompress a gzip response' }),
  },
  { additionalProperties: false },
);
export type UriArgs = Static<typeof UriArgs>;

/** Ansible's list type: `status_code: 404`, `"200,201"` and `["200"]` are all lists of integers. */
function normalize(raw: unknown): unknown {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
  const a = raw as Record<string, unknown>;
  const codes = a.status_code;
  if (codes === undefined) return raw;
  const list = typeof codes === 'string' ? codes.split(',') : Array.isArray(codes) ? codes : [codes];
  const asInt = (c: unknown) => (typeof c === 'string' && /^\s*\d+\s*$/.test(c) ? Number(c) : c);
  return { ...a, status_code: list.map(asInt) };
}

/** The script: the program on fd 3 (a here-document), its parameters on stdin through printf (a shell builtin, so
 * the password is in no process's argv). */
export function uriScript(a: UriArgs): Script {
  const id = (v: string | undefined) => (v !== undefined && /^\d+$/.test(v) ? Number(v) : v);
  const params = { ...a, method: a.method.toUpperCase(), owner: id(a.owner), group: id(a.group) };
  return joinScripts([
    raw('tsi_py=$(command -v python3 || command -v python || true)'),
    raw(`if [ -z "$tsi_py" ]; then echo 'tsinfra: uri runs Python on the host, as Ansible does: install python3' >&2; exit 3; fi`),
    sh`printf '%s' ${secret(JSON.stringify(params))} | "$tsi_py" /dev/fd/3 3<<'TSI_URI_PROGRAM'`,
    raw(REQUEST_PROGRAM.trim()),
    raw('TSI_URI_PROGRAM'),
  ]);
}

/** Every occurrence of the password in the result's texts as Ansible's no_log shows it. */
function redact(v: unknown, password: string): unknown {
  if (typeof v === 'string') return v.split(password).join(MASK);
  if (Array.isArray(v)) return v.map((x) => redact(x, password));
  if (typeof v === 'object' && v !== null) return Object.fromEntries(Object.entries(v).map(([k, x]) => [k, redact(x, password)]));
  return v;
}

export const uri = defineAction({
  name: 'uri',
  summary: 'An HTTP request made on the host (GET, POST json or form, …), registering status, headers and body',
  args: UriArgs,
  aliases: { user: 'url_username', password: 'url_password' },
  normalize,
  checkMode: 'skip',
  controllerOnly: false,
  refine(a): ArgProblem[] {
    if (a.body_format === 'form-urlencoded' && a.body !== undefined && typeof a.body !== 'string' && typeof a.body !== 'object') {
      return [{ path: '/body', message: 'uri.body must be a mapping, a list of pairs or text with body_format form-urlencoded' }];
    }
    return [];
  },
  async run(a, io): Promise<RegisteredResult> {
    const r = await io.exec(uriScript(a), { timeoutMs: (a.timeout + 30) * 1000 });
    let out: Record<string, unknown>;
    try {
      out = JSON.parse(r.stdout) as Record<string, unknown>;
    } catch {
      const why = r.stderr.trim().split('\n').slice(-3).join(' ').slice(-300);
      return { changed: false, failed: true, msg: `uri failed on the host (exit ${r.code ?? r.signal}): ${why}` };
    }
    if (a.url_password) out = redact(out, a.url_password) as Record<string, unknown>;
    // Ansible's executor adds stdout_lines wherever a module returns stdout (creates/removes say why they skipped).
    if (typeof out.stdout === 'string') out.stdout_lines = out.stdout.split('\n');
    return { ...out, changed: out.changed === true, failed: out.failed === true };
  },
});
