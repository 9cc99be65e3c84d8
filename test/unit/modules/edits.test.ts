// The pure pieces behind the plans: text edits, version order, key lines, password comparison, parsers.
import { spawnSync } from 'node:child_process';
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { compareDebianVersions, parseApt } from '../../../src/modules/apt.js';
import { defaultFilename, sourceLine } from '../../../src/modules/apt-repository.js';
import { dirnameOf, editKeys, parseKeyLine } from '../../../src/modules/authorized-key.js';
import { editBlock, type BlockinfileArgs } from '../../../src/modules/blockinfile.js';
import { parseFreeForm, splitWords } from '../../../src/modules/command.js';
import { NO_PROBE, PlanError, stateResult } from '../../../src/modules/define.js';
import { editLines, expandBackrefs, type LineinfileArgs } from '../../../src/modules/lineinfile.js';
import { parseKeyValues } from '../../../src/modules/lib/probe-output.js';
import { chmodArg, normalizeMode } from '../../../src/modules/lib/remote-file.js';
import { editSysctl, type SysctlArgs } from '../../../src/modules/sysctl.js';
import { newPasswordHash, parseId, parseUser, passwordMatches, type UserArgs } from '../../../src/modules/user.js';
import { pythonRegExp } from '../../../src/modules/lib/text-file.js';
import { argsOf, stateModule } from './support.js';

test('Debian version order', () => {
  const lt = (a: string, b: string) => assert.ok(compareDebianVersions(a, b) < 0 && compareDebianVersions(b, a) > 0, `${a} < ${b}`);
  lt('1.0', '1.1');
  lt('1.0~rc1', '1.0');
  lt('1.0', '1.0+b1');
  lt('7.88.1-10+deb12u14', '7.88.1-10+deb12u15');
  lt('1.9', '1.10');
  lt('1:0.9', '2:0.1');
  lt('0.9', '1:0.1');
  lt('1.0-1', '1.0-2');
  lt('1.0a', '1.0b');
  lt('1.0', '1.0a');
  lt('1.0~~', '1.0~');
  assert.equal(compareDebianVersions('1.0-1', '1.0-1'), 0);
  assert.equal(compareDebianVersions('01.0', '1.0'), 0);
});

test('apt parse: packages by name, policy blocks, cache age', () => {
  const s = parseApt('pkg=libc6\ti386\tinstalled\t2.36\npkg=libc6\tamd64\tinstalled\t2.36\npkg=x\tall\tconfig-files\t1\ncache_stamp=100\nnow=160\n');
  assert.deepEqual(s.packages.get('libc6')?.map((p) => p.arch), ['i386', 'amd64']);
  assert.equal(s.packages.get('x')?.[0]?.status, 'config-files');
  assert.equal(s.cacheAge, 60);
  const age = (out: string) => parseApt(out).cacheAge;
  assert.equal(age('cache_stamp=100\ncache_stamp=130\nnow=160\n'), 30, 'the newer of stamp file and lists');
  assert.equal(age('cache_stamp=-50\ncache_stamp=-20\nnow=160\n'), 180, 'both there: no 0 for a missing one');
  assert.equal(age('cache_stamp=-50\nnow=160\n'), 160, 'one missing: counts as 0');
  assert.equal(age('now=160\n'), 160, 'neither there');
  assert.equal(age('pkg=x\tall\tinstalled\t1\n'), undefined, 'no update_cache: no age');
  const p = parseApt('policy_begin\nfoo:\n  Installed: (none)\n  Candidate: 1.2\npolicy_end\n');
  assert.deepEqual(p.policy.get('foo'), { candidate: '1.2' });
});

test('apt parse: status file stanzas as dpkg-query lines; not-installed dropped; name:arch keeps that arch', () => {
  const stanzas = [
    'Package: libc6\nStatus: install ok installed\nArchitecture: amd64\nVersion: 2.36',
    'Package: libc6\nStatus: deinstall ok config-files\nArchitecture: i386\nVersion: 2.35',
    'Package: half\nStatus: install reinstreq half-installed\nArchitecture: amd64',
    'Package: old\nStatus: deinstall ok config-files\nVersion: 1',
    'Package: wanted\nStatus: install ok not-installed',
  ].join('\n');
  const lines = 'pkg=libc6\tamd64\tinstalled\t2.36\npkg=libc6\ti386\tconfig-files\t2.35\npkg=half\tamd64\thalf-installed\t\n' +
    'pkg=old\t\tconfig-files\t1\npkg=wanted\t\tnot-installed\t\npkg=debconf-2.0\t\tnot-installed\t\n';
  assert.deepEqual(parseApt(stanzas), parseApt(lines));
  assert.deepEqual([...parseApt(stanzas).packages.keys()], ['libc6', 'half', 'old']);
  const only = (names: string[]) => parseApt(stanzas, names).packages.get('libc6')?.map((p) => p.arch);
  assert.deepEqual(only(['libc6:i386']), ['i386']);
  assert.deepEqual(only(['libc6', 'libc6:i386']), ['amd64', 'i386']);
  assert.equal(only(['libc6:all']), undefined);
});

const li = (a: Partial<LineinfileArgs>): LineinfileArgs => argsOf<LineinfileArgs>('lineinfile', { path: '/x', ...a });

test('lineinfile edits', () => {
  assert.equal(editLines(li({ regexp: '^a=', line: 'a=2' }), 'a=1\nb\na=3\n'), 'a=1\nb\na=2\n', 'the last match is replaced');
  assert.equal(editLines(li({ regexp: '^a=', line: 'a=2', firstmatch: true }), 'a=1\na=3\n'), 'a=2\na=3\n');
  assert.equal(editLines(li({ line: 'x', insertbefore: '^b' }), 'a\nb\n'), 'a\nx\nb\n');
  assert.equal(editLines(li({ line: 'x', insertafter: '^nomatch' }), 'a\n'), 'a\nx\n', 'no match: at the end');
  assert.equal(editLines(li({ line: 'x' }), ''), 'x\n');
  assert.equal(editLines(li({ line: 'x', state: 'absent' }), 'x\ny\nx\n'), 'y\n');
  assert.equal(editLines(li({ regexp: '^#', state: 'absent' }), '# a\nb\n# c'), 'b\n');
  assert.equal(editLines(li({ line: 'b' }), 'a\nb'), 'a\nb', 'present already, even without final newline');
  assert.equal(editLines(li({ regexp: '(?P<k>\\w+)=(?P<v>\\d+)', line: '\\g<k>: \\g<v>', backrefs: true }), 'port=80\n'), 'port: 80\n');
});

test('backrefs expansion and Python regexps', () => {
  const m = /(a)(b)?/.exec('a')!;
  assert.equal(expandBackrefs('\\1-\\2-\\\\-\\n', m), 'a--\\-\n');
  assert.ok(pythonRegExp('(?P<x>a)(?P=x)').test('aa'));
});

const bi = (a: Partial<BlockinfileArgs>): BlockinfileArgs => argsOf<BlockinfileArgs>('blockinfile', { path: '/x', ...a });

test('blockinfile edits', () => {
  assert.equal(editBlock(bi({ block: 'b1' }), 'x'), 'x\n# BEGIN ANSIBLE MANAGED BLOCK\nb1\n# END ANSIBLE MANAGED BLOCK\n');
  assert.equal(editBlock(bi({ block: 'b1', insertbefore: 'BOF' }), 'x\n'), '# BEGIN ANSIBLE MANAGED BLOCK\nb1\n# END ANSIBLE MANAGED BLOCK\nx\n');
  const withBlock = 'a\n# BEGIN ANSIBLE MANAGED BLOCK\nold\n# END ANSIBLE MANAGED BLOCK\nz\n';
  assert.equal(editBlock(bi({ block: 'new1\nnew2', insertbefore: 'BOF' }), withBlock), 'a\n# BEGIN ANSIBLE MANAGED BLOCK\nnew1\nnew2\n# END ANSIBLE MANAGED BLOCK\nz\n', 'replaced in place');
  assert.equal(editBlock(bi({ block: '' }), withBlock), 'a\nz\n', 'an empty block removes it');
  assert.equal(editBlock(bi({ state: 'absent' }), 'a\n'), 'a\n');
});

test('sysctl edits', () => {
  const s = (a: Partial<SysctlArgs>) => argsOf<SysctlArgs>('sysctl', { name: 'vm.swappiness', ...a });
  assert.equal(editSysctl(s({ value: 10 }), 'vm.swappiness = 10\n'), 'vm.swappiness = 10\n', 'only spacing differs: left alone');
  assert.equal(editSysctl(s({ value: 10 }), '#vm.swappiness=60\nvm.swappiness=60\n'), '#vm.swappiness=60\nvm.swappiness=10\n');
  assert.equal(editSysctl(s({ value: 1 }), ''), 'vm.swappiness=1\n');
});

test('authorized_keys lines', () => {
  assert.deepEqual(parseKeyLine('ssh-ed25519 AAAAC3Nz me@x y'), { type: 'ssh-ed25519', data: 'AAAAC3Nz', comment: 'me@x y' });
  assert.deepEqual(parseKeyLine('command="echo a b",no-pty ssh-rsa AAAAB3== c'), { options: 'command="echo a b",no-pty', type: 'ssh-rsa', data: 'AAAAB3==', comment: 'c' });
  assert.equal(parseKeyLine('# ssh-rsa AAAA'), undefined);
  assert.equal(parseKeyLine('garbage'), undefined);
  const args = argsOf<Parameters<typeof editKeys>[0]>('authorized_key', { user: 'u', key: 'ssh-ed25519 AAAA new\nssh-rsa BBBB' });
  assert.equal(editKeys(args, 'ssh-ed25519 AAAA old\nssh-ed25519 AAAA dup\n'), 'ssh-ed25519 AAAA new\nssh-rsa BBBB\n', 'replaced once, duplicate dropped, missing added');
});

test('password comparison re-hashes plain text with the existing salt (REFERENCE.md vector)', () => {
  const vector = '$6$salt$3aEJgflnzWuw1O3tr0IYSmhUY0cZ7iBQeBP392T7RXjLP3TKKu3ddIapQaCpbD4p9ioeGaVIjOHaym7HvCuUm0';
  const u = (a: Partial<UserArgs>) => argsOf<UserArgs>('user', { name: 'u', ...a });
  assert.equal(passwordMatches(u({ password_plain: 'pass' }), vector), true);
  assert.equal(passwordMatches(u({ password_plain: 'Pass' }), vector), false);
  assert.equal(passwordMatches(u({ password: vector }), vector), true);
  assert.equal(passwordMatches(u({ password_plain: 'pass' }), '!'), false);
  const fresh = newPasswordHash('pass');
  assert.match(fresh, /^\$6\$[./0-9A-Za-z]{16}\$/);
  assert.notEqual(fresh, newPasswordHash('pass'), 'a new salt every time');
  assert.equal(passwordMatches(u({ password_plain: 'pass' }), fresh), true);
});

test('user parse', () => {
  const s = parseUser('passwd=deploy:x:1001:1002:D, X:/home/d:/bin/sh\nid=uid=1001(deploy) gid=1002(staff) groups=1002(staff),27(sudo),4(adm)\n');
  assert.deepEqual(s, { exists: true, uid: 1001, gid: 1002, group: 'staff', groups: ['sudo', 'adm'], comment: 'D, X', home: '/home/d', shell: '/bin/sh', shadowReadable: false });
  assert.throws(() => parseUser('motd only\n'), PlanError);
  const pw = 'passwd=deploy:x:1001:1001::/home/d:/bin/sh\nid=uid=1001(deploy) gid=1001(deploy) groups=1001(deploy)\n';
  assert.equal(parseUser(`${pw}shadow=deploy:$6$s$h:19700:0:99999:7:::\n`).hash, '$6$s$h', 'the hash is field 2 of the shadow entry');
  assert.equal(parseUser(`${pw}shadow=deploy::19700:0:99999:7:::\n`).hash, '', 'an empty hash is still readable');
  assert.equal(parseUser(`${pw}shadow=deploy::19700:0:99999:7:::\n`).shadowReadable, true);
  assert.equal(parseUser(`${pw}shadow=\n`).shadowReadable, false, 'getent printed nothing: not root');
});

test('id output: names with spaces, commas and parentheses; groups without a name', () => {
  assert.deepEqual(parseId('uid=1001(deploy) gid=1001(deploy) groups=1001(deploy),27(sudo)'), { primary: 'deploy', groups: ['deploy', 'sudo'] });
  assert.deepEqual(parseId('uid=5(x) gid=513(domain users) groups=513(domain users),700(a,b (c)),1234'), {
    primary: 'domain users',
    groups: ['domain users', 'a,b (c)', '1234'],
  });
  assert.deepEqual(parseId('uid=1001 gid=4242 groups=4242,27(sudo)'), { primary: '4242', groups: ['4242', 'sudo'] });
  assert.deepEqual(parseId(''), { primary: '', groups: [] }, 'id failed: the user went');
  assert.throws(() => parseId('utilisateur=1001(deploy)'), PlanError);
  assert.throws(() => parseId('uid=1(a) gid=1(a) groups=1(a),x'), PlanError);
});

test('dirnameOf prints what dirname does', () => {
  const cases: [string, string][] = [
    ['/', '/'], ['//', '/'], ['/a', '/'], ['/a/', '/'], ['//a', '/'], ['/a/b', '/a'], ['/a//b', '/a'],
    ['/a/b//', '/a'], ['//a//b/', '//a'], ['/a b/$(c)', '/a b'], ['/home/d/.ssh/authorized_keys', '/home/d/.ssh'],
  ];
  for (const [path, dir] of cases) {
    assert.equal(dirnameOf(path), dir, path);
    assert.equal(spawnSync('dirname', ['--', path], { encoding: 'utf8' }).stdout, `${dir}\n`, `the table holds for dirname ${path}`);
  }
});

test('key=value probe output', () => {
  const kv = parseKeyValues('banner line\nkind=file\nx=a=b\r\nkind=dup\n');
  assert.equal(kv.get('kind'), 'file');
  assert.equal(kv.get('x'), 'a=b');
});

test('modes', () => {
  assert.equal(normalizeMode('0644'), '644');
  assert.equal(normalizeMode('01777'), '1777');
  assert.equal(chmodArg('755'), '00755');
  assert.equal(chmodArg('4755'), '04755');
});

test('shell words and free form', () => {
  assert.deepEqual(splitWords(`a 'b c' "d \\"e\\"" f\\ g ''`), ['a', 'b c', 'd "e"', 'f g', '']);
  assert.deepEqual(parseFreeForm('tar xf a.tgz creates=/opt/a removes="/tmp/a b"'), { creates: '/opt/a', removes: '/tmp/a b', cmd: 'tar xf a.tgz' });
});

test('apt_repository lines and names', () => {
  assert.equal(sourceLine('deb  http://x/ s main', '/k.asc'), 'deb [signed-by=/k.asc] http://x/ s main');
  assert.equal(sourceLine('deb [arch=amd64] http://x/ s', '/k.asc'), 'deb [arch=amd64 signed-by=/k.asc] http://x/ s');
  assert.equal(sourceLine('deb [signed-by=/a.gpg] http://x/ s', '/k.asc'), 'deb [signed-by=/a.gpg] http://x/ s');
  assert.equal(defaultFilename('deb https://apt.releases.hashicorp.com bookworm main'), 'apt_releases_hashicorp_com');
});

test('stateResult builds the registered result', () => {
  const copy = stateModule('copy');
  const args = argsOf('copy', { dest: '/etc/motd', content: 'hi\n' });
  const state = copy.parse({ ...NO_PROBE, stdout: 'kind=none\n' }, args);
  const changes = copy.plan(args, state);
  const checkMode = stateResult(copy, { args, state, changes, withDiff: true });
  assert.equal(checkMode.changed, true);
  assert.deepEqual(checkMode.changes, ['write /etc/motd (3 bytes, sha256 98ea6e4f216f)']);
  assert.deepEqual(checkMode.diff, { path: '/etc/motd', before: '', after: 'hi\n' });
  const applied = stateResult(copy, { args, state, changes, applied: { stdout: 'backup_file=/etc/motd.1~\n', stderr: '', code: 0, signal: null } });
  assert.equal(applied.backup_file, '/etc/motd.1~');
  // copy registers Ansible's keys, not our script's rc/stdout
  assert.equal(applied.rc, undefined);
  assert.equal(applied.checksum, '55ca6286e3e4f4fba5d0448333fa99fc5a404a73'); // sha1 of "hi\n"
  assert.equal(applied.md5sum, '764efa883dda1e11db47671c4a3bbd9e');
  assert.equal(applied.diff, undefined);
  const file = copy.parse({ ...NO_PROBE, stdout: 'kind=file\nmode=644\nuid=0\nuser=root\ngid=0\ngroup=root\nsize=3\n' }, args);
  assert.deepEqual(stateResult(copy, { args, state: file, changes: [] }), {
    changed: false,
    failed: false,
    changes: [],
    checksum: '55ca6286e3e4f4fba5d0448333fa99fc5a404a73',
    dest: '/etc/motd',
    path: '/etc/motd',
    uid: 0,
    gid: 0,
    owner: 'root',
    group: 'root',
    mode: '0644',
    state: 'file',
    size: 3,
  });
});
