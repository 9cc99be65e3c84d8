// Tokens of the condition language. Words (and, or, not, in, is, true, None, …) stay names; the parser decides.
import { ExprFailure } from './expr-failure.js';

export type Token =
  | { kind: 'num'; value: number; pos: number; end: number }
  | { kind: 'str'; value: string; pos: number; end: number }
  | { kind: 'name'; value: string; pos: number; end: number }
  | { kind: 'op'; value: string; pos: number; end: number }
  | { kind: 'eof'; value: ''; pos: number; end: number };

const OPS = ['==', '!=', '<=', '>=', '<', '>', '(', ')', '[', ']', ',', '.', '|', '-'];
const NUMBER = /^[0-9]+(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?/;
const NAME = /^[A-Za-z_][A-Za-z0-9_]*/;
const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', '\\': '\\', "'": "'", '"': '"' };

/** Hints for characters people bring from other languages. */
function badCharacter(text: string, pos: number): ExprFailure {
  const rest = text.slice(pos);
  const c = rest[0]!;
  if (rest.startsWith('&&')) return new ExprFailure('unexpected "&&"', pos, 'write "and"');
  if (rest.startsWith('||')) return new ExprFailure('unexpected "||"', pos, 'write "or"');
  if (c === '!') return new ExprFailure('unexpected "!"', pos, 'write "not"');
  if (c === '=') return new ExprFailure('unexpected "="', pos, 'compare with =='); // a lone '='
  if (c === '{' || c === '}') {
    return new ExprFailure(`unexpected "${c}"`, pos, 'conditions are expressions already: write variables without {{ }}');
  }
  if ('+*/%~'.includes(c)) return new ExprFailure(`unexpected "${c}"`, pos, 'arithmetic is not supported in conditions');
  return new ExprFailure(`unexpected character ${JSON.stringify(c)}`, pos);
}

function readString(text: string, pos: number): { value: string; end: number } {
  const quote = text[pos]!;
  let value = '';
  for (let i = pos + 1; i < text.length; i++) {
    const c = text[i]!;
    if (c === quote) return { value, end: i + 1 };
    if (c === '\\' && i + 1 < text.length) {
      const next = text[i + 1]!;
      value += ESCAPES[next] ?? `\\${next}`; // like Python, an unknown escape keeps its backslash: '\d+' stays a regex
      i++;
    } else {
      value += c;
    }
  }
  throw new ExprFailure('unterminated string', pos, `close it with ${quote}`);
}

export function tokenize(text: string): Token[] {
  const out: Token[] = [];
  let i = 0;
  while (i < text.length) {
    const c = text[i]!;
    if (c === ' ' || c === '\t' || c === '\n' || c === '\r') {
      i++;
      continue;
    }
    const rest = text.slice(i);
    const num = NUMBER.exec(rest);
    if (num) {
      out.push({ kind: 'num', value: Number(num[0]), pos: i, end: i + num[0].length });
      i += num[0].length;
      continue;
    }
    const name = NAME.exec(rest);
    if (name) {
      out.push({ kind: 'name', value: name[0], pos: i, end: i + name[0].length });
      i += name[0].length;
      continue;
    }
    if (c === "'" || c === '"') {
      const s = readString(text, i);
      out.push({ kind: 'str', value: s.value, pos: i, end: s.end });
      i = s.end;
      continue;
    }
    const op = rest.startsWith('||') ? undefined : OPS.find((o) => rest.startsWith(o));
    if (op === undefined) throw badCharacter(text, i);
    out.push({ kind: 'op', value: op, pos: i, end: i + op.length });
    i += op.length;
  }
  out.push({ kind: 'eof', value: '', pos: text.length, end: text.length });
  return out;
}
