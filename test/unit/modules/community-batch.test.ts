// The pure parts of the community.general modules: ini_file's edit checked case by case against the output of
// community.general's own do_ini (captured from the installed collection: the expected values below are what it
// returned for the same text and arguments), pam_limits' line edit, modprobe's plan over probed files,
// capabilities' getcap parsing and plan, alternatives' --display parsing, timezone's probe parsing, locale names.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { editIni } from '../../../src/modules/ini-file.js';
import { editLimits } from '../../../src/modules/pam-limits.js';
import { parseModprobe, planModprobe } from '../../../src/modules/modprobe.js';
import { capabilities, parseGetcap } from '../../../src/modules/capabilities.js';
import { parseDisplay, planAlternatives } from '../../../src/modules/alternatives.js';
import { parseTimezone } from '../../../src/modules/timezone.js';
import { fixCase, isAvailable } from '../../../src/modules/locale-gen.js';
import { patchOptions } from '../../../src/modules/patch.js';
import { at } from '../../../src/modules/at.js';
import { validateArgs } from '../../../src/modules/registry.js';

type IniCase = [text: string, args: Record<string, unknown>, expected: { changed: boolean; msg: string; after: string }];
// [text, args, what community.general's do_ini returned]
const INI_CASES: IniCase[] = [
  ["", {"section": "s", "option": "o", "values": ["1"]}, {"changed": true, "msg": "section and option added", "after": "\n[s]\no = 1\n"}],
  ["", {"option": "o", "values": ["1"]}, {"changed": true, "msg": "option added", "after": "o = 1\n\n"}],
  ["[s]\no = 0\n", {"section": "s", "option": "o", "values": ["1"]}, {"changed": true, "msg": "option changed", "after": "[s]\no = 1\n"}],
  ["[s]\no = 1\n", {"section": "s", "option": "o", "values": ["1"]}, {"changed": false, "msg": "OK", "after": "[s]\no = 1\n"}],
  ["[s]\n# o = 0\nx=1\n\n[t]\na=b", {"section": "s", "option": "o", "values": ["1"]}, {"changed": true, "msg": "option changed", "after": "[s]\no = 1\nx=1\n\n[t]\na=b\n"}],
  ["[s]\no=1\no=2\no=3\n", {"section": "s", "option": "o", "values": ["3", "4"]}, {"changed": true, "msg": "option changed", "after": "[s]\no = 4\no = 3\n"}],
  ["[s]\no=1\no=2\no=3\n", {"section": "s", "option": "o", "values": ["3", "4"], "exclusive": false}, {"changed": true, "msg": "option added", "after": "[s]\no=1\no=2\no = 3\no = 4\n"}],
  ["[s]\no=1\no=2\n[t]\no=1\n", {"section": "s", "option": "o", "values": [], "state": "absent"}, {"changed": true, "msg": "option changed", "after": "[s]\n[t]\no=1\n"}],
  ["[s]\no=1\no=2\n[t]\no=1\n", {"section": "s", "option": "o", "values": ["2"], "state": "absent", "exclusive": false}, {"changed": true, "msg": "option changed", "after": "[s]\no=1\n[t]\no=1\n"}],
  ["[s]\no=1\no=2\n[t]\no=1\n", {"section": "s", "values": [], "state": "absent"}, {"changed": true, "msg": "section removed", "after": "[t]\no=1\n"}],
  ["[s]\nk\n", {"section": "s", "option": "flag", "values": [], "allow_no_value": true}, {"changed": true, "msg": "option added", "after": "[s]\nk\nflag\n"}],
  ["[s]\nflag\n", {"section": "s", "option": "flag", "values": [], "allow_no_value": true}, {"changed": false, "msg": "OK", "after": "[s]\nflag\n"}],
  ["a=1\n[s]\nx=1\n", {"section": "new", "values": [], "allow_no_value": true}, {"changed": true, "msg": "only section added", "after": "a=1\n[s]\nx=1\n[new]\n"}],
  ["top=1\n\n[s]\nx=1\n", {"option": "top", "values": ["2"], "no_extra_spaces": true}, {"changed": true, "msg": "option changed", "after": "top=2\n\n[s]\nx=1\n"}],
  ["[s]\r\nx = 1\r\n", {"section": "s", "option": "y", "values": ["2"]}, {"changed": true, "msg": "option added", "after": "[s]\nx = 1\ny = 2\n"}],
  ["[s]\n;o = 0\n", {"section": "s", "option": "o", "values": ["a b"]}, {"changed": true, "msg": "option changed", "after": "[s]\no = a b\n"}],
];

test('ini_file edits as community.general do_ini does', () => {
  for (const [text, args, expected] of INI_CASES) {
    const r = editIni({ state: 'present', exclusive: true, no_extra_spaces: false, allow_no_value: false, values: [], ...args }, text);
    assert.deepEqual({ changed: r.changed, msg: r.msg, after: r.text }, expected, `${JSON.stringify(text)} ${JSON.stringify(args)}`);
  }
});

test('ini_file arguments: aliases, k=v, value or values', () => {
  const v = validateArgs('ini_file', 'dest=/etc/a.ini section=s option=o value=1 no_extra_spaces=yes');
  assert.ok(v.ok);
  assert.equal(v.args.path, '/etc/a.ini');
  assert.equal(v.args.no_extra_spaces, true);
  assert.equal(v.args.create, true);
  assert.ok(!validateArgs('ini_file', { path: '/a', option: 'o', value: '1', values: ['2'] }).ok);
  const missing = validateArgs('ini_file', { path: '/a', section: 's', option: 'o' });
  assert.ok(!missing.ok && /value or values/.test(missing.problems[0]!.message));
});

test('pam_limits: rewrites the matching line with tabs, keeps the larger with use_max, appends otherwise', () => {
  const base = { domain: '*', limit_type: 'soft' as const, limit_item: 'nofile' as const, use_max: false, use_min: false, backup: false, dest: '/x', comment: '' };
  const text = '# comment\n*    soft  nofile  1024\n@staff hard nproc 10\n';
  assert.deepEqual(editLimits({ ...base, value: '1024' }, text), { text, msg: '*    soft  nofile  1024\n' });
  assert.deepEqual(editLimits({ ...base, value: '2048' }, text).text, '# comment\n*\tsoft\tnofile\t2048\n@staff hard nproc 10\n');
  assert.equal(editLimits({ ...base, value: '512', use_max: true }, text).text, text);
  assert.equal(editLimits({ ...base, value: 'unlimited', use_min: true }, text).text, text);
  assert.equal(editLimits({ ...base, limit_item: 'core', value: '0', comment: 'no cores' }, text).text, `${text}*\tsoft\tcore\t0\t#no cores\n`);
  assert.ok(!validateArgs('pam_limits', { domain: '*', limit_type: 'soft', limit_item: 'nofile', value: 'lots' }).ok);
  assert.ok(!validateArgs('pam_limits', { domain: '*', limit_type: 'soft', limit_item: 'nice', value: '30' }).ok);
});

const b64 = (s: string) => Buffer.from(s).toString('base64');

test('modprobe: loaded from /proc/modules or modules.builtin; persistent files planned as community.general writes them', () => {
  const probe = (files: Record<string, string>, proc?: string) =>
    [proc === undefined ? '' : `proc_b64=${b64(proc)}`, ...Object.entries(files).map(([p, t]) => `file=${b64(p)}:${b64(t)}`)].join('\n');
  assert.equal(parseModprobe(probe({}, 'br_netfilter\ndummy\n'), { name: 'dummy' }).loaded, true);
  assert.equal(parseModprobe(`builtin_b64=${b64('kernel/drivers/net/dummy.ko\n')}`, { name: 'dummy' }).loaded, true);
  assert.equal(parseModprobe(probe({}), { name: 'dummy' }).loaded, false, 'no /proc/modules: nothing loaded');

  const a = { name: 'dummy', state: 'absent' as const, params: 'numdummies=2', persistent: 'present' as const };
  const fresh = planModprobe(a, parseModprobe(probe({ '/etc/modules-load.d/modules.conf': '# none\n' }), a));
  assert.deepEqual(fresh.map((c) => [c.op, 'path' in c ? c.path : '', 'content' in c ? Buffer.from(c.content, 'base64').toString() : '']), [
    ['write', '/etc/modules-load.d/dummy.conf', 'dummy\n'],
    ['write', '/etc/modprobe.d/dummy.conf', 'options dummy numdummies=2\n'],
  ]);
  const done = parseModprobe(probe({ '/etc/modules-load.d/x.conf': 'dummy # at boot\n', '/etc/modprobe.d/x.conf': 'options dummy numdummies=2\n' }), a);
  assert.deepEqual(planModprobe(a, done), []);
  const old = parseModprobe(probe({ '/etc/modules-load.d/x.conf': 'dummy\n', '/etc/modprobe.d/old.conf': 'options dummy numdummies=1\nblacklist foo\n' }), a);
  assert.deepEqual(planModprobe(a, old).map((c) => ('content' in c ? [c.path, Buffer.from(c.content, 'base64').toString()] : c.op)), [
    ['/etc/modprobe.d/old.conf', '#options dummy numdummies=1\nblacklist foo\n'],
    ['/etc/modprobe.d/dummy.conf', 'options dummy numdummies=2\n'],
  ]);
  const gone = planModprobe({ ...a, persistent: 'absent' }, old);
  assert.deepEqual(gone.map((c) => ('content' in c ? Buffer.from(c.content, 'base64').toString() : c.op)), ['#dummy\n', '#options dummy numdummies=1\nblacklist foo\n']);
  assert.deepEqual(planModprobe({ ...a, state: 'present', persistent: 'disabled' }, old).map((c) => c.op), ['load']);
});

test('capabilities: getcap output parsed (grouped names too); + and = compared as setcap would leave them', () => {
  assert.deepEqual(parseGetcap('/bin/x\n', '/bin/x'), []);
  assert.deepEqual(parseGetcap('/bin/x cap_net_raw,cap_net_admin=ep cap_sys_time+i\n', '/bin/x'), [
    ['cap_net_raw', '=', 'ep'], ['cap_net_admin', '=', 'ep'], ['cap_sys_time', '+', 'i'],
  ]);
  const plan = (capability: string, state: 'present' | 'absent', current: ReturnType<typeof parseGetcap>) =>
    capabilities.plan({ path: '/bin/x', capability, state }, current).map((c) => c.to);
  const has = parseGetcap('/bin/x cap_net_raw=ep', '/bin/x');
  assert.deepEqual(plan('cap_net_raw=ep', 'present', has), []);
  assert.deepEqual(plan('CAP_NET_RAW=pe', 'present', has), []);
  assert.deepEqual(plan('cap_net_raw+e', 'present', has), []);
  assert.deepEqual(plan('cap_net_raw=eip', 'present', has), ['cap_net_raw=eip']);
  assert.deepEqual(plan('cap_chown=ep', 'present', has), ['cap_net_raw=ep cap_chown=ep']);
  assert.deepEqual(plan('cap_net_raw', 'absent', has), ['']);
});

const DISPLAY = `twinalt - manual mode
  link best version is /opt/b
  link currently points to /opt/a
  link twinalt is /usr/local/bin/twinalt
  follower twinalt.1.gz is /usr/share/man/man1/twinalt.1.gz
/opt/a - priority 10
  follower twinalt.1.gz: /opt/a.1.gz
/opt/b - priority 20
  follower twinalt.1.gz: (null)
`;

test('alternatives: --display parsed; install, set and auto planned as community.general decides', () => {
  const s = { ...parseDisplay(DISPLAY), pathExists: true };
  assert.equal(s.mode, 'manual');
  assert.equal(s.currentPath, '/opt/a');
  assert.deepEqual(s.alternatives['/opt/a'], { priority: 10, subcommands: [{ name: 'twinalt.1.gz', path: '/opt/a.1.gz', link: '/usr/share/man/man1/twinalt.1.gz' }] });
  assert.deepEqual(s.alternatives['/opt/b'], { priority: 20, subcommands: [] });
  const plan = (a: Record<string, unknown>) => planAlternatives({ name: 'twinalt', path: '/opt/b', state: 'selected', ...a } as never, s).map((c) => c.op);
  assert.deepEqual(plan({}), ['set']);
  assert.deepEqual(plan({ path: '/opt/a' }), []);
  assert.deepEqual(plan({ priority: 30 }), ['install', 'set']);
  assert.deepEqual(plan({ state: 'auto' }), ['auto']);
  assert.deepEqual(plan({ path: '/opt/c', state: 'absent' }), []);
  assert.deepEqual(plan({ path: '/opt/a', state: 'absent' }), ['remove']);
});

test('timezone: timedatectl status, or /etc/timezone and the /etc/localtime link', () => {
  const status = 'Local time: Sun\n                Time zone: Europe/Paris (CET, +0100)\nRTC in local TZ: no\n';
  assert.deepEqual(parseTimezone(`method=systemd\nstatus_b64=${b64(status)}\nzone_ok=1`, { name: 'Europe/Paris', hwclock: 'UTC' }), {
    method: 'systemd', name: 'Europe/Paris', hwclock: 'UTC', zoneExists: true, timezoneLines: 0, rcsLines: 0, hasDpkgReconfigure: false,
  });
  const files = (tz: string, link: string) => `method=files\ntimezone_b64=${b64(tz)}\nlink_b64=${b64(link)}\nlink_ok=1\ndpkg=1\nzone_ok=1`;
  assert.equal(parseTimezone(files('Etc/UTC\n', '/usr/share/zoneinfo/Etc/UTC'), { name: 'Europe/Paris' }).name, 'Etc/UTC');
  assert.equal(parseTimezone(files('Europe/Paris\n', '/usr/share/zoneinfo/Europe/Paris'), { name: 'Europe/Paris' }).name, 'Europe/Paris');
  assert.equal(parseTimezone(files('Europe/Paris\n', '/usr/share/zoneinfo/Etc/UTC'), { name: 'Europe/Paris' }).name, 'Etc/UTC', 'the link decides');
});

test('locale_gen: charset spellings and the locale.gen list', () => {
  assert.equal(fixCase('de_CH.utf8'), 'de_CH.UTF-8');
  assert.ok(isAvailable('de_CH.UTF-8', '# de_CH.UTF-8 UTF-8\n', 'debian'));
  assert.ok(!isAvailable('xx_YY.UTF-8', '# de_CH.UTF-8 UTF-8\n', 'debian'));
});

test('patch: the options ansible.posix passes to patch(1)', () => {
  const a = { src: 'fix.patch', dest: '/etc/app.conf', strip: 0, remote_src: false, backup: true, binary: false, ignore_whitespace: true, state: 'present' as const };
  assert.deepEqual(patchOptions(a, { dryRun: true, reverse: true }), ['--quiet', '--forward', '--strip=0', '--directory=/etc', '--dry-run', '--ignore-whitespace', '/etc/app.conf', '--reverse']);
  assert.deepEqual(patchOptions({ ...a, dest: undefined, basedir: '/srv/app', strip: 1 }, { apply: true }), [
    '--quiet', '--forward', '--batch', '--reject-file=-', '--strip=1', '--directory=/srv/app', '--ignore-whitespace', '--backup', '--version-control=numbered',
  ]);
  assert.ok(!validateArgs('patch', { src: 'x.patch' }).ok, 'dest or basedir');
  const v = validateArgs('patch', 'patchfile=x.patch originalfile=/etc/a strip=1');
  assert.ok(v.ok && v.args.src === 'x.patch' && v.args.dest === '/etc/a' && v.args.strip === 1);
});

test('at: unique queues only when no job runs the command; absent removes every matching job', () => {
  const a = { command: 'echo hi', count: 5, units: 'minutes' as const, state: 'present' as const, unique: true };
  assert.deepEqual(at.plan(a, []), [{ op: 'queue', when: 'now + 5 minutes' }]);
  assert.deepEqual(at.plan(a, ['3']), []);
  assert.deepEqual(at.plan({ ...a, unique: false }, ['3']).map((c) => c.op), ['queue'], 'without unique, another job (as Ansible)');
  assert.deepEqual(at.plan({ ...a, state: 'absent' }, ['3', '7']), [{ op: 'remove', job: '3' }, { op: 'remove', job: '7' }]);
  assert.deepEqual(at.parse({ stdout: 'job=3\njob=7\n', stderr: '', code: 0, signal: null }, a), ['3', '7']);
  assert.ok(!validateArgs('at', { command: 'x' }).ok, 'present needs count and units');
  assert.ok(!validateArgs('at', { command: 'x', script_file: '/y', state: 'absent' }).ok);
});
