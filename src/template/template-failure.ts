// Turns what the Jinja engine throws (a syntax error or a render failure, each with an offset) into the
// TemplateError people see: the file, the task and the position.
import { TemplateError } from '../errors.js';
import { JinjaSyntaxError, RenderFailure } from '../jinja/index.js';
import { JinjaRuntimeError, UndefinedError } from '../jinja/values.js';
import { formatSite, locate, type TemplateSite } from './template-site.js';

/** The message, offset and hint of a Jinja failure; undefined for anything else (a bug or an I/O error). */
export function jinjaFailure(err: unknown): { message: string; pos?: number; hint?: string; variable?: string } | undefined {
  if (err instanceof JinjaSyntaxError) return { message: `syntax error: ${err.message}`, pos: err.pos, hint: err.hint };
  if (err instanceof RenderFailure) return { message: err.message, pos: err.pos, hint: err.hint, variable: err.variable };
  if (err instanceof UndefinedError) return { message: err.message, pos: err.pos, hint: err.hint, variable: err.variable };
  if (err instanceof JinjaRuntimeError) return { message: err.message, hint: err.hint };
  return undefined;
}

/**
 * A TemplateError for `err` thrown while rendering `text` from `site`. Text embedded in YAML is reported at the
 * value's position, with the line and column inside the value; a template file at the position inside it.
 */
export function toTemplateError(err: unknown, text: string, site: TemplateSite): Error {
  if (err instanceof TemplateError) return err;
  const f = jinjaFailure(err);
  if (f === undefined) return err as Error;
  const loc = f.pos === undefined ? undefined : locate(text, f.pos);
  let where = '';
  if (loc && site.line !== undefined) where = text.includes('\n') ? ` (template line ${loc.line}, column ${loc.column + 1})` : ` at column ${loc.column + 1} of ${JSON.stringify(text.length > 60 ? `${text.slice(0, 60)}…` : text)}`;
  return new TemplateError(formatSite(site, loc), f.message + where, { variable: f.variable, hint: f.hint, cause: err });
}
