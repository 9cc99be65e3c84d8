// The zerotier module against the lab's ZeroTier TEST DOUBLE, on 3 namespace hosts: zerotier-one installed the
// role's way (apt source signed by its key, apt, service) from the double's repository, then `tsinfra play` joins
// and authorizes through the Central API stand-in. Each host gets a real `zt…` interface on the vpn bridge with
// its assigned address, TCP flows between hosts over the VPN, a second run changes nothing, the API token shows
// up nowhere, and without a token the node's ACCESS_DENIED becomes a clear error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostExec, ok, startLab } from '../../support/lab.js';
import { jsonLines, tsinfra, type CliResult } from '../../support/cli.js';

const lab = await startLab({ kind: 'namespace', hosts: 3 });
const PLAYBOOKS = join(import.meta.dirname, '../../fixtures/playbooks/zerotier');
const TOKEN = lab.zerotier.apiToken;
const JOINED = ['master1', 'master2'];

interface Recap {
  ok: number;
  changed: number;
  failed: number;
}

function recapOf(r: CliResult): Record<string, Recap> {
  const recap = jsonLines(r.stdout).find((e) => e.type === 'recap');
  assert.ok(recap, `a recap event:\n${r.stdout.slice(-2000)}${r.stderr}`);
  return recap.hosts as Record<string, Recap>;
}

function failureOf(r: CliResult, host: string): string | undefined {
  const e = jsonLines(r.stdout).find((x) => x.type === 'host_result' && (x.result as { host: string; status: string }).host === host && (x.result as { status: string }).status === 'failed');
  return (e?.result as { message?: string } | undefined)?.message;
}

async function onHost(host: string, cmd: string): Promise<string> {
  return ok(await hostExec(lab, host, cmd), `${cmd} on ${host}`);
}

function play(playbook: string, args: string[], env: NodeJS.ProcessEnv = {}): Promise<CliResult> {
  return tsinfra(['play', join(PLAYBOOKS, playbook), '-i', lab.inventoryPath, '--json', ...args], { env: { ZEROTIER_API_TOKEN: '', ...env } });
}

/** Every process's command line on every host, sampled until `until` settles. */
async function sampleProcessLists(until: Promise<unknown>): Promise<string> {
  let seen = '';
  let done = false;
  void until.finally(() => (done = true));
  while (!done) {
    for (const h of lab.hosts) seen += (await hostExec(lab, h.name, 'cat /proc/[0-9]*/cmdline 2>/dev/null | tr "\\0" " "; ps -eo args')).stdout;
    await new Promise((r) => setTimeout(r, 100));
  }
  return seen;
}

test('zerotier-one installs from the double\'s signed apt repository, the role\'s way', async () => {
  const r = await play('install.yaml', []);
  assert.equal(r.code, 0, r.stdout.slice(-3000) + r.stderr);
  for (const h of lab.hosts) {
    assert.match(await onHost(h.name, "dpkg-query -W -f='${Version}' zerotier-one"), /^1\.14\.0-tsinfra-double$/);
    assert.match(await onHost(h.name, 'zerotier-cli info'), /^200 info [0-9a-f]{10} 1\.14\.0 ONLINE$/m);
    assert.match(await onHost(h.name, 'cat /etc/apt/sources.list.d/zerotier.list'), new RegExp(`^deb \\[signed-by=/etc/apt/keyrings/zerotier.asc\\] ${lab.zerotier.aptRepoUrl}/bookworm bookworm main$`, 'm'));
  }
});

test('check mode reports the join and changes nothing', async () => {
  const r = await play('join.yaml', ['--check', '--limit', 'master1'], { ZEROTIER_API_TOKEN: TOKEN });
  assert.equal(r.code, 0, r.stdout.slice(-3000) + r.stderr);
  assert.ok(recapOf(r).master1!.changed >= 1);
  assert.equal(await onHost('master1', 'zerotier-cli -j listnetworks'), '[]\n');
});

test('join and authorize: each host has its zt interface with the assigned address, and TCP flows over the VPN', async () => {
  const running = play('join.yaml', ['--limit', JOINED.join(',')], { ZEROTIER_API_TOKEN: TOKEN });
  const processLists = await sampleProcessLists(running);
  const r = await running;
  assert.equal(r.code, 0, r.stdout.slice(-3000) + r.stderr);
  const recap = recapOf(r);
  const addresses: Record<string, string> = {};
  for (const h of JOINED) {
    assert.equal(recap[h]!.failed, 0);
    assert.equal(recap[h]!.changed, 2, 'joined, and wrote the facts file');
    const [nodeId, iface, ip, cidrs] = (await onHost(h, 'cat /var/tmp/zerotier-facts')).trim().split(' ');
    assert.match(iface!, /^zt[0-9a-z]{8}$/, 'zt + 8 characters');
    assert.equal(nodeId, (await onHost(h, 'cut -d: -f1 /var/lib/zerotier-one/identity.public')).trim());
    assert.equal(cidrs, `${ip}/23`);
    assert.ok(lab.zerotier && ip!.startsWith(lab.networks.vpn.cidr.split('.').slice(0, 2).join('.')), `${ip} is in ${lab.networks.vpn.cidr}`);
    assert.match(await onHost(h, `ip -4 -o addr show dev ${iface}`), new RegExp(` inet ${ip!.replace(/\./g, '\\.')}/23 `));
    assert.match(await onHost(h, `ip -o link show dev ${iface}`), /state UP/);
    addresses[h] = ip!;
  }
  assert.notEqual(addresses.master1, addresses.master2);
  // TCP from master1 to master2's sshd over the VPN address, and the route goes through the zt interface.
  const iface1 = (await onHost('master1', 'cat /var/tmp/zerotier-facts')).split(' ')[1]!;
  assert.match(await onHost('master1', `ip route get ${addresses.master2}`), new RegExp(`dev ${iface1} `));
  const banner = await onHost('master1', `timeout 5 bash -c 'exec 3<>/dev/tcp/${addresses.master2}/22; head -c 8 <&3'`);
  assert.equal(banner, 'SSH-2.0-');
  // The lab records the addresses too.
  const info = JSON.parse(readFileSync(join(lab.stateDir, 'info.json'), 'utf8')) as { hosts: { name: string; vpnAddress?: string }[] };
  for (const h of JOINED) assert.equal(info.hosts.find((x) => x.name === h)?.vpnAddress, addresses[h]);

  assert.ok(!r.stdout.includes(TOKEN) && !r.stderr.includes(TOKEN), 'the token is not in the output');
  assert.ok(processLists.length > 0 && !processLists.includes(TOKEN), "the token is not in the hosts' process lists");
  for (const h of lab.hosts) {
    const grep = await hostExec(lab, h.name, `grep -r -l -F -e '${TOKEN}' /var/lib/zerotier-one /etc /tmp /var/tmp 2>/dev/null`);
    assert.equal(grep.stdout, '', `the token is in no file on ${h.name}`);
  }
});

test('the second run changes nothing', async () => {
  const r = await play('join.yaml', ['--limit', JOINED.join(',')], { ZEROTIER_API_TOKEN: TOKEN });
  assert.equal(r.code, 0, r.stdout.slice(-3000) + r.stderr);
  for (const h of JOINED) assert.equal(recapOf(r)[h]!.changed, 0, JSON.stringify(recapOf(r)[h]));
  assert.ok(!r.stdout.includes(TOKEN));
});

/** Polls a host command until its output matches (the stand-in answers every half second). */
async function eventually(host: string, cmd: string, re: RegExp): Promise<string> {
  let last = '';
  for (let i = 0; i < 50; i++) {
    last = (await hostExec(lab, host, cmd)).stdout;
    if (re.test(last)) return last;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.fail(`${cmd} on ${host}: ${JSON.stringify(last)} does not match ${re}`);
}

test('like the real tap device, the interface goes with the service and comes back with it', async () => {
  const [, iface, ip] = (await onHost('master2', 'cat /var/tmp/zerotier-facts')).trim().split(' ');
  await onHost('master2', 'service zerotier-one stop');
  assert.equal((await hostExec(lab, 'master2', 'service zerotier-one status')).code, 3, 'LSB: not running');
  await eventually('master2', `ip -o link show dev ${iface} 2>&1 || true`, /does not exist/);
  await onHost('master2', 'service zerotier-one start');
  await eventually('master2', `ip -4 -o addr show dev ${iface} 2>&1 || true`, new RegExp(` inet ${ip!.replace(/\./g, '\\.')}/23 `));
});

test('without a token the node stays ACCESS_DENIED and the task says what to do', async () => {
  const r = await play('join.yaml', ['--limit', 'master3']);
  assert.notEqual(r.code, 0);
  assert.equal(recapOf(r).master3!.failed, 1);
  const nodeId = (await onHost('master3', 'cut -d: -f1 /var/lib/zerotier-one/identity.public')).trim();
  assert.equal(failureOf(r, 'master3'), `node ${nodeId} is not authorized on network ${lab.zerotier.networkId}: authorize it in ZeroTier Central or give api_token`);
  assert.match(await onHost('master3', 'zerotier-cli listnetworks'), new RegExp(`^200 listnetworks ${lab.zerotier.networkId} .* ACCESS_DENIED PRIVATE zt[0-9a-f]{8} -$`, 'm'));
});

test('the Central stand-in answers like Central: 401 for a wrong token, 404 for another network, the member JSON', async () => {
  const { apiUrl, networkId } = lab.zerotier;
  const nodeId = (await onHost('master1', 'cut -d: -f1 /var/lib/zerotier-one/identity.public')).trim();
  const get = (path: string, token: string) => fetch(`${apiUrl}${path}`, { headers: { authorization: `token ${token}` } });
  assert.equal((await get(`/network/${networkId}/member/${nodeId}`, 'wrong')).status, 401);
  assert.equal((await get(`/network/0123456789abcdef/member/${nodeId}`, TOKEN)).status, 404);
  const member = (await (await get(`/network/${networkId}/member/${nodeId}`, TOKEN)).json()) as { nodeId: string; name: string; config: { authorized: boolean; ipAssignments: string[] } };
  assert.equal(member.nodeId, nodeId);
  assert.equal(member.name, 'master1', 'named after the inventory host');
  assert.equal(member.config.authorized, true);
  assert.equal(member.config.ipAssignments.length, 1);
  const network = (await (await get(`/network/${networkId}`, TOKEN)).json()) as { config: { private: boolean; routes: { target: string }[] } };
  assert.deepEqual([network.config.private, network.config.routes[0]?.target], [true, lab.networks.vpn.cidr]);
});
