// File-writing modules run for real: their probe and apply scripts go through /bin/sh (dash) against a temp
// directory whose name holds a space, a quote and $(…). Proves atomic writes, kept attributes and idempotence.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, chownSync, existsSync, lstatSync, mkdirSync, readdirSync, readFileSync, readlinkSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { converge, fakeController, nastyTempDir } from './support.js';

const { dir: root, cleanup } = nastyTempDir();
after(cleanup);

let n = 0;
/** A fresh sub directory per test, itself with a nasty name. */
function place(): string {
  const d = join(root, `case ${++n} "dq" \`x\``);
  mkdirSync(d);
  return d;
}

const mode = (p: string) => (statSync(p).mode & 0o7777).toString(8);
const leftovers = (d: string) => readdirSync(d).filter((f) => f.startsWith('.tsinfra.'));

test('copy creates a file, is ok the second time, and costs one exec when unchanged', async () => {
  const d = place();
  const dest = join(d, "a file $(echo pwned) 'x'");
  const r1 = await converge('copy', { dest, content: 'hello\n' });
  assert.equal(r1.apply?.code, 0, r1.apply?.stderr);
  assert.deepEqual(r1.second, []);
  assert.equal(r1.execs, 2);
  assert.equal(readFileSync(dest, 'utf8'), 'hello\n');
  assert.equal(mode(dest), (0o666 & ~process.umask()).toString(8), 'a new file gets 0666 & ~umask, not mktemp\'s 0600');
  const r2 = await converge('copy', { dest, content: 'hello\n' });
  assert.deepEqual(r2.changes, []);
  assert.equal(r2.execs, 1);
  assert.deepEqual(leftovers(d), []);
});

test('copy replaces by rename (new inode) and keeps the old mode and owner when not given', async () => {
  const d = place();
  const dest = join(d, 'keep.conf');
  writeFileSync(dest, 'old\n');
  chmodSync(dest, 0o640);
  chownSync(dest, 1234, 2345);
  const inode = statSync(dest).ino;
  const r = await converge('copy', { dest, content: 'new\n' });
  assert.equal(r.apply?.code, 0, r.apply?.stderr);
  assert.match(r.described[0]!, /^update .*keep\.conf \(sha256 [0-9a-f]{12} → [0-9a-f]{12}, 4 bytes\)$/);
  const st = statSync(dest);
  assert.equal(readFileSync(dest, 'utf8'), 'new\n');
  assert.notEqual(st.ino, inode, 'mv over the target, not an in-place write');
  assert.equal(mode(dest), '640');
  assert.equal(st.uid, 1234);
  assert.equal(st.gid, 2345);
  assert.deepEqual(r.second, []);
  assert.deepEqual(leftovers(d), []);
});

test('copy sets mode and owner, fixes a mode alone without rewriting, and binary content survives', async () => {
  const d = place();
  const dest = join(d, 'bin');
  const bytes = Buffer.from([0, 1, 2, 255, 10, 0, 13]);
  const r1 = await converge('copy', { dest, content_base64: bytes.toString('base64'), mode: '0600', owner: '4321', group: '0' });
  assert.equal(r1.apply?.code, 0, r1.apply?.stderr);
  assert.deepEqual(readFileSync(dest), bytes);
  assert.equal(mode(dest), '600');
  assert.equal(statSync(dest).uid, 4321);
  assert.deepEqual(r1.second, []);
  const inode = statSync(dest).ino;
  const r2 = await converge('copy', { dest, content_base64: bytes.toString('base64'), mode: '0644' });
  assert.deepEqual(r2.described, [`mode of ${dest}: 600 → 644`]);
  assert.equal(statSync(dest).ino, inode, 'only chmod');
  assert.equal(mode(dest), '644');
});

test('copy with a src read on the controller, backup, and content without a final newline', async () => {
  const d = place();
  const dest = join(d, 'motd');
  writeFileSync(dest, 'before\n');
  const r = await converge('copy', { dest, src: 'files/motd', backup: true }, fakeController({ 'files/motd': 'no newline' }));
  assert.equal(r.apply?.code, 0, r.apply?.stderr);
  assert.equal(readFileSync(dest, 'utf8'), 'no newline');
  const backups = readdirSync(d).filter((f) => f.startsWith('motd.') && f.endsWith('~'));
  assert.equal(backups.length, 1);
  assert.equal(readFileSync(join(d, backups[0]!), 'utf8'), 'before\n');
  assert.match(r.apply!.stdout, /^backup_file=.*motd\.\d+\.\d{4}-\d\d-\d\d@\d\d:\d\d:\d\d~$/m);
});

test('a failing validate leaves the file and the directory untouched', async () => {
  const d = place();
  const dest = join(d, 'sudoers');
  writeFileSync(dest, 'good\n');
  const r = await converge('copy', { dest, content: 'bad\n', validate: "grep -q good %s" });
  assert.equal(r.apply?.code, 3);
  assert.match(r.apply!.stderr, /validate failed/);
  assert.equal(readFileSync(dest, 'utf8'), 'good\n');
  assert.deepEqual(leftovers(d), []);
  const ok = await converge('copy', { dest, content: 'still good\n', validate: 'grep -q good %s' });
  assert.equal(ok.apply?.code, 0, ok.apply?.stderr);
  assert.equal(readFileSync(dest, 'utf8'), 'still good\n');
});

test('copy refuses a directory at dest', async () => {
  const d = place();
  await assert.rejects(converge('copy', { dest: d, content: 'x' }), { code: 'TSI_PLAN', message: `copy: ${d} is a directory` });
});

test('template writes the text the engine rendered', async () => {
  const d = place();
  const dest = join(d, 'app.conf');
  const ctl = fakeController({ 'app.conf.hbs': 'port = 8080\n' });
  const r = await converge('template', { src: 'app.conf.hbs', dest, mode: '0640' }, ctl);
  assert.equal(r.apply?.code, 0, r.apply?.stderr);
  assert.equal(readFileSync(dest, 'utf8'), 'port = 8080\n');
  assert.equal(mode(dest), '640');
  assert.deepEqual(r.second, []);
});

test('file: directory, mode (setgid cleared), touch, link, absent', async () => {
  const d = place();
  const sub = join(d, 'a $(b)', 'c');
  let r = await converge('file', { path: sub, state: 'directory', mode: '2750' });
  assert.equal(r.apply?.code, 0, r.apply?.stderr);
  assert.equal(mode(sub), '2750');
  assert.deepEqual(r.second, []);
  r = await converge('file', { path: sub, state: 'directory', mode: '0750' });
  assert.deepEqual(r.described, [`mode of ${sub}: 2750 → 750`]);
  assert.equal(mode(sub), '750', 'five-digit chmod clears setgid on a directory');
  assert.deepEqual(r.second, []);

  const f = join(sub, "empty 'one'");
  r = await converge('file', { path: f, state: 'touch', mode: '0604' });
  assert.equal(r.apply?.code, 0, r.apply?.stderr);
  assert.equal(mode(f), '604');
  assert.deepEqual(r.second, []);
  assert.deepEqual((await converge('file', { path: f, state: 'touch' })).changes, []);

  const l = join(d, 'link');
  r = await converge('file', { path: l, state: 'link', src: sub });
  assert.equal(r.apply?.code, 0, r.apply?.stderr);
  assert.equal(readlinkSync(l), sub);
  assert.deepEqual(r.second, []);
  r = await converge('file', { path: l, state: 'link', src: f });
  assert.equal(readlinkSync(l), f, 'repointed, not created inside the old target directory');
  assert.deepEqual(r.second, []);

  r = await converge('file', { path: join(d, 'a $(b)'), state: 'absent' });
  assert.equal(existsSync(sub), false);
  assert.deepEqual(r.second, []);
});

test('file: recurse sets owner on everything inside, then is ok', async () => {
  const d = place();
  const top = join(d, 'tree');
  mkdirSync(join(top, 'x'), { recursive: true });
  writeFileSync(join(top, 'x', 'f'), '');
  const r = await converge('file', { path: top, state: 'directory', owner: '777', recurse: true });
  assert.equal(r.apply?.code, 0, r.apply?.stderr);
  assert.equal(statSync(join(top, 'x', 'f')).uid, 777);
  assert.deepEqual(r.second, []);
});

test('file: state=file on a missing path and link over a file without force are plan errors', async () => {
  const d = place();
  await assert.rejects(converge('file', { path: join(d, 'nope') }), { code: 'TSI_PLAN', message: `file: ${join(d, 'nope')} does not exist` });
  writeFileSync(join(d, 'f'), '');
  await assert.rejects(converge('file', { path: join(d, 'f'), state: 'link', src: '/etc' }), /exists and is a file/);
  const r = await converge('file', { path: join(d, 'f'), state: 'link', src: '/etc', force: true });
  assert.equal(lstatSync(join(d, 'f')).isSymbolicLink(), true);
  assert.deepEqual(r.second, []);
});

test('lineinfile edits through a symlink, keeps mode, and is idempotent', async () => {
  const d = place();
  const real = join(d, "sshd 'config'");
  writeFileSync(real, '#PermitRootLogin yes\nPort 22\n');
  chmodSync(real, 0o600);
  const link = join(d, 'link to it');
  symlinkSync(real, link);
  const r = await converge('lineinfile', { path: link, regexp: '^#?PermitRootLogin', line: 'PermitRootLogin no' });
  assert.equal(r.apply?.code, 0, r.apply?.stderr);
  assert.equal(readFileSync(real, 'utf8'), 'PermitRootLogin no\nPort 22\n');
  assert.equal(lstatSync(link).isSymbolicLink(), true, 'the link is kept');
  assert.equal(mode(real), '600');
  assert.deepEqual(r.second, []);
  const gone = await converge('lineinfile', { path: link, regexp: '^Port ', state: 'absent' });
  assert.equal(readFileSync(real, 'utf8'), 'PermitRootLogin no\n');
  assert.deepEqual(gone.second, []);
});

test('lineinfile creates a file only with create: true', async () => {
  const d = place();
  const p = join(d, 'new $(x)');
  await assert.rejects(converge('lineinfile', { path: p, line: 'a' }), /does not exist/);
  const r = await converge('lineinfile', { path: p, line: 'a', create: true, mode: '0640' });
  assert.equal(readFileSync(p, 'utf8'), 'a\n');
  assert.equal(mode(p), '640');
  assert.deepEqual(r.second, []);
  assert.deepEqual((await converge('lineinfile', { path: join(d, 'missing'), line: 'a', state: 'absent' })).changes, []);
});

test('blockinfile inserts, replaces and removes its block', async () => {
  const d = place();
  const p = join(d, 'hosts');
  writeFileSync(p, '127.0.0.1 localhost\n');
  let r = await converge('blockinfile', { path: p, block: '10.0.0.1 a\n10.0.0.2 b\n' });
  assert.equal(readFileSync(p, 'utf8'), '127.0.0.1 localhost\n# BEGIN ANSIBLE MANAGED BLOCK\n10.0.0.1 a\n10.0.0.2 b\n# END ANSIBLE MANAGED BLOCK\n');
  assert.deepEqual(r.second, []);
  r = await converge('blockinfile', { path: p, block: '10.0.0.3 c' });
  assert.equal(readFileSync(p, 'utf8'), '127.0.0.1 localhost\n# BEGIN ANSIBLE MANAGED BLOCK\n10.0.0.3 c\n# END ANSIBLE MANAGED BLOCK\n');
  r = await converge('blockinfile', { path: p, state: 'absent' });
  assert.equal(readFileSync(p, 'utf8'), '127.0.0.1 localhost\n');
  assert.deepEqual(r.second, []);
});

test('authorized_key adds to a file in a new directory with 0700/0600, then is ok', async () => {
  const d = place();
  const p = join(d, '.ssh dir', 'authorized_keys');
  const key = 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq3 me@laptop';
  const r = await converge('authorized_key', { user: 'root', key, path: p });
  assert.equal(r.apply?.code, 0, r.apply?.stderr);
  assert.equal(readFileSync(p, 'utf8'), `${key}\n`);
  assert.equal(mode(join(d, '.ssh dir')), '700');
  assert.equal(mode(p), '600');
  assert.deepEqual(r.second, []);
  const renamed = await converge('authorized_key', { user: 'root', key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq3 me@desktop', path: p });
  assert.equal(readFileSync(p, 'utf8'), 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq3 me@desktop\n', 'same key: replaced, not added');
  assert.deepEqual(renamed.second, []);
});

test('sysctl edits its file (reload off) and is idempotent', async () => {
  const d = place();
  const f = join(d, '99-tsinfra.conf');
  writeFileSync(f, '# comment\nnet.ipv4.ip_forward = 0\nnet.ipv4.ip_forward=0\n');
  const r = await converge('sysctl', { name: 'net.ipv4.ip_forward', value: 1, sysctl_file: f, reload: false });
  assert.equal(r.apply?.code, 0, r.apply?.stderr);
  assert.equal(readFileSync(f, 'utf8'), '# comment\nnet.ipv4.ip_forward=1\n');
  assert.deepEqual(r.second, []);
});

test('copy into a missing directory is a plan error; lineinfile create makes the parents', async () => {
  const d = place();
  await assert.rejects(converge('copy', { dest: join(d, 'no dir', 'f'), content: 'x' }), {
    message: `copy: destination directory ${join(d, 'no dir')} does not exist`,
  });
  const p = join(d, 'new dir', 'deeper', 'f.conf');
  const r = await converge('lineinfile', { path: p, line: 'a=1', create: true });
  assert.equal(r.apply?.code, 0, r.apply?.stderr);
  assert.equal(readFileSync(p, 'utf8'), 'a=1\n');
  assert.deepEqual(r.second, []);
});
