// Jinja2 3.1's builtin filters (jinja2/filters.py), as ansible-core 2.14 runs them: generators come back as lists
// (Ansible unrolls them), Markup is a plain string (no autoescape), undefineds are Ansible's strict ones.
import { binary } from '../operators.js';
import { formatFixed, intArg, numResult, parseIntStr, pyFloat, pyMod, pyRoundFloat, truncFloat } from '../python/numbers.js';
import { pyPercentFormat } from '../python/printf.js';
import { firstUpper, pyCapitalize, pyCenter, pyReplace, pySplit, pySplitLines, pyStrip } from '../python/text.js';
import { bind, type CallContext, type FilterDef } from '../registry.js';
import { jsonDumps } from './py-json.js';
import {
  defined,
  isFloat,
  isInteger,
  isMapping,
  isString,
  isTuple,
  iterate,
  JinjaRuntimeError,
  makeFloat,
  numberOf,
  PyCallable,
  pyCompare,
  pyEquals,
  pyLen,
  pyRepr,
  pyStr,
  pyTruthy,
  pyTypeName,
  strRepr,
  toNumber,
  toStr,
  namedTuple,
  tuple,
  Undefined,
} from '../values.js';

const pyTypeError = (msg: string) => new JinjaRuntimeError(msg);

// ---------------------------------------------------------------------------------------------------------------
// Attribute getters and Python sorting
// ---------------------------------------------------------------------------------------------------------------

type Getter = (item: unknown) => unknown;

/** "a.b.0" into lookup parts; digit parts are list indexes, as in Jinja. */
function attributeParts(attribute: unknown): (string | number)[] {
  if (attribute === null || attribute === undefined) return [];
  if (isString(attribute)) return toStr(attribute).split('.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
  if (typeof attribute === 'number') return [attribute];
  throw pyTypeError(`attribute must be a string or an int, not ${pyTypeName(defined(attribute))}`);
}

/**
 * environment.getitem: subscript first, then attribute. ctx.getattr is attribute-first (`d.items` is the method), so
 * a plain dict's own key is read here first: `map(attribute='values')` gives the key's value, as in Python.
 */
function getItem(ctx: CallContext, item: unknown, part: string | number): unknown {
  if (item instanceof Undefined) return item.attr(part);
  const plain = isMapping(item) && [Object.prototype, null].includes(Object.getPrototypeOf(item));
  if (plain && Object.hasOwn(item, String(part))) return item[String(part)];
  return ctx.getattr(item, part);
}

/** Lowercase strings for case-insensitive comparisons (Jinja's ignore_case). */
const ignoreCase = (v: unknown) => (isString(v) ? toStr(v).toLowerCase() : v);

/** Jinja's make_attrgetter: walk the dotted path; `dflt` (when not None) replaces an undefined step. */
function attrGetter(ctx: CallContext, attribute: unknown, caseSensitive = true, dflt: unknown = null): Getter {
  const parts = attributeParts(attribute);
  return (item) => {
    for (const part of parts) {
      item = getItem(ctx, item, part);
      if (dflt !== null && item instanceof Undefined) item = dflt;
    }
    return caseSensitive ? item : ignoreCase(item);
  };
}

/** Jinja's make_multi_attrgetter: "age,name" gives a list key. */
function multiAttrGetter(ctx: CallContext, attribute: unknown, caseSensitive: boolean): Getter {
  const getters = (isString(attribute) ? toStr(attribute).split(',') : [attribute]).map((a) => attrGetter(ctx, a, caseSensitive));
  return (item) => getters.map((g) => g(item));
}

/** Python's sorted(items, key=key, reverse=reverse): stable in both directions. */
function pySorted(items: readonly unknown[], key: Getter, reverse: boolean): unknown[] {
  const keyed = items.map((item) => ({ item, key: key(item) }));
  keyed.sort((a, b) => (reverse ? pyCompare(b.key, a.key) : pyCompare(a.key, b.key)));
  return keyed.map((k) => k.item);
}

/** Python's hash(): lists and dicts cannot be set members or dict keys. */
function checkHashable(value: unknown): void {
  defined(value);
  if ((Array.isArray(value) && !isTuple(value)) || isMapping(value)) throw pyTypeError(`unhashable type: '${pyTypeName(value)}'`);
  if (Array.isArray(value)) value.forEach(checkHashable);
}

/** A dict, for filters that call .items() on their input. */
function mappingOf(value: unknown): Record<string, unknown> {
  if (isMapping(value)) return value;
  defined(value);
  throw pyTypeError(`'${pyTypeName(value)}' object has no attribute 'items'`);
}

const emptyUndefined = (what: string, message: string) => new Undefined(what, undefined, message);

// ---------------------------------------------------------------------------------------------------------------
// HTML, URLs, JSON, pprint, textwrap
// ---------------------------------------------------------------------------------------------------------------

/** markupsafe.escape of str(value). */
const htmlEscape = (value: unknown) =>
  pyStr(value).replace(/[&<>'"]/g, (c) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', "'": '&#39;', '"': '&#34;' })[c]!);

const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'", nbsp: '\xa0', copy: '©', reg: '®', raquo: '»', laquo: '«', hellip: '…', mdash: '—', ndash: '–' };

/** html.unescape for numeric references and the common named ones. */
const htmlUnescape = (s: string) =>
  s.replace(/&(#[0-9]+|#[xX][0-9a-fA-F]+|[A-Za-z]+);/g, (m, ref: string) => {
    if (ref.startsWith('#')) {
      const code = ref[1] === 'x' || ref[1] === 'X' ? parseInt(ref.slice(2), 16) : parseInt(ref.slice(1), 10);
      return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : '\ufffd';
    }
    return ENTITIES[ref] ?? m;
  });

/** urllib.parse.quote: everything but A-Za-z0-9_.-~ (and '/' unless for a query string) as UTF-8 %XX. */
function urlQuote(value: unknown, forQuery: boolean): string {
  const out = encodeURIComponent(pyStr(value)).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
  return forQuery ? out.replaceAll('%20', '+') : out.replaceAll('%2F', '/');
}

/** pprint.pformat(width=80): repr with sorted dict keys, broken over lines when too wide. */
function pformat(value: unknown): string {
  const out: string[] = [];
  pprintValue(value, out, 0, 0, 1);
  return out.join('');
}

function safeRepr(value: unknown): string {
  if (Array.isArray(value)) {
    const inner = value.map(safeRepr).join(', ');
    return isTuple(value) ? (value.length === 1 ? `(${inner},)` : `(${inner})`) : `[${inner}]`;
  }
  if (isMapping(value)) return `{${sortedEntries(value).map(([k, v]) => `${strRepr(k)}: ${safeRepr(v)}`).join(', ')}}`;
  return pyRepr(value);
}

const sortedEntries = (d: Record<string, unknown>) => Object.entries(d).sort(([a], [b]) => pyCompare(a, b));

function pprintValue(value: unknown, out: string[], indent: number, allowance: number, level: number): void {
  const rep = safeRepr(value);
  if (rep.length <= 80 - indent - allowance) {
    out.push(rep);
    return;
  }
  if (isMapping(value)) {
    out.push('{');
    const entries = sortedEntries(value);
    entries.forEach(([k, v], i) => {
      const last = i === entries.length - 1;
      const keyRep = strRepr(k);
      out.push(keyRep, ': ');
      pprintValue(v, out, indent + 1 + keyRep.length + 2, last ? allowance + 1 : 1, level + 1);
      if (!last) out.push(`,\n${' '.repeat(indent + 1)}`);
    });
    out.push('}');
  } else if (Array.isArray(value)) {
    const close = isTuple(value) ? (value.length === 1 ? ',)' : ')') : ']';
    out.push(isTuple(value) ? '(' : '[');
    value.forEach((v, i) => {
      const last = i === value.length - 1;
      if (i > 0) out.push(`,\n${' '.repeat(indent + 1)}`);
      pprintValue(v, out, indent + 1, last ? allowance + close.length : 1, level + 1);
    });
    out.push(close);
  } else if (isString(value)) {
    out.push(pprintString(toStr(value), indent, allowance, level));
  } else out.push(rep);
}

/** pprint's _pprint_str: a long string as adjacent literals split after whitespace, in parens at top level. */
function pprintString(s: string, indent: number, allowance: number, level: number): string {
  if (level === 1) {
    indent += 1;
    allowance += 1;
  }
  const chunks: string[] = [];
  const lines = s.match(/[^\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]*(?:\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]|$)/g)!.filter((l) => l !== '');
  let maxWidth1 = 80 - indent;
  lines.forEach((line, i) => {
    const lastLine = i === lines.length - 1;
    if (lastLine) maxWidth1 -= allowance;
    if (strRepr(line).length <= maxWidth1) {
      chunks.push(strRepr(line));
      return;
    }
    const parts = line.match(/\S*\s*/g)!.filter((p) => p !== '');
    let maxWidth2 = 80 - indent;
    let current = '';
    parts.forEach((part, j) => {
      const candidate = current + part;
      if (j === parts.length - 1 && lastLine) maxWidth2 -= allowance;
      if (strRepr(candidate).length > maxWidth2) {
        if (current) chunks.push(strRepr(current));
        current = part;
      } else current = candidate;
    });
    if (current) chunks.push(strRepr(current));
  });
  if (chunks.length === 1) return strRepr(s);
  const body = chunks.join(`\n${' '.repeat(indent)}`);
  return level === 1 ? `(${body})` : body;
}

// textwrap.TextWrapper's word splitting (break_on_hyphens) with Python's Unicode \w.
const TW_WS = '[\\t\\n\\v\\f\\r ]';
const TW_WORD_PUNCT = `[\\p{L}\\p{N}_!"'&.,?]`;
const TW_LETTER = '[\\p{L}\\p{Nl}\\p{No}_]';
const TW_W = '[\\p{L}\\p{N}_]';
const WORDSEP_RE = new RegExp(
  `(${TW_WS}+|(?<=${TW_WORD_PUNCT})-{2,}(?=${TW_W})|[^\\t\\n\\v\\f\\r ]+?(?:-(?:(?<=${TW_LETTER}{2}-)|(?<=${TW_LETTER}-${TW_LETTER}-))(?=${TW_LETTER}-?${TW_LETTER})|(?=${TW_WS}|$)|(?<=${TW_WORD_PUNCT})(?=-{2,}${TW_W})))`,
  'u',
);
const WORDSEP_SIMPLE_RE = new RegExp(`(${TW_WS}+)`);

/** textwrap.wrap(expand_tabs=False, replace_whitespace=False, drop_whitespace=True). */
function textWrap(text: string, width: number, breakLong: boolean, breakHyphens: boolean): string[] {
  if (width <= 0) throw new JinjaRuntimeError(`invalid width ${width} (must be > 0)`);
  const chunks = text.split(breakHyphens ? WORDSEP_RE : WORDSEP_SIMPLE_RE).filter((c) => c !== '').reverse();
  const len = (s: string) => [...s].length;
  const blank = (s: string) => pyStrip(s) === '';
  const lines: string[] = [];
  while (chunks.length > 0) {
    const line: string[] = [];
    let lineLen = 0;
    if (lines.length > 0 && blank(chunks[chunks.length - 1]!)) chunks.pop();
    while (chunks.length > 0 && lineLen + len(chunks[chunks.length - 1]!) <= width) {
      const c = chunks.pop()!;
      line.push(c);
      lineLen += len(c);
    }
    if (chunks.length > 0 && len(chunks[chunks.length - 1]!) > width) {
      const spaceLeft = width < 1 ? 1 : width - lineLen;
      const chunk = [...chunks[chunks.length - 1]!];
      if (breakLong) {
        let end = spaceLeft;
        if (breakHyphens && chunk.length > spaceLeft) {
          const hyphen = chunk.slice(0, spaceLeft).lastIndexOf('-');
          if (hyphen > 0 && chunk.slice(0, hyphen).some((c) => c !== '-')) end = hyphen + 1;
        }
        line.push(chunk.slice(0, end).join(''));
        chunks[chunks.length - 1] = chunk.slice(end).join('');
      } else if (line.length === 0) line.push(chunks.pop()!);
    }
    if (line.length > 0 && blank(line[line.length - 1]!)) line.pop();
    if (line.length > 0) lines.push(line.join(''));
  }
  return lines;
}

const W = '[\\p{L}\\p{N}_]';
const HTTP_RE = new RegExp(
  `^(?:(?:https?://|www\\.)(?:(?:[\\p{L}\\p{N}_%-]+\\.)+)?(?:[a-z]{2,63}|xn--[\\p{L}\\p{N}_%]{2,59})` +
    `|(?:[\\p{L}\\p{N}_%-]{2,63}\\.)+(?:com|net|int|edu|gov|org|info|mil)` +
    `|https?://(?:\\d{1,3}(?:\\.\\d{1,3}){3}|\\[(?:[\\da-f]{0,4}:){2}(?:[\\da-f]{0,4}:?){1,6}\\]))` +
    `(?::\\d{1,5})?(?:[/?#]\\S*)?$`,
  'iu',
);
const EMAIL_RE = new RegExp(`^\\S+@${W}[\\p{L}\\p{N}_.-]*\\.${W}+$`, 'u');

/** jinja2.utils.urlize over the HTML-escaped text. */
function urlize(text: string, trimLimit: number | null, rel: string | null, target: string | null, extraSchemes: string[]): string {
  const trim = (x: string) => (trimLimit !== null && x.length > trimLimit ? `${x.slice(0, trimLimit)}...` : x);
  const relAttr = rel ? ` rel="${htmlEscape(rel)}"` : '';
  const targetAttr = target ? ` target="${htmlEscape(target)}"` : '';
  return htmlEscape(text)
    .split(/(\s+)/u)
    .map((word) => {
      let head = '';
      let middle = word;
      let tail = '';
      const lead = /^(?:[(<]|&lt;)+/.exec(middle);
      if (lead) {
        head = lead[0];
        middle = middle.slice(head.length);
      }
      const trail = /(?:[)>.,\n]|&gt;)+$/.exec(middle);
      if (trail) {
        tail = trail[0];
        middle = middle.slice(0, trail.index);
      }
      // Prefer balanced parentheses: move closing characters back from the tail.
      for (const [open, close] of [['(', ')'], ['<', '>'], ['&lt;', '&gt;']] as const) {
        const opens = middle.split(open).length - 1;
        if (opens <= middle.split(close).length - 1) continue;
        for (let k = Math.min(opens, tail.split(close).length - 1); k > 0; k--) {
          const endIndex = tail.indexOf(close) + close.length;
          middle += tail.slice(0, endIndex);
          tail = tail.slice(endIndex);
        }
      }
      if (HTTP_RE.test(middle)) {
        const href = middle.startsWith('https://') || middle.startsWith('http://') ? middle : `https://${middle}`;
        middle = `<a href="${href}"${relAttr}${targetAttr}>${trim(middle)}</a>`;
      } else if (middle.startsWith('mailto:') && EMAIL_RE.test(middle.slice(7))) {
        middle = `<a href="${middle}">${middle.slice(7)}</a>`;
      } else if (middle.includes('@') && !middle.startsWith('www.') && !middle.includes(':') && EMAIL_RE.test(middle)) {
        middle = `<a href="mailto:${middle}">${middle}</a>`;
      } else {
        for (const scheme of extraSchemes) {
          if (middle !== scheme && middle.startsWith(scheme)) middle = `<a href="${middle}"${relAttr}${targetAttr}>${middle}</a>`;
        }
      }
      return head + middle + tail;
    })
    .join('');
}

// ---------------------------------------------------------------------------------------------------------------
// Shared filter bodies
// ---------------------------------------------------------------------------------------------------------------

function minMax(name: 'min' | 'max') {
  return (ctx: CallContext, input: unknown, args: unknown[], kwargs: Record<string, unknown>) => {
    const a = bind(name, args, kwargs, ['case_sensitive', 'attribute'], { case_sensitive: false, attribute: null });
    const items = iterate(input);
    if (items.length === 0) return emptyUndefined(name, 'No aggregated item, sequence was empty.');
    const key = attrGetter(ctx, a.attribute, pyTruthy(a.case_sensitive));
    let best = items[0];
    let bestKey = key(best);
    for (const item of items.slice(1)) {
      const k = key(item);
      // Python's max keeps the first of equal items: only a strictly better key replaces it.
      if (name === 'max' ? pyCompare(k, bestKey) > 0 : pyCompare(k, bestKey) < 0) {
        best = item;
        bestKey = k;
      }
    }
    return best;
  };
}

/** select/reject/selectattr/rejectattr: a test by name (else truthiness), on the item or one of its attributes. */
function selectOrReject(keep: boolean, byAttr: boolean) {
  return (ctx: CallContext, input: unknown, args: unknown[], kwargs: Record<string, unknown>) => {
    if (!pyTruthy(input)) return [];
    let off = 0;
    let trans: Getter = (x) => x;
    if (byAttr) {
      if (args.length === 0) throw new JinjaRuntimeError('Missing parameter for attribute name');
      trans = attrGetter(ctx, args[0]);
      off = 1;
    }
    const name = args[off];
    const test =
      args.length > off ? (v: unknown) => ctx.test(toStr(name), v, args.slice(off + 1), kwargs) : (v: unknown) => pyTruthy(v);
    return iterate(input).filter((item) => test(trans(item)) === keep);
  };
}

const pyLower = (s: string) => s.toLowerCase();
const pyUpper = (s: string) => s.toUpperCase();
/** Filters taking only the input as a string: `fn(str(input))`. */
const strFilter = (name: string, fn: (s: string) => unknown): FilterDef => ({
  name,
  fn: (_ctx, input, args, kwargs) => {
    bind(name, args, kwargs, []);
    return fn(pyStr(input));
  },
});

// ---------------------------------------------------------------------------------------------------------------
// The filters
// ---------------------------------------------------------------------------------------------------------------

const defaultFilter: FilterDef['fn'] = (_ctx, input, args, kwargs) => {
  const a = bind('default', args, kwargs, ['default_value', 'boolean'], { default_value: '', boolean: false });
  if (input instanceof Undefined || (pyTruthy(a.boolean) && !pyTruthy(input))) return a.default_value;
  return input;
};

const escapeFilter: FilterDef['fn'] = (_ctx, input, args, kwargs) => {
  bind('escape', args, kwargs, []);
  return htmlEscape(input);
};

const lengthFilter: FilterDef['fn'] = (_ctx, input, args, kwargs) => {
  bind('length', args, kwargs, []);
  return pyLen(input);
};

export const jinjaFilters: FilterDef[] = [
  {
    name: 'abs',
    fn: (_ctx, input, args, kwargs) => {
      bind('abs', args, kwargs, []);
      const n = numberOf(input);
      if (n === undefined) throw pyTypeError(`bad operand type for abs(): '${pyTypeName(input)}'`);
      return numResult(Math.abs(n), isFloat(input));
    },
  },
  {
    // foo|attr('bar'): an attribute only, never an item; the builtin types' attributes are their methods.
    name: 'attr',
    fn: (ctx, input, args, kwargs) => {
      const a = bind('attr', args, kwargs, ['name']);
      const name = toStr(a.name);
      const found = ctx.getattr(input, name);
      if (found instanceof PyCallable) return found;
      return new Undefined(name, undefined, `'${pyTypeName(input)} object' has no attribute '${name}'`);
    },
  },
  {
    name: 'batch',
    fn: (_ctx, input, args, kwargs) => {
      const a = bind('batch', args, kwargs, ['linecount', 'fill_with'], { fill_with: null });
      const out: unknown[][] = [];
      let cur: unknown[] = [];
      for (const item of iterate(input)) {
        if (pyEquals(cur.length, a.linecount)) {
          out.push(cur);
          cur = [];
        }
        cur.push(item);
      }
      if (cur.length > 0) {
        if (a.fill_with !== null && pyCompare(cur.length, a.linecount) < 0) {
          const count = intArg(a.linecount);
          while (cur.length < count) cur.push(a.fill_with);
        }
        out.push(cur);
      }
      return out;
    },
  },
  strFilter('capitalize', pyCapitalize),
  {
    name: 'center',
    fn: (_ctx, input, args, kwargs) => {
      const a = bind('center', args, kwargs, ['width'], { width: 80 });
      return pyCenter(pyStr(input), intArg(a.width));
    },
  },
  { name: 'count', fn: lengthFilter },
  { name: 'd', fn: defaultFilter, acceptsUndefined: true },
  { name: 'default', fn: defaultFilter, acceptsUndefined: true },
  {
    name: 'dictsort',
    fn: (_ctx, input, args, kwargs) => {
      const a = bind('dictsort', args, kwargs, ['case_sensitive', 'by', 'reverse'], { case_sensitive: false, by: 'key', reverse: false });
      const pos = pyEquals(a.by, 'key') ? 0 : pyEquals(a.by, 'value') ? 1 : -1;
      if (pos < 0) throw new JinjaRuntimeError('You can only sort by either "key" or "value"');
      const pairs = Object.entries(mappingOf(input)).map(([k, v]) => tuple([k, v]));
      const caseSensitive = pyTruthy(a.case_sensitive);
      return pySorted(pairs, (p) => (caseSensitive ? (p as unknown[])[pos] : ignoreCase((p as unknown[])[pos])), pyTruthy(a.reverse));
    },
  },
  { name: 'e', fn: escapeFilter },
  { name: 'escape', fn: escapeFilter },
  {
    name: 'filesizeformat',
    fn: (_ctx, input, args, kwargs) => {
      const a = bind('filesizeformat', args, kwargs, ['binary'], { binary: false });
      const bytes = pyFloat(input);
      if (bytes === undefined) throw new JinjaRuntimeError(`could not convert ${pyTypeName(input)} to float: ${pyRepr(input)}`);
      const binary = pyTruthy(a.binary);
      const base = binary ? 1024 : 1000;
      const prefixes = binary ? ['KiB', 'MiB', 'GiB', 'TiB', 'PiB', 'EiB', 'ZiB', 'YiB'] : ['kB', 'MB', 'GB', 'TB', 'PB', 'EB', 'ZB', 'YB'];
      if (bytes === 1) return '1 Byte';
      if (bytes < base) return `${truncFloat(bytes)} Bytes`;
      let i = 0;
      while (i < prefixes.length - 1 && !(bytes < base ** (i + 2))) i++;
      const scaled = (base * bytes) / base ** (i + 2);
      return `${formatFixed(scaled, 1)} ${prefixes[i]}`;
    },
  },
  {
    name: 'first',
    fn: (_ctx, input, args, kwargs) => {
      bind('first', args, kwargs, []);
      const items = iterate(input);
      return items.length > 0 ? items[0] : emptyUndefined('first', 'No first item, sequence was empty.');
    },
  },
  {
    name: 'float',
    fn: (_ctx, input, args, kwargs) => {
      const a = bind('float', args, kwargs, ['default'], { default: makeFloat(0) });
      const n = pyFloat(input);
      return n === undefined ? a.default : makeFloat(n);
    },
  },
  {
    name: 'forceescape',
    fn: (_ctx, input, args, kwargs) => {
      bind('forceescape', args, kwargs, []);
      return htmlEscape(input);
    },
  },
  {
    name: 'format',
    fn: (_ctx, input, args, kwargs) => {
      const hasKw = Object.keys(kwargs).length > 0;
      if (args.length > 0 && hasKw) throw new JinjaRuntimeError("can't handle positional and keyword arguments at the same time");
      return pyPercentFormat(pyStr(input), hasKw ? kwargs : tuple([...args]));
    },
  },
  {
    name: 'groupby',
    fn: (ctx, input, args, kwargs) => {
      const a = bind('groupby', args, kwargs, ['attribute', 'default', 'case_sensitive'], { default: null, case_sensitive: false });
      const caseSensitive = pyTruthy(a.case_sensitive);
      const key = attrGetter(ctx, a.attribute, caseSensitive, a.default);
      const groups: { key: unknown; items: unknown[] }[] = [];
      for (const item of pySorted(iterate(input), key, false)) {
        const k = key(item);
        const last = groups[groups.length - 1];
        if (last && pyEquals(last.key, k)) last.items.push(item);
        else groups.push({ key: k, items: [item] });
      }
      // Case-insensitive grouping reports the first item's real value as the grouper.
      const realKey = attrGetter(ctx, a.attribute, true, a.default);
      return groups.map((g) => namedTuple([caseSensitive ? g.key : realKey(g.items[0]), g.items], ['grouper', 'list']));
    },
  },
  {
    name: 'indent',
    fn: (_ctx, input, args, kwargs) => {
      const a = bind('indent', args, kwargs, ['width', 'first', 'blank'], { width: 4, first: false, blank: false });
      if (!isString(input)) throw pyTypeError(`unsupported operand type(s) for +=: '${pyTypeName(input)}' and 'str'`);
      const pad = isString(a.width) ? toStr(a.width) : ' '.repeat(Math.max(0, intArg(a.width)));
      const lines = pySplitLines(`${toStr(input)}\n`);
      let rv: string;
      if (pyTruthy(a.blank)) rv = lines.join(`\n${pad}`);
      else rv = [lines[0] ?? '', ...lines.slice(1).map((l) => (l ? pad + l : l))].join('\n');
      return pyTruthy(a.first) ? pad + rv : rv;
    },
  },
  {
    name: 'int',
    fn: (_ctx, input, args, kwargs) => {
      const a = bind('int', args, kwargs, ['default', 'base'], { default: 0, base: 10 });
      if (isString(input)) {
        // A base that is not an int is a TypeError, caught like a bad string.
        const base = isInteger(a.base) || typeof a.base === 'boolean' ? toNumber(a.base) : undefined;
        const n = base === undefined ? undefined : parseIntStr(toStr(input), base);
        if (n !== undefined) return n;
      } else {
        const n = numberOf(input);
        if (Number.isNaN(n)) return a.default;
        if (n !== undefined) return truncFloat(n);
      }
      // "42.23"|int gives 42: Jinja retries through float().
      const f = pyFloat(input);
      return f === undefined || Number.isNaN(f) ? a.default : truncFloat(f);
    },
  },
  {
    name: 'items',
    acceptsUndefined: true,
    fn: (_ctx, input, args, kwargs) => {
      bind('items', args, kwargs, []);
      if (input instanceof Undefined) return [];
      if (!isMapping(input)) throw pyTypeError('Can only get item pairs from a mapping.');
      return Object.entries(input).map(([k, v]) => tuple([k, v]));
    },
  },
  {
    name: 'join',
    fn: (ctx, input, args, kwargs) => {
      const a = bind('join', args, kwargs, ['d', 'attribute'], { d: '', attribute: null });
      let items = iterate(input);
      if (a.attribute !== null) items = items.map(attrGetter(ctx, a.attribute));
      return items.map(pyStr).join(pyStr(a.d));
    },
  },
  {
    name: 'last',
    fn: (_ctx, input, args, kwargs) => {
      bind('last', args, kwargs, []);
      const items = iterate(input);
      return items.length > 0 ? items[items.length - 1] : emptyUndefined('last', 'No last item, sequence was empty.');
    },
  },
  { name: 'length', fn: lengthFilter },
  {
    name: 'list',
    fn: (_ctx, input, args, kwargs) => {
      bind('list', args, kwargs, []);
      return [...iterate(input)];
    },
  },
  strFilter('lower', pyLower),
  {
    name: 'map',
    fn: (ctx, input, args, kwargs) => {
      if (!pyTruthy(input)) return [];
      let fn: Getter;
      if (args.length === 0 && Object.hasOwn(kwargs, 'attribute')) {
        const { attribute, default: dflt = null, ...rest } = kwargs;
        const extra = Object.keys(rest)[0];
        if (extra !== undefined) throw new JinjaRuntimeError(`Unexpected keyword argument ${strRepr(extra)}`);
        fn = attrGetter(ctx, attribute, true, dflt);
      } else {
        if (args.length === 0) throw new JinjaRuntimeError('map requires a filter argument');
        const name = toStr(args[0]);
        fn = (item) => ctx.filter(name, item, args.slice(1), kwargs);
      }
      return iterate(input).map(fn);
    },
  },
  { name: 'max', fn: minMax('max') },
  { name: 'min', fn: minMax('min') },
  {
    name: 'pprint',
    fn: (_ctx, input, args, kwargs) => {
      bind('pprint', args, kwargs, []);
      return pformat(input);
    },
  },
  {
    name: 'random',
    fn: (_ctx, input, args, kwargs) => {
      bind('random', args, kwargs, []);
      const items = iterate(input);
      if (items.length === 0) return emptyUndefined('random', 'No random item, sequence was empty.');
      return items[Math.floor(Math.random() * items.length)];
    },
  },
  { name: 'reject', fn: selectOrReject(false, false) },
  { name: 'rejectattr', fn: selectOrReject(false, true) },
  {
    name: 'replace',
    fn: (_ctx, input, args, kwargs) => {
      const a = bind('replace', args, kwargs, ['old', 'new', 'count'], { count: null });
      const count = a.count === null ? -1 : intArg(a.count);
      return pyReplace(pyStr(input), pyStr(a.old), pyStr(a.new), count);
    },
  },
  {
    name: 'reverse',
    fn: (_ctx, input, args, kwargs) => {
      bind('reverse', args, kwargs, []);
      if (isString(input)) return [...toStr(input)].reverse().join('');
      if (!Array.isArray(input) && !isMapping(input)) throw new JinjaRuntimeError('argument must be iterable');
      return [...iterate(input)].reverse();
    },
  },
  {
    name: 'round',
    fn: (_ctx, input, args, kwargs) => {
      const a = bind('round', args, kwargs, ['precision', 'method'], { precision: 0, method: 'common' });
      const method = isString(a.method) ? toStr(a.method) : '';
      if (!['common', 'ceil', 'floor'].includes(method)) throw new JinjaRuntimeError('method must be common, ceil or floor');
      const precision = intArg(a.precision);
      const n = numberOf(input);
      if (n === undefined) throw pyTypeError(`type ${pyTypeName(input)} doesn't define __round__ method`);
      if (method === 'common') {
        // round() of an int stays an int (rounded to tens, hundreds... for a negative precision).
        if (!isFloat(input)) return precision >= 0 ? n : pyRoundFloat(n, precision);
        return makeFloat(pyRoundFloat(n, precision));
      }
      const scale = 10 ** precision;
      const scaled = n * scale;
      if (!Number.isFinite(scaled)) throw new JinjaRuntimeError(Number.isNaN(scaled) ? 'cannot convert float NaN to integer' : 'cannot convert float infinity to integer');
      return makeFloat((method === 'ceil' ? Math.ceil(scaled) : Math.floor(scaled)) / scale);
    },
  },
  strFilter('safe', (s) => s),
  { name: 'select', fn: selectOrReject(true, false) },
  { name: 'selectattr', fn: selectOrReject(true, true) },
  {
    name: 'slice',
    fn: (_ctx, input, args, kwargs) => {
      const a = bind('slice', args, kwargs, ['slices', 'fill_with'], { fill_with: null });
      const seq = iterate(input);
      const slices = intArg(a.slices);
      if (slices === 0) throw new JinjaRuntimeError('integer division or modulo by zero');
      const perSlice = Math.floor(seq.length / slices);
      const withExtra = pyMod(seq.length, slices);
      const out: unknown[][] = [];
      let offset = 0;
      for (let n = 0; n < slices; n++) {
        const start = offset + n * perSlice;
        if (n < withExtra) offset += 1;
        const part = seq.slice(start, offset + (n + 1) * perSlice);
        if (a.fill_with !== null && n >= withExtra) part.push(a.fill_with);
        out.push(part);
      }
      return out;
    },
  },
  {
    name: 'sort',
    fn: (ctx, input, args, kwargs) => {
      const a = bind('sort', args, kwargs, ['reverse', 'case_sensitive', 'attribute'], { reverse: false, case_sensitive: false, attribute: null });
      const key = multiAttrGetter(ctx, a.attribute, pyTruthy(a.case_sensitive));
      return pySorted(iterate(input), key, pyTruthy(a.reverse));
    },
  },
  strFilter('string', (s) => s),
  {
    name: 'striptags',
    fn: (_ctx, input, args, kwargs) => {
      bind('striptags', args, kwargs, []);
      const text = pyStr(input).replace(/<!--[\s\S]*?-->/g, '').replace(/<[\s\S]*?>/g, '');
      return htmlUnescape(pySplit(text, null).join(' '));
    },
  },
  {
    name: 'sum',
    fn: (ctx, input, args, kwargs) => {
      const a = bind('sum', args, kwargs, ['attribute', 'start'], { attribute: null, start: 0 });
      if (isString(a.start)) throw pyTypeError("sum() can't sum strings [use ''.join(seq) instead]");
      let items = iterate(input);
      if (a.attribute !== null) items = items.map(attrGetter(ctx, a.attribute));
      return items.reduce((sum, item) => binary('+', sum, item), a.start);
    },
  },
  strFilter('title', (s) =>
    s
      .split(/([-\s({[<]+)/u)
      .filter((w) => w !== '')
      .map((w) => firstUpper(w, pyUpper))
      .join(''),
  ),
  {
    name: 'tojson',
    fn: (_ctx, input, args, kwargs) => {
      const a = bind('tojson', args, kwargs, ['indent'], { indent: null });
      const indent = a.indent === null ? null : isString(a.indent) ? toStr(a.indent) : ' '.repeat(Math.max(0, intArg(a.indent)));
      return jsonDumps(input, { indent, sortKeys: true }).replace(/[<>&']/g, (c) => `\\u00${c.charCodeAt(0).toString(16)}`);
    },
  },
  {
    name: 'trim',
    fn: (_ctx, input, args, kwargs) => {
      const a = bind('trim', args, kwargs, ['chars'], { chars: null });
      return pyStrip(pyStr(input), a.chars === null ? null : toStr(a.chars));
    },
  },
  {
    name: 'truncate',
    fn: (_ctx, input, args, kwargs) => {
      const a = bind('truncate', args, kwargs, ['length', 'killwords', 'end', 'leeway'], { length: 255, killwords: false, end: '...', leeway: null });
      const s = toStr(input);
      const length = intArg(a.length);
      const end = toStr(a.end);
      const leeway = a.leeway === null ? 5 : intArg(a.leeway);
      if (length < end.length) throw new JinjaRuntimeError(`expected length >= ${end.length}, got ${length}`);
      if (leeway < 0) throw new JinjaRuntimeError(`expected leeway >= 0, got ${leeway}`);
      const chars = [...s];
      if (chars.length <= length + leeway) return s;
      const kept = chars.slice(0, length - end.length).join('');
      if (pyTruthy(a.killwords)) return kept + end;
      const space = kept.lastIndexOf(' ');
      return (space < 0 ? kept : kept.slice(0, space)) + end;
    },
  },
  {
    name: 'unique',
    fn: (ctx, input, args, kwargs) => {
      const a = bind('unique', args, kwargs, ['case_sensitive', 'attribute'], { case_sensitive: false, attribute: null });
      const key = attrGetter(ctx, a.attribute, pyTruthy(a.case_sensitive));
      const seen: unknown[] = [];
      return iterate(input).filter((item) => {
        const k = key(item);
        checkHashable(k);
        if (seen.some((s) => pyEquals(s, k))) return false;
        seen.push(k);
        return true;
      });
    },
  },
  strFilter('upper', pyUpper),
  {
    name: 'urlencode',
    fn: (_ctx, input, args, kwargs) => {
      bind('urlencode', args, kwargs, []);
      if (isString(input) || !(Array.isArray(input) || isMapping(input))) return urlQuote(input, false);
      const pairs = isMapping(input) ? Object.entries(input) : input.map((p) => iterate(p));
      return pairs
        .map((pair) => {
          if (pair.length !== 2) throw new JinjaRuntimeError(`too many values to unpack (expected 2)`);
          return `${urlQuote(pair[0], true)}=${urlQuote(pair[1], true)}`;
        })
        .join('&');
    },
  },
  {
    name: 'urlize',
    fn: (_ctx, input, args, kwargs) => {
      const a = bind('urlize', args, kwargs, ['trim_url_limit', 'nofollow', 'target', 'rel', 'extra_schemes'], {
        trim_url_limit: null,
        nofollow: false,
        target: null,
        rel: null,
        extra_schemes: null,
      });
      // Jinja's default policy adds rel="noopener".
      const relParts = new Set([...pySplit(a.rel === null ? '' : pyStr(a.rel), null), 'noopener']);
      if (pyTruthy(a.nofollow)) relParts.add('nofollow');
      const schemes = a.extra_schemes === null ? [] : iterate(a.extra_schemes).map(toStr);
      for (const scheme of schemes) {
        if (!/^[\p{L}\p{N}_.+-]{2,}:\/{0,2}$/u.test(scheme)) throw new JinjaRuntimeError(`${strRepr(scheme)} is not a valid URI scheme prefix.`);
      }
      const limit = a.trim_url_limit === null ? null : intArg(a.trim_url_limit);
      const target = a.target === null ? null : pyStr(a.target);
      return urlize(pyStr(input), limit, [...relParts].sort().join(' '), target, schemes);
    },
  },
  strFilter('wordcount', (s) => s.match(/[\p{L}\p{N}_]+/gu)?.length ?? 0),
  {
    name: 'wordwrap',
    fn: (_ctx, input, args, kwargs) => {
      const a = bind('wordwrap', args, kwargs, ['width', 'break_long_words', 'wrapstring', 'break_on_hyphens'], {
        width: 79,
        break_long_words: true,
        wrapstring: null,
        break_on_hyphens: true,
      });
      const wrap = a.wrapstring === null ? '\n' : toStr(a.wrapstring);
      const width = intArg(a.width);
      return pySplitLines(toStr(input))
        .map((line) => textWrap(line, width, pyTruthy(a.break_long_words), pyTruthy(a.break_on_hyphens)).join(wrap))
        .join(wrap);
    },
  },
  {
    name: 'xmlattr',
    fn: (_ctx, input, args, kwargs) => {
      const a = bind('xmlattr', args, kwargs, ['autospace'], { autospace: true });
      const parts: string[] = [];
      for (const [key, value] of Object.entries(mappingOf(input))) {
        if (value === null || value instanceof Undefined) continue;
        if (/[ \t\n\r\f\v/>=]/.test(key)) throw new JinjaRuntimeError(`Invalid character in attribute name: ${strRepr(key)}`);
        parts.push(`${htmlEscape(key)}="${htmlEscape(value)}"`);
      }
      const rv = parts.join(' ');
      return pyTruthy(a.autospace) && rv ? ` ${rv}` : rv;
    },
  },
];
