// Shell-like word splitting, as Python's shlex.split does it: what Ansible applies to free-form module arguments and
// to ssh_args. Here, not in modules/, so settings can use it without loading the module layer at start-up.

/** Words with quotes and backslashes applied, and nothing expanded (Python's shlex.split). */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let cur = '';
  let inWord = false;
  let quote: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else cur += c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && i + 1 < line.length && '\\"$`\n'.includes(line[i + 1]!)) cur += line[++i];
      else cur += c;
    } else if (c === "'" || c === '"') {
      quote = c;
      inWord = true;
    } else if (c === '\\' && i + 1 < line.length) {
      cur += line[++i];
      inWord = true;
    } else if (/\s/.test(c)) {
      if (inWord) words.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += c;
      inWord = true;
    }
  }
  if (quote !== undefined) throw new Error(`unterminated ${quote === "'" ? 'single' : 'double'} quote`);
  if (inWord) words.push(cur);
  return words;
}
