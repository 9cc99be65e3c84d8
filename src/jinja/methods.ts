// The Python methods of str, dict and list that roles call (`x.split(',')`, `d.items()`, `xs.append(y)`). A method
// is looked up in these tables by name, never on the JS object, so templates reach nothing else.
import { strFormat } from './python/str-format.js';
import { pyCapitalize, pyCenter, pyReplace, pySplit, pySplitLines, pyStrip } from './python/text.js';
import { bind } from './registry.js';
import {
  JinjaRuntimeError,
  PyCallable,
  defined,
  isMapping,
  isString,
  iterate,
  pyCompare,
  pyEquals,
  pyStr,
  pyTruthy,
  toNumber,
  toStr,
  tuple,
} from './values.js';

type Method<T> = (self: T, args: unknown[], kwargs: Record<string, unknown>, getattr: (v: unknown, k: string | number) => unknown) => unknown;

const optStr = (v: unknown): string | null => (v === undefined || v === null ? null : toStr(v));
const optInt = (v: unknown): number => (v === undefined || v === null ? -1 : toNumber(v));

function affix(s: string, arg: unknown, test: (s: string, p: string) => boolean): boolean {
  if (Array.isArray(arg)) return arg.some((p) => test(s, toStr(p)));
  return test(s, toStr(arg));
}

function find(s: string, sub: unknown, fromRight: boolean, orThrow: boolean): number {
  const i = fromRight ? s.lastIndexOf(toStr(sub)) : s.indexOf(toStr(sub));
  if (i < 0 && orThrow) throw new JinjaRuntimeError('substring not found');
  return i;
}

const STR: Record<string, Method<string>> = {
  split: (s, a, k) => {
    const p = bind('split', a, k, ['sep', 'maxsplit'], { sep: null, maxsplit: -1 });
    return pySplit(s, optStr(p.sep), optInt(p.maxsplit));
  },
  rsplit: (s, a, k) => {
    const p = bind('rsplit', a, k, ['sep', 'maxsplit'], { sep: null, maxsplit: -1 });
    return pySplit(s, optStr(p.sep), optInt(p.maxsplit), true);
  },
  splitlines: (s, a, k) => pySplitLines(s, pyTruthy(bind('splitlines', a, k, ['keepends'], { keepends: false }).keepends)),
  join: (s, [items]) => iterate(items).map((x) => toStr(x)).join(s),
  strip: (s, [c]) => pyStrip(s, optStr(c), true, true),
  lstrip: (s, [c]) => pyStrip(s, optStr(c), true, false),
  rstrip: (s, [c]) => pyStrip(s, optStr(c), false, true),
  startswith: (s, [p]) => affix(s, p, (x, y) => x.startsWith(y)),
  endswith: (s, [p]) => affix(s, p, (x, y) => x.endsWith(y)),
  replace: (s, [from, to, count]) => pyReplace(s, toStr(from), toStr(to), optInt(count)),
  upper: (s) => s.toUpperCase(),
  lower: (s) => s.toLowerCase(),
  capitalize: pyCapitalize,
  title: (s) => s.toLowerCase().replace(/(^|[^A-Za-z])([a-z])/g, (_, a: string, b: string) => a + b.toUpperCase()),
  swapcase: (s) => [...s].map((c) => (c === c.toUpperCase() ? c.toLowerCase() : c.toUpperCase())).join(''),
  find: (s, [sub]) => find(s, sub, false, false),
  rfind: (s, [sub]) => find(s, sub, true, false),
  index: (s, [sub]) => find(s, sub, false, true),
  rindex: (s, [sub]) => find(s, sub, true, true),
  count: (s, [sub]) => {
    const t = toStr(sub);
    return t === '' ? [...s].length + 1 : s.split(t).length - 1;
  },
  format: (s, a, k, getattr) => strFormat(s, a, k, getattr),
  isdigit: (s) => /^[0-9]+$/.test(s),
  isnumeric: (s) => /^[0-9]+$/.test(s),
  isdecimal: (s) => /^[0-9]+$/.test(s),
  isalpha: (s) => /^\p{L}+$/u.test(s),
  isalnum: (s) => /^[\p{L}0-9]+$/u.test(s),
  isspace: (s) => /^\s+$/.test(s),
  islower: (s) => /[a-z]/.test(s) && s === s.toLowerCase(),
  isupper: (s) => /[A-Z]/.test(s) && s === s.toUpperCase(),
  zfill: (s, [w]) => {
    const m = /^[-+]?/.exec(s)![0];
    return m + s.slice(m.length).padStart(toNumber(w) - m.length, '0');
  },
  ljust: (s, [w, f]) => s.padEnd(toNumber(w), f === undefined ? ' ' : toStr(f)),
  rjust: (s, [w, f]) => s.padStart(toNumber(w), f === undefined ? ' ' : toStr(f)),
  center: (s, [w, f]) => pyCenter(s, toNumber(w), f === undefined ? ' ' : toStr(f)),
  partition: (s, [sep]) => {
    const d = toStr(sep);
    const i = s.indexOf(d);
    return tuple(i < 0 ? [s, '', ''] : [s.slice(0, i), d, s.slice(i + d.length)]);
  },
  rpartition: (s, [sep]) => {
    const d = toStr(sep);
    const i = s.lastIndexOf(d);
    return tuple(i < 0 ? ['', '', s] : [s.slice(0, i), d, s.slice(i + d.length)]);
  },
  removeprefix: (s, [p]) => (s.startsWith(toStr(p)) ? s.slice(toStr(p).length) : s),
  removesuffix: (s, [p]) => (toStr(p) !== '' && s.endsWith(toStr(p)) ? s.slice(0, -toStr(p).length) : s),
  casefold: (s) => s.toLowerCase().replace(/ß/g, 'ss'),
  expandtabs: (s, [size]) => {
    const width = size === undefined ? 8 : toNumber(size);
    return s.split('\n').map((line) => line.replace(/[^\t]*\t/g, (cell) => cell.slice(0, -1).padEnd(width > 0 ? (Math.floor((cell.length - 1) / width) + 1) * width : 0, ' '))).join('\n');
  },
  encode: (s) => s,
  decode: (s) => s,
};

type Dict = Record<string, unknown>;
const DICT: Record<string, Method<Dict>> = {
  // Views print as lists: Ansible unrolls them (`{{ d.items() }}` → [('a', 1)]), plain Jinja2 would not.
  items: (d) => Object.entries(d).map(([k, v]) => tuple([k, v])),
  keys: (d) => Object.keys(d),
  values: (d) => Object.values(d),
  get: (d, [key, dflt]) => {
    const k = pyStr(defined(key));
    return Object.hasOwn(d, k) ? d[k] : dflt === undefined ? null : dflt;
  },
  copy: (d) => ({ ...d }),
  update: (d, a, k) => {
    for (const src of a) Object.assign(d, isMapping(src) ? src : Object.fromEntries(iterate(src).map((p) => iterate(p) as [string, unknown])));
    Object.assign(d, k);
    return null;
  },
  pop: (d, [key, dflt]) => {
    const k = pyStr(key);
    if (!Object.hasOwn(d, k)) {
      if (dflt === undefined) throw new JinjaRuntimeError(`KeyError: '${k}'`);
      return dflt;
    }
    const v = d[k];
    delete d[k];
    return v;
  },
  setdefault: (d, [key, dflt]) => {
    const k = pyStr(key);
    if (!Object.hasOwn(d, k)) d[k] = dflt === undefined ? null : dflt;
    return d[k];
  },
};

const LIST: Record<string, Method<unknown[]>> = {
  append: (l, [x]) => (l.push(x), null),
  extend: (l, [xs]) => (l.push(...iterate(xs)), null),
  insert: (l, [i, x]) => (l.splice(toNumber(i), 0, x), null),
  pop: (l, [i]) => {
    if (l.length === 0) throw new JinjaRuntimeError('pop from empty list');
    const at = i === undefined ? l.length - 1 : toNumber(i) < 0 ? l.length + toNumber(i) : toNumber(i);
    return l.splice(at, 1)[0];
  },
  remove: (l, [x]) => {
    const i = l.findIndex((y) => pyEquals(y, x));
    if (i < 0) throw new JinjaRuntimeError('list.remove(x): x not in list');
    l.splice(i, 1);
    return null;
  },
  index: (l, [x]) => {
    const i = l.findIndex((y) => pyEquals(y, x));
    if (i < 0) throw new JinjaRuntimeError('value is not in list');
    return i;
  },
  count: (l, [x]) => l.filter((y) => pyEquals(y, x)).length,
  copy: (l) => [...l],
  reverse: (l) => (l.reverse(), null),
  sort: (l, _a, k) => (l.sort(pyCompare), k.reverse === true && l.reverse(), null),
};

/** `d.name` on a dict finds this method before a key of that name, as in Jinja2. */
export function isDictMethod(name: string): boolean {
  return Object.hasOwn(DICT, name);
}

/** The bound method `name` of `value`, or undefined when it has none. */
export function methodOf(value: unknown, name: string, getattr: (v: unknown, k: string | number) => unknown): PyCallable | undefined {
  if (isString(value)) {
    const m = Object.hasOwn(STR, name) ? STR[name] : undefined;
    const s = toStr(value);
    return m && new PyCallable(name, (a, k) => m(s, a, k, getattr));
  }
  if (Array.isArray(value)) {
    const m = Object.hasOwn(LIST, name) ? LIST[name] : undefined;
    return m && new PyCallable(name, (a, k) => m(value, a, k, getattr));
  }
  if (isMapping(value)) {
    const m = Object.hasOwn(DICT, name) ? DICT[name] : undefined;
    return m && new PyCallable(name, (a, k) => m(value, a, k, getattr));
  }
  return undefined;
}
