// The templating entry points. Text without "{{" is returned untouched without compiling anything.
import { TemplateError } from '../errors.js';
import { compileTemplate, valueDelegate, type CompiledTemplate } from './compile-template.js';
import { renderPlain } from './plain-paths.js';
import { withRenderState } from './render-state.js';
import { TemplateFailure } from './template-failure.js';
import { formatSite, type TemplateSite } from './template-site.js';
import { isPlainObject } from './values.js';

export type { TemplateSite } from './template-site.js';
export type TemplateVars = Readonly<Record<string, unknown>>;

// Explicit false keeps handlebars' prototype-access protection on and stops it logging each denied access.
const RUNTIME_OPTIONS = { allowProtoPropertiesByDefault: false, allowProtoMethodsByDefault: false } as const;

function asFailure(err: unknown): TemplateFailure {
  if (err instanceof TemplateFailure) return err;
  const e = err as Error & { lineNumber?: number; column?: number };
  const loc = typeof e.lineNumber === 'number' ? { line: e.lineNumber, column: e.column ?? 0 } : undefined;
  return new TemplateFailure(String(e?.message ?? err).replace(/ - \d+:\d+$/, ''), { loc });
}

function toTemplateError(err: unknown, source: string, where: TemplateSite): TemplateError {
  if (err instanceof TemplateError) return err;
  const f = asFailure(err);
  // Text embedded in YAML is reported at the value's position; a multi-line one also says which line inside it.
  const inner = where.line !== undefined && f.loc && source.includes('\n') ? ` (template line ${f.loc.line})` : '';
  return new TemplateError(formatSite(where, f.loc), f.message + inner, {
    variable: f.variable,
    hint: f.hint,
    cause: f === err ? undefined : err,
  });
}

// A Jinja statement tag would otherwise pass through into the output unnoticed.
const JINJA_STATEMENT = /\{%-?\s*(?:if|elif|else|endif|for|endfor|set|raw|macro|block|include|import)\b/;

function rejectJinjaStatements(text: string, where: TemplateSite): string {
  if (!text.includes('{%')) return text;
  const m = JINJA_STATEMENT.exec(text);
  if (m === null) return text;
  const before = text.slice(0, m.index);
  const loc = { line: before.split('\n').length, column: m.index - (before.lastIndexOf('\n') + 1) };
  throw toTemplateError(
    new TemplateFailure(`Jinja statements are not supported: ${m[0]}`, {
      loc,
      hint: 'use {{#if x}}…{{else}}…{{/if}} and {{#each xs}}…{{/each}}; write {{"{%"}} for a literal {%',
    }),
    text,
    where,
  );
}

function compile(source: string, where: TemplateSite): CompiledTemplate {
  rejectJinjaStatements(source, where);
  try {
    return compileTemplate(source);
  } catch (err) {
    throw toTemplateError(err, source, where);
  }
}

/**
 * Render `text` to a string. Undefined variables, unknown helpers and syntax errors throw a TemplateError naming
 * `where`, e.g. `roles/x/tasks/main.yaml:12:9 (task "Install packages"): undefined variable "vpn_cidr"`.
 */
export function renderString(text: string, vars: TemplateVars, where: TemplateSite): string {
  if (!text.includes('{{')) return rejectJinjaStatements(text, where);
  const plain = renderPlain(text, vars, false);
  if (plain) return plain.value as string;
  const tpl = compile(text, where);
  try {
    return withRenderState({ site: where }, () => tpl.text(vars, RUNTIME_OPTIONS));
  } catch (err) {
    throw toTemplateError(err, text, where);
  }
}

function renderLeaf(text: string, vars: TemplateVars, where: TemplateSite): unknown {
  if (!text.includes('{{')) return rejectJinjaStatements(text, where);
  const plain = renderPlain(text, vars, true);
  if (plain) return plain.value;
  const tpl = compile(text, where);
  if (!tpl.isSingleExpression) return renderString(text, vars, where);
  const state: { site: TemplateSite; captured?: { value: unknown } } = { site: where };
  try {
    withRenderState(state, () => valueDelegate(text, tpl)(vars, RUNTIME_OPTIONS));
  } catch (err) {
    throw toTemplateError(err, text, where);
  }
  return state.captured?.value;
}

/**
 * Render every string inside `value` (nested lists and maps; keys are not rendered). A string that is exactly one
 * `{{ expr }}` keeps the type of its value: `"{{ ports }}"` gives the list, `"{{ default n 3 }}"` a number. Values
 * from variables are never rendered again. Parts with nothing to render are returned as they are (same object).
 */
export function renderValue(value: unknown, vars: TemplateVars, where: TemplateSite): unknown {
  if (typeof value === 'string') return renderLeaf(value, vars, where);
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((v) => {
      const r = renderValue(v, vars, where);
      changed ||= r !== v;
      return r;
    });
    return changed ? out : value;
  }
  if (isPlainObject(value)) {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = renderValue(v, vars, where);
      changed ||= r !== v;
      out[k] = r;
    }
    return changed ? out : value;
  }
  return value;
}
