// Ansible types INI values with Python's ast.literal_eval and keeps the raw text when that fails.
// This is a small reader for exactly that grammar (Python 3 rules), so `port=22` is 22, `x=True` is true,
// `list=[1, 'a']` is a list and `0644`, `yes` or `10-5` stay strings, as they do under Ansible.

export type PythonLiteral = { ok: true; value: unknown } | { ok: false };

/** The value Ansible's INI plugin gives `text`: the Python literal, else the text itself. */
export function parseIniValue(text: string): unknown {
  const result = parsePythonLiteral(text);
  return result.ok ? result.value : text;
}

type Token =
  | { kind: 'num'; value: number | string }
  | { kind: 'str'; value: string; bytes: boolean }
  | { kind: 'name'; value: string }
  | { kind: 'op'; value: string }
  | { kind: 'end' };

class NotALiteral extends Error {}

function fail(): never {
  throw new NotALiteral();
}

/** Parse one Python literal expression (what ast.literal_eval accepts). */
export function parsePythonLiteral(text: string): PythonLiteral {
  try {
    const tokens = tokenize(text);
    const reader = new Reader(tokens);
    const value = reader.topLevel();
    return { ok: true, value };
  } catch (err) {
    if (err instanceof NotALiteral) return { ok: false };
    throw err;
  }
}

// ---- tokens ----

const DIGITS = /[0-9](?:_?[0-9])*/y;
const NUMBER_FORMS: RegExp[] = [
  /0[xX](?:_?[0-9a-fA-F])+/y,
  /0[oO](?:_?[0-7])+/y,
  /0[bB](?:_?[01])+/y,
  // floats: 1.5  1.  .5  1e3  1.5e-3 (digit groups may have leading zeros)
  /(?:[0-9](?:_?[0-9])*)?\.[0-9](?:_?[0-9])*(?:[eE][-+]?[0-9](?:_?[0-9])*)?|[0-9](?:_?[0-9])*\.(?:[eE][-+]?[0-9](?:_?[0-9])*)?|[0-9](?:_?[0-9])*[eE][-+]?[0-9](?:_?[0-9])*/y,
  DIGITS,
];

function tokenize(text: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\f' || c === '\n' || c === '\r') {
      i++;
    } else if (c === '#') {
      while (i < text.length && text[i] !== '\n') i++;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /[A-Za-z_][A-Za-z0-9_]*/y;
      m.lastIndex = i;
      const word = m.exec(text)![0];
      const quote = text[i + word.length];
      if ((quote === "'" || quote === '"') && /^(?:[rRuUbB]|[bB][rR]|[rR][bB])$/.test(word)) {
        const s = readString(text, i + word.length, word.toLowerCase());
        tokens.push({ kind: 'str', value: s.value, bytes: word.toLowerCase().includes('b') });
        i = s.end;
      } else if (quote === "'" || quote === '"') {
        fail(); // f-strings and unknown prefixes are not literals
      } else {
        tokens.push({ kind: 'name', value: word });
        i += word.length;
      }
    } else if (c === "'" || c === '"') {
      const s = readString(text, i, '');
      tokens.push({ kind: 'str', value: s.value, bytes: false });
      i = s.end;
    } else if (/[0-9]/.test(c) || (c === '.' && /[0-9]/.test(text[i + 1] ?? ''))) {
      const n = readNumber(text, i);
      tokens.push({ kind: 'num', value: n.value });
      i = n.end;
    } else if (text.startsWith('...', i)) {
      tokens.push({ kind: 'op', value: '...' });
      i += 3;
    } else if ('[](){},:+-'.includes(c)) {
      tokens.push({ kind: 'op', value: c });
      i++;
    } else {
      fail();
    }
  }
  tokens.push({ kind: 'end' });
  return tokens;
}

function readNumber(text: string, start: number): { value: number | string; end: number } {
  for (const form of NUMBER_FORMS) {
    form.lastIndex = start;
    const m = form.exec(text);
    if (!m) continue;
    const raw = m[0];
    const end = start + raw.length;
    // `1abc`, `1j` (complex), `0x` and friends are not (supported) literals
    if (/[A-Za-z0-9_.]/.test(text[end] ?? '')) fail();
    const clean = raw.replace(/_/g, '');
    if (form === DIGITS) {
      if (/^0+[1-9]/.test(clean)) fail(); // Python 3 rejects leading zeros: `0644` stays a string
      return { value: toInteger(BigInt(clean)), end };
    }
    if (/^0[xXoObB]/.test(clean)) return { value: toInteger(BigInt(clean)), end };
    return { value: Number(clean), end };
  }
  return fail();
}

// Beyond 2^53 a JS number would silently change the value; keep the exact digits instead.
function toInteger(n: bigint): number | string {
  return n <= BigInt(Number.MAX_SAFE_INTEGER) && n >= BigInt(-Number.MAX_SAFE_INTEGER) ? Number(n) : n.toString();
}

const SIMPLE_ESCAPES: Record<string, string> = {
  '\\': '\\',
  "'": "'",
  '"': '"',
  a: '\x07',
  b: '\b',
  f: '\f',
  n: '\n',
  r: '\r',
  t: '\t',
  v: '\v',
};

function readString(text: string, start: number, prefix: string): { value: string; end: number } {
  const raw = prefix.includes('r');
  const bytes = prefix.includes('b');
  const q = text[start]!;
  const triple = text.startsWith(q.repeat(3), start);
  const close = triple ? q.repeat(3) : q;
  let i = start + close.length;
  let out = '';
  for (;;) {
    if (i >= text.length) fail();
    if (text.startsWith(close, i)) return { value: out, end: i + close.length };
    const c = text[i]!;
    if (c === '\n' && !triple) fail();
    if (bytes && c.charCodeAt(0) > 127) fail();
    if (c !== '\\') {
      out += c;
      i++;
      continue;
    }
    const next = text[i + 1];
    if (next === undefined) fail();
    if (raw) {
      out += c + next; // raw strings keep the backslash; it only stops the quote from closing
      i += 2;
      continue;
    }
    const escaped = readEscape(text, i + 1, bytes);
    out += escaped.value;
    i = escaped.end;
  }
}

function readEscape(text: string, at: number, bytes: boolean): { value: string; end: number } {
  const c = text[at]!;
  if (c === '\n') return { value: '', end: at + 1 };
  const simple = SIMPLE_ESCAPES[c];
  if (simple !== undefined) return { value: simple, end: at + 1 };
  if (/[0-7]/.test(c)) {
    const m = /[0-7]{1,3}/y;
    m.lastIndex = at;
    const digits = m.exec(text)![0];
    return { value: String.fromCodePoint(parseInt(digits, 8)), end: at + digits.length };
  }
  const width = c === 'x' ? 2 : !bytes && c === 'u' ? 4 : !bytes && c === 'U' ? 8 : 0;
  if (width > 0) {
    const hex = text.slice(at + 1, at + 1 + width);
    if (!new RegExp(`^[0-9a-fA-F]{${width}}$`).test(hex)) fail();
    const code = parseInt(hex, 16);
    if (code > 0x10ffff) fail();
    return { value: String.fromCodePoint(code), end: at + 1 + width };
  }
  if (!bytes && c === 'N') fail(); // \N{NAME} needs Python's Unicode name table
  return { value: `\\${c}`, end: at + 1 }; // unknown escapes keep their backslash
}

// ---- grammar ----

class Reader {
  #i = 0;
  constructor(private readonly tokens: Token[]) {}

  topLevel(): unknown {
    const first = this.element();
    let value: unknown = first;
    // a bare `1, 2` is a tuple in eval mode
    if (this.isOp(',')) {
      const items = [first];
      while (this.isOp(',')) {
        this.#i++;
        if (this.peek().kind === 'end') break;
        items.push(this.element());
      }
      value = items;
    }
    if (this.peek().kind !== 'end') fail();
    return value;
  }

  private peek(): Token {
    return this.tokens[this.#i]!;
  }

  private isOp(op: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.value === op;
  }

  private expectOp(op: string): void {
    if (!this.isOp(op)) fail();
    this.#i++;
  }

  private element(): unknown {
    const t = this.peek();
    switch (t.kind) {
      case 'num':
        this.#i++;
        return t.value;
      case 'str':
        return this.strings();
      case 'name':
        this.#i++;
        if (t.value === 'True') return true;
        if (t.value === 'False') return false;
        if (t.value === 'None') return null;
        if (t.value === 'set' && this.isOp('(')) {
          this.#i++;
          this.expectOp(')');
          return [];
        }
        return fail();
      case 'op':
        return this.opElement(t.value);
      default:
        return fail();
    }
  }

  private opElement(op: string): unknown {
    this.#i++;
    switch (op) {
      case '+':
      case '-': {
        const n = this.peek();
        if (n.kind !== 'num') fail();
        this.#i++;
        if (typeof n.value === 'string') return op === '-' ? `-${n.value}` : n.value;
        return op === '-' ? -(n.value as number) : n.value;
      }
      case '...':
        return '...'; // Ansible turns Ellipsis into the string "..."
      case '[':
        return this.sequence(']');
      case '(': {
        if (this.isOp(')')) {
          this.#i++;
          return [];
        }
        const first = this.element();
        if (this.isOp(')')) {
          this.#i++;
          return first;
        }
        this.expectOp(',');
        return [first, ...this.sequence(')')];
      }
      case '{':
        return this.braces();
      default:
        return fail();
    }
  }

  /** Comma-separated elements up to `close` (a trailing comma is allowed). */
  private sequence(close: string): unknown[] {
    const items: unknown[] = [];
    while (!this.isOp(close)) {
      items.push(this.element());
      if (this.isOp(',')) this.#i++;
      else if (!this.isOp(close)) fail();
    }
    this.#i++;
    return items;
  }

  private braces(): unknown {
    if (this.isOp('}')) {
      this.#i++;
      return {};
    }
    const first = this.element();
    if (!this.isOp(':')) {
      // a set literal; Ansible turns sets into lists
      const rest = this.isOp(',') ? (this.#i++, this.sequence('}')) : (this.expectOp('}'), []);
      const out: unknown[] = [];
      for (const v of [first, ...rest]) {
        if (typeof v === 'object' && v !== null) fail(); // unhashable
        if (!out.includes(v)) out.push(v);
      }
      return out;
    }
    const dict: Record<string, unknown> = {};
    let key: unknown = first;
    for (;;) {
      this.expectOp(':');
      if (typeof key === 'object' && key !== null && !Array.isArray(key)) fail(); // unhashable
      if (Array.isArray(key)) fail();
      Object.defineProperty(dict, String(key), { value: this.element(), enumerable: true, writable: true, configurable: true });
      if (this.isOp(',')) this.#i++;
      if (this.isOp('}')) {
        this.#i++;
        return dict;
      }
      key = this.element();
    }
  }

  /** Adjacent string literals concatenate; mixing bytes and text is an error. */
  private strings(): string {
    let out = '';
    let bytes: boolean | undefined;
    for (let t = this.peek(); t.kind === 'str'; t = this.peek()) {
      if (bytes !== undefined && bytes !== t.bytes) fail();
      bytes = t.bytes;
      out += t.value;
      this.#i++;
    }
    return out;
  }
}
