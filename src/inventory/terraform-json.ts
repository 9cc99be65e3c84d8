// A JSON reader that remembers where every value starts, so errors about a Terraform state (a file of
// several megabytes nobody edits by hand) and the origins shown by `tsinfra inventory --host` can name
// file:line:column. JSON.parse gives no positions, and YAML 1.2 is not quite a superset of JSON.
import { ConfigError, type SourcePosition } from '../errors.js';
import { setOwn } from '../own-keys.js';

export type JsonPath = readonly (string | number)[];

export interface JsonDocument {
  readonly file: string;
  readonly value: unknown;
  /** Where the value at `path` starts; for a missing path, where its nearest existing parent starts. */
  positionOf(path: JsonPath): SourcePosition;
  /** Where the key of the object entry at `path` is written (for list items, the item). */
  keyPositionOf(path: JsonPath): SourcePosition;
}

/** A JSON object (not an array, not null). */
export function isObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}

/** Thrown by `parseJson` for text that is not JSON; `offset` is where the problem is. */
export class JsonSyntaxError extends Error {
  readonly offset: number;
  constructor(message: string, offset: number) {
    super(message);
    this.offset = offset;
  }
}

/** The entries of an object or array, by key or index: where each value, and each key, starts. */
type Offsets = Map<string | number, { value: number; key: number }>;

const NUMBER = /-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][-+]?[0-9]+)?/y;
const ESCAPES: Record<string, string> = { '"': '"', '\\': '\\', '/': '/', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t' };

/** Parse JSON text (a leading byte order mark is allowed); throws JsonSyntaxError. */
export function parseJson(text: string, file: string): JsonDocument {
  const offsets = new WeakMap<object, Offsets>();
  let pos = text.charCodeAt(0) === 0xfeff ? 1 : 0;

  function fail(message: string, at = pos): never {
    throw new JsonSyntaxError(message, at);
  }
  const skipSpace = () => {
    for (;;) {
      const c = text.charCodeAt(pos);
      if (c === 0x20 || c === 0x0a || c === 0x0d || c === 0x09) pos++;
      else return;
    }
  };
  const describe = (at: number) => (at >= text.length ? 'end of file' : `${JSON.stringify(text[at])}`);

  const readString = (): string => {
    const start = pos;
    pos++; // opening quote
    let out = '';
    let chunk = pos;
    for (;;) {
      if (pos >= text.length) fail('unterminated string', start);
      const c = text.charCodeAt(pos);
      if (c === 0x22) {
        out += text.slice(chunk, pos);
        pos++;
        return out;
      }
      if (c < 0x20) fail('control character in a string (write it as an escape such as \\n)');
      if (c !== 0x5c) {
        pos++;
        continue;
      }
      out += text.slice(chunk, pos);
      const e = text[pos + 1] ?? '';
      if (e === 'u') {
        const hex = text.slice(pos + 2, pos + 6);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) fail('invalid \\u escape');
        out += String.fromCharCode(parseInt(hex, 16));
        pos += 6;
      } else {
        const decoded = ESCAPES[e];
        if (decoded === undefined) fail(`invalid escape \\${e}`);
        out += decoded;
        pos += 2;
      }
      chunk = pos;
    }
  };

  const readValue = (): unknown => {
    skipSpace();
    const c = text[pos];
    if (c === '{') return readObject();
    if (c === '[') return readArray();
    if (c === '"') return readString();
    if (c === 't' && text.startsWith('true', pos)) return (pos += 4), true;
    if (c === 'f' && text.startsWith('false', pos)) return (pos += 5), false;
    if (c === 'n' && text.startsWith('null', pos)) return (pos += 4), null;
    NUMBER.lastIndex = pos;
    const m = NUMBER.exec(text);
    if (m) {
      pos += m[0].length;
      return Number(m[0]);
    }
    return fail(`expected a value, found ${describe(pos)}`);
  };

  const readObject = (): Record<string, unknown> => {
    const obj: Record<string, unknown> = {};
    const at: Offsets = new Map();
    offsets.set(obj, at);
    pos++;
    skipSpace();
    if (text[pos] === '}') return pos++, obj;
    for (;;) {
      skipSpace();
      if (text[pos] !== '"') fail(`expected a "key", found ${describe(pos)}`);
      const keyOffset = pos;
      const key = readString();
      skipSpace();
      if (text[pos] !== ':') fail(`expected ":" after a key, found ${describe(pos)}`);
      pos++;
      skipSpace();
      at.set(key, { value: pos, key: keyOffset });
      const value = readValue();
      // A "__proto__" key is data, not the prototype.
      setOwn(obj, key, value);
      skipSpace();
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (text[pos] === '}') return pos++, obj;
      fail(`expected "," or "}", found ${describe(pos)}`);
    }
  };

  const readArray = (): unknown[] => {
    const arr: unknown[] = [];
    const at: Offsets = new Map();
    offsets.set(arr, at);
    pos++;
    skipSpace();
    if (text[pos] === ']') return pos++, arr;
    for (;;) {
      skipSpace();
      at.set(arr.length, { value: pos, key: pos });
      arr.push(readValue());
      skipSpace();
      if (text[pos] === ',') {
        pos++;
        continue;
      }
      if (text[pos] === ']') return pos++, arr;
      fail(`expected "," or "]", found ${describe(pos)}`);
    }
  };

  skipSpace();
  const rootOffset = pos;
  const value = readValue();
  skipSpace();
  if (pos < text.length) fail(`unexpected ${describe(pos)} after the JSON value`);

  const lines = lineStarts(text);
  // The offset of the value (or key) at `path`, or of the nearest parent that exists.
  const find = (path: JsonPath, which: 'value' | 'key'): number => {
    let node: unknown = value;
    let offset = rootOffset;
    for (const [i, step] of path.entries()) {
      const entry = node !== null && typeof node === 'object' ? offsets.get(node)?.get(step) : undefined;
      if (entry === undefined) break;
      offset = i === path.length - 1 ? entry[which] : entry.value;
      node = (node as Record<string | number, unknown>)[step];
    }
    return offset;
  };
  return {
    file,
    value,
    positionOf: (path) => ({ file, ...lines(find(path, 'value')) }),
    keyPositionOf: (path) => ({ file, ...lines(find(path, 'key')) }),
  };
}

/** A ConfigError (file:line:column) for a JsonSyntaxError in `text`. */
export function jsonSyntaxConfigError(err: JsonSyntaxError, text: string, file: string, what: string): ConfigError {
  return new ConfigError({ file, ...lineStarts(text)(err.offset) }, `${what}: invalid JSON: ${err.message}`);
}

/** offset → 1-based line and column, computed once per text. */
function lineStarts(text: string): (offset: number) => { line: number; column: number } {
  let starts: number[] | undefined;
  return (offset) => {
    if (!starts) {
      starts = [0];
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - starts[lo]! + 1 };
  };
}
