// Python's str semantics that more than one method or filter needs: what str.isspace() calls whitespace, and the
// strip, split, splitlines, replace, center and capitalize built on it. Text is counted in code points, as Python does.
import { JinjaRuntimeError } from '../values.js';

/** The characters of str.isspace(), as the body of a regex character class (also `\s` in a Python regex). */
export const PY_SPACE_CLASS = String.raw`\t\n\x0b\f\r\x1c-\x1f \x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000`;

const SPACE = new RegExp(`^[${PY_SPACE_CLASS}]$`);
const LINE_BREAK = /\r\n|[\n\r\v\f\x1c\x1d\x1e\x85\u2028\u2029]/g;

export const isPySpace = (ch: string): boolean => SPACE.test(ch);

/** str.strip(chars) (lstrip, rstrip by the flags): whitespace when chars is None. */
export function pyStrip(s: string, chars: string | null = null, left = true, right = true): string {
  const drop = chars === null ? isPySpace : (ch: string) => chars.includes(ch);
  const cs = [...s];
  let a = 0;
  let b = cs.length;
  if (left) while (a < b && drop(cs[a]!)) a++;
  if (right) while (b > a && drop(cs[b - 1]!)) b--;
  return cs.slice(a, b).join('');
}

export const pyLstrip = (s: string, chars: string | null = null): string => pyStrip(s, chars, true, false);
export const pyRstrip = (s: string, chars: string | null = null): string => pyStrip(s, chars, false, true);

/**
 * str.split(sep, maxsplit), or str.rsplit when `fromRight`. A negative maxsplit is no limit. With no separator:
 * runs of whitespace, no empty words, and what is left after maxsplit words keeps its whitespace on the far side.
 */
export function pySplit(s: string, sep: string | null, maxsplit = -1, fromRight = false): string[] {
  if (sep !== null) {
    if (sep === '') throw new JinjaRuntimeError('empty separator');
    const parts = s.split(sep);
    if (maxsplit < 0 || parts.length <= maxsplit + 1) return parts;
    const cut = fromRight ? parts.length - maxsplit : maxsplit;
    return fromRight ? [parts.slice(0, cut).join(sep), ...parts.slice(cut)] : [...parts.slice(0, cut), parts.slice(cut).join(sep)];
  }
  // CPython's split_whitespace / rsplit_whitespace, walking from the right for rsplit.
  const cs = fromRight ? [...s].reverse() : [...s];
  const words: string[] = [];
  const word = (a: number, b: number) => {
    const w = cs.slice(a, b);
    words.push((fromRight ? w.reverse() : w).join(''));
  };
  let i = 0;
  for (let left = maxsplit < 0 ? Infinity : maxsplit; left > 0; left--) {
    while (i < cs.length && isPySpace(cs[i]!)) i++;
    if (i === cs.length) break;
    const start = i;
    while (i < cs.length && !isPySpace(cs[i]!)) i++;
    word(start, i);
  }
  while (i < cs.length && isPySpace(cs[i]!)) i++;
  if (i < cs.length) word(i, cs.length);
  return fromRight ? words.reverse() : words;
}

/** str.splitlines(keepends): every line break Python knows, \r\n as one. */
export function pySplitLines(s: string, keepends = false): string[] {
  const lines: string[] = [];
  let start = 0;
  for (const m of s.matchAll(LINE_BREAK)) {
    lines.push(s.slice(start, keepends ? m.index + m[0].length : m.index));
    start = m.index + m[0].length;
  }
  if (start < s.length) lines.push(s.slice(start));
  return lines;
}

/** str.replace(old, new, count): a negative count is no limit; an empty `old` matches between every character. */
export function pyReplace(s: string, old: string, repl: string, count = -1): string {
  const limit = count < 0 ? Infinity : count;
  if (old === '') {
    const chars = [...s];
    let out = '';
    let n = 0;
    for (let i = 0; i <= chars.length; i++) {
      if (n < limit) {
        out += repl;
        n++;
      }
      out += chars[i] ?? '';
    }
    return out;
  }
  const parts = s.split(old);
  if (parts.length - 1 <= limit) return parts.join(repl);
  return parts.slice(0, limit + 1).join(repl) + old + parts.slice(limit + 1).join(old);
}

/** str.center(width, fill): the odd space goes left when both the margin and the width are odd. */
export function pyCenter(s: string, width: number, fill = ' '): string {
  const n = [...s].length;
  if (width <= n) return s;
  const margin = width - n;
  const left = Math.floor(margin / 2) + (margin & width & 1);
  return fill.repeat(left) + s + fill.repeat(margin - left);
}

const TITLE_CASE: Record<string, string> = { Ǆ: 'ǅ', ǅ: 'ǅ', ǆ: 'ǅ', Ǉ: 'ǈ', ǈ: 'ǈ', ǉ: 'ǈ', Ǌ: 'ǋ', ǋ: 'ǋ', ǌ: 'ǋ', Ǳ: 'ǲ', ǲ: 'ǲ', ǳ: 'ǲ' };

/** Python's title case of one character: ß → Ss, ﬁ → Fi, ǆ → ǅ (not the upper case). */
export function titleChar(ch: string): string {
  const up = ch.toUpperCase();
  return TITLE_CASE[ch] ?? (up.length > 1 ? up[0] + up.slice(1).toLowerCase() : up);
}

/** Upper-case the first character (`upperFirst` picks how), lower-case the rest. */
export function firstUpper(s: string, upperFirst: (ch: string) => string): string {
  const [first = '', ...rest] = [...s];
  return upperFirst(first) + rest.join('').toLowerCase();
}

/** str.capitalize: the first character in title case, the rest lower. */
export const pyCapitalize = (s: string): string => firstUpper(s, titleChar);
