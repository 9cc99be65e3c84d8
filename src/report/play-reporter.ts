// Picks the play reporter for the command line: JSON lines (--json) or text for people.
import type { Reporter } from '../engine/events.js';
import { PlayJsonReporter, type ReportOutput } from './play-json.js';
import { PlayTextReporter } from './play-text.js';
import { maskingOutput } from '../vault/mask-vault-values.js';

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
  const out = maskingOutput(options.out); // vault plaintexts never reach the terminal or --json (docs/secrets.md)
  if (options.json) return new PlayJsonReporter(out, () => new Date());
  return new PlayTextReporter({ out, diff: options.diff, verbose: options.verbose });
}
