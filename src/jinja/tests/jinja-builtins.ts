// Jinja2 3.1's builtin tests (jinja2/tests.py), as ansible-core 2.14 runs them. The type tests accept an undefined
// input, as Python's do (`x is string` is false for a missing x; `x is callable` is true, Undefined having __call__).
import { binary as operate, contains } from '../operators.js';
import { bind, type CallContext, type TestDef, type TestFn } from '../registry.js';
import {
  defined,
  isFloat,
  isInteger,
  isMapping,
  isNumber,
  isString,
  JinjaRuntimeError,
  PyCallable,
  pyCompare,
  pyEquals,
  pyStr,
  pyTypeName,
  toStr,
  Undefined,
} from '../values.js';

/** Python's `value % num == <rest>` for odd/even/divisibleby: a str on the left is %-formatting, never equal. */
const modEquals = (value: unknown, num: unknown, rest: number): boolean => pyEquals(operate('%', value, num), rest);

/** Tests of the input alone: no arguments allowed. */
const unary = (name: string, fn: (value: unknown) => boolean, acceptsUndefined = false): TestDef => ({
  name,
  acceptsUndefined,
  fn: (_ctx, input, args, kwargs) => {
    bind(name, args, kwargs, []);
    return fn(input);
  },
});

/** Tests comparing the input with one argument: eq, lt, sameas, in... */
const binary = (name: string, param: string, fn: (value: unknown, other: unknown) => boolean): TestFn => (_ctx, input, args, kwargs) => {
  const a = bind(name, args, kwargs, [param]);
  return fn(input, a[param]);
};

/** The aliases of one binary test. */
const aliases = (names: string[], param: string, fn: (value: unknown, other: unknown) => boolean): TestDef[] =>
  names.map((name) => ({ name, fn: binary(name, param, fn) }));

/** Python's `is`: singletons and small ints are shared objects, strings compared by value (Jinja's constants are interned). */
function sameAs(a: unknown, b: unknown): boolean {
  if (a === null || typeof a === 'boolean' || typeof a === 'string') return a === b;
  if (isInteger(a)) return a === b && a >= -5 && a <= 256;
  return typeof a === 'object' && a === b;
}

/**
 * `'name' is filter` / `is test`. ansible-core 2.14 answers true or fails: its plugin loader raises "Could not load"
 * for an unknown name instead of answering false. CallContext has no lookup by name, so we use `hasFilter`/`hasTest`
 * when the context offers them, else run the entry on None and take only the runtime's "no filter named 'x'" error
 * as absence.
 */
function registered(kind: 'filter' | 'test') {
  return (ctx: CallContext, input: unknown): boolean => {
    defined(input);
    if (!isString(input)) throw new JinjaRuntimeError(`key must be a string, got <class '${pyTypeName(input)}'> instead`);
    const name = toStr(input);
    const probe = (ctx as Partial<Record<'hasFilter' | 'hasTest', (n: string) => boolean>>)[kind === 'filter' ? 'hasFilter' : 'hasTest'];
    let found = true;
    if (typeof probe === 'function') found = probe.call(ctx, name);
    else {
      try {
        if (kind === 'filter') ctx.filter(name, null, []);
        else ctx.test(name, null, []);
      } catch (e) {
        found = !(e instanceof Error && e.message === `no ${kind} named '${name}'`);
      }
    }
    if (!found) throw new JinjaRuntimeError(`Could not load "${name}": '${name}'`);
    return true;
  };
}

/** str.islower()/isupper(): at least one cased character, and none of the other case. */
function caseIs(value: unknown, lower: boolean): boolean {
  let cased = false;
  for (const ch of pyStr(value)) {
    const lo = ch.toLowerCase();
    const up = ch.toUpperCase();
    if (lo === up) continue;
    if (ch !== (lower ? lo : up)) return false;
    cased = true;
  }
  return cased;
}

const isSized = (v: unknown) => isString(v) || Array.isArray(v) || isMapping(v);

export const jinjaTests: TestDef[] = [
  unary('boolean', (v) => typeof v === 'boolean', true),
  unary('callable', (v) => v instanceof PyCallable || v instanceof Undefined, true),
  unary('defined', (v) => !(v instanceof Undefined), true),
  {
    name: 'divisibleby',
    fn: binary('divisibleby', 'num', (v, num) => modEquals(v, num, 0)),
  },
  ...aliases(['==', 'eq', 'equalto'], 'other', pyEquals),
  unary('escaped', (v) => v instanceof Undefined, true), // no Markup in our model: only Undefined has __html__
  unary('even', (v) => modEquals(v, 2, 0)),
  unary('false', (v) => v === false, true),
  { name: 'filter', fn: (ctx, input, args, kwargs) => (bind('filter', args, kwargs, []), registered('filter')(ctx, input)) },
  unary('float', isFloat, true),
  ...aliases(['ge', '>='], 'other', (a, b) => pyCompare(a, b) >= 0),
  ...aliases(['gt', '>', 'greaterthan'], 'other', (a, b) => pyCompare(a, b) > 0),
  { name: 'in', fn: binary('in', 'seq', (v, seq) => contains(seq, v)) },
  unary('integer', isInteger, true),
  unary('iterable', (v) => {
    defined(v); // Undefined's __iter__ raises
    return isSized(v);
  }),
  ...aliases(['le', '<='], 'other', (a, b) => pyCompare(a, b) <= 0),
  unary('lower', (v) => caseIs(v, true)),
  ...aliases(['lt', '<', 'lessthan'], 'other', (a, b) => pyCompare(a, b) < 0),
  unary('mapping', isMapping, true),
  ...aliases(['ne', '!='], 'other', (a, b) => !pyEquals(a, b)),
  unary('none', (v) => v === null, true),
  unary('number', (v) => isNumber(v) || typeof v === 'boolean', true), // bool is a numbers.Number
  unary('odd', (v) => modEquals(v, 2, 1)),
  { name: 'sameas', acceptsUndefined: true, fn: binary('sameas', 'other', sameAs) },
  unary('sequence', isSized, true),
  unary('string', isString, true),
  { name: 'test', fn: (ctx, input, args, kwargs) => (bind('test', args, kwargs, []), registered('test')(ctx, input)) },
  unary('true', (v) => v === true, true),
  unary('undefined', (v) => v instanceof Undefined, true),
  unary('upper', (v) => caseIs(v, false)),
];
