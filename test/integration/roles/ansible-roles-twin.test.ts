// Our corpus of Ansible-style roles (test/fixtures/ansible-roles/, one per job of issue 12) against the real thing:
// each role is applied by Debian's ansible-playbook to one lab host and by `tsinfra play` to its twin, then the two
// hosts are compared: exit status; every file the role is known to touch plus every file under the watched trees
// whose ctime moved during either run (content, type, mode, owner:group); what a role leaves outside files (iptables
// rules, dpkg and debconf state, effective sshd settings) as command output; and a second tsinfra run must report
// changed=0. Each role has its own pair of hosts in one lab, so the roles run side by side.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { hostExec, ok, startLab, type LabInfo } from '../../support/lab.js';
import { ANSIBLE_PLAYBOOK, ansiblePlay, tsinfraPlay, type PlayOutcome } from '../../support/ansible-twin.js';

const ROLES_DIR = resolve(dirname(fileURLToPath(import.meta.url)), '../../fixtures/ansible-roles');

/** Where a role may write: a file under these whose ctime moves during a run is compared even if not listed. */
const WATCHED = ['/etc', '/var/lib/zerotier-one', '/usr/local'];
/** Changed by every run whatever the role does (not the role's doing), never compared. */
const NOISE = [/^\/etc\/ld\.so\.cache$/];

interface RoleCase {
  role: string;
  /** The play's gather_facts (python_bootstrap gathers itself). */
  gatherFacts: boolean;
  /** The role's parameters (YAML flow mapping). */
  vars?: string;
  /** Shell run on both hosts before the play. */
  seed?: string;
  /** Files the role manages (compared whether or not they changed, so a file one side removed counts). */
  paths: string[];
  /** State outside files, compared as command output. */
  commands?: Record<string, string>;
  /** What tsinfra's host must show afterwards (a path or a command's name → pattern), so agreement on nothing fails. */
  expect: Record<string, RegExp>;
}

// Swap is the kernel's, shared by every lab host and the controller: never turn the controller's swap off.
const controllerHasSwap = readFileSync('/proc/swaps', 'utf8').trim().split('\n').length > 1;

const CASES: RoleCase[] = [
  {
    role: 'python_bootstrap',
    gatherFacts: false,
    paths: ['/etc/ansible/facts.d/python.fact'],
    expect: { '/etc/ansible/facts.d/python.fact': /"interpreter": "\/usr\/bin\/python3"/ },
  },
  {
    role: 'base_packages',
    gatherFacts: true,
    vars: "{ base_apt_proxy: 'http://10.99.0.1:3142', base_packages_extra: [less] }",
    paths: ['/etc/apt/apt.conf.d/90base'],
    commands: {
      dpkg: "dpkg-query -W -f '${Package} ${db:Status-Status}\\n' ca-certificates curl gnupg iptables sudo less telnet rsh-client nis 2>&1 | sort",
    },
    expect: { '/etc/apt/apt.conf.d/90base': /Acquire::http::Proxy "http:\/\/10\.99\.0\.1:3142";/, dpkg: /^curl installed$/m },
  },
  {
    role: 'sshd_hardening',
    gatherFacts: true,
    vars: "{ sshd_allow_groups: [root], sshd_listen_addresses: ['0.0.0.0'], sshd_extra_options: { LogLevel: VERBOSE, UseDNS: false, PrintLastLog: 'no' } }",
    paths: ['/etc/ssh/sshd_config', '/etc/ssh/sshd_config.d/50-hardening.conf'],
    commands: {
      'sshd -T': '/usr/sbin/sshd -T | grep -v -e ^listenaddress -e ^hostkey | sort',
      'ssh running': 'service ssh status >/dev/null 2>&1 && echo running || echo stopped',
    },
    expect: { '/etc/ssh/sshd_config.d/50-hardening.conf': /^AllowGroups root$/m, 'sshd -T': /^maxauthtries 3$/m, 'ssh running': /^running$/m },
  },
  {
    role: 'sshguard',
    gatherFacts: true,
    vars: "{ sshguard_whitelist_extra: ['10.99.0.0/16', 'bastion.example.org', '127.0.0.0/8'], sshguard_threshold: 20 }",
    seed: 'touch /var/log/auth.log',
    paths: ['/etc/sshguard/whitelist', '/etc/sshguard/sshguard.conf'],
    commands: {
      dpkg: "dpkg-query -W -f '${Package} ${db:Status-Status}\\n' sshguard",
      running: 'service sshguard status >/dev/null 2>&1 && echo running || echo stopped',
    },
    expect: { '/etc/sshguard/whitelist': /^bastion\.example\.org$/m, '/etc/sshguard/sshguard.conf': /^THRESHOLD=20$/m, running: /^running$/m },
  },
  {
    role: 'iptables_firewall',
    gatherFacts: true,
    vars:
      "{ firewall_allowed_tcp_ports: [22, 80, 443], firewall_allowed_udp_ports: [51820], firewall_blocked_sources: ['192.0.2.0/24'], " +
      "firewall_restricted_services: [{ name: postgres, port: 5432, sources: ['10.99.0.0/16', '172.16.0.0/12'] }, { name: dns, port: 53, proto: udp, sources: ['10.99.0.0/16'] }] }",
    paths: [],
    commands: { 'iptables -S': 'iptables -w -S', 'ip6tables -S': 'ip6tables -w -S' },
    expect: { 'iptables -S': /^-P INPUT DROP$(.|\n)*--dport 5432 .*-j ACCEPT$/m },
  },
  {
    role: 'iptables_persistent',
    gatherFacts: true,
    vars:
      "{ iptables_persistent_tcp_ports: [22, 443], iptables_persistent_udp_ports: [51820], iptables_persistent_nat: true, " +
      "iptables_persistent_masquerade_interface: eth0, iptables_persistent_rules: [{ rule: '-s 10.99.0.0/16 -p tcp --dport 5432 -j ACCEPT', comment: postgres }, " +
      "{ chain: OUTPUT, rule: '-d 192.0.2.1 -j DROP', state: absent }, { chain: FORWARD, rule: '-i zt+ -j ACCEPT' }] }",
    paths: ['/etc/iptables/rules.v4', '/etc/iptables/rules.v6'],
    commands: {
      dpkg: "dpkg-query -W -f '${Package} ${db:Status-Status}\\n' iptables-persistent netfilter-persistent",
      debconf: 'debconf-show iptables-persistent | sort',
      'iptables -S': 'iptables -w -S; iptables -w -t nat -S',
      'ip6tables -S': 'ip6tables -w -S',
    },
    expect: { '/etc/iptables/rules.v4': /^-A FORWARD -i zt\+ -j ACCEPT$/m, 'iptables -S': /-A POSTROUTING -o eth0 -j MASQUERADE/, debconf: /autosave_v4: false/ },
  },
  {
    role: 'zerotier_config',
    gatherFacts: true,
    vars:
      "{ zerotier_networks: [{ id: 8056c2e21c000001, name: office, allow_dns: true }, { id: a09acf0233e4b070, allow_global: true }, " +
      "{ id: 1c33c1ced0aa2b3f, name: old, enabled: false }], zerotier_local_conf: { settings: { primaryPort: 19993, softwareUpdate: disable }, " +
      "physical: { '10.0.0.0/8': { blacklist: true } } }, zerotier_environment: { ZT_LOG_LEVEL: info, ARGS: '-U' } }",
    // A network the role must leave: its files exist before the run.
    seed: 'mkdir -p /var/lib/zerotier-one/networks.d && touch /var/lib/zerotier-one/networks.d/1c33c1ced0aa2b3f.conf /var/lib/zerotier-one/networks.d/1c33c1ced0aa2b3f.local.conf',
    paths: [
      '/var/lib/zerotier-one', '/var/lib/zerotier-one/networks.d', '/var/lib/zerotier-one/local.conf',
      '/var/lib/zerotier-one/networks.d/8056c2e21c000001.local.conf', '/var/lib/zerotier-one/networks.d/8056c2e21c000001.conf',
      '/var/lib/zerotier-one/networks.d/a09acf0233e4b070.local.conf', '/var/lib/zerotier-one/networks.d/a09acf0233e4b070.conf',
      '/var/lib/zerotier-one/networks.d/1c33c1ced0aa2b3f.local.conf', '/var/lib/zerotier-one/networks.d/1c33c1ced0aa2b3f.conf',
      '/etc/default/zerotier-one',
    ],
    expect: { '/var/lib/zerotier-one/local.conf': /"primaryPort": 19993/, '/var/lib/zerotier-one/networks.d/8056c2e21c000001.local.conf': /^allowDNS=1$/m, '/var/lib/zerotier-one/networks.d/1c33c1ced0aa2b3f.conf': /^absent$/m },
  },
  {
    role: 'swap_off',
    gatherFacts: true,
    vars: `{ swap_off_runtime: ${controllerHasSwap ? 'false' : 'true'}, swap_off_files: [/swapfile, /var/swap.img] }`,
    seed: [
      "printf '%s\\n' '# /etc/fstab: static file system information.' 'UUID=0a1b2c3d-1111 / ext4 errors=remount-ro 0 1' " +
        "'UUID=0a1b2c3d-2222 none swap sw 0 0' '/swapfile none swap sw 0 0' '/var/swap.img none swap sw,pri=5 0 0' 'tmpfs /scratch tmpfs defaults 0 0' > /etc/fstab",
      'head -c 65536 /dev/zero > /swapfile',
      'chmod 600 /swapfile',
      'cp -p /swapfile /var/swap.img',
      // So that an empty fstab (a broken seed) cannot pass as agreement.
      'grep -q "^/swapfile none swap" /etc/fstab',
    ].join(' && '),
    paths: ['/etc/fstab', '/swapfile', '/var/swap.img', '/etc/sysctl.d/60-swap-off.conf'],
    expect: { '/etc/fstab': /^# UUID=0a1b2c3d-2222 none swap sw 0 0$/m, '/swapfile': /^absent$/m },
  },
];

const only = process.env.ROLES?.split(',').filter(Boolean);
const cases = only ? CASES.filter((c) => only.includes(c.role)) : CASES;

const lab = ANSIBLE_PLAYBOOK ? await startLab({ kind: 'namespace', hosts: cases.length * 2 }) : undefined;

// The first test is declared only once the lab is up: a test finishing while startLab is still awaited lets node:test
// run the file's after() hooks (the lab's teardown) too early, and the lab would be left up.
test('ansible-playbook is installed (the oracle)', () => {
  assert.ok(ANSIBLE_PLAYBOOK, "ansible-playbook is not installed: run scripts/setup.sh (it installs Debian's ansible)");
});

function book(c: RoleCase): string {
  const role = `${ROLES_DIR}/${c.role}`;
  return [
    `- name: apply ${c.role}`,
    '  hosts: all',
    `  gather_facts: ${c.gatherFacts}`,
    '  roles:',
    `    - role: ${role}`,
    ...(c.vars ? [`      vars: ${c.vars}`] : []),
    '',
  ].join('\n');
}

const MARKER = '/run/twin-role-marker';

/** What the host holds at `path`: type, mode, owner:group, and content (base64) or link target. */
async function describePath(l: LabInfo, host: string, path: string): Promise<string> {
  const q = `'${path.replace(/'/g, "'\\''")}'`;
  const r = await hostExec(l, host, [
    `if [ ! -e ${q} ] && [ ! -L ${q} ]; then echo absent; exit 0; fi`,
    `stat -c '%F %a %U:%G' ${q}`,
    `if [ -L ${q} ]; then readlink ${q}; elif [ -f ${q} ]; then base64 -w0 ${q}; echo; fi`,
  ].join('; '));
  return ok(r, `describe ${path} on ${host}`);
}

/** Files (not directories) under the watched trees whose ctime moved since the marker. */
async function changedFiles(l: LabInfo, host: string): Promise<string[]> {
  const r = await hostExec(l, host, `find ${WATCHED.join(' ')} -xdev ! -type d -cnewer ${MARKER} -print 2>/dev/null; true`);
  return ok(r, `changed files on ${host}`).split('\n').filter((p) => p && !NOISE.some((n) => n.test(p)));
}

/** The lines saying what failed (Ansible's `fatal:`/`failed:`, tsinfra's failed host results), else the output's tail. */
function failures(output: string): string {
  const lines = output.split('\n').filter((l) => /^(fatal|failed):|"status":"failed"|ERROR!/.test(l));
  return (lines.length > 0 ? lines.join('\n') : output).slice(-2500);
}

function decodeIfText(description: string): string {
  const [head, body] = description.split('\n');
  if (!head?.startsWith('regular') || body === undefined) return description;
  return `${head}\n${Buffer.from(body, 'base64').toString('utf8')}`;
}

interface RoleReport {
  role: string;
  seconds: number;
  theirs: PlayOutcome;
  ours: PlayOutcome;
  again: PlayOutcome;
  compared: number;
  identical: number;
  problems: string[];
}

async function applyRole(l: LabInfo, c: RoleCase, theirsHost: string, oursHost: string): Promise<RoleReport> {
  for (const host of [theirsHost, oursHost]) {
    if (c.seed) ok(await hostExec(l, host, c.seed), `seed ${c.role} on ${host}`);
    ok(await hostExec(l, host, `touch ${MARKER} && sleep 0.05`), `marker on ${host}`);
  }
  const playbook = book(c);
  const started = Date.now();
  const [theirs, ours] = await Promise.all([ansiblePlay(l, theirsHost, playbook), tsinfraPlay(l, oursHost, playbook)]);
  const problems: string[] = [];
  if (theirs.code !== ours.code) problems.push(`exit status: ansible ${theirs.code}, tsinfra ${ours.code}`);
  if (theirs.code !== 0) problems.push(`ansible-playbook failed:\n${failures(theirs.output)}`);
  if (ours.code !== 0) problems.push(`tsinfra failed:\n${failures(ours.output)}`);

  const changed = new Set([...(await changedFiles(l, theirsHost)), ...(await changedFiles(l, oursHost))]);
  const paths = [...new Set([...c.paths, ...changed])].sort();
  let identical = 0;
  for (const path of paths) {
    const a = await describePath(l, theirsHost, path);
    const b = await describePath(l, oursHost, path);
    if (a === b) identical++;
    else problems.push(`${path} differs:\n--- ansible\n${decodeIfText(a)}\n--- tsinfra\n${decodeIfText(b)}`);
  }
  for (const [name, command] of Object.entries(c.commands ?? {})) {
    const a = (await hostExec(l, theirsHost, command)).stdout;
    const b = (await hostExec(l, oursHost, command)).stdout;
    if (a === b) identical++;
    else problems.push(`\`${name}\` differs:\n--- ansible\n${a}\n--- tsinfra\n${b}`);
  }
  for (const [what, pattern] of Object.entries(c.expect)) {
    const command = c.commands?.[what];
    const text = command !== undefined ? (await hostExec(l, oursHost, command)).stdout : decodeIfText(await describePath(l, oursHost, what));
    if (!pattern.test(text)) problems.push(`tsinfra's host: ${what} does not match ${pattern}:\n${text}`);
  }
  const again = await tsinfraPlay(l, oursHost, playbook);
  if (again.code !== 0) problems.push(`second tsinfra run failed (rc ${again.code}):\n${failures(again.output)}`);
  if (again.changed !== 0) {
    const changedLines = again.output.split('\n').filter((l) => l.includes('"status":"changed"'));
    problems.push(`second tsinfra run changed ${again.changed}:\n${changedLines.join('\n').slice(-2500)}`);
  }
  return { role: c.role, seconds: (Date.now() - started) / 1000, theirs, ours, again, compared: paths.length + Object.keys(c.commands ?? {}).length, identical, problems };
}

test('each role converges under tsinfra as under ansible-playbook, and a second run changes nothing', { timeout: 600_000 }, async () => {
  const hosts = lab!.hosts.map((h) => h.name);
  const pending = cases.map((c, i) => ({ c, theirs: hosts[2 * i]!, ours: hosts[2 * i + 1]! }));
  const reports: RoleReport[] = [];
  // Two cores run ansible-playbook, tsinfra and the hosts' apt: three roles at a time keeps the wall time down
  // without starving the hosts' sshd.
  const workers = Array.from({ length: Math.min(3, pending.length) }, async () => {
    for (let next = pending.shift(); next; next = pending.shift()) {
      const none: PlayOutcome = { code: null, ok: 0, changed: 0, failed: 0, output: '' };
      const report = await applyRole(lab!, next.c, next.theirs, next.ours).catch(
        (err: unknown): RoleReport => ({ role: next!.c.role, seconds: 0, theirs: none, ours: none, again: none, compared: 0, identical: 0, problems: [String(err)] }),
      );
      process.stderr.write(
        `role ${report.role}: ansible rc ${report.theirs.code}, tsinfra rc ${report.ours.code}, ${report.identical}/${report.compared} files identical` +
          ` (ansible changed=${report.theirs.changed}, tsinfra changed=${report.ours.changed}, second tsinfra run changed=${report.again.changed}, ${report.seconds.toFixed(0)} s)\n`,
      );
      reports.push(report);
    }
  });
  await Promise.all(workers);
  const failures = reports.filter((r) => r.problems.length > 0).map((r) => `role ${r.role}:\n${r.problems.join('\n')}`);
  assert.deepEqual(failures, []);
  // Spot checks, so an empty comparison cannot pass.
  assert.equal(reports.length, cases.length);
  for (const r of reports) {
    assert.equal(r.ours.code, 0);
    assert.ok(r.compared > 0, `${r.role}: something was compared`);
    assert.ok(r.ours.changed > 0, `${r.role}: the first run changed something`);
    assert.equal(r.ours.changed, r.theirs.changed, `${r.role}: as many tasks changed as under Ansible`);
  }
});
