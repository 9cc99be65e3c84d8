// Host facts in one round trip: a POSIX sh script (dash, busybox; no python, no bashisms) prints raw probes as
// `key=value` lines, and `parseFacts` (pure) turns them into typed facts. The script only reports what it sees;
// every decision (init system, package manager, OS family, default address) is made here, where tests reach it.
//
// Networking comes from `ip -o link` / `ip -o addr` (one `ip -batch` process with iproute2; busybox ip answers each
// on its own) when `ip` is installed. Minimal images (debootstrap minbase, container images) often lack it, so without
// `ip` (or when it answers nothing) the script reads the kernel directly:
// /sys/class/net (links, MACs, flags), /proc/net/if_inet6 (IPv6), /proc/net/fib_trie (local IPv4 addresses) and
// /proc/net/route (which interface and prefix each IPv4 address belongs to, and the default route).
import { raw, type Script } from '../shell/script.js';

export type InitSystem = 'systemd' | 'openrc' | 'sysvinit' | 'unknown';
export type PackageManager = 'apt' | 'dnf' | 'yum' | 'apk';

export interface OsFacts {
  /** os-release ID: `debian`, `ubuntu`, `rocky`, `alpine`, ... */
  id: string;
  /** os-release VERSION_ID (`12`, `24.04`); empty when the release has none (Debian testing/sid). */
  version: string;
  /** `debian` for Debian and derivatives (ID_LIKE), `redhat`, `suse`, `arch`, `alpine`, else the ID. */
  family: string;
  /** VERSION_CODENAME (or UBUNTU_CODENAME): `bookworm`, `noble`; empty when unknown. */
  codename: string;
  pretty: string;
}

export interface InterfaceFacts {
  /** Addresses in CIDR form, primary first (`10.0.0.5/24`). */
  ipv4: string[];
  /** Addresses in CIDR form, link-local included (`fe80::1/64`). */
  ipv6: string[];
  /** Ethernet-like interfaces only (loopback and tunnels such as WireGuard have none). */
  mac?: string;
  /** Administratively up (the IFF_UP flag), as `ip link set X up` sets it; not whether a carrier is present. */
  up: boolean;
}

export interface Facts {
  os: OsFacts;
  /** The short host name (`uname -n` up to the first dot), like Ansible's `ansible_hostname`. */
  hostname: string;
  /** `hostname -f` (bounded to 2 s, since it may ask DNS); the node name when that gives nothing. */
  fqdn: string;
  /** `uname -r`. */
  kernel: string;
  /** `uname -m`: `x86_64`, `aarch64`, ... */
  architecture: string;
  /** `dpkg --print-architecture` (`amd64`, `arm64`) for apt source lines; null without dpkg. */
  dpkg_architecture: string | null;
  /** By interface name, in kernel (ifindex) order. */
  interfaces: Record<string, InterfaceFacts>;
  default_ipv4: { address: string; interface: string } | null;
  init: InitSystem;
  pkg_mgr: PackageManager | null;
  /** Path of python3, else python; null on hosts without Python (nothing in tsinfra needs it). */
  python: string | null;
  /** Processors this login may use (`nproc`). */
  processor_count: number;
  memtotal_mb: number;
  /** The login user's name and uid (before any become). */
  user_id: string;
  user_uid: number;
}

// Safe under `sh -eu` (the engine may prepend it): every probe that can fail is guarded, and nothing reads an unset
// variable. LC_ALL=C keeps tool output parseable; `set -f` keeps words split from files and command output from being
// globbed. Each process costs about a millisecond of CPU on the host, so the script spawns only what has no builtin
// or kernel-file stand-in (uname, hostname, dpkg, id -un, nproc, ip), each once, printing straight to stdout rather
// than through `$(...)` or a pipe (each a fork). `prefix K` copies its stdin as `K=line` lines, last line included
// even without a newline. No `${` appears below, so String.raw needs no escapes.
const SCRIPT = String.raw`LC_ALL=C
export LC_ALL
set -f
prefix() { while IFS= read -r l || [ -n "$l" ]; do printf '%s=%s\n' "$1" "$l"; done; }
has() { command -v "$1" >/dev/null 2>&1; }
# True when the libc answers host name $1 from /etc/hosts without asking DNS: /etc/hosts lists it, and nsswitch.conf
# asks files first and stops at a hit. Doubtful cases (a comment on the line, no nsswitch.conf as with musl) say no.
in_etc_hosts() {
  [ -n "$1" ] && [ -r /etc/hosts ] && [ -r /etc/nsswitch.conf ] || return 1
  found=
  while read -r a names; do
    case "$a $names" in *'#'*) continue ;; esac
    for w in $names; do if [ "$w" = "$1" ]; then found=1; break 2; fi; done
  done < /etc/hosts
  [ -n "$found" ] || return 1
  while read -r k s r; do
    if [ "$k" = hosts: ]; then
      case "$s $r" in 'files ['*) return 1 ;; 'files '*) return 0 ;; *) return 1 ;; esac
    fi
  done < /etc/nsswitch.conf
  return 1
}
echo tsinfra_facts=1
for f in /etc/os-release /usr/lib/os-release; do
  if [ -r "$f" ]; then prefix os_release < "$f"; break; fi
done
printf 'uname='; uname -n -r -m 2>/dev/null || echo
# hostname -f may ask DNS: bounded to 2 s unless /etc/hosts answers (then the timeout process is spared).
[ -r /proc/sys/kernel/hostname ] && read -r node < /proc/sys/kernel/hostname || node=
if has hostname; then
  printf 'fqdn='
  if has timeout && ! in_etc_hosts "$node"; then timeout 2 hostname -f 2>/dev/null || echo
  else hostname -f 2>/dev/null || echo
  fi
fi
if has dpkg; then printf 'dpkg_arch='; dpkg --print-architecture 2>/dev/null || echo; fi
# id -un prints the uid when the uid has no name. The uid itself (the effective one, as id -u) is the kernel's.
printf 'user='; id -un 2>/dev/null || echo
uid=
if [ -r /proc/self/status ]; then
  while read -r k real effective r; do if [ "$k" = Uid: ]; then uid=$effective; break; fi; done < /proc/self/status
fi
if [ -n "$uid" ]; then printf 'uid=%s\n' "$uid"; else printf 'uid='; id -u; fi
printf 'nproc='; nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo
if [ -r /proc/meminfo ]; then
  while read -r k v u; do
    if [ "$k" = MemTotal: ]; then printf 'memtotal_kb=%s\n' "$v"; break; fi
  done < /proc/meminfo
fi
if [ -d /run/systemd/system ]; then echo probe=systemd_dir; fi
if [ -x /sbin/openrc-run ] || [ -x /sbin/openrc ]; then echo probe=openrc; fi
if [ -d /etc/init.d ]; then echo probe=init_d; fi
if [ -r /proc/1/comm ] && IFS= read -r p < /proc/1/comm; then printf 'pid1=%s\n' "$p"; fi
for c in apt-get dnf yum apk python3 python; do
  if has "$c"; then printf 'cmd=%s ' "$c"; command -v "$c"; fi
done
# iproute2 answers all three in one process; busybox ip has no -batch (it prints nothing): one call each.
net=
if has ip; then
  net=$(ip -o -batch - 2>/dev/null <<'EOF'
link show
address show
route get 8.8.8.8
EOF
) || :
  if [ -z "$net" ]; then net=$(set +e; { ip -o link show; ip -o addr show; ip -o -4 route get 8.8.8.8; } 2>/dev/null) || :; fi
fi
if [ -n "$net" ]; then
  # One printf for all lines: IFS is a newline, and set -f keeps the words literal.
  IFS='
'
  printf 'ip=%s\n' $net
  unset IFS
else
  if [ -d /sys/class/net ]; then
    (set +f; cd /sys/class/net && for n in *; do
      read -r i < "$n/ifindex" && read -r fl < "$n/flags" && read -r t < "$n/type" || continue
      read -r a < "$n/address" || a=
      printf 'sys_link=%s %s %s %s %s\n' "$i" "$n" "$fl" "$t" "$a"
    done) 2>/dev/null
  fi
  if [ -r /proc/net/dev ]; then prefix netdev < /proc/net/dev; fi
  if [ -r /proc/net/if_inet6 ]; then prefix inet6 < /proc/net/if_inet6; fi
  if [ -r /proc/net/fib_trie ]; then
    last=
    while read -r a b c d; do
      if [ "$a" = '|--' ]; then last=$b
      elif [ "$a $b $c" = '/32 host LOCAL' ]; then printf 'inet4_local=%s\n' "$last"
      fi
    done < /proc/net/fib_trie
  fi
  if [ -r /proc/net/route ]; then prefix route < /proc/net/route; fi
fi
echo tsinfra_facts_end=1
`;

/** The facts probe: one script, run with `sh -s` (stdin), read-only, no root needed. */
export function factsScript(): Script {
  return raw(SCRIPT);
}

interface RawFacts {
  single: Map<string, string>;
  multi: Map<string, string[]>;
  probes: Set<string>;
  commands: Map<string, string>;
}

function collect(stdout: string): RawFacts {
  const single = new Map<string, string>();
  const multi = new Map<string, string[]>();
  const probes = new Set<string>();
  const commands = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const eq = line.indexOf('=');
    if (eq <= 0) continue;
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (key === 'probe') probes.add(value);
    else if (key === 'cmd') {
      const sp = value.indexOf(' ');
      if (sp > 0) commands.set(value.slice(0, sp), value.slice(sp + 1));
    } else if (MULTI_KEYS.has(key)) {
      const list = multi.get(key) ?? [];
      list.push(value);
      multi.set(key, list);
    } else single.set(key, value);
  }
  return { single, multi, probes, commands };
}

const MULTI_KEYS = new Set(['os_release', 'ip', 'sys_link', 'netdev', 'inet6', 'inet4_local', 'route']);

/** Parses the facts script's output. Throws when the output is not (all of) it. */
export function parseFacts(stdout: string): Facts {
  const r = collect(stdout);
  if (r.single.get('tsinfra_facts') !== '1') throw new Error('not the output of the facts script (no tsinfra_facts=1 line)');
  if (r.single.get('tsinfra_facts_end') !== '1') throw new Error('the facts script stopped early (no end marker)');
  const get = (k: string) => r.single.get(k) ?? '';
  // `uname -n -r -m`: none of the three contains a blank.
  const [nodename = '', kernel = '', architecture = ''] = get('uname').trim().split(/\s+/);
  const net = r.multi.has('ip') ? parseIpNetwork(r.multi.get('ip')!) : parseKernelNetwork(r, isBigEndian(architecture));
  const python = r.commands.get('python3') ?? r.commands.get('python') ?? null;
  return {
    os: parseOs(r.multi.get('os_release') ?? []),
    hostname: nodename.split('.')[0] ?? nodename,
    fqdn: get('fqdn') || nodename,
    kernel,
    architecture,
    dpkg_architecture: get('dpkg_arch') || null,
    interfaces: net.interfaces,
    default_ipv4: net.defaultIpv4 ?? firstGlobalIpv4(net.interfaces),
    init: detectInit(r.probes),
    pkg_mgr: detectPackageManager(r.commands),
    python,
    processor_count: toInt(get('nproc')),
    memtotal_mb: Math.floor(toInt(get('memtotal_kb')) / 1024),
    user_id: get('user') || get('uid'),
    user_uid: toInt(get('uid')),
  };
}

function toInt(s: string): number {
  const n = Number.parseInt(s, 10);
  return Number.isFinite(n) ? n : 0;
}

// --- OS -----------------------------------------------------------------------------------------------------------

/** os-release values: unquoted, or in "..." (with \" \\ \$ \` escapes) or '...'. */
function osReleaseValue(v: string): string {
  const t = v.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1).replace(/\\(["\\$`])/g, '$1');
  if (t.length >= 2 && t.startsWith("'") && t.endsWith("'")) return t.slice(1, -1);
  return t;
}

const FAMILIES: [family: string, ids: string[]][] = [
  ['debian', ['debian']],
  ['redhat', ['rhel', 'fedora', 'centos']],
  ['suse', ['suse', 'opensuse']],
  ['arch', ['arch']],
  ['alpine', ['alpine']],
];

function parseOs(lines: string[]): OsFacts {
  const kv = new Map<string, string>();
  for (const line of lines) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m) kv.set(m[1]!, osReleaseValue(m[2]!));
  }
  const id = (kv.get('ID') ?? '').toLowerCase();
  const like = (kv.get('ID_LIKE') ?? '').toLowerCase().split(/\s+/).filter(Boolean);
  const family = FAMILIES.find(([, ids]) => ids.some((x) => x === id || like.includes(x)))?.[0] ?? (id || 'unknown');
  return {
    id,
    version: kv.get('VERSION_ID') ?? '',
    family,
    codename: kv.get('VERSION_CODENAME') || kv.get('UBUNTU_CODENAME') || '',
    pretty: kv.get('PRETTY_NAME') ?? kv.get('NAME') ?? '',
  };
}

// --- init and packages --------------------------------------------------------------------------------------------

function detectInit(probes: Set<string>): InitSystem {
  // systemd's own test (sd_booted): the directory exists only when systemd is PID 1.
  if (probes.has('systemd_dir')) return 'systemd';
  if (probes.has('openrc')) return 'openrc';
  // No service manager running but init scripts present (lab namespace hosts, containers): `service X start` works.
  if (probes.has('init_d')) return 'sysvinit';
  return 'unknown';
}

function detectPackageManager(commands: Map<string, string>): PackageManager | null {
  if (commands.has('apt-get')) return 'apt';
  if (commands.has('dnf')) return 'dnf'; // before yum: on Fedora/RHEL 8+ yum is a link to dnf
  if (commands.has('yum')) return 'yum';
  if (commands.has('apk')) return 'apk';
  return null;
}

// --- network ------------------------------------------------------------------------------------------------------

interface Network {
  interfaces: Record<string, InterfaceFacts>;
  defaultIpv4: { address: string; interface: string } | null;
}

/** `3: veth0@if2: <...>` → `veth0`: ip shows a link's peer after `@`. */
function baseName(name: string): string {
  const at = name.indexOf('@');
  return at > 0 ? name.slice(0, at) : name;
}

const IP_LINK = /^(\d+):\s+([^:\s]+):\s+<([^>]*)>.*?\blink\/(\S+)(?:\s+([0-9a-f:]+))?/;
const IP_ADDR = /^(\d+):\s+(\S+)\s+(inet6?)\s+(\S+)/;

/** `ip -o` output of `link show`, `address show` and `route get 8.8.8.8`, told apart by their line shapes. */
function parseIpNetwork(lines: string[]): Network {
  const byIndex = new Map<number, { name: string; facts: InterfaceFacts }>();
  for (const line of lines) {
    // 2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 ... state UP ...\    link/ether 02:fc:00:00:00:01 brd ...
    const m = IP_LINK.exec(line);
    if (!m) continue;
    const facts: InterfaceFacts = { ipv4: [], ipv6: [], up: m[3]!.split(',').includes('UP') };
    if (m[4] === 'ether' && m[5]) facts.mac = m[5];
    byIndex.set(Number(m[1]), { name: baseName(m[2]!), facts });
  }
  for (const line of lines) {
    // 2: eth0    inet 10.0.0.5/24 brd 10.0.0.255 scope global eth0\  ...   (point-to-point: inet A peer B/32)
    const m = IP_ADDR.exec(line);
    if (!m) continue;
    const index = Number(m[1]);
    let entry = byIndex.get(index);
    if (!entry) {
      entry = { name: baseName(m[2]!), facts: { ipv4: [], ipv6: [], up: false } };
      byIndex.set(index, entry);
    }
    const v6 = m[3] === 'inet6';
    const cidr = m[4]!.includes('/') ? m[4]! : `${m[4]}/${v6 ? 128 : 32}`;
    (v6 ? entry.facts.ipv6 : entry.facts.ipv4).push(cidr);
  }
  // `ip route get 8.8.8.8` (as Ansible does): the interface and source address of the route to the internet, which
  // honours policy routing and VPN default routes. Its lines are the ones without an `N:` ifindex; none when the host
  // has no route there.
  let defaultIpv4: Network['defaultIpv4'] = null;
  const route = lines.filter((l) => !/^\d+:/.test(l)).join(' ');
  const dev = /\bdev\s+(\S+)/.exec(route)?.[1];
  const src = /\bsrc\s+(\S+)/.exec(route)?.[1];
  if (dev && src) defaultIpv4 = { address: src, interface: dev };
  return { interfaces: ordered(byIndex), defaultIpv4 };
}

function ordered(byIndex: Map<number, { name: string; facts: InterfaceFacts }>): Record<string, InterfaceFacts> {
  const out: Record<string, InterfaceFacts> = {};
  for (const [, { name, facts }] of [...byIndex].sort((a, b) => a[0] - b[0])) out[name] = facts;
  return out;
}

const ARPHRD_ETHER = 1;
const ARPHRD_LOOPBACK = 772;
const IFF_UP = 0x1;
const RTF_UP = 0x1;
const RTF_GATEWAY = 0x2;

/** /proc/net/route prints addresses as the host's native 32-bit integer: byte-swapped on little-endian hosts. */
function isBigEndian(machine: string): boolean {
  return /^(s390x?|ppc|ppc64|mips|mips64|sparc|sparc64|m68k|parisc|hppa)$/.test(machine);
}

function ipv4ToInt(a: string): number {
  const parts = a.split('.').map(Number);
  return (((parts[0]! << 24) >>> 0) + (parts[1]! << 16) + (parts[2]! << 8) + parts[3]!) >>> 0;
}

function intToIpv4(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

function routeHex(hex: string, bigEndian: boolean): number {
  const n = Number.parseInt(hex, 16) >>> 0;
  if (bigEndian) return n;
  return (((n & 255) << 24) | (((n >>> 8) & 255) << 16) | (((n >>> 16) & 255) << 8) | (n >>> 24)) >>> 0;
}

function prefixLength(mask: number): number {
  let len = 0;
  for (let bit = 31; bit >= 0 && mask & (1 << bit); bit--) len++;
  return len;
}

/** `fe800000000000000000000000000001` → `fe80::1`, compressed like inet_ntop (longest run of ≥ 2 zero groups). */
export function compressIpv6(hex32: string): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number.parseInt(hex32.slice(i * 4, i * 4 + 4), 16).toString(16));
  let best = -1;
  let bestLen = 0;
  for (let i = 0; i < 8; ) {
    if (groups[i] !== '0') {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === '0') j++;
    if (j - i > bestLen) [best, bestLen] = [i, j - i];
    i = j;
  }
  if (bestLen < 2) return groups.join(':');
  return `${groups.slice(0, best).join(':')}::${groups.slice(best + bestLen).join(':')}`;
}

// Without `ip`: best effort from the kernel's own files. An IPv4 address is placed on the interface whose connected
// route (no gateway) contains it, with that route's prefix; 127.x.x.x goes to the loopback as /8. Addresses without a
// connected route (point-to-point peers, noprefixroute, a down interface) cannot be placed and are left out.
//
// /proc/net/* always describes the caller's network namespace, but /sys/class/net describes the namespace sysfs was
// mounted in: inside some containers (systemd-nspawn among them) it lists the outer machine's interfaces. Sysfs is
// believed only when it names exactly the interfaces of /proc/net/dev. Otherwise the interfaces come from
// /proc/net/dev, without MACs, and an interface counts as up when it has an address (the kernel drops an interface's
// connected routes and IPv6 addresses when it goes down); an up interface without any address then reads as down.
function parseKernelNetwork(r: RawFacts, bigEndian: boolean): Network {
  const sys = new Map<string, { index: number; flags: number; type: number; address?: string }>();
  for (const line of r.multi.get('sys_link') ?? []) {
    const [index, name, flags, type, address] = line.split(' ');
    if (!index || !name || !flags || !type) continue;
    sys.set(name, { index: Number(index), flags: Number.parseInt(flags, 16), type: Number(type), address: address || undefined });
  }
  // /proc/net/dev: two header lines, then `  eth0: rx... tx...`, in the kernel's (ifindex) order.
  const netdev = (r.multi.get('netdev') ?? []).map((l) => /^\s*([^\s:]+):/.exec(l)?.[1]).filter((n): n is string => !!n);
  const isSysfsOurs = netdev.length === 0 || (netdev.length === sys.size && netdev.every((n) => sys.has(n)));

  const byIndex = new Map<number, { name: string; facts: InterfaceFacts }>();
  const byName = new Map<string, InterfaceFacts>();
  let loopback: string | undefined;
  if (isSysfsOurs) {
    for (const [name, link] of sys) {
      const facts: InterfaceFacts = { ipv4: [], ipv6: [], up: (link.flags & IFF_UP) !== 0 };
      if (link.type === ARPHRD_ETHER && link.address) facts.mac = link.address;
      if (link.type === ARPHRD_LOOPBACK) loopback = name;
      byIndex.set(link.index, { name, facts });
      byName.set(name, facts);
    }
  } else {
    netdev.forEach((name, i) => {
      const facts: InterfaceFacts = { ipv4: [], ipv6: [], up: false };
      byIndex.set(i, { name, facts });
      byName.set(name, facts);
    });
    if (byName.has('lo')) loopback = 'lo';
  }
  for (const line of r.multi.get('inet6') ?? []) {
    // 00000000000000000000000000000001 01 80 10 80       lo   (address, ifindex, prefix length, scope, flags, name)
    const [hex, , plen, , , name] = line.trim().split(/\s+/);
    if (!hex || hex.length !== 32 || !plen || !name) continue;
    byName.get(name)?.ipv6.push(`${compressIpv6(hex)}/${Number.parseInt(plen, 16)}`);
  }
  const connected: { iface: string; net: number; mask: number; len: number }[] = [];
  let defaultRoute: { iface: string; metric: number } | undefined;
  for (const line of r.multi.get('route') ?? []) {
    // Iface Destination Gateway Flags RefCnt Use Metric Mask MTU Window IRTT (hex, native byte order)
    const f = line.trim().split(/\s+/);
    if (f.length < 8 || f[0] === 'Iface') continue;
    const [iface, dest, gateway, flagsHex, , , metricStr, maskHex] = f as [string, string, string, string, string, string, string, string];
    const flags = Number.parseInt(flagsHex, 16);
    if (!(flags & RTF_UP)) continue;
    const mask = routeHex(maskHex, bigEndian);
    const metric = Number(metricStr);
    if (mask === 0 && routeHex(dest, bigEndian) === 0) {
      if (!defaultRoute || metric < defaultRoute.metric) defaultRoute = { iface, metric };
    } else if (!(flags & RTF_GATEWAY) && routeHex(gateway, bigEndian) === 0) {
      connected.push({ iface, net: routeHex(dest, bigEndian), mask, len: prefixLength(mask) });
    }
  }
  // fib_trie lists each local address in both the main and local tables: keep the first of each.
  for (const address of new Set(r.multi.get('inet4_local') ?? [])) {
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(address)) continue;
    const n = ipv4ToInt(address);
    if (n >>> 24 === 127) {
      if (loopback) byName.get(loopback)?.ipv4.push(`${address}/8`);
      continue;
    }
    const route = connected.filter((c) => ((n & c.mask) >>> 0) === c.net).sort((a, b) => b.len - a.len)[0];
    if (route) byName.get(route.iface)?.ipv4.push(`${intToIpv4(n)}/${route.len}`);
  }
  let defaultIpv4: Network['defaultIpv4'] = null;
  const first = defaultRoute && byName.get(defaultRoute.iface)?.ipv4[0];
  if (defaultRoute && first) defaultIpv4 = { address: first.split('/')[0]!, interface: defaultRoute.iface };
  if (!isSysfsOurs) for (const facts of byName.values()) facts.up = facts.ipv4.length > 0 || facts.ipv6.length > 0;
  return { interfaces: ordered(byIndex), defaultIpv4 };
}

// Hosts without a default route (lab hosts, isolated private networks) still have an address people mean by "the
// host's address": the first global IPv4 address in interface order (not loopback, not link-local 169.254/16).
function firstGlobalIpv4(interfaces: Record<string, InterfaceFacts>): Network['defaultIpv4'] {
  for (const [name, facts] of Object.entries(interfaces)) {
    for (const cidr of facts.ipv4) {
      const address = cidr.split('/')[0]!;
      if (address.startsWith('127.') || address.startsWith('169.254.')) continue;
      return { address, interface: name };
    }
  }
  return null;
}
