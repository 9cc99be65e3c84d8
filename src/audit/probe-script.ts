// The script a vantage host runs to probe every target and port in one exec: POSIX sh, sent on stdin to `sh -s`.
// It uses what a minimal Debian/Ubuntu host has: bash's /dev/tcp under coreutils' `timeout`, or `nc -z` when bash
// (or timeout) is missing. Probes run in the background, `parallel` at a time; each prints one line
// `TARGET PORT STATE`. States: open (connected), closed (refused), filtered (no answer in time, or unreachable).
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
    sh`T=${t}; W=${w}; T2=${retry.t}; W2=${retry.w}`,
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
