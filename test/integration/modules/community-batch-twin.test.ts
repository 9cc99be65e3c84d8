// community.general / ansible.posix modules against Ansible's own (the collections installed with Debian's ansible):
// ini_file, pam_limits, timezone, locale_gen, alternatives, capabilities, modprobe's error path, patch and at, all in
// one playbook applied with ansible-playbook on master1 and with tsinfra on its twin master2. Compared: the registered
// keys of every case, and the resulting files and system state. Then a second tsinfra run (of the cases that hold in
// the end state) reports changed=0, and a --check run after some state was undone reports changes and changes nothing.
// modprobe can only be compared where it fails: these hosts' kernel has no loadable modules (no /proc/modules), so
// community.general's modprobe fails for every task; tsinfra alone runs `persistent: present` (the boot files).
import { test } from 'node:test';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { hostExec, ok, startLab } from '../../support/lab.js';
import { ANSIBLE_PLAYBOOK, ansiblePlay, assertBothSucceeded, differences, tsinfraPlay } from '../../support/ansible-twin.js';

const lab = ANSIBLE_PLAYBOOK ? await startLab({ kind: 'namespace', hosts: 2 }) : undefined;
const THEIRS = 'master1';
const OURS = 'master2';
const INI = '/tmp/twin/app.ini';
const LIMITS = '/tmp/twin/limits.conf';
// A patch on the controller (ansible.posix.patch copies it to the host; tsinfra pipes it to patch(1)).
const PATCH_DIR = mkdtempSync(join(tmpdir(), 'tsinfra-patch-'));
process.once('exit', () => rmSync(PATCH_DIR, { recursive: true, force: true }));
const PATCH = join(PATCH_DIR, 'twin.patch');
writeFileSync(PATCH, '--- a/patched.txt\n+++ b/patched.txt\n@@ -1,3 +1,3 @@\n one\n-two\n+TWO\n three\n');
const DUMP = '/tmp/tsinfra-twin-community.json';
const PATH_INFO = ['path', 'state', 'mode', 'size', 'uid', 'gid', 'owner', 'group'];

// [name, task (module: args, in flow or k=v form), registered keys compared]
const CASES: [name: string, task: string, keys: string[]][] = [
  ['ini_new', `community.general.ini_file: { path: ${INI}, section: main, option: port, value: "8080" }`, ['changed', 'msg', ...PATH_INFO]],
  ['ini_add', `community.general.ini_file: { dest: ${INI}, section: main, option: host, value: localhost, no_extra_spaces: true }`, ['changed', 'msg', ...PATH_INFO]],
  ['ini_top', `community.general.ini_file: { path: ${INI}, option: top, value: "1", mode: "0600" }`, ['changed', 'msg', ...PATH_INFO]],
  ['ini_kv', `community.general.ini_file: path=${INI} section=extra option=flag allow_no_value=true`, ['changed', 'msg', ...PATH_INFO]],
  ['ini_absent', `community.general.ini_file: { path: ${INI}, section: main, option: port, state: absent }`, ['changed', 'msg']],
  ['pam_new', `community.general.pam_limits: { dest: ${LIMITS}, domain: "*", limit_type: soft, limit_item: nofile, value: "1024" }`, ['changed', 'msg']],
  ['pam_max', `community.general.pam_limits: { dest: ${LIMITS}, domain: "*", limit_type: soft, limit_item: nofile, value: "512", use_max: true }`, ['changed', 'msg']],
  ['pam_update', `community.general.pam_limits: dest=${LIMITS} domain=* limit_type=soft limit_item=nofile value=2048`, ['changed', 'msg']],
  ['tz', 'community.general.timezone: { name: Europe/Paris }', ['changed', 'msg']],
  ['locale', 'community.general.locale_gen: { name: de_CH.UTF-8 }', ['changed', 'name', 'msg']],
  ['alt_a', 'community.general.alternatives: { name: twinalt, link: /usr/local/bin/twinalt, path: /tmp/twin/alt-a, priority: 10, state: present }', ['changed', 'msg']],
  ['alt_b', 'community.general.alternatives: { name: twinalt, link: /usr/local/bin/twinalt, path: /tmp/twin/alt-b, priority: 20 }', ['changed', 'msg']],
  ['alt_gone', 'community.general.alternatives: { name: twinalt, path: /tmp/twin/alt-a, state: absent }', ['changed', 'msg']],
  ['cap_set', 'community.general.capabilities: { path: /tmp/twin/capbin, capability: cap_net_raw=ep }', ['changed', 'msg', 'state']],
  ['cap_add', 'community.general.capabilities: { path: /tmp/twin/capbin, capability: cap_net_bind_service=ep }', ['changed', 'msg', 'state']],
  ['cap_same', 'community.general.capabilities: path=/tmp/twin/capbin capability=cap_net_raw=ep', ['changed', 'msg', 'state']],
  ['cap_rm', 'community.general.capabilities: { path: /tmp/twin/capbin, capability: cap_net_bind_service, state: absent }', ['changed', 'msg', 'state']],
  ['patch', `ansible.posix.patch: { src: ${PATCH}, dest: /tmp/twin/patched.txt }`, ['changed']],
  ['patch_again', `ansible.posix.patch: src=${PATCH} basedir=/tmp/twin strip=1`, ['changed']],
  ['at_queue', 'ansible.posix.at: { command: "echo twin > /tmp/twin/at.out", count: 20, units: minutes, unique: true }', ['changed', 'state', 'count', 'units']],
  ['at_again', 'ansible.posix.at: command="echo twin > /tmp/twin/at.out" count=20 units=minutes unique=true', ['changed', 'state', 'count', 'units']],
  ['modprobe_err', 'community.general.modprobe: { name: tsinfra_twin_nomod, state: present }\n      ignore_errors: true', ['changed', 'failed']],
];

const SETUP = [
  '    - name: fixtures',
  '      shell: mkdir -p /tmp/twin && printf "#!/bin/sh\\n" > /tmp/twin/alt-a && cp /tmp/twin/alt-a /tmp/twin/alt-b && { [ -e /tmp/twin/capbin ] || cp /bin/true /tmp/twin/capbin; } && chmod 755 /tmp/twin/alt-a /tmp/twin/alt-b && { [ -e /tmp/twin/patched.txt ] || printf "one\\ntwo\\nthree\\n" > /tmp/twin/patched.txt; }',
  '      changed_when: false',
  '',
].join('\n');

// tsinfra only (see the header): the boot files of a module, with params, on a kernel that cannot load it.
const OURS_ONLY = [
  '    - name: modprobe persistent',
  '      community.general.modprobe: { name: dummy, state: absent, persistent: present, params: numdummies=2 }',
  '      register: modprobe_persist',
  '',
].join('\n');

// Cases the later ones undo (ini_absent removes what ini_new added, …): left out of the runs that must change nothing.
const UNDONE = new Set(['ini_new', 'pam_new', 'alt_a', 'cap_add']);

const book = (extra: string, options: { steady?: boolean } = {}) =>
  `- hosts: all\n  gather_facts: false\n  tasks:\n${SETUP}` +
  CASES.filter(([name]) => !options.steady || !UNDONE.has(name))
    .map(([name, task]) => `    - name: ${name}\n      ${task}\n      register: ${name}\n`)
    .join('') +
  extra +
  // One task leaves every registered value on the host (ansible-playbook costs seconds per task here).
  (options.steady ? '' : `    - name: dump\n      copy: { content: "{{ { ${CASES.map(([n]) => `'${n}': ${n}`).join(', ')} } | to_json }}", dest: ${DUMP} }\n`);

const STATE = [
  `cat ${INI}; stat -c '%a %U %G' ${INI}`,
  `cat ${LIMITS}`,
  'cat /etc/timezone; readlink /etc/localtime',
  'locale -a',
  'update-alternatives --query twinalt',
  'getcap -v /tmp/twin/capbin',
  'cat /tmp/twin/patched.txt; ls /tmp/twin',
  'atq | wc -l',
].join('; echo ---; ');

test('community.general modules change what Ansible changes, registering the same keys', { timeout: 600_000 }, async () => {
  const started = Date.now();
  // Different hosts: both runs at once (ansible-playbook takes most of the time).
  const [theirs, ours] = await Promise.all([ansiblePlay(lab!, THEIRS, book('')), tsinfraPlay(lab!, OURS, book(OURS_ONLY))]);
  assertBothSucceeded(theirs, ours);
  const registered = async (host: string) => JSON.parse(ok(await hostExec(lab!, host, `cat ${DUMP}`))) as Record<string, Record<string, unknown>>;
  const [a, b] = [await registered(THEIRS), await registered(OURS)];
  let agreed = 0;
  const disagree: string[] = [];
  for (const [name, , keys] of CASES) {
    const pick = (r: Record<string, unknown> = {}) => Object.fromEntries(keys.map((k) => [k, r[k]]));
    const d = differences(pick(b[name]), pick(a[name]));
    disagree.push(...d.map((x) => `${name}.${x}`));
    agreed += keys.length - d.length;
  }
  const sa = ok(await hostExec(lab!, THEIRS, STATE));
  const sb = ok(await hostExec(lab!, OURS, STATE));
  process.stderr.write(`community batch differential: ${agreed} registered keys agree over ${CASES.length} tasks, ${disagree.length} differ; state ${sa === sb ? 'identical' : 'differs'}\n`);
  assert.deepEqual(disagree, []);
  assert.equal(sb, sa);
  assert.match(sb, /\[main\]\nhost=localhost\n/);
  assert.match(sb, /^Europe\/Paris$/m);
  assert.match(sb, /cap_net_raw=ep/);
  // modprobe persistent (tsinfra only): the boot files, as community.general writes them.
  assert.equal(ok(await hostExec(lab!, OURS, 'cat /etc/modules-load.d/dummy.conf /etc/modprobe.d/dummy.conf')), 'dummy\noptions dummy numdummies=2\n');

  const again = await tsinfraPlay(lab!, OURS, book(OURS_ONLY, { steady: true }));
  assert.equal(again.code, 0, again.output);
  assert.equal(again.changed, 0, `a second run changes nothing:\n${again.output.slice(-3000)}`);

  // Undo some of it, then --check: changes reported, none made.
  ok(await hostExec(lab!, OURS, `rm -f ${INI} /etc/modules-load.d/dummy.conf && setcap -r /tmp/twin/capbin && printf 'Etc/UTC\\n' > /etc/timezone`));
  const before = ok(await hostExec(lab!, OURS, `${STATE}; ls /etc/modules-load.d`));
  const check = await tsinfraPlay(lab!, OURS, book(OURS_ONLY, { steady: true }), { check: true });
  assert.equal(check.code, 0, check.output);
  assert.ok(check.changed >= 4, `--check reports the changes (${check.changed})`);
  assert.equal(ok(await hostExec(lab!, OURS, `${STATE}; ls /etc/modules-load.d`)), before, '--check changed nothing');
  process.stderr.write(`community batch twin test: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
});
