// Host facts in one round trip: a POSIX sh script (dash, busybox; no python, no bashisms) prints raw probes as
// `key=value` lines, and `parseFacts` (pure) turns them into typed facts. The script only reports what it sees;
// every decision (init system, package manager, OS family, default address) is made here, where tests reach it, and
// in ansible-facts.ts, which gives the same host under Ansible's fact names and values (`Facts.ansible`).
//
// Networking comes from `ip -o link` / `ip -o addr` (one `ip -batch` process with iproute2; busybox ip answers each
// on its own) when `ip` is installed. Minimal images (debootstrap minbase, container images) often lack it, so without
// `ip` (or when it answers nothing) the script reads the kernel directly:
// /sys/class/net (links, MACs, flags), /proc/net/if_inet6 (IPv6), /proc/net/fib_trie (local IPv4 addresses) and
// /proc/net/route (which interface and prefix each IPv4 address belongs to, and the default route).
import { raw, type Script } from '../shell/script.js';
import { ansibleFacts, type AnsibleFacts } from './ansible-facts.js';

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
  /**
   * The same host as ansible-core's `setup` module reports it, under Ansible's names without the `ansible_` prefix
   * (`os_family: 'Debian'`, `default_ipv4`, `memory_mb`, `env`, `local`, ...): what `ansible_facts` and the
   * `ansible_*` variables show (engine/variables.ts). See ansible-facts.ts for what is left out.
   */
  ansible: AnsibleFacts;
}

/** `uname -s -n -r -v -m`. */
export interface Uname {
  system: string;
  nodename: string;
  release: string;
  version: string;
  machine: string;
}

/** One address as `ip -o addr` (or the kernel files) shows it. */
export interface AddressDetail {
  family: 4 | 6;
  address: string;
  prefix: number;
  /** `brd`, when set; '' otherwise (and always without ip). */
  broadcast: string;
  /** `global`, `link`, `host`, ...; '' when unknown. */
  scope: string;
  /** IPv4 secondary (an IPv6 temporary address has the same flag). */
  secondary: boolean;
  /** The IPv4 label (`eth0`, `eth0:1`); the link's name for IPv6. */
  label: string;
}

/** One link with what Ansible reports of it, beyond tsinfra's InterfaceFacts. */
export interface LinkDetail {
  index: number;
  name: string;
  /** IFF_UP. */
  up: boolean;
  /** The operational state is not `down` (Ansible's `active`). */
  active: boolean;
  promisc: boolean;
  mtu: number | null;
  /** ARPHRD type (1 ether, 772 loopback, 65534 none); -1 for one ip names otherwise; null when unknown. */
  type: number | null;
  /** The hardware address as the kernel shows it ('' for none); `mac` is set for Ethernet-like links only. */
  hwaddr: string;
  mac?: string;
  addresses: AddressDetail[];
}

/** `ip route get`: the way to the internet. */
export interface RouteDetail {
  interface?: string;
  address?: string;
  gateway?: string;
}

// Safe under `sh -eu` (the engine may prepend it): every probe that can fail is guarded, and nothing reads an unset
// variable. LC_ALL=C keeps tool output parseable; `set -f` keeps words split from files and command output from being
// globbed. Each process costs about a millisecond of CPU on the host, so the script spawns only what has no builtin
// or kernel-file stand-in (uname, date, hostname, dpkg, id -un, nproc, ip, python --version: eight), each once, printing straight to
// stdout rather than through `$(...)` or a pipe (each a fork). Only on hosts that need them: timeout (hostname -f when
// /etc/hosts does not answer), readlink (/sbin/init when PID 1 is init or a shell), and each executable
// /etc/ansible/facts.d/*.fact with the pipe that reads it. `prefix K` copies its stdin as `K=line` lines, last line included
// even without a newline. No `${` appears below, so String.raw needs no escapes.
const SCRIPT = String.raw`echo tsinfra_facts=1
# The login environment first, as the shell got it (before LC_ALL below): export -p is a builtin, its values quoted.
echo tsinfra_env=begin
export -p
echo tsinfra_env=end
LC_ALL=C
export LC_ALL
set -f
prefix() { while IFS= read -r l || [ -n "$l" ]; do printf '%s=%s\n' "$1" "$l"; done; }
has() { command -v "$1" >/dev/null 2>&1; }
# Copies stdin as factsd=|line lines: the content of one /etc/ansible/facts.d file.
tagged() { while IFS= read -r l || [ -n "$l" ]; do printf 'factsd=|%s\n' "$l"; done; }
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
for f in /etc/os-release /usr/lib/os-release; do
  if [ -r "$f" ]; then prefix os_release < "$f"; break; fi
done
if [ -r /etc/debian_version ]; then prefix debian_version < /etc/debian_version; fi
if [ -r /etc/lsb-release ]; then prefix lsb_release < /etc/lsb-release; fi
# uname -s -n -r -v -m: only the version (-v) has blanks.
printf 'uname='; uname -s -n -r -v -m 2>/dev/null || echo
# The host's clock and zone (Ansible's date_time): the one process here that no kernel file stands in for.
printf 'date='; date '+%s %N %z %Z' 2>/dev/null || echo
# hostname -f may ask DNS: bounded to 2 s unless /etc/hosts answers (then the timeout process is spared).
[ -r /proc/sys/kernel/hostname ] && read -r node < /proc/sys/kernel/hostname || node=
if has hostname; then
  printf 'fqdn='
  if has timeout && ! in_etc_hosts "$node"; then timeout 2 hostname -f 2>/dev/null || echo
  else hostname -f 2>/dev/null || echo
  fi
fi
if has dpkg; then printf 'dpkg_arch='; dpkg --print-architecture 2>/dev/null || echo; fi
# id -un prints the uid when the uid has no name. The ids themselves are the kernel's (/proc/self/status).
printf 'user='; id -un 2>/dev/null || echo
uid=
if [ -r /proc/self/status ]; then
  while read -r k real effective r; do
    case "$k" in
      Uid:) uid=$effective; printf 'uids=%s %s\n' "$real" "$effective" ;;
      Gid:) printf 'gids=%s %s\n' "$real" "$effective"; break ;;
    esac
  done < /proc/self/status
fi
if [ -z "$uid" ]; then uid=$(id -u 2>/dev/null) || uid=; fi
printf 'uid=%s\n' "$uid"
if [ -r /etc/passwd ]; then
  while IFS=: read -r n x u g c d s; do
    if [ "$u" = "$uid" ]; then printf 'passwd=%s:%s:%s:%s:%s:%s\n' "$n" "$u" "$g" "$c" "$d" "$s"; break; fi
  done < /etc/passwd
fi
printf 'nproc='; nproc 2>/dev/null || getconf _NPROCESSORS_ONLN 2>/dev/null || echo
# Each online CPU's package and core (cpuinfo's physical id and core id, without reading all of cpuinfo). The
# *_list topology files would say it in two reads, but newer kernels answer the shell's byte-wide reads of them with
# nothing.
if [ -r /sys/devices/system/cpu/online ] && read -r v < /sys/devices/system/cpu/online; then
  IFS=,
  set -- $v
  unset IFS
  for range in "$@"; do
    IFS=-
    set -- $range
    unset IFS
    i=$1; last=$1
    if [ $# -gt 1 ]; then last=$2; fi
    while [ "$i" -le "$last" ]; do
      d=/sys/devices/system/cpu/cpu$i/topology
      if read -r pk < $d/physical_package_id && read -r co < $d/core_id; then printf 'cpu=%s %s %s\n' "$i" "$pk" "$co"; fi 2>/dev/null
      i=$((i + 1))
    done
  done
fi
if [ -r /proc/meminfo ]; then
  while read -r k v u; do
    case "$k" in
      MemTotal:) printf 'memtotal_kb=%s\n' "$v" ;;
      MemFree:|Buffers:|Cached:|SwapCached:|SwapTotal:) printf 'meminfo=%s %s\n' "$k" "$v" ;;
      SwapFree:) printf 'meminfo=%s %s\n' "$k" "$v"; break ;;
    esac
  done < /proc/meminfo
fi
for f in /var/lib/dbus/machine-id /etc/machine-id; do
  if [ -r "$f" ] && read -r m < "$f" && [ -n "$m" ]; then printf 'machine_id=%s\n' "$m"; break; fi
done
if [ -r /proc/sys/crypto/fips_enabled ] && read -r v < /proc/sys/crypto/fips_enabled; then printf 'fips=%s\n' "$v"; fi
if [ -d /run/systemd/system ]; then echo probe=systemd_dir; fi
if [ -x /sbin/openrc-run ] || [ -x /sbin/openrc ]; then echo probe=openrc; fi
if [ -d /etc/init.d ]; then echo probe=init_d; fi
# Paths Ansible's service manager and virtualization facts test for.
# Python's distro module (Debian's python3-distro) changes the version Ansible reports on Debian (12.11, not 12).
# The distribution files Ansible tries before and at /etc/os-release (distribution_file_path and _variety).
for f in /dev/.run/systemd /dev/.systemd /etc/init /sbin/openrc /proc/vz /proc/lve /proc/bc /proc/xen /.dockerenv /.dockerinit /dev/kvm \
  /usr/lib/python3/dist-packages/distro/__init__.py /etc/os-release /etc/altlinux-release /etc/oracle-release \
  /etc/slackware-version /etc/centos-release /etc/redhat-release /etc/vmware-release /etc/openwrt_release \
  /etc/system-release /etc/alpine-release /etc/arch-release /etc/SuSE-release /etc/gentoo-release; do
  if [ -e "$f" ]; then printf 'exists=%s\n' "$f"; fi
done
p=
if [ -r /proc/1/comm ] && IFS= read -r p < /proc/1/comm; then printf 'pid1=%s\n' "$p"; fi
for c in apt-get dnf yum apk python3 python systemctl initctl lsb_release; do
  if has "$c"; then printf 'cmd=%s ' "$c"; command -v "$c"; fi
done
# Ansible's python facts without starting Python, whose start-up would cost more than this whole script: --version
# answers before the interpreter initialises (PyPy says so on a second line); SSL is there when the interpreter's
# lib-dynload holds _ssl (the parser matches the directory to the interpreter's prefix and version; an interpreter
# outside /usr counts as having it built in).
# The interpreter is the one Ansible's discovery picks on Debian and Ubuntu: /usr/bin/python3 first.
for c in /usr/bin/python3 python3 /usr/bin/python python; do
  if has "$c"; then printf 'python_exe=%s\n' "$c"; "$c" --version 2>&1 | prefix python_version; break; fi
done
set +f
for d in /usr/lib/python[23]*/lib-dynload; do
  if [ -d "$d" ]; then
    printf 'python_dynload=%s\n' "$d"
    for f in "$d"/_ssl.*; do if [ -e "$f" ]; then printf 'python_ssl=%s\n' "$d"; fi; break; done
  fi
done
set -f
# Only when PID 1 says nothing (init, a shell): where /sbin/init points tells whether systemd would run the host.
case "$p" in
  ''|init|*sh) if has systemctl && [ -L /sbin/init ]; then printf 'sbin_init='; readlink /sbin/init 2>/dev/null || echo; fi ;;
esac
# PID 1's files may refuse a reader that [ -r ] lets through (another user's process): quietly.
if [ -r /proc/1/cgroup ]; then { prefix pid1_cgroup < /proc/1/cgroup; } 2>/dev/null || :; fi
# NUL-separated: read drops the NULs, so the variables run together (enough to find container=).
if [ -r /proc/1/environ ]; then { prefix pid1_environ < /proc/1/environ; } 2>/dev/null || :; fi
if [ -r /run/systemd/container ]; then prefix systemd_container < /run/systemd/container; fi
if [ -r /proc/xen/capabilities ]; then prefix xen_caps < /proc/xen/capabilities; fi
for f in product_name sys_vendor product_family bios_vendor; do
  if [ -r /sys/devices/virtual/dmi/id/$f ] && IFS= read -r v < /sys/devices/virtual/dmi/id/$f; then printf 'dmi=%s %s\n' "$f" "$v"; fi
done
# Ansible's custom facts: each /etc/ansible/facts.d/*.fact file's content, or an executable one's output and status.
if [ -d /etc/ansible/facts.d ]; then
  set +f
  for f in /etc/ansible/facts.d/*.fact; do
    if [ -f "$f" ]; then
      printf 'factsd=+%s\n' "$f"
      if [ -x "$f" ]; then { rc=0; "$f" </dev/null 2>/dev/null || rc=$?; printf '\ntsinfra_rc=%s\n' "$rc"; } | tagged
      else tagged < "$f"
      fi
    fi
  done
  set -f
fi
# iproute2 answers all four in one process (-force: on past a route it has not); busybox ip has no -batch (it prints
# nothing): one call each.
net=
if has ip; then
  net=$(ip -o -force -batch - 2>/dev/null <<'EOF'
link show
address show
route get 8.8.8.8
route get 2404:6800:400a:800::1012
EOF
) || :
  if [ -z "$net" ]; then net=$(set +e; { ip -o link show; ip -o addr show; ip -o -4 route get 8.8.8.8; ip -o -6 route get 2404:6800:400a:800::1012; } 2>/dev/null) || :; fi
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
      read -r m < "$n/mtu" || m=0
      read -r o < "$n/operstate" || o=unknown
      read -r a < "$n/address" || a=
      printf 'sys_link=%s %s %s %s %s %s %s\n' "$i" "$n" "$fl" "$t" "$m" "$o" "$a"
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

/** The script's output sorted by key: single values, lists (in order), and the two special shapes. */
export interface RawFacts {
  single: Map<string, string>;
  multi: Map<string, string[]>;
  probes: Set<string>;
  commands: Map<string, string>;
  /** The login environment, from `export -p`; null when the output has none (older output). */
  env: Record<string, string> | null;
}

function collect(stdout: string): RawFacts {
  const single = new Map<string, string>();
  const multi = new Map<string, string[]>();
  const probes = new Set<string>();
  const commands = new Map<string, string>();
  const { env, rest } = extractEnv(stdout);
  for (const line of rest.split('\n')) {
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
  return { single, multi, probes, commands, env };
}

const MULTI_KEYS = new Set([
  'os_release', 'ip', 'sys_link', 'netdev', 'inet6', 'inet4_local', 'route', 'lsb_release', 'cpu', 'meminfo', 'exists',
  'pid1_cgroup', 'pid1_environ', 'xen_caps', 'dmi', 'factsd', 'python_version', 'python_dynload', 'python_ssl',
]);

const ENV_BEGIN = 'tsinfra_env=begin\n';
const ENV_END = 'tsinfra_env=end';

/**
 * The `export -p` block between its markers: `export NAME='value'` (dash, busybox: `'\''` for a quote) or
 * `export NAME="value"` (bash as sh), values possibly spanning lines; `export NAME` alone (exported, unset) is
 * skipped. The block ends at the end marker where a statement would start, so no value can end it early.
 */
function extractEnv(stdout: string): { env: Record<string, string> | null; rest: string } {
  const begin = stdout.indexOf(ENV_BEGIN);
  if (begin < 0) return { env: null, rest: stdout };
  const env: Record<string, string> = {};
  let i = begin + ENV_BEGIN.length;
  const n = stdout.length;
  while (i < n) {
    while (i < n && (stdout[i] === '\n' || stdout[i] === ' ' || stdout[i] === '\t')) i++;
    if (stdout.startsWith(ENV_END, i)) {
      i += ENV_END.length;
      break;
    }
    const lineEnd = stdout.indexOf('\n', i);
    const m = /^(?:export|declare -x)\s+([A-Za-z_][A-Za-z0-9_]*)/.exec(stdout.slice(i, lineEnd < 0 ? n : lineEnd));
    if (!m) {
      // Not a statement we know: skip the line.
      i = lineEnd < 0 ? n : lineEnd + 1;
      continue;
    }
    i += m[0].length;
    if (stdout[i] !== '=') continue;
    i++;
    let value = '';
    while (i < n && stdout[i] !== '\n' && stdout[i] !== ' ' && stdout[i] !== '\t') {
      const c = stdout[i]!;
      if (c === "'") {
        const close = stdout.indexOf("'", i + 1);
        const end = close < 0 ? n : close;
        value += stdout.slice(i + 1, end);
        i = end + 1;
      } else if (c === '"') {
        i++;
        while (i < n && stdout[i] !== '"') {
          if (stdout[i] === '\\' && i + 1 < n && '$`"\\\n'.includes(stdout[i + 1]!)) {
            if (stdout[i + 1] !== '\n') value += stdout[i + 1];
            i += 2;
          } else value += stdout[i++];
        }
        i++;
      } else if (c === '\\' && i + 1 < n) {
        value += stdout[i + 1];
        i += 2;
      } else {
        value += c;
        i++;
      }
    }
    env[m[1]!] = value;
  }
  return { env, rest: stdout.slice(0, begin) + stdout.slice(i) };
}

/** Parses the facts script's output. Throws when the output is not (all of) it. */
export function parseFacts(stdout: string): Facts {
  const r = collect(stdout);
  if (r.single.get('tsinfra_facts') !== '1') throw new Error('not the output of the facts script (no tsinfra_facts=1 line)');
  if (r.single.get('tsinfra_facts_end') !== '1') throw new Error('the facts script stopped early (no end marker)');
  const get = (k: string) => r.single.get(k) ?? '';
  const uname = parseUname(get('uname'));
  const net = r.multi.has('ip') ? parseIpNetwork(r.multi.get('ip')!) : parseKernelNetwork(r, isBigEndian(uname.machine));
  const python = r.commands.get('python3') ?? r.commands.get('python') ?? null;
  const os = parseOs(r.multi.get('os_release') ?? []);
  const facts: Omit<Facts, 'ansible'> = {
    os,
    hostname: uname.nodename.split('.')[0] ?? uname.nodename,
    fqdn: get('fqdn') || uname.nodename,
    kernel: uname.release,
    architecture: uname.machine,
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
  return { ...facts, ansible: ansibleFacts({ raw: r, facts, uname, links: net.links, routes: net.routes }) };
}

function toInt(s: string): number {
  const n = Number.parseInt(s, 10);
  return Number.isFinite(n) ? n : 0;
}

/** `uname -s -n -r -v -m` (only the version has blanks), or the older `uname -n -r -m`. */
function parseUname(line: string): Uname {
  const t = line.trim();
  const full = /^(\S+) (\S+) (\S+) (.*) (\S+)$/.exec(t);
  if (full) return { system: full[1]!, nodename: full[2]!, release: full[3]!, version: full[4]!, machine: full[5]! };
  const [nodename = '', release = '', machine = ''] = t.split(/\s+/);
  return { system: 'Linux', nodename, release, version: '', machine };
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
  /** Every link with what Ansible reports of it, in ifindex order. */
  links: LinkDetail[];
  routes: { v4: RouteDetail | null; v6: RouteDetail | null };
}

/** `3: veth0@if2: <...>` → `veth0`: ip shows a link's peer after `@`. */
function baseName(name: string): string {
  const at = name.indexOf('@');
  return at > 0 ? name.slice(0, at) : name;
}

const IP_LINK = /^(\d+):\s+([^:\s]+):\s+<([^>]*)>(.*?)\blink\/(\S+)(?:\s+([0-9a-f:]+))?/;
const IP_ADDR = /^(\d+):\s+(\S+)\s+(inet6?)\s+(\S+)(.*)$/;
/** ip's link/<type> names for the ARPHRD types Ansible names (busybox prints unnamed ones as `[65534]`). */
const IP_LINK_TYPES: Record<string, number> = { ether: 1, infiniband: 32, ppp: 512, loopback: 772, none: 65534, '[65534]': 65534 };

function newLink(index: number, name: string): LinkDetail {
  return { index, name, up: false, active: false, promisc: false, mtu: null, type: null, hwaddr: '', addresses: [] };
}

/** `ip -o` output of `link show`, `address show` and the two `route get`s, told apart by their line shapes. */
function parseIpNetwork(lines: string[]): Network {
  const byIndex = new Map<number, LinkDetail>();
  for (const line of lines) {
    // 2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 ... state UP ...\    link/ether 02:fc:00:00:00:01 brd ...
    const m = IP_LINK.exec(line);
    if (!m) continue;
    const flags = m[3]!.split(',');
    const link = newLink(Number(m[1]), baseName(m[2]!));
    link.up = flags.includes('UP');
    link.promisc = flags.includes('PROMISC');
    const mtu = /\bmtu (\d+)/.exec(m[4]!)?.[1];
    link.mtu = mtu ? Number(mtu) : null;
    // The operational state (sysfs operstate); busybox prints none, so the flags stand in: down when
    // administratively down or without carrier.
    const state = /\bstate (\S+)/.exec(m[4]!)?.[1];
    link.active = state ? state.toLowerCase() !== 'down' : link.up && !flags.includes('NO-CARRIER');
    link.type = IP_LINK_TYPES[m[5]!] ?? -1;
    link.hwaddr = m[6] ?? '';
    link.mac = m[5] === 'ether' && m[6] ? m[6] : undefined;
    byIndex.set(link.index, link);
  }
  for (const line of lines) {
    // 2: eth0    inet 10.0.0.5/24 brd 10.0.0.255 scope global eth0\  ...   (point-to-point: inet A peer B/32)
    const m = IP_ADDR.exec(line);
    if (!m) continue;
    const index = Number(m[1]);
    let link = byIndex.get(index);
    if (!link) {
      link = newLink(index, baseName(m[2]!));
      byIndex.set(index, link);
    }
    const v6 = m[3] === 'inet6';
    const words = m[5]!.split('\\')[0]!.trim().split(/\s+/).filter(Boolean);
    const slash = m[4]!.indexOf('/');
    const address = slash < 0 ? m[4]! : m[4]!.slice(0, slash);
    let prefix = slash < 0 ? (v6 ? 128 : 32) : Number(m[4]!.slice(slash + 1));
    // inet6 A peer B/P: the prefix is the peer's.
    if (v6 && slash < 0 && words[0] === 'peer' && words[1]?.includes('/')) prefix = Number(words[1].split('/')[1]);
    const at = (w: string) => {
      const i = words.indexOf(w);
      return i >= 0 ? words[i + 1] ?? '' : '';
    };
    link.addresses.push({
      family: v6 ? 6 : 4,
      address,
      prefix,
      // Ansible reads brd only right after an address with a prefix.
      broadcast: slash >= 0 && words[0] === 'brd' ? words[1] ?? '' : '',
      scope: at('scope'),
      secondary: words.includes('secondary') || words.includes('temporary'),
      label: v6 ? link.name : words[words.length - 1] ?? link.name,
    });
  }
  const links = [...byIndex.values()].sort((a, b) => a.index - b.index);
  // `ip route get` (as Ansible does): the interface, source address and gateway of the route to the internet, which
  // honours policy routing and VPN default routes. Its lines are the ones without an `N:` ifindex, starting with the
  // address asked about; none when the host has no route there.
  const routes = { v4: routeGet(lines, '8.8.8.8'), v6: routeGet(lines, '2404:6800:400a:800::1012') };
  let defaultIpv4: Network['defaultIpv4'] = null;
  if (routes.v4?.interface && routes.v4.address) defaultIpv4 = { address: routes.v4.address, interface: routes.v4.interface };
  return { interfaces: interfaceFacts(links), defaultIpv4, links, routes };
}

function routeGet(lines: string[], target: string): RouteDetail | null {
  // Older output ran every route line together: the lines without an ifindex that start with the target.
  const words = lines.filter((l) => !/^\d+:\s/.test(l) && l.split(/\s+/)[0] === target).join(' ').split(/\s+/);
  if (words.length < 2) return null;
  const route: RouteDetail = {};
  for (let i = 0; i < words.length - 1; i++) {
    if (words[i] === 'dev') route.interface = words[i + 1]!;
    else if (words[i] === 'src') route.address = words[i + 1]!;
    else if (words[i] === 'via' && words[i + 1] !== target) route.gateway = words[i + 1]!;
  }
  return route;
}

/** tsinfra's own view of the links: addresses in CIDR form, in the order the host lists them. */
function interfaceFacts(links: LinkDetail[]): Record<string, InterfaceFacts> {
  const out: Record<string, InterfaceFacts> = {};
  for (const l of links) {
    const cidrs = (family: 4 | 6) => l.addresses.filter((a) => a.family === family).map((a) => `${a.address}/${a.prefix}`);
    out[l.name] = { ipv4: cidrs(4), ipv6: cidrs(6), up: l.up, ...(l.mac ? { mac: l.mac } : {}) };
  }
  return out;
}

const ARPHRD_ETHER = 1;
const ARPHRD_LOOPBACK = 772;
const IFF_UP = 0x1;
const IFF_PROMISC = 0x100;
const IFA_F_SECONDARY = 0x1;
/** /proc/net/if_inet6 scope (IPV6_ADDR_SCOPE_MASK bits) as ip names it. */
const IPV6_SCOPES: Record<number, string> = { 0: 'global', 0x10: 'host', 0x20: 'link', 0x40: 'site' };
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
  const sys = new Map<string, { index: number; flags: number; type: number; mtu: number | null; operstate: string | null; address: string }>();
  for (const line of r.multi.get('sys_link') ?? []) {
    // index name flags type mtu operstate address (older output: index name flags type address)
    const f = line.split(' ');
    const [index, name, flags, type] = f;
    if (!index || !name || !flags || !type) continue;
    const full = f.length >= 7;
    sys.set(name, {
      index: Number(index),
      flags: Number.parseInt(flags, 16),
      type: Number(type),
      mtu: full ? Number(f[4]) : null,
      operstate: full ? f[5]! : null,
      address: (full ? f[6] : f[4]) ?? '',
    });
  }
  // /proc/net/dev: two header lines, then `  eth0: rx... tx...`, in the kernel's (ifindex) order.
  const netdev = (r.multi.get('netdev') ?? []).map((l) => /^\s*([^\s:]+):/.exec(l)?.[1]).filter((n): n is string => !!n);
  const isSysfsOurs = netdev.length === 0 || (netdev.length === sys.size && netdev.every((n) => sys.has(n)));

  const byName = new Map<string, LinkDetail>();
  let loopback: string | undefined;
  if (isSysfsOurs) {
    for (const [name, s] of sys) {
      const link = newLink(s.index, name);
      link.up = (s.flags & IFF_UP) !== 0;
      link.promisc = (s.flags & IFF_PROMISC) !== 0;
      link.active = s.operstate !== null ? s.operstate !== 'down' : link.up;
      link.mtu = s.mtu;
      link.type = s.type;
      link.hwaddr = s.address;
      if (s.type === ARPHRD_ETHER && s.address) link.mac = s.address;
      if (s.type === ARPHRD_LOOPBACK) loopback = name;
      byName.set(name, link);
    }
  } else {
    netdev.forEach((name, i) => byName.set(name, newLink(i, name)));
    if (byName.has('lo')) loopback = 'lo';
  }
  for (const line of r.multi.get('inet6') ?? []) {
    // 00000000000000000000000000000001 01 80 10 80       lo   (address, ifindex, prefix length, scope, flags, name)
    const [hex, , plen, scope, flags, name] = line.trim().split(/\s+/);
    if (!hex || hex.length !== 32 || !plen || !name) continue;
    byName.get(name)?.addresses.push({
      family: 6,
      address: compressIpv6(hex),
      prefix: Number.parseInt(plen, 16),
      broadcast: '',
      scope: IPV6_SCOPES[Number.parseInt(scope ?? '0', 16) & 0xf0] ?? 'global',
      secondary: (Number.parseInt(flags ?? '0', 16) & IFA_F_SECONDARY) !== 0,
      label: name,
    });
  }
  const connected: { iface: string; net: number; mask: number; len: number }[] = [];
  let defaultRoute: { iface: string; metric: number; gateway: number } | undefined;
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
      if (!defaultRoute || metric < defaultRoute.metric) defaultRoute = { iface, metric, gateway: flags & RTF_GATEWAY ? routeHex(gateway, bigEndian) : 0 };
    } else if (!(flags & RTF_GATEWAY) && routeHex(gateway, bigEndian) === 0) {
      connected.push({ iface, net: routeHex(dest, bigEndian), mask, len: prefixLength(mask) });
    }
  }
  const v4 = (link: LinkDetail | undefined, address: string, prefix: number) =>
    link?.addresses.push({ family: 4, address, prefix, broadcast: '', scope: '', secondary: false, label: link.name });
  // fib_trie lists each local address in both the main and local tables: keep the first of each.
  for (const address of new Set(r.multi.get('inet4_local') ?? [])) {
    if (!/^\d+\.\d+\.\d+\.\d+$/.test(address)) continue;
    const n = ipv4ToInt(address);
    if (n >>> 24 === 127) {
      if (loopback) v4(byName.get(loopback), address, 8);
      continue;
    }
    const route = connected.filter((c) => ((n & c.mask) >>> 0) === c.net).sort((a, b) => b.len - a.len)[0];
    if (route) v4(byName.get(route.iface), intToIpv4(n), route.len);
  }
  const links = [...byName.values()].sort((a, b) => a.index - b.index);
  if (!isSysfsOurs) for (const link of links) link.up = link.active = link.addresses.length > 0;
  let defaultIpv4: Network['defaultIpv4'] = null;
  let routeV4: RouteDetail | null = null;
  const first = defaultRoute && byName.get(defaultRoute.iface)?.addresses.find((a) => a.family === 4);
  if (defaultRoute && first) {
    defaultIpv4 = { address: first.address, interface: defaultRoute.iface };
    routeV4 = { interface: defaultRoute.iface, address: first.address, ...(defaultRoute.gateway ? { gateway: intToIpv4(defaultRoute.gateway) } : {}) };
  }
  return { interfaces: interfaceFacts(links), defaultIpv4, links, routes: { v4: routeV4, v6: null } };
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
