// The pure parts of service_facts, package_facts, wait_for and pause: expected values worked out by Ansible 2.14's
// own algorithms (service_facts' ServiceScanService and SystemctlScanService, package_facts' APT over python-apt,
// wait_for's re.search groups, pause's "Paused for" text) on the same captured output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseSystemdServices, parseSysvServices } from '../../../src/modules/service-facts.js';
import { parsePackages } from '../../../src/modules/package-facts.js';
import { matchGroups } from '../../../src/modules/wait-for.js';
import { pythonRound2 } from '../../../src/modules/pause.js';
import { git, parseGit, repoUrl } from '../../../src/modules/git.js';
import { validateArgs } from '../../../src/modules/registry.js';

test('service_facts: service --status-all lines (sysv)', () => {
  const out = ' [ + ]  cron\n [ - ]  ssh\n [ ? ]  hwclock.sh\n [ + ]  name with spaces  \nnoise\n';
  assert.deepEqual(parseSysvServices(out), {
    cron: { name: 'cron', state: 'running', source: 'sysv' },
    ssh: { name: 'ssh', state: 'stopped', source: 'sysv' },
    'name with spaces': { name: 'name with spaces', state: 'running', source: 'sysv' },
  });
});

test('service_facts: systemctl list-units and list-unit-files (systemd 252)', () => {
  const units = [
    '  UNIT                      LOAD      ACTIVE   SUB     DESCRIPTION',
    '  cron.service              loaded    active   running Regular background program processing daemon',
    '● nginx.service             loaded    failed   failed  A high performance web server',
    '● bogus.service             not-found inactive dead    bogus.service',
    '  systemd-journald.service  loaded    active   running Journal Service',
    '  ifup@eth0.service         loaded    active   exited  ifup for eth0',
    '',
    'LOAD   = Reflects whether the unit definition was properly loaded.',
    '5 loaded units listed.',
  ].join('\n');
  const files = [
    'UNIT FILE                 STATE           VENDOR PRESET',
    'cron.service              enabled         enabled',
    'getty@.service            enabled         enabled',
    'nginx.service             enabled         enabled',
    'rsync.service             disabled        enabled',
    'systemd-journald.service  static          -',
    '',
    '5 unit files listed.',
  ].join('\n');
  const s = parseSystemdServices(units, files, 'getty@.service unknown\nrsync.service inactive\n');
  assert.deepEqual(s['cron.service'], { name: 'cron.service', state: 'running', status: 'enabled', source: 'systemd' });
  assert.deepEqual(s['nginx.service'], { name: 'nginx.service', state: 'stopped', status: 'failed', source: 'systemd' }, 'a bad state is kept over the unit file');
  assert.deepEqual(s['bogus.service'], { name: 'bogus.service', state: 'stopped', status: 'not-found', source: 'systemd' });
  assert.deepEqual(s['systemd-journald.service'], { name: 'systemd-journald.service', state: 'running', status: 'static', source: 'systemd' });
  assert.deepEqual(s['ifup@eth0.service'], { name: 'ifup@eth0.service', state: 'stopped', status: 'active', source: 'systemd' });
  assert.deepEqual(s['rsync.service'], { name: 'rsync.service', state: 'inactive', status: 'disabled', source: 'systemd' });
  assert.deepEqual(s['getty@.service'], { name: 'getty@.service', state: 'unknown', status: 'enabled', source: 'systemd' });
  assert.equal(Object.keys(s).length, 7);
});

test('package_facts: dpkg-query lines, the installed version\'s first package file and its Origin', () => {
  const list = [
    'installed\tbash\t5.2.15-2+b8\tamd64\tshells',
    'installed\tlibc6\t2.36-9+deb12u14\tamd64\tlibs',
    'installed\tlibc6\t2.36-9+deb12u14\ti386\tlibs',
    'half-configured\ttzdata\t2025b-0+deb12u1\tall\tlocalization',
    'unpacked\tlocal-tool\t1.0\tall\tmisc',
    '',
  ].join('\n');
  const policy = [
    'bash:', '  Installed: 5.2.15-2+b8', '  Candidate: 5.2.15-2+b13', '  Version table:',
    '     5.2.15-2+b13 500', '        500 http://deb.debian.org/debian bookworm/main amd64 Packages',
    ' *** 5.2.15-2+b8 100', '        100 /var/lib/dpkg/status',
    'libc6:', '  Installed: 2.36-9+deb12u14', '  Candidate: 2.36-9+deb12u14', '  Version table:',
    ' *** 2.36-9+deb12u14 500', '        500 http://deb.debian.org/debian bookworm/main amd64 Packages', '        100 /var/lib/dpkg/status',
    'libc6:i386:', '  Installed: 2.36-9+deb12u14', '  Version table:',
    ' *** 2.36-9+deb12u14 500', '        500 file:/srv/tsinfra-apt ./ Packages', '        100 /var/lib/dpkg/status',
    'tzdata:', ' *** 2025b-0+deb12u1 500', '        500 http://deb.debian.org/debian-security bookworm-security/main amd64 Packages',
    'local-tool:', ' *** 1.0 100', '        100 /var/lib/dpkg/status',
  ].join('\n');
  const files = [
    'Package files:', ' 100 /var/lib/dpkg/status', '     release a=now',
    ' 500 file:/srv/tsinfra-apt ./ Packages', '     release c=',
    ' 500 http://deb.debian.org/debian-security bookworm-security/main amd64 Packages',
    '     release v=12,o=Debian,a=oldstable-security,n=bookworm-security,l=Debian-Security,c=main,b=amd64', '     origin deb.debian.org',
    ' 500 http://deb.debian.org/debian bookworm/main amd64 Packages',
    '     release v=12.15,o=Debian,a=oldstable,n=bookworm,l=Debian,c=main,b=amd64', '     origin deb.debian.org',
    'Pinned packages:',
  ].join('\n');
  const p = parsePackages({ list, native: 'amd64', policy, files });
  assert.deepEqual(p.bash, [{ name: 'bash', version: '5.2.15-2+b8', arch: 'amd64', category: 'shells', origin: '', source: 'apt' }], 'installed version only in the status file');
  assert.deepEqual(p.libc6, [{ name: 'libc6', version: '2.36-9+deb12u14', arch: 'amd64', category: 'libs', origin: 'Debian', source: 'apt' }]);
  assert.deepEqual(p['libc6:i386'], [{ name: 'libc6:i386', version: '2.36-9+deb12u14', arch: 'i386', category: 'libs', origin: '', source: 'apt' }], 'a foreign architecture is name:arch');
  assert.equal(p.tzdata?.[0]?.origin, 'Debian');
  assert.equal(p['local-tool']?.[0]?.origin, '');
  assert.deepEqual(Object.keys(p).sort(), ['bash', 'libc6', 'libc6:i386', 'local-tool', 'tzdata']);
});

test('wait_for: match_groups and match_groupdict as Python re.search with MULTILINE gives them', () => {
  assert.deepEqual(matchGroups('^status: (?P<state>\\w+) (\\d+)?$', 'x\nstatus: ready \nstatus: up 3\n'), {
    match_groups: ['ready', null],
    match_groupdict: { state: 'ready' },
  });
  assert.deepEqual(matchGroups('ready', 'ready\n'), { match_groups: [], match_groupdict: {} });
  assert.deepEqual(matchGroups('(?P<a>x)(?P=a)', 'axx'), { match_groups: ['x'], match_groupdict: { a: 'x' } });
});

test('wait_for and pause: Ansible argument rules before any host is touched', () => {
  const problems = (m: string, a: unknown) => {
    const r = validateArgs(m, a);
    return r.ok ? [] : r.problems.map((p) => p.message);
  };
  assert.deepEqual(problems('wait_for', { path: '/x', state: 'stopped' }), ['wait_for: state=stopped should only be used for checking a port in the wait_for module']);
  assert.deepEqual(problems('wait_for', { port: 1, path: '/x' }), ['wait_for: port and path parameter can not both be passed to wait_for']);
  assert.deepEqual(problems('wait_for', { port: 22, exclude_hosts: ['10.0.0.1'] }), ['wait_for: exclude_hosts should only be with state=drained']);
  assert.deepEqual(problems('wait_for', { port: 22, state: 'drained', exclude_hosts: ['10.0.0.1'] }), []);
  assert.deepEqual(problems('pause', { seconds: 1, minutes: 1 }), ['pause: parameters are mutually exclusive: minutes|seconds']);
  assert.deepEqual(problems('pause', 'seconds=2'), []);
});

test("pause: Python's round(x, 2) in 'Paused for'", () => {
  assert.equal(pythonRound2(1.0023), '1.0');
  assert.equal(pythonRound2(0.0334), '0.03');
  assert.equal(pythonRound2(2.5), '2.5');
});

test('git: the probe\'s lines, and what the plan does with them', () => {
  const sha = (c: string) => c.repeat(40);
  const args = (raw: unknown) => {
    const r = validateArgs('git', raw);
    if (!r.ok) throw new Error(JSON.stringify(r.problems));
    return r.args as never;
  };
  assert.equal(repoUrl('/srv/repo.git'), 'file:///srv/repo.git');
  assert.equal(repoUrl('git@example.com:a/b.git'), 'git@example.com:a/b.git');
  const fresh = parseGit(`exists=0\nkind=branch\nremote_head=${sha('a')}\n`);
  assert.deepEqual(git.plan(args({ repo: '/r', dest: '/co', version: 'dev' }), fresh), [{ op: 'clone', kind: 'branch', repo: 'file:///r', dest: '/co' }]);
  const there = parseGit(`exists=1\nbefore=${sha('a')}\nmodified=0\nurl=file:///r\nlocal_commit=\nkind=head\nremote_head=${sha('a')}\n`);
  assert.deepEqual(git.plan(args({ repo: '/r', dest: '/co' }), there), [], 'at the remote head: nothing to do');
  assert.deepEqual(git.plan(args({ name: 'file:///r/', dest: '/co' }), there), [], 'the same URL written differently');
  const moved = { ...there, remoteHead: sha('b') };
  assert.deepEqual(git.plan(args({ repo: '/other', dest: '/co' }), moved).map((c) => c.op), ['set-url', 'update']);
  const modified = { ...there, modified: 2 };
  assert.throws(() => git.plan(args({ repo: '/r', dest: '/co' }), modified), /Local modifications exist in the destination: \/co \(force=no\)\./);
  assert.deepEqual(git.plan(args({ repo: '/r', dest: '/co', force: true }), modified).map((c) => c.op), ['reset']);
  const commit = { ...there, kind: 'commit' as const, localCommit: sha('a') };
  assert.deepEqual(git.plan(args({ repo: '/r', dest: '/co', version: 'aaaaaaa' }), commit), [], 'a commit already checked out');
  assert.deepEqual(git.plan(args({ repo: '/r', dest: '/co', update: false, version: 'x' }), parseGit(`exists=1\nbefore=${sha('a')}\nkind=commit\nremote_head=\n`)), []);
  const r = validateArgs('git', { repo: '/r', clone: true });
  assert.equal(r.ok, false);
  assert.match(JSON.stringify(r), /the destination directory must be specified unless clone=no/);
});
