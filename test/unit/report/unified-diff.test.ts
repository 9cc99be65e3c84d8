// unifiedDiff: exact output for the shapes that matter, then random texts checked with GNU patch (the diff applies
// and gives the new text) and GNU diff --minimal (the same number of changed lines: the edit script is minimal).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { unifiedDiff } from '../../../src/report/unified-diff.js';

const diffText = (a: string, b: string, context?: number) =>
  unifiedDiff(a, b, { fromLabel: 'a', toLabel: 'b', context }).map((l) => l.text);

const numbered = (n: number, edit: (i: number) => string | undefined = () => undefined) =>
  Array.from({ length: n }, (_, i) => edit(i + 1) ?? `line ${i + 1}`).join('\n') + '\n';

test('equal texts give no diff', () => {
  assert.deepEqual(diffText('a\nb\n', 'a\nb\n'), []);
  assert.deepEqual(diffText('', ''), []);
});

test('one changed line with its context', () => {
  assert.deepEqual(diffText(numbered(10), numbered(10, (i) => (i === 5 ? 'five' : undefined))), [
    '--- a', '+++ b', '@@ -2,7 +2,7 @@', ' line 2', ' line 3', ' line 4', '-line 5', '+five', ' line 6', ' line 7', ' line 8',
  ]);
});

test('from and to an empty file', () => {
  assert.deepEqual(diffText('', 'x\ny\n'), ['--- a', '+++ b', '@@ -0,0 +1,2 @@', '+x', '+y']);
  assert.deepEqual(diffText('x\n', ''), ['--- a', '+++ b', '@@ -1 +0,0 @@', '-x']);
});

test('a missing newline at the end is a change of its own', () => {
  assert.deepEqual(diffText('a\nb', 'a\nb\n'), ['--- a', '+++ b', '@@ -1,2 +1,2 @@', ' a', '-b', '\\ No newline at end of file', '+b']);
  assert.deepEqual(diffText('a\nb', 'a\nc'), ['--- a', '+++ b', '@@ -1,2 +1,2 @@', ' a', '-b', '\\ No newline at end of file', '+c', '\\ No newline at end of file']);
});

test('changes far apart make two hunks; changes 6 lines apart share one', () => {
  const far = diffText(numbered(30), numbered(30, (i) => (i === 3 || i === 25 ? 'X' : undefined)));
  assert.deepEqual(far.filter((l) => l.startsWith('@@')), ['@@ -1,6 +1,6 @@', '@@ -22,7 +22,7 @@']);
  const near = diffText(numbered(30), numbered(30, (i) => (i === 10 || i === 17 ? 'X' : undefined)));
  assert.deepEqual(near.filter((l) => l.startsWith('@@')), ['@@ -7,14 +7,14 @@']);
  const apart = diffText(numbered(30), numbered(30, (i) => (i === 10 || i === 18 ? 'X' : undefined)));
  assert.deepEqual(apart.filter((l) => l.startsWith('@@')), ['@@ -7,7 +7,7 @@', '@@ -15,7 +15,7 @@']);
  assert.deepEqual(diffText(numbered(5), numbered(5, (i) => (i === 3 ? 'X' : undefined)), 0), ['--- a', '+++ b', '@@ -3 +3 @@', '-line 3', '+X']);
  assert.deepEqual(diffText('a\nb\n', 'a\nx\nb\n', 0), ['--- a', '+++ b', '@@ -1,0 +2 @@', '+x']);
});

test('line kinds for colouring', () => {
  const kinds = unifiedDiff('a\nb', 'a\nc\n', { fromLabel: 'x', toLabel: 'y' }).map((l) => l.kind);
  assert.deepEqual(kinds, ['header', 'header', 'hunk', 'context', 'removed', 'note', 'added']);
});

// A small deterministic generator: texts from a few distinct lines, so that edits interleave with equal lines.
function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => ((s = (Math.imul(s, 1664525) + 1013904223) >>> 0) / 2 ** 32);
}

test('random texts: the diff applies with patch and is as small as diff --minimal', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsinfra-udiff-'));
  try {
    const rnd = random(42);
    const text = () => {
      const n = Math.floor(rnd() * 14);
      const lines = Array.from({ length: n }, () => 'abcde'[Math.floor(rnd() * 5)]!);
      return lines.join('\n') + (n > 0 && rnd() < 0.8 ? '\n' : '');
    };
    for (let i = 0; i < 60; i++) {
      const a = text();
      const b = text();
      const ours = diffText(a, b);
      if (a === b) {
        assert.deepEqual(ours, []);
        continue;
      }
      writeFileSync(join(dir, 'a'), a);
      writeFileSync(join(dir, 'b'), b);
      writeFileSync(join(dir, 'p'), ours.join('\n') + '\n');
      execFileSync('patch', ['--quiet', '-o', join(dir, 'out'), join(dir, 'a'), '-i', join(dir, 'p')]);
      assert.equal(readFileSync(join(dir, 'out'), 'utf8'), b, `case ${i}: ${JSON.stringify(a)} → ${JSON.stringify(b)}`);
      const gnu = spawnSync('diff', ['--minimal', '-u', join(dir, 'a'), join(dir, 'b')]).stdout.toString().split('\n');
      const changed = (ls: string[]) => ls.filter((l) => /^[-+](?![-+]{2} )/.test(l)).length;
      assert.equal(changed(ours), changed(gnu.slice(2)), `case ${i}`);
    }
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('big, entirely different texts: a correct diff, quickly', () => {
  const a = Array.from({ length: 6000 }, (_, i) => `a${i}`).join('\n') + '\n';
  const b = Array.from({ length: 6000 }, (_, i) => `b${i}`).join('\n') + '\n';
  const started = Date.now();
  const lines = diffText(`same\n${a}same\n`, `same\n${b}same\n`);
  assert.ok(Date.now() - started < 5000);
  assert.equal(lines[2], '@@ -1,6002 +1,6002 @@');
  assert.equal(lines.filter((l) => l.startsWith('-') && l !== '--- a').length, 6000);
  assert.equal(lines.filter((l) => l.startsWith('+') && l !== '+++ b').length, 6000);
  assert.deepEqual([lines[3], lines[4], lines[6004], lines[lines.length - 1]], [' same', '-a0', '+b0', ' same']);
});
