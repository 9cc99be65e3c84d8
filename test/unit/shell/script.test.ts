import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { sh, raw } from '../../../src/shell/script.js';
import { quote } from '../../../src/shell/quote.js';
import { secret, redactText } from '../../../src/shell/secret.js';

const nasty = [`a b`, `it's`, `$(touch /tmp/pwned)`, '`id`', `"x"`, '', 'new\nline', '\\', '*'];

test('quote() round-trips through dash', () => {
  for (const word of nasty) {
    const out = execFileSync('/bin/sh', ['-c', `printf %s ${quote(word)}`]).toString();
    assert.equal(out, word);
  }
});

test('sh quotes interpolations and splits arrays into words', () => {
  const s = sh`printf '%s|' ${['a b', "c'd"]} ${42}`;
  assert.equal(execFileSync('/bin/sh', ['-c', s.text]).toString(), "a b|c'd|42|");
});

test('secrets run as themselves but show as ********', () => {
  const s = sh`echo ${secret('hunter2')}`;
  assert.equal(execFileSync('/bin/sh', ['-c', s.text]).toString(), 'hunter2\n');
  assert.equal(s.shown, 'echo ********');
  assert.equal(String(secret('x')), '********');
  assert.equal(JSON.stringify({ p: secret('x') }), '{"p":"********"}');
});

test('raw is not quoted and nests inside sh', () => {
  assert.equal(sh`${raw('a && b')} ${'c d'}`.text, `a && b 'c d'`);
});

test('redactText masks every occurrence', () => {
  assert.equal(redactText('pw=abc; again abc', ['abc']), 'pw=********; again ********');
});
