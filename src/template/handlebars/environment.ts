// The one handlebars environment: our helpers, the lookup helpers rewrite-ast.ts calls, and Python-truthy #if.
import Handlebars from 'handlebars';
import { HELPERS } from './helpers.js';
import { lookupStep, someKeys } from './lookup-step.js';
import { TemplateFailure, locOf } from './template-failure.js';
import { isPlainObject, isTruthy, toText, typeName } from './values.js';

type HelperOptions = Handlebars.HelperOptions & { loc?: unknown };

/** Resolve the rest of a path from its base; undefined variables are errors unless `lenient`. */
function resolvePath(args: unknown[], options: HelperOptions, lenient: boolean): unknown {
  const [name, label, base, ...segs] = args as [string, string, unknown, ...string[]];
  let cur = typeof base === 'function' ? undefined : base;
  let found = 0;
  for (; cur !== undefined && found < segs.length; found++) {
    const next = lookupStep(cur, segs[found]!);
    if (next === undefined) break;
    cur = next;
  }
  if (cur !== undefined && found === segs.length) return cur;
  if (lenient) return undefined;
  const isUp = label.endsWith('/');
  const prefix = (isUp ? label : '') + [...(label && !isUp ? [label] : []), ...segs.slice(0, found)].join('.');
  const keys = cur === undefined ? undefined : someKeys(cur);
  const hint =
    prefix && !isUp && keys !== undefined
      ? `"${prefix}" has: ${keys}`
      : `define it, or give a fallback: {{default ${name} "value"}}`;
  throw new TemplateFailure(`undefined variable "${name}"`, { loc: locOf(options), variable: name, hint });
}

function definedValue(value: unknown, options: HelperOptions): unknown {
  if (value === undefined) throw new TemplateFailure('the value is undefined', { loc: locOf(options), hint: 'give a fallback with default' });
  return value;
}

function createEnvironment(): typeof Handlebars {
  const hb = Handlebars.create();
  hb.unregisterHelper('log'); // would write to the console from a template
  hb.unregisterHelper('lookup'); // replaced by ours: own properties only, undefined when missing

  const internal: Record<string, (...args: unknown[]) => unknown> = {
    __value: (...args) => resolvePath(args.slice(0, -1), args.at(-1) as HelperOptions, false),
    __maybe: (...args) => resolvePath(args.slice(0, -1), args.at(-1) as HelperOptions, true),
    __out: (value, options) => {
      try {
        return toText(definedValue(value, options as HelperOptions));
      } catch (err) {
        if (err instanceof TemplateFailure) throw err;
        throw new TemplateFailure((err as Error).message, { loc: locOf(options) });
      }
    },
  };
  for (const [name, fn] of Object.entries(internal)) hb.registerHelper(name, fn);

  for (const spec of HELPERS.values()) {
    hb.registerHelper(spec.name, (...all: unknown[]) => {
      const options = all.pop() as HelperOptions;
      try {
        return spec.fn(all, options.hash ?? {});
      } catch (err) {
        if (err instanceof TemplateFailure) throw err;
        throw new TemplateFailure(`${spec.name}: ${(err as Error).message}`, { loc: locOf(options) });
      }
    });
  }

  // Python truthiness, as in conditions: [] and {} are false (handlebars' own #if counts {} as true).
  hb.registerHelper('if', function (this: unknown, cond: unknown, options: HelperOptions) {
    return isTruthy(cond) ? options.fn(this) : options.inverse(this);
  });
  hb.registerHelper('unless', function (this: unknown, cond: unknown, options: HelperOptions) {
    return isTruthy(cond) ? options.inverse(this) : options.fn(this);
  });
  const each = hb.helpers.each as (this: unknown, ...args: unknown[]) => unknown;
  hb.registerHelper('each', function (this: unknown, items: unknown, options: HelperOptions) {
    if (items !== null && !Array.isArray(items) && !isPlainObject(items)) {
      throw new TemplateFailure(`#each: expected a list or a map, got ${typeName(items)}`, { loc: locOf(options) });
    }
    return each.call(this, items, options);
  });
  return hb;
}

export const templateEnv = createEnvironment();

/** Every helper name a compiled template may call, for handlebars' knownHelpers (direct calls, no fallbacks). */
export const KNOWN_HELPERS: Readonly<Record<string, boolean>> = Object.fromEntries(Object.keys(templateEnv.helpers).map((n) => [n, true]));
