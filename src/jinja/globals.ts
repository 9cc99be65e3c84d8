// The functions every template can call: Jinja2's range, dict, namespace, joiner, and Ansible's lookup, query/q and
// now. `omit` is a variable the engine gives each task (its placeholder is defined here, once).
import { createHash } from 'node:crypto';
import type { CallContext } from './registry.js';
import { LOOKUPS } from './tables.js';
import { JinjaRuntimeError, Namespace, PyCallable, Undefined, dictSet, isMapping, isString, iterate, pyStr, toNumber } from './values.js';

/** Ansible's `omit`: an argument whose value is this text is left out of the module's arguments. */
export const OMIT = `__omit_place_holder__${createHash('sha1').update('tsinfra').digest('hex')}`;

function range(args: unknown[]): number[] {
  const n = args.map(toNumber);
  const [start, stop, step] = n.length === 1 ? [0, n[0]!, 1] : [n[0]!, n[1]!, n[2] ?? 1];
  if (step === 0) throw new JinjaRuntimeError('range() arg 3 must not be zero');
  const out: number[] = [];
  for (let i = start; step > 0 ? i < stop : i > stop; i += step) {
    out.push(i);
    if (out.length > 100_000) throw new JinjaRuntimeError('range too big, maximum size for range is 100000');
  }
  return out;
}

/** lookup() joins a list of strings with commas (one non-string item is returned as it is); query() keeps the list. */
function runLookup(ctx: CallContext, args: unknown[], kwargs: Record<string, unknown>, wantlist: boolean): unknown {
  const [name, ...terms] = args;
  const def = LOOKUPS.get(pyStr(name));
  if (def === undefined) throw new JinjaRuntimeError(`lookup plugin (${pyStr(name)}) not found`);
  const { wantlist: want, errors, ...rest } = kwargs;
  let ran: unknown[];
  try {
    ran = def.fn(ctx, terms, rest);
  } catch (err) {
    if (errors === 'ignore' || errors === 'warn') return wantlist ? [] : null;
    throw err;
  }
  if (wantlist || want === true || ran.length === 0) return ran;
  if (ran.every(isString)) return ran.map((r) => pyStr(r)).join(',');
  return ran.length === 1 ? ran[0] : ran;
}

function dict(args: unknown[], kwargs: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (args[0] !== undefined) {
    if (isMapping(args[0])) for (const [k, v] of Object.entries(args[0])) dictSet(out, k, v);
    else for (const pair of iterate(args[0])) {
      const [k, v] = iterate(pair);
      dictSet(out, pyStr(k), v);
    }
  }
  for (const [k, v] of Object.entries(kwargs)) dictSet(out, k, v);
  return out;
}

function joiner(args: unknown[]): PyCallable {
  const sep = args[0] === undefined ? ', ' : pyStr(args[0]);
  let used = false;
  return new PyCallable('joiner', () => {
    if (used) return sep;
    used = true;
    return '';
  });
}

/** cycler('a', 'b'): next() gives each item in turn; reset() starts again; current is the next one to come. */
function cycler(items: unknown[]): Namespace {
  let i = 0;
  const ns: Namespace = new Namespace({
    next: new PyCallable('next', () => {
      const v = items[i];
      i = (i + 1) % items.length;
      ns.attrs.current = items[i];
      return v;
    }),
    reset: new PyCallable('reset', () => {
      i = 0;
      ns.attrs.current = items[0];
      return null;
    }),
    current: items[0],
  });
  return ns;
}

const GLOBALS: Record<string, (ctx: CallContext) => unknown> = {
  cycler: () => new PyCallable('cycler', (a) => cycler(a)),
  // ansible-core's undef(hint): an undefined value with a message, for defaults that must be overridden
  undef: () => new PyCallable('undef', (a) => new Undefined('undef()', undefined, a[0] === undefined ? undefined : pyStr(a[0]))),
  range: () => new PyCallable('range', (a) => range(a)),
  dict: () => new PyCallable('dict', dict),
  namespace: () => new PyCallable('namespace', (a, k) => new Namespace(dict(a, k))),
  joiner: () => new PyCallable('joiner', joiner),
  lookup: (ctx) => new PyCallable('lookup', (a, k) => runLookup(ctx, a, k, false)),
  query: (ctx) => new PyCallable('query', (a, k) => runLookup(ctx, a, k, true)),
  q: (ctx) => new PyCallable('q', (a, k) => runLookup(ctx, a, k, true)),
};

/** The global `name`, or undefined when there is none. */
export function globalsFor(name: string, ctx: CallContext): unknown {
  return Object.hasOwn(GLOBALS, name) ? GLOBALS[name]!(ctx) : undefined;
}
