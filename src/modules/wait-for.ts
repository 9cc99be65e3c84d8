// wait_for: wait on the host until a port listens (or stops), or a path appears (or goes), with a small POSIX
// sh loop: one exec however long it waits.
import { Type, type Static } from '@sinclair/typebox';
import { joinScripts, raw, sh, type Script } from '../shell/script.js';
import { defineAction, StringEnum, type ArgProblem, type RegisteredResult } from './define.js';
import { parseKeyValues } from './lib/probe-output.js';

const WaitForArgs = Type.Object(
  {
    host: Type.String({ default: '127.0.0.1', minLength: 1, description: 'Whose port to check, as seen from the host' }),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    path: Type.Optional(Type.String({ pattern: '^/', description: 'A file to wait for (or to go away)' })),
    search_regex: Type.Optional(Type.String({ minLength: 1, description: 'With path: wait until the file contains a match (POSIX extended regex, grep -E)' })),
    state: StringEnum(['started', 'stopped', 'present', 'absent'], {
      default: 'started',
      description: 'started/present: port listening or path there; stopped/absent: the opposite',
    }),
    timeout: Type.Integer({ minimum: 0, default: 300, description: 'Seconds before failing' }),
    delay: Type.Integer({ minimum: 0, default: 0, description: 'Seconds to wait before the first check' }),
    sleep: Type.Integer({ minimum: 1, default: 1, description: 'Seconds between checks' }),
    msg: Type.Optional(Type.String({ description: 'The failure message instead of the default' })),
  },
  { additionalProperties: false },
);
export type WaitForArgs = Static<typeof WaitForArgs>;

const LOCAL = new Set(['127.0.0.1', 'localhost', '::1', '0.0.0.0', '::']);

/** A check that succeeds when the port listens (local: /proc/net; remote: nc, else bash's /dev/tcp). */
function portCheck(host: string, port: number): Script {
  if (LOCAL.has(host)) {
    const hex = port.toString(16).toUpperCase().padStart(4, '0');
    return sh`awk -v p=${`:${hex}`} 'FNR > 1 && $4 == "0A" && substr($2, length($2) - 4) == p { f = 1 } END { exit !f }' /proc/net/tcp /proc/net/tcp6 2>/dev/null`;
  }
  return sh`{ if command -v nc >/dev/null 2>&1; then nc -z -w 2 ${host} ${port}; elif command -v bash >/dev/null 2>&1; then timeout 3 bash -c 'exec 3<>"/dev/tcp/$0/$1"' ${host} ${port}; else echo 'tsinfra: wait_for needs nc or bash on the host for a remote port' >&2; exit 4; fi; } >/dev/null 2>&1`;
}

function pathCheck(path: string, regex: string | undefined): Script {
  if (regex === undefined) return sh`[ -e ${path} ]`;
  return sh`[ -f ${path} ] && grep -E -q -e ${regex} -- ${path} 2>/dev/null`;
}

/** The whole wait: prints elapsed=N and exits 0, or exits 3 on timeout. */
export function waitScript(a: WaitForArgs): Script {
  const parts: Script[] = [raw('set -u')];
  if (a.delay > 0) parts.push(sh`sleep ${a.delay}`);
  if (a.port === undefined && a.path === undefined) {
    parts.push(sh`sleep ${a.timeout}`, sh`echo elapsed=${a.timeout}`);
    return joinScripts(parts);
  }
  const check = a.path !== undefined ? pathCheck(a.path, a.search_regex) : portCheck(a.host, a.port!);
  const want = a.state === 'started' || a.state === 'present' ? '1' : '0';
  parts.push(
    sh`tsi_check() { ${check}; }`,
    raw('tsi_start=$(date +%s)'),
    raw('while :; do'),
    raw('  if tsi_check; then tsi_ok=1; else tsi_ok=0; fi'),
    raw(`  tsi_elapsed=$(( $(date +%s) - tsi_start ))`),
    raw(`  if [ "$tsi_ok" = ${want} ]; then echo "elapsed=$tsi_elapsed"; exit 0; fi`),
    sh`  if [ "$tsi_elapsed" -ge ${a.timeout} ]; then echo "elapsed=$tsi_elapsed"; exit 3; fi`,
    sh`  sleep ${a.sleep}`,
    raw('done'),
  );
  return joinScripts(parts);
}

function what(a: WaitForArgs): string {
  if (a.path !== undefined) return a.search_regex !== undefined ? `${a.search_regex} in ${a.path}` : a.path;
  return `${a.host}:${a.port}`;
}

export const waitFor = defineAction({
  name: 'wait_for',
  summary: 'Wait on the host for a port to listen or a path to appear (or the opposite)',
  args: WaitForArgs,
  checkMode: 'run',
  controllerOnly: false,
  refine(a): ArgProblem[] {
    const out: ArgProblem[] = [];
    if (a.port !== undefined && a.path !== undefined) out.push({ path: '/path', message: 'wait_for takes port or path, not both' });
    if (a.search_regex !== undefined && a.path === undefined) out.push({ path: '/search_regex', message: 'wait_for.search_regex goes with path' });
    return out;
  },
  async run(a, io): Promise<RegisteredResult> {
    const r = await io.exec(waitScript(a), { timeoutMs: (a.delay + a.timeout + 30) * 1000 });
    const elapsed = Number(parseKeyValues(r.stdout).get('elapsed') ?? NaN);
    const base = { changed: false, elapsed, state: a.state, ...(a.port !== undefined ? { port: a.port } : {}), ...(a.path !== undefined ? { path: a.path } : {}) };
    if (r.code === 0) return { ...base, failed: false };
    const msg =
      r.code === 3
        ? a.msg ?? `Timeout when waiting for ${what(a)}${a.state === 'stopped' || a.state === 'absent' ? ' to stop' : ''}`
        : `wait_for failed (exit ${r.code ?? r.signal}): ${r.stderr.trim().slice(-200)}`;
    return { ...base, failed: true, msg };
  },
});
