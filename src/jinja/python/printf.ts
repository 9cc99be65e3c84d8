// Python's printf-style formatting, `fmt % values`: the % operator on a str, and Jinja's format filter.
import { JinjaRuntimeError, isFloat, isMapping, isString, isTuple, numberOf, pyLen, pyRepr, pyStr, pyTypeName, strRepr, toStr } from '../values.js';
import { expDigits, fixedDigits, generalDigits, intArg, truncFloat } from './numbers.js';

const FORMAT_SPEC = /%(?:\(((?:[^()]|\([^()]*\))*)\))?([#0\- +]*)(\*|\d+)?(?:\.(\*|\d*))?[hlL]?(.?)/y;

/**
 * Python's `fmt % values`: a tuple (array marked tuple()) gives the positional values, a dict the %(name)s ones,
 * anything else is the one value.
 */
export function pyPercentFormat(fmt: string, values: unknown): string {
  const args = isTuple(values) ? (values as unknown[]) : [values];
  const mapping = !isTuple(values) && (isMapping(values) || Array.isArray(values)) ? values : undefined;
  let next = 0;
  const take = (): unknown => {
    if (next >= args.length) throw new JinjaRuntimeError('not enough arguments for format string');
    return args[next++];
  };
  let out = '';
  let i = 0;
  while (i < fmt.length) {
    const pct = fmt.indexOf('%', i);
    if (pct < 0) {
      out += fmt.slice(i);
      break;
    }
    out += fmt.slice(i, pct);
    FORMAT_SPEC.lastIndex = pct;
    const m = FORMAT_SPEC.exec(fmt)!;
    const [, key, flags = '', widthText, precText, conv = ''] = m;
    i = FORMAT_SPEC.lastIndex;
    if (conv === '') throw new JinjaRuntimeError('incomplete format');
    const width = widthText === '*' ? intArg(take()) : widthText ? Number(widthText) : 0;
    const prec = precText === '*' ? intArg(take()) : precText !== undefined ? Number(precText || 0) : undefined;
    if (conv === '%') {
      out += '%';
      continue;
    }
    let arg: unknown;
    if (key !== undefined) {
      if (!isMapping(mapping)) throw new JinjaRuntimeError('format requires a mapping');
      if (!Object.hasOwn(mapping, key)) throw new JinjaRuntimeError(`KeyError: ${strRepr(key)}`);
      arg = mapping[key];
    } else arg = take();
    out += formatOne(conv, arg, flags, Math.abs(width), prec, width < 0, pct);
  }
  if (next < args.length && mapping === undefined) throw new JinjaRuntimeError('not all arguments converted during string formatting');
  return out;
}

function formatOne(conv: string, arg: unknown, flags: string, width: number, prec: number | undefined, left: boolean, at: number): string {
  left ||= flags.includes('-');
  const pad = (body: string, sign = '', zeroOk = false) => {
    const fill = width - body.length - sign.length;
    if (fill <= 0) return sign + body;
    if (left) return sign + body + ' '.repeat(fill);
    return zeroOk && flags.includes('0') ? sign + '0'.repeat(fill) + body : ' '.repeat(fill) + sign + body;
  };
  const signed = (n: number, body: string) => pad(body, n < 0 || Object.is(n, -0) ? '-' : flags.includes('+') ? '+' : flags.includes(' ') ? ' ' : '', true);
  const alt = flags.includes('#');
  switch (conv) {
    case 's':
    case 'r':
    case 'a': {
      const text = conv === 's' ? pyStr(arg) : pyRepr(arg);
      return pad(prec === undefined ? text : [...text].slice(0, prec).join(''));
    }
    case 'c': {
      if (isString(arg) && pyLen(arg) === 1) return pad(toStr(arg));
      return pad(String.fromCodePoint(intArg(arg)));
    }
    case 'd':
    case 'i':
    case 'u':
    case 'x':
    case 'X':
    case 'o': {
      const n = numberOf(arg);
      const decimal = 'diu'.includes(conv);
      if (n === undefined) throw new JinjaRuntimeError(`%${conv} format: ${decimal ? 'a real number' : 'an integer'} is required, not ${pyTypeName(arg)}`);
      if (!decimal && isFloat(arg)) throw new JinjaRuntimeError(`%${conv} format: an integer is required, not float`);
      const v = truncFloat(n);
      let body = BigInt(Math.abs(v)).toString(conv === 'o' ? 8 : decimal ? 10 : 16);
      if (conv === 'X') body = body.toUpperCase();
      if (prec !== undefined) body = body.padStart(prec, '0');
      if (alt && !decimal) body = (conv === 'o' ? '0o' : conv === 'x' ? '0x' : '0X') + body;
      return signed(v, body);
    }
    case 'e':
    case 'E':
    case 'f':
    case 'F':
    case 'g':
    case 'G': {
      const n = numberOf(arg);
      if (n === undefined) throw new JinjaRuntimeError(`must be real number, not ${pyTypeName(arg)}`);
      const p = prec ?? 6;
      const lower = conv.toLowerCase();
      let body: string;
      if (Number.isNaN(n)) body = 'nan';
      else if (!Number.isFinite(n)) body = 'inf';
      else if (lower === 'f') body = fixedDigits(n, p) + (alt && p === 0 ? '.' : '');
      else if (lower === 'e') body = expDigits(n, p, alt);
      else body = generalDigits(n, p, alt);
      if (conv !== lower) body = body.toUpperCase();
      return signed(Number.isNaN(n) ? 1 : n, body);
    }
    default: {
      const code = conv.codePointAt(0)!;
      throw new JinjaRuntimeError(`unsupported format character '${conv}' (0x${code.toString(16)}) at index ${at + 1}`);
    }
  }
}
