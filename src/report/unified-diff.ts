// A line-based unified diff (the `diff -u` format) for `--diff`: Myers' O((N+M)·D) shortest edit script after
// trimming the common head and tail, then hunks with 3 lines of context. Pure; colouring is the reporter's job.

export type DiffLineKind = 'header' | 'hunk' | 'context' | 'removed' | 'added' | 'note';

export interface DiffLine {
  kind: DiffLineKind;
  text: string;
}

export interface UnifiedDiffOptions {
  fromLabel: string;
  toLabel: string;
  /** Unchanged lines shown around each change. Default 3. */
  context?: number;
}

/** Beyond this many line edits the search stops (its memory grows with the square), and the changed middle is shown
 * as all removed, then all added: still a correct diff, only not the smallest. */
const MAX_EDITS = 2000;

type Op = { kind: 'context' | 'removed' | 'added'; line: string; aIndex: number; bIndex: number };

// A last line without a newline differs from the same text with one (as in GNU diff): compare it with a marker.
const NO_EOL = '\u0000no-eol';

function splitLines(text: string): string[] {
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  else lines[lines.length - 1] += NO_EOL;
  return lines;
}

/** Myers' greedy forward search, keeping each round's frontier (only diagonals -d..d) to walk back the path. */
function editScript(a: readonly string[], b: readonly string[]): Op[] {
  let head = 0;
  while (head < a.length && head < b.length && a[head] === b[head]) head++;
  let tail = 0;
  while (tail < a.length - head && tail < b.length - head && a[a.length - 1 - tail] === b[b.length - 1 - tail]) tail++;
  const aMid = a.slice(head, a.length - tail);
  const bMid = b.slice(head, b.length - tail);
  const n = aMid.length;
  const m = bMid.length;

  const trace: Int32Array[] = [];
  const max = n + m;
  const v = new Int32Array(2 * max + 3);
  const off = max + 1;
  let done = n === 0 && m === 0;
  for (let d = 0; d <= max && !done; d++) {
    if (d > MAX_EDITS) return wholesale(a, b, head, tail);
    for (let k = -d; k <= d; k += 2) {
      let x = k === -d || (k !== d && v[off + k - 1]! < v[off + k + 1]!) ? v[off + k + 1]! : v[off + k - 1]! + 1;
      let y = x - k;
      while (x < n && y < m && aMid[x] === bMid[y]) {
        x++;
        y++;
      }
      v[off + k] = x;
      if (x >= n && y >= m) done = true;
    }
    trace.push(v.slice(off - d, off + d + 1));
  }

  const mid: Op[] = [];
  let x = n;
  let y = m;
  for (let d = trace.length - 1; d > 0; d--) {
    const prev = trace[d - 1]!; // frontier after round d-1: index k + (d - 1)
    const at = (k: number) => prev[k + d - 1]!;
    const k = x - y;
    const prevK = k === -d || (k !== d && at(k - 1) < at(k + 1)) ? k + 1 : k - 1;
    const prevX = at(prevK);
    const prevY = prevX - prevK;
    while (x > prevX && y > prevY) {
      x--;
      y--;
      mid.push({ kind: 'context', line: aMid[x]!, aIndex: x, bIndex: y });
    }
    if (prevK === k + 1) {
      y--;
      mid.push({ kind: 'added', line: bMid[y]!, aIndex: x, bIndex: y });
    } else {
      x--;
      mid.push({ kind: 'removed', line: aMid[x]!, aIndex: x, bIndex: y });
    }
  }
  while (x > 0 && y > 0) {
    x--;
    y--;
    mid.push({ kind: 'context', line: aMid[x]!, aIndex: x, bIndex: y });
  }
  mid.reverse();

  const ops: Op[] = [];
  for (let i = 0; i < head; i++) ops.push({ kind: 'context', line: a[i]!, aIndex: i, bIndex: i });
  for (const op of mid) ops.push({ ...op, aIndex: op.aIndex + head, bIndex: op.bIndex + head });
  for (let i = tail; i > 0; i--) ops.push({ kind: 'context', line: a[a.length - i]!, aIndex: a.length - i, bIndex: b.length - i });
  return ops;
}

function wholesale(a: readonly string[], b: readonly string[], head: number, tail: number): Op[] {
  const ops: Op[] = [];
  for (let i = 0; i < head; i++) ops.push({ kind: 'context', line: a[i]!, aIndex: i, bIndex: i });
  for (let i = head; i < a.length - tail; i++) ops.push({ kind: 'removed', line: a[i]!, aIndex: i, bIndex: head });
  for (let j = head; j < b.length - tail; j++) ops.push({ kind: 'added', line: b[j]!, aIndex: a.length - tail, bIndex: j });
  for (let i = tail; i > 0; i--) ops.push({ kind: 'context', line: a[a.length - i]!, aIndex: a.length - i, bIndex: b.length - i });
  return ops;
}

/** `start,count` of a hunk side, as diff -u writes it: 1-based, `,count` left out when 1, start before it when 0. */
function range(start: number, count: number): string {
  if (count === 0) return `${start},0`;
  return count === 1 ? `${start + 1}` : `${start + 1},${count}`;
}

/** The unified diff from `before` to `after`, as typed lines; empty when the texts are equal. */
export function unifiedDiff(before: string, after: string, options: UnifiedDiffOptions): DiffLine[] {
  if (before === after) return [];
  const context = options.context ?? 3;
  const a = splitLines(before);
  const b = splitLines(after);
  const ops = editScript(a, b);
  const out: DiffLine[] = [
    { kind: 'header', text: `--- ${options.fromLabel}` },
    { kind: 'header', text: `+++ ${options.toLabel}` },
  ];
  let i = 0;
  while (i < ops.length) {
    if (ops[i]!.kind === 'context') {
      i++;
      continue;
    }
    // A hunk: from `context` lines before this change to `context` lines after the last change that is at most
    // 2·context unchanged lines away from the next.
    const start = Math.max(0, i - context);
    let end = i;
    let quiet = 0;
    for (let j = i; j < ops.length; j++) {
      if (ops[j]!.kind === 'context') {
        quiet++;
        if (quiet > 2 * context) break;
      } else {
        quiet = 0;
        end = j;
      }
    }
    const stop = Math.min(ops.length, end + 1 + context);
    const slice = ops.slice(start, stop);
    const first = slice[0]!;
    const aCount = slice.filter((o) => o.kind !== 'added').length;
    const bCount = slice.filter((o) => o.kind !== 'removed').length;
    // The first line's index on each side; for an empty side diff -u names the line before the hunk.
    const aStart = aCount === 0 ? first.aIndex : (slice.find((o) => o.kind !== 'added')?.aIndex ?? 0);
    const bStart = bCount === 0 ? first.bIndex : (slice.find((o) => o.kind !== 'removed')?.bIndex ?? 0);
    out.push({ kind: 'hunk', text: `@@ -${range(aStart, aCount)} +${range(bStart, bCount)} @@` });
    for (const op of slice) {
      const sign = op.kind === 'context' ? ' ' : op.kind === 'removed' ? '-' : '+';
      const isNoEol = op.line.endsWith(NO_EOL);
      out.push({ kind: op.kind, text: sign + (isNoEol ? op.line.slice(0, -NO_EOL.length) : op.line) });
      if (isNoEol) out.push({ kind: 'note', text: '\\ No newline at end of file' });
    }
    i = stop;
  }
  return out;
}

/** What a diff line holding a secret shows instead of its text. */
export const SECRET_LINE_CHANGED = '<line holding a secret: changed>';
export const SECRET_LINE = '<line holding a secret>';

/**
 * A diff with the lines that hold a secret shown only as changed (issue 17: masking inside a line would still show
 * its shape). A change block (removed and added lines in a row) that holds a secret anywhere is hidden whole: its
 * removed lines are most likely the secret's old value, which no keyring knows. Line counts stay as they were.
 */
export function hideSecretLines(lines: readonly DiffLine[], holdsSecret: (text: string) => boolean): DiffLine[] {
  const out = lines.map((d) => ({ ...d }));
  const changed = (d: DiffLine) => d.kind === 'removed' || d.kind === 'added';
  for (let i = 0; i < out.length; ) {
    const d = out[i]!;
    if (d.kind === 'context' && holdsSecret(d.text.slice(1))) d.text = ` ${SECRET_LINE}`;
    if (!changed(d)) {
      i++;
      continue;
    }
    let end = i;
    while (end < out.length && (changed(out[end]!) || out[end]!.kind === 'note')) end++;
    const block = out.slice(i, end);
    if (block.some((b) => changed(b) && holdsSecret(b.text.slice(1))))
      for (const b of block) if (changed(b)) b.text = `${b.text[0]}${SECRET_LINE_CHANGED}`;
    i = end;
  }
  return out;
}
