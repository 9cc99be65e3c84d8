// Ansible's string filters (ansible/plugins/filter/core.py, urlsplit.py): regex, encodings, hashes, quoting.
import { createHash } from 'node:crypto';
import { pyRstrip, pySplit } from '../python/text.js';
import { bind, type FilterDef } from '../registry.js';
import { Undefined } from '../undefined.js';
import { JinjaRuntimeError, PyFloat, isMapping, isString, pyStr, pyTruthy, pyTypeName, toNumber, toStr } from '../values.js';
import { ansibleError, toText } from './ansible-common.js';
import { pyCompile, pyEscape, pyFindall, pySearch, pySub } from './py-regex.js';

function flagsOf(b: Record<string, unknown>) {
  return { ignorecase: pyTruthy(b.ignorecase), multiline: pyTruthy(b.multiline) };
}

function regexSearch(input: unknown, args: unknown[], kwargs: Record<string, unknown>): unknown {
  if (args.length === 0) throw new JinjaRuntimeError("regex_search() missing 1 required positional argument: 'regex'");
  const value = toText(input);
  const [regex, ...refs] = args;
  const groups: (string | number)[] = refs.map((arg) => {
    const a = toStr(arg);
    if (a.startsWith('\\g')) {
      const m = /^\\g<(\S+)>/.exec(a);
      if (!m) throw new JinjaRuntimeError("'NoneType' object has no attribute 'group'");
      return m[1]!;
    }
    if (a.startsWith('\\')) {
      const m = /^\\(\d+)/.exec(a);
      if (!m) throw new JinjaRuntimeError("'NoneType' object has no attribute 'group'");
      return Number(m[1]);
    }
    throw ansibleError('Unknown argument');
  });
  const flags = { ignorecase: pyTruthy(kwargs.ignorecase ?? false), multiline: pyTruthy(kwargs.multiline ?? false) };
  const rx = pyCompile(toStr(regex), flags);
  const m = pySearch(rx, value);
  if (!m) return null;
  if (groups.length === 0) return m[0];
  return groups.map((g) => {
    const n = typeof g === 'number' ? g : /^[0-9]+$/.test(g) ? Number(g) : rx.names.get(g);
    if (n === undefined || n > rx.groups) throw new JinjaRuntimeError('no such group');
    return m[n] ?? null;
  });
}

// comment(): the style table and the exact assembly of core.py's comment().
const COMMENT_STYLES: Record<string, Record<string, string>> = {
  plain: { decoration: '# ' },
  erlang: { decoration: '% ' },
  c: { decoration: '// ' },
  cblock: { beginning: '/*', decoration: ' * ', end: ' */' },
  xml: { beginning: '<!--', decoration: ' - ', end: '-->' },
};
const COMMENT_KEYS = ['newline', 'beginning', 'prefix', 'prefix_count', 'decoration', 'postfix', 'postfix_count', 'end'];

function comment(input: unknown, args: unknown[], kwargs: Record<string, unknown>): string {
  const { style } = bind('comment', args, {}, ['style'], { style: kwargs.style ?? 'plain' });
  const kw = { ...kwargs };
  delete kw.style;
  const styleName = toStr(style);
  const styleParams = Object.hasOwn(COMMENT_STYLES, styleName) ? COMMENT_STYLES[styleName]! : undefined;
  if (!styleParams) throw new JinjaRuntimeError(`KeyError: '${styleName}'`);
  const prepostfix = Object.hasOwn(kw, 'decoration') ? toStr(kw.decoration) : styleParams.decoration!;
  const p: Record<string, unknown> = {
    newline: '\n',
    beginning: '',
    prefix: prepostfix.trimEnd(),
    prefix_count: 1,
    decoration: '',
    postfix: prepostfix.trimEnd(),
    postfix_count: 1,
    end: '',
    ...styleParams,
  };
  for (const [k, v] of Object.entries(kw)) {
    if (COMMENT_KEYS.includes(k)) p[k] = v;
  }
  const s = (k: string) => pyStr(p[k]);
  const count = (k: string) => Math.max(0, Math.trunc(toNumber(typeof p[k] === 'string' ? Number(p[k]) : p[k])));
  const text = toStr(input);
  const nl = s('newline');
  const deco = s('decoration');
  const beginning = pyTruthy(p.beginning) ? `${s('beginning')}${nl}` : '';
  let prefix = '';
  if (pyTruthy(p.prefix)) prefix = (s('prefix') !== nl ? `${s('prefix')}${nl}` : nl).repeat(count('prefix_count'));
  const body = `${deco}${text.split(nl).join(`${nl}${deco}`)}`.split(`${deco}${nl}`).join(`${pyRstrip(deco)}${nl}`);
  const postfix = ['', ...Array<string>(count('postfix_count')).fill(s('postfix'))].join(nl);
  const end = pyTruthy(p.end) ? `${nl}${s('end')}` : '';
  return `${beginning}${prefix}${body}${postfix}${end}`;
}

/** shlex.quote: Python closes the quote around a ' as '"'"'. */
export function shlexQuote(s: string): string {
  if (s === '') return "''";
  if (/^[A-Za-z0-9_@%+=:,./-]+$/.test(s)) return s;
  return `'${s.replace(/'/g, `'"'"'`)}'`;
}

/** Python codec names (utf-8, utf_16_le, latin-1, ascii) to Buffer encodings. */
function codec(name: unknown): BufferEncoding {
  const n = toStr(name).toLowerCase().replace(/_/g, '-');
  const map: Record<string, BufferEncoding> = {
    'utf-8': 'utf8', utf8: 'utf8', u8: 'utf8', 'utf-16-le': 'utf16le', 'utf-16le': 'utf16le',
    'latin-1': 'latin1', latin1: 'latin1', 'iso-8859-1': 'latin1', ascii: 'ascii', 'us-ascii': 'ascii',
  };
  const enc = map[n];
  if (!enc) throw new JinjaRuntimeError(`unknown encoding: ${toStr(name)}`);
  return enc;
}

function b64decode(input: unknown, encoding: unknown): string {
  const data = toStr(input).replace(/[^A-Za-z0-9+/=]/g, ''); // binascii drops other characters
  const chars = data.replace(/=/g, '').length;
  if (chars % 4 === 1) throw new JinjaRuntimeError(`Invalid base64-encoded string: number of data characters (${chars}) cannot be 1 more than a multiple of 4`);
  const firstPad = data.indexOf('=');
  const padded = firstPad < 0 ? chars : firstPad;
  const pads = firstPad < 0 ? 0 : data.length - firstPad;
  if (padded % 4 !== 0 && pads < 4 - (padded % 4)) throw new JinjaRuntimeError('Incorrect padding');
  const bytes = Buffer.from(data.slice(0, padded), 'base64');
  const enc = codec(encoding);
  if (enc === 'utf8') {
    try {
      return new TextDecoder('utf-8', { fatal: true }).decode(bytes);
    } catch {
      throw new JinjaRuntimeError("UnicodeDecodeError: 'utf-8' codec can't decode bytes");
    }
  }
  return bytes.toString(enc);
}

const HASHES: Record<string, string> = {
  md5: 'md5', sha1: 'sha1', sha224: 'sha224', sha256: 'sha256', sha384: 'sha384', sha512: 'sha512',
  sha3_224: 'sha3-224', sha3_256: 'sha3-256', sha3_384: 'sha3-384', sha3_512: 'sha3-512', blake2b: 'blake2b512', blake2s: 'blake2s256',
};

function hexDigest(algorithm: string, data: unknown): string {
  return createHash(algorithm).update(Buffer.from(toText(data), 'utf8')).digest('hex');
}

function toUuid(input: unknown, namespace: unknown): string {
  const ns = toStr(namespace).replace(/^urn:uuid:/i, '').replace(/[{}-]/g, '');
  if (!/^[0-9a-fA-F]{32}$/.test(ns)) throw ansibleError(`Invalid value '${toStr(namespace)}' for 'namespace': badly formed hexadecimal UUID string`);
  const digest = createHash('sha1').update(Buffer.from(ns, 'hex')).update(Buffer.from(toText(input), 'utf8')).digest();
  digest[6] = (digest[6]! & 0x0f) | 0x50;
  digest[8] = (digest[8]! & 0x3f) | 0x80;
  const h = digest.subarray(0, 16).toString('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// strftime: the C library's directives, in the controller's local time (or UTC).
const DAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];

function strftime(format: string, seconds: number, utc: boolean): string {
  const d = new Date(Math.floor(seconds) * 1000);
  const get = {
    Y: utc ? d.getUTCFullYear() : d.getFullYear(),
    m: (utc ? d.getUTCMonth() : d.getMonth()) + 1,
    d: utc ? d.getUTCDate() : d.getDate(),
    H: utc ? d.getUTCHours() : d.getHours(),
    M: utc ? d.getUTCMinutes() : d.getMinutes(),
    S: utc ? d.getUTCSeconds() : d.getSeconds(),
    w: utc ? d.getUTCDay() : d.getDay(),
  };
  const pad = (n: number, w = 2, c = '0') => String(n).padStart(w, c);
  const startOfYear = utc ? Date.UTC(get.Y, 0, 1) : new Date(get.Y, 0, 1).getTime();
  const today = utc ? Date.UTC(get.Y, get.m - 1, get.d) : new Date(get.Y, get.m - 1, get.d).getTime();
  const yday = Math.round((today - startOfYear) / 86400000) + 1;
  const offsetMin = utc ? 0 : -d.getTimezoneOffset();
  const zone = utc ? 'UTC' : (Intl.DateTimeFormat('en-US', { timeZoneName: 'short' }).formatToParts(d).find((p) => p.type === 'timeZoneName')?.value ?? '');
  const one = (c: string): string => {
    switch (c) {
      case 'Y': return String(get.Y);
      case 'y': return pad(get.Y % 100);
      case 'C': return pad(Math.floor(get.Y / 100));
      case 'm': return pad(get.m);
      case 'd': return pad(get.d);
      case 'e': return pad(get.d, 2, ' ');
      case 'H': return pad(get.H);
      case 'k': return pad(get.H, 2, ' ');
      case 'I': return pad(get.H % 12 || 12);
      case 'l': return pad(get.H % 12 || 12, 2, ' ');
      case 'M': return pad(get.M);
      case 'S': return pad(get.S);
      case 'p': return get.H < 12 ? 'AM' : 'PM';
      case 'P': return get.H < 12 ? 'am' : 'pm';
      case 'a': return DAYS[get.w]!.slice(0, 3);
      case 'A': return DAYS[get.w]!;
      case 'b': case 'h': return MONTHS[get.m - 1]!.slice(0, 3);
      case 'B': return MONTHS[get.m - 1]!;
      case 'j': return pad(yday, 3);
      case 'w': return String(get.w);
      case 'u': return String(get.w || 7);
      case 's': return String(Math.floor(seconds));
      case 'z': return `${offsetMin < 0 ? '-' : '+'}${pad(Math.floor(Math.abs(offsetMin) / 60))}${pad(Math.abs(offsetMin) % 60)}`;
      case 'Z': return zone;
      case 'F': return `${get.Y}-${pad(get.m)}-${pad(get.d)}`;
      case 'T': return `${pad(get.H)}:${pad(get.M)}:${pad(get.S)}`;
      case 'R': return `${pad(get.H)}:${pad(get.M)}`;
      case 'D': return `${pad(get.m)}/${pad(get.d)}/${pad(get.Y % 100)}`;
      case 'c': return `${DAYS[get.w]!.slice(0, 3)} ${MONTHS[get.m - 1]!.slice(0, 3)} ${pad(get.d, 2, ' ')} ${pad(get.H)}:${pad(get.M)}:${pad(get.S)} ${get.Y}`;
      case 'x': return `${pad(get.m)}/${pad(get.d)}/${pad(get.Y % 100)}`;
      case 'X': return `${pad(get.H)}:${pad(get.M)}:${pad(get.S)}`;
      case 'n': return '\n';
      case 't': return '\t';
      case '%': return '%';
      default: return `%${c}`;
    }
  };
  return format.replace(/%(.)/gs, (_, c: string) => one(c));
}

// urlsplit: urllib.parse.urlsplit and the attributes Ansible turns into a dict (sorted, as dir() lists them).
function urlsplit(url: string): Record<string, unknown> {
  url = url.replace(/^[\x00-\x20]+/, '').replace(/[\t\r\n]/g, '');
  let scheme = '';
  let rest = url;
  const colon = url.indexOf(':');
  if (colon > 0 && /^[A-Za-z][A-Za-z0-9+.-]*$/.test(url.slice(0, colon))) {
    scheme = url.slice(0, colon).toLowerCase();
    rest = url.slice(colon + 1);
  }
  let netloc = '';
  if (rest.startsWith('//')) {
    const end = rest.slice(2).search(/[/?#]/);
    netloc = end < 0 ? rest.slice(2) : rest.slice(2, 2 + end);
    rest = end < 0 ? '' : rest.slice(2 + end);
    if ((netloc.includes('[') && !netloc.includes(']')) || (netloc.includes(']') && !netloc.includes('['))) {
      throw new JinjaRuntimeError('Invalid IPv6 URL');
    }
  }
  let fragment = '';
  let query = '';
  const hash = rest.indexOf('#');
  if (hash >= 0) {
    fragment = rest.slice(hash + 1);
    rest = rest.slice(0, hash);
  }
  const q = rest.indexOf('?');
  if (q >= 0) {
    query = rest.slice(q + 1);
    rest = rest.slice(0, q);
  }
  const at = netloc.lastIndexOf('@');
  const userinfo = at >= 0 ? netloc.slice(0, at) : undefined;
  const hostinfo = at >= 0 ? netloc.slice(at + 1) : netloc;
  const ucolon = userinfo?.indexOf(':') ?? -1;
  const username = userinfo === undefined ? null : ucolon >= 0 ? userinfo.slice(0, ucolon) : userinfo;
  const password = userinfo === undefined || ucolon < 0 ? null : userinfo.slice(ucolon + 1);
  let host: string;
  let portText: string | undefined;
  const v6 = /^\[([^\]]*)\](?::(.*))?/.exec(hostinfo);
  if (v6) {
    host = v6[1]!;
    portText = v6[2];
  } else {
    const pc = hostinfo.indexOf(':');
    host = pc >= 0 ? hostinfo.slice(0, pc) : hostinfo;
    portText = pc >= 0 ? hostinfo.slice(pc + 1) : undefined;
  }
  let port: number | null = null;
  if (portText) {
    if (!/^[0-9]+$/.test(portText)) throw new JinjaRuntimeError(`Port could not be cast to integer value as '${portText}'`);
    port = Number(portText);
    if (port > 65535) throw new JinjaRuntimeError('Port out of range 0-65535');
  }
  return { fragment, hostname: host === '' ? null : host.toLowerCase(), netloc, password, path: rest, port, query, scheme, username };
}

export const textFilters: FilterDef[] = [
  {
    name: 'regex_replace',
    fn: (_ctx, input, args, kwargs) => {
      const b = bind('regex_replace', args, kwargs, ['pattern', 'replacement', 'ignorecase', 'multiline'], { pattern: '', replacement: '', ignorecase: false, multiline: false });
      return pySub(pyCompile(toStr(b.pattern), flagsOf(b)), toStr(b.replacement), toText(input));
    },
  },
  {
    name: 'regex_findall',
    fn: (_ctx, input, args, kwargs) => {
      const b = bind('regex_findall', args, kwargs, ['regex', 'multiline', 'ignorecase'], { multiline: false, ignorecase: false });
      return pyFindall(pyCompile(toStr(b.regex), flagsOf(b)), toText(input));
    },
  },
  {
    name: 'regex_search',
    fn: (_ctx, input, args, kwargs) => regexSearch(input, args, kwargs), // other keywords are ignored, as **kwargs there
  },
  {
    name: 'regex_escape',
    fn: (_ctx, input, args, kwargs) => {
      const { re_type } = bind('regex_escape', args, kwargs, ['re_type'], { re_type: 'python' });
      const text = toText(input);
      const t = toStr(re_type);
      if (t === 'python') return pyEscape(text);
      if (t === 'posix_basic') return pySub(pyCompile('([].[^$*\\\\])'), '\\\\\\1', text);
      if (t === 'posix_extended') throw ansibleError(`Regex type (${t}) not yet implemented`);
      throw ansibleError(`Invalid regex type (${t})`);
    },
  },
  {
    name: 'b64encode',
    fn: (_ctx, input, args, kwargs) => {
      const { encoding } = bind('b64encode', args, kwargs, ['encoding'], { encoding: 'utf-8' });
      return Buffer.from(toText(input), codec(encoding)).toString('base64');
    },
  },
  {
    name: 'b64decode',
    fn: (_ctx, input, args, kwargs) => {
      const { encoding } = bind('b64decode', args, kwargs, ['encoding'], { encoding: 'utf-8' });
      return b64decode(input, encoding);
    },
  },
  {
    name: 'quote',
    fn: (_ctx, input, args, kwargs) => {
      bind('quote', args, kwargs, []);
      return shlexQuote(input === null ? '' : toText(input));
    },
  },
  { name: 'comment', fn: (_ctx, input, args, kwargs) => comment(input, args, kwargs) },
  {
    name: 'bool',
    fn: (_ctx, input, args, kwargs) => {
      bind('bool', args, kwargs, []);
      if (input === null || typeof input === 'boolean') return input;
      const v = isString(input) ? toStr(input).toLowerCase() : input;
      if (v === 'yes' || v === 'on' || v === '1' || v === 'true') return true;
      return v === 1 || (v instanceof PyFloat && v.value === 1); // `a in (..., 1)`: 1 == 1.0
    },
  },
  {
    name: 'ternary',
    fn: (_ctx, input, args, kwargs) => {
      const b = bind('ternary', args, kwargs, ['true_val', 'false_val', 'none_val'], { none_val: null });
      if (input === null && b.none_val !== null) return b.none_val;
      return pyTruthy(input) ? b.true_val : b.false_val;
    },
  },
  {
    name: 'mandatory',
    acceptsUndefined: true,
    fn: (_ctx, input, args, kwargs) => {
      const { msg } = bind('mandatory', args, kwargs, ['msg'], { msg: null });
      if (input instanceof Undefined) {
        if (msg !== null) throw ansibleError(toText(msg));
        // Jinja names the first missing key; tsinfra's Undefined knows the written path, so that is what we show.
        throw ansibleError(`Mandatory variable '${input.name}'  not defined.`);
      }
      return input;
    },
  },
  {
    name: 'type_debug',
    fn: (_ctx, input, args, kwargs) => {
      bind('type_debug', args, kwargs, []);
      return pyTypeName(input);
    },
  },
  {
    name: 'to_uuid',
    fn: (_ctx, input, args, kwargs) => {
      const { namespace } = bind('to_uuid', args, kwargs, ['namespace'], { namespace: '361E6D51-FAEC-444A-9079-341386DA8E2E' });
      return toUuid(input, namespace);
    },
  },
  {
    name: 'hash',
    fn: (_ctx, input, args, kwargs) => {
      const { hashtype } = bind('hash', args, kwargs, ['hashtype'], { hashtype: 'sha1' });
      const name = toStr(hashtype).toLowerCase();
      const algorithm = Object.hasOwn(HASHES, name) ? HASHES[name] : undefined;
      if (!algorithm) throw ansibleError(`unsupported hash type ${toStr(hashtype)}`);
      return hexDigest(algorithm, input);
    },
  },
  ...['sha1', 'checksum'].map((name): FilterDef => ({ name, fn: (_ctx, input, args, kwargs) => (bind(name, args, kwargs, []), hexDigest('sha1', input)) })),
  { name: 'md5', fn: (_ctx, input, args, kwargs) => (bind('md5', args, kwargs, []), hexDigest('md5', input)) },
  {
    name: 'split',
    fn: (_ctx, input, args, kwargs) => {
      const b = bind('split', args, kwargs, ['sep', 'maxsplit'], { sep: null, maxsplit: -1 });
      if (!isString(input)) throw new JinjaRuntimeError(`descriptor 'split' for 'str' objects doesn't apply to a '${pyTypeName(input)}' object`);
      return pySplit(toStr(input), b.sep === null ? null : toStr(b.sep), toNumber(b.maxsplit));
    },
  },
  {
    name: 'strftime',
    fn: (_ctx, input, args, kwargs) => {
      const b = bind('strftime', args, kwargs, ['second', 'utc'], { second: null, utc: false });
      let seconds = Date.now() / 1000;
      if (b.second !== null) {
        seconds = isString(b.second) ? Number(toStr(b.second).trim()) : typeof b.second === 'boolean' ? Number(b.second) : toNumberOr(b.second);
        if (Number.isNaN(seconds) || (isString(b.second) && toStr(b.second).trim() === '')) throw ansibleError(`Invalid value for epoch value (${pyStr(b.second)})`);
      }
      return strftime(toStr(input), seconds, pyTruthy(b.utc));
    },
  },
  {
    name: 'urlsplit',
    fn: (_ctx, input, args, kwargs) => {
      const { query } = bind('urlsplit', args, kwargs, ['query'], { query: '' });
      const parts = urlsplit(toStr(input));
      const q = toStr(query);
      if (!q) return parts;
      if (!Object.hasOwn(parts, q)) throw ansibleError(`urlsplit: unknown URL component: ${q}`);
      return parts[q];
    },
  },
];

function toNumberOr(v: unknown): number {
  try {
    return toNumber(v);
  } catch {
    if (isMapping(v) || Array.isArray(v)) return Number.NaN;
    throw ansibleError(`Invalid value for epoch value (${pyStr(v)})`);
  }
}
