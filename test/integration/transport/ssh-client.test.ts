// Transport against a real OpenSSH sshd on loopback (see test/support/sshd.ts).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { createHmac, randomBytes } from 'node:crypto';
import { connectSsh, traceSshNegotiation } from '../../../src/transport/ssh/client.js';
import { ConnectError, CommandError } from '../../../src/errors.js';
import type { ConnectTarget } from '../../../src/transport/transport.js';
import { sshdTarget, startSshd } from '../../support/sshd.js';

const sshd = await startSshd();

const target = (over: Partial<ConnectTarget> = {}): ConnectTarget => sshdTarget(sshd, over);

test('exec returns stdout, stderr and exit code untrimmed', async () => {
  const c = await connectSsh(target());
  try {
    const r = await c.exec(`printf '  a\\n\\n'; printf 'oops' >&2; exit 3`);
    assert.deepEqual(r, { stdout: '  a\n\n', stderr: 'oops', code: 3, signal: null });
  } finally {
    await c.close();
  }
});

test('a script on stdin runs under sh -s; a signal is reported', async () => {
  const c = await connectSsh(target());
  try {
    const r = await c.exec('sh -s', { stdin: `set -eu\nx="it's"\necho "$x"\n` });
    assert.equal(r.stdout, "it's\n");
    const k = await c.exec('kill -TERM $$');
    assert.equal(k.signal, 'SIGTERM');
    assert.equal(k.code, null);
  } finally {
    await c.close();
  }
});

test('-vvvv: the SSH negotiation is traced per host (ident, algorithms, auth), without the per-command channel noise', async () => {
  const lines: string[] = [];
  traceSshNegotiation((host, line) => lines.push(`${host} ${line}`));
  try {
    const c = await connectSsh(target());
    await c.exec('true');
    await c.close();
  } finally {
    traceSshNegotiation(undefined);
  }
  const text = lines.join('\n');
  assert.ok(lines.every((l) => l.startsWith(`${target().name} `)), text);
  assert.match(text, /Remote ident: 'SSH-2\.0-OpenSSH/);
  assert.match(text, /Handshake: KEX algorithm: \S+/);
  assert.match(text, /USERAUTH_SUCCESS/);
  assert.doesNotMatch(text, /CHANNEL_/);
});

test('one connection serves 30 concurrent commands (channel cap below MaxSessions 10)', async () => {
  const c = await connectSsh(target());
  try {
    const rs = await Promise.all(Array.from({ length: 30 }, (_, i) => c.exec(`sleep 0.05; echo ${i}`)));
    assert.deepEqual(rs.map((r) => r.stdout.trim()), Array.from({ length: 30 }, (_, i) => String(i)));
  } finally {
    await c.close();
  }
});

test('a command timeout kills the command and fails clearly', async () => {
  const c = await connectSsh(target());
  try {
    await assert.rejects(c.exec('sleep 30', { timeoutMs: 300 }), (e: unknown) => e instanceof CommandError && /timed out after 0.3s/.test(e.message));
    assert.equal((await c.exec('echo still-usable')).stdout, 'still-usable\n');
  } finally {
    await c.close();
  }
});

test('strict: an unknown host key is refused and names its fingerprint', async () => {
  const empty = join(sshd.dir, 'empty_known_hosts');
  writeFileSync(empty, '');
  await assert.rejects(connectSsh(target({ knownHostsFiles: [empty] })), (e: unknown) => e instanceof ConnectError && e.level === 'hostkey' && /unknown host key SHA256:/.test(e.message));
});

test('strict: a hashed known_hosts entry is honoured', async () => {
  const salt = randomBytes(20);
  const name = `[127.0.0.1]:${sshd.port}`;
  const hash = createHmac('sha1', salt).update(name).digest('base64');
  const file = join(sshd.dir, 'hashed_known_hosts');
  writeFileSync(file, `|1|${salt.toString('base64')}|${hash} ${sshd.hostKeyLine}\n`);
  const c = await connectSsh(target({ knownHostsFiles: [file] }));
  await c.close();
});

test('a changed host key is refused under strict and accept-new, naming both fingerprints', async () => {
  const other = join(sshd.dir, 'other');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
  const otherLine = readFileSync(`${other}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
  const file = join(sshd.dir, 'changed_known_hosts');
  writeFileSync(file, `[127.0.0.1]:${sshd.port} ${otherLine}\n`);
  const recorded = execFileSync('ssh-keygen', ['-lf', `${other}.pub`]).toString().split(' ')[1]!;
  const offered = execFileSync('ssh-keygen', ['-lf', join(sshd.dir, 'host_ed25519.pub')]).toString().split(' ')[1]!;
  for (const policy of ['strict', 'accept-new'] as const) {
    await assert.rejects(connectSsh(target({ knownHostsFiles: [file], hostKeyPolicy: policy })), (e: unknown) => {
      assert.ok(e instanceof ConnectError && e.level === 'hostkey', String(e));
      assert.match(e.message, /HOST KEY CHANGED/);
      assert.ok(e.message.includes(recorded) && e.message.includes(offered), e.message);
      return true;
    });
  }
  assert.equal(readFileSync(file, 'utf8'), `[127.0.0.1]:${sshd.port} ${otherLine}\n`, 'known_hosts untouched');
});

test('accept-new records an unknown key, then verifies it', async () => {
  const file = join(sshd.dir, 'new_known_hosts');
  writeFileSync(file, '');
  const c = await connectSsh(target({ knownHostsFiles: [file], hostKeyPolicy: 'accept-new' }));
  await c.close();
  assert.equal(readFileSync(file, 'utf8'), `[127.0.0.1]:${sshd.port} ${sshd.hostKeyLine}\n`);
  const again = await connectSsh(target({ knownHostsFiles: [file], hostKeyPolicy: 'strict' }));
  await again.close();
});

test('a refused key is an auth error, a closed port a socket error, both fast', async () => {
  const stranger = join(sshd.dir, 'stranger');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', stranger]);
  await assert.rejects(connectSsh(target({ privateKeyFiles: [stranger], agent: undefined })), (e: unknown) => e instanceof ConnectError && e.level === 'auth');
  const started = Date.now();
  await assert.rejects(connectSsh(target({ port: 1 })), (e: unknown) => e instanceof ConnectError && e.level === 'socket' && /ECONNREFUSED/.test(e.message));
  assert.ok(Date.now() - started < 10_000, "refused at once, not after a connect timeout");
});

test('an encrypted key asks for its passphrase once', async () => {
  const enc = join(sshd.dir, 'encrypted');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', 'sesame', '-f', enc]);
  writeFileSync(join(sshd.dir, 'authorized_keys'), readFileSync(`${enc}.pub`), { flag: 'a' });
  let asked = 0;
  const askPassphrase = async () => {
    asked++;
    return 'sesame';
  };
  const c1 = await connectSsh(target({ privateKeyFiles: [enc], askPassphrase }));
  const c2 = await connectSsh(target({ privateKeyFiles: [enc], askPassphrase }));
  assert.equal((await c2.exec('echo hi')).stdout, 'hi\n');
  await c1.close();
  await c2.close();
  assert.equal(asked, 1);
});
