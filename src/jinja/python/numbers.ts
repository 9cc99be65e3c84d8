// Python's numbers over the value model: int()/float() of text and of numbers, % between numbers, the int/float
// type of a result, and decimal output rounded as Python rounds it: on the exact binary value, ties to even
// (round(), '%.2f', '{:.2f}'), which JS's toFixed (ties away from zero, on a shorter decimal) does not do.
import { JinjaRuntimeError, defined, isString, makeFloat, numberOf, pyTypeName, toStr } from '../values.js';
import { pyStrip } from './text.js';

/** A result that is a float when `asFloat`, an int otherwise (so 3.0 stays a float and an int is never -0). */
export const numResult = (n: number, asFloat: boolean) => (asFloat ? makeFloat(n) : n + 0);

/** An int argument (width, count...): Python refuses floats and strings where it needs an index. */
export function intArg(value: unknown): number {
  defined(value);
  if (typeof value === 'boolean') return value ? 1 : 0;
  if (typeof value === 'number' && Number.isInteger(value)) return value;
  throw new JinjaRuntimeError(`'${pyTypeName(value)}' object cannot be interpreted as an integer`);
}

/** Python's float(str): optional sign, digits with single underscores, exponent, inf/nan; surrounding whitespace. */
export function parseFloatStr(text: string): number | undefined {
  const s = pyStrip(text);
  if (/^[+-]?(inf|infinity)$/i.test(s)) return s.startsWith('-') ? -Infinity : Infinity;
  if (/^[+-]?nan$/i.test(s)) return NaN;
  const digits = String.raw`\d(?:_?\d)*`;
  const re = new RegExp(`^[+-]?(?:${digits}(?:\\.(?:${digits})?)?|\\.${digits})(?:[eE][+-]?${digits})?$`);
  return re.test(s) ? Number(s.replaceAll('_', '')) : undefined;
}

/** Python's int(str, base): whitespace, sign, a 0x/0o/0b prefix matching the base (any for base 0), underscores. */
export function parseIntStr(text: string, base: number): number | undefined {
  let s = pyStrip(text);
  let sign = 1;
  if (s.startsWith('-') || s.startsWith('+')) {
    if (s.startsWith('-')) sign = -1;
    s = s.slice(1);
  }
  const prefix = /^0([xob])/i.exec(s)?.[1]?.toLowerCase();
  const prefixBase = prefix === 'x' ? 16 : prefix === 'o' ? 8 : prefix === 'b' ? 2 : 0;
  if (prefixBase && (base === 0 || base === prefixBase)) {
    base = prefixBase;
    s = s.slice(2).replace(/^_/, '');
  } else if (base === 0) {
    if (/^0+(_?0)*$/.test(s)) return 0;
    if (s.startsWith('0')) return undefined; // base 0 refuses leading zeros, like a Python literal
    base = 10;
  }
  if (!/^[0-9a-z]+(_[0-9a-z]+)*$/i.test(s)) return undefined;
  let n = 0;
  for (const ch of s.replaceAll('_', '')) {
    const d = parseInt(ch, 36);
    if (d >= base) return undefined;
    n = n * base + d;
  }
  return sign * n;
}

/** Python's float(x): a ValueError/TypeError comes back as undefined. */
export function pyFloat(value: unknown): number | undefined {
  if (isString(value)) return parseFloatStr(toStr(value));
  return numberOf(value);
}

/** Python's int(x) of a float: truncation, but infinity and NaN raise. */
export function truncFloat(n: number): number {
  if (Number.isNaN(n)) throw new JinjaRuntimeError('cannot convert float NaN to integer');
  if (!Number.isFinite(n)) throw new JinjaRuntimeError('cannot convert float infinity to integer');
  return Math.trunc(n) + 0; // + 0 turns -0 into 0
}

/** Python's a % b between numbers: the result has the divisor's sign (a zero too, as float's % gives it). */
export function pyMod(a: number, b: number): number {
  if (b === 0) throw new JinjaRuntimeError('integer division or modulo by zero');
  const r = a % b;
  if (r === 0) return b < 0 ? -0 : 0;
  return r < 0 !== b < 0 ? r + b : r;
}

// Exact decimal arithmetic on doubles.

/** |x| as digits / 10**scale, exactly. */
function exactDecimal(x: number): { digits: bigint; scale: number } {
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, Math.abs(x));
  const bits = view.getBigUint64(0);
  const expBits = Number(bits >> 52n);
  let mantissa = bits & ((1n << 52n) - 1n);
  let exp = -1074;
  if (expBits !== 0) {
    mantissa |= 1n << 52n;
    exp = expBits - 1075;
  }
  if (exp >= 0) return { digits: mantissa << BigInt(exp), scale: 0 };
  return { digits: mantissa * 5n ** BigInt(-exp), scale: -exp };
}

/** round(|x| * 10**places) to an integer, ties to even. */
function scaledRound(x: number, places: number): bigint {
  const { digits, scale } = exactDecimal(x);
  if (places >= scale) return digits * 10n ** BigInt(places - scale);
  const div = 10n ** BigInt(scale - places);
  const q = digits / div;
  const r2 = (digits % div) * 2n;
  return r2 > div || (r2 === div && q % 2n === 1n) ? q + 1n : q;
}

/** '-' for a negative number or -0.0, else ''. */
export const signOf = (x: number) => (x < 0 || Object.is(x, -0) ? '-' : '');

/** '%.{places}f' of |x| (no sign); x finite. */
export function fixedDigits(x: number, places: number): string {
  const s = scaledRound(x, places).toString().padStart(places + 1, '0');
  return places === 0 ? s : `${s.slice(0, -places)}.${s.slice(-places)}`;
}

/** Python's '%.{places}f' % x, signed; nan, inf and -inf as Python prints them. */
export function formatFixed(x: number, places: number): string {
  if (Number.isNaN(x)) return 'nan';
  if (!Number.isFinite(x)) return x > 0 ? 'inf' : '-inf';
  return signOf(x) + fixedDigits(x, places);
}

/** '%.{places}e' split into mantissa digits and exponent, without the sign; x finite. */
function expParts(x: number, places: number): { digits: string; exp: number } {
  if (x === 0) return { digits: '0'.repeat(places + 1), exp: 0 };
  const { digits, scale } = exactDecimal(x);
  let exp = digits.toString().length - 1 - scale;
  let s = scaledRound(x, places - exp).toString();
  if (s.length > places + 1) {
    exp += 1;
    s = s.slice(0, places + 1);
  }
  return { digits: s, exp };
}

/** '%.{places}e' of |x| (no sign); x finite. `alt` ('#') keeps the point when there are no decimals. */
export function expDigits(x: number, places: number, alt: boolean): string {
  const { digits, exp } = expParts(x, places);
  const mantissa = digits.length > 1 || alt ? `${digits[0]}.${digits.slice(1)}` : digits;
  return `${mantissa}e${exp < 0 ? '-' : '+'}${String(Math.abs(exp)).padStart(2, '0')}`;
}

/** '%.{precision}g' of |x| (no sign): fixed or exponent by the exponent after rounding; trailing zeros dropped unless '#'. */
export function generalDigits(x: number, precision: number, alt: boolean): string {
  const p = precision === 0 ? 1 : precision;
  const exp = x === 0 ? 0 : expParts(x, p - 1).exp;
  const [mantissa = '', e] = (exp >= -4 && exp < p ? fixedDigits(x, p - 1 - exp) : expDigits(x, p - 1, alt)).split('e');
  const m = alt ? (mantissa.includes('.') ? mantissa : `${mantissa}.`) : mantissa.includes('.') ? mantissa.replace(/\.?0+$/, '') : mantissa;
  return e === undefined ? m : `${m}e${e}`;
}

/** Python's round(x, n) for a float: the nearest to the exact value, ties to even. */
export function pyRoundFloat(x: number, n: number): number {
  if (!Number.isFinite(x) || x === 0 || n > 330) return x;
  if (n < -330) return 0 * Math.sign(x);
  const q = scaledRound(x, n);
  return Number(`${signOf(x)}${q}e${-n}`);
}
