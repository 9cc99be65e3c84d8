// Python's fnmatch (shell-style globs: `*`, `?`, `[seq]`, `[!seq]`; a `[` without its `]` is literal), one copy
// for host patterns, --start-at-task, setup's filter and fileglob's path segments.

/** The regular expression source of a glob, unanchored. `anyChar` is what `?` and `*` may match (one char of it). */
export function globSource(pattern: string, anyChar = '[\\s\\S]'): string {
  let re = '';
  for (let i = 0; i < pattern.length; i++) {
    const c = pattern[i]!;
    if (c === '*') re += `${anyChar}*`;
    else if (c === '?') re += anyChar;
    else if (c === '[') {
      let j = i + 1;
      if (pattern[j] === '!') j++;
      if (pattern[j] === ']') j++;
      while (j < pattern.length && pattern[j] !== ']') j++;
      if (j >= pattern.length) re += '\\[';
      else {
        let body = pattern.slice(i + 1, j);
        const negated = body.startsWith('!');
        if (negated) body = body.slice(1);
        re += `[${negated ? '^' : ''}${body.replace(/[\\^\]]/g, '\\$&')}]`;
        i = j;
      }
    } else re += c.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  }
  return re;
}

/** fnmatch.fnmatchcase(name, pattern) as an anchored RegExp. */
export function fnmatchRegExp(pattern: string, anyChar?: string): RegExp {
  return new RegExp(`^${globSource(pattern, anyChar)}$`);
}
