// firewall, the pure half: canonical rules checked against iptables-save output captured on a lab host (kube-proxy-,
// weave-, calico- and sshguard-like chains present), the parser, the plan and the restore fragment.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { validateArgs } from '../../../src/modules/registry.js';
import {
  describeFirewallChange,
  diffFirewall,
  jumpRule,
  ownedRules,
  parseFilterTable,
  parsePort,
  planFirewall,
  restoreFragment,
  ruleParts,
  ruleWords,
  wantedRules,
  type FilterTable,
  type FirewallState,
  type RuleSpec,
} from '../../../src/modules/firewall/firewall-rules.js';
import { PlanError } from '../../../src/modules/define.js';
import type { FirewallArgs } from '../../../src/modules/firewall/firewall.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures/modules/firewall');
const CHAIN = 'TSINFRA-INPUT';

function fixture(name: string): FilterTable {
  const t = parseFilterTable(readFileSync(join(FIXTURES, `${name}.save`), 'utf8'));
  assert.ok(t, name);
  return t;
}

function args(raw: Record<string, unknown> = {}): FirewallArgs {
  const v = validateArgs('firewall', raw);
  assert.ok(v.ok, v.ok ? '' : v.problems.map((p) => p.message).join('; '));
  return v.args as FirewallArgs;
}

function problems(raw: Record<string, unknown>): string[] {
  const v = validateArgs('firewall', raw);
  assert.equal(v.ok, false, JSON.stringify(raw));
  return v.ok ? [] : v.problems.map((p) => p.message);
}

/** The args the captured owned.* fixtures were produced with (on a lab host, by this module's own fragment). */
const CAPTURED = {
  trusted_cidrs: ['10.99.4.0/23', 'fd00:99::/64'],
  trusted_interfaces: ['zt+'],
  pre_chains: ['sshguard'],
  allow_ports: [22, 80, 443, 6443, '30000:32767'],
  allow_udp_ports: ['6783:6784'],
  policy: 'reject',
  persist: false,
};

function stateOf(v4: string, v6: string, extra: Partial<FirewallState> = {}): FirewallState {
  return { running: { ipv4: ownedRules(fixture(v4), CHAIN), ipv6: ownedRules(fixture(v6), CHAIN) }, persisted: {}, hasNetfilterPersistent: false, ...extra };
}

test('ports: numbers and ranges in iptables-save form', () => {
  assert.equal(parsePort(22), '22');
  assert.equal(parsePort('30000-32767'), '30000:32767');
  assert.equal(parsePort('30000:32767'), '30000:32767');
  assert.equal(parsePort('80:80'), '80', 'iptables-save prints a one-port range as the port');
  for (const bad of [0, 65536, '20:10', '1:70000', 'ssh', '']) assert.equal(parsePort(bad), undefined, String(bad));
});

test('wanted rules are exactly what iptables-save printed on a lab host, for IPv4 and IPv6', () => {
  const a = args(CAPTURED);
  const v4 = ownedRules(fixture('owned.v4'), CHAIN);
  const v6 = ownedRules(fixture('owned.v6'), CHAIN);
  assert.deepEqual(wantedRules(a, 'ipv4'), v4.rules);
  assert.deepEqual(wantedRules(a, 'ipv6'), v6.rules);
  assert.deepEqual(v4.jumps, [jumpRule(CHAIN)]);
  assert.deepEqual(wantedRules(a, 'ipv4').slice(0, 3), [`-A ${CHAIN} -j sshguard`, `-A ${CHAIN} -i lo -j ACCEPT`, `-A ${CHAIN} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`], 'sshguard first, before any ACCEPT');
  assert.ok(v6.rules.includes(`-A ${CHAIN} -p ipv6-icmp -m icmp6 --icmpv6-type 135 -j ACCEPT`));
  assert.equal(v4.rules.at(-1), `-A ${CHAIN} -j REJECT --reject-with icmp-port-unreachable`);
  assert.equal(v6.rules.at(-1), `-A ${CHAIN} -j REJECT --reject-with icmp6-port-unreachable`);
});

test('wanted rules: defaults, families, no ICMP echo, 0.0.0.0/0, and never a duplicate', () => {
  assert.deepEqual(wantedRules(args(), 'ipv4'), [
    `-A ${CHAIN} -i lo -j ACCEPT`,
    `-A ${CHAIN} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
    `-A ${CHAIN} -p icmp -m icmp --icmp-type 8 -j ACCEPT`,
    `-A ${CHAIN} -p tcp -m tcp --dport 22 -j ACCEPT`,
    `-A ${CHAIN} -p tcp -m tcp --dport 80 -j ACCEPT`,
    `-A ${CHAIN} -p tcp -m tcp --dport 443 -j ACCEPT`,
    `-A ${CHAIN} -p tcp -m tcp --dport 6443 -j ACCEPT`,
    `-A ${CHAIN} -j DROP`,
  ]);
  const quiet = args({ allow_icmp: false, allow_ports: [22, '22', '22:22', '10-20'], trusted_interfaces: ['lo', 'zt+'], trusted_cidrs: ['0.0.0.0/0', '10.0.0.1/8', '10.0.0.0/8'] });
  assert.deepEqual(wantedRules(quiet, 'ipv4'), [
    `-A ${CHAIN} -i lo -j ACCEPT`,
    `-A ${CHAIN} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
    `-A ${CHAIN} -j ACCEPT`,
    `-A ${CHAIN} -s 10.0.0.0/8 -j ACCEPT`,
    `-A ${CHAIN} -i zt+ -j ACCEPT`,
    `-A ${CHAIN} -p tcp -m tcp --dport 22 -j ACCEPT`,
    `-A ${CHAIN} -p tcp -m tcp --dport 10:20 -j ACCEPT`,
    `-A ${CHAIN} -j DROP`,
  ]);
  const v6 = wantedRules(quiet, 'ipv6');
  assert.equal(v6.some((r) => r.includes('--icmpv6-type 128')), false, 'no echo without allow_icmp');
  assert.deepEqual(v6.filter((r) => r.includes('icmp6')).map((r) => r.split(' ').at(-3)), ['133', '134', '135', '136'], 'neighbour discovery always');
  assert.equal(v6.some((r) => r.includes(' -s ')), false, 'IPv4 networks stay out of ip6tables');
});

test('iptables-save parser: every chain, quoted comments, other tables skipped', () => {
  const t = fixture('others.v4');
  assert.deepEqual([...t.chains.keys()], [
    'INPUT', 'FORWARD', 'OUTPUT', 'KUBE-EXTERNAL-SERVICES', 'KUBE-FIREWALL', 'KUBE-FORWARD', 'KUBE-NODEPORTS', 'KUBE-PROXY-FIREWALL',
    'KUBE-SERVICES', 'WEAVE-NPC', 'WEAVE-NPC-EGRESS', 'WEAVE-NPC-INGRESS', 'cali-INPUT', 'sshguard',
  ]);
  assert.equal(t.chains.get('INPUT'), 'ACCEPT');
  assert.equal(t.chains.get('sshguard'), '-');
  assert.equal(t.rules.length, 14);
  const weave = t.rules.find((r) => r.startsWith('-A FORWARD -o weave'))!;
  assert.deepEqual(ruleWords(weave).slice(-4), ['--comment', 'NOTE: this must go before "-j KUBE-FORWARD"', '-j', 'WEAVE-NPC']);
  assert.deepEqual(ruleParts(weave), { chain: 'FORWARD', target: 'WEAVE-NPC' }, 'a -j inside a comment is not the target');
  const mixed = parseFilterTable('# Warning: iptables-legacy tables present\n*nat\n:PREROUTING ACCEPT [0:0]\n-A PREROUTING -j KUBE-SERVICES\nCOMMIT\n*filter\r\n:INPUT DROP [1:2]\r\n-A INPUT -j X\r\nCOMMIT\r\n');
  assert.deepEqual(mixed && { chains: [...mixed.chains], rules: mixed.rules }, { chains: [['INPUT', 'DROP']], rules: ['-A INPUT -j X'] });
  assert.equal(parseFilterTable('*nat\nCOMMIT\n'), undefined);
  const owned = ownedRules(t, CHAIN);
  assert.deepEqual(owned, { chains: [...t.chains.keys()], chainExists: false, rules: [], jumps: [], otherRefs: [] });
});

test('plan: nothing to do when the host already has it (one probe, no apply)', () => {
  const a = args(CAPTURED);
  assert.deepEqual(planFirewall(a, stateOf('owned.v4', 'owned.v6')), []);
  const persisted = { ipv4: ownedRules(fixture('owned.v4'), CHAIN), ipv6: ownedRules(fixture('owned.v6'), CHAIN) };
  const withPersist = { ...a, persist: true };
  assert.deepEqual(planFirewall(withPersist, stateOf('owned.v4', 'owned.v6', { persisted })), [], 'saved rules already hold the chain');
  assert.deepEqual(planFirewall(withPersist, stateOf('owned.v4', 'owned.v6', { persisted: { ipv4: null, ipv6: null }, hasNetfilterPersistent: true })), [
    { op: 'persist', how: 'netfilter-persistent', families: ['ipv4', 'ipv6'] },
  ], 'running rules right, saved rules missing: persist only');
});

test("plan on a host with other tools' chains: build ours, add the one jump, touch nothing else", () => {
  const a = args(CAPTURED);
  const changes = planFirewall(a, stateOf('others.v4', 'others.v6'));
  assert.deepEqual(changes, [
    { op: 'set_rules', family: 'ipv4', chain: CHAIN, before: null, after: wantedRules(a, 'ipv4') },
    { op: 'add_jump', family: 'ipv4', rule: `-A INPUT -j ${CHAIN}` },
    { op: 'set_rules', family: 'ipv6', chain: CHAIN, before: null, after: wantedRules(a, 'ipv6') },
    { op: 'add_jump', family: 'ipv6', rule: `-A INPUT -j ${CHAIN}` },
  ]);
  const fragment = restoreFragment('ipv4', changes)!;
  assert.deepEqual(fragment.split('\n').filter((l) => l.startsWith(':')), [`:${CHAIN} - [0:0]`], 'declares (so flushes) only our chain');
  assert.equal(fragment, ['*filter', `:${CHAIN} - [0:0]`, `-F ${CHAIN}`, ...wantedRules(a, 'ipv4'), `-A INPUT -j ${CHAIN}`, 'COMMIT', ''].join('\n'));
  assert.equal(restoreFragment('ipv6', changes)?.includes('icmp6-port-unreachable'), true);
  assert.deepEqual(changes.map(describeFirewallChange), [
    `IPv4: create chain ${CHAIN} with 13 rules`,
    `IPv4: add -A INPUT -j ${CHAIN}`,
    `IPv6: create chain ${CHAIN} with 17 rules`,
    `IPv6: add -A INPUT -j ${CHAIN}`,
  ]);
});

test('plan on a drifted host: rebuild the chain, keep one exact jump, delete the others; exact diff', () => {
  const a = args(CAPTURED);
  const state = stateOf('drifted.v4', 'owned.v6');
  const drifted = state.running.ipv4!;
  assert.deepEqual(drifted.jumps, [`-A INPUT -i eth0 -j ${CHAIN}`, `-A INPUT -j ${CHAIN}`, `-A INPUT -j ${CHAIN}`]);
  const changes = planFirewall(a, state);
  assert.deepEqual(changes, [
    { op: 'set_rules', family: 'ipv4', chain: CHAIN, before: drifted.rules, after: wantedRules(a, 'ipv4') },
    { op: 'delete_rule', family: 'ipv4', rule: `-A INPUT -i eth0 -j ${CHAIN}` },
    { op: 'delete_rule', family: 'ipv4', rule: `-A INPUT -j ${CHAIN}` },
  ]);
  assert.deepEqual(changes.map(describeFirewallChange), [
    `IPv4: ${CHAIN}: 1 rule added, 1 removed (13 rules)`,
    `IPv4: delete -A INPUT -i eth0 -j ${CHAIN}`,
    `IPv4: delete -A INPUT -j ${CHAIN}`,
  ]);
  assert.equal(restoreFragment('ipv6', changes), undefined, 'IPv6 untouched');
  const frag = restoreFragment('ipv4', changes)!.split('\n');
  assert.deepEqual(frag.slice(-4), [`-D INPUT -i eth0 -j ${CHAIN}`, `-D INPUT -j ${CHAIN}`, 'COMMIT', '']);

  const d = diffFirewall(a, state, changes)!;
  assert.equal(d.path, `iptables:filter/${CHAIN}`);
  const v6 = ['# IPv6 (ip6tables -t filter)', `:${CHAIN} - [0:0]`, ':sshguard - [0:0]', `-A INPUT -j ${CHAIN}`, ...wantedRules(a, 'ipv6')];
  assert.equal(d.before, [
    '# IPv4 (iptables -t filter)', `:${CHAIN} - [0:0]`, ':sshguard - [0:0]',
    `-A INPUT -i eth0 -j ${CHAIN}`, `-A INPUT -j ${CHAIN}`, `-A INPUT -j ${CHAIN}`, ...drifted.rules, ...v6, '',
  ].join('\n'));
  assert.equal(d.after, ['# IPv4 (iptables -t filter)', `:${CHAIN} - [0:0]`, ':sshguard - [0:0]', `-A INPUT -j ${CHAIN}`, ...wantedRules(a, 'ipv4'), ...v6, ''].join('\n'));
  assert.ok(drifted.rules.includes(`-A ${CHAIN} -p tcp -m tcp --dport 8080 -j ACCEPT`), 'the hand-added rule is what goes');
});

test('pre_chains: created with -N when missing (never declared, which would flush sshguard bans), left alone when present', () => {
  const a = args({ pre_chains: ['sshguard', 'TSINFRA-PRE'], ipv6: false, persist: false });
  const changes = planFirewall(a, { running: { ipv4: ownedRules(fixture('others.v4'), CHAIN) }, persisted: {}, hasNetfilterPersistent: false });
  assert.deepEqual(changes.slice(0, 1), [{ op: 'create_chain', family: 'ipv4', chain: 'TSINFRA-PRE' }]);
  const frag = restoreFragment('ipv4', changes)!;
  assert.ok(frag.startsWith('*filter\n-N TSINFRA-PRE\n'), frag);
  assert.equal(frag.includes(':sshguard'), false);
  assert.equal(frag.includes('-N sshguard'), false);
  assert.ok(frag.includes(`-A ${CHAIN} -j sshguard\n-A ${CHAIN} -j TSINFRA-PRE\n-A ${CHAIN} -i lo -j ACCEPT\n`));
});

test('state absent: the jumps and the chain go; a chain another one refers to is a plan error', () => {
  const a = args({ state: 'absent', persist: false });
  const changes = planFirewall(a, stateOf('drifted.v4', 'owned.v6'));
  assert.deepEqual(changes.map((c) => c.op), ['delete_rule', 'delete_rule', 'delete_rule', 'delete_chain', 'delete_rule', 'delete_chain']);
  assert.equal(
    restoreFragment('ipv6', changes),
    ['*filter', `-D INPUT -j ${CHAIN}`, `-F ${CHAIN}`, `-X ${CHAIN}`, 'COMMIT', ''].join('\n'),
  );
  assert.deepEqual(planFirewall(a, stateOf('others.v4', 'others.v6')), [], 'already absent');
  const referred = parseFilterTable(`*filter\n:${CHAIN} - [0:0]\n:FORWARD ACCEPT [0:0]\n-A FORWARD -j ${CHAIN}\nCOMMIT\n`)!;
  assert.throws(
    () => planFirewall({ ...a, ipv6: false }, { running: { ipv4: ownedRules(referred, CHAIN) }, persisted: {}, hasNetfilterPersistent: false }),
    (e: unknown) => e instanceof PlanError && /another chain refers to it \(-A FORWARD -j TSINFRA-INPUT\)/.test(e.message),
  );
  const persisted = { ipv4: ownedRules(fixture('owned.v4'), CHAIN), ipv6: null };
  assert.deepEqual(planFirewall({ ...a, persist: true }, stateOf('others.v4', 'others.v6', { persisted })), [
    { op: 'persist', how: 'files', families: ['ipv4', 'ipv6'] },
  ], 'the saved rules still hold the chain: persist again');
});

test('args: defaults, comma lists, and problems people can act on', () => {
  const a = args();
  assert.deepEqual(
    { chain: a.chain, allow_ports: a.allow_ports, policy: a.policy, ipv6: a.ipv6, rollback_timeout: a.rollback_timeout, persist: a.persist, confirm: a.confirm, state: a.state },
    { chain: CHAIN, allow_ports: [22, 80, 443, 6443], policy: 'drop', ipv6: true, rollback_timeout: 30, persist: true, confirm: true, state: 'present' },
  );
  const b = args({ allow_ports: '22, 8080', trusted_interfaces: 'zt+,weave', allow_udp_ports: 51820, confirm: 'no' });
  assert.deepEqual([b.allow_ports, b.trusted_interfaces, b.allow_udp_ports, b.confirm], [['22', '8080'], ['zt+', 'weave'], [51820], false]);
  assert.deepEqual(problems({ trusted_cidrs: ['10.0.0.0/33'] }), ['firewall.trusted_cidrs[0] must be an IPv4 or IPv6 address or network (10.0.0.0/8, fd00::/8), got "10.0.0.0/33"']);
  assert.deepEqual(problems({ allow_ports: ['80:20'] }), ['firewall.allow_ports[0] must be a port (1-65535) or a range low:high, got "80:20"']);
  assert.deepEqual(problems({ allow_ports: [70000] }), ['firewall.allow_ports[0] must be a port (1-65535) or a range like 30000:32767, got the number 70000']);
  assert.deepEqual(problems({ chain: 'INPUT' }), ['firewall.chain must not be a built-in chain or target (INPUT)']);
  assert.deepEqual(problems({ chain: 'bad name' }), ['firewall.chain must be a chain name (a letter, then letters, digits, _ . -; at most 28 characters)']);
  assert.deepEqual(problems({ pre_chains: [CHAIN] }), [`firewall.pre_chains[0] must be another user chain, not ${CHAIN}`]);
  assert.deepEqual(problems({ trusted_interfaces: ['eth 0'] }), ['firewall.trusted_interfaces[0] must be an interface name, or a prefix ending in + (zt+)']);
  assert.deepEqual(problems({ policy: 'accept' }), ['firewall.policy must be one of drop, reject']);
  assert.deepEqual(problems({ rollback_timeout: 1 }), ['firewall.rollback_timeout must be >= 2']);
});

test('the spec type the rules need is what the args give', () => {
  const spec: RuleSpec = args();
  assert.equal(spec.chain, CHAIN);
});
