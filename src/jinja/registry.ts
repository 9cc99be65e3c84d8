// The one table of filters, tests and lookups that `when:`, task arguments, .j2 files and the handlebars helpers
// share. Entries live in filters/, tests/ and lookups/, each a plain function over the Python value model.
import type { TemplateAst } from './ast.js';
import { JinjaRuntimeError } from './values.js';

/** What a filter, test or lookup may ask of the render it runs in. */
export interface CallContext {
  /** Jinja's attribute access (`x.name`): a dict key, a list index, a str/dict/list method, else Undefined. */
  getattr(value: unknown, name: string | number): unknown;
  /** Run a test by name (for select/reject/selectattr); throws on an unknown name. */
  test(name: string, value: unknown, args: unknown[], kwargs?: Record<string, unknown>): boolean;
  hasFilter(name: string): boolean;
  hasTest(name: string): boolean;
  /** Run a filter by name (for map). */
  filter(name: string, value: unknown, args: unknown[], kwargs?: Record<string, unknown>): unknown;
  /** Call something callable from a template (a macro, `caller`, a global). */
  call(callable: unknown, args: unknown[], kwargs?: Record<string, unknown>): unknown;
  /** A variable of the render, as the template would see it (Undefined when missing). */
  resolve(name: string): unknown;
  /** The names of every variable visible to the render (for lookup('varnames')). */
  variableNames(): string[];
  readonly host: RenderHost;
}

/** The controller-side services a render can use: files, templates, environment. Given by the caller. */
export interface RenderHost {
  /** Directories searched, in order, for a relative path of this kind (role files/, templates/, vars/, the playbook dir). */
  searchPath(kind: 'files' | 'templates' | 'vars'): readonly string[];
  /** The controller's environment (lookup('env'), the `env` helper). */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** Where lookup('pipe') and lookup('lines') run their command (Ansible: the playbook's directory). */
  readonly commandDir?: string;
  /** Render a template file with the current variables plus `extra` (lookup('template')). */
  renderFile(path: string, extra?: Readonly<Record<string, unknown>>): string;
  /** Parse another template for include/import (relative names through the templates path); undefined: not found. */
  loadTemplate?(name: string): { ast: TemplateAst; file: string } | undefined;
}

export type FilterFn = (ctx: CallContext, input: unknown, args: unknown[], kwargs: Record<string, unknown>) => unknown;
export type TestFn = (ctx: CallContext, input: unknown, args: unknown[], kwargs: Record<string, unknown>) => boolean;
/** A lookup: `terms` are the positional arguments as given (each lookup flattens them as Ansible's plugin does). */
export type LookupFn = (ctx: CallContext, terms: unknown[], kwargs: Record<string, unknown>) => unknown[];

export interface FilterDef {
  readonly name: string;
  readonly fn: FilterFn;
  /** The input may be undefined (default, mandatory): otherwise an undefined input is the undefined error. */
  readonly acceptsUndefined?: boolean;
}

export interface TestDef {
  readonly name: string;
  readonly fn: TestFn;
  readonly acceptsUndefined?: boolean; // defined, undefined
}

export interface LookupDef {
  readonly name: string;
  readonly fn: LookupFn;
}

/**
 * Bind positional and keyword arguments to parameter names, as Python does for `def f(a, b=1)`:
 * `bind('regex_replace', args, kwargs, ['pattern', 'replacement', 'ignorecase'], { replacement: '', ignorecase: false })`.
 * A parameter without a default is required. Unknown keywords and extra positionals are errors.
 */
export function bind(
  name: string,
  args: readonly unknown[],
  kwargs: Readonly<Record<string, unknown>>,
  params: readonly string[],
  defaults: Readonly<Record<string, unknown>> = {},
): Record<string, unknown> {
  if (args.length > params.length) {
    throw new JinjaRuntimeError(`${name}() takes at most ${params.length} argument${params.length === 1 ? '' : 's'} (${args.length} given)`);
  }
  const out: Record<string, unknown> = {};
  params.forEach((p, i) => {
    if (i < args.length) {
      if (Object.hasOwn(kwargs, p)) throw new JinjaRuntimeError(`${name}() got multiple values for argument '${p}'`);
      out[p] = args[i];
    } else if (Object.hasOwn(kwargs, p)) out[p] = kwargs[p];
    else if (Object.hasOwn(defaults, p)) out[p] = defaults[p];
    else throw new JinjaRuntimeError(`${name}() missing required argument '${p}'`);
  });
  for (const k of Object.keys(kwargs)) {
    if (!params.includes(k)) throw new JinjaRuntimeError(`${name}() got an unexpected keyword argument '${k}'`);
  }
  return out;
}

function table<T extends { name: string }>(kind: string, defs: readonly T[]): ReadonlyMap<string, T> {
  const map = new Map<string, T>();
  for (const d of defs) {
    if (map.has(d.name)) throw new Error(`${kind} "${d.name}" is defined twice`);
    map.set(d.name, d);
  }
  return map;
}

export const defineFilters = (defs: readonly FilterDef[]) => table('filter', defs);
export const defineTests = (defs: readonly TestDef[]) => table('test', defs);
export const defineLookups = (defs: readonly LookupDef[]) => table('lookup', defs);
