// Python's str.format, as roles use it: `'{}:{:>5}'.format(a, b)`, `'{:.2f}'.format(x)`. Numbers are rounded as
// Python rounds them (the exact binary value, ties to even): '{:.2f}'.format(2.675) is '2.67'.
import { JinjaRuntimeError, defined, floatRepr, isFloat, isNumber, pyRepr, pyStr, toNumber } from '../values.js';
import { expDigits, fixedDigits, generalDigits } from './numbers.js';

interface Spec {
  fill: string;
  align: string; // '<' '>' '^' '=' or ''
  sign: string;
  alt: boolean;
  zero: boolean;
  width: number;
  comma: string;
  precision?: number;
  type: string;
}

function pad(text: string, spec: Pick<Spec, 'fill' | 'align' | 'width'>, defaultAlign: string): string {
  const len = [...text].length;
  if (len >= spec.width) return text;
  const gap = spec.width - len;
  const fill = spec.fill || ' ';
  switch (spec.align || defaultAlign) {
    case '<':
      return text + fill.repeat(gap);
    case '^':
      return fill.repeat(Math.floor(gap / 2)) + text + fill.repeat(gap - Math.floor(gap / 2));
    case '=': {
      const m = /^[-+ ]?(?:0[xob])?/.exec(text)![0];
      return m + fill.repeat(gap) + text.slice(m.length);
    }
    default:
      return fill.repeat(gap) + text;
  }
}

function groupThousands(digits: string, sep: string): string {
  if (!sep) return digits;
  const [int, frac] = digits.split('.') as [string, string | undefined];
  const grouped = int.replace(/\B(?=(\d{3})+(?!\d))/g, sep);
  return frac === undefined ? grouped : `${grouped}.${frac}`;
}

/** A number in one of Python's presentation types: d, f, e, g, x, o, b, %, or none. */
function formatNumber(value: unknown, spec: Spec): string {
  const n = toNumber(value);
  const neg = n < 0 || Object.is(n, -0);
  const abs = Math.abs(n);
  let body: string;
  const t = spec.type;
  const prec = spec.precision;
  if (t === 'd' || (t === '' && !isFloat(value) && Number.isInteger(n))) {
    if (t === 'd' && isFloat(value)) throw new JinjaRuntimeError("Unknown format code 'd' for object of type 'float'");
    body = groupThousands(String(Math.trunc(abs)), spec.comma);
  } else if (t === 'x' || t === 'X' || t === 'o' || t === 'b') {
    body = Math.trunc(abs).toString(t === 'o' ? 8 : t === 'b' ? 2 : 16);
    if (t === 'X') body = body.toUpperCase();
    if (spec.alt) body = `0${t === 'X' ? 'X' : t}${body}`;
  } else if (!Number.isFinite(abs) && /^[fFeEgG%]?$/.test(t)) {
    body = (Number.isNaN(abs) ? 'nan' : 'inf') + (t === '%' ? '%' : '');
    if (/^[FEG]$/.test(t)) body = body.toUpperCase();
  } else if (t === 'f' || t === 'F') body = groupThousands(fixedDigits(abs, prec ?? 6), spec.comma);
  else if (t === '%') body = `${fixedDigits(abs * 100, prec ?? 6)}%`;
  else if (t === 'e' || t === 'E') {
    body = expDigits(abs, prec ?? 6, spec.alt);
    if (t === 'E') body = body.toUpperCase();
  } else if (t === 'g' || t === 'G' || t === '') {
    if (t === '' && prec === undefined) body = floatRepr(abs);
    else {
      body = generalDigits(abs, prec ?? 6, spec.alt);
      if (t === 'G') body = body.toUpperCase();
    }
  } else throw new JinjaRuntimeError(`Unknown format code '${t}' for object of type '${isFloat(value) ? 'float' : 'int'}'`);
  const sign = neg ? '-' : spec.sign === '+' ? '+' : spec.sign === ' ' ? ' ' : '';
  const text = sign + body;
  if (spec.zero && !spec.align) return pad(text, { fill: '0', align: '=', width: spec.width }, '>');
  return pad(text, spec, '>');
}

const SPEC = /^(?:(.)?([<>^=]))?([-+ ])?(#)?(0)?(\d+)?([,_])?(?:\.(\d+))?([a-zA-Z%])?$/s;

/** `format(value, spec)` for the spec after the colon in `{:spec}`. */
export function formatWithSpec(value: unknown, specText: string): string {
  const m = SPEC.exec(specText);
  if (!m) throw new JinjaRuntimeError(`Invalid format specifier '${specText}'`);
  const spec: Spec = {
    fill: m[1] ?? '',
    align: m[2] ?? '',
    sign: m[3] ?? '',
    alt: m[4] !== undefined,
    zero: m[5] !== undefined,
    width: m[6] ? Number(m[6]) : 0,
    comma: m[7] ?? '',
    precision: m[8] !== undefined ? Number(m[8]) : undefined,
    type: m[9] ?? '',
  };
  defined(value);
  if ((isNumber(value) || typeof value === 'boolean') && !(typeof value === 'boolean' && spec.type === '' && !specText)) {
    if (typeof value === 'boolean' && spec.type === '') return pad(pyStr(value), spec, '<');
    return formatNumber(value, spec);
  }
  if (spec.type && spec.type !== 's') throw new JinjaRuntimeError(`Unknown format code '${spec.type}' for object of type 'str'`);
  let text = pyStr(value);
  if (spec.precision !== undefined) text = [...text].slice(0, spec.precision).join('');
  return pad(text, spec, '<');
}

/** str.format: `{}`, `{0}`, `{name}`, `{0.attr}`/`{0[key]}`, `!r`/`!s`, and a format spec. */
export function strFormat(template: string, args: unknown[], kwargs: Record<string, unknown>, getattr: (v: unknown, k: string | number) => unknown): string {
  let auto = 0;
  return template.replace(/\{\{|\}\}|\{([^{}]*)\}/g, (all, field: string | undefined) => {
    if (all === '{{') return '{';
    if (all === '}}') return '}';
    const m = /^([^.[!:]*)((?:\.[^.[!:]+|\[[^\]]*\])*)(?:!([rsa]))?(?::(.*))?$/s.exec(field!);
    if (!m) throw new JinjaRuntimeError(`bad format field '{${field}}'`);
    const [, name, path, conversion, spec] = m;
    let value: unknown;
    if (name === '') value = args[auto++];
    else if (/^\d+$/.test(name!)) value = args[Number(name)];
    else value = Object.hasOwn(kwargs, name!) ? kwargs[name!] : undefined;
    if (value === undefined) throw new JinjaRuntimeError(name === '' || /^\d+$/.test(name!) ? 'Replacement index out of range for positional args tuple' : `'${name}'`);
    for (const step of path!.match(/\.[^.[]+|\[[^\]]*\]/g) ?? []) {
      const key = step.startsWith('.') ? step.slice(1) : step.slice(1, -1);
      value = getattr(value, /^\d+$/.test(key) ? Number(key) : key);
    }
    if (conversion === 'r' || conversion === 'a') value = pyRepr(value);
    else if (conversion === 's') value = pyStr(value);
    return formatWithSpec(value, spec ?? '');
  });
}
