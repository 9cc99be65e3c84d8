// What a play run reports, as a stream of events: reporters (text for people, JSON lines for CI) consume them.
import type { FileDiff } from '../modules/define.js';

/** The fixed vocabulary of a task's outcome on one host (STYLE.md 5). */
export type TaskStatus = 'ok' | 'changed' | 'failed' | 'skipped' | 'unreachable';

export interface HostTaskResult {
  host: string;
  status: TaskStatus;
  /** One line per change made (or that would be made, in check mode). */
  changes: string[];
  /** Why it failed, was skipped, or could not reach the host; debug's message (a value that is not text: as JSON). */
  message?: string;
  /** debug's result as Ansible shows it, `{ msg: value }` or `{ <var>: value }`, with its structure. */
  debug?: Record<string, unknown>;
  /** --diff: whole-file before/after, rendered as a unified diff by the reporter. */
  diff?: FileDiff;
  /** The loop item's label, when the task loops (one result per item, then one for the task). */
  item?: string;
  /** The failure was ignored (ignore_errors): counted as `ignored`, the host goes on. */
  ignored?: boolean;
  /** A failure inside a block that a rescue section handled. */
  rescued?: boolean;
  /** Output of command-like modules, shown for failures and with -v. */
  stdout?: string;
  stderr?: string;
  rc?: number | null;
  durationMs: number;
  /** Whether the task's output must be hidden (no_log). */
  noLog?: boolean;
}

export interface TaskRef {
  id: string;
  name: string;
  /** file:line:column of the task. */
  at: string;
  role?: string;
  isHandler?: boolean;
}

export interface RecapCounts {
  ok: number;
  changed: number;
  unreachable: number;
  failed: number;
  skipped: number;
  rescued: number;
  ignored: number;
}

/** One remote script run (-vvv): what ran where, as whom, how long it took. (A type, not an interface: events are plain records.) */
export type RemoteExec = {
  host: string;
  /** The task it ran for (file:line:column and name), when it ran for one. */
  task?: string;
  /** The script as it may be shown: secrets as *** (Script.shown). */
  script: string;
  /** The become user, when it ran through sudo. */
  become?: string;
  /** Exit code; null when killed or when it never ended (the connection was lost). */
  rc: number | null;
  durationMs: number;
};

export type RunEvent =
  | { type: 'run_start'; playbook: string; check: boolean; diff: boolean; hosts: number }
  | ({ type: 'remote_exec' } & RemoteExec)
  /** `play`: Ansible's banner text: the play's name, or its host pattern when unnamed (run-playbook.ts playTitle). */
  | { type: 'play_start'; play: string; hosts: string[] }
  | { type: 'task_start'; task: TaskRef; hosts: string[] }
  | { type: 'host_result'; task: TaskRef; result: HostTaskResult }
  /** A task is done on every host it ran on: its wall time, first start to last result (profile_tasks' number). */
  | { type: 'task_end'; task: TaskRef; hosts: string[]; durationMs: number }
  | { type: 'play_end'; play: string }
  | {
      type: 'recap';
      hosts: Record<string, RecapCounts>;
      durationMs: number;
      retryFile?: string;
      /** Remote commands run (SSH round trips), all hosts. */
      roundTrips?: number;
      /** The signal that interrupted the run (SIGINT, SIGTERM): the counts are what finished before it. */
      interrupted?: string;
    };

export interface Reporter {
  onEvent(event: RunEvent): void;
  /** Flush and close (e.g. stop a live view) at the end of the run. */
  close?(): void;
}

export function emptyCounts(): RecapCounts {
  return { ok: 0, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
}
