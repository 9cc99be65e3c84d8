// `tsinfra audit ports` on a namespace lab of 3 hosts after `tsinfra play playbooks/prepare.yaml`: the outside
// (controller), the VPN (master1, the first member) and the private network (the lab's neighbour namespace, found
// from the lab inventory; or a host over SSH with --private-from) see what the security role's policy says.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { hostExec, ok, startLab } from '../../support/lab.js';
import { jsonLines, tsinfra } from '../../support/cli.js';
import { listen } from '../../support/ports.js';

const REPO = join(import.meta.dirname, '../../..');
const PREPARE = join(REPO, 'playbooks/prepare.yaml');
const lab = await startLab({ kind: 'namespace', hosts: 3 });
const target = lab.hosts[1]!.name; // master2: not the VPN vantage, so master1 probes it over the VPN
const audit = (...args: string[]) => tsinfra(['audit', 'ports', '-i', lab.inventoryPath, '--roles-path', join(REPO, 'roles'), ...args], { timeoutMs: 400_000 });

type Probe = { host: string; vantage: string; from: string; port: number; state: string; violation: boolean };
function probesOf(stdout: string): { probes: Probe[]; summary: Record<string, unknown> } {
  const lines = jsonLines(stdout);
  return { probes: lines.filter((l) => l.type === 'probe') as unknown as Probe[], summary: lines.find((l) => l.type === 'summary')! };
}
const stateOf = (probes: Probe[], host: string, vantage: string, port: number) => probes.find((p) => p.host === host && p.vantage === vantage && p.port === port)?.state;
/** The probes of one host, for an assertion's message. */
const seen = (probes: Probe[], host: string) => probes.filter((p) => p.host === host).map((p) => `${p.vantage}/${p.port}=${p.state}`).join(' ');

test('prepare the lab', async () => {
  const r = await tsinfra(['play', PREPARE, '-i', lab.inventoryPath, '--json'], { timeoutMs: 600_000 });
  assert.equal(r.code, 0, r.stdout.slice(-3000) + r.stderr);
});

test('a listener on 10250: outside filtered, VPN open, private filtered; no violation, exit 0', async () => {
  await listen(lab, target, [10250]);
  const r = await audit('--json');
  assert.equal(r.code, 0, r.stdout.slice(-3000) + r.stderr);
  const { probes, summary } = probesOf(r.stdout);
  assert.equal(stateOf(probes, target, 'outside', 10250), 'filtered', seen(probes, target));
  assert.equal(stateOf(probes, target, 'vpn', 10250), 'open', seen(probes, target));
  assert.equal(stateOf(probes, target, 'private', 10250), 'filtered', seen(probes, target));
  assert.equal(probes.find((p) => p.host === target && p.vantage === 'vpn')!.from, lab.hosts[0]!.name, 'the first VPN member probes the others');
  assert.equal(probes.find((p) => p.vantage === 'private')!.from, `netns:${lab.neighbour.netns}`, "a lab inventory's private vantage is the neighbour");
  assert.equal(stateOf(probes, target, 'outside', 22), 'open', seen(probes, target));
  assert.equal(stateOf(probes, target, 'private', 22), 'open', seen(probes, target));
  assert.equal(stateOf(probes, lab.hosts[0]!.name, 'vpn', 22), 'open', 'the VPN vantage itself is probed by the next member');
  assert.deepEqual(summary.violations, []);
  assert.equal((summary.counts as Record<string, number>).unknown, 0);
  for (const host of lab.hosts) assert.ok(probes.some((p) => p.host === host.name && p.vantage === 'vpn'), `${host.name} probed over the VPN`);
  const text = await audit();
  assert.equal(text.code, 0, text.stdout + text.stderr);
  assert.match(text.stdout, /^ {2}10250 +filtered +open +filtered$/m, 'the matrix row of the listening host');
});

test('port 2379 opened by hand in TSINFRA-INPUT with a listener: exit 2, naming the host and 2379', async () => {
  ok(await hostExec(lab, target, 'iptables -I TSINFRA-INPUT 1 -p tcp --dport 2379 -j ACCEPT'));
  await listen(lab, target, [2379]);
  const r = await audit();
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stdout, new RegExp(`^ {2}${target} {2}port 2379/tcp open from outside`, 'm'));
  assert.match(r.stdout, new RegExp(`^ {2}${target} {2}port 2379/tcp open from the private network`, 'm'));
  assert.match(r.stdout, /^ {2}2379 +OPEN !! +open +OPEN !! +← VIOLATION$/m);
  const json = probesOf((await audit('--json')).stdout);
  assert.deepEqual(
    (json.summary.violations as Probe[]).map((v) => `${v.host} ${v.vantage} ${v.port}`),
    [`${target} outside 2379`, `${target} private 2379`],
  );
});

test('--private-from HOST probes the private network over SSH from that host (which is then not audited)', async () => {
  const vantage = lab.hosts[2]!.name;
  const r = await audit('--json', '--private-from', vantage);
  assert.equal(r.code, 2, r.stdout.slice(-2000) + r.stderr);
  const { probes } = probesOf(r.stdout);
  const priv = probes.filter((p) => p.vantage === 'private');
  assert.ok(priv.length > 0 && priv.every((p) => p.from === vantage));
  assert.equal(stateOf(probes, target, 'private', 2379), 'open', seen(probes, target));
  assert.equal(stateOf(probes, target, 'private', 10250), 'filtered', seen(probes, target));
  assert.ok(!probes.some((p) => p.host === vantage), 'the private vantage host is not audited');
});
