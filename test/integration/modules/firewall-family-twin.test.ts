// iptables' flush/chain_management/policy and community.general.ufw against Ansible's: one playbook applied with
// ansible-playbook to master1 and with tsinfra to its twin master2 (ufw from the controller's root filesystem, which
// namespace hosts share). Compared: each task's registered keys, the resulting iptables-save/ip6tables-save
// (counters zeroed) and `ufw status verbose`. Before that, a --check run on the twin reports changes and makes none;
// after it, a second tsinfra run changes nothing, and a task that would cut the controller's SSH
// is refused before it touches the host.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostExec, ok, startLab } from '../../support/lab.js';
import { ansiblePlay, assertBothSucceeded, differences, registeredOn, tsinfraPlay } from '../../support/ansible-twin.js';

const lab = await startLab({ kind: 'namespace', hosts: 2 });
const THEIRS = 'master1';
const OURS = 'master2';

const IPT = ['changed', 'ip_version', 'table', 'chain', 'flush', 'rule', 'state', 'chain_management'];
const UFW = ['changed', 'commands', 'msg'];

// [name, module, args, keys compared, first run only (tasks that undo each other)]
type Case = [name: string, module: string, args: string, keys: string[], once?: boolean];
const CASES: Case[] = [
  ['ipt_new_chain', 'ansible.builtin.iptables', 'chain: ALLOWLIST, chain_management: true, source: 10.1.0.0/16, jump: ACCEPT', IPT],
  ['ipt_forward_drop', 'ansible.builtin.iptables', 'chain: FORWARD, policy: DROP', IPT],
  ['ipt_temp', 'ansible.builtin.iptables', 'chain: TEMP, chain_management: true, protocol: tcp, destination_port: 9000, jump: DROP', IPT, true],
  ['ipt_flush_temp', 'ansible.builtin.iptables', 'chain: TEMP, flush: true', IPT, true],
  ['ipt_delete_temp', 'ansible.builtin.iptables', 'chain: TEMP, chain_management: true, state: absent', IPT, true],
  // Ansible reports every flush changed; ours only when rules go (the raw table is empty): `changed` not compared.
  ['ipt_flush_raw', 'ansible.builtin.iptables', 'table: raw, flush: true', IPT.filter((k) => k !== 'changed')],
  ['ufw_ssh', 'community.general.ufw', 'rule: allow, port: 22, proto: tcp', UFW],
  ['ufw_web', 'community.general.ufw', 'rule: allow, port: "80,443", proto: tcp, comment: web ports', UFW],
  ['ufw_limit', 'community.general.ufw', 'rule: limit, port: 2222, proto: tcp, src: 10.99.0.0/16', UFW],
  ['ufw_out', 'community.general.ufw', 'rule: deny, direction: out, dest: 203.0.113.0/24', UFW],
  ['ufw_route', 'community.general.ufw', 'rule: allow, route: true, interface_in: lo, interface_out: lo', UFW],
  ['ufw_tmp', 'ufw', 'rule: reject, port: 9999, proto: udp', UFW, true],
  ['ufw_tmp_gone', 'ufw', 'rule: reject, port: 9999, proto: udp, delete: true', UFW, true],
  ['ufw_logging', 'community.general.ufw', 'logging: medium', UFW],
  ['ufw_routed', 'community.general.ufw', 'policy: reject, direction: routed', UFW],
  // A default set while inactive costs no reload (ufw reloads seconds long on a loaded machine).
  ['ufw_policy', 'community.general.ufw', 'policy: deny, direction: incoming', UFW],
  ['ufw_enable', 'community.general.ufw', 'state: enabled', UFW],
];

// The first run registers every case and leaves them on the host in one file (one dump task, not one per case:
// ansible-playbook spends seconds per task on a loaded machine).
const DUMP = `    - name: dump\n      copy: { content: "{{ { ${CASES.map(([n]) => `'${n}': ${n}`).join(', ')} } | to_json }}", dest: /tmp/tsinfra-twin-all.json }\n`;
const book = (first: boolean) =>
  `- hosts: all\n  gather_facts: false\n  tasks:\n` +
  CASES.filter((c) => first || !c[4])
    .map(([name, module, args]) => `    - name: ${name}\n      ${module}: { ${args} }\n      register: ${name}\n`)
    .join('') +
  (first ? DUMP : '');

/** The packet filter and ufw's view of it, counters zeroed and save dates dropped. */
async function firewallState(host: string): Promise<string> {
  const out = ok(await hostExec(lab, host, 'iptables-save && ip6tables-save && LANG=C ufw status verbose'), `firewall state of ${host}`);
  return out
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .map((l) => l.replace(/\[[0-9]+:[0-9]+\]$/, '[0:0]'))
    .join('\n');
}

test('iptables flush/chain_management/policy and ufw do what Ansible does, registering the same keys', { timeout: 600_000 }, async () => {
  const started = Date.now();
  for (const h of [THEIRS, OURS]) ok(await hostExec(lab, h, 'command -v ufw && LANG=C ufw status | grep -qx "Status: inactive"'), `ufw installed and inactive on ${h} (scripts/setup.sh installs it)`);
  const before = await firewallState(OURS);
  const tc = Date.now();
  const check = await tsinfraPlay(lab, OURS, book(false), { check: true });
  assert.equal(check.code, 0, check.output.slice(-3000));
  assert.ok(check.changed >= 10, `--check predicts the changes (changed=${check.changed}):\n${check.output.slice(-2000)}`);
  assert.equal(await firewallState(OURS), before, '--check changed nothing');
  process.stderr.write(`# firewall family: tsinfra --check ${((Date.now() - tc) / 1000).toFixed(1)} s\n`);

  const t0 = Date.now();
  const theirs = await ansiblePlay(lab, THEIRS, book(true));
  const t1 = Date.now();
  const ours = await tsinfraPlay(lab, OURS, book(true));
  assertBothSucceeded(theirs, ours);
  const [ra, rb] = [await registeredOn(lab, THEIRS, 'all'), await registeredOn(lab, OURS, 'all')];
  let agreed = 0;
  const disagree: string[] = [];
  for (const [name, , , keys] of CASES) {
    const pick = (r: Record<string, unknown>) => Object.fromEntries(keys.map((k) => [k, (r[name] as Record<string, unknown>)[k]]));
    const d = differences(pick(rb), pick(ra));
    disagree.push(...d.map((x) => `${name}.${x}`));
    agreed += keys.length - d.length;
  }
  const [sa, sb] = [await firewallState(THEIRS), await firewallState(OURS)];
  process.stderr.write(
    `# firewall family: ansible-playbook ${((t1 - t0) / 1000).toFixed(1)} s, tsinfra ${((Date.now() - t1) / 1000).toFixed(1)} s; ` +
      `${agreed} registered keys agree over ${CASES.length} tasks, ${disagree.length} differ; firewall state ${sa === sb ? 'identical' : 'differs'}\n`,
  );
  assert.deepEqual(disagree, []);
  assert.equal(sb, sa, 'the same iptables rules and ufw status');
  assert.match(sb, /^Status: active$/m);
  assert.match(sb, /^:ALLOWLIST - \[0:0\]$/m);
  assert.match(sb, /^-A ALLOWLIST -s 10\.1\.0\.0\/16 -j ACCEPT$/m);
  assert.doesNotMatch(sb, /TEMP/, 'the temporary chain was flushed and deleted');
  assert.match(sb, /^:FORWARD DROP/m);
  assert.match(sb, /80,443\/tcp +ALLOW IN +Anywhere +# web ports/);

  const again = await tsinfraPlay(lab, OURS, book(false));
  assert.equal(again.code, 0, again.output.slice(-3000));
  assert.equal(again.changed, 0, `a second run changes nothing:\n${again.output.slice(-3000)}`);
  assert.equal(await firewallState(OURS), sb);

  // Deleting the only SSH rule of an active, deny-incoming ufw is refused before anything runs.
  const cut = `- hosts: all\n  gather_facts: false\n  tasks:\n    - ufw: { rule: allow, port: 22, proto: tcp, delete: true }\n`;
  const refused = await tsinfraPlay(lab, OURS, cut);
  assert.equal(refused.failed, 1, refused.output.slice(-2000));
  assert.match(refused.output, /deleting this rule would leave ufw active with incoming connections denied and no rule allowing the SSH port the controller uses \(22\/tcp\)/);
  assert.equal(await firewallState(OURS), sb, 'the refused task touched nothing');
  process.stderr.write(`# firewall family twin: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
});
