// apt: Debian packages present, absent or at the latest version, and the package lists fresh enough.
// One probe for all names: the installed state (from dpkg's status file with one sed, or dpkg-query when that file
// alone is not the whole truth), apt-cache policy (candidates, for latest) and the cache's age (read against the
// host's clock, so plan stays pure).
import { Type, type Static } from '@sinclair/typebox';
import { joinScripts, raw, sh, type Script } from '../shell/script.js';
import { defineModule, StringEnum, expecting, type ArgProblem } from './define.js';
import { stateScript } from './lib/remote-file.js';

const PackageName = expecting(
  Type.String({ pattern: '^[a-z0-9][a-z0-9+.-]*(:[a-z0-9-]+)?(=[A-Za-z0-9.+:~_-]+)?$' }),
  'a package name, optionally with :arch and =version (nginx, libc6:i386, curl=7.88.1-10)',
);

const AptArgs = Type.Object(
  {
    name: Type.Array(PackageName, { default: [], description: 'Package names (a list, or one string with commas)' }),
    state: StringEnum(['present', 'absent', 'latest'], { default: 'present' }),
    update_cache: Type.Boolean({ default: false, description: 'Run apt-get update first (when older than cache_valid_time)' }),
    cache_valid_time: Type.Integer({ minimum: 0, default: 0, description: 'Seconds the lists stay fresh; 0: always update when update_cache' }),
    purge: Type.Boolean({ default: false, description: 'state=absent: also remove configuration files' }),
    install_recommends: Type.Optional(Type.Boolean({ description: 'false: --no-install-recommends; unset: apt\'s own setting' })),
    lock_timeout: Type.Integer({ minimum: 0, default: 60, description: 'Seconds to wait for the dpkg lock' }),
  },
  { additionalProperties: false },
);
export type AptArgs = Static<typeof AptArgs>;

export interface InstalledPackage {
  arch: string;
  /** dpkg's status: installed, config-files, half-installed, unpacked, … */
  status: string;
  version: string;
}

export interface AptState {
  /** By package name (without arch). A name may be there for several architectures. */
  packages: Map<string, InstalledPackage[]>;
  /** apt-cache policy, by the name as asked: installed and candidate versions (undefined for "(none)"). */
  policy: Map<string, { installed?: string; candidate?: string }>;
  /** Seconds since the lists were last updated, when update_cache asked for it. */
  cacheAge?: number;
}

export type AptChange =
  | { op: 'update_cache'; age?: number }
  | { op: 'install'; packages: string[]; latest?: boolean }
  | { op: 'upgrade'; packages: { name: string; from: string; to: string }[] }
  | { op: 'remove'; packages: string[]; purge: boolean };

interface Spec {
  name: string;
  arch?: string;
  version?: string;
  /** As written, for apt-get. */
  text: string;
}

function parseSpec(text: string): Spec {
  const m = /^([^:=]+)(?::([^=]+))?(?:=(.+))?$/.exec(text)!;
  const s: Spec = { name: m[1]!, text };
  if (m[2] !== undefined) s.arch = m[2];
  if (m[3] !== undefined) s.version = m[3];
  return s;
}

/** The name apt-cache and dpkg-query are asked about: name or name:arch, no version. */
function queryName(s: Spec): string {
  return s.arch === undefined ? s.name : `${s.name}:${s.arch}`;
}

const DPKG_FORMAT = 'pkg=${Package}\\t${Architecture}\\t${db:Status-Status}\\t${Version}\\n';
const ADMINDIR = '/var/lib/dpkg';
const STAMP = '/var/lib/apt/periodic/update-success-stamp';
const LISTS = '/var/lib/apt/lists';

/** Every name to ask dpkg and apt-cache about, once. */
function queryNames(a: AptArgs): string[] {
  return [...new Set(a.name.map(parseSpec).map(queryName))];
}

/**
 * The installed state of `names` (name or name:arch), as dpkg-query -W prints it or as the status file's stanzas;
 * parseApt makes the same state of either. dpkg-query loads dpkg's whole database (~6.5 ms of CPU on a Debian 12
 * host); one sed over the status file costs a third of that. It is the same answer because dpkg writes that file
 * itself: `Package:` first in each stanza, sorted as dpkg-query sorts, and the parser keeps the arches asked for as
 * dpkg-query does. dpkg-query stays for when the file is not the whole truth: an interrupted dpkg's journal
 * (updates/0000…), triggers not yet incorporated (triggers/Unincorp, which dpkg-query shows as triggers-pending),
 * another database (DPKG_ADMINDIR, DPKG_ROOT), and when sed fails (no status file, no sed).
 * `admindir` is for tests (dpkg-query then gets --admindir).
 */
export function dpkgProbe(names: readonly string[], admindir = ADMINDIR): Script {
  const bare = [...new Set(names.map((n) => n.split(':')[0]!))];
  // Names are [a-z0-9+.-]: only . and + mean something in an ERE. Blanks around the value as dpkg's parser allows.
  // Every arch of a name: parseApt keeps the ones asked for.
  const pkg = `^Package:[[:blank:]]*(${bare.map((n) => n.replace(/[.+]/g, '\\$&')).join('|')})[[:blank:]]*$`;
  const program = `/${pkg}/,/^$/{/^(Package|Status|Architecture|Version):/p;}`;
  const query =
    admindir === ADMINDIR
      ? sh`dpkg-query -W -f ${DPKG_FORMAT} -- ${names} 2>/dev/null || true`
      : sh`dpkg-query --admindir=${admindir} -W -f ${DPKG_FORMAT} -- ${names} 2>/dev/null || true`;
  return joinScripts([
    raw('tsi_dpkg=status'),
    sh`if [ -n "\${DPKG_ADMINDIR+x}\${DPKG_ROOT+x}" ] || [ -s ${`${admindir}/triggers/Unincorp`} ]; then tsi_dpkg=; fi`,
    // The first name of the glob, if it is one that exists: dpkg's journal files are named with digits.
    sh`for tsi_f in ${`${admindir}/updates`}/[0-9]*; do if [ -e "$tsi_f" ]; then tsi_dpkg=; fi; break; done`,
    sh`if [ -z "$tsi_dpkg" ] || ! sed -En ${program} ${`${admindir}/status`} 2>/dev/null; then`,
    query,
    raw('fi'),
  ]);
}

function probe(a: AptArgs): Script {
  const specs = a.name.map(parseSpec);
  const names = queryNames(a);
  const parts: Script[] = [raw('export LC_ALL=C')];
  if (names.length > 0) parts.push(dpkgProbe(names));
  const latest = a.state === 'latest' ? [...new Set(specs.filter((s) => s.version === undefined).map(queryName))] : [];
  if (latest.length > 0) parts.push(raw('echo policy_begin'), sh`apt-cache policy -- ${latest} 2>/dev/null || true`, raw('echo policy_end'));
  if (a.update_cache) {
    // One stat for both paths (a line for each that exists) and no `$(…)`: the parser takes the newest.
    parts.push(sh`stat -c 'cache_stamp=%Y' -- ${STAMP} ${LISTS} 2>/dev/null || true`, raw("date '+now=%s'"));
  }
  return stateScript(parts);
}

/**
 * `names`: what the probe asked about (queryNames). Given, an entry is kept only when one of them matches it as
 * dpkg-query matches: a plain name any arch, name:arch that arch (so libc6:amd64 is not an arch-all package).
 */
export function parseApt(stdout: string, names?: readonly string[]): AptState {
  const packages = new Map<string, InstalledPackage[]>();
  const policy = new Map<string, { installed?: string; candidate?: string }>();
  let inPolicy = false;
  let current: { installed?: string; candidate?: string } | undefined;
  let stanza: ({ name: string } & InstalledPackage) | undefined;
  const stamps: number[] = [];
  let now: number | undefined;
  const add = (p: { name: string } & InstalledPackage) => {
    // not-installed: dpkg knows only the name (a selection, or another package's Depends, which dpkg-query lists
    // and the status file does not); to plan it is the same as absent.
    if (p.status === 'not-installed' || (names && !names.includes(p.name) && !names.includes(`${p.name}:${p.arch}`))) return;
    const list = packages.get(p.name) ?? [];
    list.push({ arch: p.arch, status: p.status, version: p.version });
    packages.set(p.name, list);
  };
  for (const line of stdout.split('\n')) {
    if (line === 'policy_begin') inPolicy = true;
    else if (line === 'policy_end') inPolicy = false;
    else if (inPolicy) {
      const head = /^(\S+):$/.exec(line);
      const field = /^\s+(Installed|Candidate): (.*)$/.exec(line);
      if (head) policy.set(head[1]!, (current = {}));
      else if (field && current) {
        const v = field[2]!.trim();
        if (v !== '(none)') current[field[1] === 'Installed' ? 'installed' : 'candidate'] = v;
      }
    } else if (line.startsWith('pkg=')) {
      const [name, arch, status, version] = line.slice(4).split('\t');
      if (name === undefined || arch === undefined || status === undefined) continue;
      add({ name, arch, status, version: version ?? '' });
    } else if (/^(Package|Status|Architecture|Version):/.test(line)) {
      // A status file stanza (dpkgProbe): Package first; a field it lacks prints as dpkg-query prints it, empty.
      const colon = line.indexOf(':');
      const value = line.slice(colon + 1).trim();
      const field = line.slice(0, colon);
      if (field === 'Package') {
        if (stanza) add(stanza);
        stanza = { name: value, arch: '', status: 'not-installed', version: '' };
      } else if (stanza && field === 'Status') stanza.status = value.split(/\s+/)[2] ?? 'not-installed';
      else if (stanza && field === 'Architecture') stanza.arch = value;
      else if (stanza) stanza.version = value;
    } else if (line.startsWith('cache_stamp=')) stamps.push(Number(line.slice(12)));
    else if (line.startsWith('now=')) now = Number(line.slice(4));
  }
  if (stanza) add(stanza);
  const state: AptState = { packages, policy };
  if (now !== undefined) {
    // Of the stamp file and the lists directory, the newer; one that is missing counts as 0 (never updated).
    while (stamps.length < 2) stamps.push(0);
    const stamp = Math.max(...stamps);
    if (Number.isFinite(stamp) && Number.isFinite(now)) state.cacheAge = Math.max(0, now - stamp);
  }
  return state;
}

function installedOf(s: AptState, spec: Spec): InstalledPackage | undefined {
  return (s.packages.get(spec.name) ?? []).find((p) => p.status === 'installed' && (spec.arch === undefined || p.arch === spec.arch || p.arch === 'all'));
}

/** dpkg statuses that `apt-get remove` acts on (everything but not-installed and config-files). */
const REMOVABLE = new Set(['installed', 'half-installed', 'unpacked', 'half-configured', 'triggers-awaited', 'triggers-pending']);

function plan(a: AptArgs, s: AptState): AptChange[] {
  const out: AptChange[] = [];
  let updating = false;
  if (a.update_cache && (a.cache_valid_time === 0 || s.cacheAge === undefined || s.cacheAge > a.cache_valid_time)) {
    out.push(s.cacheAge === undefined ? { op: 'update_cache' } : { op: 'update_cache', age: s.cacheAge });
    updating = true;
  }
  const specs = a.name.map(parseSpec);
  if (a.state === 'absent') {
    const remove = specs.filter((spec) =>
      (s.packages.get(spec.name) ?? []).some(
        (p) => (spec.arch === undefined || p.arch === spec.arch) && (REMOVABLE.has(p.status) || (a.purge && p.status === 'config-files')),
      ),
    );
    if (remove.length > 0) out.push({ op: 'remove', packages: remove.map(queryName), purge: a.purge });
    return out;
  }
  const install: string[] = [];
  const upgrade: { name: string; from: string; to: string }[] = [];
  let latestAfterUpdate = false;
  for (const spec of specs) {
    const inst = installedOf(s, spec);
    if (!inst || (spec.version !== undefined && inst.version !== spec.version)) {
      install.push(spec.text);
    } else if (a.state === 'latest' && spec.version === undefined) {
      if (updating) {
        // The candidate is only known after the update: let apt-get install decide (a no-op when up to date).
        install.push(spec.text);
        latestAfterUpdate = true;
        continue;
      }
      // apt-cache policy names a block `libc6:` even when asked about libc6:amd64.
      const pol = s.policy.get(queryName(spec)) ?? s.policy.get(spec.name);
      if (pol?.candidate !== undefined && compareDebianVersions(pol.candidate, inst.version) > 0) {
        upgrade.push({ name: queryName(spec), from: inst.version, to: pol.candidate });
      }
    }
  }
  if (install.length > 0) out.push(latestAfterUpdate ? { op: 'install', packages: install, latest: true } : { op: 'install', packages: install });
  if (upgrade.length > 0) out.push({ op: 'upgrade', packages: upgrade });
  return out;
}

function apply(a: AptArgs, changes: readonly AptChange[]): Script {
  const lock = `DPkg::Lock::Timeout=${a.lock_timeout}`;
  const parts: Script[] = [raw('export DEBIAN_FRONTEND=noninteractive')];
  const dpkgOpts = sh`-o ${lock} -o Dpkg::Options::=--force-confdef -o Dpkg::Options::=--force-confold`;
  const recommends = a.install_recommends === false ? raw(' --no-install-recommends') : a.install_recommends === true ? raw(' --install-recommends') : raw('');
  const toInstall: string[] = [];
  for (const c of changes) {
    if (c.op === 'update_cache') {
      // apt-get update leaves the lists' mtime alone when nothing changed upstream: touch it, so
      // cache_valid_time measures from this update.
      parts.push(sh`apt-get -q -o ${lock} update </dev/null`, sh`touch -- ${LISTS}`);
    } else if (c.op === 'install') toInstall.push(...c.packages);
    else if (c.op === 'upgrade') toInstall.push(...c.packages.map((p) => p.name));
    else parts.push(sh`apt-get -q -y ${dpkgOpts} ${c.purge ? 'purge' : 'remove'} ${c.packages} </dev/null`);
  }
  if (toInstall.length > 0) parts.push(sh`apt-get -q -y ${dpkgOpts}${recommends} install ${toInstall} </dev/null`);
  return stateScript(parts);
}

function describe(c: AptChange): string {
  switch (c.op) {
    case 'update_cache':
      return c.age === undefined ? 'update the package lists' : `update the package lists (last updated ${formatAge(c.age)} ago)`;
    case 'install':
      return `${c.latest ? 'install or upgrade' : 'install'} ${c.packages.join(', ')}`;
    case 'upgrade':
      return `upgrade ${c.packages.map((p) => `${p.name} ${p.from} → ${p.to}`).join(', ')}`;
    case 'remove':
      return `${c.purge ? 'purge' : 'remove'} ${c.packages.join(', ')}`;
  }
}

function formatAge(s: number): string {
  if (s < 120) return `${s}s`;
  if (s < 7200) return `${Math.round(s / 60)}m`;
  if (s < 172800) return `${Math.round(s / 3600)}h`;
  return `${Math.round(s / 86400)}d`;
}

// ---- Debian version order (deb-version(7)) -----------------------------------------------------------------

function charOrder(c: string | undefined): number {
  if (c === undefined) return 0;
  if (c === '~') return -1;
  if (c >= '0' && c <= '9') return 0;
  if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z')) return c.charCodeAt(0);
  return c.charCodeAt(0) + 256;
}

const isDigit = (c: string | undefined) => c !== undefined && c >= '0' && c <= '9';

function comparePart(a: string, b: string): number {
  let i = 0;
  let j = 0;
  while (i < a.length || j < b.length) {
    while ((i < a.length && !isDigit(a[i])) || (j < b.length && !isDigit(b[j]))) {
      const ac = charOrder(isDigit(a[i]) ? '0' : a[i]);
      const bc = charOrder(isDigit(b[j]) ? '0' : b[j]);
      if (ac !== bc) return ac - bc;
      i++;
      j++;
    }
    while (a[i] === '0') i++;
    while (b[j] === '0') j++;
    let firstDiff = 0;
    while (isDigit(a[i]) && isDigit(b[j])) {
      if (firstDiff === 0) firstDiff = a.charCodeAt(i) - b.charCodeAt(j);
      i++;
      j++;
    }
    if (isDigit(a[i])) return 1;
    if (isDigit(b[j])) return -1;
    if (firstDiff !== 0) return firstDiff;
  }
  return 0;
}

function splitVersion(v: string): [number, string, string] {
  const colon = v.indexOf(':');
  const epoch = colon >= 0 ? Number(v.slice(0, colon)) || 0 : 0;
  const rest = colon >= 0 ? v.slice(colon + 1) : v;
  const dash = rest.lastIndexOf('-');
  return dash >= 0 ? [epoch, rest.slice(0, dash), rest.slice(dash + 1)] : [epoch, rest, ''];
}

/** Negative, zero or positive as a sorts before, with or after b in Debian's version order. */
export function compareDebianVersions(a: string, b: string): number {
  const [ea, ua, ra] = splitVersion(a);
  const [eb, ub, rb] = splitVersion(b);
  if (ea !== eb) return ea - eb;
  return Math.sign(comparePart(ua, ub)) || Math.sign(comparePart(ra, rb));
}

export const apt = defineModule({
  name: 'apt',
  summary: 'Debian packages present, absent or latest; package lists updated when older than cache_valid_time',
  args: AptArgs,
  aliases: { pkg: 'name', package: 'name' },
  normalize(input) {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) return input;
    const o = { ...(input as Record<string, unknown>) };
    for (const k of ['name', 'pkg', 'package']) {
      const v = o[k];
      if (typeof v === 'string') o[k] = v.split(',').map((s) => s.trim()).filter((s) => s !== '');
    }
    return o;
  },
  refine(a): ArgProblem[] {
    if (a.name.length === 0 && !a.update_cache) return [{ path: '/name', message: 'apt needs name (or update_cache: true)' }];
    const versioned = a.name.filter((n) => n.includes('='));
    if (a.state !== 'present' && versioned.length > 0) {
      return [{ path: '/name', message: `apt: a version (${versioned[0]}) only goes with state: present` }];
    }
    return [];
  },
  probe,
  parse: (r, a) => parseApt(r.stdout, queryNames(a)),
  plan,
  apply,
  describe,
  // As Ansible's apt registers it: whether this run updated the package lists.
  result: (_a, _s, changes, applied) => ({ cache_updated: applied !== undefined && changes.some((c) => c.op === 'update_cache') }),
});

