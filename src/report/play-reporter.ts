// Picks the play reporter for the command line: JSON lines (--json) or text for people.
import type { Reporter } from '../engine/events.js';
import { PlayJsonReporter, type ReportOutput } from './play-json.js';
import { PlayTextReporter } from './play-text.js';

export type { ReportOutput } from './play-json.js';

export interface PlayReporterOptions {
  json: boolean;
  /** Render file changes as unified diffs (text only: JSON events always carry the diff). */
  diff: boolean;
  /** -v count (or a flag): ≥ 1 shows task paths, skip reasons and command output. */
  verbose: boolean | number;
  out: ReportOutput;
}

export function createPlayReporter(options: PlayReporterOptions): Reporter {
  if (options.json) return new PlayJsonReporter(options.out);
  return new PlayTextReporter({ out: options.out, diff: options.diff, verbose: options.verbose });
}
