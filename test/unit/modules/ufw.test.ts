// ufw, without a host: community.general's argument rules and aliases, its commands word for word, its check-mode
// predictions, the probe's parsing, the lock-out check, and every script passing dash's syntax check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { validateArgs } from '../../../src/modules/registry.js';
import type { UfwArgs } from '../../../src/modules/ufw/ufw.js';
import { dryRunChanges, lockoutProblem, parseUfwState, portCovers, predictedChange, tuplesAllowing, ufwCommands, type UfwState } from '../../../src/modules/ufw/ufw-rules.js';
import { ufwApply, ufwDryRun, ufwProbe } from '../../../src/modules/ufw/ufw-scripts.js';

function args(raw: Record<string, unknown>): UfwArgs {
  const v = validateArgs('ufw', raw);
  assert.ok(v.ok, v.ok ? '' : JSON.stringify(v.problems));
  return v.args as UfwArgs;
}

function problems(raw: Record<string, unknown>): string[] {
  const v = validateArgs('ufw', raw);
  assert.equal(v.ok, false, `expected ${JSON.stringify(raw)} to be refused`);
  return v.ok ? [] : v.problems.map((p) => p.message);
}

const UFW = '/usr/sbin/ufw';
const texts = (raw: Record<string, unknown>, dry = false) => ufwCommands(args(raw), UFW, dry).map((c) => c.text);

test("community.general's names: aliases (policy, port, src, dest, app, if), defaults any, a numeric port as a string", () => {
  const a = args({ rule: 'allow', port: 22, proto: 'tcp', src: '10.0.0.0/8' });
  assert.equal(a.to_port, '22');
  assert.equal(a.from_ip, '10.0.0.0/8');
  assert.equal(a.to_ip, 'any');
  assert.equal(a.delete, false);
  assert.equal(args({ policy: 'deny' }).default, 'deny');
  assert.equal(args({ rule: 'allow', app: 'OpenSSH' }).name, 'OpenSSH');
  assert.equal(args({ rule: 'allow', direction: 'in', if: 'eth0' }).interface, 'eth0');
});

test("community.general's argument rules, refused before any host is touched", () => {
  assert.deepEqual(problems({ direction: 'in' }), ['ufw: one of state, default (policy), rule, logging is required (as in community.general)']);
  assert.deepEqual(problems({ rule: 'allow', name: 'OpenSSH', proto: 'tcp' }), ['ufw: name and proto are mutually exclusive (as in community.general)']);
  assert.deepEqual(problems({ rule: 'allow', interface: 'eth0' }), ['ufw.interface needs direction (in or out)']);
  assert.deepEqual(problems({ policy: 'deny', direction: 'in' }), ['ufw: with default, direction must be incoming, outgoing or routed (got in)']);
  assert.deepEqual(problems({ rule: 'allow', direction: 'incoming' }), ['ufw: with rule, direction must be in or out (got incoming)']);
  assert.deepEqual(problems({ rule: 'allow', interface_in: 'a', interface_out: 'b' }), ['ufw: only route rules can combine interface_in and interface_out']);
  assert.equal(problems({ rule: 'allow', port: '22; reboot' }).length, 1);
  assert.equal(problems({ rule: 'allow', insert: 1, insert_relative_to: 'last-ipv4' }).length, 1);
});

test("the commands, word for word as community.general builds them, in its order: state, default, rule, logging", () => {
  assert.deepEqual(texts({ state: 'enabled', policy: 'deny', logging: 'low' }), ['/usr/sbin/ufw -f enable', '/usr/sbin/ufw default deny', '/usr/sbin/ufw logging low']);
  assert.deepEqual(texts({ policy: 'reject', direction: 'routed' }), ['/usr/sbin/ufw default reject routed']);
  assert.deepEqual(texts({ rule: 'limit', port: 22, proto: 'tcp', src: '10.0.0.0/8', comment: 'ssh in' }), ["/usr/sbin/ufw limit from 10.0.0.0/8 to any port 22 proto tcp comment 'ssh in'"]);
  assert.deepEqual(texts({ rule: 'allow', route: true, delete: true, interface_in: 'eth0', interface_out: 'eth1', log: true }), ['/usr/sbin/ufw route delete allow in on eth0 out on eth1 log from any to any']);
  assert.deepEqual(texts({ rule: 'deny', insert: 2, direction: 'out', interface: 'eth0', app: 'Nginx Full' }), ["/usr/sbin/ufw insert 2 deny out on eth0 from any to any app 'Nginx Full'"]);
  assert.deepEqual(texts({ rule: 'allow', port: '80,443', proto: 'tcp' }, true), ['/usr/sbin/ufw --dry-run allow from any to any port 80,443 proto tcp']);
  const [c] = ufwCommands(args({ rule: 'allow', port: 22, proto: 'tcp', comment: 'ok' }), UFW);
  assert.deepEqual(c!.words, ['allow', 'from', 'any', 'to', 'any', 'port', '22', 'proto', 'tcp', 'comment', 'ok'], 'argv words, as shlex splits the text');
  assert.deepEqual(ufwCommands(args({ rule: 'allow', app: 'Nginx Full' }), UFW)[0]!.words, ['allow', 'from', 'any', 'to', 'any', 'app', 'Nginx Full']);
});

const ACTIVE = 'Status: active\nLogging: on (low)\nDefault: deny (incoming), allow (outgoing), disabled (routed)\nNew profiles: skip\n\nTo    Action   From\n';

test("check mode's predictions from `ufw status verbose`, as community.general reads it", () => {
  const p = (kind: 'state' | 'default' | 'logging', raw: Record<string, unknown>, status: string) => predictedChange(kind, args(raw), status);
  assert.equal(p('state', { state: 'enabled' }, ACTIVE), false);
  assert.equal(p('state', { state: 'enabled' }, 'Status: inactive\n'), true, '" active" is not in "inactive"');
  assert.equal(p('state', { state: 'disabled' }, ACTIVE), true);
  assert.equal(p('state', { state: 'reloaded' }, ACTIVE), true);
  assert.equal(p('default', { policy: 'deny' }, ACTIVE), false);
  assert.equal(p('default', { policy: 'allow', direction: 'outgoing' }, ACTIVE), false);
  assert.equal(p('default', { policy: 'deny', direction: 'outgoing' }, ACTIVE), true);
  assert.equal(p('default', { policy: 'deny', direction: 'routed' }, ACTIVE), false, 'routed disabled counts as unchanged (as community.general)');
  assert.equal(p('default', { policy: 'deny' }, 'Status: inactive\n'), true, 'inactive: no defaults to read');
  assert.equal(p('logging', { logging: 'low' }, ACTIVE), false);
  assert.equal(p('logging', { logging: 'on' }, ACTIVE), false);
  assert.equal(p('logging', { logging: 'medium' }, ACTIVE), true);
  assert.equal(p('logging', { logging: 'off' }, ACTIVE), true);

  const pre = '### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n### tuple ### allow tcp 22 ::/0 any ::/0 in\n';
  assert.equal(dryRunChanges(args({ rule: 'allow', port: 22, proto: 'tcp' }), pre, 'Skipping adding existing rule\nSkipping adding existing rule (v6)\n'), false);
  const dry = '*filter\n### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n-A ufw-user-input -p tcp --dport 22 -j ACCEPT\n### tuple ### allow tcp 80 0.0.0.0/0 any 0.0.0.0/0 in\n';
  assert.equal(dryRunChanges(args({ rule: 'allow', port: 80, proto: 'tcp' }), pre, dry), true);
  assert.equal(dryRunChanges(args({ rule: 'allow', port: 22, proto: 'tcp', src: '10.0.0.0/8' }), '### tuple ### allow tcp 22 0.0.0.0/0 any 10.0.0.0/8 in\n', '### tuple ### allow tcp 22 0.0.0.0/0 any 10.0.0.0/8 in\n'), false, 'an IPv4 rule compares the IPv4 lines');
});

const b64 = (s: string) => Buffer.from(s).toString('base64');
const stateOf = (status: string, rules: string, policy = 'DROP'): UfwState =>
  parseUfwState(`ufw=/usr/sbin/ufw\ngrep=/usr/bin/grep\nstatus_rc=0\nstatus=${b64(status)}\nrules=${b64(rules)}\ninput_policy=${policy}\n`)!;

test('the probe: ufw missing, status and tuples decoded', () => {
  assert.equal(parseUfwState('ufw=\ngrep=/usr/bin/grep\n'), undefined);
  const s = stateOf(ACTIVE, '### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n');
  assert.equal(s.status, ACTIVE);
  assert.equal(s.inputPolicy, 'DROP');
  assert.throws(() => parseUfwState(`ufw=/usr/sbin/ufw\nstatus_rc=1\nstatus=${b64('ERROR: You need to be root to run this script')}\n`), /need to be root/);
});

test('the lock-out check: refuses what would leave new SSH connections denied, and nothing else', () => {
  const SSH_RULE = '### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n### tuple ### allow tcp 22 ::/0 any ::/0 in\n';
  const inactive = stateOf('Status: inactive\n', '');
  const check = (raw: Record<string, unknown>, s: UfwState, port = 22) => lockoutProblem(args(raw), s, port);
  assert.match(check({ state: 'enabled' }, inactive) ?? '', /^enabling ufw would leave ufw active with incoming connections denied and no rule allowing the SSH port the controller uses \(22\/tcp\)/);
  assert.match(check({ state: 'enabled', policy: 'deny' }, inactive) ?? '', /enabling ufw/);
  assert.equal(check({ state: 'enabled', policy: 'allow' }, inactive), undefined, 'allow incoming');
  assert.equal(check({ state: 'enabled' }, stateOf('Status: inactive\n', '', 'ACCEPT')), undefined, 'DEFAULT_INPUT_POLICY ACCEPT');
  assert.equal(check({ state: 'enabled' }, stateOf('Status: inactive\n', SSH_RULE)), undefined, 'an SSH rule is there');
  assert.equal(check({ policy: 'deny' }, inactive), undefined, 'inactive stays inactive');
  assert.equal(check({ rule: 'allow', port: 22, proto: 'tcp' }, inactive), undefined);
  assert.match(check({ state: 'enabled' }, stateOf('Status: inactive\n', SSH_RULE), 2222) ?? '', /\(2222\/tcp\)/, 'the port tsinfra uses, not 22');
  assert.equal(check({ state: 'enabled' }, stateOf('Status: inactive\n', '### tuple ### limit tcp 2000:3000 0.0.0.0/0 any 10.0.0.0/8 in_eth0\n'), 2222), undefined, 'a range, a source, an interface: counted');
  assert.equal(check({ state: 'enabled' }, stateOf('Status: inactive\n', '### tuple ### allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 OpenSSH - in\n')), undefined, 'an application rule');
  assert.match(check({ state: 'enabled' }, stateOf('Status: inactive\n', '### tuple ### allow udp 22 0.0.0.0/0 any 0.0.0.0/0 in\n### tuple ### route:allow tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n### tuple ### deny tcp 22 0.0.0.0/0 any 0.0.0.0/0 in\n')) ?? '', /enabling/, 'udp, routed, deny: not counted');
  const active = stateOf(ACTIVE, SSH_RULE);
  assert.match(check({ rule: 'allow', port: 22, proto: 'tcp', delete: true }, active) ?? '', /^deleting this rule/);
  assert.equal(check({ rule: 'allow', port: 22, proto: 'tcp', delete: true }, stateOf(ACTIVE.replace('deny (incoming)', 'allow (incoming)'), SSH_RULE)), undefined);
  assert.match(check({ policy: 'reject' }, stateOf(ACTIVE.replace('deny (incoming)', 'allow (incoming)'), '')) ?? '', /^default reject incoming would/);
  assert.equal(check({ rule: 'allow', port: 80, proto: 'tcp' }, stateOf(ACTIVE, '')), undefined, 'already so: we got in some other way');
  assert.equal(check({ state: 'enabled', rule: 'allow', app: 'OpenSSH' }, inactive), undefined, 'the same task lets SSH in');
  assert.equal(portCovers('80,443,20:30', 22), true);
  assert.equal(portCovers('80,443', 22), false);
  assert.equal(tuplesAllowing(SSH_RULE, 22), 2);
});

test('every script is valid POSIX sh (dash -n), values quoted', () => {
  const cmds = ufwCommands(args({ state: 'enabled', rule: 'allow', port: 22, proto: 'tcp', comment: "a 'b' $(c)".replace(/'/g, '') }), UFW);
  for (const [name, text] of [['probe', ufwProbe().text], ['apply', ufwApply(cmds).text], ['dry', ufwDryRun(cmds).text]] as const) {
    const r = spawnSync('/bin/sh', ['-n'], { input: text, encoding: 'utf8' });
    assert.equal(r.status, 0, `${name}: ${r.stderr}`);
    assert.equal(text.includes("$'"), false);
  }
  assert.match(ufwApply(cmds).text, /LANG=C ufw allow from any to any port 22 proto tcp comment 'a b \$\(c\)'/);
});
