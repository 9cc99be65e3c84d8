// The `async:` and `poll:` task keywords, as Ansible 2.14 runs them: the module's script runs detached on the host
// (its own session, so it outlives our SSH connection and Ctrl-C), within `async` seconds, and writes its result to
// ~/.ansible_async/<jid> as Ansible's async_wrapper does. With `poll: P > 0` the engine reads that file every P
// seconds (async_status's reading) until the job ends or `async` seconds have passed; with `poll: 0` the task
// registers the job id at once and a later async_status task polls it.
//
// Secrets: the job's script reaches the host on stdin (never argv), into a file only its user can read, which is
// unlinked as soon as the job has opened it; the results file is the user's alone (umask 077).
import { randomBytes } from 'node:crypto';
import type { AsyncJob, ExecResult, RegisteredResult } from '../modules/define.js';
import { ASYNC_DIR, asyncStatusResult, asyncStatusScript } from '../modules/async-status.js';
import { joinScripts, raw, sh, type Script } from '../shell/script.js';
import { secret } from '../shell/secret.js';
import { CommandError, ConnectError } from '../errors.js';

/** A task's `async` (seconds the job may run) and `poll` (seconds between reads; 0: do not wait). */
export interface AsyncSettings {
  limit: number;
  poll: number;
}

// The results file once the job ended: the job's `result` keys (BASE), then the run's. Output is escaped a line
// at a time (lines are short), so a big output costs no quadratic string building.
const RESULT_AWK = String.raw`
function esc(s,   out, c) {
  out = ""
  while (match(s, /[\001-\037"\\]/)) {
    c = substr(s, RSTART, 1)
    out = out substr(s, 1, RSTART - 1) (c in E ? E[c] : sprintf("\\u%04x", ORD[c]))
    s = substr(s, RSTART + 1)
  }
  return out s
}
function emit(key, file, endsnl,   line, n, blank) {
  printf ", \"%s\": \"", key
  n = 0; blank = 0
  while ((getline line < file) > 0) {
    if (ENVIRON["STRIP"] == "1" && line == "") { blank++; continue }
    if (n++ > 0) printf "\\n"
    for (; blank > 0; blank--) printf "\\n"
    printf "%s", esc(line)
  }
  if (ENVIRON["STRIP"] != "1" && endsnl == "1" && n > 0) printf "\\n"
  printf "\""
}
BEGIN {
  for (i = 1; i < 32; i++) ORD[sprintf("%c", i)] = i
  E["\""] = "\\\""; E["\\"] = "\\\\"; E["\t"] = "\\t"; E["\r"] = "\\r"
  printf "{%s", ENVIRON["BASE"]
  if (ENVIRON["OUTPUT"] == "1") {
    printf ", \"rc\": %d", ENVIRON["RC"]
    emit("stdout", ENVIRON["F"] ".out", ENVIRON["OUTNL"])
    emit("stderr", ENVIRON["F"] ".err", ENVIRON["ERRNL"])
  }
  if (ENVIRON["TIMED"] == "1") {
    d = ENVIRON["S1"] - ENVIRON["S0"]; h = int(d / 3600); m = int((d - h * 3600) / 60)
    printf ", \"start\": \"%s\", \"end\": \"%s\", \"delta\": \"%d:%02d:%09.6f\"", ENVIRON["START"], ENVIRON["END"], h, m, d - h * 3600 - m * 60
    if (ENVIRON["RC"] == "0") printf ", \"msg\": \"\""
  }
  if (ENVIRON["RC"] != "0") printf ", \"failed\": true, \"msg\": \"non-zero return code\""
  printf "}"
}`;

// The detached job: $1 the results file, $2 the time limit, $3 the job's script (fd 3 holds it). A job past its
// limit is stopped (timeout signals its whole process group) and leaves async_wrapper's "Timeout exceeded".
const JOB = String.raw`f=$1; limit=$2
exec 3<"$f.run"; rm -f -- "$f.run" "$0"
now() { date '+%Y-%m-%d %H:%M:%S.%6N'; }
START=$(now); S0=$(date +%s.%N)
timeout -k 5 "$limit" sh /dev/fd/3 </dev/null >"$f.out" 2>"$f.err" &
pid=$!
wait "$pid"; RC=$?
exec 3<&-
END=$(now); S1=$(date +%s.%N)
ends_nl() { [ -s "$1" ] && [ "$(tail -c 1 "$1" | wc -l)" = 1 ] && echo 1 || echo 0; }
if [ "$RC" = 124 ]; then
  printf '{"msg": "Timeout exceeded", "failed": true, "child_pid": %s}' "$pid" >"$f.tmp"
elif [ -n "$SKIP_MARKER" ] && [ "$RC" = 0 ] && [ "$(cat -- "$f.out")" = "$SKIP_MARKER" ]; then
  printf '%s' "$SKIP_RESULT" >"$f.tmp"
else
  F=$f; OUTNL=$(ends_nl "$f.out"); ERRNL=$(ends_nl "$f.err")
  export F RC START END S0 S1 OUTNL ERRNL
  awk "$RESULT_AWK" </dev/null >"$f.tmp"
fi
mv -f -- "$f.tmp" "$f"
rm -f -- "$f.out" "$f.err"
`;

/**
 * The script that starts a job and prints its id and results file: the async directory, the "started" results
 * file, the job's files (by here-documents whose delimiter is random), then the job in a new session.
 */
export function launchScript(job: AsyncJob, limit: number, id = randomBytes(6).readUIntBE(0, 6) % 1e12): Script {
  const eof = `TSINFRA_ASYNC_${randomBytes(8).toString('hex')}`;
  const base = JSON.stringify(job.result).slice(1, -1);
  const env = [
    sh`BASE=${secret(base)} OUTPUT=${job.output ? '1' : '0'} TIMED=${job.timed ? '1' : '0'} STRIP=${job.strip ? '1' : '0'}`,
    sh`SKIP_MARKER=${job.skip?.marker ?? ''} SKIP_RESULT=${secret(job.skip ? JSON.stringify(job.skip.result) : '')} RESULT_AWK=${RESULT_AWK}`,
  ];
  return joinScripts([
    raw('umask 077'),
    ASYNC_DIR,
    raw(`mkdir -p -- "$d" || exit 1; jid=j${id}.$$; f="$d/$jid"`),
    raw(`printf '{"started": 1, "finished": 0, "ansible_job_id": "%s"}' "$jid" >"$f.tmp" && mv -f -- "$f.tmp" "$f" || exit 1`),
    raw(`cat >"$f.run" <<'${eof}'`),
    job.script,
    raw(eof),
    raw(`cat >"$f.job" <<'${eof}'`),
    raw(JOB),
    raw(eof),
    sh`${joinScripts(env, ' ')} setsid sh "$f.job" "$f" ${String(jobDeadline(limit))} </dev/null >/dev/null 2>&1 &`,
    raw(`printf '%s\\n%s\\n' "$jid" "$f"`),
  ]);
}

/**
 * When the job is stopped: Ansible's async_wrapper looks every 5 s, first after 5 s, and stops the job once `async`
 * seconds are used up, so a job may run up to 5 s past its `async`, and the controller's last poll comes first.
 */
export function jobDeadline(limit: number): number {
  return 5 + 5 * Math.ceil(limit / 5);
}

/** What the job's runner does on the host, given to the engine (module-runner.ts). */
export interface AsyncIO {
  exec(script: Script): Promise<ExecResult>;
  sleep(ms: number): Promise<void>;
  host: string;
}

/** Starts the job; with poll > 0 waits for it as Ansible's task executor does (_poll_async_result). */
export async function runAsyncJob(io: AsyncIO, job: AsyncJob, settings: AsyncSettings): Promise<RegisteredResult> {
  const started = await io.exec(launchScript(job, settings.limit));
  const [jid, resultsFile] = started.stdout.split('\n');
  if (started.code !== 0 || !jid || !resultsFile) {
    throw new CommandError({ host: io.host, what: 'starting the async job', exitCode: started.code, signal: started.signal, stdout: started.stdout, stderr: started.stderr });
  }
  const launched: RegisteredResult = { changed: true, failed: false, ansible_job_id: jid, results_file: resultsFile, started: 1, finished: 0 };
  if (settings.poll <= 0) return launched;
  let status: RegisteredResult = launched;
  for (let left = settings.limit; left > 0; left -= settings.poll) {
    await io.sleep(settings.poll * 1000);
    try {
      status = asyncStatusResult(jid, 'status', (await io.exec(asyncStatusScript(jid, 'status'))).stdout);
    } catch (err) {
      // A poll may meet a bounced connection (Ansible retries it); the job runs on regardless.
      if (!(err instanceof ConnectError) || left - settings.poll <= 0) throw err;
      continue;
    }
    if (status.finished === 1 || status.failed) break;
  }
  if (status.finished !== 1) {
    return { changed: false, failed: true, msg: `async task did not complete within the requested time - ${settings.limit}s`, async_result: status };
  }
  await io.exec(asyncStatusScript(jid, 'cleanup'));
  return status;
}
