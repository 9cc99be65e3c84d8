// The pure parts of archive, make, filesystem and pip: community.general's common_path and member list (os.walk
// order, exclusions, zip's archived list), the tar listing compared with the sources, make's argv and registered
// command, the filesystem decision table, pip's package-name recovery and _is_present, and the argument rules
// (aliases, k=v, required_if, mutually exclusive). The expected values are what the Python modules compute (the
// twin lab test checks the whole modules against them).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { archivePlan, archiveUpToDate, commonPath, type ArchiveArgs, type ArchiveState, type SourceEntry } from '../../../src/modules/archive.js';
import { makeCommand, makeWords, type MakeArgs } from '../../../src/modules/make.js';
import { planFilesystem, type FilesystemArgs } from '../../../src/modules/filesystem.js';
import { isPresent, pipPackages, recoverPackageNames, type PipArgs } from '../../../src/modules/pip.js';
import { validateArgs } from '../../../src/modules/registry.js';

test('archive: common_path is the shared directory with a trailing slash, as community.general computes it', () => {
  assert.equal(commonPath(['/x/src']), '/x/');
  assert.equal(commonPath(['/x/ab/f', '/x/ac/g']), '/x/');
  assert.equal(commonPath(['/x/a/b', '/x/a/c']), '/x/a/');
  assert.equal(commonPath(['/x/src/a.txt', '/x/single.txt']), '/x/');
  assert.equal(commonPath(['/top']), '/');
});

const entry = (path: string, type: string, extra: Partial<SourceEntry> = {}): SourceEntry => ({
  path, type, targetType: type, mode: type === 'd' ? 'drwxr-xr-x' : '-rw-r--r--', uid: '0', gid: '0', size: type === 'd' ? 4096 : 6, mtime: 1_800_000_000, link: '', ...extra,
});
// find's preorder (readdir order): a file, a subdirectory with its own tree, another file.
const SRC = [entry('/x/src', 'd'), entry('/x/src/a.txt', 'f'), entry('/x/src/sub', 'd'), entry('/x/src/sub/c.txt', 'f'), entry('/x/src/b.log', 'f')];
const state = (over: Partial<ArchiveState> = {}): ArchiveState => ({
  expanded: ['/x/src'], isGlobby: false, expandedExcludes: [], entries: new Map([['/x/src', SRC]]), crcs: new Map(), dest: { kind: 'none' }, ...over,
});
const args = (over: Partial<ArchiveArgs>): ArchiveArgs => ({ path: ['/x/src'], format: 'gz', exclude_path: [], force_archive: false, remove: false, ...over });

test('archive: members in os.walk order (subdirectories, then files, then each subdirectory), the directory itself left out', () => {
  const p = archivePlan(args({ dest: '/x/a.tgz' }), state());
  assert.deepEqual(p.members.map((m) => m.name), ['src/sub', 'src/a.txt', 'src/b.log', 'src/sub/c.txt']);
  assert.deepEqual(p.archived, ['/x/src/sub', '/x/src/a.txt', '/x/src/b.log', '/x/src/sub/c.txt']);
  assert.equal(p.root, '/x/');
  // zip cannot find a directory by its name: community.general leaves it out of `archived`; exclusion_patterns
  // match the archive name for tar, the full path for zip.
  const z = archivePlan(args({ dest: '/x/a.zip', format: 'zip', exclusion_patterns: ['*.log'] }), state());
  assert.deepEqual(z.archived, ['/x/src/a.txt', '/x/src/sub/c.txt']);
  assert.deepEqual(archivePlan(args({ dest: '/x/a.tgz', exclusion_patterns: ['src/*.txt'] }), state()).members.map((m) => m.name), ['src/sub', 'src/b.log']);
});

test('archive: a directory needs dest, a missing path is reported, a lone file is compressed to path.format', () => {
  assert.throws(() => archivePlan(args({}), state()), /must specify "dest"/);
  assert.throws(() => archivePlan(args({ dest: '/x/a.tgz' }), state({ expanded: [] })), /no source paths were found/);
  const one = archivePlan(args({ path: ['/x/f'] }), state({ expanded: ['/x/f'], entries: new Map([['/x/f', [entry('/x/f', 'f')]]]) }));
  assert.deepEqual([one.mustArchive, one.dest], [false, '/x/f.gz']);
  const multi = archivePlan(args({ path: ['/x/f', '/x/gone'], dest: '/x/m.tar' }), state({ expanded: ['/x/f', '/x/gone'], entries: new Map([['/x/f', [entry('/x/f', 'f')]]]) }));
  assert.deepEqual([multi.mustArchive, multi.targets, multi.missing], [true, ['/x/f'], ['/x/gone']]);
  assert.throws(() => archivePlan(args({ dest: '/x/src/in.tgz', remove: true }), state()), /can not be contained in source paths/);
});

test('archive: a tar listing matches the sources by type, mode, owner, size, mtime and name', () => {
  const s = state();
  const members = archivePlan(args({ dest: '/x/a.tgz' }), s).members;
  const time = '2027-01-15 08:00:00'; // 1_800_000_000 in UTC
  const listing = [
    `drwxr-xr-x 0/0               0 ${time} src/sub/`,
    `-rw-r--r-- 0/0               6 ${time} src/a.txt`,
    `-rw-r--r-- 0/0               6 ${time} src/b.log`,
    `-rw-r--r-- 0/0               6 ${time} src/sub/c.txt`,
  ].join('\n');
  assert.ok(archiveUpToDate('gz', listing, members, s));
  assert.ok(!archiveUpToDate('gz', listing.replace('6 2027', '7 2027'), members, s), 'a size differs');
  assert.ok(!archiveUpToDate('gz', listing.split('\n').slice(1).join('\n'), members, s), 'a member is missing');
  assert.ok(!archiveUpToDate('gz', undefined, members, s), 'an unreadable archive');
});

test('make: the argv and the registered command as community.general builds them', () => {
  const a: MakeArgs = { chdir: '/src', target: 'install', params: { PREFIX: '/opt/x y', DEBUG: true, N: 2 }, jobs: 4, file: 'GNUmakefile' };
  assert.deepEqual(makeWords(a), ['-j', '4', '-f', 'GNUmakefile', 'install', 'PREFIX=/opt/x y', 'DEBUG=True', 'N=2']);
  assert.equal(makeCommand(a, '/usr/bin/make'), "/usr/bin/make -j 4 -f GNUmakefile install 'PREFIX=/opt/x y' DEBUG=True N=2");
  assert.equal(makeCommand({ chdir: '/src' }, '/usr/bin/make'), "/usr/bin/make ''");
  assert.deepEqual(makeWords({ chdir: '/src' }), []);
});

test('filesystem: community.general\'s decision table', () => {
  const a = (over: Partial<FilesystemArgs>): FilesystemArgs => ({ dev: '/d.img', fstype: 'ext4', state: 'present', force: false, resizefs: false, ...over });
  assert.deepEqual(planFilesystem(a({ opts: '-L x -m 0' }), { exists: true, fs: '' }), [{ op: 'mkfs', dev: '/d.img', fstype: 'ext4', command: ['mkfs.ext4', '-F', '-L', 'x', '-m', '0', '/d.img'] }]);
  assert.deepEqual(planFilesystem(a({}), { exists: true, fs: 'ext4' }), []);
  assert.deepEqual(planFilesystem(a({ fstype: 'ext4dev' }), { exists: true, fs: 'ext4' }), [], 'ext4dev is ext4');
  assert.equal(planFilesystem(a({ force: true }), { exists: true, fs: 'ext4' }).length, 1, 'force makes it again');
  assert.throws(() => planFilesystem(a({ fstype: 'ext3' }), { exists: true, fs: 'ext4' }), /'\/d\.img' is already used as ext4, use force=true to overwrite/);
  assert.throws(() => planFilesystem(a({}), { exists: false, fs: '' }), /Device \/d\.img not found\./);
  assert.deepEqual(planFilesystem(a({ state: 'absent' }), { exists: false, fs: '' }), []);
  assert.deepEqual(planFilesystem(a({ state: 'absent' }), { exists: true, fs: 'swap' }), [{ op: 'wipe', dev: '/d.img', fs: 'swap' }]);
  assert.deepEqual(planFilesystem(a({ resizefs: true }), { exists: true, fs: 'ext4', devSize: 12 << 20, fsSize: 8 << 20 }), [{ op: 'grow', dev: '/d.img', family: 'Ext4' }]);
  assert.deepEqual(planFilesystem(a({ resizefs: true }), { exists: true, fs: 'ext4', devSize: 8 << 20, fsSize: 8 << 20 }), []);
  assert.throws(() => planFilesystem(a({ fstype: 'swap', resizefs: true }), { exists: true, fs: 'swap' }), /does not support resizing swap/);
  assert.deepEqual(planFilesystem(a({ fstype: 'swap' }), { exists: true, fs: 'swap' }), []);
});

test('pip: package names recovered from comma-split words, version added, _is_present over pip freeze', () => {
  assert.deepEqual(recoverPackageNames(['django>1.11.1', '<1.11.3', 'ipaddress', 'simpleproject>1.1.0', '<2.0.0']), ['django>1.11.1,<1.11.3', 'ipaddress', 'simpleproject>1.1.0,<2.0.0']);
  assert.deepEqual(recoverPackageNames(['django>1.11.1,<1.11.3,ipaddress']), ['django>1.11.1,<1.11.3', 'ipaddress']);
  const p = (over: Partial<PipArgs>): PipArgs => ({ virtualenv_site_packages: false, virtualenv_command: 'virtualenv', state: 'present', editable: false, ...over });
  assert.deepEqual(pipPackages(p({ name: ['tinypkg'], version: '1.0' })), ['tinypkg==1.0']);
  assert.deepEqual(pipPackages(p({ name: ['Foo >= 1.0'] })), ['Foo>=1.0']);
  assert.deepEqual(pipPackages(p({ name: ['/srv/wheels/a-1.0-py3-none-any.whl'] })), ['/srv/wheels/a-1.0-py3-none-any.whl']);
  const freeze = 'Tiny_Pkg==1.10\nother==2.0\n-e git+https://x#egg=y\n';
  assert.ok(isPresent('tiny-pkg', freeze));
  assert.ok(isPresent('tiny.pkg>1.9', freeze), '1.10 > 1.9');
  assert.ok(!isPresent('tiny-pkg==1.1', freeze));
  assert.ok(isPresent('other<3,>=2.0', freeze));
  assert.ok(!isPresent('missing', freeze));
  assert.ok(!isPresent('/a/path.whl', freeze), 'a path is never present (Ansible runs pip)');
});

test('the four modules\' arguments: aliases, k=v, choices and Ansible\'s cross-argument rules', () => {
  const fs = validateArgs('filesystem', 'device=/d.img type=ext4 resizefs=yes');
  assert.ok(fs.ok && fs.args.dev === '/d.img' && fs.args.fstype === 'ext4' && fs.args.resizefs === true);
  const noType = validateArgs('filesystem', { dev: '/d.img' });
  assert.ok(!noType.ok && /missing: fstype/.test(noType.problems[0]!.message));
  assert.ok(validateArgs('filesystem', { dev: '/d.img', state: 'absent' }).ok);
  assert.ok(!validateArgs('filesystem', { dev: '/d', fstype: 'ntfs' }).ok);
  const ar = validateArgs('archive', 'path=/a,/b dest=/x.zip format=zip remove=true');
  assert.ok(ar.ok && (ar.args.path as string[]).length === 2 && ar.args.remove === true);
  assert.ok(!validateArgs('archive', { path: '/a', format: 'rar' }).ok);
  const mk = validateArgs('make', 'chdir=/src target=install jobs=4');
  assert.ok(mk.ok && mk.args.jobs === 4);
  assert.ok(!validateArgs('make', { target: 'all' }).ok, 'chdir is required');
  const pip = validateArgs('pip', 'name=a,b virtualenv=/v extra_args="--no-index --find-links /w"');
  assert.ok(pip.ok && (pip.args.name as string[]).join() === 'a,b' && pip.args.extra_args === '--no-index --find-links /w');
  for (const [bad, why] of [
    [{ virtualenv: '/v' }, /one of the following is required: name, requirements/],
    [{ name: 'a', requirements: 'r.txt' }, /mutually exclusive: name\|requirements/],
    [{ name: 'a', executable: 'pip3', virtualenv: '/v' }, /mutually exclusive: executable\|virtualenv/],
    [{ name: 'a', version: '1', state: 'latest' }, /version is incompatible with state=latest/],
    [{ name: 'a>1', version: '2' }, /conflicts with any version specifier/],
    [{ name: 'a', virtualenv: '/v', virtualenv_command: 'python3 -m venv', virtualenv_python: 'python3' }, /virtualenv_python should not be used/],
  ] as const) {
    const v = validateArgs('pip', bad);
    assert.ok(!v.ok && why.test(v.problems.map((x) => x.message).join()), JSON.stringify(bad));
  }
});
