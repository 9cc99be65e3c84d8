// Ansible's facts from the facts script's output: the names and values ansible-core 2.14's `setup` module gives on
// Linux, without the `ansible_` prefix (engine/variables.ts exposes them as `ansible_facts` and as `ansible_*`
// variables). Pure: every value comes from the probes the script printed (engine/facts.ts), each derived the way
// ansible-core's own collectors (ansible/module_utils/facts/) derive it, so real roles see what they see under Ansible.
//
// Left out, because they would cost processes or big reads on every host for facts roles rarely read: `processor` (the model list: all of /proc/cpuinfo), `devices`, `mounts`,
// `lvm`, `dns`, `selinux`, `apparmor`, `cmdline`, `ssh_host_key_*`, `dmi`/`bios_*`/`product_*`, `loadavg`,
// `uptime_seconds`, `userspace_*`, `interfaces[*].speed/module/pciid/features`; the interface type `bridge`/`bonding`
// (bridges read as `ether`); and the virtualization checks through /proc/cpuinfo, /proc/modules and dmidecode.
import type { Facts, LinkDetail, RawFacts, RouteDetail, Uname } from './facts.js';

export type AnsibleFacts = Record<string, unknown>;

export interface AnsibleFactsInput {
  raw: RawFacts;
  facts: Omit<Facts, 'ansible'>;
  uname: Uname;
  links: LinkDetail[];
  routes: { v4: RouteDetail | null; v6: RouteDetail | null };
}

export function ansibleFacts(input: AnsibleFactsInput): AnsibleFacts {
  const { raw, facts, uname } = input;
  const out: AnsibleFacts = {};
  const fqdn = facts.fqdn;
  Object.assign(out, {
    system: uname.system,
    kernel: uname.release,
    kernel_version: uname.version,
    machine: uname.machine,
    architecture: uname.machine,
    nodename: uname.nodename,
    hostname: uname.nodename.split('.')[0] ?? uname.nodename,
    fqdn,
    domain: fqdn.split('.').slice(1).join('.'),
  });
  const machineId = raw.single.get('machine_id');
  if (machineId) out.machine_id = machineId;
  const fips = raw.single.get('fips');
  out.fips = fips === '1';
  Object.assign(out, distribution(raw));
  out.lsb = lsb(raw);
  out.pkg_mgr = facts.pkg_mgr ?? 'unknown';
  out.service_mgr = serviceManager(raw, uname.system);
  Object.assign(out, user(raw, facts));
  out.env = { ...(raw.env ?? {}) };
  const dateTime = dateTimeFacts(raw.single.get('date') ?? '');
  if (dateTime) out.date_time = dateTime;
  Object.assign(out, memory(raw));
  Object.assign(out, cpu(raw, facts, uname.machine));
  Object.assign(out, network(input.links, input.routes));
  Object.assign(out, virtualization(raw));
  out.local = localFacts(raw.multi.get('factsd') ?? []);
  Object.assign(out, python(raw));
  if (facts.python) out.discovered_interpreter_python = facts.python;
  out.gather_subset = ['all'];
  out.module_setup = true;
  return out;
}

// --- distribution ---------------------------------------------------------------------------------------------------

/** os-release ID → Ansible's distribution name (ansible's distro.id() handling); others are capitalized. */
const DISTRIBUTION_NAMES: Record<string, string> = {
  debian: 'Debian', raspbian: 'Debian', ubuntu: 'Ubuntu', linuxmint: 'Linux Mint', pop: 'Pop!_OS', kali: 'Kali',
  devuan: 'Devuan', parrot: 'Parrot', centos: 'CentOS', rhel: 'RedHat', fedora: 'Fedora', rocky: 'Rocky',
  almalinux: 'AlmaLinux', ol: 'OracleLinux', amzn: 'Amazon', alpine: 'Alpine', arch: 'Archlinux', manjaro: 'Manjaro',
  'opensuse-leap': 'openSUSE Leap', 'opensuse-tumbleweed': 'openSUSE Tumbleweed', opensuse: 'openSUSE', sles: 'SLES',
  sled: 'SLED', gentoo: 'Gentoo', clear_linux: 'Clear Linux OS', slackware: 'Slackware', altlinux: 'Altlinux',
};

// ansible-core's OS_FAMILY_MAP (module_utils/facts/system/distribution.py), Linux part.
const OS_FAMILY_MAP: Record<string, string[]> = {
  RedHat: ['RedHat', 'RHEL', 'Fedora', 'CentOS', 'Scientific', 'SLC', 'Ascendos', 'CloudLinux', 'PSBM', 'OracleLinux',
    'OVS', 'OEL', 'Amazon', 'Virtuozzo', 'XenServer', 'Alibaba', 'EulerOS', 'openEuler', 'AlmaLinux', 'Rocky',
    'TencentOS', 'EuroLinux', 'Kylin Linux Advanced Server'],
  Debian: ['Debian', 'Ubuntu', 'Raspbian', 'Neon', 'KDE neon', 'Linux Mint', 'SteamOS', 'Devuan', 'Kali',
    'Cumulus Linux', 'Pop!_OS', 'Parrot', 'Pardus GNU/Linux', 'Uos', 'Deepin', 'OSMC'],
  Suse: ['SuSE', 'SLES', 'SLED', 'openSUSE', 'openSUSE Tumbleweed', 'SLES_SAP', 'SUSE_LINUX', 'openSUSE Leap'],
  Archlinux: ['Archlinux', 'Antergos', 'Manjaro'],
  Mandrake: ['Mandrake', 'Mandriva'],
  Slackware: ['Slackware'],
  Altlinux: ['Altlinux'],
  Gentoo: ['Gentoo', 'Funtoo'],
  Alpine: ['Alpine'],
  ClearLinux: ['Clear Linux OS', 'Clear Linux Mix'],
};
const OS_FAMILY = new Map(Object.entries(OS_FAMILY_MAP).flatMap(([family, names]) => names.map((n) => [n, family] as const)));

function osReleaseMap(lines: string[]): Map<string, string> {
  const kv = new Map<string, string>();
  for (const line of lines) {
    const m = /^([A-Z0-9_]+)=(.*)$/.exec(line);
    if (m) kv.set(m[1]!, unquote(m[2]!));
  }
  return kv;
}

function unquote(v: string): string {
  const t = v.trim();
  if (t.length >= 2 && t.startsWith('"') && t.endsWith('"')) return t.slice(1, -1).replace(/\\(["\\$`])/g, '$1');
  if (t.length >= 2 && t.startsWith("'") && t.endsWith("'")) return t.slice(1, -1);
  return t;
}

function capitalize(s: string): string {
  return s ? s[0]!.toUpperCase() + s.slice(1).toLowerCase() : s;
}

function distribution(raw: RawFacts): AnsibleFacts {
  const lines = raw.multi.get('os_release') ?? [];
  const os = osReleaseMap(lines);
  const id = (os.get('ID') ?? '').toLowerCase();
  const name = DISTRIBUTION_NAMES[id] ?? (id ? capitalize(id) : 'OtherLinux');
  let version = os.get('VERSION_ID') ?? '';
  let minor = version.split('.')[1] ?? '';
  let release = os.get('VERSION_CODENAME') || os.get('UBUNTU_CODENAME') || '';
  if (name === 'Debian') {
    // The minor version comes from /etc/debian_version (12.11), and so does the version when Python's distro module
    // is installed (python3-distro, whose version(best=True) reads it); Ansible's bundled copy reads os-release only.
    const dv = /(\d+)\.(\d+)/.exec(raw.single.get('debian_version') ?? '');
    if (dv) {
      minor = dv[2]!;
      if ((raw.multi.get('exists') ?? []).includes('/usr/lib/python3/dist-packages/distro/__init__.py')) version = dv[0];
    }
    const pretty = /PRETTY_NAME=[^(]+ \(?([^)]+?)\)/.exec(lines.join('\n'));
    if (pretty) release = pretty[1]!;
  }
  return {
    distribution: name,
    distribution_version: version,
    distribution_major_version: version.split('.')[0] ?? '',
    distribution_minor_version: minor,
    distribution_release: release,
    os_family: OS_FAMILY.get(name) ?? name,
    ...distributionFile(raw, lines),
  };
}

/** The os-release entries of Ansible's OSDIST_LIST, in order: the variety whose parser accepts the file's text. */
const OS_RELEASE_VARIETIES: [variety: string, accepts: (data: string) => boolean][] = [
  ['Amazon', (d) => d.includes('Amazon')],
  ['Archlinux', (d) => d.includes('Arch Linux')],
  ['SUSE', (d) => d.toLowerCase().includes('suse')],
  ['Debian', (d) => ['Debian', 'Raspbian', 'Ubuntu', 'SteamOS', 'Kali', 'Parrot', 'Devuan', 'Cumulus', 'Mint', 'UOS', 'Uos', 'uos', 'Deepin', 'deepin'].some((w) => d.includes(w))],
];
/** Distribution files Ansible reads before /etc/os-release: when one exists, its content decides, and we have not read it. */
const EARLIER_DIST_FILES = [
  '/etc/altlinux-release', '/etc/oracle-release', '/etc/slackware-version', '/etc/centos-release', '/etc/redhat-release',
  '/etc/vmware-release', '/etc/openwrt_release', '/etc/system-release', '/etc/alpine-release', '/etc/arch-release',
  '/etc/SuSE-release', '/etc/gentoo-release',
];

/**
 * distribution_file_path, _variety and _parsed: which of Ansible's distribution files it recognised the host by
 * (DistributionFiles.process_dist_files). Given for a host recognised by /etc/os-release (Debian, Ubuntu and kin,
 * SUSE, Arch, Amazon); left out when an earlier file exists or no entry accepts os-release.
 */
function distributionFile(raw: RawFacts, osRelease: string[]): AnsibleFacts {
  const exists = raw.multi.get('exists') ?? [];
  if (!exists.includes('/etc/os-release') || osRelease.length === 0 || EARLIER_DIST_FILES.some((f) => exists.includes(f))) return {};
  const data = osRelease.join('\n');
  const hit = OS_RELEASE_VARIETIES.find(([, accepts]) => accepts(data));
  return hit ? { distribution_file_path: '/etc/os-release', distribution_file_variety: hit[0], distribution_file_parsed: true } : {};
}

const RELEASE_LEVELS: Record<string, string> = { a: 'alpha', b: 'beta', rc: 'candidate' };

/** `python` and `python_version` as Ansible's PythonFactCollector gives them, from `python --version`. */
function python(raw: RawFacts): AnsibleFacts {
  const exe = raw.single.get('python_exe');
  const said = raw.multi.get('python_version') ?? [];
  const m = /^Python (\d+)\.(\d+)\.(\d+)(?:(a|b|rc)(\d+))?/.exec(said[0] ?? '');
  if (exe === undefined || !m) return {};
  const [major, minor, micro] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const releaselevel = m[4] ? RELEASE_LEVELS[m[4]]! : 'final';
  const serial = m[5] ? Number(m[5]) : 0;
  const executable = exe.includes('/') ? exe : (raw.commands.get(exe) ?? exe);
  // The interpreter's own lib-dynload (prefix/lib/pythonX.Y): without _ssl there, no SSLContext; elsewhere, built in.
  const dynload = `${executable.replace(/\/bin\/[^/]*$/, '')}/lib/python${major}.${minor}/lib-dynload`;
  const hasDynload = (raw.multi.get('python_dynload') ?? []).includes(dynload);
  return {
    python: {
      version: { major, minor, micro, releaselevel, serial },
      version_info: [major, minor, micro, releaselevel, serial],
      executable,
      has_sslcontext: !hasDynload || (raw.multi.get('python_ssl') ?? []).includes(dynload),
      type: said.some((l) => l.includes('PyPy')) ? 'pypy' : 'cpython',
    },
    python_version: `${major}.${minor}.${micro}${m[4] ? `${m[4]}${m[5]}` : ''}`,
  };
}

const LSB_QUOTES = /^['"\\]+|['"\\]+$/g;

/** `lsb_release -a` as Debian's (a shell script over os-release) prints it; else /etc/lsb-release; else nothing. */
function lsb(raw: RawFacts): AnsibleFacts {
  const out: Record<string, string> = {};
  if (raw.commands.has('lsb_release')) {
    const os = osReleaseMap(raw.multi.get('os_release') ?? []);
    let id = os.get('ID') ?? '';
    id = id ? id[0]!.toUpperCase() + id.slice(1) : id;
    const name = os.get('NAME');
    if (name !== undefined && name.toLowerCase() === id.toLowerCase()) id = name;
    out.id = id || 'n/a';
    out.description = os.get('PRETTY_NAME') || 'n/a';
    out.release = os.get('VERSION_ID') || 'n/a';
    out.codename = os.get('VERSION_CODENAME') || 'n/a';
  } else {
    for (const line of raw.multi.get('lsb_release') ?? []) {
      const eq = line.indexOf('=');
      if (eq < 0) continue;
      const value = line.slice(eq + 1).trim();
      if (line.includes('DISTRIB_ID')) out.id = value;
      else if (line.includes('DISTRIB_RELEASE')) out.release = value;
      else if (line.includes('DISTRIB_DESCRIPTION')) out.description = value;
      else if (line.includes('DISTRIB_CODENAME')) out.codename = value;
    }
  }
  if (out.release !== undefined) out.major_release = out.release.split('.')[0]!;
  for (const [k, v] of Object.entries(out)) if (v) out[k] = v.replace(LSB_QUOTES, '');
  return out;
}

// --- service manager, user, environment, time ----------------------------------------------------------------------

const PROC_1_MAP: Record<string, string> = { procd: 'openwrt_init', 'runit-init': 'runit', svscan: 'svc', 'openrc-init': 'openrc' };

/** ansible-core's ServiceMgrFactCollector: PID 1's name unless it says nothing (init, a shell), then the canaries. */
function serviceManager(raw: RawFacts, system: string): string {
  const exists = new Set(raw.multi.get('exists') ?? []);
  let proc1: string | undefined = raw.single.get('pid1');
  if (proc1 === undefined && raw.single.has('sbin_init')) proc1 = raw.single.get('sbin_init');
  if (proc1 !== undefined) proc1 = proc1.split('/').pop()!.trim();
  if (proc1 !== undefined && (proc1 === 'init' || proc1.endsWith('sh'))) proc1 = undefined;
  if (proc1) return PROC_1_MAP[proc1] ?? proc1;
  if (system === 'Linux') {
    const systemctl = raw.commands.has('systemctl');
    if (systemctl && (raw.probes.has('systemd_dir') || exists.has('/dev/.run/systemd') || exists.has('/dev/.systemd'))) return 'systemd';
    if (raw.commands.has('initctl') && exists.has('/etc/init')) return 'upstart';
    if (exists.has('/sbin/openrc')) return 'openrc';
    if (systemctl && (raw.single.get('sbin_init') ?? '').split('/').pop() === 'systemd') return 'systemd';
    if (raw.probes.has('init_d')) return 'sysvinit';
  }
  return 'service';
}

function user(raw: RawFacts, facts: Omit<Facts, 'ansible'>): AnsibleFacts {
  const env = raw.env ?? {};
  // getpass.getuser(): the environment first, then the password database.
  const [pwName, pwUid, pwGid, gecos, dir, shell] = (raw.single.get('passwd') ?? '').split(':');
  const name = env.LOGNAME || env.USER || env.LNAME || env.USERNAME || pwName || facts.user_id;
  const [ruid, euid] = (raw.single.get('uids') ?? '').split(' ').map(Number);
  const [rgid] = (raw.single.get('gids') ?? '').split(' ').map(Number);
  const out: AnsibleFacts = { user_id: name, user_uid: pwUid ? Number(pwUid) : facts.user_uid };
  if (pwGid !== undefined && raw.single.has('passwd')) Object.assign(out, { user_gid: Number(pwGid), user_gecos: gecos ?? '', user_dir: dir ?? '', user_shell: shell ?? '' });
  out.real_user_id = Number.isFinite(ruid) ? ruid : facts.user_uid;
  out.effective_user_id = Number.isFinite(euid) ? euid : facts.user_uid;
  if (Number.isFinite(rgid)) {
    out.real_group_id = rgid;
    // ansible-core reports os.getgid() as the effective group id too.
    out.effective_group_id = rgid;
  }
  return out;
}

const WEEKDAYS = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
const pad = (n: number, width = 2) => String(n).padStart(width, '0');

/**
 * `date '+%s %N %z %Z'` → Ansible's date_time: the local fields by the host's UTC offset at that moment, the iso8601
 * ones in UTC. `tz_dst` (Python's time.tzname[1]) is the zone's summer name, which one `date` cannot tell: it is the
 * current name, right for zones without summer time (UTC among them).
 */
export function dateTimeFacts(line: string): Record<string, string> | null {
  const m = /^(\d+) (\S+) ([+-])(\d\d)(\d\d) ?(.*)$/.exec(line.trim());
  if (!m) return null;
  const epoch = Number(m[1]);
  const micro = /^\d{9}$/.test(m[2]!) ? m[2]!.slice(0, 6) : '000000';
  const offsetMinutes = (m[3] === '-' ? -1 : 1) * (Number(m[4]) * 60 + Number(m[5]));
  const local = new Date((epoch + offsetMinutes * 60) * 1000);
  const utc = new Date(epoch * 1000);
  const Y = local.getUTCFullYear();
  const mo = pad(local.getUTCMonth() + 1);
  const d = pad(local.getUTCDate());
  const H = pad(local.getUTCHours());
  const M = pad(local.getUTCMinutes());
  const S = pad(local.getUTCSeconds());
  const wday = local.getUTCDay();
  const yday = Math.floor((Date.UTC(Y, local.getUTCMonth(), local.getUTCDate()) - Date.UTC(Y, 0, 1)) / 86_400_000);
  // %W: weeks starting on Monday; days before the year's first Monday are week 0.
  const weeknumber = Math.floor((yday + 7 - ((wday + 6) % 7)) / 7);
  const utcStamp = `${utc.getUTCFullYear()}-${pad(utc.getUTCMonth() + 1)}-${pad(utc.getUTCDate())}T${pad(utc.getUTCHours())}:${pad(utc.getUTCMinutes())}:${pad(utc.getUTCSeconds())}`;
  const tz = m[6] || 'UTC';
  return {
    year: String(Y),
    month: mo,
    weekday: WEEKDAYS[wday]!,
    weekday_number: String(wday),
    weeknumber: pad(weeknumber),
    day: d,
    hour: H,
    minute: M,
    second: S,
    epoch: String(epoch),
    epoch_int: String(epoch),
    date: `${Y}-${mo}-${d}`,
    time: `${H}:${M}:${S}`,
    iso8601_micro: `${utcStamp}.${micro}Z`,
    iso8601: `${utcStamp}Z`,
    iso8601_basic: `${Y}${mo}${d}T${H}${M}${S}${micro}`,
    iso8601_basic_short: `${Y}${mo}${d}T${H}${M}${S}`,
    tz,
    tz_dst: tz,
    tz_offset: `${m[3]}${m[4]}${m[5]}`,
  };
}

// --- hardware ---------------------------------------------------------------------------------------------------------

function memory(raw: RawFacts): AnsibleFacts {
  const kb = new Map<string, number>();
  for (const line of raw.multi.get('meminfo') ?? []) {
    const [k, v] = line.split(' ');
    if (k && v) kb.set(k.replace(/:$/, '').toLowerCase(), Math.floor(Number(v) / 1024));
  }
  const totalKb = raw.single.get('memtotal_kb');
  if (totalKb) kb.set('memtotal', Math.floor(Number(totalKb) / 1024));
  const g = (k: string) => kb.get(k) ?? null;
  const sub = (a: number | null, b: number | null) => (a === null || b === null ? null : a - b);
  const total = g('memtotal');
  const free = g('memfree');
  const nocacheFree = g('cached') === null || free === null || g('buffers') === null ? null : g('cached')! + free + g('buffers')!;
  const out: AnsibleFacts = {};
  if (total !== null) out.memtotal_mb = total;
  if (free !== null) out.memfree_mb = free;
  if (g('swaptotal') !== null) out.swaptotal_mb = g('swaptotal');
  if (g('swapfree') !== null) out.swapfree_mb = g('swapfree');
  if (total !== null) {
    out.memory_mb = {
      real: { total, used: sub(total, free), free },
      nocache: { free: nocacheFree, used: sub(total, nocacheFree) },
      swap: { total: g('swaptotal'), free: g('swapfree'), used: sub(g('swaptotal'), g('swapfree')), cached: g('swapcached') },
    };
  }
  return out;
}

/**
 * Ansible counts sockets (physical ids), the first socket's cores and its threads per core in /proc/cpuinfo; the same
 * numbers come from each online CPU's package and core id in sysfs (`cpu=N PACKAGE CORE` lines).
 */
function cpu(raw: RawFacts, facts: Omit<Facts, 'ansible'>, machine: string): AnsibleFacts {
  const cpus = (raw.multi.get('cpu') ?? []).map((l) => l.split(' ')).filter((f) => f.length === 3) as [string, string, string][];
  const online = cpus.length || facts.processor_count;
  if (!online || machine === 's390x') return {};
  const out: AnsibleFacts = { processor_nproc: facts.processor_count || online };
  // ARM and Power list no physical ids: Ansible counts each processor as a socket of one core.
  if (/^(armv|aarch|ppc)/.test(machine) || cpus.length === 0) {
    return { ...out, processor_count: online, processor_cores: 1, processor_threads_per_core: 1, processor_vcpus: online };
  }
  const sockets = new Set(cpus.map(([, pk]) => pk)).size;
  const first = cpus.filter(([, pk]) => pk === cpus[0]![1]);
  const cores = new Set(first.map(([, , core]) => core)).size;
  const threads = Math.floor(first.length / cores);
  return { ...out, processor_count: sockets, processor_cores: cores, processor_threads_per_core: threads, processor_vcpus: threads * sockets * cores };
}

// --- network ---------------------------------------------------------------------------------------------------------

const INTERFACE_TYPE: Record<number, string> = { 1: 'ether', 32: 'infiniband', 512: 'ppp', 772: 'loopback', 65534: 'tunnel' };

function netmaskOf(prefix: number): string {
  const bits = prefix <= 0 ? 0 : prefix >= 32 ? 0xffffffff : (0xffffffff << (32 - prefix)) >>> 0;
  return [bits >>> 24, (bits >>> 16) & 255, (bits >>> 8) & 255, bits & 255].join('.');
}

function networkOf(address: string, prefix: number): string {
  const mask = netmaskOf(prefix).split('.').map(Number);
  return address.split('.').map((o, i) => Number(o) & mask[i]!).join('.');
}

/** A fact name: Ansible turns `:` (in interface labels) and `-` into `_`. */
function factName(name: string): string {
  return name.replace(/[:-]/g, '_');
}

/** ansible-core's LinuxNetwork: per-link dicts, the addresses in two passes (primary, then secondary), defaults. */
function network(links: LinkDetail[], routes: { v4: RouteDetail | null; v6: RouteDetail | null }): AnsibleFacts {
  const interfaces = new Map<string, Record<string, unknown>>();
  const all4: string[] = [];
  const all6: string[] = [];
  const default4: Record<string, unknown> = routes.v4 ? { ...routes.v4 } : {};
  const default6: Record<string, unknown> = routes.v6 ? { ...routes.v6 } : {};
  for (const link of links) {
    const dev: Record<string, unknown> = { device: link.name };
    if (link.hwaddr && link.hwaddr !== '00:00:00:00:00:00') dev.macaddress = link.hwaddr;
    if (link.mtu !== null) dev.mtu = link.mtu;
    dev.active = link.active;
    const type = link.type === null ? undefined : (INTERFACE_TYPE[link.type] ?? 'unknown');
    if (type) dev.type = type;
    dev.promisc = link.promisc;
    interfaces.set(link.name, dev);
    const primary = link.addresses.filter((a) => !a.secondary);
    const secondary = link.addresses.filter((a) => a.secondary);
    for (const [pass, isSecondary] of [[primary, false], [secondary, true]] as const) {
      for (const a of pass) {
        if (a.family === 4) {
          const entry = { address: a.address, broadcast: a.broadcast, netmask: netmaskOf(a.prefix), network: networkOf(a.address, a.prefix), prefix: String(a.prefix) };
          const label = a.label || link.name;
          // An address labelled otherwise (eth0:1) makes an interface of its own, anew for each address.
          if (label !== link.name) interfaces.set(label, {});
          const target = interfaces.get(label)!;
          if (!isSecondary && !('ipv4' in target)) target.ipv4 = entry;
          else ((target.ipv4_secondaries ??= []) as unknown[]).push(entry);
          if (isSecondary) {
            dev.ipv4_secondaries ??= [];
            if (label !== link.name) (dev.ipv4_secondaries as unknown[]).push(entry);
          }
          if (default4.address === a.address) {
            Object.assign(default4, { broadcast: entry.broadcast, netmask: entry.netmask, network: entry.network, prefix: entry.prefix, macaddress: link.hwaddr, mtu: link.mtu, type: type ?? 'unknown', alias: label });
          }
          if (!a.address.startsWith('127.')) all4.push(a.address);
        } else {
          ((dev.ipv6 ??= []) as unknown[]).push({ address: a.address, prefix: String(a.prefix), scope: a.scope });
          if (default6.address === a.address) {
            Object.assign(default6, { prefix: String(a.prefix), scope: a.scope, macaddress: link.hwaddr, mtu: link.mtu, type: type ?? 'unknown' });
          }
          if (a.address !== '::1') all6.push(a.address);
        }
      }
    }
  }
  const out: AnsibleFacts = {};
  for (const [name, dict] of interfaces) out[factName(name)] = dict;
  out.interfaces = [...interfaces.keys()].map((n) => n.replace(/:/g, '_'));
  out.default_ipv4 = default4;
  out.default_ipv6 = default6;
  out.all_ipv4_addresses = all4;
  out.all_ipv6_addresses = all6;
  return out;
}

// --- virtualization ------------------------------------------------------------------------------------------------

/** ansible-core's LinuxVirtual, the container and DMI checks (see the file header for those left out). */
function virtualization(raw: RawFacts): AnsibleFacts {
  const exists = new Set(raw.multi.get('exists') ?? []);
  const guest = new Set<string>();
  const host = new Set<string>();
  let type: string | undefined;
  let role: string | undefined;
  const found = (t: string, r: string | undefined = 'guest') => {
    if (type === undefined) {
      type = t;
      role = r;
    }
  };
  for (const line of raw.multi.get('pid1_cgroup') ?? []) {
    if (/\/docker(\/|-[0-9a-f]+\.scope)/.test(line)) (guest.add('docker'), found('docker'));
    if (/\/lxc\//.test(line) || /\/machine\.slice\/machine-lxc/.test(line)) (guest.add('lxc'), found('lxc'));
    if (/\/system\.slice\/containerd\.service/.test(line)) (guest.add('containerd'), found('containerd'));
  }
  const environ = (raw.multi.get('pid1_environ') ?? []).join('\n');
  if (environ.includes('container=lxc')) (guest.add('lxc'), found('lxc'));
  if (environ.includes('container=podman')) (guest.add('podman'), found('podman'));
  if (/container=./.test(environ)) (guest.add('container'), found('container'));
  if (exists.has('/proc/vz') && !exists.has('/proc/lve')) {
    const isHost = exists.has('/proc/bc');
    (isHost ? host : guest).add('openvz');
    found('openvz', isHost ? 'host' : 'guest');
  }
  const systemdContainer = raw.single.get('systemd_container')?.trim();
  if (systemdContainer) (guest.add(systemdContainer), found(systemdContainer));
  if (exists.has('/.dockerenv') || exists.has('/.dockerinit')) (guest.add('docker'), found('docker'));
  if (['docker', 'lxc', 'podman', 'openvz', 'containerd'].some((t) => guest.has(t)) || systemdContainer) guest.add('container');
  if (exists.has('/proc/xen')) {
    const isHost = (raw.multi.get('xen_caps') ?? []).some((l) => l.includes('control_d'));
    (isHost ? host : guest).add('xen');
    found('xen', isHost ? 'host' : 'guest');
  }
  const dmi = new Map<string, string>();
  for (const line of raw.multi.get('dmi') ?? []) {
    const sp = line.indexOf(' ');
    if (sp > 0) dmi.set(line.slice(0, sp), line.slice(sp + 1).trim());
  }
  const product = dmi.get('product_name');
  const vendor = dmi.get('sys_vendor');
  const bios = dmi.get('bios_vendor');
  const dmiGuest = (tech: string, t = tech) => (guest.add(tech), found(t));
  if (product && ['KVM', 'KVM Server', 'Bochs', 'AHV'].includes(product)) dmiGuest('kvm');
  if (vendor === 'oVirt') dmiGuest('oVirt');
  if (vendor === 'Red Hat') {
    if (dmi.get('product_family') === 'RHV') dmiGuest('RHV');
    else if (product === 'RHEV Hypervisor') dmiGuest('RHEV');
  }
  if (product === 'VMware Virtual Platform' || product === 'VMware7,1') dmiGuest('VMware');
  if (product === 'OpenStack Compute' || product === 'OpenStack Nova') dmiGuest('openstack');
  if (bios === 'Xen') dmiGuest('xen');
  if (bios === 'innotek GmbH') dmiGuest('virtualbox');
  if (bios && ['Amazon EC2', 'DigitalOcean', 'Hetzner'].includes(bios)) dmiGuest('kvm');
  if (vendor && ['QEMU', 'Amazon EC2', 'DigitalOcean', 'Google', 'Scaleway', 'Nutanix'].includes(vendor)) dmiGuest('kvm');
  if (vendor === 'KubeVirt') dmiGuest('KubeVirt');
  if (vendor === 'Microsoft Corporation') dmiGuest('VirtualPC');
  if (vendor === 'Parallels Software International Inc.') dmiGuest('parallels');
  if (vendor === 'OpenStack Foundation') dmiGuest('openstack');
  if (exists.has('/dev/kvm')) (host.add('kvm'), found('kvm', 'host'));
  return {
    virtualization_type: type ?? 'NA',
    virtualization_role: role ?? 'NA',
    virtualization_tech_guest: [...guest],
    virtualization_tech_host: [...host],
  };
}

// --- local facts -----------------------------------------------------------------------------------------------------

/** /etc/ansible/facts.d: `factsd=+PATH` starts a file, `factsd=|LINE` is its content; an executable's ends with its status. */
function localFacts(lines: string[]): AnsibleFacts {
  const files: { path: string; lines: string[] }[] = [];
  for (const line of lines) {
    if (line.startsWith('+')) files.push({ path: line.slice(1), lines: [] });
    else if (line.startsWith('|')) files.at(-1)?.lines.push(line.slice(1));
  }
  const out: AnsibleFacts = {};
  for (const { path, lines: content } of files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0))) {
    const base = path.slice(path.lastIndexOf('/') + 1).replaceAll('.fact', '');
    const rc = content.length > 0 ? /^tsinfra_rc=(\d+)$/.exec(content[content.length - 1]!) : null;
    if (rc) {
      content.pop();
      if (content.at(-1) === '') content.pop();
      if (rc[1] !== '0') {
        out[base] = `Failure executing fact script (${path}), rc: ${rc[1]}, err: `;
        continue;
      }
    }
    out[base] = parseLocalFact(content.join('\n'), path);
  }
  return out;
}

/** json.loads, else ConfigParser (sections of lower-cased options), else Ansible's error text. */
export function parseLocalFact(text: string, path: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    /* not JSON: INI */
  }
  const ini = parseIni(text);
  if (ini === null) return `error loading facts as JSON or ini - please check content: ${path}`;
  if (typeof ini === 'string') return `Failed to convert (${path}) to JSON: ${ini}`;
  return ini;
}

/** Python's ConfigParser defaults: `=`/`:` delimiters, `#`/`;` comments, indented continuation lines, DEFAULT, %-interpolation. */
function parseIni(text: string): Record<string, Record<string, string>> | string | null {
  const sections = new Map<string, Map<string, string>>();
  const defaults = new Map<string, string>();
  let current: Map<string, string> | null = null;
  let lastKey: string | null = null;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/\r$/, '');
    const stripped = line.trim();
    if (stripped.startsWith('#') || stripped.startsWith(';')) continue;
    if (stripped === '') {
      lastKey = null;
      continue;
    }
    if (/^\s/.test(line) && current && lastKey !== null) {
      current.set(lastKey, `${current.get(lastKey)}\n${stripped}`);
      continue;
    }
    const header = /^\[([^\]]+)\]/.exec(stripped);
    if (header) {
      const name = header[1]!;
      if (name === 'DEFAULT') current = defaults;
      else {
        if (sections.has(name)) return null;
        current = new Map();
        sections.set(name, current);
      }
      lastKey = null;
      continue;
    }
    if (!current) return null;
    const d = stripped.search(/[=:]/);
    if (d <= 0) return null;
    const key = stripped.slice(0, d).trim().toLowerCase();
    if (current.has(key)) return null;
    current.set(key, stripped.slice(d + 1).trim());
    lastKey = key;
  }
  const out: Record<string, Record<string, string>> = {};
  for (const [name, options] of sections) {
    const merged = new Map([...defaults, ...options]);
    const section: Record<string, string> = {};
    for (const [k, v] of merged) {
      const value = interpolate(v, merged, 0);
      if (value === null) return `bad interpolation in [${name}] ${k}`;
      section[k] = value;
    }
    out[name] = section;
  }
  return out;
}

function interpolate(value: string, options: Map<string, string>, depth: number): string | null {
  if (depth > 10) return null;
  let out = '';
  for (let i = 0; i < value.length; i++) {
    if (value[i] !== '%') {
      out += value[i];
      continue;
    }
    if (value[i + 1] === '%') {
      out += '%';
      i++;
      continue;
    }
    const m = /^%\(([^)]+)\)s/.exec(value.slice(i));
    if (!m) return null;
    const ref = options.get(m[1]!.toLowerCase());
    if (ref === undefined) return null;
    const inner = interpolate(ref, options, depth + 1);
    if (inner === null) return null;
    out += inner;
    i += m[0].length - 1;
  }
  return out;
}
