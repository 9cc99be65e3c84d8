// The Python value model Jinja2 runs on, over plain JS data: str = string, int = integer number, float = a
// non-integer number or a PyFloat (an integral float such as 2.0, which Python prints as "2.0"), bool = boolean,
// None = null, list = array, tuple = an array marked by tuple(), dict = plain object (insertion order), and
// Undefined for a name or attribute that resolved to nothing. A Secret acts as its text.
import { Secret } from '../shell/secret.js';
import { Undefined } from './undefined.js';

export { Undefined, UndefinedError } from './undefined.js';

/** A float whose value is integral: 2.0, 1e16. Other floats are plain non-integer numbers. */
export class PyFloat {
  constructor(readonly value: number) {}
}

/** A Jinja runtime failure (a TypeError or ValueError in Python terms); the evaluator adds the position. */
export class JinjaRuntimeError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'JinjaRuntimeError';
  }
}

const TUPLES = new WeakSet<readonly unknown[]>();

/** Mark an array as a Python tuple: it prints as (1, 2) and compares like a list of the same items. */
export function tuple<T extends unknown[]>(items: T): T {
  TUPLES.add(items);
  return items;
}

const FIELDS = new WeakMap<readonly unknown[], readonly string[]>();

/** A named tuple (groupby's (grouper, list)): a tuple whose items are also attributes. */
export function namedTuple<T extends unknown[]>(items: T, fields: readonly string[]): T {
  FIELDS.set(items, fields);
  return tuple(items);
}

/** The item of a named tuple called `name`, or undefined. */
export function namedField(value: unknown, name: string): { value: unknown } | undefined {
  const fields = Array.isArray(value) ? FIELDS.get(value) : undefined;
  const i = fields?.indexOf(name) ?? -1;
  return i < 0 ? undefined : { value: (value as unknown[])[i] };
}

export function isTuple(value: unknown): boolean {
  return Array.isArray(value) && TUPLES.has(value);
}

/** Something callable from a template: a global (range, lookup), a macro, a bound method (s.split). */
export class PyCallable {
  constructor(
    readonly name: string,
    readonly call: (args: unknown[], kwargs: Record<string, unknown>) => unknown,
  ) {}
}

/**
 * A variable whose value is a template that could not be rendered when the variables were built (it names a loop
 * item, a fact not yet gathered, or an undefined variable): rendered when a template reads it, with the variables
 * of that render, as Ansible renders variables lazily. Reading it again while it renders is an error, not a loop.
 */
export class DeferredValue {
  private isResolving = false;
  constructor(
    readonly text: unknown,
    private readonly render: (vars: Readonly<Record<string, unknown>>) => unknown,
  ) {}
  resolve(vars: Readonly<Record<string, unknown>>): unknown {
    if (this.isResolving) throw new JinjaRuntimeError('recursive loop detected in template string');
    this.isResolving = true;
    try {
      return this.render(vars);
    } finally {
      this.isResolving = false;
    }
  }
  toJSON(): unknown {
    return this.text;
  }
}

/** `namespace(a=1)`: the one object whose attributes a template may set (`{% set ns.a = 2 %}`). */
export class Namespace {
  constructor(readonly attrs: Record<string, unknown>) {}
}

export function isUndefined(value: unknown): value is Undefined {
  return value instanceof Undefined;
}

/** A dict: a plain object (or a Proxy of one, as hostvars is). Class instances (Secret, Undefined…) are not. */
export function isMapping(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** int or float (not bool, though Python's bool is an int: arithmetic accepts it through toNumber). */
export function isNumber(value: unknown): value is number | PyFloat {
  return typeof value === 'number' || value instanceof PyFloat;
}

export function isInteger(value: unknown): value is number {
  return typeof value === 'number' && Number.isInteger(value);
}

export function isFloat(value: unknown): boolean {
  return value instanceof PyFloat || (typeof value === 'number' && !Number.isInteger(value));
}

export function isString(value: unknown): value is string | Secret {
  return typeof value === 'string' || value instanceof Secret;
}

/** A float result: integral values are wrapped so they keep printing as floats. */
export function makeFloat(n: number): number | PyFloat {
  return Number.isInteger(n) ? new PyFloat(n) : n;
}

/** Throw the undefined error when `value` is undefined; otherwise return it. */
export function defined<T>(value: T): Exclude<T, Undefined> {
  if (value instanceof Undefined) value.fail();
  return value as Exclude<T, Undefined>;
}

/** The number in an int, float or bool (Python's bool is an int); anything else is a TypeError. */
export function toNumber(value: unknown): number {
  const n = numberOf(value);
  if (n === undefined) throw new JinjaRuntimeError(`expected a number, got ${pyTypeName(value)}`);
  return n;
}

/** The text of a str (a Secret's real value); anything else is a TypeError. */
export function toStr(value: unknown): string {
  defined(value);
  if (typeof value === 'string') return value;
  if (value instanceof Secret) return value.reveal();
  throw new JinjaRuntimeError(`expected a string, got ${pyTypeName(value)}`);
}

/** Python's type name, as `type_debug` and error messages give it. */
export function pyTypeName(value: unknown): string {
  if (value === null) return 'NoneType';
  if (value instanceof Undefined) return 'AnsibleUndefined';
  if (typeof value === 'string' || value instanceof Secret) return 'str';
  if (typeof value === 'boolean') return 'bool';
  if (typeof value === 'number') return Number.isInteger(value) ? 'int' : 'float';
  if (value instanceof PyFloat) return 'float';
  if (Array.isArray(value)) return isTuple(value) ? 'tuple' : 'list';
  if (value instanceof PyCallable) return 'function';
  if (isMapping(value)) return 'dict';
  return typeof value;
}

/** Python truthiness: False, None, 0, 0.0, '', [], () and {} are false. Undefined raises (StrictUndefined). */
export function pyTruthy(value: unknown): boolean {
  if (value instanceof Undefined) return value.isLenient ? false : value.fail();
  if (value === null || value === undefined) return false;
  if (typeof value === 'string') return value.length > 0;
  if (value instanceof Secret) return value.reveal().length > 0;
  if (typeof value === 'number') return value !== 0; // NaN is true, as in Python
  if (value instanceof PyFloat) return value.value !== 0;
  if (typeof value === 'boolean') return value;
  if (Array.isArray(value)) return value.length > 0;
  if (isMapping(value)) return Object.keys(value).length > 0;
  return true;
}

/** Python's ==: 1 == 1.0 == True, lists and dicts by content, a Secret as its text. Undefined raises. */
export function pyEquals(a: unknown, b: unknown): boolean {
  if (a instanceof Undefined) a.fail();
  if (b instanceof Undefined) b.fail();
  if (a instanceof Secret) a = a.reveal();
  if (b instanceof Secret) b = b.reveal();
  if (a === b) return true;
  const an = numberOf(a);
  const bn = numberOf(b);
  if (an !== undefined || bn !== undefined) return an !== undefined && an === bn;
  if (Array.isArray(a) || Array.isArray(b)) {
    if (!Array.isArray(a) || !Array.isArray(b) || isTuple(a) !== isTuple(b) || a.length !== b.length) return false;
    return a.every((x, i) => pyEquals(x, b[i]));
  }
  if (isMapping(a) && isMapping(b)) {
    const ka = Object.keys(a);
    if (ka.length !== Object.keys(b).length) return false;
    return ka.every((k) => Object.hasOwn(b, k) && pyEquals(a[k], b[k]));
  }
  return false;
}

/** The number in an int, float or bool (Python's bool is an int), or undefined for anything else. Undefined raises. */
export function numberOf(v: unknown): number | undefined {
  defined(v);
  if (typeof v === 'number') return v;
  if (v instanceof PyFloat) return v.value;
  if (typeof v === 'boolean') return v ? 1 : 0;
  return undefined;
}

/** Python's ordering for <, sorted(), min/max: numbers with numbers, str with str, lists item by item. */
export function pyCompare(a: unknown, b: unknown): number {
  defined(a);
  defined(b);
  const an = numberOf(a);
  const bn = numberOf(b);
  if (an !== undefined && bn !== undefined) return an < bn ? -1 : an > bn ? 1 : 0;
  if (isString(a) && isString(b)) {
    const x = toStr(a);
    const y = toStr(b);
    return x < y ? -1 : x > y ? 1 : 0; // UTF-16 order equals code point order outside the astral planes
  }
  if (Array.isArray(a) && Array.isArray(b) && isTuple(a) === isTuple(b)) {
    for (let i = 0; i < Math.min(a.length, b.length); i++) {
      if (!pyEquals(a[i], b[i])) return pyCompare(a[i], b[i]);
    }
    return a.length - b.length;
  }
  throw new JinjaRuntimeError(`'<' not supported between instances of '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
}

/** Python's repr of a float: shortest round-trip digits, exponent form below 1e-4 and from 1e16. */
export function floatRepr(n: number): string {
  if (Number.isNaN(n)) return 'nan';
  if (!Number.isFinite(n)) return n > 0 ? 'inf' : '-inf';
  if (n === 0) return Object.is(n, -0) ? '-0.0' : '0.0';
  const [digits, expText] = n.toExponential().split('e') as [string, string];
  const exp = Number(expText);
  const mantissa = digits.replace('.', '').replace('-', '');
  const sign = n < 0 ? '-' : '';
  if (exp < -4 || exp >= 16) {
    const m = mantissa.length > 1 ? `${mantissa[0]}.${mantissa.slice(1)}` : mantissa;
    return `${sign}${m}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
  }
  if (exp < 0) return `${sign}0.${'0'.repeat(-exp - 1)}${mantissa}`;
  if (mantissa.length <= exp + 1) return `${sign}${mantissa}${'0'.repeat(exp + 1 - mantissa.length)}.0`;
  return `${sign}${mantissa.slice(0, exp + 1)}.${mantissa.slice(exp + 1)}`;
}

/**
 * The output of `string`, `to_json`, `to_yaml`… printed alone in a task argument: Ansible's NativeJinjaText, which
 * stays text where other output that reads as a list or dict is turned back into one.
 */
export class NativeText {
  constructor(readonly text: string) {}
}

const NON_PRINTABLE = /[\p{Cc}\p{Cf}\p{Zl}\p{Zp}\p{Co}\p{Cn}\p{Cs}]|(?! )\p{Zs}/u;

function escapeCodePoint(c: number): string {
  if (c < 0x100) return `\\x${c.toString(16).padStart(2, '0')}`;
  if (c < 0x10000) return `\\u${c.toString(16).padStart(4, '0')}`;
  return `\\U${c.toString(16).padStart(8, '0')}`;
}

/** Python's repr of a str: single quotes unless the text has ' and no ". */
export function strRepr(s: string): string {
  const quote = s.includes("'") && !s.includes('"') ? '"' : "'";
  let out = quote;
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '\\') out += '\\\\';
    else if (ch === quote) out += `\\${quote}`;
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (NON_PRINTABLE.test(ch)) out += escapeCodePoint(c);
    else out += ch;
  }
  return out + quote;
}

/** Python's repr(): what a value looks like inside a printed list or dict. */
export function pyRepr(value: unknown): string {
  if (typeof value === 'string') return strRepr(value);
  if (value instanceof Secret) return strRepr(value.reveal());
  if (Array.isArray(value)) {
    const inner = value.map(pyRepr).join(', ');
    if (!isTuple(value)) return `[${inner}]`;
    return value.length === 1 ? `(${inner},)` : `(${inner})`;
  }
  if (isMapping(value)) {
    return `{${Object.entries(value)
      .map(([k, v]) => `${strRepr(k)}: ${pyRepr(v)}`)
      .join(', ')}}`;
  }
  if (value !== null && typeof value === 'object' && !(value instanceof PyFloat) && !(value instanceof Undefined) && !(value instanceof PyCallable) && !(value instanceof NativeText)) {
    throw new JinjaRuntimeError(`a ${value.constructor?.name ?? 'foreign'} object is not a template value`);
  }
  return pyStr(value);
}

/** d[key] = value for a dict built from template data: '__proto__' is an ordinary key, as in Python. */
export function dictSet(dict: Record<string, unknown>, key: string, value: unknown): void {
  if (key === '__proto__') Object.defineProperty(dict, key, { value, enumerable: true, writable: true, configurable: true });
  else dict[key] = value;
}

/** Python's str(): how a value prints in template output. Undefined raises. */
export function pyStr(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value instanceof Undefined) return value.isLenient ? '' : value.fail();
  if (value instanceof NativeText) return value.text;
  if (value === null || value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (typeof value === 'number') return Number.isInteger(value) ? String(value) : floatRepr(value);
  if (value instanceof PyFloat) return floatRepr(value.value);
  if (value instanceof Secret) return value.reveal();
  if (value instanceof PyCallable) return `<function ${value.name}>`;
  return pyRepr(value);
}

/** The items of anything Python can iterate: list, tuple, str (characters), dict (keys). */
export function iterate(value: unknown): unknown[] {
  if (value instanceof Undefined && value.isLenient) return [];
  defined(value);
  if (Array.isArray(value)) return value;
  if (typeof value === 'string') return [...value];
  if (value instanceof Secret) return [...value.reveal()];
  if (isMapping(value)) return Object.keys(value);
  throw new JinjaRuntimeError(`'${pyTypeName(value)}' object is not iterable`);
}

/** len(): str, list, tuple, dict. */
export function pyLen(value: unknown): number {
  defined(value);
  if (typeof value === 'string' || Array.isArray(value)) return typeof value === 'string' ? [...value].length : value.length;
  if (value instanceof Secret) return [...value.reveal()].length;
  if (isMapping(value)) return Object.keys(value).length;
  throw new JinjaRuntimeError(`object of type '${pyTypeName(value)}' has no len()`);
}

/** A copy with every Secret replaced by its text: for output that goes to a host. */
export function revealDeep(value: unknown): unknown {
  if (value instanceof Secret) return value.reveal();
  if (Array.isArray(value)) return value.map(revealDeep);
  if (isMapping(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, revealDeep(v)]));
  if (value instanceof PyFloat) return value.value;
  return value;
}
