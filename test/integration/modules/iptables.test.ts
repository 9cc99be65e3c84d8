// iptables on lab hosts (each its own network namespace, real iptables and ip6tables) through `tsinfra play`:
// check mode touches nothing; rules are added (changed), then ok, and a no-change run of several iptables tasks costs
// one remote command per host for the whole play (facts and every probe in one batch); insert lands at rule_num; a
// rule added by hand in iptables-save's spelling is found; absent removes; a policy change goes through the guard;
// a rule that drops the controller's SSH is rolled back within rollback_timeout and the host stays reachable.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostExec, hostSsh, ok, startLab } from '../../support/lab.js';
import { jsonLines, resultsOf, tsinfra, type CliResult } from '../../support/cli.js';

const lab = await startLab({ kind: 'namespace', hosts: 2 });
const HOSTS = ['master1', 'master2'];
const dir = mkdtempSync(join(tmpdir(), 'tsinfra-iptables-'));
after(() => rmSync(dir, { recursive: true, force: true }));

type Recap = Record<string, Record<string, number>>;

interface Recorded {
  recap: Recap;
  roundTrips: number;
}

function recapOf(r: CliResult): Recorded {
  const recap = jsonLines(r.stdout).find((e) => e.type === 'recap');
  assert.ok(recap, `no recap in: ${r.stdout.slice(-2000)}${r.stderr}`);
  return { recap: recap.hosts as Recap, roundTrips: recap.roundTrips as number };
}

/** Writes a playbook of iptables tasks (YAML is a superset of JSON) and runs it with --json. */
function play(name: string, book: { gather_facts?: boolean; tasks: Record<string, unknown>[] }, ...extra: string[]): Promise<CliResult> {
  const file = join(dir, `${name}.yml`);
  writeFileSync(file, JSON.stringify([{ name, hosts: 'all', gather_facts: book.gather_facts ?? true, tasks: book.tasks }], null, 2));
  return tsinfra(['play', file, '-i', lab.inventoryPath, '--json', ...extra], { timeoutMs: 400_000 });
}

function succeeded(r: CliResult): Recorded {
  assert.equal(r.code, 0, r.stdout.slice(-3000) + r.stderr);
  return recapOf(r);
}

/** `iptables -S CHAIN` (or ip6tables) inside the host's namespace: the rules as iptables lists them. */
async function listed(host: string, chain = 'INPUT', tool = 'iptables'): Promise<string[]> {
  return ok(await hostExec(lab, host, `${tool} -w -S ${chain}`), `${tool} -S ${chain}`).trim().split('\n');
}

async function save(host: string): Promise<string> {
  const out = ok(await hostExec(lab, host, 'iptables-save && ip6tables-save'), 'save');
  return out
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .map((l) => (l.startsWith(':') ? l.replace(/\[[0-9]+:[0-9]+\]$/, '[0:0]') : l))
    .join('\n');
}

const RULES = {
  tasks: [
    { name: 'web', iptables: { chain: 'INPUT', protocol: 'tcp', destination_port: 8080, jump: 'ACCEPT', comment: 'web "front" door' } },
    { name: 'metrics from the vpn', iptables: { chain: 'INPUT', protocol: 'tcp', source: '10.99.0.0/16', destination_port: '9100:9101', ctstate: 'NEW,ESTABLISHED', jump: 'ACCEPT' } },
    { name: 'dns second', iptables: { chain: 'INPUT', protocol: 'udp', destination_port: 53, jump: 'ACCEPT', action: 'insert', rule_num: 2 } },
    { name: 'https over ipv6', iptables: { ip_version: 'ipv6', chain: 'INPUT', protocol: 'tcp', source: 'fd00:99::/64', destination_port: 443, jump: 'ACCEPT' } },
  ],
};

const EXPECTED_V4 = [
  '-P INPUT ACCEPT',
  '-A INPUT -p tcp -m tcp --dport 8080 -m comment --comment "web \\"front\\" door" -j ACCEPT',
  '-A INPUT -p udp -m udp --dport 53 -j ACCEPT',
  '-A INPUT -s 10.99.0.0/16 -p tcp -m tcp --dport 9100:9101 -m conntrack --ctstate NEW,ESTABLISHED -j ACCEPT',
];

test('check mode reports the changes (with --diff) and touches nothing', async () => {
  const before = await save('master1');
  const r = await play('rules', RULES, '--check', '--diff');
  const { recap } = succeeded(r);
  for (const h of HOSTS) assert.equal(recap[h]!.changed, 4, JSON.stringify(recap[h]));
  const [web] = resultsOf(r, 'web').filter((x) => x.host === 'master1');
  assert.deepEqual(web?.changes, ['IPv4 filter: -A INPUT -p tcp -j ACCEPT --destination-port 8080 -m comment --comment "web \\"front\\" door"']);
  assert.deepEqual(web?.diff, { path: 'iptables:filter/INPUT', before: '', after: '-A INPUT -p tcp -j ACCEPT --destination-port 8080 -m comment --comment "web \\"front\\" door"\n' });
  // The chain is empty until the earlier tasks run, so position 2 cannot be planned yet: a change, not a failure.
  const [dns] = resultsOf(r, 'dns second').filter((x) => x.host === 'master1');
  assert.match(dns?.changes[0] ?? '', /^cannot plan until earlier changes are made: iptables: rule_num 2 is past the end of INPUT/);
  assert.equal(await save('master1'), before, 'nothing changed in check mode');
});

test('first run changes, second run is ok and costs one remote command per host for the whole play', async () => {
  const first = succeeded(await play('rules', RULES));
  for (const h of HOSTS) assert.equal(first.recap[h]!.changed, 4, `${h}: ${JSON.stringify(first.recap[h])}`);
  for (const h of HOSTS) {
    assert.deepEqual(await listed(h), EXPECTED_V4, `${h}: inserted at rule_num 2, the others appended`);
    assert.deepEqual(await listed(h, 'INPUT', 'ip6tables'), ['-P INPUT ACCEPT', '-A INPUT -s fd00:99::/64 -p tcp -m tcp --dport 443 -j ACCEPT']);
  }
  const second = succeeded(await play('rules', RULES));
  for (const h of HOSTS) {
    assert.equal(second.recap[h]!.changed, 0, `${h}: ${JSON.stringify(second.recap[h])}`);
    assert.equal(second.recap[h]!.failed, 0);
  }
  assert.equal(second.roundTrips, HOSTS.length, 'facts and the four probes in one batch per host; no task execs');
  for (const h of HOSTS) assert.deepEqual(await listed(h), EXPECTED_V4, 'no duplicates');
});

test('a rule already there in iptables-save spelling (-m tcp --dport) is found: ok, nothing added', async () => {
  ok(await hostExec(lab, 'master1', 'iptables -A INPUT -p tcp -m tcp --dport 6443 -j ACCEPT'));
  const before = await listed('master1');
  const r = succeeded(await play('k8s', { gather_facts: false, tasks: [{ name: 'api', iptables: { chain: 'INPUT', protocol: 'tcp', destination_port: '6443', jump: 'ACCEPT' } }] }, '--limit', 'master1'));
  assert.equal(r.recap.master1!.changed, 0);
  assert.equal(r.roundTrips, 1);
  assert.deepEqual(await listed('master1'), before);
});

test('state absent removes the rule (IPv4 and IPv6), then is ok', async () => {
  const gone = {
    gather_facts: false,
    tasks: [
      { name: 'no web', iptables: { chain: 'INPUT', protocol: 'tcp', destination_port: 8080, jump: 'ACCEPT', comment: 'web "front" door', state: 'absent' } },
      { name: 'no https over ipv6', iptables: { ip_version: 'ipv6', chain: 'INPUT', protocol: 'tcp', source: 'fd00:99::/64', destination_port: 443, jump: 'ACCEPT', state: 'absent' } },
    ],
  };
  const r = succeeded(await play('absent', gone, '--limit', 'master2'));
  assert.equal(r.recap.master2!.changed, 2);
  assert.deepEqual(await listed('master2'), EXPECTED_V4.filter((l) => !l.includes('8080')));
  assert.deepEqual(await listed('master2', 'INPUT', 'ip6tables'), ['-P INPUT ACCEPT']);
  assert.deepEqual(await listed('master1'), [...EXPECTED_V4, '-A INPUT -p tcp -m tcp --dport 6443 -j ACCEPT'], 'the other host untouched');
  assert.equal(succeeded(await play('absent', gone, '--limit', 'master2')).recap.master2!.changed, 0);
});

test('a policy: DROP goes through the guard (probe, arm, confirm), ACCEPT back is one command; both then ok', async () => {
  const policy = (p: string) => ({ gather_facts: false, tasks: [{ name: 'forward policy', iptables: { chain: 'FORWARD', policy: p } }] });
  const drop = succeeded(await play('policy', policy('DROP')));
  for (const h of HOSTS) assert.equal(drop.recap[h]!.changed, 1);
  assert.equal(drop.roundTrips, 3 * HOSTS.length, 'probe, arm and apply, confirm over a new connection');
  for (const h of HOSTS) {
    assert.deepEqual(await listed(h, 'FORWARD'), ['-P FORWARD DROP']);
    assert.equal(ok(await hostExec(lab, h, 'ls -A /run/tsinfra')).trim(), '', 'the guard cleaned up after itself');
  }
  assert.equal(succeeded(await play('policy', policy('DROP'))).recap.master1!.changed, 0);
  const accept = succeeded(await play('policy', policy('ACCEPT')));
  assert.equal(accept.recap.master1!.changed, 1);
  assert.equal(accept.roundTrips, 2 * HOSTS.length, 'an ACCEPT policy can only let traffic in: probe and one command');
  for (const h of HOSTS) assert.deepEqual(await listed(h, 'FORWARD'), ['-P FORWARD ACCEPT']);
});

test("a rule iptables refuses fails with iptables' message and changes nothing", async () => {
  const before = await save('master1');
  const r = await play('bad', { gather_facts: false, tasks: [{ name: 'to nowhere', iptables: { chain: 'INPUT', protocol: 'tcp', destination_port: 25, jump: 'NO-SUCH-CHAIN' } }] }, '--limit', 'master1');
  assert.equal(r.code, 2, r.stdout.slice(-3000) + r.stderr);
  const [res] = resultsOf(r, 'to nowhere');
  assert.match(res?.message ?? '', /iptables -t filter -C INPUT -p tcp -j NO-SUCH-CHAIN --destination-port 25 failed \(exit 2\): .*NO-SUCH-CHAIN/);
  assert.equal(await save('master1'), before);
});

test('a rule that drops the controller’s SSH is rolled back within rollback_timeout: task failed, host reachable, rule gone', async () => {
  const before = await save('master2');
  const lockout = {
    gather_facts: false,
    tasks: [
      { name: 'drop ssh', iptables: { chain: 'INPUT', protocol: 'tcp', destination_port: 22, jump: 'DROP', action: 'insert', rollback_timeout: 3 } },
      { name: 'never reached', command: 'touch /var/tmp/after-lockout' },
    ],
  };
  const started = Date.now();
  const r = await play('lockout', lockout, '--limit', 'master2');
  const elapsed = Date.now() - started;
  assert.equal(r.code, 2, r.stdout.slice(-3000) + r.stderr);
  assert.equal(recapOf(r).recap.master2!.failed, 1);
  const [res] = resultsOf(r, 'drop ssh');
  assert.equal(
    res?.message,
    'iptables change rolled back: it cut the controller off (a new SSH connection failed after applying); the previous rules are restored. A new SSH connection works again.',
  );
  assert.equal(resultsOf(r, 'never reached').length, 0, 'the host stopped at the failed task');
  const ssh = await hostSsh(lab, 'master2', 'echo reachable');
  assert.equal(ssh.stdout.trim(), 'reachable', ssh.stderr);
  assert.equal((await hostExec(lab, 'master2', 'iptables -w -C INPUT -p tcp --dport 22 -j DROP')).code, 1, 'the DROP rule is gone');
  assert.equal(await save('master2'), before, 'every table as before');
  assert.equal(ok(await hostExec(lab, 'master2', 'ls -A /run/tsinfra')).trim(), '', 'no rollback left armed');
  assert.equal((await hostExec(lab, 'master2', 'test -e /var/tmp/after-lockout')).code, 1);
  assert.ok(elapsed >= 3000, `took ${elapsed} ms: the rollback fires only after rollback_timeout`);
  assert.ok(elapsed < 120_000, `took ${elapsed} ms`); // a hang guard; a loaded CI machine is slow
});

test("a task's own check_mode: true stops an action after its plan, as --check does", async () => {
  const before = await save('master1');
  const r = await play('task-check-mode', {
    gather_facts: false,
    tasks: [{ name: 'planned only', iptables: { chain: 'INPUT', protocol: 'tcp', destination_port: 7777, jump: 'ACCEPT' }, check_mode: true }],
  }, '--limit', 'master1');
  assert.equal(succeeded(r).recap.master1!.changed, 1, 'the rule would be added');
  assert.equal(await save('master1'), before, 'and nothing was');
});
