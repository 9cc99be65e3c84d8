// Python `re` on JS RegExp: the pattern is translated, not approximated, so `\d`, `\w`, `\s`, `\b`, `.`, `^`, `$`
// mean what they mean in Python (Unicode-aware, `$` before a final newline, `.` stops only at \n). The result
// runs with the `v` flag, where every literal punctuation character is written as \xHH so no escaping rule differs.
// Not supported (a clear error instead of a wrong match): scoped flags (?i:...), conditionals (?(1)..), atomic
// groups and possessive quantifiers, \N{name}.
import { PY_SPACE_CLASS } from '../python/text.js';
import { JinjaRuntimeError, tuple } from '../values.js';

export interface PyRegexFlags {
  ignorecase?: boolean;
  multiline?: boolean;
  dotall?: boolean;
}

export interface PyRegex {
  readonly re: RegExp; // global (g) and Unicode-set (v) flags
  readonly groups: number;
  readonly names: ReadonlyMap<string, number>;
}

const WORD = String.raw`\p{L}\p{N}_`;
const ASCII_LETTERS = /^[A-Za-z]$/;

function reError(message: string): JinjaRuntimeError {
  return new JinjaRuntimeError(`${message}`);
}

/** A code point written so it means itself in and out of a `v` class. */
function lit(cp: number): string {
  if ((cp >= 0x30 && cp <= 0x39) || (cp >= 0x41 && cp <= 0x5a) || (cp >= 0x61 && cp <= 0x7a) || cp > 0x7f) return String.fromCodePoint(cp);
  return `\\x${cp.toString(16).padStart(2, '0')}`;
}

class Translator {
  i = 0;
  groups = 0;
  names = new Map<string, number>();
  flags: { i: boolean; m: boolean; s: boolean; x: boolean; a: boolean };
  private readonly chars: string[];

  constructor(pattern: string, f: PyRegexFlags) {
    this.chars = [...pattern];
    this.flags = { i: !!f.ignorecase, m: !!f.multiline, s: !!f.dotall, x: false, a: false };
  }

  private peek(k = 0): string | undefined {
    return this.chars[this.i + k];
  }

  translate(): string {
    // Global inline flags: Python 3.11 accepts them only at the start.
    for (;;) {
      const m = /^\(\?([aiLmsux]+)\)/.exec(this.chars.slice(this.i, this.i + 12).join(''));
      if (!m) break;
      for (const f of m[1]!) {
        if (f === 'L') throw reError('bad inline flags: cannot use \'L\' flag with a str pattern');
        if (f in this.flags) this.flags[f as 'i'] = true;
      }
      this.i += m[0].length;
    }
    let out = '';
    while (this.i < this.chars.length) out += this.atom();
    return out;
  }

  private atom(): string {
    const c = this.chars[this.i++]!;
    if (this.flags.x) {
      if (/\s/.test(c)) return '';
      if (c === '#') {
        while (this.i < this.chars.length && this.chars[this.i] !== '\n') this.i++;
        return '';
      }
    }
    switch (c) {
      case '\\':
        return this.escape(false);
      case '[':
        return this.klass();
      case '(':
        return this.group();
      case ')':
      case '|':
      case '*':
      case '+':
      case '?':
        return c;
      case '.':
        return this.flags.s ? String.raw`[\s\S]` : String.raw`[^\n]`;
      case '^':
        return this.flags.m ? String.raw`(?<![^\n])` : String.raw`(?<![\s\S])`;
      case '$':
        return this.flags.m ? String.raw`(?![^\n])` : String.raw`(?=\n?(?![\s\S]))`;
      case '{': {
        const m = /^(\d*)(,?)(\d*)\}/.exec(this.chars.slice(this.i, this.i + 24).join(''));
        if (!m || (m[1] === '' && m[2] === '' && m[3] === '')) return lit(0x7b);
        this.i += m[0].length;
        return m[2] ? `{${m[1] || '0'},${m[3]}}` : `{${m[1]}}`;
      }
      default:
        return lit(c.codePointAt(0)!);
    }
  }

  private group(): string {
    if (this.peek() !== '?') {
      this.groups++;
      return '(';
    }
    const rest = this.chars.slice(this.i, this.i + 64).join('');
    const named = /^\?P<([^>]*)>/.exec(rest);
    if (named) {
      const name = named[1]!;
      if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw reError(`bad character in group name '${name}'`);
      if (this.names.has(name)) throw reError(`redefinition of group name '${name}'`);
      this.groups++;
      this.names.set(name, this.groups);
      this.i += named[0].length;
      return `(?<${name}>`;
    }
    const ref = /^\?P=([^)]*)\)/.exec(rest);
    if (ref) {
      if (!this.names.has(ref[1]!)) throw reError(`unknown group name '${ref[1]}'`);
      this.i += ref[0].length;
      return `\\k<${ref[1]}>`;
    }
    for (const head of ['?:', '?=', '?!', '?<=', '?<!']) {
      if (rest.startsWith(head)) {
        this.i += head.length;
        return `(${head}`;
      }
    }
    if (rest.startsWith('?#')) {
      while (this.i < this.chars.length && this.chars[this.i] !== ')') this.i++;
      this.i++;
      return '';
    }
    throw reError(`group syntax (${rest.slice(0, 4)} is not supported by this engine`);
  }

  /** After a backslash. In a class, \b is a backspace and group references are not allowed. */
  private escape(inClass: boolean): string {
    const c = this.chars[this.i++];
    if (c === undefined) throw reError('bad escape (end of pattern)');
    const ascii = this.flags.a;
    switch (c) {
      case 'd':
        return ascii ? '[0-9]' : String.raw`\p{Nd}`;
      case 'D':
        return ascii ? '[^0-9]' : String.raw`\P{Nd}`;
      case 'w':
        return ascii ? String.raw`[A-Za-z0-9_]` : `[${WORD}]`;
      case 'W':
        return ascii ? String.raw`[^A-Za-z0-9_]` : `[^${WORD}]`;
      case 's':
        return ascii ? String.raw`[\t\n\x0b\f\r ]` : `[${PY_SPACE_CLASS}]`;
      case 'S':
        return ascii ? String.raw`[^\t\n\x0b\f\r ]` : `[^${PY_SPACE_CLASS}]`;
      case 'n':
        return lit(10);
      case 't':
        return lit(9);
      case 'r':
        return lit(13);
      case 'f':
        return lit(12);
      case 'v':
        return lit(11);
      case 'a':
        return lit(7);
      case 'x':
      case 'u':
      case 'U': {
        const n = c === 'x' ? 2 : c === 'u' ? 4 : 8;
        const hex = this.chars.slice(this.i, this.i + n).join('');
        if (!new RegExp(`^[0-9a-fA-F]{${n}}$`).test(hex)) throw reError(`incomplete escape \\${c}${hex}`);
        this.i += n;
        return lit(parseInt(hex, 16));
      }
      case 'N':
        throw reError('\\N{...} escapes are not supported by this engine');
    }
    if (inClass && c === 'b') return lit(8);
    if (/[0-9]/.test(c)) return this.numericEscape(c, inClass);
    if (!inClass) {
      if (c === 'A') return String.raw`(?<![\s\S])`;
      if (c === 'Z') return String.raw`(?![\s\S])`;
      if (c === 'b' || c === 'B') {
        if (ascii) return `\\${c}`;
        const w = `[${WORD}]`;
        const boundary = `(?:(?<=${w})(?!${w})|(?<!${w})(?=${w}))`;
        return c === 'b' ? boundary : `(?:(?<=${w})(?=${w})|(?<!${w})(?!${w}))`;
      }
    }
    if (ASCII_LETTERS.test(c)) throw reError(`bad escape \\${c}`);
    return lit(c.codePointAt(0)!);
  }

  /** \0, \ooo (three octal digits) and, in a class, any octal run are characters; else \N or \NN is a group reference. */
  private numericEscape(c: string, inClass: boolean): string {
    const octal = (max: number) => {
      let digits = c;
      while (digits.length < max && /[0-7]/.test(this.peek() ?? '')) digits += this.chars[this.i++];
      const v = parseInt(digits, 8);
      if (v > 0o377) throw reError(`octal escape value \\${digits} outside of range 0-0o377`);
      return lit(v);
    };
    if (c === '0') return octal(3);
    if (inClass) {
      if (/[8-9]/.test(c)) throw reError(`bad escape \\${c}`);
      return octal(3);
    }
    let digits = c;
    if (/[0-9]/.test(this.peek() ?? '')) {
      digits += this.chars[this.i++];
      if (/^[0-7]{2}$/.test(digits) && /[0-7]/.test(this.peek() ?? '')) {
        const v = parseInt(digits + this.chars[this.i++], 8);
        if (v > 0o377) throw reError(`octal escape value \\${digits}${this.chars[this.i - 1]} outside of range 0-0o377`);
        return lit(v);
      }
    }
    const n = Number(digits);
    if (n > this.groups) throw reError(`invalid group reference ${n}`);
    return `(?:\\${n})`;
  }

  /** A class body: `]` first is literal, ranges are checked, \w and friends nest as classes (v flag). */
  private klass(): string {
    let out = '[';
    if (this.peek() === '^') {
      out += '^';
      this.i++;
    }
    let first = true;
    for (;;) {
      const c = this.chars[this.i];
      if (c === undefined) throw reError('unterminated character set');
      if (c === ']' && !first) {
        this.i++;
        return `${out}]`;
      }
      first = false;
      const lo = this.classItem();
      if (this.peek() === '-' && this.peek(1) !== undefined && this.peek(1) !== ']') {
        this.i++;
        const hi = this.classItem();
        if (lo.cp === undefined || hi.cp === undefined) throw reError('bad character range');
        if (hi.cp < lo.cp) throw reError('bad character range');
        out += `${lo.text}-${hi.text}`;
      } else {
        out += lo.text;
      }
    }
  }

  private classItem(): { text: string; cp?: number } {
    const c = this.chars[this.i++]!;
    if (c !== '\\') return { text: lit(c.codePointAt(0)!), cp: c.codePointAt(0)! };
    const text = this.escape(true);
    const m = /^\\x([0-9a-f]{2})$/.exec(text);
    if (m) return { text, cp: parseInt(m[1]!, 16) };
    const single = [...text];
    if (single.length === 1) return { text, cp: single[0]!.codePointAt(0)! };
    return { text }; // a nested class such as \d
  }
}

const CACHE = new Map<string, PyRegex>();

/** Compile a Python pattern; re.error messages on bad syntax. */
export function pyCompile(pattern: string, flags: PyRegexFlags = {}): PyRegex {
  const key = `${flags.ignorecase ? 'i' : ''}${flags.multiline ? 'm' : ''}${flags.dotall ? 's' : ''}/${pattern}`;
  const hit = CACHE.get(key);
  if (hit) return hit;
  const t = new Translator(pattern, flags);
  const source = t.translate();
  let re: RegExp;
  try {
    re = new RegExp(source, `gv${t.flags.i ? 'i' : ''}`);
  } catch (err) {
    throw reError(`${(err as Error).message.replace(/^Invalid regular expression: /, '')} (pattern ${JSON.stringify(pattern)})`);
  }
  const compiled: PyRegex = { re, groups: t.groups, names: t.names };
  if (CACHE.size > 500) CACHE.clear();
  CACHE.set(key, compiled);
  return compiled;
}

/** re.search: the first match anywhere. */
export function pySearch(rx: PyRegex, text: string): RegExpExecArray | null {
  rx.re.lastIndex = 0;
  return rx.re.exec(text);
}

/** re.match: a match starting at the beginning. */
export function pyMatch(rx: PyRegex, text: string): RegExpExecArray | null {
  const sticky = new RegExp(rx.re.source, rx.re.flags.replace('g', 'y'));
  return sticky.exec(text);
}

/** Every match, as re.finditer gives them (empty matches included, advancing one character). */
export function pyFinditer(rx: PyRegex, text: string): RegExpExecArray[] {
  rx.re.lastIndex = 0;
  return [...text.matchAll(rx.re)];
}

/** re.findall: whole matches without groups, the group with one, tuples of groups with several. */
export function pyFindall(rx: PyRegex, text: string): unknown[] {
  return pyFinditer(rx, text).map((m) => {
    if (rx.groups === 0) return m[0];
    if (rx.groups === 1) return m[1] ?? '';
    return tuple(m.slice(1).map((g) => g ?? ''));
  });
}

type TemplatePart = string | number;

/** Parse a re.sub replacement: \1, \g<1>, \g<name>, \n and friends; unknown letter escapes are errors. */
export function pyParseTemplate(rx: PyRegex, repl: string): TemplatePart[] {
  const parts: TemplatePart[] = [];
  const chars = [...repl];
  let literal = '';
  const group = (n: number) => {
    if (n > rx.groups) throw reError(`invalid group reference ${n}`);
    if (literal) parts.push(literal);
    literal = '';
    parts.push(n);
  };
  for (let i = 0; i < chars.length; i++) {
    const c = chars[i]!;
    if (c !== '\\') {
      literal += c;
      continue;
    }
    const n = chars[++i];
    if (n === undefined) throw reError('bad escape (end of pattern)');
    if (n === 'g') {
      const m = /^<([^>]*)>/.exec(chars.slice(i + 1, i + 66).join(''));
      if (!m) throw reError('missing < or group name');
      i += m[0].length;
      const name = m[1]!;
      if (/^[0-9]+$/.test(name)) group(Number(name));
      else if (rx.names.has(name)) group(rx.names.get(name)!);
      else if (/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new JinjaRuntimeError(`unknown group name '${name}'`);
      else throw reError(`bad character in group name '${name}'`);
    } else if (n === '0') {
      let digits = '';
      while (digits.length < 2 && /[0-7]/.test(chars[i + 1] ?? '')) digits += chars[++i];
      literal += String.fromCharCode(parseInt(digits || '0', 8) & 0xff);
    } else if (/[1-9]/.test(n)) {
      let digits = n;
      if (/[0-9]/.test(chars[i + 1] ?? '')) {
        digits += chars[++i];
        if (/[0-7]/.test(n) && /[0-7]/.test(digits[1]!) && /[0-7]/.test(chars[i + 1] ?? '')) {
          digits += chars[++i];
          const v = parseInt(digits, 8);
          if (v > 0o377) throw reError(`octal escape value \\${digits} outside of range 0-0o377`);
          literal += String.fromCharCode(v);
          continue;
        }
      }
      group(Number(digits));
    } else {
      const simple: Record<string, string> = { a: '\x07', b: '\b', f: '\f', n: '\n', r: '\r', t: '\t', v: '\v', '\\': '\\' };
      if (Object.hasOwn(simple, n)) literal += simple[n];
      else if (ASCII_LETTERS.test(n)) throw reError(`bad escape \\${n}`);
      else literal += `\\${n}`;
    }
  }
  if (literal) parts.push(literal);
  return parts;
}

/** re.sub with a template replacement; an unmatched group expands to ''. */
export function pySub(rx: PyRegex, repl: string, text: string, count = 0): string {
  const template = pyParseTemplate(rx, repl);
  let out = '';
  let last = 0;
  let n = 0;
  for (const m of pyFinditer(rx, text)) {
    if (count > 0 && n >= count) break;
    out += text.slice(last, m.index);
    for (const p of template) out += typeof p === 'number' ? (m[p] ?? '') : p;
    last = m.index + m[0].length;
    n++;
  }
  return out + text.slice(last);
}

/** re.escape (3.7+): only the characters special in a pattern. */
export function pyEscape(text: string): string {
  return text.replace(/[()[\]{}?*+\-|^$\\.&~# \t\n\r\v\f]/g, (c) => `\\${c}`);
}
