// wait_for: wait on the host until a port listens (or stops, or drains), or a path appears (or goes, or holds a
// match of search_regex), with a small POSIX sh loop: one exec however long it waits. Registers Ansible's keys
// (state, port, path, search_regex, match_groups, match_groupdict, elapsed) and fails with its messages.
import { Type, type Static } from '@sinclair/typebox';
import { joinScripts, raw, sh, type Script } from '../shell/script.js';
import { defineAction, StringEnum, type ArgProblem, type RegisteredResult } from './define.js';
import { pathInfoFrom, pathInfoOfVariable } from './lib/path-info.js';
import { fromBase64, parseKeyValues } from './lib/probe-output.js';

const CONNECTION_STATES = { ESTABLISHED: '01', SYN_SENT: '02', SYN_RECV: '03', FIN_WAIT1: '04', FIN_WAIT2: '05', TIME_WAIT: '06' } as const;
type ConnectionState = keyof typeof CONNECTION_STATES;
const STATE_NAMES = Object.keys(CONNECTION_STATES) as ConnectionState[];

const WaitForArgs = Type.Object(
  {
    host: Type.String({ default: '127.0.0.1', minLength: 1, description: 'Whose port to check, as seen from the host' }),
    port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535 })),
    path: Type.Optional(Type.String({ pattern: '^/', description: 'A file to wait for (or to go away)' })),
    search_regex: Type.Optional(Type.String({ minLength: 1, description: 'With path: wait until the file holds a match (Python re, through grep -P; match_groups from the file)' })),
    state: StringEnum(['started', 'stopped', 'present', 'absent', 'drained'], {
      default: 'started',
      description: 'started/present: port listening or path there; stopped/absent: the opposite; drained: no active connections on the port',
    }),
    timeout: Type.Integer({ minimum: 0, default: 300, description: 'Seconds before failing' }),
    connect_timeout: Type.Integer({ minimum: 1, default: 5, description: 'Seconds a connection to a remote port may take' }),
    delay: Type.Integer({ minimum: 0, default: 0, description: 'Seconds to wait before the first check' }),
    sleep: Type.Integer({ minimum: 1, default: 1, description: 'Seconds between checks' }),
    active_connection_states: Type.Array(StringEnum(STATE_NAMES), { default: STATE_NAMES, description: 'drained: the TCP states that count as active' }),
    exclude_hosts: Type.Optional(Type.Array(Type.String({ pattern: '^[0-9.]+$' }), { description: 'drained: IPv4 addresses whose connections do not count' })),
    msg: Type.Optional(Type.String({ description: 'The failure message instead of the default' })),
  },
  { additionalProperties: false },
);
export type WaitForArgs = Static<typeof WaitForArgs>;

const LOCAL = new Set(['127.0.0.1', 'localhost', '::1', '0.0.0.0', '::']);
// The file read back for match_groups: at most this much of it.
const MATCH_BYTES = 1 << 20;

/** A check that succeeds when the port listens (local: /proc/net; remote: nc, else bash's /dev/tcp). */
function portCheck(host: string, port: number, connectTimeout: number): Script {
  if (LOCAL.has(host)) {
    const hex = port.toString(16).toUpperCase().padStart(4, '0');
    return sh`awk -v p=${`:${hex}`} 'FNR > 1 && $4 == "0A" && substr($2, length($2) - 4) == p { f = 1 } END { exit !f }' /proc/net/tcp /proc/net/tcp6 2>/dev/null`;
  }
  return sh`{ if command -v nc >/dev/null 2>&1; then nc -z -w ${connectTimeout} ${host} ${port}; elif command -v bash >/dev/null 2>&1; then timeout ${connectTimeout} bash -c 'exec 3<>"/dev/tcp/$0/$1"' ${host} ${port}; else echo 'tsinfra: wait_for needs nc or bash on the host for a remote port' >&2; exit 4; fi; } >/dev/null 2>&1`;
}

/** /proc/net/tcp's little-endian hex of an IPv4 address. */
function hexOf(ip: string): string {
  return ip.split('.').reverse().map((n) => Number(n).toString(16).toUpperCase().padStart(2, '0')).join('');
}

/** Succeeds while some connection in an active state has the port as its local port (Ansible's LinuxTCPConnectionInfo). */
function activeCheck(a: WaitForArgs): Script {
  const host = a.host === 'localhost' ? '127.0.0.1' : a.host;
  const all = host === '0.0.0.0' || host === '::';
  const ips = all ? '' : /^[0-9.]+$/.test(host) ? `${hexOf(host)} 0000000000000000FFFF0000${hexOf(host)}` : host === '::1' ? '00000000000000000000000001000000' : host;
  const states = a.active_connection_states.map((s) => CONNECTION_STATES[s]).join(' ');
  const excluded = (a.exclude_hosts ?? []).flatMap((h) => [hexOf(h), `0000000000000000FFFF0000${hexOf(h)}`]).join(' ');
  const program =
    'BEGIN { ns = split(S, s, " "); for (i = 1; i <= ns; i++) st[s[i]] = 1; ni = split(I, ip, " "); for (i = 1; i <= ni; i++) ok[ip[i]] = 1; ' +
    'nx = split(X, x, " "); for (i = 1; i <= nx; i++) ex[x[i]] = 1 } ' +
    'FNR > 1 && ($4 in st) { split($2, l, ":"); split($3, r, ":"); if (l[2] != P || (r[1] in ex)) next; if (A || (l[1] in ok)) n++ } END { exit !n }';
  return sh`awk -v P=${a.port!.toString(16).toUpperCase().padStart(4, '0')} -v S=${states} -v I=${ips} -v X=${excluded} -v A=${all ? '1' : ''} ${program} /proc/net/tcp /proc/net/tcp6 2>/dev/null`;
}

function pathCheck(path: string, regex: string | undefined): Script {
  if (regex === undefined) return sh`[ -e ${path} ]`;
  // Python's re is closest to PCRE; a grep without -P falls back to extended regexps.
  return sh`[ -f ${path} ] && { grep -P -q -e ${regex} -- ${path} 2>/dev/null || { [ $? = 2 ] && grep -E -q -e ${regex} -- ${path} 2>/dev/null; }; }`;
}

/** The whole wait: prints elapsed=N and exits 0, or exits 3 on timeout. */
export function waitScript(a: WaitForArgs): Script {
  // Nanoseconds where date has %N (elapsed is whole seconds truncated, as Ansible's timedelta.seconds).
  const parts: Script[] = [
    raw('set -u'),
    raw('tsi_ns() { tsi_t=$(date +%s%N); case $tsi_t in *[!0-9]*) tsi_t=$(( $(date +%s) * 1000000000 )) ;; esac; }'),
    raw('tsi_ns; tsi_start=$tsi_t'),
  ];
  const elapsed = raw('tsi_ns; tsi_elapsed=$(( (tsi_t - tsi_start) / 1000000000 ))');
  if (a.delay > 0) parts.push(sh`sleep ${a.delay}`);
  if (a.port === undefined && a.path === undefined) {
    parts.push(sh`sleep ${a.timeout}`, elapsed, raw('echo "elapsed=$tsi_elapsed"'));
    return joinScripts(parts);
  }
  const check = a.state === 'drained' ? activeCheck(a) : a.path !== undefined ? pathCheck(a.path, a.search_regex) : portCheck(a.host, a.port!, a.connect_timeout);
  const want = a.state === 'started' || a.state === 'present' ? '1' : '0';
  parts.push(
    sh`tsi_check() { ${check}; }`,
    raw('while :; do'),
    elapsed,
    sh`  if [ "$tsi_elapsed" -ge ${a.timeout} ]; then echo "elapsed=$tsi_elapsed"; exit 3; fi`,
    raw('  if tsi_check; then tsi_ok=1; else tsi_ok=0; fi'),
    raw(`  if [ "$tsi_ok" = ${want} ]; then break; fi`),
    sh`  sleep ${a.sleep}`,
    raw('done'),
    elapsed,
    raw('echo "elapsed=$tsi_elapsed"'),
  );
  // What the regex matched is worked out on the controller, from the file as it was when it matched.
  if (a.search_regex !== undefined) parts.push(sh`printf 'content_b64='; head -c ${MATCH_BYTES} -- ${a.path!} | base64 -w0; echo`);
  // Ansible's exit_json adds the path's stat (add_path_info) to a result naming a path.
  if (a.path !== undefined) parts.push(sh`tsi_p=${a.path}`, raw('if [ -e "$tsi_p" ]; then'), pathInfoOfVariable('tsi_p'), raw('fi'));
  return joinScripts(parts);
}

/** Python's re.search(regex, text, re.M): groups() and groupdict(), with unmatched groups as null. */
export function matchGroups(regex: string, text: string): { match_groups: (string | null)[]; match_groupdict: Record<string, string | null> } {
  const js = regex.replace(/\(\?P<([A-Za-z_]\w*)>/g, '(?<$1>').replace(/\(\?P=([A-Za-z_]\w*)\)/g, '\\k<$1>').replace(/\\Z/g, '$(?![\\s\\S])').replace(/\\A/g, '^(?<![\\s\\S])');
  let m: RegExpExecArray | null = null;
  try {
    m = new RegExp(js, 'mu').exec(text);
  } catch {
    m = null; // a Python-only construct: the wait matched on the host, only the groups are unknown
  }
  if (!m) return { match_groups: [], match_groupdict: {} };
  return { match_groups: m.slice(1).map((g) => g ?? null), match_groupdict: Object.fromEntries(Object.entries(m.groups ?? {}).map(([k, v]) => [k, v ?? null])) };
}

function timeoutMessage(a: WaitForArgs): string {
  const hp = `${a.host}:${a.port}`;
  if (a.state === 'drained') return `Timeout when waiting for ${hp} to drain`;
  if (a.state === 'stopped' || a.state === 'absent') return a.port !== undefined ? `Timeout when waiting for ${hp} to stop.` : `Timeout when waiting for ${a.path} to be absent.`;
  if (a.port !== undefined) return `Timeout when waiting for ${hp}`;
  return a.search_regex !== undefined ? `Timeout when waiting for search string ${a.search_regex} in ${a.path}` : `Timeout when waiting for file ${a.path}`;
}

export const waitFor = defineAction({
  name: 'wait_for',
  summary: 'Wait on the host for a port to listen or a path to appear (or the opposite)',
  args: WaitForArgs,
  checkMode: 'run',
  controllerOnly: false,
  refine(a): ArgProblem[] {
    const out: ArgProblem[] = [];
    if (a.port !== undefined && a.path !== undefined) out.push({ path: '/path', message: 'wait_for: port and path parameter can not both be passed to wait_for' });
    if (a.path !== undefined && (a.state === 'stopped' || a.state === 'drained')) {
      out.push({ path: '/state', message: `wait_for: state=${a.state} should only be used for checking a port in the wait_for module` });
    }
    if (a.state === 'drained' && a.port === undefined) out.push({ path: '/port', message: 'wait_for: state=drained needs port' });
    if (a.exclude_hosts !== undefined && a.state !== 'drained') out.push({ path: '/exclude_hosts', message: 'wait_for: exclude_hosts should only be with state=drained' });
    if (a.search_regex !== undefined && a.path === undefined) out.push({ path: '/search_regex', message: 'wait_for.search_regex goes with path (reading a port is not supported)' });
    if (a.state === 'drained' && !/^([0-9.]+|localhost|::1?|0\.0\.0\.0)$/.test(a.host)) out.push({ path: '/host', message: 'wait_for: state=drained takes an IPv4 address, localhost, ::1 or 0.0.0.0 as host' });
    return out;
  },
  async run(a, io): Promise<RegisteredResult> {
    const r = await io.exec(waitScript(a), { timeoutMs: (a.delay + a.timeout + a.connect_timeout + 30) * 1000 });
    const kv = parseKeyValues(r.stdout);
    const elapsed = Number(kv.get('elapsed') ?? NaN);
    if (r.code === 3) return { changed: false, failed: true, msg: a.msg ?? timeoutMessage(a), elapsed };
    if (r.code !== 0) return { changed: false, failed: true, msg: `wait_for failed (exit ${r.code ?? r.signal}): ${r.stderr.trim().slice(-200)}`, elapsed };
    const groups = a.search_regex !== undefined ? matchGroups(a.search_regex, fromBase64(kv.get('content_b64')).toString('utf8')) : { match_groups: [], match_groupdict: {} };
    return {
      changed: false,
      failed: false,
      state: a.state,
      port: a.port ?? null,
      search_regex: a.search_regex ?? null,
      ...groups,
      path: a.path ?? null,
      elapsed,
      ...(a.path !== undefined ? pathInfoFrom(r.stdout) ?? { state: 'absent' } : {}),
    };
  },
});
