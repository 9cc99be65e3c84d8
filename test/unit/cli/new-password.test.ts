// Password sources of `tsinfra passwd` that need no terminal: generation, the first line of a stream, the file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { generatePassword, readFirstLine, writeSecretFile } from '../../../src/cli/new-password.js';
import { secret } from '../../../src/shell/secret.js';
import { tempDir } from '../../support/temp-dir.js';

test('generated passwords: requested length, letters and digits, different every time, masked', () => {
  const a = generatePassword(24);
  assert.match(a.reveal(), /^[A-Za-z0-9]{24}$/);
  assert.match(generatePassword(100).reveal(), /^[A-Za-z0-9]{100}$/);
  assert.notEqual(a.reveal(), generatePassword(24).reveal());
  assert.equal(`${a}`, '********');
  assert.equal(JSON.stringify({ a }), '{"a":"********"}');
});

test('readFirstLine: up to the first newline (\\n or \\r\\n), or all of a stream without one', async () => {
  const feed = async (...chunks: string[]) => {
    const s = new PassThrough();
    const line = readFirstLine(s as unknown as NodeJS.ReadStream);
    for (const c of chunks) s.write(c);
    s.end();
    return line;
  };
  assert.equal(await feed('s3cret\nsecond line\n'), 's3cret');
  assert.equal(await feed('s3c', 'ret\r\n'), 's3cret');
  assert.equal(await feed('no newline'), 'no newline');
  assert.equal(await feed(''), '');
  assert.equal(await feed('with spaces  \n'), 'with spaces  ', 'spaces are part of the password');
});

test('writeSecretFile: a new file of mode 600 whatever the umask; an existing file is never overwritten', () => {
  const dir = tempDir('tsinfra-newpw-');
  const path = join(dir, 'pw');
  const old = process.umask(0o000);
  try {
    writeSecretFile(path, secret('Abc123'));
  } finally {
    process.umask(old);
  }
  assert.equal(statSync(path).mode & 0o777, 0o600);
  assert.equal(readFileSync(path, 'utf8'), 'Abc123\n');
  const other = join(dir, 'existing');
  writeFileSync(other, 'keep me');
  assert.throws(() => writeSecretFile(other, secret('x')), /already exists: refusing to overwrite/);
  assert.equal(readFileSync(other, 'utf8'), 'keep me');
});
