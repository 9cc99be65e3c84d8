import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { composeProbes } from '../../../../src/engine/read-ahead/probe-batch.js';
import { raw } from '../../../../src/shell/script.js';
import { sharedName, sharedRead } from '../../../../src/shell/shared-read.js';

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

test('a shared read runs once for the batch, first; each probe runs as alone would', () => {
  const read = (n: string) => sharedRead(raw(`${n}=$(echo read >> "$TSI_TEST_LOG"; echo value); ${n}_rc=$?`)).text;
  const name = sharedName('the same listing');
  const scripts = [`${read(name)}\necho "one: $${name} $${name}_rc"`, `${read(name)}\necho "two: $${name}"`, 'echo "three: ${tsi_s_unset-none}"'];
  const batch = composeProbes(scripts);
  assert.equal(batch.text.split(read(name)).length, 2, 'the shared read appears once');
  const dir = mkdtempSync(join(tmpdir(), 'tsinfra-batch-'));
  try {
    const run = (text: string, log: string) => {
      const r = spawnSync('/bin/sh', ['-s'], { input: text, encoding: 'utf8', env: { ...process.env, TSI_TEST_LOG: join(dir, log) } });
      return { stdout: r.stdout, stderr: r.stderr, code: r.status, signal: null };
    };
    const results = batch.split(run(batch.text, 'batch'));
    assert.deepEqual(results.map((r) => r.stdout), ['one: value 0\n', 'two: value\n', 'three: none\n']);
    assert.equal(readFileSync(join(dir, 'batch'), 'utf8'), 'read\n', 'read once for two probes');
    scripts.forEach((s, i) => assert.equal(run(s, `alone${i}`).stdout, results[i]!.stdout, `alone, probe ${i} reads for itself`));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('a probe that does not start with its shared read (an environment goes first) keeps it, in its subshell', () => {
  const shared = sharedRead(raw('tsi_s_x=$PATH_HINT')).text;
  const batch = composeProbes([`export PATH_HINT=mine\n${shared}\necho "$tsi_s_x"`, `${shared}\necho "[$tsi_s_x]"`]);
  const results = batch.split(runLocally(batch.text));
  assert.deepEqual(results.map((r) => r.stdout), ['mine\n', '[]\n']);
});
