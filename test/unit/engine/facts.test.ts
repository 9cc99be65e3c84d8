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
import { dateTimeFacts, parseLocalFact } from '../../../src/engine/ansible-facts.js';
import { factVars } from '../../../src/engine/variables.js';
import { compareWithSetup } from '../../support/ansible-facts-oracle.js';

/** Debian's /bin/sh; called by path, since one run below has an empty PATH. */
const DASH = '/bin/dash';
const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '../../fixtures/facts');
const fixture = (name: string) => readFileSync(join(FIXTURES, `${name}.txt`), 'utf8');

/** tsinfra's own facts: everything but the Ansible view (tested on its own below). */
const own = ({ ansible: _ansible, ...rest }: Facts) => rest;

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
  assert.deepEqual(own(parseFacts(fixture('namespace-ip'))), {
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
  assert.deepEqual(own(parseFacts(fixture('controller-ip'))), {
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
  assert.deepEqual(own(parseFacts(fixture('busybox-ip'))), {
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
    const { interfaces: _a, python: _b, ansible: _e, ...restWith } = withIp;
    const { interfaces: _c, python: _d, ansible: _f, ...restWithout } = without;
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

// --- Ansible's facts ---------------------------------------------------------------------------------------------
// namespace-ansible: a namespace lab host with a default route (IPv4 and IPv6), a secondary and an eth0:1 address,
// the tap/tun of the captures above, a bridge, and /etc/ansible/facts.d holding a JSON, an INI (continuation line,
// %(root)s interpolation), a good and a failing executable, and an unreadable fact; the script's output over
// `ssh -F <lab ssh_config> master1 sh -s`, and right after it `ansible -i <hosts.ini> master1 -m setup -o` (Debian's
// ansible-core 2.14, ansible_python_interpreter=/usr/bin/python3), whose ansible_facts are namespace-ansible.setup.json.
// Both *-ansible captures predate the python and distribution-file probes: their five lines (exists=/etc/os-release,
// python_exe, python_version, python_dynload, python_ssl) were added by hand from what those hosts have (setup's
// ansible_python: /usr/bin/python3 3.11.2).

const setupFixture = (name: string) => JSON.parse(readFileSync(join(FIXTURES, `${name}.setup.json`), 'utf8')) as Record<string, unknown>;

test('captured ansible -m setup: every compared fact agrees but the bridge (read as ether)', () => {
  const ours = { ...factVars(parseFacts(fixture('namespace-ansible'))) };
  const { checks, disagree } = compareWithSetup(ours, setupFixture('namespace-ansible'));
  assert.ok(checks >= 55, `${checks} checks`);
  // The known gap: ip -o link does not tell a bridge from an Ethernet link (ip -d would, at many more bytes per link).
  assert.deepEqual(disagree.map((d) => d.split(':')[0]), ['ansible_br_lan']);
  assert.equal(ours.ansible_os_family, 'Debian');
  assert.equal(ours.ansible_distribution_version, '12.11');
  assert.equal(ours.ansible_service_mgr, 'tsinfra-lab-ini', "PID 1's name, as Ansible reports it");
  assert.deepEqual(ours.ansible_default_ipv4, {
    gateway: '10.99.0.1', interface: 'eth0', address: '10.99.0.11', broadcast: '', netmask: '255.255.254.0',
    network: '10.99.0.0', prefix: '23', macaddress: 'ae:15:90:dc:f8:ff', mtu: 1500, type: 'ether', alias: 'eth0',
  });
  assert.deepEqual(ours.ansible_eth0_1, { ipv4_secondaries: [{ address: '10.99.0.212', broadcast: '', netmask: '255.255.254.0', network: '10.99.0.0', prefix: '23' }] });
  assert.deepEqual(ours.ansible_local, {
    app: { role: 'web', ports: [80, 443] },
    bad: 'error loading facts as JSON or ini - please check content: /etc/ansible/facts.d/bad.fact',
    broken: 'Failure executing fact script (/etc/ansible/facts.d/broken.fact), rc: 3, err: ',
    dynamic: { generated: 42 },
    settings: { general: { name: 'tsinfra', version: '2', multi: 'one\ntwo' }, paths: { root: '/srv', home: '/srv/home' } },
  });
  // tsinfra's own facts keep their meaning: the route's address, interfaces by name.
  const f = parseFacts(fixture('namespace-ansible'));
  assert.deepEqual(f.default_ipv4, { address: '10.99.0.11', interface: 'eth0' });
  assert.equal(f.init, 'sysvinit');
});

// systemd-ansible: a systemd (nspawn) lab host with a default route and a secondary address, captured the same way.
// There setup reads the controller's /sys/class/net (nspawn leaves sysfs the outer machine's), so its network facts
// name the controller's links: those are compared in the namespace capture above, everything else here.
test('captured ansible -m setup on a systemd host: systemd, nspawn, Debian 12 without python3-distro', () => {
  const ours = { ...factVars(parseFacts(fixture('systemd-ansible'))) };
  const theirs = setupFixture('systemd-ansible');
  const { checks, disagree } = compareWithSetup(ours, theirs);
  const links = new Set([...(theirs.ansible_interfaces as string[]), ...(ours.ansible_interfaces as string[])].map((n) => `ansible_${n.replace(/[-:]/g, '_')}`));
  const network = (d: string) => /^ansible_(interfaces|all_ipv[46]_addresses|default_ipv4):/.test(d) || links.has(d.split(':')[0]!);
  assert.ok(checks > 50);
  assert.deepEqual(disagree.filter((d) => !network(d)), []);
  assert.equal(ours.ansible_service_mgr, 'systemd');
  // No python3-distro in the rootfs: Ansible's bundled distro reads os-release's 12, not /etc/debian_version.
  assert.equal(ours.ansible_distribution_version, '12');
  assert.notEqual(ours.ansible_distribution_minor_version, '');
  assert.deepEqual([ours.ansible_virtualization_type, ours.ansible_virtualization_role], ['container', 'guest']);
  assert.deepEqual(ours.ansible_lsb, {}, 'no lsb_release, no /etc/lsb-release');
  // Our network facts are the host's own.
  assert.deepEqual(ours.ansible_interfaces, ['lo', 'eth0', 'eth1']);
});

test('ansible_facts holds the same facts without the prefix, next to tsinfra facts', () => {
  const f = parseFacts(fixture('namespace-ansible'));
  const vars = factVars(f);
  const facts = vars.ansible_facts as Record<string, unknown>;
  assert.equal(facts.os_family, 'Debian');
  assert.equal(facts['distribution'], 'Debian');
  assert.equal(facts.distribution_major_version, '12');
  assert.equal(facts.distribution_release, 'bookworm');
  assert.equal((facts.memory_mb as { real: { total: number } }).real.total, vars.ansible_memtotal_mb);
  for (const [k, v] of Object.entries(f.ansible)) {
    const name = ['discovered_interpreter_python', 'gather_subset', 'module_setup'].includes(k) ? k : `ansible_${k}`;
    assert.equal(vars[name], v, name);
    assert.equal(facts[k], v, k);
  }
  assert.equal(vars.discovered_interpreter_python, '/usr/bin/python3');
  assert.equal(vars.facts, f, 'tsinfra facts unchanged');
  // Kept for roles written against tsinfra's ansible_facts before: keys Ansible has no fact for.
  assert.deepEqual(facts.os, f.os);
  assert.equal(facts.init, 'sysvinit');
  assert.equal(factVars(f), vars, 'built once per gathering');
});

test('older captures (no env, no date, three-word uname) still give Ansible facts; without ip the network ones hold', () => {
  for (const kind of ['namespace', 'systemd', 'controller']) {
    const a = parseFacts(fixture(`${kind}-ip`)).ansible;
    const b = parseFacts(fixture(`${kind}-noip`)).ansible;
    assert.equal(a.os_family, 'Debian');
    assert.equal(a.system, 'Linux');
    assert.deepEqual(a.env, {});
    assert.equal(a.date_time, undefined);
    assert.deepEqual(new Set(b.interfaces as string[]), new Set(a.interfaces as string[]), kind);
    assert.deepEqual(new Set(b.all_ipv4_addresses as string[]), new Set((a.all_ipv4_addresses as string[]).filter((x) => x !== '10.8.0.2')), kind);
  }
  // The controller has a default route: from /proc/net/route without ip, with its gateway.
  const c = parseFacts(fixture('controller-noip')).ansible.default_ipv4 as Record<string, unknown>;
  assert.equal(c.gateway, '192.0.2.1');
  assert.equal(c.address, '192.0.2.2');
  assert.equal(c.interface, 'eth0');
});

test('distribution names, versions and families from os-release', () => {
  const dist = (lines: string[], extra: string[] = []) => {
    const a = parseFacts(synth([...lines.map((l) => `os_release=${l}`), ...extra])).ansible;
    return [a.distribution, a.distribution_version, a.distribution_major_version, a.distribution_release, a.os_family];
  };
  const bookworm = ['PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"', 'NAME="Debian GNU/Linux"', 'VERSION_ID="12"', 'VERSION_CODENAME=bookworm', 'ID=debian'];
  // With python3-distro Ansible reports /etc/debian_version's point release; with its bundled copy, os-release's.
  assert.deepEqual(dist(bookworm, ['debian_version=12.7', 'exists=/usr/lib/python3/dist-packages/distro/__init__.py']), ['Debian', '12.7', '12', 'bookworm', 'Debian']);
  assert.deepEqual(dist(bookworm, ['debian_version=12.7']), ['Debian', '12', '12', 'bookworm', 'Debian']);
  assert.equal(parseFacts(synth([...bookworm.map((l) => `os_release=${l}`), 'debian_version=12.7'])).ansible.distribution_minor_version, '7');
  // No point release in /etc/debian_version (testing): os-release's version and codename.
  assert.deepEqual(dist(['PRETTY_NAME="Debian GNU/Linux trixie/sid"', 'ID=debian', 'VERSION_CODENAME=trixie'], ['debian_version=trixie/sid']),
    ['Debian', '', '', 'trixie', 'Debian']);
  assert.deepEqual(dist(['NAME="Ubuntu"', 'VERSION_ID="24.04"', 'ID=ubuntu', 'ID_LIKE=debian', 'VERSION_CODENAME=noble']),
    ['Ubuntu', '24.04', '24', 'noble', 'Debian']);
  assert.deepEqual(dist(['ID="rocky"', 'VERSION_ID="9.3"', 'ID_LIKE="rhel centos fedora"']), ['Rocky', '9.3', '9', '', 'RedHat']);
  assert.deepEqual(dist(['ID=alpine', 'VERSION_ID=3.20.3']), ['Alpine', '3.20.3', '3', '', 'Alpine']);
  assert.deepEqual(dist(['ID=nixos', 'VERSION_ID=24.05']), ['Nixos', '24.05', '24', '', 'Nixos']);
  // lsb: Debian's lsb_release (a script over os-release) when installed, else /etc/lsb-release.
  const lsb = (...extra: string[]) => parseFacts(synth(['os_release=ID=debian', 'os_release=NAME="Debian GNU/Linux"', 'os_release=VERSION_ID="12"', ...extra])).ansible.lsb;
  assert.deepEqual(lsb('cmd=lsb_release /usr/bin/lsb_release'), { id: 'Debian', description: 'n/a', release: '12', codename: 'n/a', major_release: '12' });
  assert.deepEqual(lsb('lsb_release=DISTRIB_ID=Ubuntu', 'lsb_release=DISTRIB_RELEASE=24.04', 'lsb_release=DISTRIB_DESCRIPTION="Ubuntu 24.04 LTS"'),
    { id: 'Ubuntu', release: '24.04', description: 'Ubuntu 24.04 LTS', major_release: '24' });
  assert.deepEqual(lsb(), {});
});

test('service manager as Ansible decides it: PID 1 by name, else the canaries', () => {
  const mgr = (...lines: string[]) => parseFacts(synth(lines)).ansible.service_mgr;
  assert.equal(mgr('pid1=systemd'), 'systemd');
  assert.equal(mgr('pid1=runit-init'), 'runit');
  assert.equal(mgr('pid1=tini'), 'tini');
  // init and shells say nothing: systemd's canary (with systemctl), upstart, openrc, /sbin/init, init.d, else service.
  assert.equal(mgr('pid1=init', 'cmd=systemctl /usr/bin/systemctl', 'probe=systemd_dir'), 'systemd');
  assert.equal(mgr('pid1=init', 'probe=systemd_dir', 'probe=init_d'), 'sysvinit', 'no systemctl: not systemd');
  assert.equal(mgr('pid1=bash', 'cmd=initctl /sbin/initctl', 'exists=/etc/init'), 'upstart');
  assert.equal(mgr('pid1=sh', 'exists=/sbin/openrc', 'probe=init_d'), 'openrc');
  assert.equal(mgr('pid1=sh', 'cmd=systemctl /usr/bin/systemctl', 'sbin_init=/lib/systemd/systemd', 'probe=init_d'), 'systemd');
  assert.equal(mgr('pid1=init', 'probe=init_d'), 'sysvinit');
  assert.equal(mgr('pid1=init'), 'service');
});

test('the login environment from export -p: dash and bash quoting, values over several lines', () => {
  const out = [
    'tsinfra_facts=1',
    'tsinfra_env=begin',
    "export HOME='/home/deploy'",
    "export MSG='it'\\''s'",
    "export MULTI='line one",
    'tsinfra_env=end',
    "line three'",
    'export EMPTY=\'\'',
    'export DQ="a \\"b\\" \\$c \\\\ d"',
    'declare -x OLD="x"',
    'export UNSET',
    'tsinfra_env=end',
    'uname=Linux web1 6.1.0 #1 SMP Debian 6.1.0-18 (2024-01-01) x86_64',
    'tsinfra_facts_end=1',
    '',
  ].join('\n');
  const f = parseFacts(out);
  assert.deepEqual(f.ansible.env, { HOME: '/home/deploy', MSG: "it's", MULTI: 'line one\ntsinfra_env=end\nline three', EMPTY: '', DQ: 'a "b" $c \\ d', OLD: 'x' });
  assert.equal(f.ansible.kernel_version, '#1 SMP Debian 6.1.0-18 (2024-01-01)');
  assert.equal(f.ansible.kernel, '6.1.0');
  assert.equal(f.hostname, 'web1');
  // Nothing of the block leaks into the other facts.
  assert.equal(f.kernel, '6.1.0');
});

test('date_time from date +%s %N %z %Z, local fields by the offset', () => {
  // 2024-12-30 23:30:00 UTC is Tuesday 00:30 on the 31st in UTC+1; %W counts Monday-started weeks.
  assert.deepEqual(dateTimeFacts('1735601400 123456789 +0100 CET'), {
    year: '2024', month: '12', weekday: 'Tuesday', weekday_number: '2', weeknumber: '53', day: '31', hour: '00',
    minute: '30', second: '00', epoch: '1735601400', epoch_int: '1735601400', date: '2024-12-31', time: '00:30:00',
    iso8601_micro: '2024-12-30T23:30:00.123456Z', iso8601: '2024-12-30T23:30:00Z', iso8601_basic: '20241231T003000123456',
    iso8601_basic_short: '20241231T003000', tz: 'CET', tz_dst: 'CET', tz_offset: '+0100',
  });
  // Busybox date without %N, a zone west of UTC; Sunday 2023-01-01 is in week 00.
  const d = dateTimeFacts('1672592400 N -0500 EST')!;
  assert.equal(d.date, '2023-01-01');
  assert.equal(d.weekday_number, '0');
  assert.equal(d.weeknumber, '00');
  assert.equal(d.iso8601_micro, '2023-01-01T17:00:00.000000Z');
  assert.equal(dateTimeFacts(''), null);
});

test('processors from sysfs topology, memory from meminfo, users from passwd', () => {
  // Two sockets of four cores with two threads each: cpu N is in package N/8, core (N%8)/2.
  const cpus = Array.from({ length: 16 }, (_, n) => `cpu=${n} ${Math.floor(n / 8)} ${Math.floor((n % 8) / 2)}`);
  const a = parseFacts(synth([...cpus, 'nproc=12'])).ansible;
  assert.deepEqual([a.processor_count, a.processor_cores, a.processor_threads_per_core, a.processor_vcpus, a.processor_nproc], [2, 4, 2, 16, 12]);
  const arm = parseFacts(synth(cpus, 'aarch64')).ansible;
  assert.deepEqual([arm.processor_count, arm.processor_cores, arm.processor_threads_per_core, arm.processor_vcpus], [16, 1, 1, 16]);
  const m = parseFacts(synth(['memtotal_kb=4046848', 'meminfo=MemFree: 1048576', 'meminfo=Buffers: 102400', 'meminfo=Cached: 512000', 'meminfo=SwapCached: 0', 'meminfo=SwapTotal: 2097152', 'meminfo=SwapFree: 1048576'])).ansible;
  assert.deepEqual(m.memory_mb, { real: { total: 3952, used: 2928, free: 1024 }, nocache: { free: 1624, used: 2328 }, swap: { total: 2048, free: 1024, used: 1024, cached: 0 } });
  assert.deepEqual([m.memtotal_mb, m.memfree_mb, m.swaptotal_mb, m.swapfree_mb], [3952, 1024, 2048, 1024]);
  const u = parseFacts(synth(['uids=1000 1000', 'gids=1000 1000', 'passwd=deploy:1000:1000:Deploy User,,,:/home/deploy:/bin/bash', 'user=deploy'])).ansible;
  assert.deepEqual(
    [u.user_id, u.user_uid, u.user_gid, u.user_gecos, u.user_dir, u.user_shell, u.real_user_id, u.effective_user_id, u.real_group_id, u.effective_group_id],
    ['deploy', 1000, 1000, 'Deploy User,,,', '/home/deploy', '/bin/bash', 1000, 1000, 1000, 1000],
  );
});

test('virtualization: containers by cgroup, environment and marker files; VMs by DMI; else NA', () => {
  const v = (...lines: string[]) => {
    const a = parseFacts(synth(lines)).ansible;
    return [a.virtualization_type, a.virtualization_role, [...(a.virtualization_tech_guest as string[])].sort(), a.virtualization_tech_host];
  };
  assert.deepEqual(v('pid1_cgroup=0::/system.slice/docker-0123abcd.scope'), ['docker', 'guest', ['container', 'docker'], []]);
  // systemd-nspawn: PID 1's environment says container=, and /run/systemd/container names it.
  assert.deepEqual(v('pid1_environ=PATH=/usr/bin:/bincontainer=systemd-nspawncontainer_uuid=1234', 'systemd_container=systemd-nspawn'),
    ['container', 'guest', ['container', 'systemd-nspawn'], []]);
  assert.deepEqual(v('pid1_environ=container=lxcTERM=linux'), ['lxc', 'guest', ['container', 'lxc'], []]);
  assert.deepEqual(v('exists=/.dockerenv'), ['docker', 'guest', ['container', 'docker'], []]);
  assert.deepEqual(v('dmi=product_name KVM', 'dmi=sys_vendor QEMU'), ['kvm', 'guest', ['kvm'], []]);
  assert.deepEqual(v('dmi=sys_vendor Hetzner', 'dmi=bios_vendor Hetzner'), ['kvm', 'guest', ['kvm'], []]);
  assert.deepEqual(v('exists=/dev/kvm'), ['kvm', 'host', [], ['kvm']]);
  assert.deepEqual(v(), ['NA', 'NA', [], []]);
});

test('network details: primary and secondary, labels, peers, brd, operstate and the IPv6 route', () => {
  const a = parseFacts(synth([
    'ip=1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
    'ip=3: ens3: <BROADCAST,MULTICAST,PROMISC,UP,LOWER_UP> mtu 1500 qdisc fq_codel state UP mode DEFAULT group default qlen 1000\\    link/ether 52:54:00:12:34:56 brd ff:ff:ff:ff:ff:ff',
    'ip=9: wg0: <POINTOPOINT,NOARP,UP,LOWER_UP> mtu 1420 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/none ',
    'ip=10: br-x: <NO-CARRIER,BROADCAST,MULTICAST,UP> mtu 1500 qdisc noqueue state DOWN mode DEFAULT group default qlen 1000\\    link/ether 02:42:ac:11:00:01 brd ff:ff:ff:ff:ff:ff',
    'ip=1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever',
    'ip=3: ens3    inet 203.0.113.7/24 brd 203.0.113.255 scope global ens3\\       valid_lft forever preferred_lft forever',
    'ip=3: ens3    inet 203.0.113.8/24 brd 203.0.113.255 scope global secondary ens3:web\\       valid_lft forever preferred_lft forever',
    'ip=3: ens3    inet6 2001:db8::7/64 scope global dynamic mngtmpaddr \\       valid_lft 86400sec preferred_lft 14400sec',
    'ip=3: ens3    inet6 2001:db8::abcd/64 scope global temporary dynamic \\       valid_lft 86400sec preferred_lft 14400sec',
    'ip=9: wg0    inet 10.0.0.1 peer 10.0.0.2/32 scope global wg0\\       valid_lft forever preferred_lft forever',
    'ip=8.8.8.8 via 203.0.113.1 dev ens3 src 203.0.113.7 uid 0 \\    cache ',
    'ip=2404:6800:400a:800::1012 from :: via fe80::1 dev ens3 proto ra src 2001:db8::7 metric 1024 pref medium',
  ])).ansible;
  assert.deepEqual(a.interfaces, ['lo', 'ens3', 'ens3_web', 'wg0', 'br-x']);
  assert.deepEqual(a.ens3, {
    device: 'ens3', macaddress: '52:54:00:12:34:56', mtu: 1500, active: true, type: 'ether', promisc: true,
    ipv4: { address: '203.0.113.7', broadcast: '203.0.113.255', netmask: '255.255.255.0', network: '203.0.113.0', prefix: '24' },
    ipv4_secondaries: [{ address: '203.0.113.8', broadcast: '203.0.113.255', netmask: '255.255.255.0', network: '203.0.113.0', prefix: '24' }],
    ipv6: [{ address: '2001:db8::7', prefix: '64', scope: 'global' }, { address: '2001:db8::abcd', prefix: '64', scope: 'global' }],
  });
  assert.deepEqual(a.wg0, { device: 'wg0', mtu: 1420, active: true, type: 'tunnel', promisc: false, ipv4: { address: '10.0.0.1', broadcast: '', netmask: '255.255.255.255', network: '10.0.0.1', prefix: '32' } });
  // Up without carrier: not active; `-` becomes `_` in the fact name.
  assert.equal((a.br_x as { active: boolean }).active, false);
  assert.deepEqual(a.default_ipv4, {
    gateway: '203.0.113.1', interface: 'ens3', address: '203.0.113.7', broadcast: '203.0.113.255', netmask: '255.255.255.0',
    network: '203.0.113.0', prefix: '24', macaddress: '52:54:00:12:34:56', mtu: 1500, type: 'ether', alias: 'ens3',
  });
  assert.deepEqual(a.default_ipv6, { gateway: 'fe80::1', interface: 'ens3', address: '2001:db8::7', prefix: '64', scope: 'global', macaddress: '52:54:00:12:34:56', mtu: 1500, type: 'ether' });
  assert.deepEqual(a.all_ipv4_addresses, ['203.0.113.7', '203.0.113.8', '10.0.0.1']);
  assert.deepEqual(a.all_ipv6_addresses, ['2001:db8::7', '2001:db8::abcd']);
  // No route: empty dicts, as Ansible gives (tsinfra's default_ipv4 falls back to the first global address).
  const lab = parseFacts(fixture('namespace-ip'));
  assert.deepEqual([lab.ansible.default_ipv4, lab.ansible.default_ipv6], [{}, {}]);
  assert.equal(lab.default_ipv4?.address, '10.99.0.11');
});

test('local facts: JSON, INI as ConfigParser reads it, and the error texts Ansible gives', () => {
  assert.deepEqual(parseLocalFact('{"a": [1, 2]}', '/x/a.fact'), { a: [1, 2] });
  assert.deepEqual(parseLocalFact('', '/x/e.fact'), {}, 'empty: an INI file with no sections');
  assert.deepEqual(parseLocalFact('[DEFAULT]\nbase = /opt\n[s]\nKey: %(base)s/x\n; comment\n# comment\npct = 100%%\n', '/x/s.fact'), { s: { key: '/opt/x', pct: '100%', base: '/opt' } });
  assert.equal(parseLocalFact('key = before any section\n', '/x/n.fact'), 'error loading facts as JSON or ini - please check content: /x/n.fact');
  assert.equal(parseLocalFact('[a]\nx=1\n[a]\ny=2\n', '/x/d.fact'), 'error loading facts as JSON or ini - please check content: /x/d.fact');
  assert.match(String(parseLocalFact('[a]\nx = 50%\n', '/x/p.fact')), /^Failed to convert \(\/x\/p\.fact\) to JSON: /);
  // The script's lines: sorted by path, `.fact` dropped, an executable's status last.
  const f = parseFacts(synth([
    'factsd=+/etc/ansible/facts.d/z.fact', 'factsd=|{"z": 1}',
    'factsd=+/etc/ansible/facts.d/run.fact', 'factsd=|[s]', 'factsd=|k=v', 'factsd=|', 'factsd=|tsinfra_rc=0',
  ]));
  assert.deepEqual(f.ansible.local, { run: { s: { k: 'v' } }, z: { z: 1 } });
  assert.deepEqual(parseFacts(synth([])).ansible.local, {}, 'no facts.d: {}');
});
