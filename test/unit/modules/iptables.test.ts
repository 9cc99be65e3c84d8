// iptables, without a host: argument validation (Ansible's names, clear messages for what Ansible silently ignores),
// the rule's words in Ansible's order, the probe's parsing, the plan, which changes are guarded, and every script
// passing dash's syntax check.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { validateArgs } from '../../../src/modules/registry.js';
import type { IptablesArgs } from '../../../src/modules/iptables/iptables.js';
import {
  commandWords,
  describeIptablesChange,
  diffIptables,
  displayWords,
  needsGuard,
  parseIptablesState,
  planIptables,
  ruleWords,
  type IptablesChange,
} from '../../../src/modules/iptables/iptables-rules.js';
import { splitSharedRead } from '../../../src/shell/shared-read.js';
import { afterRollback, armAndApply, confirmScript, directApply, iptablesProbe, rollbackScript } from '../../../src/modules/iptables/iptables-scripts.js';

function args(raw: Record<string, unknown>): IptablesArgs {
  const v = validateArgs('iptables', raw);
  assert.ok(v.ok, v.ok ? '' : JSON.stringify(v.problems));
  return v.args as IptablesArgs;
}

function problems(raw: unknown): string[] {
  const v = validateArgs('iptables', raw);
  assert.equal(v.ok, false, `expected ${JSON.stringify(raw)} to be refused`);
  return v.ok ? [] : v.problems.map((p) => `${p.path} ${p.message}`);
}

const b64 = (s: string) => Buffer.from(s).toString('base64');

// ---- arguments ------------------------------------------------------------------------------------------------------

test("Ansible's defaults and scalars: filter, present, append, ipv4; ports and wait as strings, rule_num as a number", () => {
  assert.deepEqual(args({ chain: 'INPUT', protocol: 'tcp', destination_port: 22, jump: 'ACCEPT' }), {
    chain: 'INPUT',
    protocol: 'tcp',
    destination_port: '22',
    jump: 'ACCEPT',
    table: 'filter',
    state: 'present',
    action: 'append',
    ip_version: 'ipv4',
    match: [],
    ctstate: [],
    flush: false,
    chain_management: false,
    rollback_timeout: 30,
  });
  const a = args({ chain: 'INPUT', action: 'insert', rule_num: '5', wait: 10, jump: 'ACCEPT' });
  assert.equal(a.rule_num, 5);
  assert.equal(a.wait, '10');
});

test('lists as Ansible takes them: one string with commas, ctstate upper-cased; policy upper-cased', () => {
  const a = args({ chain: 'INPUT', ctstate: 'established, related', match: 'tcp,comment', protocol: 'tcp' });
  assert.deepEqual(a.ctstate, ['ESTABLISHED', 'RELATED']);
  assert.deepEqual(a.match, ['tcp', 'comment']);
  assert.deepEqual(args({ chain: 'INPUT', ctstate: ['new'] }).ctstate, ['NEW']);
  assert.equal(args({ chain: 'INPUT', policy: 'drop' }).policy, 'DROP');
});

test('rule_num needs action: insert', () => {
  assert.deepEqual(problems({ chain: 'INPUT', rule_num: 2, jump: 'ACCEPT' }), ['/rule_num iptables.rule_num needs action: insert (it is the position a missing rule is inserted at)']);
  assert.deepEqual(problems({ chain: 'INPUT', action: 'insert', rule_num: 0 }), ['/rule_num iptables.rule_num must be >= 1']);
});

test('policy goes alone: rule arguments, insert or state: absent with it are refused, naming each', () => {
  assert.deepEqual(problems({ chain: 'INPUT', policy: 'DROP', protocol: 'tcp', jump: 'ACCEPT' }), [
    '/policy iptables.policy sets the policy of the chain and takes no rule arguments: remove protocol, jump (or manage the rule in its own task)',
  ]);
  assert.deepEqual(problems({ chain: 'INPUT', policy: 'ACCEPT', ctstate: ['NEW'], state: 'absent' }), [
    '/policy iptables.policy sets the policy of the chain and takes no rule arguments: remove ctstate, state: absent (or manage the rule in its own task)',
  ]);
  assert.deepEqual(problems({ chain: 'INPUT', policy: 'ACCEPT', action: 'insert', rule_num: 1 }), [
    '/policy iptables.policy sets the policy of the chain and takes no rule arguments: remove action, rule_num (or manage the rule in its own task)',
  ]);
  assert.deepEqual(problems({ chain: 'INPUT', policy: 'QUEUE' }), ['/policy iptables.policy must be one of ACCEPT, DROP']);
  assert.equal(args({ chain: 'FORWARD', policy: 'DROP', table: 'filter', ip_version: 'ipv6', wait: 5 }).policy, 'DROP', 'table, ip_version, wait go with policy');
});

test('ports: a protocol that has them, numbers in range, ranges with a colon, service names', () => {
  assert.deepEqual(problems({ chain: 'INPUT', destination_port: 80, jump: 'ACCEPT' }), ['/destination_port iptables.destination_port needs protocol tcp, udp, sctp, dccp or udplite']);
  assert.deepEqual(problems({ chain: 'INPUT', protocol: 'icmp', source_port: '1024:65535' }), ['/source_port iptables.source_port needs protocol tcp, udp, sctp, dccp or udplite (protocol is icmp)']);
  assert.deepEqual(problems({ chain: 'INPUT', protocol: 'tcp', destination_port: '80:70000' }), ['/destination_port iptables.destination_port must be a port from 0 to 65535, got 70000']);
  assert.deepEqual(problems({ chain: 'INPUT', protocol: 'tcp', destination_port: '80-90' }), [
    '/destination_port iptables.destination_port must be a port, a service name or a range first:last (22, ssh, 30000:32767), optionally negated with !',
  ]);
  for (const p of ['22', 'ssh', '30000:32767', '1024:', ':1023', '!22', '! 22']) assert.equal(args({ chain: 'INPUT', protocol: 'TCP', destination_port: p }).destination_port, p);
});

test('addresses must be of ip_version; names, chains, interfaces, comments and ctstate are checked', () => {
  assert.deepEqual(problems({ chain: 'INPUT', source: '10.0.0.0/8', ip_version: 'ipv6' }), ['/source iptables.source 10.0.0.0/8 is an IPv4 address, but ip_version is ipv6']);
  assert.deepEqual(problems({ chain: 'INPUT', destination: '!fd00::1' }), ['/destination iptables.destination fd00::1 is an IPv6 address, but ip_version is ipv4']);
  assert.equal(args({ chain: 'INPUT', source: 'bastion.example.com' }).source, 'bastion.example.com', 'host names are iptables business');
  assert.deepEqual(problems({ chain: 'IN PUT' }), ['/chain iptables.chain must be a chain name (letters, digits, _ . + -; at most 28 characters)']);
  assert.deepEqual(problems({ protocol: 'tcp' }), ['/chain iptables: either chain or flush must be given (as in Ansible)']);
  assert.deepEqual(problems({ chain: 'INPUT', in_interface: 'eth0; reboot' }), ['/in_interface iptables.in_interface must be an interface name, or a prefix ending in + (eth+), optionally negated with !']);
  assert.deepEqual(problems({ chain: 'INPUT', comment: 'two\nlines' }), ['/comment iptables.comment must be a comment on one line']);
  assert.deepEqual(problems({ chain: 'INPUT', ctstate: ['NEW', 'OPEN'] }), ['/ctstate/1 iptables.ctstate[1] must be one of INVALID, NEW, ESTABLISHED, RELATED, UNTRACKED, SNAT, DNAT']);
  assert.deepEqual(problems({ chain: 'INPUT', table: 'broute' }), ['/table iptables.table must be one of filter, nat, mangle, raw, security']);
});

test("Ansible arguments this module does not take are refused by name, with the near one suggested", () => {
  assert.deepEqual(problems({ chain: 'INPUT', destination_ports: ['80'] }), ["/destination_ports iptables: unknown argument 'destination_ports' (did you mean 'destination_port'?)"]);
  assert.deepEqual(problems({ chain: 'PREROUTING', table: 'nat', to_ports: '8600' }), ["/to_ports iptables: unknown argument 'to_ports'"]);
});

// ---- the rule ---------------------------------------------------------------------------------------------------------

test("rule words in Ansible's construct_rule order: -p -s -d -m… -j -i -o ports, conntrack, comment", () => {
  const a = args({
    chain: 'INPUT',
    comment: 'Accept new SSH connections.',
    ctstate: 'NEW',
    jump: 'ACCEPT',
    destination_port: 22,
    protocol: 'tcp',
    in_interface: 'eth0',
    source: '10.0.0.0/8',
    match: ['tcp'],
  });
  assert.deepEqual(ruleWords(a), ['-p', 'tcp', '-s', '10.0.0.0/8', '-m', 'tcp', '-j', 'ACCEPT', '-i', 'eth0', '--destination-port', '22', '-m', 'conntrack', '--ctstate', 'NEW', '-m', 'comment', '--comment', 'Accept new SSH connections.']);
  assert.equal(displayWords(ruleWords(a)), '-p tcp -s 10.0.0.0/8 -m tcp -j ACCEPT -i eth0 --destination-port 22 -m conntrack --ctstate NEW -m comment --comment "Accept new SSH connections."');
});

test('ctstate: -m conntrack added unless match names conntrack (then only --ctstate) or state (then --state)', () => {
  assert.deepEqual(ruleWords(args({ chain: 'INPUT', match: ['conntrack'], ctstate: ['RELATED', 'ESTABLISHED'], jump: 'ACCEPT' })), ['-m', 'conntrack', '-j', 'ACCEPT', '--ctstate', 'RELATED,ESTABLISHED']);
  assert.deepEqual(ruleWords(args({ chain: 'INPUT', match: 'state', ctstate: 'NEW' })), ['-m', 'state', '--state', 'NEW']);
});

test('a leading ! negates as in Ansible (! before the option), blanks after it dropped; the bench rule', () => {
  assert.deepEqual(ruleWords(args({ chain: 'INPUT', source: '!10.0.0.0/8', protocol: '! udp', in_interface: '!lo', jump: 'DROP' })), ['!', '-p', 'udp', '!', '-s', '10.0.0.0/8', '-j', 'DROP', '!', '-i', 'lo']);
  assert.deepEqual(ruleWords(args({ chain: 'INPUT', protocol: 'tcp', destination_port: 6443, jump: 'ACCEPT' })), ['-p', 'tcp', '-j', 'ACCEPT', '--destination-port', '6443']);
  assert.deepEqual(ruleWords(args({ chain: 'INPUT', policy: 'DROP' })), [], 'policy mode has no rule');
});

test('display quotes like iptables-save: blanks and quotes in double quotes, " and \\ escaped', () => {
  assert.equal(displayWords(['--comment', 'say "hi"', 'a\\b', '', 'plain']), '--comment "say \\"hi\\"" "a\\\\b" "" plain');
});

// ---- probe and plan ---------------------------------------------------------------------------------------------------

const SSH = { chain: 'INPUT', protocol: 'tcp', destination_port: 22, jump: 'ACCEPT' };
const probe = (extra: string) => parseIptablesState(`chain=1\npolicy=ACCEPT\nrules=3\n${extra}`);
const describe = (spec: Record<string, unknown>, out: string) => planIptables(args(spec), parseIptablesState(out)).map(describeIptablesChange);

test('the probe: the chain listed as a shared read, -C for the rule with exactly the words of the apply, -w and the table', () => {
  const a = args({ ...SSH, table: 'filter', wait: 5, comment: "it's $(ssh)" });
  const text = iptablesProbe(a).text;
  const { shared } = splitSharedRead(text);
  assert.match(shared ?? '', /^# tsinfra: shared read \{\ntsi_s_[0-9a-f]{12}=\$\(iptables -w -t filter -S INPUT 2>\/dev\/null\); tsi_s_[0-9a-f]{12}_rc=\$\?\n/, text);
  assert.equal(splitSharedRead(iptablesProbe(args({ ...SSH, destination_port: 80 })).text).shared, shared, 'every rule of the chain shares the listing');
  assert.notEqual(splitSharedRead(iptablesProbe(args({ ...SSH, chain: 'FORWARD' })).text).shared, shared);
  assert.ok(text.includes(`*"$tsi_nl"'-A INPUT -p tcp -m tcp --dport 22 -m comment --comment "it\\'\\''s $(ssh)" -j ACCEPT'"$tsi_nl"*) echo check=0 ;;`), text);
  assert.ok(text.includes("tsi_err=$(iptables -w 5 -t filter -C INPUT -p tcp -j ACCEPT --destination-port 22 -m comment --comment 'it'\\''s $(ssh)' 2>&1 >/dev/null); tsi_rc=$?"), text);
  assert.ok(iptablesProbe(args({ ...SSH, ip_version: 'ipv6' })).text.includes('ip6tables -w -t filter -C INPUT'));
  assert.equal(iptablesProbe(args({ chain: 'INPUT', policy: 'DROP' })).text.includes(' -C '), false, 'policy mode: no -C');
  // Counting the listing (a byte-at-a-time read) only where the plan uses the policy or the rule count.
  assert.equal(text.includes('rules=$tsi_n'), false, 'append: no count');
  assert.ok(iptablesProbe(args({ chain: 'INPUT', policy: 'DROP' })).text.includes('policy=$tsi_c'), 'policy: its policy');
  assert.ok(iptablesProbe(args({ ...SSH, action: 'insert', rule_num: 2 })).text.includes('rules=$tsi_n'), 'insert at rule_num: the count');
  assert.equal(iptablesProbe(a).text, iptablesProbe(args({ ...SSH, table: 'filter', wait: 5, comment: "it's $(ssh)" })).text, 'the same args, the same script: read ahead by text');
});

test('plan: -C 0 is present, 1 absent; append, insert at rule_num or the top, delete; policy only when it differs', () => {
  assert.deepEqual(describe(SSH, 'chain=1\npolicy=ACCEPT\nrules=0\ncheck=1\n'), ['IPv4 filter: -A INPUT -p tcp -j ACCEPT --destination-port 22']);
  assert.deepEqual(describe(SSH, 'chain=1\npolicy=ACCEPT\nrules=1\ncheck=0\n'), []);
  assert.deepEqual(describe({ ...SSH, action: 'insert', rule_num: 2 }, 'chain=1\npolicy=ACCEPT\nrules=1\ncheck=1\n'), ['IPv4 filter: -I INPUT 2 -p tcp -j ACCEPT --destination-port 22']);
  assert.deepEqual(describe({ ...SSH, action: 'insert' }, 'chain=1\npolicy=ACCEPT\nrules=1\ncheck=1\n'), ['IPv4 filter: -I INPUT -p tcp -j ACCEPT --destination-port 22']);
  assert.deepEqual(describe({ ...SSH, action: 'insert', rule_num: 1 }, 'chain=1\npolicy=ACCEPT\nrules=9\ncheck=0\n'), [], 'an existing rule is never moved (as in Ansible)');
  assert.deepEqual(describe({ ...SSH, state: 'absent' }, 'chain=1\npolicy=ACCEPT\nrules=1\ncheck=0\n'), ['IPv4 filter: -D INPUT -p tcp -j ACCEPT --destination-port 22']);
  assert.deepEqual(describe({ ...SSH, state: 'absent' }, 'chain=1\npolicy=ACCEPT\nrules=1\ncheck=1\n'), []);
  assert.deepEqual(describe({ ...SSH, state: 'absent', chain: 'GONE' }, `chain=0\nchain_rc=1\nchain_error=${b64("iptables: No chain/target/match by that name.")}\n`), [], 'a missing chain holds no rule');
  assert.deepEqual(describe({ chain: 'INPUT', policy: 'DROP', ip_version: 'ipv6' }, 'chain=1\npolicy=ACCEPT\nrules=4\n'), ['IPv6 filter: policy of INPUT ACCEPT → DROP']);
  assert.deepEqual(describe({ chain: 'INPUT', policy: 'DROP' }, 'chain=1\npolicy=DROP\nrules=4\n'), []);
  assert.deepEqual(describe({ table: 'nat', chain: 'POSTROUTING', out_interface: 'eth0', jump: 'MASQUERADE' }, 'chain=1\npolicy=ACCEPT\nrules=0\ncheck=1\n'), ['IPv4 nat: -A POSTROUTING -j MASQUERADE -o eth0']);
});

test('plan errors say what iptables would refuse, before anything runs', () => {
  const fails = (spec: Record<string, unknown>, out: string, message: string) =>
    assert.throws(
      () => planIptables(args(spec), parseIptablesState(out)),
      (e: Error & { code?: string }) => e.code === 'TSI_PLAN' && e.message === message,
    );
  fails(SSH, 'missing=1\n', 'iptables: iptables is not installed on the host');
  fails({ ...SSH, ip_version: 'ipv6' }, 'missing=1\n', 'iptables: ip6tables is not installed on the host');
  fails(SSH, 'armed=firewall-TSINFRA-INPUT\nchain=1\npolicy=ACCEPT\nrules=0\ncheck=1\n', 'iptables: an earlier guarded firewall change (/run/tsinfra/firewall-TSINFRA-INPUT) still awaits confirmation; its rollback will restore the rules from before it');
  fails({ ...SSH, chain: 'NOPE' }, `chain=0\nchain_rc=1\nchain_error=${b64("iptables v1.8.9 (nf_tables): chain `NOPE' in table `filter' is incompatible, use 'nft' tool.\n")}\n`, 'iptables: chain NOPE does not exist in the filter table (iptables)');
  fails(SSH, `chain=0\nchain_rc=4\nchain_error=${b64('iptables v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)\n')}\n`, 'iptables: iptables -t filter -S INPUT failed (exit 4): iptables v1.8.9 (nf_tables): Could not fetch rule set generation id: Permission denied (you must be root)');
  fails({ ...SSH, jump: 'NOSUCH' }, `chain=1\npolicy=ACCEPT\nrules=0\ncheck=2\ncheck_error=${b64("iptables v1.8.9 (nf_tables): Chain 'NOSUCH' does not exist\nTry `iptables -h' or 'iptables --help' for more information.\n")}\n`, "iptables: iptables -t filter -C INPUT -p tcp -j NOSUCH --destination-port 22 failed (exit 2): iptables v1.8.9 (nf_tables): Chain 'NOSUCH' does not exist");
  fails({ ...SSH, action: 'insert', rule_num: 5 }, 'chain=1\npolicy=ACCEPT\nrules=3\ncheck=1\n', 'iptables: rule_num 5 is past the end of INPUT: it has 3 rules, so at most 4');
  fails({ chain: 'MINE', policy: 'DROP' }, 'chain=1\nrules=0\n', 'iptables: MINE is a user-defined chain in the filter table: only built-in chains have a policy');
  fails(SSH, 'chain=1\npolicy=ACCEPT\nrules=0\n', 'iptables: unexpected probe output: no check=');
  assert.deepEqual(planIptables(args({ ...SSH, action: 'insert', rule_num: 4 }), probe('check=1\n')).map((c) => (c.op === 'insert' ? c.position : 0)), [4], 'one past the last rule is fine');
});

test('diff: the rule line (or the policy line) before and after', () => {
  const a = args({ ...SSH, comment: 'ssh in' });
  const [add] = planIptables(a, probe('check=1\n'));
  assert.deepEqual(diffIptables(a, [add!]), { path: 'iptables:filter/INPUT', before: '', after: '-A INPUT -p tcp -j ACCEPT --destination-port 22 -m comment --comment "ssh in"\n' });
  const gone = args({ ...SSH, state: 'absent', ip_version: 'ipv6' });
  assert.deepEqual(diffIptables(gone, planIptables(gone, probe('check=0\n'))), { path: 'ip6tables:filter/INPUT', before: '-A INPUT -p tcp -j ACCEPT --destination-port 22\n', after: '' });
  const pol = args({ chain: 'FORWARD', policy: 'DROP' });
  assert.deepEqual(diffIptables(pol, planIptables(pol, probe(''))), { path: 'iptables:filter/FORWARD', before: '-P FORWARD ACCEPT\n', after: '-P FORWARD DROP\n' });
  assert.equal(diffIptables(a, []), undefined);
});

test('the guard: every change but those that can only let more traffic through the filter table', () => {
  const change = (spec: Record<string, unknown>, out: string): [IptablesChange, string | undefined] => {
    const a = args(spec);
    return [planIptables(a, parseIptablesState(out))[0]!, a.jump];
  };
  const guarded = (spec: Record<string, unknown>, out: string) => needsGuard(...change(spec, out));
  const absent = 'chain=1\npolicy=ACCEPT\nrules=0\ncheck=1\n';
  const present = 'chain=1\npolicy=ACCEPT\nrules=1\ncheck=0\n';
  assert.equal(guarded(SSH, absent), false, 'an ACCEPT added');
  assert.equal(guarded({ ...SSH, action: 'insert' }, absent), false, 'an ACCEPT inserted');
  assert.equal(guarded({ ...SSH, jump: 'DROP', action: 'insert' }, absent), true, 'a DROP added');
  assert.equal(guarded({ ...SSH, jump: 'REJECT' }, absent), true);
  assert.equal(guarded({ chain: 'INPUT', protocol: 'tcp' }, absent), true, 'no target (counts only): guarded all the same');
  assert.equal(guarded({ ...SSH, jump: 'MY-CHAIN' }, absent), true, 'a jump to a chain that may drop');
  assert.equal(guarded({ ...SSH, state: 'absent' }, present), true, 'an ACCEPT removed');
  assert.equal(guarded({ ...SSH, jump: 'DROP', state: 'absent' }, present), false, 'a DROP removed');
  assert.equal(guarded({ chain: 'INPUT', policy: 'DROP' }, 'chain=1\npolicy=ACCEPT\nrules=0\n'), true);
  assert.equal(guarded({ chain: 'INPUT', policy: 'ACCEPT' }, 'chain=1\npolicy=DROP\nrules=0\n'), false);
  assert.equal(guarded({ ...SSH, table: 'nat', chain: 'PREROUTING', jump: 'ACCEPT' }, absent), true, 'other tables always');
  assert.equal(guarded({ table: 'raw', chain: 'PREROUTING', jump: 'DROP' }, absent), true);
});

test('the commands of each change, and every script is valid POSIX sh (dash -n) with values quoted', () => {
  const a = args({ ...SSH, comment: "a 'quoted' $(comment)", wait: 3 });
  const [add] = planIptables(a, probe('check=1\n'));
  const ins = planIptables(args({ ...SSH, action: 'insert', rule_num: 2 }), probe('check=1\n'))[0]!;
  const del = planIptables(args({ ...SSH, state: 'absent' }), probe('check=0\n'))[0]!;
  const pol = planIptables(args({ chain: 'INPUT', policy: 'DROP' }), probe(''))[0]!;
  assert.deepEqual(commandWords(ins).slice(0, 3), ['-I', 'INPUT', '2']);
  assert.deepEqual(commandWords(del).slice(0, 2), ['-D', 'INPUT']);
  assert.deepEqual(commandWords(pol), ['-P', 'INPUT', 'DROP']);
  assert.equal(directApply(a, [add!]).text, "set -eu\niptables -w 3 -t filter -A INPUT -p tcp -j ACCEPT --destination-port 22 -m comment --comment 'a '\\''quoted'\\'' $(comment)'");
  const scripts: [string, string][] = [
    ['probe', iptablesProbe(a).text],
    ['probe policy', iptablesProbe(args({ chain: 'INPUT', policy: 'DROP' })).text],
    ['direct', directApply(a, [add!]).text],
    ['arm', armAndApply(a, [add!], 30).text],
    ['arm policy v6', armAndApply(args({ chain: 'INPUT', policy: 'DROP', ip_version: 'ipv6' }), [{ ...pol, ip_version: 'ipv6' }], 5).text],
    ['confirm', confirmScript('ipv4').text],
    ['after', afterRollback('ipv6').text],
    ['rollback', rollbackScript('ipv4', 30)],
  ];
  for (const [name, text] of scripts) {
    const r = spawnSync('/bin/sh', ['-n'], { input: text, encoding: 'utf8' });
    assert.equal(r.status, 0, `${name}: ${r.stderr}`);
    assert.equal(text.includes("$'"), false, `${name}: no bash-only quoting`);
  }
  const arm = armAndApply(a, [add!], 30).text;
  assert.ok(arm.includes('iptables-save -t filter > "$tsi_d/saved"'), 'saves only the table it changes');
  assert.ok(arm.indexOf('"$tsi_d/saved"') < arm.indexOf('setsid /bin/sh'), 'save, then arm');
  assert.ok(arm.indexOf('setsid /bin/sh') < arm.indexOf('-A INPUT'), 'arm, then apply');
  assert.ok(arm.includes("tsi_d=/run/tsinfra/iptables-v4"));
  assert.match(rollbackScript('ipv6', 7), /sleep 7\nmkdir "\$tsi_d\/decided" 2>\/dev\/null \|\| exit 0\nif ip6tables-restore -w < "\$tsi_d\/saved" 2>\/dev\/null \|\| ip6tables-restore < "\$tsi_d\/saved"; then echo rolled-back; else echo restore-failed; fi > "\$tsi_d\/decided\/by"\n/);
});

// ---- flush and chain_management (Ansible 2.14) ----------------------------------------------------------------------

test('flush: a chain or the whole table; changed only when rules go; guarded; no rule arguments, not with policy', () => {
  const chain = args({ chain: 'INPUT', flush: true });
  assert.match(iptablesProbe(chain).text, /iptables -w -t filter -S INPUT/);
  assert.doesNotMatch(iptablesProbe(chain).text, / -C /, 'no rule to check');
  assert.deepEqual(planIptables(chain, probe('')).map(describeIptablesChange), ['IPv4 filter: flush INPUT (3 rules)']);
  assert.deepEqual(planIptables(chain, parseIptablesState('chain=1\npolicy=DROP\nrules=0\n')), [], 'an empty chain: ok (Ansible says changed)');
  const table = { ...args({ flush: true, table: 'nat' }), chain: '' };
  assert.match(iptablesProbe(table).text, /\$\(iptables -w -t nat -S 2>/);
  const [f] = planIptables(table, parseIptablesState('chain=1\nrules=2\n'));
  assert.deepEqual(commandWords(f!), ['-F']);
  assert.equal(needsGuard(f!, undefined), true);
  assert.equal(directApply(table, [f!]).text, 'set -eu\niptables -w -t nat -F');
  assert.throws(() => planIptables(args({ chain: 'NOPE', flush: true }), parseIptablesState('chain=0\nchain_rc=1\n')), /chain NOPE does not exist/);
  assert.deepEqual(problems({ chain: 'INPUT', flush: true, policy: 'DROP' }), ['/flush iptables: flush and policy are mutually exclusive (as in Ansible)']);
  assert.deepEqual(problems({ chain: 'INPUT', flush: true, jump: 'ACCEPT' }), ['/flush iptables.flush empties the chain and takes no rule arguments: remove jump']);
});

test('chain_management: -N then the rule (even an empty one, as 2.14 does); state absent without rule words deletes an empty user chain', () => {
  const missing = parseIptablesState('chain=0\nchain_rc=1\n');
  assert.throws(() => planIptables(args({ chain: 'ALLOW', jump: 'ACCEPT' }), missing), (e: { hint?: string }) => /add chain_management: true/.test(e.hint ?? ''));
  const two = planIptables(args({ chain: 'ALLOW', source: '10.1.0.0/16', jump: 'ACCEPT', chain_management: true }), missing);
  assert.deepEqual(two.map(describeIptablesChange), ['IPv4 filter: -N ALLOW', 'IPv4 filter: -A ALLOW -s 10.1.0.0/16 -j ACCEPT']);
  assert.equal(two.some((c) => needsGuard(c, 'ACCEPT')), false, 'a new chain and an ACCEPT rule let only more through');
  assert.equal(directApply(args({ chain: 'ALLOW', jump: 'ACCEPT' }), two).text, 'set -eu\niptables -w -t filter -N ALLOW && iptables -w -t filter -A ALLOW -s 10.1.0.0/16 -j ACCEPT');
  assert.deepEqual(planIptables(args({ chain: 'ALLOW', chain_management: true }), missing).map(describeIptablesChange), ['IPv4 filter: -N ALLOW', 'IPv4 filter: -A ALLOW']);
  assert.deepEqual(planIptables(args({ chain: 'ALLOW', chain_management: true }), parseIptablesState('chain=1\nrules=0\ncheck=0\n')), [], 'there: ok');

  const del = args({ chain: 'ALLOW', state: 'absent', chain_management: true });
  assert.doesNotMatch(iptablesProbe(del).text, / -C /, 'chain deletion checks no rule');
  assert.deepEqual(planIptables(del, parseIptablesState('chain=1\nrules=0\n')).map((c) => commandWords(c)), [['-X', 'ALLOW']]);
  assert.deepEqual(planIptables(del, missing), [], 'gone already: ok');
  assert.throws(() => planIptables(del, parseIptablesState('chain=1\nrules=2\n')), (e: { message: string; hint?: string }) => /still has 2 rules/.test(e.message) && /flush it first/.test(e.hint ?? ''));
  assert.throws(() => planIptables(args({ chain: 'INPUT', state: 'absent', chain_management: true }), parseIptablesState('chain=1\npolicy=ACCEPT\nrules=0\n')), /built-in chain/);
  assert.deepEqual(planIptables(args({ chain: 'ALLOW', state: 'absent' }), parseIptablesState('chain=1\nrules=0\n')), [], 'without chain_management nothing is deleted');
  for (const text of [iptablesProbe(del).text, armAndApply(args({ chain: 'ALLOW', jump: 'DROP' }), two, 9).text]) {
    const r = spawnSync('/bin/sh', ['-n'], { input: text, encoding: 'utf8' });
    assert.equal(r.status, 0, r.stderr);
  }
  assert.match(armAndApply(args({ chain: 'ALLOW', jump: 'DROP' }), two, 9).text, /tsi_disarm; iptables-restore -w < "\$tsi_d\/saved"/, 'a failed second command restores the table');
});
