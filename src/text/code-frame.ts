// The few lines around a position in a file the user wrote, with a caret under the column: what Ansible prints
// as "The offending line appears to be", so a syntax error is seen where it is, not only named by line number.

/** The line before (when there is one) and the line itself, numbered, then a caret under `column` (1-based). */
export function codeFrame(text: string, line: number, column: number): string {
  const lines = text.split('\n');
  const at = lines[line - 1];
  if (at === undefined) return '';
  const first = Math.max(1, line - 1);
  const width = String(line).length;
  const row = (n: number) => `  ${String(n).padStart(width)} | ${lines[n - 1]!.replace(/\t/g, ' ')}`.trimEnd();
  const shown = [];
  for (let n = first; n <= line; n++) shown.push(row(n));
  shown.push(`  ${' '.repeat(width)} | ${' '.repeat(Math.max(0, column - 1))}^ here`);
  return shown.join('\n');
}
