// The pure parts of `tsinfra passwd`: the shadow probe's output, and the keep/set/fail decision.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encrypt, verify } from 'unixcrypt';
import { parseShadowProbe, planRotation, rotatePasswords, shadowProbe } from '../../../src/engine/rotate-password.js';
import { secret } from '../../../src/shell/secret.js';
import { ConnectionPool } from '../../../src/transport/connection-pool.js';
import type { Connection, ConnectTarget } from '../../../src/transport/transport.js';
import { describeHashScheme, passwordVerifies } from '../../../src/crypt/password-verify.js';

const VECTOR = '$6$salt$3aEJgflnzWuw1O3tr0IYSmhUY0cZ7iBQeBP392T7RXjLP3TKKu3ddIapQaCpbD4p9ioeGaVIjOHaym7HvCuUm0';
const pass = secret('pass');

test('passwordVerifies re-hashes with the entry\'s salt and rounds (REFERENCE.md vector, $5$, rounds=N)', () => {
  assert.equal(passwordVerifies('pass', VECTOR), true);
  assert.equal(passwordVerifies('Pass', VECTOR), false);
  const sha256 = encrypt('pass', '$5$abcdefgh');
  assert.equal(passwordVerifies('pass', sha256), true);
  const rounds = encrypt('pass', '$6$rounds=6000$0123456789abcdef');
  assert.match(rounds, /^\$6\$rounds=6000\$/);
  assert.equal(passwordVerifies('pass', rounds), true);
  for (const h of ['', '!', '*', '!*', `!${VECTOR}`, '$y$j9T$abc$def', '$1$abc$def', '$6$salt$short']) assert.equal(passwordVerifies('pass', h), false, h);
});

test('describeHashScheme names schemes, never shows the hash', () => {
  const cases: [string, string][] = [['', 'empty'], ['!', 'locked'], ['*', 'locked'], [`!${VECTOR}`, 'locked'], [VECTOR, 'SHA-512'], ['$5$a$b', 'SHA-256'], ['$y$j9T$a$b', 'yescrypt'], ['$1$a$b', 'MD5'], ['$2b$10$x', 'bcrypt'], ['$7$x', '$7$'], ['xyz', 'unknown']];
  for (const [h, want] of cases) assert.equal(describeHashScheme(h), want, h);
});

test('the probe quotes the user and reads passwd, then shadow', () => {
  const s = shadowProbe("o'brien");
  assert.match(s.text, /^tsi_user='o'\\''brien'$/m);
  assert.match(s.text, /getent passwd -- "\$tsi_user"/);
  assert.match(s.text, /getent shadow -- "\$tsi_user"/);
});

test('parseShadowProbe', () => {
  assert.deepEqual(parseShadowProbe('state=no-user\n', 'u'), { kind: 'no-user' });
  assert.deepEqual(parseShadowProbe('state=unreadable\n', 'u'), { kind: 'unreadable' });
  assert.deepEqual(parseShadowProbe('state=no-shadow\n', 'u'), { kind: 'no-shadow' });
  const st = parseShadowProbe(`shadow=u:${VECTOR}:19000:0:99999:7:::\n`, 'u');
  assert.equal(st.kind, 'hash');
  assert.equal(st.kind === 'hash' && st.hash.reveal(), VECTOR);
  assert.equal(JSON.stringify(st), '{"kind":"hash","hash":"********"}', 'the current hash serialises masked');
  assert.deepEqual(parseShadowProbe('shadow=u:!:19000::::::\n', 'u').kind, 'hash');
  for (const bad of ['', 'garbage\n', `shadow=other:${VECTOR}:1::::::\n`]) {
    assert.throws(() => parseShadowProbe(bad, 'u'), (e: Error) => /unexpected output/.test(e.message) && !e.message.includes(VECTOR));
  }
});

test('planRotation: same password → keep; different, locked, yescrypt, none → set; no user / not root → fail', () => {
  const hash = (h: string) => ({ kind: 'hash' as const, hash: secret(h) });
  assert.deepEqual(planRotation(hash(VECTOR), 'u', pass), { action: 'keep' });
  assert.deepEqual(planRotation(hash(VECTOR), 'u', secret('other')), { action: 'set' });
  assert.deepEqual(planRotation(hash('!'), 'u', pass), { action: 'set', note: 'was locked' });
  assert.deepEqual(planRotation(hash(`!${VECTOR}`), 'u', pass), { action: 'set', note: 'was locked' });
  assert.deepEqual(planRotation(hash(''), 'u', pass), { action: 'set', note: 'was empty' });
  assert.deepEqual(planRotation(hash('$y$j9T$abc$def'), 'u', pass), { action: 'set', note: 'replaces a yescrypt hash' });
  assert.deepEqual(planRotation(hash('$1$abc$def'), 'u', pass), { action: 'set', note: 'replaces a MD5 hash' });
  assert.deepEqual(planRotation({ kind: 'no-shadow' }, 'u', pass), { action: 'set', note: 'had no shadow entry' });
  assert.deepEqual(planRotation({ kind: 'no-user' }, 'u', pass), { action: 'fail', message: 'user u does not exist' });
  const notRoot = planRotation({ kind: 'unreadable' }, 'u', pass);
  assert.equal(notRoot.action, 'fail');
  assert.match(notRoot.action === 'fail' ? notRoot.message : '', /not root \(use --become/);
});

// A host that answers the probe from a fake /etc/shadow line and records every exec (command line and stdin).
interface Exec {
  command: string;
  stdin: string;
}

function fakeHost(shadowLine: string | undefined, chpasswdCode = 0) {
  const execs: Exec[] = [];
  const conn: Connection = {
    host: 'h1',
    async exec(command, options = {}) {
      const stdin = String(options.stdin ?? '');
      execs.push({ command, stdin });
      if (command === '/bin/sh -s') return { stdout: shadowLine === undefined ? 'state=no-user\n' : `shadow=${shadowLine}\n`, stderr: '', code: 0, signal: null };
      if (command === 'chpasswd -e') return { stdout: '', stderr: chpasswdCode ? `chpasswd: line 1: cannot update ${stdin}` : '', code: chpasswdCode, signal: null };
      throw new Error(`unexpected command ${command}`);
    },
    async close() {},
  };
  const target = { name: 'h1' } as ConnectTarget;
  return { execs, run: (password: string, check = false) => rotatePasswords({ hosts: [{ target }], user: 'root', password: secret(password), check, forks: 1, pool: new ConnectionPool(async () => conn) }) };
}

test('rotatePasswords: one round trip when the password is already set, two when not; check mode reads only', async () => {
  const same = fakeHost(`root:${VECTOR}:19000:0:99999:7:::`);
  const [ok] = await same.run('pass');
  assert.deepEqual([ok!.status, ok!.message], ['ok', 'password for root already set']);
  assert.equal(same.execs.length, 1);

  const differs = fakeHost(`root:${VECTOR}:19000:0:99999:7:::`);
  const [changed] = await differs.run('n3w-passw0rd');
  assert.deepEqual([changed!.status, changed!.message], ['changed', 'password for root updated']);
  assert.equal(differs.execs.length, 2);
  const set = differs.execs[1]!;
  assert.equal(set.command, 'chpasswd -e', 'nothing but the fixed command on the command line');
  const m = /^root:(\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86})\n$/.exec(set.stdin);
  assert.ok(m, `user:hash on stdin: ${set.stdin.slice(0, 12)}…`);
  assert.ok(verify('n3w-passw0rd', m[1]!));
  for (const e of differs.execs) assert.ok(!e.command.includes('n3w-passw0rd') && !e.command.includes(m[1]!) && !e.stdin.includes('n3w-passw0rd'));
  assert.ok(!JSON.stringify(changed).includes(m[1]!));

  const check = fakeHost(`root:${VECTOR}:19000:0:99999:7:::`);
  const [would] = await check.run('n3w-passw0rd', true);
  assert.deepEqual([would!.status, would!.message, would!.check], ['changed', 'password for root would be updated', true]);
  assert.equal(check.execs.length, 1, 'check mode never runs chpasswd');
});

test('rotatePasswords: a missing user fails; chpasswd output is masked; a short password does not mask our own words', async () => {
  const missing = fakeHost(undefined);
  const [noUser] = await missing.run('pw');
  assert.deepEqual([noUser!.status, noUser!.message], ['failed', 'user root does not exist']);
  assert.equal(missing.execs.length, 1);

  const failing = fakeHost('root:!:19000::::::', 1);
  const [failed] = await failing.run('for');
  assert.equal(failed!.status, 'failed');
  assert.match(failed!.message, /^chpasswd failed \(exit 1\): chpasswd: line 1: cannot update root:\*{8}$/);

  const short = fakeHost('root:*:19000::::::');
  const [r] = await short.run('for');
  assert.equal(r!.message, 'password for root updated (was locked)', 'not "password *** root"');
});
