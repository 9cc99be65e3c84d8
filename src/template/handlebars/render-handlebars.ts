// Handlebars, for our own `.hbs` template files only (YAML strings, `.j2` files and `when:` are Jinja2).
import { TemplateError } from '../../errors.js';
import { compileTemplate } from './compile-template.js';
import { withRenderState } from './render-state.js';
import { TemplateFailure } from './template-failure.js';
import { formatSite, type TemplateSite } from '../template-site.js';

// Explicit false keeps handlebars' prototype-access protection on and stops it logging each denied access.
const RUNTIME_OPTIONS = { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false } as const;

function toTemplateError(err: unknown, where: TemplateSite): TemplateError {
  if (err instanceof TemplateError) return err;
  const f =
    err instanceof TemplateFailure
      ? err
      : (() => {
          const e = err as Error & { lineNumber?: number; column?: number };
          const loc = typeof e.lineNumber === 'number' ? { line: e.lineNumber, column: e.column ?? 0 } : undefined;
          return new TemplateFailure(String(e?.message ?? err).replace(/ - \d+:\d+$/, ''), { loc });
        })();
  return new TemplateError(formatSite(where, f.loc), f.message, { variable: f.variable, hint: f.hint, cause: f === err ? undefined : err });
}

/** Parse a `.hbs` template now (for load-time checks); throws the TemplateError a render would. */
export function checkHandlebars(text: string, where: TemplateSite): void {
  try {
    compileTemplate(text);
  } catch (err) {
    throw toTemplateError(err, where);
  }
}

/**
 * Render a `.hbs` file. Undefined variables, unknown helpers and syntax errors throw a TemplateError naming the file
 * and the position inside it.
 */
export function renderHandlebars(text: string, vars: Readonly<Record<string, unknown>>, where: TemplateSite): string {
  try {
    const tpl = compileTemplate(text);
    return withRenderState({ site: where }, () => tpl.text(vars, RUNTIME_OPTIONS));
  } catch (err) {
    throw toTemplateError(err, where);
  }
}
