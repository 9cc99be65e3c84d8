// async_status: the state of a job started with `async:` (its results file, ~/.ansible_async/<jid>, as Ansible's
// async_wrapper lays it out), or `mode: cleanup` to remove that file. The engine polls jobs with the same script
// and reading (engine/async-job.ts), as Ansible's task executor runs this module to poll.
import { Type } from '@sinclair/typebox';
import { raw, sh, type Script } from '../shell/script.js';
import { StringEnum, defineAction, type RegisteredResult } from './define.js';

const AsyncStatusArgs = Type.Object(
  {
    jid: Type.String({ minLength: 1, description: 'The job id a task with async registered (ansible_job_id)' }),
    mode: StringEnum(['status', 'cleanup'] as const, { default: 'status', description: 'status: read the job; cleanup: remove its results file' }),
  },
  { additionalProperties: false },
);

/**
 * Sets `d` to the async directory: ANSIBLE_ASYNC_DIR when the task's environment sets it (async_wrapper reads it),
 * else Ansible's default, ~/.ansible_async of the user the task runs as.
 */
export const ASYNC_DIR: Script = raw('h=$(getent passwd "$(id -u)" | cut -d: -f6); d="${ANSIBLE_ASYNC_DIR:-${h:-$HOME}/.ansible_async}"');

/** Prints the results file's path, then `missing`, `erased`, or `found` and the file. */
export function asyncStatusScript(jid: string, mode: 'status' | 'cleanup'): Script {
  const act = mode === 'cleanup' ? raw('rm -f -- "$f" && echo erased') : raw('echo found; cat -- "$f"');
  return sh`${ASYNC_DIR}; f="$d"/${jid}; printf '%s\\n' "$f"; if [ ! -e "$f" ]; then echo missing; exit 0; fi; ${act}`;
}

/** The printout of asyncStatusScript as Ansible's async_status action reports it. */
export function asyncStatusResult(jid: string, mode: 'status' | 'cleanup', stdout: string): RegisteredResult {
  const [path = '', state = '', ...rest] = stdout.split('\n');
  // What the action plugin starts from; the module's result is merged over it.
  const base: RegisteredResult = { changed: false, failed: false, started: 0, finished: 0, stdout: '', stderr: '', stdout_lines: [], stderr_lines: [], ansible_job_id: jid };
  Object.assign(base, mode === 'cleanup' ? { erased: path } : { results_file: path, started: 1 });
  if (state === 'missing') return { ...base, failed: true, msg: 'could not find job', started: 1, finished: 1 };
  if (state === 'erased') return base;
  let data: Record<string, unknown> | undefined;
  try {
    const parsed: unknown = JSON.parse(rest.join('\n'));
    if (parsed && typeof parsed === 'object' && !Array.isArray(parsed)) data = parsed as Record<string, unknown>;
  } catch {
    /* not written yet: still running */
  }
  if (!data || Object.keys(data).length === 0) return { ...base, started: 1, finished: 0 };
  if (!('started' in data)) Object.assign(data, { finished: 1, ansible_job_id: jid });
  else if (!('finished' in data)) data.finished = 0;
  const out: RegisteredResult = { ...base, ...data, changed: Boolean(data.changed), failed: Boolean(data.failed) };
  // The controller adds the _lines of a module's output (ActionBase._execute_module).
  if (typeof data.stdout === 'string' && !('stdout_lines' in data)) out.stdout_lines = lines(data.stdout);
  if (typeof data.stderr === 'string' && !('stderr_lines' in data)) out.stderr_lines = lines(data.stderr);
  return out;
}

function lines(text: string): string[] {
  return text === '' ? [] : text.split(/\r\n|\r|\n/);
}

export const asyncStatus = defineAction({
  name: 'async_status',
  summary: 'Read (or clean up) the state of a job started with async:',
  args: AsyncStatusArgs,
  // A module without check mode support: Ansible skips it in check mode.
  checkMode: 'skip',
  controllerOnly: false,
  async run(a, io) {
    const r = await io.exec(asyncStatusScript(a.jid, a.mode));
    if (r.code !== 0) return { changed: false, failed: true, msg: `async_status failed: ${r.stderr.trim().slice(0, 200)}`, rc: r.code, stderr: r.stderr };
    return asyncStatusResult(a.jid, a.mode, r.stdout);
  },
});
