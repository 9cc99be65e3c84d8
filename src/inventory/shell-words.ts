// Splits an INI host line into words the way Ansible does (Python's shlex in POSIX mode with comments):
// quotes group words and are removed, `\` escapes outside single quotes, and `#` starts a comment even in
// the middle of a word — which is why Ansible's docs quote passwords like `pw="'a#b'"`.

export interface ShellWord {
  text: string;
  /** 0-based index in the line where the word starts. */
  start: number;
}

export class ShellWordsError extends Error {
  /** 0-based index in the line the problem points at. */
  readonly index: number;
  constructor(message: string, index: number) {
    super(message);
    this.index = index;
  }
}

const WHITESPACE = new Set([' ', '\t', '\r', '\n']);

export function splitShellWords(line: string): ShellWord[] {
  const words: ShellWord[] = [];
  let i = 0;
  let current: ShellWord | undefined;
  const finish = () => {
    if (current) words.push(current);
    current = undefined;
  };
  while (i < line.length) {
    const c = line[i]!;
    if (WHITESPACE.has(c)) {
      finish();
      i++;
      continue;
    }
    if (c === '#') break;
    current ??= { text: '', start: i };
    if (c === "'") {
      const close = line.indexOf("'", i + 1);
      if (close < 0) throw new ShellWordsError("missing closing ' quote", i);
      current.text += line.slice(i + 1, close);
      i = close + 1;
    } else if (c === '"') {
      i = readDoubleQuoted(line, i, current);
    } else if (c === '\\') {
      if (i + 1 >= line.length) throw new ShellWordsError('a backslash at the end of the line escapes nothing', i);
      current.text += line[i + 1];
      i += 2;
    } else {
      current.text += c;
      i++;
    }
  }
  finish();
  return words;
}

// Inside "...", a backslash escapes only `"` and `\` (shlex's escapedquotes); others stay as typed.
function readDoubleQuoted(line: string, open: number, word: ShellWord): number {
  let i = open + 1;
  while (i < line.length) {
    const c = line[i]!;
    if (c === '"') return i + 1;
    if (c === '\\' && (line[i + 1] === '"' || line[i + 1] === '\\')) {
      word.text += line[i + 1];
      i += 2;
    } else {
      word.text += c;
      i++;
    }
  }
  throw new ShellWordsError('missing closing " quote', open);
}
