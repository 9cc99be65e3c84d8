// Compares our Ansible facts (as the variables a task sees: `ansible_*`) with what `ansible -m setup` returned for the
// same host, key by key, for the facts real roles read. Shared by the lab oracle (test/integration/engine/
// ansible-facts.test.ts) and the unit test over captured output (test/unit/engine/facts.test.ts).
//
// Values that legitimately differ between two moments or two sessions are compared loosely: date_time (same zone
// and offset, epochs within 10 minutes), memory_mb (the totals only: free and used move), env (the login's variables,
// not SSH_CLIENT/SSH_CONNECTION/SSH_TTY/TERM/_/SHLVL of the session, nor LANG, which OpenSSH forwards from the
// controller through SendEnv), and the lists Ansible orders by the directory order of /sys/class/net (interfaces,
// all_ipv4_addresses, all_ipv6_addresses) or builds from a set (virtualization_tech_*): as sets.

export type Compare = (ours: unknown, theirs: unknown) => boolean;

const canonical = (v: unknown): unknown =>
  Array.isArray(v)
    ? v.map(canonical)
    : v && typeof v === 'object'
      ? Object.fromEntries(Object.entries(v).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, x]) => [k, canonical(x)]))
      : v;
export const equal: Compare = (a, b) => JSON.stringify(canonical(a)) === JSON.stringify(canonical(b));
const asSet: Compare = (a, b) => Array.isArray(a) && Array.isArray(b) && equal([...a].map(String).sort(), [...b].map(String).sort());
const picked = (keys: string[]): Compare => (a, b) => {
  const pick = (v: unknown) => Object.fromEntries(keys.filter((k) => v && typeof v === 'object' && k in v).map((k) => [k, (v as Record<string, unknown>)[k]]));
  return equal(pick(a), pick(b));
};
/** The per-interface keys we give (not speed, module, pciid, features: see src/engine/ansible-facts.ts). */
const IFACE_KEYS = ['device', 'macaddress', 'mtu', 'active', 'type', 'promisc', 'ipv4', 'ipv4_secondaries', 'ipv6', 'interfaces', 'id', 'stp'];
const ENV_KEYS = ['HOME', 'PATH', 'USER', 'LOGNAME', 'SHELL', 'PWD', 'MOTD_SHOWN', 'MAIL'];
const dateTime: Compare = (a, b) => {
  const x = a as Record<string, string> | undefined;
  const y = b as Record<string, string> | undefined;
  if (!x || !y) return false;
  return equal(Object.keys(x).sort(), Object.keys(y).sort()) && x.tz === y.tz && x.tz_offset === y.tz_offset && Math.abs(Number(x.epoch) - Number(y.epoch)) < 600;
};
const total = (v: unknown, part: string) => (v as Record<string, { total?: number }> | undefined)?.[part]?.total;

/** The facts compared exactly, named without the prefix. */
export const EXACT = [
  'os_family', 'distribution', 'distribution_major_version', 'distribution_minor_version', 'distribution_version',
  'distribution_release', 'pkg_mgr', 'service_mgr', 'hostname', 'fqdn', 'nodename', 'domain', 'kernel',
  'kernel_version', 'architecture', 'machine', 'system', 'default_ipv4', 'default_ipv6', 'memtotal_mb',
  'swaptotal_mb', 'processor_vcpus', 'processor_count', 'processor_cores', 'processor_threads_per_core',
  'processor_nproc', 'user_id', 'user_uid', 'user_gid', 'user_dir', 'user_shell', 'user_gecos', 'real_user_id',
  'effective_user_id', 'real_group_id', 'effective_group_id', 'local', 'lsb', 'machine_id', 'fips',
  'virtualization_type', 'virtualization_role', 'python', 'python_version', 'distribution_file_parsed',
  'distribution_file_path', 'distribution_file_variety',
];

/** `ours`: the variables our facts give (factVars); `theirs`: setup's ansible_facts. */
export function compareWithSetup(ours: Record<string, unknown>, theirs: Record<string, unknown>): { checks: number; disagree: string[] } {
  const checks: [name: string, compare: Compare][] = [
    ...EXACT.map((k): [string, Compare] => [`ansible_${k}`, equal]),
    ['ansible_all_ipv4_addresses', asSet],
    ['ansible_all_ipv6_addresses', asSet],
    ['ansible_interfaces', asSet],
    ['ansible_virtualization_tech_guest', asSet],
    ['ansible_virtualization_tech_host', asSet],
    ['ansible_memory_mb', (a, b) => total(a, 'real') === total(b, 'real') && total(a, 'swap') === total(b, 'swap')],
    ['ansible_env', picked(ENV_KEYS)],
    ['ansible_date_time', dateTime],
  ];
  // Every interface Ansible reports, as ansible_<name> (`-` and `:` made `_`).
  for (const name of (theirs.ansible_interfaces as string[] | undefined) ?? []) checks.push([`ansible_${name.replace(/[-:]/g, '_')}`, picked(IFACE_KEYS)]);
  if ('discovered_interpreter_python' in theirs) checks.push(['discovered_interpreter_python', equal]);
  const disagree: string[] = [];
  for (const [key, compare] of checks) {
    if (!(key in theirs)) disagree.push(`${key}: ansible has no such fact`);
    else if (!compare(ours[key], theirs[key])) disagree.push(`${key}: ours ${JSON.stringify(ours[key])} ansible ${JSON.stringify(theirs[key])}`);
  }
  return { checks: checks.length, disagree };
}
