// The script a vantage host runs to probe every target and port in one exec: POSIX sh, sent on stdin to `sh -s`.
// With python3 (every host after `prepare`), one python process makes every connect itself, non-blocking, `parallel`
// at a time, and times each from its own connect(): a loaded host that is slow to start processes cannot turn an
// open port into "filtered". Without python3 it uses what a minimal Debian/Ubuntu host has: bash's /dev/tcp under
// coreutils' `timeout`, or `nc -z` when bash (or timeout) is missing, probes in the background, `parallel` at a
// time. Each probe prints one line `TARGET PORT STATE`. States: open (connected), closed (refused), filtered (no
// answer in time, or unreachable).
import { joinScripts, raw, sh, type Script } from '../shell/script.js';
import type { PortState, ProbeTarget } from './audit-types.js';

export interface ProbeScriptOptions {
  targets: readonly ProbeTarget[];
  ports: readonly number[];
  /** Per probe. */
  timeoutMs: number;
  /** Probes in flight at once. */
  parallel: number;
}

/** Exit code of the script when the host has no way to probe (neither bash + timeout nor nc). */
export const NO_PROBE_TOOL_EXIT = 3;

// `err=$(...)` takes the exit code of the substitution; 124 is timeout(1)'s "timed out". Messages are in the C
// locale, so a refusal reads "Connection refused" (bash and every nc). A probe that gets no answer is tried once
// more with twice the time before it counts as filtered: on a loaded host, starting the probe's processes can eat
// the first timeout, and an open port reported filtered would hide a violation.
const PROBE_FUNCTION = raw(`attempt() {
  if [ "$via" = bash ]; then
    err=$(timeout "$1" bash -c 'exec 3<>"/dev/tcp/$0/$1"' "$3" "$4" 2>&1)
  elif [ "$has_timeout" = yes ]; then
    err=$(timeout "$1" nc -v -z -w "$2" "$3" "$4" 2>&1)
  else
    err=$(nc -v -z -w "$2" "$3" "$4" 2>&1)
  fi
  rc=$?
  if [ "$rc" -eq 0 ]; then s=open
  elif [ "$rc" -eq 124 ]; then s=filtered
  else
    case $err in *[Rr]efused*) s=closed ;; *) s=filtered ;; esac
  fi
}
probe() {
  attempt "$T" "$W" "$2" "$3"
  if [ "$s" = filtered ]; then attempt "$T2" "$W2" "$2" "$3"; fi
  echo "$1 $3 $s"
}`);

// argv: timeout (s), parallel, ports (comma-separated), then TARGET ADDRESS pairs. Python 3.4+ (selectors). A
// socket that became writable is read before any deadline is checked, so time the process spent descheduled never
// counts against a connect that succeeded. No answer → tried once more with twice the time, as the shell path does.
const PYTHON_PROBE = raw(`if command -v python3 >/dev/null 2>&1; then
python3 - "$T" "$P" "$PORTS" "$@" <<'TSINFRA_PROBE'
import errno, selectors, socket, sys, time

def probe(jobs, limit, parallel):
    states, waiting, todo = {}, {}, list(reversed(jobs))
    sel = selectors.DefaultSelector()
    def settle(sock, job, state):
        states[job] = state
        if sock in waiting:
            sel.unregister(sock)
            del waiting[sock]
        sock.close()
    while todo or waiting:
        while todo and len(waiting) < parallel:
            job = todo.pop()
            sock = socket.socket(socket.AF_INET6 if ':' in job[1] else socket.AF_INET, socket.SOCK_STREAM)
            sock.setblocking(False)
            rc = sock.connect_ex((job[1], job[2]))
            if rc in (errno.EINPROGRESS, errno.EWOULDBLOCK, errno.EAGAIN):
                waiting[sock] = (job, time.monotonic() + limit)
                sel.register(sock, selectors.EVENT_WRITE)
            else:
                settle(sock, job, 'open' if rc == 0 else 'closed' if rc == errno.ECONNREFUSED else 'filtered')
        if not waiting:
            continue
        wait = min(deadline for _, deadline in waiting.values()) - time.monotonic()
        for key, _ in sel.select(max(0, wait)):
            err = key.fileobj.getsockopt(socket.SOL_SOCKET, socket.SO_ERROR)
            settle(key.fileobj, waiting[key.fileobj][0], 'open' if err == 0 else 'closed' if err == errno.ECONNREFUSED else 'filtered')
        now = time.monotonic()
        for sock, (job, deadline) in list(waiting.items()):
            if deadline <= now:
                settle(sock, job, 'filtered')
    return states

limit, parallel = float(sys.argv[1]), int(sys.argv[2])
ports = [int(p) for p in sys.argv[3].split(',')]
pairs = sys.argv[4:]
jobs = [(pairs[i], pairs[i + 1], port) for i in range(0, len(pairs), 2) for port in ports]
states = probe(jobs, limit, parallel)
again = probe([job for job in jobs if states[job] == 'filtered'], 2 * limit, parallel)
states.update(again)
for job in jobs:
    print('%s %d %s' % (job[0], job[2], states[job]))
TSINFRA_PROBE
exit $?
fi`);

const TOOL_CHECK = raw(`has_timeout=no
if command -v timeout >/dev/null 2>&1; then has_timeout=yes; fi
if [ "$has_timeout" = yes ] && command -v bash >/dev/null 2>&1; then via=bash
elif command -v nc >/dev/null 2>&1; then via=nc
else
  echo 'tsinfra audit: this host has neither bash with timeout(1) nor nc to probe ports with' >&2
  exit ${NO_PROBE_TOOL_EXIT}
fi`);

/** Seconds as timeout(1) takes them (fractions allowed), and whole seconds for `nc -w`. */
function seconds(ms: number): { t: string; w: string } {
  return { t: String(Math.max(ms, 1) / 1000), w: String(Math.max(1, Math.ceil(ms / 1000))) };
}

export function probeCount(o: Pick<ProbeScriptOptions, 'targets' | 'ports'>): number {
  return o.targets.length * o.ports.length;
}

/** How long the whole script may take before it is killed as hung: every wave of probes times out twice (the retry
 * has twice the time), plus a generous minute, because on a loaded host starting a hundred probe processes is slow
 * and a killed script loses every probe it made. */
export function probeScriptBudgetMs(o: ProbeScriptOptions): number {
  const waves = Math.ceil(probeCount(o) / Math.max(1, o.parallel));
  return waves * (3 * o.timeoutMs + 1000) + 60_000;
}

export function probeScript(o: ProbeScriptOptions): Script {
  const { t, w } = seconds(o.timeoutMs);
  const retry = seconds(2 * o.timeoutMs);
  const lines: Script[] = [
    raw('# tsinfra audit ports: one line per probe, TARGET PORT STATE'),
    raw('LC_ALL=C; export LC_ALL'),
    sh`T=${t}; W=${w}; T2=${retry.t}; W2=${retry.w}; P=${String(o.parallel)}; PORTS=${o.ports.join(',')}`,
    sh`set -- ${o.targets.flatMap((target) => [target.host, target.address])}`,
    PYTHON_PROBE,
    TOOL_CHECK,
    PROBE_FUNCTION,
  ];
  let inFlight = 0;
  for (const target of o.targets) {
    for (const port of o.ports) {
      lines.push(sh`probe ${target.host} ${target.address} ${port} &`);
      if (++inFlight >= o.parallel) {
        lines.push(raw('wait'));
        inFlight = 0;
      }
    }
  }
  lines.push(raw('wait'));
  return joinScripts(lines);
}

export interface ProbeLine {
  host: string;
  port: number;
  state: PortState;
}

const STATES = new Set<string>(['open', 'closed', 'filtered']);

/** `TARGET PORT STATE` lines → probes; anything else (stray output) is skipped. */
export function parseProbeOutput(stdout: string): ProbeLine[] {
  const out: ProbeLine[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^(\S+) (\d+) (\S+)$/.exec(line.trim());
    if (!m || !STATES.has(m[3]!)) continue;
    out.push({ host: m[1]!, port: Number(m[2]), state: m[3] as PortState });
  }
  return out;
}
