// Facts: the parser against stdout captured from real machines (test/fixtures/facts: this controller, a namespace lab
// host and a systemd lab host, each with `ip` and with `ip` (and python) hidden; a namespace lab host under busybox),
// plus synthetic edge cases.
// How the fixtures were made: `factsScript().text` piped into `dash -s` on the controller (for *-noip with a PATH
// of links to everything but ip and python); on a one-host lab of each kind, after adding through nsenter a tap
// `ztc25a1b2c` (10.147.17.5/24, fd80:56c2:e21c::5/88, up), a tun `tun7` (10.8.0.2/24, down) and a veth pair
// vdown0/vdown1 (down), the script over `ssh -F <lab ssh_config> master1 sh -s`; then again after moving
// /usr/bin/ip, /usr/sbin/ip and /usr/bin/python3 aside. Those six were captured with an earlier script and converted
// line for line: its `link=`/`addr=`/`route_get=` lines became `ip=` lines (`ip -batch` prints the very same text, as
// checked on a lab host and this controller) and `nodename=`/`kernel=`/`machine=` one `uname=` line. busybox-ip: the same lab
// setup plus a default route via eth1, the script over `ssh ... master1 /tmp/busybox sh -s` with Debian's
// busybox-static, whose applets (ip without -batch, uname, id, hostname, nproc, dpkg) answer.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { hostname, machine, release } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { compressIpv6, factsScript, parseFacts, type Facts } from '../../../src/engine/facts.js';

/** Debian's /bin/sh; called by path, since one run below has an empty PATH. */
const DASH = '/bin/dash';
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/facts');
const fixture = (name: string) => readFileSync(join(FIXTURES, `${name}.txt`), 'utf8');

const DEBIAN_12 = { id: 'debian', version: '12', family: 'debian', codename: 'bookworm', pretty: 'Debian GNU/Linux 12 (bookworm)' };

// The lab hosts' extra interfaces were made for the capture: a ZeroTier-like tap `ztc25a1b2c` (up, no carrier), a
// tun `tun7` (down, an address), and a veth pair left down.
function labInterfaces(mac: Record<string, string>, v6: Record<string, string>, v4 = { eth0: '10.99.0.11/23', eth1: '10.99.2.11/23' }): Facts['interfaces'] {
  return {
    lo: { ipv4: ['127.0.0.1/8'], ipv6: ['::1/128'], up: true },
    eth0: { ipv4: [v4.eth0], ipv6: [v6.eth0!], up: true, mac: mac.eth0 },
    eth1: { ipv4: [v4.eth1], ipv6: [v6.eth1!], up: true, mac: mac.eth1 },
    ztc25a1b2c: { ipv4: ['10.147.17.5/24'], ipv6: ['fd80:56c2:e21c::5/88'], up: true, mac: mac.zt },
    tun7: { ipv4: ['10.8.0.2/24'], ipv6: [], up: false },
    vdown1: { ipv4: [], ipv6: [], up: false, mac: mac.vdown1 },
    vdown0: { ipv4: [], ipv6: [], up: false, mac: mac.vdown0 },
  };
}

const COMMON = {
  kernel: '6.18.44-fc-v595',
  architecture: 'x86_64',
  dpkg_architecture: 'amd64',
  pkg_mgr: 'apt',
  processor_count: 2,
  memtotal_mb: 24105,
  user_id: 'root',
  user_uid: 0,
} as const;

test('namespace lab host (ip available): every fact', () => {
  assert.deepEqual(parseFacts(fixture('namespace-ip')), {
    ...COMMON,
    os: DEBIAN_12,
    hostname: 'master1',
    fqdn: 'master1',
    interfaces: labInterfaces(
      { eth0: 'a2:77:ac:b1:c4:2b', eth1: 'e6:26:12:db:3d:00', zt: '3e:e2:82:1b:b7:db', vdown1: 'aa:70:41:ef:fe:45', vdown0: '56:54:83:9d:92:33' },
      { eth0: 'fe80::a077:acff:feb1:c42b/64', eth1: 'fe80::e426:12ff:fedb:3d00/64' },
    ),
    // No default route on lab hosts: the first global IPv4 address stands in.
    default_ipv4: { address: '10.99.0.11', interface: 'eth0' },
    init: 'sysvinit',
    python: '/usr/bin/python3',
  });
});

test('systemd lab host (ip available): init is systemd', () => {
  const f = parseFacts(fixture('systemd-ip'));
  assert.equal(f.init, 'systemd');
  assert.deepEqual(f.interfaces, labInterfaces(
    { eth0: '4e:56:66:e7:ae:15', eth1: '9a:ad:7d:9b:4f:eb', zt: 'a2:2e:8d:f1:12:75', vdown1: 'fa:36:8a:13:fc:15', vdown0: '1a:3e:3f:a1:5f:c9' },
    { eth0: 'fe80::4c56:66ff:fee7:ae15/64', eth1: 'fe80::98ad:7dff:fe9b:4feb/64' },
  ));
  assert.deepEqual(f.default_ipv4, { address: '10.99.0.11', interface: 'eth0' });
  assert.deepEqual(f.os, DEBIAN_12);
  assert.equal(f.python, '/usr/bin/python3');
});

test('controller (a default route): default_ipv4 comes from the route, not the first address', () => {
  assert.deepEqual(parseFacts(fixture('controller-ip')), {
    ...COMMON,
    os: DEBIAN_12,
    hostname: 'vm',
    fqdn: 'vm',
    interfaces: {
      lo: { ipv4: ['127.0.0.1/8'], ipv6: ['::1/128'], up: true },
      ifb0: { ipv4: [], ipv6: [], up: false, mac: '1e:b8:97:a1:1c:b4' },
      ifb1: { ipv4: [], ipv6: [], up: false, mac: 'e6:4c:32:68:93:b5' },
      eth0: { ipv4: ['192.0.2.2/24'], ipv6: ['fd00::2/64', 'fe80::fc:ff:fe00:1/64'], up: true, mac: '02:fc:00:00:00:01' },
    },
    default_ipv4: { address: '192.0.2.2', interface: 'eth0' },
    init: 'sysvinit',
    python: '/root/.pyenv/shims/python3',
  });
});

test('busybox (ip without -batch, busybox applets): the same facts, route from its own route get format', () => {
  assert.deepEqual(parseFacts(fixture('busybox-ip')), {
    ...COMMON,
    // Busybox's dpkg applet has no --print-architecture.
    dpkg_architecture: null,
    os: DEBIAN_12,
    hostname: 'master1',
    fqdn: 'master1',
    interfaces: labInterfaces(
      { eth0: '7e:46:62:fb:b8:2b', eth1: '9e:d0:fd:6d:c0:c6', zt: 'c2:8d:9b:f7:20:ce', vdown1: '0a:a1:78:a0:48:a5', vdown0: 'e6:e7:b8:08:ea:13' },
      { eth0: 'fe80::7c46:62ff:fefb:b82b/64', eth1: 'fe80::9cd0:fdff:fe6d:c0c6/64' },
      { eth0: '10.99.8.11/23', eth1: '10.99.10.11/23' },
    ),
    // `8.8.8.8 via 10.99.10.1 dev eth1  src 10.99.10.11`: the route, not the first global address (eth0).
    default_ipv4: { address: '10.99.10.11', interface: 'eth1' },
    init: 'sysvinit',
    python: '/usr/bin/python3',
  });
});

/** Interfaces with each address list sorted (the kernel files list addresses in another order than ip). */
function sortedInterfaces(f: Facts): Facts['interfaces'] {
  return Object.fromEntries(Object.entries(f.interfaces).map(([n, i]) => [n, { ...i, ipv4: [...i.ipv4].sort(), ipv6: [...i.ipv6].sort() }]));
}

for (const kind of ['controller', 'namespace', 'systemd']) {
  test(`${kind} without ip: the kernel-file fallback gives the same network facts`, () => {
    const withIp = parseFacts(fixture(`${kind}-ip`));
    const without = parseFacts(fixture(`${kind}-noip`));
    const expected = sortedInterfaces(withIp);
    // The documented limit: an IPv4 address without a connected route (here on a down interface) cannot be placed.
    if (expected.tun7) expected.tun7.ipv4 = [];
    // In the systemd (nspawn) host, /sys/class/net is the controller's: the fallback notices and drops MACs.
    if (kind === 'systemd') for (const i of Object.values(expected)) delete i.mac;
    assert.deepEqual(sortedInterfaces(without), expected);
    assert.deepEqual(without.default_ipv4, withIp.default_ipv4);
    assert.deepEqual(Object.keys(without.interfaces), Object.keys(withIp.interfaces), 'ifindex order');
    // Python was hidden too: nothing else depends on it.
    assert.equal(without.python, null);
    const { interfaces: _a, python: _b, ...restWith } = withIp;
    const { interfaces: _c, python: _d, ...restWithout } = without;
    assert.deepEqual(restWithout, restWith);
  });
}

test('the script is POSIX sh that dash runs under set -eu, with and without a python', () => {
  const text = factsScript().text;
  execFileSync(DASH, ['-n'], { input: text });
  assert.doesNotMatch(text, /\$'|\[\[|\bfunction\b|<<<|\blocal\b|\bsource\b|==/, 'no bashisms');
  const out = execFileSync(DASH, ['-s'], { input: `set -eu\n${text}` }).toString();
  const f = parseFacts(out);
  assert.ok(f.processor_count >= 1);
  assert.ok(f.interfaces.lo?.up);
  assert.equal(f.hostname, hostname().split('.')[0]);
  assert.equal(f.kernel, release());
  assert.equal(f.architecture, machine());
  assert.equal(f.user_uid, process.getuid!());
  // An empty PATH: no ip, no python, no hostname, no dpkg, no nproc. Builtins and the kernel files still answer.
  const bare = execFileSync(DASH, ['-s'], { input: `set -eu\n${text}`, env: { PATH: '/nonexistent' } }).toString();
  const b = parseFacts(bare);
  assert.equal(b.python, null);
  assert.equal(b.pkg_mgr, null);
  assert.equal(b.dpkg_architecture, null);
  assert.ok(b.interfaces.lo?.up);
  assert.deepEqual(b.os, f.os);
  // Without id the uid still comes from the kernel (/proc/self/status), and the name falls back to it.
  assert.equal(b.user_uid, f.user_uid);
  assert.equal(b.user_id, String(f.user_uid));
});

/** A minimal facts output around the given lines. */
function synth(lines: string[], machine = 'x86_64'): string {
  return ['tsinfra_facts=1', `uname=web1.example.org 6.1.0-18-amd64 ${machine}`, 'uid=1000', ...lines, 'tsinfra_facts_end=1', ''].join('\n');
}

test('os family, codename and quoting from os-release variants', () => {
  const os = (...lines: string[]) => parseFacts(synth(lines.map((l) => `os_release=${l}`))).os;
  assert.deepEqual(os('NAME="Ubuntu"', 'VERSION_ID="24.04"', 'ID=ubuntu', 'ID_LIKE=debian', 'PRETTY_NAME="Ubuntu 24.04.1 LTS"', 'UBUNTU_CODENAME=noble'), {
    id: 'ubuntu', version: '24.04', family: 'debian', codename: 'noble', pretty: 'Ubuntu 24.04.1 LTS',
  });
  assert.equal(os('ID="rocky"', 'ID_LIKE="rhel centos fedora"').family, 'redhat');
  assert.equal(os('ID=fedora').family, 'redhat');
  assert.equal(os('ID=alpine', 'VERSION_ID=3.20.3').family, 'alpine');
  assert.equal(os('ID="opensuse-leap"', 'ID_LIKE="suse opensuse"').family, 'suse');
  assert.equal(os('ID=nixos').family, 'nixos');
  assert.equal(os().family, 'unknown');
  // Debian sid has no VERSION_ID; values may use single quotes and escapes.
  assert.deepEqual(os('ID=debian', "PRETTY_NAME='Debian GNU/Linux trixie/sid'", 'VERSION_CODENAME=trixie'), {
    id: 'debian', version: '', family: 'debian', codename: 'trixie', pretty: 'Debian GNU/Linux trixie/sid',
  });
  assert.equal(os('PRETTY_NAME="a \\"quoted\\" \\$name"').pretty, 'a "quoted" $name');
});

test('init system, package manager, python and user from the probes', () => {
  const f = (...lines: string[]) => parseFacts(synth(lines));
  assert.equal(f('probe=systemd_dir', 'probe=init_d').init, 'systemd');
  assert.equal(f('probe=openrc', 'probe=init_d').init, 'openrc');
  assert.equal(f('probe=init_d').init, 'sysvinit');
  assert.equal(f().init, 'unknown');
  assert.equal(f('cmd=yum /usr/bin/yum', 'cmd=dnf /usr/bin/dnf').pkg_mgr, 'dnf');
  assert.equal(f('cmd=yum /usr/bin/yum').pkg_mgr, 'yum');
  assert.equal(f('cmd=apk /sbin/apk').pkg_mgr, 'apk');
  assert.equal(f().pkg_mgr, null);
  assert.equal(f('cmd=python /usr/bin/python').python, '/usr/bin/python');
  assert.equal(f('cmd=python /usr/bin/python', 'cmd=python3 /usr/local/bin/python3').python, '/usr/local/bin/python3');
  const g = f('user=deploy', 'fqdn=');
  assert.equal(g.hostname, 'web1');
  assert.equal(g.fqdn, 'web1.example.org', 'no hostname -f answer: the node name');
  assert.equal(g.kernel, '6.1.0-18-amd64', 'uname -n -r -m: the second word');
  assert.equal(g.architecture, 'x86_64');
  assert.equal(g.user_id, 'deploy');
  assert.equal(g.user_uid, 1000);
  assert.equal(f().user_id, '1000', 'id -un failing (no passwd entry): the uid');
});

test('ip output: peers after @, point-to-point addresses, route get with src; lines told apart by shape', () => {
  const f = parseFacts(synth([
    // An address line ahead of its link line (and of the route line) still lands on that link.
    'ip=9: wg0    inet 10.0.0.1 peer 10.0.0.2/32 scope global wg0\\       valid_lft forever preferred_lft forever',
    'ip=1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
    'ip=9: wg0: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 1420 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/none ',
    'ip=3: ens3: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP mode DEFAULT group default qlen 1000\\    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff',
    'ip=4: br0.10@br0: <BROADCAST,MULTICAST> mtu 1500 qdisc noop state DOWN mode DEFAULT group default qlen 1000\\    link/ether 52:54:00:12:34:57 brd ff:ff:ff:ff:ff:ff',
    'ip=3: ens3    inet 203.0.113.7/24 brd 203.0.113.255 scope global ens3\\       valid_lft forever preferred_lft forever',
    'ip=3: ens3    inet 203.0.113.8/24 brd 203.0.113.255 scope global secondary ens3:1\\       valid_lft forever preferred_lft forever',
    'ip=8.8.8.8 dev wg0 table 51820 src 10.0.0.1 uid 0 \\    cache ',
  ]));
  assert.deepEqual(Object.keys(f.interfaces), ['lo', 'ens3', 'br0.10', 'wg0']);
  assert.deepEqual(f.interfaces.ens3, { ipv4: ['203.0.113.7/24', '203.0.113.8/24'], ipv6: [], up: true, mac: '52:54:00:12:34:56' });
  assert.deepEqual(f.interfaces.wg0, { ipv4: ['10.0.0.1/32'], ipv6: [], up: true });
  assert.equal(f.interfaces['br0.10']?.up, false);
  // A full-tunnel VPN owns the route to the internet: that is the default address.
  assert.deepEqual(f.default_ipv4, { address: '10.0.0.1', interface: 'wg0' });
});

test('no global IPv4 address and no route: default_ipv4 is null', () => {
  const f = parseFacts(synth([
    'ip=1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
    'ip=2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 state UP\\    link/ether 52:54:00:00:00:01 brd ff:ff:ff:ff:ff:ff',
    'ip=1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever',
    'ip=2: eth0    inet 169.254.3.4/16 scope link eth0\\       valid_lft forever preferred_lft forever',
  ]));
  assert.equal(f.default_ipv4, null);
});

test('kernel-file fallback: byte order by architecture, lowest-metric default route', () => {
  const lines = (hex: (ip: string) => string) => [
    'sys_link=1 lo 0x9 772 00:00:00:00:00:00',
    'sys_link=2 eth0 0x1003 1 52:54:00:00:00:01',
    'sys_link=3 eth1 0x1003 1 52:54:00:00:00:02',
    'inet4_local=127.0.0.1',
    'inet4_local=192.168.1.10',
    'inet4_local=10.1.2.3',
    'inet4_local=10.9.9.9',
    'route=Iface\tDestination\tGateway \tFlags\tRefCnt\tUse\tMetric\tMask\t\tMTU\tWindow\tIRTT',
    `route=eth1\t00000000\t${hex('10.1.0.1')}\t0003\t0\t0\t100\t00000000\t0\t0\t0`,
    `route=eth0\t00000000\t${hex('192.168.1.1')}\t0003\t0\t0\t50\t00000000\t0\t0\t0`,
    `route=eth0\t${hex('192.168.1.0')}\t00000000\t0001\t0\t0\t0\t${hex('255.255.255.0')}\t0\t0\t0`,
    `route=eth1\t${hex('10.0.0.0')}\t00000000\t0001\t0\t0\t0\t${hex('255.0.0.0')}\t0\t0\t0`,
    `route=eth1\t${hex('10.1.0.0')}\t00000000\t0001\t0\t0\t0\t${hex('255.255.0.0')}\t0\t0\t0`,
    'inet6=20010db8000000000000000000000010 02 40 00 80     eth0',
  ];
  const bytes = (ip: string) => ip.split('.').map((n) => Number(n).toString(16).padStart(2, '0').toUpperCase());
  const little = (ip: string) => bytes(ip).reverse().join('');
  const big = (ip: string) => bytes(ip).join('');
  const expected = {
    lo: { ipv4: ['127.0.0.1/8'], ipv6: [], up: true },
    eth0: { ipv4: ['192.168.1.10/24'], ipv6: ['2001:db8::10/64'], up: true, mac: '52:54:00:00:00:01' },
    // The longest connected prefix wins: 10.1.2.3 is in 10.1/16, 10.9.9.9 only in 10/8.
    eth1: { ipv4: ['10.1.2.3/16', '10.9.9.9/8'], ipv6: [], up: true, mac: '52:54:00:00:00:02' },
  };
  const le = parseFacts(synth(lines(little)));
  assert.deepEqual(le.interfaces, expected);
  assert.deepEqual(le.default_ipv4, { address: '192.168.1.10', interface: 'eth0' });
  const be = parseFacts(synth(lines(big), 's390x'));
  assert.deepEqual(be.interfaces, expected);
  assert.deepEqual(be.default_ipv4, { address: '192.168.1.10', interface: 'eth0' });
});

test('compressIpv6 compresses like inet_ntop', () => {
  const cases: [string, string][] = [
    ['00000000000000000000000000000000', '::'],
    ['00000000000000000000000000000001', '::1'],
    ['00010000000000000000000000000000', '1::'],
    ['fe8000000000000000fc00fffe000001', 'fe80::fc:ff:fe00:1'],
    ['00010000000100000001000000010000', '1:0:1:0:1:0:1:0'],
    ['00010000000000010000000000000001', '1:0:0:1::1'],
    ['00010000000000010000000000010000', '1::1:0:0:1:0'],
    ['20010db8000000000001000000000001', '2001:db8::1:0:0:1'],
  ];
  for (const [hex, text] of cases) assert.equal(compressIpv6(hex), text, hex);
});

test('output that is not (all of) the facts script is refused', () => {
  assert.throws(() => parseFacts(''), /not the output of the facts script/);
  assert.throws(() => parseFacts('bash: sh: command not found\n'), /not the output/);
  assert.throws(() => parseFacts('tsinfra_facts=1\nnodename=x\n'), /stopped early/);
});
