// iptables, the action's flow against a scripted host: its first exec is exactly the declared probe (so the engine's
// read-ahead serves it), one exec when nothing changes, check mode stops after the plan, a change that can only let
// traffic in is one command, anything else goes through the guard (arm → new connection → confirm), and a lost
// controller means waiting for the rollback and failing with the rollback message.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { ActionIO, RegisteredResult } from '../../../src/modules/define.js';
import { ROLLED_BACK, type IptablesArgs } from '../../../src/modules/iptables/iptables.js';
import { getModule, validateArgs } from '../../../src/modules/registry.js';
import { scriptedHost, type GuardHost } from '../../support/guard-host.js';

function args(raw: Record<string, unknown>): IptablesArgs {
  const v = validateArgs('iptables', raw);
  assert.ok(v.ok, v.ok ? '' : JSON.stringify(v.problems));
  return v.args as IptablesArgs;
}

const module = () => {
  const m = getModule('iptables');
  assert.ok(m && m.kind === 'action');
  return m;
};

const scripted = (host: GuardHost) => scriptedHost(host, (t) => t.includes(' -S '));

const run = (a: IptablesArgs, io: ActionIO): Promise<RegisteredResult> => module().run(a, io);

const SSH = { chain: 'INPUT', protocol: 'tcp', destination_port: 22, jump: 'ACCEPT' };
const ABSENT = 'chain=1\npolicy=ACCEPT\nrules=2\ncheck=1\ncheck_error=aXB0YWJsZXM6IEJhZCBydWxl\n';
const PRESENT = 'chain=1\npolicy=ACCEPT\nrules=2\ncheck=0\n';

test('the first exec is exactly the declared probe; nothing to change: that one exec, ok, with Ansible’s fields', async () => {
  const a = args(SSH);
  const h = scripted({ probe: PRESENT });
  const r = await run(a, h.io);
  assert.deepEqual(h.log, ['probe']);
  assert.equal(h.scripts[0]!.text, module().probe!(a).text, 'the read-ahead key: same text as the declared probe');
  assert.deepEqual(r, { changed: false, failed: false, changes: [], ip_version: 'ipv4', table: 'filter', chain: 'INPUT', flush: false, rule: '-p tcp -j ACCEPT --destination-port 22', state: 'present', chain_management: false });
});

test('check mode: the planned change and its diff, nothing run after the probe', async () => {
  const h = scripted({ probe: ABSENT, isCheck: true });
  const r = await run(args({ ...SSH, jump: 'DROP', action: 'insert', rule_num: 1 }), h.io);
  assert.equal(r.changed, true);
  assert.deepEqual(r.changes, ['IPv4 filter: -I INPUT 1 -p tcp -j DROP --destination-port 22']);
  assert.deepEqual(r.diff, { path: 'iptables:filter/INPUT', before: '', after: '-I INPUT 1 -p tcp -j DROP --destination-port 22\n' });
  assert.deepEqual(h.log, ['probe']);
});

test('an ACCEPT appended can only let traffic in: one command, no guard (2 execs)', async () => {
  const h = scripted({ probe: ABSENT });
  const r = await run(args(SSH), h.io);
  assert.equal(r.changed, true);
  assert.equal(r.failed, false);
  assert.equal(r.guard, 'not needed');
  assert.deepEqual(h.log, ['probe', 'direct']);
  assert.equal(h.scripts[1]!.text, 'set -eu\niptables -w -t filter -A INPUT -p tcp -j ACCEPT --destination-port 22');
});

test('a command iptables refuses fails the task with its message, nothing changed', async () => {
  const h = scripted({ probe: ABSENT, direct: { code: 1, stderr: 'iptables: Index of insertion too big.\n' } });
  const r = await run(args({ ...SSH, action: 'insert', rule_num: 3 }), h.io);
  assert.equal(r.failed, true);
  assert.equal(r.changed, false);
  assert.equal(r.msg, 'iptables: the change was not applied: iptables: Index of insertion too big.');
});

test('guarded (an ACCEPT removed): arm and apply, a new connection confirms and disarms', async () => {
  const h = scripted({ probe: PRESENT });
  const r = await run(args({ ...SSH, state: 'absent', rollback_timeout: 20 }), h.io);
  assert.equal(r.failed, false, String(r.msg));
  assert.equal(r.changed, true);
  assert.equal(r.guard, 'confirmed');
  assert.deepEqual(r.changes, ['IPv4 filter: -D INPUT -p tcp -j ACCEPT --destination-port 22']);
  // 20 s window, 200 ms spent arming, a quarter (5 s) kept for the confirmation.
  assert.deepEqual(h.log, ['probe', 'arm', 'tryConnect(14800) → true', 'confirm']);
  assert.ok(h.scripts[1]!.text.includes('iptables -w -t filter -D INPUT -p tcp -j ACCEPT --destination-port 22; then echo applied=1'));
  assert.ok(h.scripts[2]!.text.includes('tsi_d=/run/tsinfra/iptables-v4'));
});

test('a policy other than ACCEPT is guarded; ip6tables for ipv6', async () => {
  const h = scripted({ probe: 'chain=1\npolicy=ACCEPT\nrules=0\n' });
  const r = await run(args({ chain: 'FORWARD', policy: 'DROP', ip_version: 'ipv6' }), h.io);
  assert.equal(r.guard, 'confirmed');
  assert.equal(r.policy, 'DROP');
  assert.deepEqual(r.changes, ['IPv6 filter: policy of FORWARD ACCEPT → DROP']);
  assert.ok(h.scripts[1]!.text.includes('ip6tables-save -t filter > "$tsi_d/saved"'));
  assert.ok(h.scripts[1]!.text.includes('ip6tables -w -t filter -P FORWARD DROP; then'));
  assert.ok(h.scripts[2]!.text.includes('tsi_d=/run/tsinfra/iptables-v6'));
});

test('lock-out: the new connection fails → wait for the rollback, reconnect, fail with the rollback message', async () => {
  const h = scripted({ probe: ABSENT, connects: [false] });
  const r = await run(args({ ...SSH, jump: 'DROP', action: 'insert', rollback_timeout: 3 }), h.io);
  assert.equal(r.failed, true);
  assert.equal(r.changed, false, 'nothing stayed changed');
  assert.equal(r.guard, 'rolled-back');
  assert.equal(r.msg, `${ROLLED_BACK}. A new SSH connection works again.`);
  // 3 s window, 200 ms arming, 1 s kept: 1.8 s to connect; then the 1 s left until the deadline, plus 1.5 s.
  assert.deepEqual(h.log, ['probe', 'arm', 'tryConnect(1800) → false', 'sleep(2500)', 'tryConnect(5000) → true', 'after-rollback']);
});

test('lock-out and the host never comes back: say the rollback was due, and to check the console', async () => {
  const h = scripted({ probe: ABSENT, connects: [false, false, false, false] });
  const r = await run(args({ ...SSH, jump: 'DROP', rollback_timeout: 3 }), h.io);
  assert.equal(r.failed, true);
  assert.equal(r.changed, true);
  assert.match(String(r.msg), /^iptables change rolled back: it cut the controller off .*; the rollback was due to restore the previous rules\. The host still does not answer a new SSH connection: check it from its console$/);
  assert.equal(h.log.filter((l) => l.startsWith('tryConnect')).length, 4);
});

test('the confirmation came too late (the rollback fired first): failed, raise rollback_timeout', async () => {
  const h = scripted({ probe: ABSENT, confirmed: { stdout: 'decided=rolled-back\n' } });
  const r = await run(args({ ...SSH, jump: 'REJECT', rollback_timeout: 5 }), h.io);
  assert.equal(r.failed, true);
  assert.match(String(r.msg), /only after rollback_timeout \(5s\).*\(raise rollback_timeout\)\. A new SSH connection works again\.$/);
});

test('the guarded command refused: disarmed at once by the script; the task fails with iptables’ stderr', async () => {
  const h = scripted({ probe: ABSENT, armed: { code: 4, stdout: 'armed=setsid\n', stderr: "iptables v1.8.9 (nf_tables): Chain 'X' does not exist\nTry `iptables -h' or 'iptables --help' for more information.\ntsinfra: the iptables command failed; nothing was changed\n" } });
  const r = await run(args({ ...SSH, jump: 'DROP' }), h.io);
  assert.equal(r.failed, true);
  assert.equal(r.changed, false);
  assert.equal(r.msg, "iptables: the change was not applied: iptables v1.8.9 (nf_tables): Chain 'X' does not exist tsinfra: the iptables command failed; nothing was changed");
  assert.deepEqual(h.log, ['probe', 'arm']);
});

test('plan errors (an armed rollback, a missing chain, -C refusing the rule) reject before any change', async () => {
  await assert.rejects(run(args(SSH), scripted({ probe: `armed=iptables-v4\n${PRESENT}` }).io), /still awaits confirmation/);
  await assert.rejects(run(args({ ...SSH, chain: 'NOPE' }), scripted({ probe: 'chain=0\nchain_rc=1\nchain_error=\n' }).io), /chain NOPE does not exist in the filter table/);
  const h = scripted({ probe: `chain=1\npolicy=ACCEPT\nrules=0\ncheck=2\ncheck_error=${Buffer.from("iptables v1.8.9 (nf_tables): Couldn't load match `nosuch':No such file or directory\n").toString('base64')}\n` });
  await assert.rejects(run(args({ ...SSH, match: ['nosuch'] }), h.io), /failed \(exit 2\): iptables v1\.8\.9 \(nf_tables\): Couldn't load match `nosuch':No such file or directory$/);
  assert.deepEqual(h.log, ['probe']);
  const probeFailed = await run(args(SSH), scripted({ probe: '' }).io).catch((e: Error) => e.message);
  assert.equal(probeFailed, 'iptables: unexpected probe output: no chain=');
});
