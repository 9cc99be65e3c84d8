// The facts script over real OpenSSH on a namespace lab host, each fact checked against an independent command run
// inside the host through nsenter (`ip -j`, `hostname`, os-release, /proc), then again with python and ip removed.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { factsScript, parseFacts, type Facts } from '../../../src/engine/facts.js';
import { findHost, hostExec, hostSsh, ok, startLab } from '../../support/lab.js';

const lab = await startLab({ kind: 'namespace', hosts: 1 });
const HOST = 'master1';

// A ZeroTier-like interface: a tap device named zt..., with IPv4 and IPv6 addresses.
ok(await hostExec(lab, HOST, [
  'mkdir -p /dev/net', '{ [ -e /dev/net/tun ] || mknod /dev/net/tun c 10 200; }',
  'ip tuntap add ztc25a1b2c mode tap', 'ip addr add 10.147.17.5/24 dev ztc25a1b2c',
  'ip -6 addr add fd80:56c2:e21c::5/88 dev ztc25a1b2c', 'ip link set ztc25a1b2c up',
].join(' && ')), 'make a zt interface');

async function gatherOverSsh(): Promise<Facts> {
  // The engine may run scripts under `set -eu`: the facts script must survive it.
  const r = await hostSsh(lab, HOST, 'sh -s', `set -eu\n${factsScript().text}`);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  return parseFacts(r.stdout);
}

interface IpJsonLink {
  ifname: string;
  flags: string[];
  link_type: string;
  address?: string;
  addr_info: { family: 'inet' | 'inet6'; local: string; prefixlen: number }[];
}

/** The host's interfaces as `ip -j addr` describes them: an independent parser (JSON) of the same kernel state. */
async function interfacesFromIpJson(): Promise<Facts['interfaces']> {
  const links = JSON.parse(ok(await hostExec(lab, HOST, 'ip -j addr show'))) as IpJsonLink[];
  const out: Facts['interfaces'] = {};
  for (const l of links) {
    const cidrs = (family: string) => l.addr_info.filter((a) => a.family === family).map((a) => `${a.local}/${a.prefixlen}`);
    out[l.ifname] = { ipv4: cidrs('inet'), ipv6: cidrs('inet6'), up: l.flags.includes('UP'), ...(l.link_type === 'ether' && l.address ? { mac: l.address } : {}) };
  }
  return out;
}

test('facts over OpenSSH match independent commands on the host', { timeout: 400_000 }, async () => {
  const f = await gatherOverSsh();
  const sh = async (cmd: string) => ok(await hostExec(lab, HOST, cmd)).trim();

  assert.equal(f.hostname, await sh('hostname'));
  assert.equal(f.fqdn, await sh('hostname -f'));
  assert.equal(f.kernel, await sh('uname -r'));
  assert.equal(f.architecture, await sh('uname -m'));
  assert.equal(f.dpkg_architecture, await sh('dpkg --print-architecture'));
  const [id, version, codename, pretty] = (await sh('. /etc/os-release && printf "%s\\n" "$ID" "$VERSION_ID" "$VERSION_CODENAME" "$PRETTY_NAME"')).split('\n');
  assert.deepEqual(f.os, { id, version, codename, pretty, family: 'debian' });
  assert.equal(f.user_id, ok(await hostSsh(lab, HOST, 'id -un')).trim());
  assert.equal(f.user_uid, Number(ok(await hostSsh(lab, HOST, 'id -u'))));
  assert.equal(f.processor_count, Number(await sh('nproc')));
  assert.equal(f.memtotal_mb, Math.floor(Number(await sh("awk '/^MemTotal:/ {print $2}' /proc/meminfo")) / 1024));
  assert.equal(f.pkg_mgr, 'apt');
  assert.equal(f.python, ok(await hostSsh(lab, HOST, 'command -v python3')).trim());
  // Namespace hosts have no service manager as PID 1, only /etc/init.d scripts.
  assert.notEqual(await sh('cat /proc/1/comm'), 'systemd');
  assert.equal(f.init, 'sysvinit');

  assert.deepEqual(f.interfaces, await interfacesFromIpJson());
  assert.deepEqual(f.interfaces.ztc25a1b2c?.ipv4, ['10.147.17.5/24']);
  // Lab hosts have no default route, so the first global address (the public one) stands in.
  assert.equal(await sh('ip -4 route show default'), '');
  const publicAddress = findHost(lab, HOST).publicAddress!;
  assert.equal(f.default_ipv4?.address, publicAddress);
  assert.ok(f.interfaces[f.default_ipv4!.interface]?.ipv4.some((c) => c.startsWith(`${publicAddress}/`)));
});

test('hostname -f runs under timeout unless /etc/hosts answers, with the same fqdn either way', { timeout: 400_000 }, async () => {
  // A timeout that leaves a mark, ahead of the real one on sshd's PATH.
  ok(await hostExec(lab, HOST, "printf '#!/bin/sh\\ntouch /tmp/timeout-ran\\nexec /usr/bin/timeout \"$@\"\\n' > /usr/local/bin/timeout && chmod +x /usr/local/bin/timeout && cp /etc/hosts /tmp/hosts.orig"));
  const gather = async () => {
    ok(await hostExec(lab, HOST, 'rm -f /tmp/timeout-ran'));
    const f = await gatherOverSsh();
    const bounded = (await hostExec(lab, HOST, 'test -e /tmp/timeout-ran')).code === 0;
    const r = await hostExec(lab, HOST, 'hostname -f');
    return { fqdn: f.fqdn, bounded, expected: r.code === 0 ? r.stdout.trim() : HOST };
  };
  try {
    assert.match(await hostExec(lab, HOST, 'grep ^hosts: /etc/nsswitch.conf').then((r) => r.stdout), /^hosts:\s+files\s/);
    // The lab's /etc/hosts names the host: the libc answers from the file, no DNS, no timeout process.
    let g = await gather();
    assert.deepEqual(g, { fqdn: HOST, bounded: false, expected: HOST });
    ok(await hostExec(lab, HOST, `sed -i 's/\\s${HOST}$/ ${HOST}.lab.example ${HOST}/' /etc/hosts`));
    g = await gather();
    assert.deepEqual(g, { fqdn: `${HOST}.lab.example`, bounded: false, expected: `${HOST}.lab.example` });
    // Named only in a comment: hostname -f may ask DNS, so it runs bounded.
    ok(await hostExec(lab, HOST, `sed -i 's/^\\([^#].*\\s${HOST}\\)$/# \\1/' /etc/hosts && ! grep -q '^[^#].*${HOST}' /etc/hosts`));
    g = await gather();
    assert.equal(g.bounded, true);
    assert.equal(g.fqdn, g.expected);
  } finally {
    ok(await hostExec(lab, HOST, 'cp /tmp/hosts.orig /etc/hosts && rm -f /usr/local/bin/timeout /tmp/timeout-ran'));
  }
});

test('without python and without ip the script still runs and the network facts hold', { timeout: 400_000 }, async () => {
  const before = await gatherOverSsh();
  ok(await hostExec(lab, HOST, [
    'for p in /usr/bin/python3 /usr/bin/python /usr/bin/ip /usr/sbin/ip /bin/ip /sbin/ip; do',
    '  if [ -e "$p" ] || [ -L "$p" ]; then mv "$p" "$p.hidden"; fi',
    'done',
    '! command -v python3 && ! command -v ip',
  ].join('\n')), 'hide python and ip');
  const after = await gatherOverSsh();
  assert.equal(after.python, null);
  const sorted = (f: Facts) => Object.fromEntries(Object.entries(f.interfaces).map(([n, i]) => [n, { ...i, ipv4: [...i.ipv4].sort(), ipv6: [...i.ipv6].sort() }]));
  assert.deepEqual(sorted(after), sorted(before));
  // (The Ansible view, with its clock and session environment, is the oracle's: ansible-facts.test.ts.)
  const { python: _p, interfaces: _i, ansible: _a, ...restBefore } = before;
  const { python: _q, interfaces: _j, ansible: _b, ...restAfter } = after;
  assert.deepEqual(restAfter, restBefore);
});
