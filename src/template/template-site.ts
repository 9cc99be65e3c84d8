// Where a template comes from: named in every error, and the base for the `file` and `env` helpers.
import { formatPosition, type SourcePosition } from '../errors.js';
import type { TemplateLoc } from './template-failure.js';

/**
 * `file` with `line`/`column`: the text is a YAML value at that position (a task argument). `file` alone: the file
 * is the template (the `template` module), and errors point inside it.
 */
export interface TemplateSite extends SourcePosition {
  task?: string; // task name, for messages
  baseDir?: string; // `{{file "x"}}` reads relative to this; default: the directory of `file`
  env?: Readonly<Record<string, string | undefined>>; // `{{env "X"}}` reads this; default: process.env
}

/**
 * `roles/x/tasks/main.yaml:12:9 (task "Install packages")`. For a template file (no line in the site) the position is
 * the one inside the template; for text embedded in YAML it is the value's own position in that file.
 */
export function formatSite(site: TemplateSite, loc?: TemplateLoc): string {
  const pos = site.line === undefined && loc ? { file: site.file, line: loc.line, column: loc.column + 1 } : site;
  const task = site.task === undefined ? '' : ` (task ${JSON.stringify(site.task)})`;
  return `${formatPosition(pos)}${task}`;
}
