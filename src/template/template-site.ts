// Where a template comes from: named in every error, and the base for lookups and includes.
import { formatPosition, type SourcePosition } from '../errors.js';

/** A position inside a template's own text: 1-based line, 0-based column. */
export interface TemplateLoc {
  line: number;
  column: number;
}

/**
 * `file` with `line`/`column`: the text is a YAML value at that position (a task argument). `file` alone: the file
 * is the template (the `template` module), and errors point inside it.
 */
export interface TemplateSite extends SourcePosition {
  task?: string; // task name, for messages
  baseDir?: string; // relative lookups and includes start here; default: the directory of `file`
  /** Role and playbook directories searched for lookup('file'), lookup('template') and include, in order. */
  searchDirs?: { readonly files?: readonly string[]; readonly templates?: readonly string[]; readonly vars?: readonly string[] };
  env?: Readonly<Record<string, string | undefined>>; // lookup('env') reads this; default: process.env
  commandDir?: string; // lookup('pipe'/'lines') runs here (the playbook's directory); default: baseDir
}

/** The 1-based line and 0-based column of `offset` in `text`. */
export function locate(text: string, offset: number): TemplateLoc {
  const before = text.slice(0, offset);
  const nl = before.lastIndexOf('\n');
  return { line: before.split('\n').length, column: offset - (nl + 1) };
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
