// Probes run for real through /bin/sh (dash) on this machine, their parsed state compared with what the plain
// commands they replace (`id -gn`, `id -Gn`, `cut`, `dirname`, wrapped base64) say about the same things.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { lstatSync, mkdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { sha256 } from '../../../src/modules/lib/remote-file.js';
import { argsOf, fakeController, nastyTempDir, runSh, stateModule } from './support.js';

const { dir: root, cleanup } = nastyTempDir();
after(cleanup);

/** Probe → parse for a module, run locally. */
async function probed(module: string, raw: unknown): Promise<unknown> {
  const m = stateModule(module);
  let args = argsOf(module, raw);
  if (m.prepare) args = await m.prepare(args, fakeController());
  const r = runSh(m.probe(args));
  assert.equal(r.code, 0, r.stderr);
  return m.parse(r, args);
}

const out = (cmd: string) => spawnSync('/bin/sh', ['-c', cmd], { encoding: 'utf8' });

test('user: one id gives the groups id -gn and id -Gn give; the hash is field 2 of the shadow entry', async () => {
  for (const name of ['root', 'nobody']) {
    if (out(`getent passwd ${name}`).status !== 0) continue;
    const s = (await probed('user', { name, password: '!' })) as { group: string; groups: string[]; hash?: string; shadowReadable: boolean };
    const primary = out(`id -gn -- ${name}`).stdout.trim();
    assert.equal(s.group, primary);
    assert.deepEqual(s.groups, out(`id -Gn -- ${name}`).stdout.trim().split(' ').filter((g) => g !== '' && g !== primary));
    const shadow = out(`getent shadow -- ${name}`);
    assert.equal(s.shadowReadable, shadow.status === 0);
    if (shadow.status === 0) assert.equal(s.hash, out(`getent shadow -- ${name} | cut -d: -f2`).stdout.replace(/\n$/, ''));
  }
});

test("authorized_key: the home's key file and its directory, without cut or dirname", async () => {
  const home = out("getent passwd root | cut -d: -f6").stdout.replace(/\n$/, '');
  const s = (await probed('authorized_key', { user: 'root', key: 'ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIGq3 me@laptop' })) as {
    file: { realPath: string };
    dirKind: string;
    dirPath: string;
  };
  const dir = out(`dirname -- "$(getent passwd root | cut -d: -f6)/.ssh/authorized_keys"`).stdout.replace(/\n$/, '');
  assert.equal(s.dirPath, dir);
  assert.equal(s.dirPath, `${home}/.ssh`);
  let kind = 'none';
  try {
    const st = lstatSync(dir);
    kind = st.isSymbolicLink() ? 'link' : st.isDirectory() ? 'directory' : 'other';
  } catch {
    // missing
  }
  assert.equal(s.dirKind, kind);
  if (!lstatSync(join(dir, 'authorized_keys'), { throwIfNoEntry: false })?.isSymbolicLink()) {
    assert.equal(s.file.realPath, `${home}/.ssh/authorized_keys`);
  }
});

test('copy: sha256 without cut, and old content longer than one base64 line comes back whole', async () => {
  const dest = join(root, 'bin $(x)');
  const bytes = Buffer.from(Array.from({ length: 3000 }, (_, i) => (i * 7) % 256));
  writeFileSync(dest, bytes);
  const s = (await probed('copy', { dest, content: 'other' })) as { sha256: string; content: Buffer; stat: { size: number } };
  assert.equal(s.sha256, sha256(bytes));
  assert.deepEqual(s.content, bytes);
  assert.equal(s.stat.size, 3000);
  const same = (await probed('copy', { dest, content_base64: bytes.toString('base64') })) as { sha256: string; content?: Buffer };
  assert.equal(same.sha256, sha256(bytes));
  assert.equal(same.content, undefined, 'unchanged: no content');
});

test('lineinfile through a link with a long path: real path and content in one base64 line each', async () => {
  const deep = join(root, 'a directory name long enough to need more than one line of base64 output', 'and more');
  mkdirSync(deep, { recursive: true });
  const real = join(deep, 'real.conf');
  const text = Array.from({ length: 40 }, (_, i) => `key${i} = value ${i}`).join('\n') + '\n';
  writeFileSync(real, text);
  const link = join(root, 'link.conf');
  symlinkSync(real, link);
  const s = (await probed('lineinfile', { path: link, line: text.split('\n')[0] })) as { realPath: string; text: string };
  assert.equal(s.realPath, real);
  assert.equal(s.text, readFileSync(real, 'utf8'));
});

test('file state=link: a long target comes back whole; other states skip readlink', async () => {
  const target = join(root, 'x'.repeat(120));
  const link = join(root, 'to long');
  symlinkSync(target, link);
  const s = (await probed('file', { path: link, state: 'link', src: target })) as { target?: string };
  assert.equal(s.target, target);
  const t = (await probed('file', { path: link, state: 'absent' })) as { stat: { kind: string }; target?: string };
  assert.equal(t.stat.kind, 'link');
  assert.equal(t.target, undefined);
});

test('apt update_cache: the age from one stat of stamp file and lists', async () => {
  const mtime = (p: string) => {
    try {
      return Math.floor(statSync(p).mtimeMs / 1000);
    } catch {
      return 0;
    }
  };
  const s = (await probed('apt', { update_cache: true })) as { cacheAge: number };
  const want = Math.floor(Date.now() / 1000) - Math.max(mtime('/var/lib/apt/periodic/update-success-stamp'), mtime('/var/lib/apt/lists'));
  assert.ok(Math.abs(s.cacheAge - want) <= 2, `age ${s.cacheAge}, expected about ${want}`);
});
