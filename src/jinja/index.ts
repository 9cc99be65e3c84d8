// Our Jinja2: compile once per distinct source and settings, render many times. The Ansible-specific choices (what
// a task argument's result type is, how `when:` reads) live in the template facade; this is the engine.
import type { Expr, TemplateAst } from './ast.js';
import { parseExpression, parseTemplate } from './parser.js';
import type { RenderHost } from './registry.js';
import { Runtime, type RuntimeOptions } from './runtime.js';
import { checkNames } from './check.js';
import { didYouMean } from '../text/did-you-mean.js';
import { JinjaSyntaxError } from './syntax-error.js';
import { pyStr } from './values.js';

export { JinjaSyntaxError } from './syntax-error.js';
export { RenderFailure } from './runtime.js';
export type { RenderHost } from './registry.js';

export interface TemplateSettings {
  trimBlocks: boolean;
  lstripBlocks: boolean;
  keepTrailingNewline: boolean;
  newlineSequence: string;
  /** Task arguments: string literals inside `{{ }}` keep their backslashes (Ansible's escape_backslashes). */
  rawStringsInVariables: boolean;
}

/** What Ansible's Templar uses for every template (task arguments and the template module alike). */
export const ANSIBLE_SETTINGS: TemplateSettings = {
  trimBlocks: true,
  lstripBlocks: false,
  keepTrailingNewline: false,
  newlineSequence: '\n',
  rawStringsInVariables: false,
};

export interface CompiledTemplate {
  readonly ast: TemplateAst;
  readonly settings: TemplateSettings; // after the #jinja2: header's overrides
  readonly source: string; // after the #jinja2: header and trailing-newline handling: offsets point into it
  readonly headerLength: number; // characters of the original text before `source` (the #jinja2: line)
}

const MAX_ENTRIES = 4096; // templates come from playbooks and roles: this bounds memory, not the hit rate
// One cache per settings object: the settings in use are a few constants, so the text alone is the key.
const templates = new WeakMap<TemplateSettings, Map<string, CompiledTemplate>>();
const expressions = new Map<string, Expr>();

function remember<T>(cache: Map<string, T>, key: string, value: T): T {
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(key, value);
  return value;
}

const OVERRIDABLE: Record<string, keyof TemplateSettings> = {
  trim_blocks: 'trimBlocks',
  lstrip_blocks: 'lstripBlocks',
  keep_trailing_newline: 'keepTrailingNewline',
  newline_sequence: 'newlineSequence',
};

/** A `#jinja2:trim_blocks: False, lstrip_blocks: True` first line, as Ansible's Templar reads it. */
function readHeader(text: string, settings: TemplateSettings): { settings: TemplateSettings; body: string; headerLength: number } {
  if (!text.startsWith('#jinja2:')) return { settings, body: text, headerLength: 0 };
  const eol = text.indexOf('\n');
  const line = text.slice('#jinja2:'.length, eol < 0 ? text.length : eol);
  const out = { ...settings };
  for (const pair of line.split(',')) {
    const colon = pair.indexOf(':');
    if (colon < 0) throw new JinjaSyntaxError(`failed to parse jinja2 override '${pair.trim()}': use key: value`, 0);
    const key = pair.slice(0, colon).trim();
    const raw = pair.slice(colon + 1).trim();
    const field = OVERRIDABLE[key];
    if (field === undefined) throw new JinjaSyntaxError(`the #jinja2: override '${key}' is not supported`, 0, `supported: ${Object.keys(OVERRIDABLE).join(', ')}`);
    if (field === 'newlineSequence') out.newlineSequence = raw.replace(/^['"]|['"]$/g, '').replace(/\\r/g, '\r').replace(/\\n/g, '\n');
    else if (raw === 'True' || raw === 'False') out[field] = raw === 'True';
    else throw new JinjaSyntaxError(`the #jinja2: override ${key} takes True or False, got ${raw}`, 0);
  }
  const headerLength = eol < 0 ? text.length : eol + 1;
  return { settings: out, body: text.slice(headerLength), headerLength };
}

/** Parse a template (cached). Throws JinjaSyntaxError with an offset into the text as given. */
export function compileTemplate(text: string, settings: TemplateSettings = ANSIBLE_SETTINGS): CompiledTemplate {
  let cache = templates.get(settings);
  if (!cache) templates.set(settings, (cache = new Map()));
  const hit = cache.get(text);
  if (hit) return hit;
  const header = readHeader(text, settings);
  let source = header.body;
  // Jinja2 drops one trailing newline unless keep_trailing_newline.
  if (!header.settings.keepTrailingNewline) source = source.replace(/(\r\n|\r|\n)$/, '');
  try {
    const ast = parseTemplate(source, header.settings);
    checkNames(ast, didYouMean); // an unknown filter or test fails at compile time, as in Jinja2, even in a branch never taken
    return remember(cache, text, { ast, settings: header.settings, source, headerLength: header.headerLength });
  } catch (err) {
    if (err instanceof JinjaSyntaxError && header.headerLength) throw new JinjaSyntaxError(err.message, err.pos + header.headerLength, err.hint);
    throw err;
  }
}

/** Parse one expression (a condition), cached. */
export function compileExpression(text: string): Expr {
  const hit = expressions.get(text);
  if (hit) return hit;
  const expr = parseExpression(text);
  checkNames(expr, didYouMean);
  return remember(expressions, text, expr);
}

/** Render to output nodes: template text and each printed value as it is (Ansible's concat decides the type). */
export function renderNodes(template: CompiledTemplate, vars: Readonly<Record<string, unknown>>, options: RuntimeOptions): unknown[] {
  return new Runtime(vars, options).render(template.ast);
}

export function evaluateExpression(expr: Expr, vars: Readonly<Record<string, unknown>>, options: RuntimeOptions): unknown {
  return new Runtime(vars, options).evaluate(expr);
}

/** Whether an expression holds, as `{% if expr %}` decides. */
export function expressionHolds(expr: Expr, vars: Readonly<Record<string, unknown>>, options: RuntimeOptions): boolean {
  return new Runtime(vars, options).holds(expr);
}

/** Output nodes as text: str() of each, joined. */
export function nodesToText(nodes: readonly unknown[]): string {
  return nodes.length === 1 && typeof nodes[0] === 'string' ? nodes[0] : nodes.map((n) => pyStr(n)).join('');
}

const NO_FILES: RenderHost = {
  searchPath: () => [],
  env: {},
  renderFile: (path) => {
    throw new Error(`no template files here: ${path}`);
  },
};

/** Plain Jinja2 (trim_blocks on, trailing newline kept, None printed as None): the second oracle's settings. */
export function renderJinja(source: string, vars: Readonly<Record<string, unknown>>): string {
  const t = compileTemplate(source, { ...ANSIBLE_SETTINGS, keepTrailingNewline: true });
  return nodesToText(renderNodes(t, vars, { noneAsEmpty: false, host: NO_FILES }));
}
