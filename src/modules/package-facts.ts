// package_facts: the installed packages as the fact `packages` (name → list of {name, version, arch, category,
// origin, source}), as Ansible's ansible.builtin.package_facts reads them with python-apt: every package dpkg has
// installed (any state but not-installed and config-files), its section, and the Origin of the first package file
// apt lists the installed version in (`apt-cache policy`; '' for /var/lib/dpkg/status alone). Read-only: one probe.
// Managers: auto and apt (Debian hosts).
import { Type, type Static } from '@sinclair/typebox';
import { raw, type Script } from '../shell/script.js';
import { defineModule, PlanError, StringEnum, type Change } from './define.js';
import { fromBase64, parseKeyValues } from './lib/probe-output.js';
import { stateScript } from './lib/remote-file.js';

const PackageFactsArgs = Type.Object(
  {
    manager: Type.Array(StringEnum(['auto', 'apt']), { default: ['auto'], description: 'Package managers to ask (auto: the ones the host has)' }),
    strategy: StringEnum(['first', 'all'], { default: 'first', description: 'first: the first manager found; all: every one' }),
  },
  { additionalProperties: false },
);
export type PackageFactsArgs = Static<typeof PackageFactsArgs>;

export interface PackageFact {
  name: string;
  version: string;
  arch: string;
  category: string;
  origin: string;
  source: 'apt';
}

export interface PackageFactsState {
  found: boolean;
  /** dpkg-query lines: status, package, version, architecture, section (tab-separated); then the native arch. */
  list: string;
  native: string;
  /** `apt-cache policy <installed…>` and `apt-cache policy` (the package files and their release lines). */
  policy: string;
  files: string;
}

const b64 = (key: string, command: string) => `printf '${key}='; { ${command}; } 2>/dev/null | base64 -w0; echo`;

function probe(): Script {
  return stateScript([
    raw('export LC_ALL=C LANG=C'),
    raw("if ! command -v dpkg-query >/dev/null 2>&1 || ! command -v apt-cache >/dev/null 2>&1; then echo found=0; exit 0; fi"),
    raw('echo found=1; echo "native=$(dpkg --print-architecture)"'),
    raw("tsi_list=$(dpkg-query -W -f='${db:Status-Status}\\t${Package}\\t${Version}\\t${Architecture}\\t${Section}\\n' </dev/null | awk -F '\\t' '$1 != \"not-installed\" && $1 != \"config-files\"')"),
    raw(`${b64('list_b64', 'printf \'%s\\n\' "$tsi_list"')}`),
    raw(`${b64('policy_b64', `printf '%s\\n' "$tsi_list" | awk -F '\\t' 'NF > 1 { print $2 ":" $4 }' | xargs -r apt-cache policy`)}`),
    raw(`${b64('files_b64', 'apt-cache policy </dev/null')}`),
  ]);
}

/** `apt-cache policy` with no names: package file line → its release's Origin (o=). */
function originsOfFiles(files: string): Map<string, string> {
  const out = new Map<string, string>();
  let current: string | undefined;
  for (const line of files.split('\n')) {
    const file = /^ *-?\d+ (\S.*)$/.exec(line);
    if (file) {
      current = file[1]!;
      out.set(current, '');
      continue;
    }
    const release = /^ +release (.*)$/.exec(line);
    if (release && current !== undefined) out.set(current, /(?:^|,)o=([^,]*)/.exec(release[1]!)?.[1] ?? '');
  }
  return out;
}

/** `apt-cache policy name:arch…` → name:arch → the package file first listed under the installed (***) version. */
function firstFileOfInstalled(policy: string): Map<string, string> {
  const out = new Map<string, string>();
  let pkg: string | undefined;
  let inInstalled = false;
  for (const line of policy.split('\n')) {
    const head = /^(\S+):$/.exec(line);
    if (head) {
      pkg = head[1]!;
      inInstalled = false;
    } else if (/^ \*\*\* /.test(line)) inInstalled = true;
    else if (/^ {5}\S/.test(line)) inInstalled = false; // another version
    else if (inInstalled && pkg !== undefined && !out.has(pkg)) {
      const file = /^ {8}-?\d+ (\S.*)$/.exec(line);
      if (file) out.set(pkg, file[1]!);
    }
  }
  return out;
}

/** The probe's texts → Ansible's `packages` fact (pure). */
export function parsePackages(s: Pick<PackageFactsState, 'list' | 'native' | 'policy' | 'files'>): Record<string, PackageFact[]> {
  const origins = originsOfFiles(s.files);
  const firstFile = firstFileOfInstalled(s.policy);
  const packages: Record<string, PackageFact[]> = {};
  for (const line of s.list.split('\n')) {
    const [, pkg, version, arch, section] = line.split('\t');
    if (pkg === undefined || version === undefined || arch === undefined) continue;
    // python-apt names a foreign-architecture package name:arch.
    const name = arch === s.native || arch === 'all' ? pkg : `${pkg}:${arch}`;
    const file = firstFile.get(`${pkg}:${arch}`) ?? firstFile.get(pkg);
    const fact: PackageFact = { name, version, arch, category: section ?? '', origin: file !== undefined ? origins.get(file) ?? '' : '', source: 'apt' };
    (packages[name] ??= []).push(fact);
  }
  return packages;
}

export const packageFacts = defineModule({
  name: 'package_facts',
  summary: 'The installed packages (dpkg, apt) as the fact `packages`; never changes anything',
  args: PackageFactsArgs,
  probe,
  parse(r, a): PackageFactsState {
    const kv = parseKeyValues(r.stdout);
    const text = (k: string) => fromBase64(kv.get(k)).toString('utf8');
    const s = { found: kv.get('found') === '1', native: kv.get('native') ?? '', list: text('list_b64'), policy: text('policy_b64'), files: text('files_b64') };
    if (!s.found) {
      const managers = a.manager.includes('auto') ? ['apt'] : a.manager;
      throw new PlanError(
        'package_facts',
        `Could not detect a supported package manager from the following list: ${JSON.stringify(managers)}, or the required Python library is not installed. Check warnings for details.`,
      );
    }
    return s;
  },
  plan: (): Change[] => [],
  apply: () => stateScript([]),
  describe: (c) => c.op,
  result: (_a, s) => ({ ansible_facts: { packages: parsePackages(s) } }),
});
