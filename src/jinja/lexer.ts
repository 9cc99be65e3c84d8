// Jinja2's lexer: template text into data, `{{ }}`, `{% %}` and `{# #}` with `-`/`+` whitespace control,
// trim_blocks, lstrip_blocks and `{% raw %}`; inside the tags, Python-like expression tokens. Offsets are kept on
// every token so errors point at the file's line and column.
import { JinjaSyntaxError } from './syntax-error.js';

export interface LexOptions {
  trimBlocks: boolean; // drop the first newline after a block tag or comment
  lstripBlocks: boolean; // strip spaces and tabs from the start of a line up to a block tag or comment
  /** Ansible's escape_backslashes for task arguments: string literals inside `{{ }}` keep their backslashes. */
  rawStringsInVariables: boolean;
  newlineSequence: string;
}

export type TokenType =
  | 'data'
  | 'variable_begin'
  | 'variable_end'
  | 'block_begin'
  | 'block_end'
  | 'name'
  | 'string'
  | 'integer'
  | 'float'
  | 'operator'
  | 'eof';

export interface Token {
  type: TokenType;
  value: string; // data text, name, decoded string, number text or operator
  pos: number; // offset in the source
}

const OPERATORS = ['**', '//', '==', '!=', '<=', '>=', '+', '-', '/', '*', '%', '~', '[', ']', '(', ')', '{', '}', '<', '>', '=', '.', ':', '|', ',', ';'];
const NAME = /[A-Za-z_][A-Za-z0-9_]*/y;
const FLOAT = /(?:[0-9](?:_?[0-9])*)(?:(?:\.[0-9](?:_?[0-9])*)?[eE][+-]?[0-9](?:_?[0-9])*|\.[0-9](?:_?[0-9])*)/y;
const INTEGER = /0[bB](?:_?[01])+|0[oO](?:_?[0-7])+|0[xX](?:_?[0-9a-fA-F])+|[1-9](?:_?[0-9])*|0(?:_?0)*/y;
const STRING = /'([^'\\]*(?:\\[\s\S][^'\\]*)*)'|"([^"\\]*(?:\\[\s\S][^"\\]*)*)"/y;
const WHITESPACE = /\s+/y;
const RAW_END = /\{%([-+]?)\s*endraw\s*([-+]?)%\}/g;
const TAG_START = /\{\{|\{%|\{#/g;

const SIMPLE_ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"', a: '\x07', b: '\b', f: '\f', v: '\v', '\n': '' };

/** Python's unicode-escape decoding of a string literal's body (unknown escapes keep their backslash). */
export function decodeEscapes(body: string): string {
  if (!body.includes('\\')) return body;
  return body.replace(/\\(x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8}|[0-7]{1,3}|N\{[^}]+\}|[\s\S])/g, (all, esc: string) => {
    if (esc in SIMPLE_ESCAPES) return SIMPLE_ESCAPES[esc]!;
    const c = esc[0]!;
    if (c === 'x' || c === 'u' || c === 'U') return String.fromCodePoint(parseInt(esc.slice(1), 16));
    if (/[0-7]/.test(c)) return String.fromCodePoint(parseInt(esc, 8));
    return all;
  });
}

/** lstrip_blocks: spaces and tabs before a tag go when only they stand between the line's start and the tag. */
function lstripLine(data: string, startsLine: boolean): string {
  const lineStart = data.lastIndexOf('\n') + 1;
  if (lineStart === 0 && !startsLine) return data;
  return /^[ \t]*$/.test(data.slice(lineStart)) ? data.slice(0, lineStart) : data;
}

export function tokenize(source: string, options: LexOptions): Token[] {
  return new Lexer(source, options).run();
}

/** The tokens of one expression on its own (a `when:` condition), ending with eof. */
export function tokenizeExpression(source: string): Token[] {
  const lexer = new Lexer(source, { trimBlocks: false, lstripBlocks: false, rawStringsInVariables: false, newlineSequence: '\n' });
  const end = lexer.expressionTokens(0, 'expression', false);
  if (end < source.length) throw new JinjaSyntaxError(`unexpected '${source[end]}'`, end);
  lexer.tokens.push({ type: 'eof', value: '', pos: source.length });
  return lexer.tokens;
}

class Lexer {
  readonly tokens: Token[] = [];
  constructor(
    private readonly src: string,
    private readonly opt: LexOptions,
  ) {}

  run(): Token[] {
    let pos = 0;
    let stripNext = false; // the previous tag ended with `-`: strip leading whitespace of the next data
    while (pos < this.src.length) {
      TAG_START.lastIndex = pos;
      const m = TAG_START.exec(this.src);
      const start = m ? m.index : this.src.length;
      let data = this.src.slice(pos, start);
      if (stripNext) data = data.replace(/^\s+/, '');
      stripNext = false;
      if (m) {
        const kind = m[0];
        const marker = this.src[start + 2];
        if (marker === '-') data = data.replace(/\s+$/, '');
        else if (kind !== '{{' && marker !== '+' && this.opt.lstripBlocks) data = lstripLine(data, pos === 0 || this.src[pos - 1] === '\n');
      }
      if (data) this.tokens.push({ type: 'data', value: this.normalize(data), pos });
      if (!m) break;
      const r = m[0] === '{#' ? this.comment(start) : m[0] === '{{' ? this.variable(start) : this.block(start);
      pos = r.end;
      stripNext = r.stripAfter;
      if (!r.stripAfter && r.trim && this.opt.trimBlocks && this.src[pos] === '\n') pos += 1;
      else if (!r.stripAfter && r.trim && this.opt.trimBlocks && this.src.startsWith('\r\n', pos)) pos += 2;
    }
    this.tokens.push({ type: 'eof', value: '', pos: this.src.length });
    return this.tokens;
  }

  private normalize(text: string): string {
    return text.includes('\r') || this.opt.newlineSequence !== '\n' ? text.replace(/\r\n|\r|\n/g, this.opt.newlineSequence) : text;
  }

  /** End of a tag: `end` after it, whether it strips what follows, whether trim_blocks applies. */
  private closeMark(at: number, close: string): { end: number; stripAfter: boolean; trim: boolean } {
    const c = this.src[at];
    if ((c === '-' || c === '+') && this.src.startsWith(close, at + 1)) {
      return { end: at + 1 + close.length, stripAfter: c === '-', trim: c !== '+' };
    }
    return { end: at + close.length, stripAfter: false, trim: true };
  }

  private comment(start: number): { end: number; stripAfter: boolean; trim: boolean } {
    const close = this.src.indexOf('#}', start + 2);
    if (close < 0) throw new JinjaSyntaxError('missing end of comment tag', start);
    const dash = this.src[close - 1] === '-' && close - 1 > start + 2;
    const plus = this.src[close - 1] === '+' && close - 1 > start + 2;
    return { end: close + 2, stripAfter: dash, trim: !plus };
  }

  private variable(start: number): { end: number; stripAfter: boolean; trim: boolean } {
    this.tokens.push({ type: 'variable_begin', value: '{{', pos: start });
    let pos = start + 2;
    if (this.src[pos] === '-' || this.src[pos] === '+') pos += 1;
    pos = this.expressionTokens(pos, 'variable', this.opt.rawStringsInVariables);
    const r = this.closeMark(pos, '}}');
    this.tokens.push({ type: 'variable_end', value: '}}', pos });
    return { ...r, trim: false };
  }

  private block(start: number): { end: number; stripAfter: boolean; trim: boolean } {
    let pos = start + 2;
    if (this.src[pos] === '-' || this.src[pos] === '+') pos += 1;
    WHITESPACE.lastIndex = pos;
    const ws = WHITESPACE.exec(this.src);
    const namePos = ws ? pos + ws[0].length : pos;
    NAME.lastIndex = namePos;
    const name = NAME.exec(this.src)?.[0];
    if (name === 'raw') return this.raw(start, namePos + 3);
    this.tokens.push({ type: 'block_begin', value: '{%', pos: start });
    pos = this.expressionTokens(pos, 'block', false);
    const r = this.closeMark(pos, '%}');
    this.tokens.push({ type: 'block_end', value: '%}', pos });
    return r;
  }

  /** `{% raw %}…{% endraw %}`: the text between is data, whitespace control on both tags applies. */
  private raw(start: number, afterName: number): { end: number; stripAfter: boolean; trim: boolean } {
    const open = /\s*([-+]?)%\}/y;
    open.lastIndex = afterName;
    const o = open.exec(this.src);
    if (!o) throw new JinjaSyntaxError("expected '%}' after raw", afterName);
    let bodyStart = afterName + o[0].length;
    RAW_END.lastIndex = bodyStart;
    const e = RAW_END.exec(this.src);
    if (!e) throw new JinjaSyntaxError('missing endraw (Jinja was looking for: endraw)', start);
    let body = this.src.slice(bodyStart, e.index);
    if (o[1] === '-') body = body.replace(/^\s+/, '');
    if (e[1] === '-') body = body.replace(/\s+$/, '');
    else if (e[1] !== '+' && this.opt.lstripBlocks) body = lstripLine(body, this.src[bodyStart - 1] === '\n');
    if (body) this.tokens.push({ type: 'data', value: this.normalize(body), pos: bodyStart });
    return { end: e.index + e[0].length, stripAfter: e[2] === '-', trim: e[2] !== '+' };
  }

  /** Expression tokens from `pos` up to the closing tag (not consumed); returns the closing tag's offset. */
  expressionTokens(pos: number, where: 'variable' | 'block' | 'expression', rawStrings: boolean): number {
    const close = where === 'variable' ? '}}' : '%}';
    const depth: string[] = [];
    const src = this.src;
    for (;;) {
      WHITESPACE.lastIndex = pos;
      const ws = WHITESPACE.exec(src);
      if (ws) pos += ws[0].length;
      if (pos >= src.length) {
        if (where === 'expression') return pos;
        throw new JinjaSyntaxError(`unexpected end of template, expected '${close}'`, pos);
      }
      if (depth.length === 0 && where !== 'expression') {
        if (src.startsWith(close, pos)) return pos;
        if ((src[pos] === '-' || src[pos] === '+') && src.startsWith(close, pos + 1)) return pos;
      }
      const c = src[pos]!;
      STRING.lastIndex = pos;
      const str = c === "'" || c === '"' ? STRING.exec(src) : null;
      if (str) {
        const body = str[1] ?? str[2] ?? '';
        this.tokens.push({ type: 'string', value: rawStrings ? body : decodeEscapes(body), pos });
        pos += str[0].length;
        continue;
      }
      if (c === "'" || c === '"') throw new JinjaSyntaxError('unexpected end of string', pos);
      if (/[0-9]/.test(c)) {
        FLOAT.lastIndex = pos;
        const f = FLOAT.exec(src);
        INTEGER.lastIndex = pos;
        const i = f ? null : INTEGER.exec(src);
        const m = f ?? i;
        if (m) {
          this.tokens.push({ type: f ? 'float' : 'integer', value: m[0].replace(/_/g, ''), pos });
          pos += m[0].length;
          continue;
        }
      }
      NAME.lastIndex = pos;
      const name = NAME.exec(src);
      if (name) {
        this.tokens.push({ type: 'name', value: name[0], pos });
        pos += name[0].length;
        continue;
      }
      const op = OPERATORS.find((o) => src.startsWith(o, pos));
      if (op === undefined) throw new JinjaSyntaxError(`unexpected char '${c}'`, pos);
      if (op === '(' || op === '[' || op === '{') depth.push(op === '(' ? ')' : op === '[' ? ']' : '}');
      else if (op === ')' || op === ']' || op === '}') {
        const want = depth.pop();
        if (want === undefined) throw new JinjaSyntaxError(`unexpected '${op}'`, pos);
        if (want !== op) throw new JinjaSyntaxError(`unexpected '${op}', expected '${want}'`, pos);
      }
      this.tokens.push({ type: 'operator', value: op, pos });
      pos += op.length;
    }
  }
}
