// `--profile` (Ansible's profile_tasks callback): after the recap, the slowest tasks, each with its wall time from
// its task_end events (a task run again, by serial batches, adds up), longest first, at most 20, in profile_tasks'
// layout ("name ----- 1.23s"). Wraps the play reporter; every event still goes to it unchanged.
import type { Reporter, RunEvent, TaskRef } from '../engine/events.js';
import type { ReportOutput } from './play-json.js';

export interface TaskTime {
  /** "role : name" for a role's task, as Ansible names it. */
  name: string;
  /** file:line:column. */
  at: string;
  ms: number;
}

const WIDTH = 80; // profile_tasks pads to the terminal's columns; a fixed width keeps logs and CI output stable

function displayName(task: TaskRef): string {
  return task.role ? `${task.role} : ${task.name}` : task.name; // as the TASK [...] banner names it
}

/** One profile line: the name filled with "-" up to the time, right-aligned in 9 columns (profile_tasks' format). */
export function profileLine(t: TaskTime, width = WIDTH): string {
  const time = ` ${(t.ms / 1000).toFixed(2)}s`;
  const left = `${t.name} `;
  return left.padEnd(width - 9, '-') + time.padStart(9, '-');
}

export function formatTaskProfile(times: readonly TaskTime[], limit = 20): string {
  const rows = [...times].sort((a, b) => b.ms - a.ms).slice(0, limit);
  return `\n${'='.repeat(79)} \n${rows.map((t) => `${profileLine(t)}\n`).join('')}`;
}

export class TaskProfileReporter implements Reporter {
  private readonly times = new Map<string, TaskTime>();

  constructor(
    private readonly inner: Reporter,
    private readonly out: ReportOutput,
  ) {}

  onEvent(event: RunEvent): void {
    this.inner.onEvent(event);
    if (event.type === 'task_end') {
      const seen = this.times.get(event.task.id);
      if (seen) seen.ms += event.durationMs;
      else this.times.set(event.task.id, { name: displayName(event.task), at: event.task.at, ms: event.durationMs });
    } else if (event.type === 'recap' && this.times.size > 0) {
      this.out.write(formatTaskProfile([...this.times.values()]));
    }
  }

  close(): void {
    this.inner.close?.();
  }
}
