// POSIX single-quote quoting: safe for dash and bash alike (never bash-only $'...').

const SAFE = /^[A-Za-z0-9_@%+=:,./-]+$/;

export function quote(word: string): string {
  if (word.length > 0 && SAFE.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export function isValidEnvName(name: string): boolean {
  return ENV_NAME.test(name);
}
