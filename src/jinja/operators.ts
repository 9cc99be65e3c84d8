// Python's operators over the value model: int/float typing of arithmetic, str and list + and *, `in`, slicing.
import type { BinaryOp } from './ast.js';
import { numResult, pyMod } from './python/numbers.js';
import { pyPercentFormat } from './python/printf.js';
import {
  JinjaRuntimeError,
  defined,
  isFloat,
  isMapping,
  isNumber,
  isString,
  isTuple,
  makeFloat,
  numberOf,
  pyEquals,
  pyTypeName,
  toNumber,
  toStr,
  tuple,
} from './values.js';

const isNumeric = (v: unknown): boolean => numberOf(v) !== undefined;

function unsupported(op: string, a: unknown, b: unknown): never {
  throw new JinjaRuntimeError(`unsupported operand type(s) for ${op}: '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
}

function numeric(op: string, a: unknown, b: unknown, fn: (x: number, y: number) => number): unknown {
  if (!isNumeric(a) || !isNumeric(b)) unsupported(op, a, b);
  return numResult(fn(toNumber(a), toNumber(b)), isFloat(a) || isFloat(b));
}

function repeat(seq: unknown, times: unknown): unknown {
  const n = Math.max(0, toNumber(times));
  if (isString(seq)) return toStr(seq).repeat(n);
  const arr = seq as unknown[];
  const out: unknown[] = [];
  for (let i = 0; i < n; i++) out.push(...arr);
  return isTuple(arr) ? tuple(out) : out;
}

const isSequence = (v: unknown): boolean => Array.isArray(v) || isString(v);
const isInt = (v: unknown): boolean => (typeof v === 'number' && Number.isInteger(v)) || typeof v === 'boolean';

export function binary(op: BinaryOp, a: unknown, b: unknown): unknown {
  defined(a);
  defined(b);
  switch (op) {
    case '+':
      if (isString(a) && isString(b)) return toStr(a) + toStr(b);
      if (Array.isArray(a) && Array.isArray(b) && isTuple(a) === isTuple(b)) return isTuple(a) ? tuple([...a, ...b]) : [...a, ...b];
      if (isString(a) || isString(b)) {
        if (isString(a)) throw new JinjaRuntimeError(`can only concatenate str (not "${pyTypeName(b)}") to str`);
        unsupported('+', a, b);
      }
      return numeric('+', a, b, (x, y) => x + y);
    case '-':
      return numeric('-', a, b, (x, y) => x - y);
    case '*':
      if (isSequence(a) && isInt(b)) return repeat(a, b);
      if (isInt(a) && isSequence(b)) return repeat(b, a);
      return numeric('*', a, b, (x, y) => x * y);
    case '/': {
      if (!isNumeric(a) || !isNumeric(b)) unsupported('/', a, b);
      const y = toNumber(b);
      if (y === 0) throw new JinjaRuntimeError('division by zero');
      return makeFloat(toNumber(a) / y);
    }
    case '//': {
      if (!isNumeric(a) || !isNumeric(b)) unsupported('//', a, b);
      if (toNumber(b) === 0) throw new JinjaRuntimeError('integer division or modulo by zero');
      return numeric('//', a, b, (x, y) => Math.floor(x / y));
    }
    case '%':
      if (isString(a)) return pyPercentFormat(toStr(a), b);
      if (isNumeric(a) && isNumeric(b) && toNumber(b) === 0) throw new JinjaRuntimeError(isFloat(a) || isFloat(b) ? 'float modulo' : 'integer division or modulo by zero');
      return numeric('%', a, b, pyMod);
    case '**': {
      if (!isNumeric(a) || !isNumeric(b)) unsupported('** or pow()', a, b);
      const x = toNumber(a);
      const y = toNumber(b);
      return numResult(x ** y, isFloat(a) || isFloat(b) || y < 0);
    }
  }
}

export function negate(v: unknown, sign: -1 | 1): unknown {
  defined(v);
  if (!isNumeric(v)) throw new JinjaRuntimeError(`bad operand type for unary ${sign < 0 ? '-' : '+'}: '${pyTypeName(v)}'`);
  return numResult(toNumber(v) * sign, isFloat(v));
}

/** Python's `item in container`. */
export function contains(container: unknown, item: unknown): boolean {
  defined(container);
  defined(item);
  if (isString(container)) {
    if (!isString(item)) throw new JinjaRuntimeError(`'in <string>' requires string as left operand, not ${pyTypeName(item)}`);
    return toStr(container).includes(toStr(item));
  }
  if (Array.isArray(container)) return container.some((x) => pyEquals(x, item));
  if (isMapping(container)) return isString(item) ? Object.hasOwn(container, toStr(item)) : isNumber(item) && Object.hasOwn(container, String(toNumber(item)));
  throw new JinjaRuntimeError(`argument of type '${pyTypeName(container)}' is not iterable`);
}

/** Python's seq[start:stop:step] for str, list and tuple. */
export function slice(seq: unknown, start: unknown, stop: unknown, step: unknown): unknown {
  defined(seq);
  const isText = isString(seq);
  const items: unknown[] = isText ? [...toStr(seq)] : Array.isArray(seq) ? seq : [];
  if (!isText && !Array.isArray(seq)) throw new JinjaRuntimeError(`'${pyTypeName(seq)}' object is not subscriptable`);
  const n = items.length;
  const st = step === null || step === undefined ? 1 : toNumber(step);
  if (st === 0) throw new JinjaRuntimeError('slice step cannot be zero');
  const clamp = (v: unknown, dflt: number, lo: number, hi: number): number => {
    if (v === null || v === undefined) return dflt;
    let i = toNumber(v);
    if (i < 0) i += n;
    return Math.min(Math.max(i, lo), hi);
  };
  const out: unknown[] = [];
  if (st > 0) {
    const a = clamp(start, 0, 0, n);
    const b = clamp(stop, n, 0, n);
    for (let i = a; i < b; i += st) out.push(items[i]);
  } else {
    const a = clamp(start, n - 1, -1, n - 1);
    const b = clamp(stop, -1, -1, n - 1);
    for (let i = a; i > b; i += st) out.push(items[i]);
  }
  if (isText) return out.join('');
  return isTuple(seq) ? tuple(out) : out;
}
