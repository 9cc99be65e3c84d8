// authorized_key: SSH public keys in a user's authorized_keys. Keys are matched by type and key data, so a key
// whose comment or options changed is replaced, not added twice. The file is edited like lineinfile.
import { Type, type Static } from '@sinclair/typebox';
import { raw, sh, type Script } from '../shell/script.js';
import { defineModule, expecting, PlanError, StringEnum, type ArgProblem } from './define.js';
import { parseKeyValues } from './lib/probe-output.js';
import { AbsPath } from './lib/file-attributes.js';
import { applyFileChanges, parseStat, stateScript, statOf } from './lib/remote-file.js';
import { describeEdit, diffEdit, editOf, fromLines, parseEditFrom, planEdit, toLines, type EditChange, type EditState } from './lib/text-file.js';

const AuthorizedKeyArgs = Type.Object(
  {
    user: expecting(Type.String({ pattern: '^[a-z_][a-z0-9_.-]{0,31}\\$?$' }), 'a user name'),
    key: Type.String({ minLength: 1, description: 'One public key per line (ssh-ed25519 AAAA… comment)' }),
    state: StringEnum(['present', 'absent'], { default: 'present' }),
    exclusive: Type.Boolean({ default: false, description: 'Remove every other key from the file' }),
    path: Type.Optional(AbsPath('Default: ~user/.ssh/authorized_keys')),
    manage_dir: Type.Boolean({ default: true, description: 'Create ~/.ssh (0700, owned by the user) when missing' }),
    key_options: Type.Optional(Type.String({ pattern: '^[^\\n]*$', description: 'Options put before each key, e.g. from="10.0.0.0/8"' })),
  },
  { additionalProperties: false },
);
export type AuthorizedKeyArgs = Static<typeof AuthorizedKeyArgs>;

export interface AuthorizedKeyState {
  uid: number;
  gid: number;
  home: string;
  file: EditState;
  /** The directory that holds the file (kind none when missing). */
  dirKind: string;
  dirPath: string;
}

export type AuthorizedKeyChange = EditChange | { op: 'mkdir'; path: string; owner: string; group: string };

const KEY_TYPE = /^(ssh-(rsa|dss|ed25519)|ecdsa-sha2-nistp(256|384|521)|sk-(ssh-ed25519|ecdsa-sha2-nistp256)@openssh\.com|(ssh-(rsa|dss|ed25519)|ecdsa-sha2-nistp(256|384|521))-cert-v01@openssh\.com)$/;

export interface KeyLine {
  options?: string;
  type: string;
  data: string;
  comment?: string;
}

/** `[options] type data [comment]`, or undefined for comments, blank lines and garbage. */
export function parseKeyLine(line: string): KeyLine | undefined {
  const text = line.trim();
  if (text === '' || text.startsWith('#')) return undefined;
  let optionsEnd = 0;
  const first = /^\S+/.exec(text)?.[0] ?? '';
  if (!KEY_TYPE.test(first)) {
    // Options: up to the first whitespace outside double quotes.
    let quoted = false;
    while (optionsEnd < text.length && (quoted || !/\s/.test(text[optionsEnd]!))) {
      if (text[optionsEnd] === '\\' && quoted) optionsEnd++;
      else if (text[optionsEnd] === '"') quoted = !quoted;
      optionsEnd++;
    }
  }
  const rest = text.slice(optionsEnd).trim().split(/\s+/);
  const [type, data, ...comment] = rest;
  if (type === undefined || data === undefined || !KEY_TYPE.test(type) || !/^[A-Za-z0-9+/]+={0,3}$/.test(data)) return undefined;
  const k: KeyLine = { type, data };
  if (optionsEnd > 0) k.options = text.slice(0, optionsEnd);
  if (comment.length > 0) k.comment = comment.join(' ');
  return k;
}

function keyLineText(k: KeyLine, options: string | undefined): string {
  return [options ?? k.options, k.type, k.data, k.comment].filter((p) => p !== undefined && p !== '').join(' ');
}

/** The wanted keys from the `key` argument, in order, with key_options applied. */
export function wantedKeys(a: AuthorizedKeyArgs): { key: KeyLine; line: string }[] {
  return a.key
    .split('\n')
    .map(parseKeyLine)
    .filter((k): k is KeyLine => k !== undefined)
    .map((key) => ({ key, line: keyLineText(key, a.key_options) }));
}

/** The edit (pure): present keys replaced in place or appended; absent ones removed; exclusive drops the rest. */
export function editKeys(a: AuthorizedKeyArgs, text: string): string {
  const l = toLines(text);
  const wanted = wantedKeys(a);
  const id = (k: KeyLine) => `${k.type} ${k.data}`;
  const wantedIds = new Map(wanted.map((w) => [id(w.key), w.line]));
  const seen = new Set<string>();
  const lines: string[] = [];
  for (const line of l.lines) {
    const k = parseKeyLine(line);
    if (!k) {
      lines.push(line);
      continue;
    }
    const w = wantedIds.get(id(k));
    if (a.state === 'absent') {
      if (w === undefined) lines.push(line);
    } else if (w !== undefined) {
      if (!seen.has(id(k))) lines.push(w); // a duplicate of a wanted key is dropped
      seen.add(id(k));
    } else if (!a.exclusive) {
      lines.push(line);
    }
  }
  if (a.state === 'present') for (const w of wanted) if (!seen.has(id(w.key))) lines.push(w.line);
  return fromLines({ lines, finalNewline: true });
}

/** What `dirname` prints for an absolute path (trailing slashes and the last name off; `/` at least). */
export function dirnameOf(path: string): string {
  return path.replace(/\/+$/, '').replace(/[^/]*$/, '').replace(/\/+$/, '') || '/';
}

/** The file: `path`, or the user's home (field 6 of the passwd entry) + /.ssh/authorized_keys. */
function keyFile(a: AuthorizedKeyArgs, passwd: string): string {
  return a.path ?? `${passwd.split(':')[5] ?? ''}/.ssh/authorized_keys`;
}

// Paths are worked out without a process: a given path's directory on the controller, the home's by parameter
// expansion (not `cut`, `dirname`); the parser knows the file's path from args and the passwd entry.
function probe(a: AuthorizedKeyArgs): Script {
  const parts: Script[] = [
    sh`u=${a.user}`,
    raw(`if ent=$(getent passwd -- "$u"); then printf 'passwd=%s\\n' "$ent"; else echo passwd=; exit 0; fi`),
  ];
  if (a.path !== undefined) parts.push(sh`f_p=${a.path}`, sh`d_p=${dirnameOf(a.path)}`);
  else parts.push(raw('h=${ent#*:*:*:*:*:}'), raw('d_p=${h%%:*}/.ssh'), raw('f_p=$d_p/authorized_keys'));
  parts.push(statOf('d_'), editOf('f_'));
  return stateScript(parts);
}

function parse(stdout: string, a: AuthorizedKeyArgs): AuthorizedKeyState | undefined {
  const kv = parseKeyValues(stdout);
  const pw = kv.get('passwd');
  if (pw === undefined) throw new PlanError('authorized_key', 'unexpected probe output: no passwd=');
  if (pw === '') return undefined;
  const f = pw.split(':');
  const path = keyFile(a, pw);
  const dir = parseStat(kv, 'authorized_key', 'd_');
  return {
    uid: Number(f[2]),
    gid: Number(f[3]),
    home: f[5] ?? '',
    file: parseEditFrom(kv, 'authorized_key', path, 'f_'),
    dirKind: dir.kind,
    dirPath: dirnameOf(path),
  };
}

export const authorizedKey = defineModule({
  name: 'authorized_key',
  summary: "SSH public keys in a user's authorized_keys (matched by key, not by line)",
  args: AuthorizedKeyArgs,
  refine(a): ArgProblem[] {
    return wantedKeys(a).length === 0 ? [{ path: '/key', message: 'authorized_key.key holds no public key (expected: type base64 [comment])' }] : [];
  },
  probe,
  parse: (r, a) => parse(r.stdout, a),
  plan(a, s): AuthorizedKeyChange[] {
    if (!s) throw new PlanError('authorized_key', `no user ${a.user} on the host`);
    const owner = String(s.uid);
    const group = String(s.gid);
    const edits = planEdit('authorized_key', { path: s.file.realPath, create: true, mode: '0600', owner, group }, s.file, (t) => editKeys(a, t));
    if (edits.length === 0 || s.dirKind !== 'none') return edits;
    if (!a.manage_dir) throw new PlanError('authorized_key', `${s.dirPath} does not exist`, { hint: 'create it, or set manage_dir: true' });
    return [{ op: 'mkdir', path: s.dirPath, owner, group }, ...edits];
  },
  apply(_a, changes) {
    const parts: Script[] = [];
    for (const c of changes) {
      if (c.op === 'mkdir') parts.push(sh`mkdir -p -m 0700 -- ${c.path}`, sh`chown -- ${`${c.owner}:${c.group}`} ${c.path}`);
    }
    parts.push(...applyFileChanges(changes.filter((c): c is EditChange => c.op !== 'mkdir')));
    return stateScript(parts);
  },
  describe: (c) => (c.op === 'mkdir' ? `create directory ${c.path} (0700, owner ${c.owner}:${c.group})` : describeEdit(c)),
  diff: (_a, s, changes) => (s ? diffEdit(s.file, changes.filter((c): c is EditChange => c.op !== 'mkdir')) : undefined),
});

