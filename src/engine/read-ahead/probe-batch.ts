// Several read-only probe scripts in one remote exec, so a no-change run costs one round trip for a run of tasks
// instead of one each. Each script runs as alone would, in a subshell (its own variables, traps, `set -e` and
// `exit`) with stdin from /dev/null, and its stdout, stderr and exit code come back between random markers. A
// subshell is a fork where `/bin/sh -s` would be a fork and an exec: on a host running fifty probes that is the
// difference that shows. The shared reads the probes start with (shell/shared-read.ts) run once, first.
import { randomBytes } from 'node:crypto';
import type { ExecResult } from '../../modules/define.js';
import { splitSharedRead } from '../../shell/shared-read.js';

export interface ProbeBatch {
  /** The combined script, for `/bin/sh -s`. */
  text: string;
  /** Splits the combined output back into one result per script, in order. */
  split(result: ExecResult): ExecResult[];
}

export function composeProbes(texts: readonly string[]): ProbeBatch {
  // Random per batch: no script or output can contain it by chance, nor forge another script's result.
  const marker = `TSINFRA-PROBE-${randomBytes(12).toString('hex')}`;
  const shared = new Set<string>();
  const parts = texts.map((text, i) => {
    const { shared: read, rest } = splitSharedRead(text);
    if (read !== undefined) shared.add(read);
    return [
      // `:` first: a script of only comments (or nothing) is not an empty, and so invalid, subshell.
      `( :\n${rest.endsWith('\n') ? rest : `${rest}\n`}) </dev/null`,
      `printf '\\n${marker}:${i}:%s\\n' "$?"`,
      `printf '\\n${marker}:${i}\\n' >&2`,
    ].join('\n');
  });
  return { text: `${[...shared, ...parts].join('\n')}\n`, split: (r) => splitOutput(r, marker, texts.length) };
}

function splitOutput(r: ExecResult, marker: string, count: number): ExecResult[] {
  const results: ExecResult[] = [];
  let out = 0;
  let err = 0;
  for (let i = 0; i < count; i++) {
    const outTag = `\n${marker}:${i}:`;
    const outEnd = r.stdout.indexOf(outTag, out);
    const codeEnd = outEnd < 0 ? -1 : r.stdout.indexOf('\n', outEnd + outTag.length);
    const errTag = `\n${marker}:${i}\n`;
    const errEnd = r.stderr.indexOf(errTag, err);
    // A batch cut short (killed, timed out) yields only the results it finished.
    if (codeEnd < 0 || errEnd < 0) break;
    const code = r.stdout.slice(outEnd + outTag.length, codeEnd);
    if (!/^\d+$/.test(code)) break;
    results.push({ stdout: r.stdout.slice(out, outEnd), stderr: r.stderr.slice(err, errEnd), code: Number(code), signal: null });
    out = codeEnd + 1;
    err = errEnd + errTag.length;
  }
  return results;
}
