// firewall on lab hosts through `tsinfra play`: check mode touches nothing, the first run changes and the second is
// ok, other tools' chains survive a re-run, a port not allowed is filtered from the controller while 22 works, and a
// change that cuts the controller off is rolled back (host reachable, rules as before, nothing persisted).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { join } from 'node:path';
import { findHost, hostExec, hostSsh, ok, startLab } from '../../support/lab.js';
import { jsonLines, resultsOf, tsinfra, type CliResult } from '../../support/cli.js';

const lab = await startLab({ kind: 'namespace', hosts: 3 });
const dir = join(import.meta.dirname, '../../fixtures/playbooks/firewall');
const CHAIN = 'TSINFRA-INPUT';

type Recap = Record<string, Record<string, number>>;

function recapOf(r: CliResult): Recap {
  const recap = jsonLines(r.stdout).find((e) => e.type === 'recap');
  assert.ok(recap, `no recap in: ${r.stdout.slice(-2000)}${r.stderr}`);
  return recap.hosts as Recap;
}

function play(book: string, ...extra: string[]): Promise<CliResult> {
  return tsinfra(['play', join(dir, book), '-i', lab.inventoryPath, '--json', ...extra], { timeoutMs: 400_000 });
}

/**
 * iptables-save / ip6tables-save of every table, without the "# Generated … on <date>" comments and with chain
 * counters zeroed: packet statistics, not rules (nf_tables counts a built-in chain's policy once a full restore
 * recreated it, so the counters differ after a rollback even though every rule is the same).
 */
async function rules(host: string, tool: 'iptables-save' | 'ip6tables-save' = 'iptables-save', table?: string): Promise<string> {
  const out = ok(await hostExec(lab, host, `${tool}${table ? ` -t ${table}` : ''} 2>/dev/null`), tool);
  return out
    .split('\n')
    .filter((l) => !l.startsWith('#'))
    .map((l) => (l.startsWith(':') ? l.replace(/\[[0-9]+:[0-9]+\]$/, '[0:0]') : l))
    .join('\n');
}

function lines(save: string, prefix: string): string[] {
  return save.split('\n').filter((l) => l.startsWith(prefix));
}

/** 'open', 'refused' or 'filtered' (no answer within timeoutMs), seen from the controller. */
function tcpProbe(address: string, port: number, timeoutMs = 1500): Promise<'open' | 'refused' | 'filtered'> {
  return new Promise((resolve) => {
    const s = connect({ host: address, port });
    const done = (v: 'open' | 'refused' | 'filtered') => {
      s.destroy();
      resolve(v);
    };
    s.setTimeout(timeoutMs, () => done('filtered'));
    s.once('connect', () => done('open'));
    s.once('error', (e: NodeJS.ErrnoException) => done(e.code === 'ECONNREFUSED' ? 'refused' : 'filtered'));
  });
}

const EXPECTED_V4 = (vpn: string) => [
  `-A ${CHAIN} -j sshguard`,
  `-A ${CHAIN} -i lo -j ACCEPT`,
  `-A ${CHAIN} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`,
  `-A ${CHAIN} -p icmp -m icmp --icmp-type 8 -j ACCEPT`,
  `-A ${CHAIN} -s ${vpn} -j ACCEPT`,
  `-A ${CHAIN} -i zt+ -j ACCEPT`,
  `-A ${CHAIN} -p tcp -m tcp --dport 22 -j ACCEPT`,
  `-A ${CHAIN} -p tcp -m tcp --dport 80 -j ACCEPT`,
  `-A ${CHAIN} -p tcp -m tcp --dport 443 -j ACCEPT`,
  `-A ${CHAIN} -p tcp -m tcp --dport 6443 -j ACCEPT`,
  `-A ${CHAIN} -p udp -m udp --dport 6783:6784 -j ACCEPT`,
  `-A ${CHAIN} -j DROP`,
];

const master1 = findHost(lab, 'master1');

test('check mode reports the planned rules (with --diff) and touches nothing', async () => {
  const before = await rules('master1');
  const r = await play('firewall.yml', '--check', '--diff');
  assert.equal(r.code, 0, r.stdout.slice(-3000) + r.stderr);
  const recap = recapOf(r);
  for (const h of ['master1', 'master2', 'master3']) assert.equal(recap[h]!.changed, 1, JSON.stringify(recap[h]));
  const [res] = resultsOf(r, 'firewall').filter((x) => x.host === 'master1');
  assert.ok(res?.changes.includes(`IPv4: create chain ${CHAIN} with 12 rules`), JSON.stringify(res?.changes));
  assert.ok(res?.changes.includes('IPv4: create chain sshguard'));
  assert.ok(res?.changes.includes(`IPv4: add -A INPUT -j ${CHAIN}`));
  assert.equal(res?.diff?.path, `iptables:filter/${CHAIN}`);
  assert.ok(res?.diff?.after.includes(`-A ${CHAIN} -p tcp -m tcp --dport 22 -j ACCEPT\n`));
  assert.equal(await rules('master1'), before, 'nothing changed in check mode');
  assert.equal((await hostExec(lab, 'master1', 'test -e /etc/iptables/rules.v4')).code, 1, 'nothing persisted');
});

test('first run changes, second run is ok; the rules are exactly the canonical ones, jumped to once', async () => {
  // A listener on a port the firewall does not open, reachable before the firewall.
  ok(await hostExec(lab, 'master1', 'setsid python3 -m http.server 10250 --bind 0.0.0.0 </dev/null >/dev/null 2>&1 &'));
  let state = 'filtered';
  for (let i = 0; i < 50 && state !== 'open'; i++) {
    state = await tcpProbe(master1.publicAddress!, 10250, 500);
    if (state !== 'open') await new Promise((r) => setTimeout(r, 100));
  }
  assert.equal(state, 'open', 'the listener answers before the firewall');

  const first = await play('firewall.yml');
  assert.equal(first.code, 0, first.stdout.slice(-3000) + first.stderr);
  for (const [h, c] of Object.entries(recapOf(first))) assert.equal(c.changed, 1, `${h}: ${JSON.stringify(c)}`);
  const second = await play('firewall.yml');
  assert.equal(second.code, 0, second.stdout.slice(-3000) + second.stderr);
  for (const [h, c] of Object.entries(recapOf(second))) {
    assert.equal(c.changed, 0, `${h}: ${JSON.stringify(c)}`);
    assert.equal(c.ok, 1);
  }
  const trips = jsonLines(second.stdout).find((e) => e.type === 'recap')!.roundTrips;
  assert.equal(trips, 3, 'an unchanged run costs one probe per host');

  const vpn = lab.networks.vpn.cidr;
  for (const h of ['master1', 'master2', 'master3']) {
    const v4 = await rules(h, 'iptables-save', 'filter');
    assert.deepEqual(lines(v4, `-A ${CHAIN} `), EXPECTED_V4(vpn), `${h}: ${v4}`);
    assert.deepEqual(lines(v4, '-A INPUT '), [`-A INPUT -j ${CHAIN}`], 'exactly one jump');
    assert.ok(v4.includes(':sshguard - [0:0]'), 'sshguard chain created for sshguard to fill');
    const v6 = await rules(h, 'ip6tables-save', 'filter');
    assert.ok(v6.includes(`-A ${CHAIN} -s fd00:99::/64 -j ACCEPT`), v6);
    assert.ok(v6.includes(`-A ${CHAIN} -p ipv6-icmp -m icmp6 --icmpv6-type 135 -j ACCEPT`), 'neighbour discovery');
    assert.deepEqual(lines(v6, '-A INPUT '), [`-A INPUT -j ${CHAIN}`]);
    const saved = ok(await hostExec(lab, h, 'cat /etc/iptables/rules.v4'));
    assert.ok(saved.includes(`-A ${CHAIN} -j DROP`), 'persisted after confirmation');
    assert.equal(ok(await hostExec(lab, h, 'ls -A /run/tsinfra')).trim(), '', 'the guard cleaned up after itself');
  }

  assert.equal(await tcpProbe(master1.publicAddress!, 10250), 'filtered', 'a port not allowed is dropped');
  assert.equal(await tcpProbe(master1.publicAddress!, 22), 'open', 'ssh still open');
});

test("a re-run keeps other tools' chains (KUBE-TEST, sshguard's bans) and repairs only its own", async () => {
  ok(
    await hostExec(
      lab,
      'master2',
      [
        'iptables -N KUBE-TEST',
        'iptables -A KUBE-TEST -p tcp -m tcp --dport 10250 -s 10.32.0.0/12 -j ACCEPT',
        'iptables -I INPUT 1 -m comment --comment "kubernetes test" -j KUBE-TEST',
        'iptables -A sshguard -s 203.0.113.7 -j DROP',
        `iptables -D ${CHAIN} -p tcp -m tcp --dport 443 -j ACCEPT`,
        `iptables -A INPUT -i eth0 -j ${CHAIN}`,
      ].join(' && '),
    ),
  );
  const r = await play('firewall.yml', '--limit', 'master2');
  assert.equal(r.code, 0, r.stdout.slice(-3000) + r.stderr);
  assert.equal(recapOf(r).master2!.changed, 1);
  const [res] = resultsOf(r, 'firewall');
  assert.deepEqual(res?.changes, [`IPv4: ${CHAIN}: 1 rule added, 0 removed (12 rules)`, `IPv4: delete -A INPUT -i eth0 -j ${CHAIN}`, 'persist the rules: iptables-save > /etc/iptables/rules.v4, ip6tables-save > /etc/iptables/rules.v6']);
  const v4 = await rules('master2', 'iptables-save', 'filter');
  assert.deepEqual(lines(v4, '-A INPUT '), ['-A INPUT -m comment --comment "kubernetes test" -j KUBE-TEST', `-A INPUT -j ${CHAIN}`]);
  assert.deepEqual(lines(v4, '-A KUBE-TEST '), ['-A KUBE-TEST -s 10.32.0.0/12 -p tcp -m tcp --dport 10250 -j ACCEPT']);
  assert.deepEqual(lines(v4, '-A sshguard '), ['-A sshguard -s 203.0.113.7/32 -j DROP'], "sshguard's chain is never flushed");
  assert.deepEqual(lines(v4, `-A ${CHAIN} `), EXPECTED_V4(lab.networks.vpn.cidr));
  const again = await play('firewall.yml', '--limit', 'master2');
  assert.equal(recapOf(again).master2!.changed, 0);
});

test('with iptables-persistent installed (debconf preseeded: no autosave), persisting goes through netfilter-persistent save', async () => {
  ok(
    await hostExec(
      lab,
      'master1',
      "printf '%s\\n' 'iptables-persistent iptables-persistent/autosave_v4 boolean false' 'iptables-persistent iptables-persistent/autosave_v6 boolean false' | debconf-set-selections" +
        ' && DEBIAN_FRONTEND=noninteractive apt-get install -y -q iptables-persistent </dev/null >/dev/null 2>&1 && rm -f /etc/iptables/rules.v4 /etc/iptables/rules.v6',
    ),
    'install iptables-persistent',
  );
  const r = await play('firewall.yml', '--limit', 'master1');
  assert.equal(r.code, 0, r.stdout.slice(-3000) + r.stderr);
  const [res] = resultsOf(r, 'firewall');
  assert.deepEqual(res?.changes, ['persist the rules: netfilter-persistent save'], 'running rules right, saved rules missing');
  for (const f of ['rules.v4', 'rules.v6']) {
    assert.ok(ok(await hostExec(lab, 'master1', `cat /etc/iptables/${f}`)).includes(`-A ${CHAIN} -j DROP`), f);
  }
  assert.equal(recapOf(await play('firewall.yml', '--limit', 'master1')).master1!.changed, 0);
});

test('a change that cuts the controller off is rolled back: task failed, host reachable, rules as before, nothing persisted', async () => {
  const before4 = await rules('master3');
  const before6 = await rules('master3', 'ip6tables-save');
  const persistedBefore = ok(await hostExec(lab, 'master3', 'sha256sum /etc/iptables/rules.v4 /etc/iptables/rules.v6'));
  const started = Date.now();
  const r = await play('lockout.yml', '--limit', 'master3');
  const elapsed = Date.now() - started;
  assert.equal(r.code, 2, r.stdout.slice(-3000) + r.stderr);
  assert.equal(recapOf(r).master3!.failed, 1);
  const [res] = resultsOf(r, 'firewall without ssh');
  assert.match(
    res?.message ?? '',
    /^firewall change rolled back: it cut the controller off \(a new SSH connection failed after applying\); the previous rules are restored and nothing was persisted\. A new SSH connection works again\.$/,
  );
  assert.equal(resultsOf(r, 'never reached').length, 0, 'the host stopped at the failed task');
  const ssh = await hostSsh(lab, 'master3', 'echo reachable');
  assert.equal(ssh.stdout.trim(), 'reachable', ssh.stderr);
  assert.equal(await rules('master3'), before4, 'iptables rules as before');
  assert.equal(await rules('master3', 'ip6tables-save'), before6, 'ip6tables rules as before');
  assert.equal(ok(await hostExec(lab, 'master3', 'sha256sum /etc/iptables/rules.v4 /etc/iptables/rules.v6')), persistedBefore, 'nothing persisted');
  assert.equal(ok(await hostExec(lab, 'master3', 'ls -A /run/tsinfra')).trim(), '', 'no rollback left armed');
  assert.ok(elapsed < 120_000, `took ${elapsed} ms`); // a hang guard; a loaded CI machine is slow
});

test('state absent removes the jump and the chain, and nothing else', async () => {
  const r = await play('firewall.yml', '--limit', 'master2', '-e', 'firewall_state=absent');
  assert.equal(r.code, 0, r.stdout.slice(-3000) + r.stderr);
  assert.equal(recapOf(r).master2!.changed, 1);
  const v4 = await rules('master2', 'iptables-save', 'filter');
  assert.equal(v4.includes(CHAIN), false, v4);
  assert.deepEqual(lines(v4, '-A INPUT '), ['-A INPUT -m comment --comment "kubernetes test" -j KUBE-TEST']);
  assert.deepEqual(lines(v4, '-A sshguard '), ['-A sshguard -s 203.0.113.7/32 -j DROP']);
  assert.equal((await rules('master2', 'ip6tables-save', 'filter')).includes(CHAIN), false);
  assert.equal(ok(await hostExec(lab, 'master2', 'cat /etc/iptables/rules.v4')).includes(CHAIN), false, 'the saved rules follow');
  const again = await play('firewall.yml', '--limit', 'master2', '-e', 'firewall_state=absent');
  assert.equal(recapOf(again).master2!.changed, 0);
});
