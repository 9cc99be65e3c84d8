// Play output for machines: every RunEvent as one JSON object on its own line, written as it happens (JSON Lines).
// Results of no_log tasks keep their status, host, timing and counters but lose everything the task produced.
import type { HostTaskResult, Reporter, RunEvent } from '../engine/events.js';

/** Where a play reporter writes: process.stdout, a file stream, or a test buffer. */
export interface ReportOutput {
  write(chunk: string): unknown;
  isTTY?: boolean;
  /** Terminal width, when a terminal. */
  columns?: number;
}

export const NO_LOG_MESSAGE = 'censored: the output has been hidden due to no_log';
/** Loop labels of no_log tasks are hidden too: they are often the secret (a user's password, a key). */
export const NO_LOG_ITEM = 'censored';

/** A no_log result with the task's output removed; other results unchanged. */
export function censorResult(result: HostTaskResult): HostTaskResult {
  if (!result.noLog) return result;
  const censored: HostTaskResult = {
    host: result.host,
    status: result.status,
    changes: [],
    message: NO_LOG_MESSAGE,
    durationMs: result.durationMs,
    noLog: true,
  };
  if (result.item !== undefined) censored.item = NO_LOG_ITEM;
  if (result.ignored !== undefined) censored.ignored = result.ignored;
  if (result.rescued !== undefined) censored.rescued = result.rescued;
  if (result.rc !== undefined) censored.rc = result.rc;
  return censored;
}

/** One JSON line; with `time` (an ISO 8601 timestamp), right after `type`. */
export function jsonEventLine(event: RunEvent, time?: string): string {
  const shown = event.type === 'host_result' ? { ...event, result: censorResult(event.result) } : event;
  // `type` first, then `time`, then the rest (spreading `shown` keeps `type` where it is).
  const line: object = time === undefined ? shown : Object.assign({ type: shown.type, time }, shown);
  return `${JSON.stringify(line)}\n`;
}

export class PlayJsonReporter implements Reporter {
  /** `now`: stamps each line with the time it is written (events are written as they happen). */
  constructor(
    private readonly out: ReportOutput,
    private readonly now?: () => Date,
  ) {}

  onEvent(event: RunEvent): void {
    this.out.write(jsonEventLine(event, this.now?.().toISOString()));
  }
}
