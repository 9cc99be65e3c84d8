import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { composeProbes } from '../../../src/engine/probe-batch.js';

function runLocally(text: string) {
  const r = spawnSync('/bin/sh', ['-s'], { input: text, encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status, signal: null };
}

test('each script runs as alone: its own stdout, stderr and exit code, nothing expanded', () => {
  const scripts = [
    'echo one; echo err-one >&2; exit 3',
    'printf "no newline"',
    'x=$(cat); echo "stdin is empty: [$x]"', // reads its own stdin (the script), not the next script
    "echo '$HOME and `date` and \\\\ stay text'; echo \"$((1+2))\"",
    'set -e; false; echo never',
    '',
  ];
  const batch = composeProbes(scripts);
  const whole = runLocally(batch.text);
  assert.equal(whole.code, 0);
  const results = batch.split(whole);
  assert.equal(results.length, scripts.length);
  const alone = scripts.map((s) => runLocally(s));
  results.forEach((r, i) => {
    assert.equal(r.stdout, alone[i]!.stdout, `stdout of script ${i}`);
    assert.equal(r.stderr, alone[i]!.stderr, `stderr of script ${i}`);
    assert.equal(r.code, alone[i]!.code, `exit code of script ${i}`);
  });
  assert.equal(results[0]!.code, 3);
  assert.equal(results[4]!.code, 1);
});

test('a script that exits the shell or prints a lookalike marker cannot end another one early', () => {
  const batch = composeProbes(['exit 7', 'echo "TSINFRA-PROBE-0000:2:0"', 'echo last']);
  const results = batch.split(runLocally(batch.text));
  assert.deepEqual(results.map((r) => [r.code, r.stdout]), [[7, ''], [0, 'TSINFRA-PROBE-0000:2:0\n'], [0, 'last\n']]);
});

test('a batch cut short gives only the finished results', () => {
  const batch = composeProbes(['echo a', 'echo b']);
  const whole = runLocally(batch.text);
  const cut = { ...whole, stdout: whole.stdout.slice(0, whole.stdout.lastIndexOf('TSINFRA-PROBE')) };
  assert.deepEqual(batch.split(cut).map((r) => r.stdout), ['a\n']);
});
