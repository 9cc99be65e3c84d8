// stat's probe run with the real /bin/sh over real files (in a directory whose name holds a space, a quote and
// $(…)), its registered `stat` checked against Python's os.lstat/os.stat and os.access for the same files: the
// values Ansible's stat module computes its keys from.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, symlinkSync, writeFileSync, utimesSync } from 'node:fs';
import { join } from 'node:path';
import { stateResult } from '../../../src/modules/define.js';
import { argsOf, nastyTempDir, runSh, stateModule } from './support.js';

const PYTHON = spawnSync('sh', ['-c', 'command -v python3'], { encoding: 'utf8' }).stdout.trim();

/** The keys Ansible's stat derives from os.stat, computed by Python for `path`. */
function pythonStat(path: string, follow: boolean): Record<string, unknown> {
  const program = `
import os, stat, sys, json, hashlib
p = sys.argv[1]; st = os.stat(p) if sys.argv[2] == '1' else os.lstat(p); m = st.st_mode
out = dict(mode='%04o' % stat.S_IMODE(m), isdir=stat.S_ISDIR(m), isreg=stat.S_ISREG(m), islnk=stat.S_ISLNK(m),
  isfifo=stat.S_ISFIFO(m), uid=st.st_uid, gid=st.st_gid, size=st.st_size, inode=st.st_ino, dev=st.st_dev,
  nlink=st.st_nlink, mtime=st.st_mtime, blocks=st.st_blocks, block_size=st.st_blksize, device_type=st.st_rdev,
  isuid=bool(m & stat.S_ISUID), isgid=bool(m & stat.S_ISGID), xoth=bool(m & stat.S_IXOTH),
  readable=os.access(p, os.R_OK), writeable=os.access(p, os.W_OK), executable=os.access(p, os.X_OK))
if out['islnk']: out['lnk_source'] = os.path.realpath(p); out['lnk_target'] = os.readlink(p)
if out['isreg'] and out['readable']: out['checksum'] = hashlib.sha1(open(p, 'rb').read()).hexdigest()
print(json.dumps(out))`;
  const r = spawnSync(PYTHON, ['-c', program, path, follow ? '1' : '0'], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout) as Record<string, unknown>;
}

function ourStat(raw: Record<string, unknown>): Record<string, unknown> {
  const m = stateModule('stat');
  const args = argsOf('stat', raw);
  const r = runSh(m.probe(args)!);
  assert.equal(r.code, 0, r.stderr);
  const state = m.parse(r, args);
  assert.deepEqual(m.plan(args, state), [], 'stat never plans a change');
  const registered = stateResult(m, { args, state, changes: [] });
  assert.equal(registered.changed, false);
  return registered.stat as Record<string, unknown>;
}

test('stat agrees with os.stat for a file, a link (followed or not), a dangling link, a directory and a fifo', { skip: !PYTHON && 'no python3' }, () => {
  const { dir, cleanup } = nastyTempDir();
  try {
    const file = join(dir, "it's a $(file)");
    writeFileSync(file, 'hello\n', { mode: 0o640 });
    utimesSync(file, 1700000000.25, 1700000000.25);
    symlinkSync("it's a $(file)", join(dir, 'link'));
    symlinkSync('nowhere', join(dir, 'dangling'));
    mkdirSync(join(dir, 'sub dir'), { mode: 0o2750 });
    spawnSync('mkfifo', [join(dir, 'fifo')]);
    const cases: [string, boolean][] = [[file, false], [join(dir, 'link'), false], [join(dir, 'link'), true], [join(dir, 'dangling'), false], [join(dir, 'sub dir'), false], [join(dir, 'fifo'), false]];
    for (const [path, follow] of cases) {
      const ours = ourStat({ path, follow });
      const python = pythonStat(path, follow);
      for (const [k, v] of Object.entries(python)) {
        if (k === 'mtime') assert.ok(Math.abs((ours.mtime as number) - (v as number)) < 1e-6, `${path}: mtime`);
        else assert.deepEqual(ours[k], v, `${path} (follow ${follow}): ${k}`);
      }
      assert.equal(ours.exists, true);
      assert.equal(ours.path, path);
      assert.equal('lnk_source' in ours, 'lnk_source' in python, `${path}: lnk_source`);
      assert.equal('checksum' in ours, 'checksum' in python, `${path}: checksum`);
    }
    assert.equal(ourStat({ path: file }).mtime, 1700000000.25);
  } finally {
    cleanup();
  }
});

test('stat: a missing path is exists: false; a path through a file fails, as in Ansible', () => {
  assert.deepEqual(ourStat({ path: '/nonexistent/tsinfra' }), { exists: false });
  assert.deepEqual(ourStat({ dest: '/nonexistent/tsinfra', follow: 'yes' }), { exists: false });
  const m = stateModule('stat');
  const args = argsOf('stat', { path: '/etc/passwd/x' });
  assert.throws(() => m.parse(runSh(m.probe(args)!), args), /stat: '\/etc\/passwd\/x': Not a directory/);
});

test('stat: ~ is the login home; checksum algorithms and md5', () => {
  const home = ourStat({ path: '~' });
  assert.equal(home.path, process.env.HOME);
  const hosts = ourStat({ path: '/etc/hostname', checksum_algorithm: 'sha256', get_md5: true });
  const sha256 = spawnSync('sha256sum', ['/etc/hostname'], { encoding: 'utf8' }).stdout.split(' ')[0];
  assert.equal(hosts.checksum, sha256);
  assert.match(String(hosts.md5), /^[0-9a-f]{32}$/);
  assert.equal('checksum' in ourStat({ path: '/etc/hostname', get_checksum: false }), false);
});
