// firewall, the action's flow against a scripted host: one exec when nothing changes, check mode stops after the
// plan, the guard arms → applies → confirms over a new connection → persists, and a lost controller means waiting
// for the rollback and failing with the rollback message. Every generated script passes dash's syntax check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ActionIO, RegisteredResult } from '../../../src/modules/define.js';
import { ROLLED_BACK, type FirewallArgs } from '../../../src/modules/firewall/firewall.js';
import { ownedRules, parseFilterTable, planFirewall, wantedRules } from '../../../src/modules/firewall/firewall-rules.js';
import { afterRollback, armAndApply, confirmAndPersist, directApply, firewallProbe, rollbackScript } from '../../../src/modules/firewall/firewall-scripts.js';
import { getModule, validateArgs } from '../../../src/modules/registry.js';
import { scriptedHost, type GuardHost } from '../../support/guard-host.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/modules/firewall');
const save = (name: string) => readFileSync(join(FIXTURES, `${name}.save`), 'utf8');
const b64 = (s: string) => Buffer.from(s).toString('base64');

function args(raw: Record<string, unknown> = {}): FirewallArgs {
  const v = validateArgs('firewall', raw);
  assert.ok(v.ok, v.ok ? '' : JSON.stringify(v.problems));
  return v.args as FirewallArgs;
}

const CAPTURED = { trusted_cidrs: ['10.99.4.0/23', 'fd00:99::/64'], trusted_interfaces: ['zt+'], pre_chains: ['sshguard'], allow_ports: [22, 80, 443, 6443, '30000:32767'], allow_udp_ports: ['6783:6784'], policy: 'reject' };

const scripted = (host: GuardHost) => scriptedHost(host, (t) => t.includes('tsi_dump'));

async function run(a: FirewallArgs, io: ActionIO): Promise<RegisteredResult> {
  const m = getModule('firewall');
  assert.ok(m && m.kind === 'action');
  return m.run(a, io);
}

const probeOf = (v4: string, v6: string, extra = '') => `v4=${b64(save(v4))}\nv6=${b64(save(v6))}\n${extra}`;

test('nothing to change: one exec (the probe), ok', async () => {
  const h = scripted({ probe: probeOf('owned.v4', 'owned.v6', `p4=${b64(save('owned.v4'))}\np6=${b64(save('owned.v6'))}\nnfp=1\n`) });
  const r = await run(args(CAPTURED), h.io);
  assert.equal(r.changed, false);
  assert.equal(r.failed, false);
  assert.deepEqual(h.log, ['probe']);
  assert.deepEqual(r.ipv4_rules, wantedRules(args(CAPTURED), 'ipv4'));
});

test('check mode: the planned changes and the diff, and nothing run after the probe', async () => {
  const h = scripted({ probe: probeOf('others.v4', 'others.v6'), isCheck: true });
  const r = await run(args(CAPTURED), h.io);
  assert.equal(r.changed, true);
  assert.deepEqual(h.log, ['probe']);
  assert.deepEqual(r.changes, [
    'IPv4: create chain TSINFRA-INPUT with 13 rules',
    'IPv4: add -A INPUT -j TSINFRA-INPUT',
    'IPv6: create chain TSINFRA-INPUT with 17 rules',
    'IPv6: add -A INPUT -j TSINFRA-INPUT',
    'persist the rules: iptables-save > /etc/iptables/rules.v4, ip6tables-save > /etc/iptables/rules.v6',
  ]);
  assert.equal(r.diff?.path, 'iptables:filter/TSINFRA-INPUT');
  assert.ok(r.diff?.after.includes('-A TSINFRA-INPUT -j sshguard\n-A TSINFRA-INPUT -i lo -j ACCEPT\n'));
});

test('guarded apply: arm and apply, a new connection confirms, then disarm and persist', async () => {
  const h = scripted({ probe: probeOf('others.v4', 'others.v6', 'nfp=1\n') });
  const r = await run(args({ ...CAPTURED, rollback_timeout: 20 }), h.io);
  assert.equal(r.failed, false, String(r.msg));
  assert.equal(r.changed, true);
  assert.equal(r.guard, 'confirmed');
  // 20 s window, 200 ms spent arming, a quarter (5 s) kept for the confirmation.
  assert.deepEqual(h.log, ['probe', 'arm', 'tryConnect(14800) → true', 'confirm']);
  assert.ok(h.scripts[2]!.text.includes('netfilter-persistent save'), 'persists after the confirmation, in the same exec');
  assert.equal(h.scripts[1]!.text.includes('netfilter-persistent'), false, 'never before');
});

test('lock-out: the new connection fails → wait for the rollback, reconnect, fail with the rollback message', async () => {
  const h = scripted({ probe: probeOf('owned.v4', 'owned.v6'), connects: [false] });
  const r = await run(args({ allow_ports: [80], rollback_timeout: 3, persist: false }), h.io);
  assert.equal(r.failed, true);
  assert.equal(r.changed, false, 'nothing stayed changed');
  assert.equal(r.guard, 'rolled-back');
  assert.equal(r.msg, `${ROLLED_BACK}. A new SSH connection works again.`);
  // 3 s window, 200 ms arming, 1 s kept: 1.8 s to connect; then the 1 s left until the deadline, plus 1.5 s.
  assert.deepEqual(h.log, ['probe', 'arm', 'tryConnect(1800) → false', 'sleep(2500)', 'tryConnect(5000) → true', 'after-rollback']);
});

test('lock-out and the host never comes back: say the rollback was due, and to check the console', async () => {
  const h = scripted({ probe: probeOf('owned.v4', 'owned.v6'), connects: [false, false, false, false] });
  const r = await run(args({ allow_ports: [80], rollback_timeout: 3 }), h.io);
  assert.equal(r.failed, true);
  assert.match(String(r.msg), /^firewall change rolled back: it cut the controller off .*the rollback was due to restore the previous rules and nothing was persisted\. The host still does not answer a new SSH connection: check it from its console$/);
  assert.equal(h.log.filter((l) => l.startsWith('tryConnect')).length, 4);
});

test('the confirmation came too late (the rollback fired first): failed, raise rollback_timeout', async () => {
  const h = scripted({ probe: probeOf('others.v4', 'others.v6'), confirmed: { stdout: 'decided=rolled-back\n' } });
  const r = await run(args({ rollback_timeout: 5 }), h.io);
  assert.equal(r.failed, true);
  assert.match(String(r.msg), /only after rollback_timeout \(5s\).*raise rollback_timeout\)\. A new SSH connection works again\.$/);
});

test('apply failure (iptables-restore refused): the script restored at once; the task fails with its stderr', async () => {
  const h = scripted({ probe: probeOf('others.v4', 'others.v6'), armed: { code: 4, stdout: 'armed=setsid\n', stderr: "iptables-restore: line 3 failed\ntsinfra: applying the rules failed; the previous rules are restored\n" } });
  const r = await run(args(), h.io);
  assert.equal(r.failed, true);
  assert.equal(r.changed, false);
  assert.match(String(r.msg), /^firewall: the rules were not applied: iptables-restore: line 3 failed tsinfra: applying the rules failed; the previous rules are restored$/);
  assert.deepEqual(h.log, ['probe', 'arm']);
});

test('confirm: false applies and persists in one exec; persist-only changes skip the guard', async () => {
  const h = scripted({ probe: probeOf('others.v4', 'others.v6') });
  const r = await run(args({ confirm: false }), h.io);
  assert.equal(r.guard, 'off');
  assert.deepEqual(h.log, ['probe', 'direct']);
  const p = scripted({ probe: probeOf('owned.v4', 'owned.v6') });
  const persisted = await run(args(CAPTURED), p.io);
  assert.deepEqual(persisted.changes, ['persist the rules: iptables-save > /etc/iptables/rules.v4, ip6tables-save > /etc/iptables/rules.v6']);
  assert.equal(persisted.guard, 'not needed');
  assert.deepEqual(p.log, ['probe', 'direct']);
});

test('an armed rollback from an earlier run, or a host without ip6tables, is a plan error', async () => {
  await assert.rejects(run(args(), scripted({ probe: probeOf('owned.v4', 'owned.v6', 'armed=1\n') }).io), /still awaits confirmation/);
  await assert.rejects(run(args(), scripted({ probe: `v4=${b64(save('owned.v4'))}\nv6_missing=1\n` }).io), /ip6tables-save is not installed/);
  const v4only = scripted({ probe: `v4=${b64(save('owned.v4'))}\n` });
  const r = await run(args({ ...CAPTURED, ipv6: false, persist: false }), v4only.io);
  assert.equal(r.changed, false, 'ipv6: false leaves ip6tables alone');
});

test('every script is valid POSIX sh (dash -n), and values are quoted', () => {
  const a = args({ ...CAPTURED, pre_chains: ['sshguard', 'X-PRE'] });
  const empty = ownedRules(parseFilterTable('*filter\n:INPUT ACCEPT [0:0]\nCOMMIT\n')!, a.chain);
  const changes = planFirewall(a, { running: { ipv4: empty, ipv6: empty }, persisted: {}, hasNetfilterPersistent: false });
  const families = ['ipv4', 'ipv6'] as const;
  const scripts: [string, string][] = [
    ['probe', firewallProbe(a.chain, families).text],
    ['arm', armAndApply({ chain: a.chain, families, changes, timeoutSeconds: 30 }).text],
    ['confirm', confirmAndPersist(a.chain, changes).text],
    ['confirm nfp', confirmAndPersist(a.chain, [{ op: 'persist', how: 'netfilter-persistent', families: ['ipv4'] }]).text],
    ['direct', directApply(changes, families).text],
    ['after', afterRollback(a.chain).text],
    ['rollback', rollbackScript(a.chain, families, 30)],
  ];
  for (const [name, text] of scripts) {
    const r = spawnSync('/bin/sh', ['-n'], { input: text, encoding: 'utf8' });
    assert.equal(r.status, 0, `${name}: ${r.stderr}`);
    assert.equal(text.includes("$'"), false, `${name}: no bash-only quoting`);
  }
  const rollback = rollbackScript(a.chain, families, 30);
  assert.match(rollback, /sleep 30\nmkdir "\$tsi_d\/decided" 2>\/dev\/null \|\| exit 0\niptables-restore < "\$tsi_d\/saved.v4"\nip6tables-restore < "\$tsi_d\/saved.v6"\n/);
  const arm = scripts[1]![1];
  assert.ok(arm.indexOf('--test --noflush') < arm.indexOf('-t filter > "$tsi_d/saved."v4'), 'test the fragments before saving and arming');
  assert.ok(arm.indexOf('setsid /bin/sh') < arm.lastIndexOf('iptables-restore --noflush'), 'arm before applying');
  assert.ok(arm.includes('systemd-run --quiet --collect --unit=tsinfra-firewall-rollback-TSINFRA-INPUT'));
});
