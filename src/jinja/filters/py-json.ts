// Python's json.dumps and json.loads over the value model: floats keep their ".0", NaN/Infinity are allowed,
// ensure_ascii escapes, and the separators/indent/sort_keys options behave as in the json module.
import { Secret } from '../../shell/secret.js';
import { defined, dictSet, floatRepr, isMapping, JinjaRuntimeError, makeFloat, PyFloat, pyTypeName } from '../values.js';

export interface DumpOptions {
  indent?: string | null; // null: one line
  itemSep?: string;
  keySep?: string;
  sortKeys?: boolean;
  ensureAscii?: boolean;
}

function jsonString(s: string, ensureAscii: boolean): string {
  let out = '"';
  for (const ch of s) {
    const c = ch.codePointAt(0)!;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\r') out += '\\r';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\b') out += '\\b';
    else if (ch === '\f') out += '\\f';
    else if (c < 0x20 || (ensureAscii && c > 0x7e)) {
      // Astral characters become a surrogate pair, as Python writes them.
      for (let i = 0; i < ch.length; i++) out += `\\u${ch.charCodeAt(i).toString(16).padStart(4, '0')}`;
    } else out += ch;
  }
  return `${out}"`;
}

/** Code point order, as Python sorts str. */
export function codePointCompare(a: string, b: string): number {
  const x = [...a];
  const y = [...b];
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const d = x[i]!.codePointAt(0)! - y[i]!.codePointAt(0)!;
    if (d !== 0) return d;
  }
  return x.length - y.length;
}

export function jsonDumps(value: unknown, o: DumpOptions = {}): string {
  const indent = o.indent ?? null;
  const itemSep = o.itemSep ?? (indent === null ? ', ' : ',');
  const keySep = o.keySep ?? ': ';
  const ensureAscii = o.ensureAscii ?? true;
  const seen = new Set<object>();
  const walk = (v: unknown, depth: number): string => {
    defined(v);
    if (v === null) return 'null';
    if (typeof v === 'boolean') return v ? 'true' : 'false';
    if (typeof v === 'string') return jsonString(v, ensureAscii);
    if (v instanceof Secret) return jsonString(v.reveal(), ensureAscii);
    if (typeof v === 'number' || v instanceof PyFloat) {
      const n = typeof v === 'number' ? v : v.value;
      if (typeof v === 'number' && Number.isInteger(n)) return String(n);
      if (Number.isNaN(n)) return 'NaN';
      if (!Number.isFinite(n)) return n > 0 ? 'Infinity' : '-Infinity';
      return floatRepr(n);
    }
    const isList = Array.isArray(v);
    if (!isList && !isMapping(v)) throw new JinjaRuntimeError(`Object of type ${pyTypeName(v)} is not JSON serializable`);
    if (seen.has(v as object)) throw new JinjaRuntimeError('Circular reference detected');
    const entries: [string | undefined, unknown][] = isList
      ? (v as unknown[]).map((x) => [undefined, x])
      : Object.entries(v as Record<string, unknown>);
    if (!isList && o.sortKeys) entries.sort((a, b) => codePointCompare(a[0]!, b[0]!));
    const [open, close] = isList ? ['[', ']'] : ['{', '}'];
    if (entries.length === 0) return `${open}${close}`;
    seen.add(v as object);
    const inner = indent === null ? '' : `\n${indent.repeat(depth + 1)}`;
    const outer = indent === null ? '' : `\n${indent.repeat(depth)}`;
    const items = entries.map(([k, x]) => (k === undefined ? '' : `${jsonString(k, ensureAscii)}${keySep}`) + walk(x, depth + 1));
    seen.delete(v as object);
    return `${open}${inner}${items.join(`${itemSep}${inner}`)}${outer}${close}`;
  };
  return walk(value, 0);
}

/** json.loads: the value model out (floats as floats, big ints as far as a double holds them). */
export function jsonLoads(text: string): unknown {
  let i = 0;
  const fail = (what: string): never => {
    const before = text.slice(0, i);
    const line = before.split('\n').length;
    const col = i - (before.lastIndexOf('\n') + 1) + 1;
    throw new JinjaRuntimeError(`${what}: line ${line} column ${col} (char ${i})`);
  };
  const ws = () => {
    while (i < text.length && ' \t\n\r'.includes(text[i]!)) i++;
  };
  const value = (): unknown => {
    ws();
    const c = text[i];
    if (c === '{') {
      i++;
      const out: Record<string, unknown> = {};
      ws();
      if (text[i] === '}') {
        i++;
        return out;
      }
      for (;;) {
        ws();
        if (text[i] !== '"') fail('Expecting property name enclosed in double quotes');
        const k = string();
        ws();
        if (text[i] !== ':') fail("Expecting ':' delimiter");
        i++;
        dictSet(out, k, value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === '}') {
          i++;
          return out;
        }
        fail("Expecting ',' delimiter");
      }
    }
    if (c === '[') {
      i++;
      const out: unknown[] = [];
      ws();
      if (text[i] === ']') {
        i++;
        return out;
      }
      for (;;) {
        out.push(value());
        ws();
        if (text[i] === ',') {
          i++;
          continue;
        }
        if (text[i] === ']') {
          i++;
          return out;
        }
        fail("Expecting ',' delimiter");
      }
    }
    if (c === '"') return string();
    for (const [word, v] of [['null', null], ['true', true], ['false', false], ['NaN', NaN], ['Infinity', Infinity], ['-Infinity', -Infinity]] as const) {
      if (text.startsWith(word, i)) {
        i += word.length;
        return v;
      }
    }
    const m = /^-?(?:0|[1-9][0-9]*)(\.[0-9]+)?([eE][-+]?[0-9]+)?/.exec(text.slice(i));
    if (!m) return fail('Expecting value');
    i += m[0].length;
    const n = Number(m[0]);
    return m[1] || m[2] ? makeFloat(n) : n;
  };
  const string = (): string => {
    i++;
    let out = '';
    for (;;) {
      const c = text[i];
      if (c === undefined) return fail('Unterminated string starting at');
      if (c === '"') {
        i++;
        return out;
      }
      if (c === '\\') {
        const e = text[i + 1];
        const simple: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };
        if (e !== undefined && Object.hasOwn(simple, e)) {
          out += simple[e];
          i += 2;
        } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(text.slice(i + 2, i + 6))) {
          out += String.fromCharCode(parseInt(text.slice(i + 2, i + 6), 16));
          i += 6;
        } else fail('Invalid \\escape');
      } else if (c.charCodeAt(0) < 0x20) {
        fail('Invalid control character at');
      } else {
        out += c;
        i++;
      }
    }
  };
  const v = value();
  ws();
  if (i < text.length) fail('Extra data');
  return v;
}
