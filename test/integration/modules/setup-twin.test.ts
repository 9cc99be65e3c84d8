// setup against Ansible's: mid-play, change the host name, then gather facts again with a filter, with
// ansible-playbook on master1 and tsinfra on its twin master2. The registered ansible_facts must hold the same
// names (the filter applied as Ansible applies it) with the same values, and afterwards both `ansible_hostname` and
// `ansible_facts.hostname` must show the new name on both. --check and a second run (without the rename) report
// changed=0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startLab } from '../../support/lab.js';
import { ANSIBLE_PLAYBOOK, ansiblePlay, assertBothSucceeded, differences, dumpTask, registeredOn, tsinfraPlay } from '../../support/ansible-twin.js';

const lab = ANSIBLE_PLAYBOOK ? await startLab({ kind: 'namespace', hosts: 2 }) : undefined;

// The first test is declared only once the lab is up: a test finishing while startLab is still awaited lets node:test
// run the file's after() hooks (the lab's teardown) too early, and the lab would be left up.
test('ansible-playbook is installed (the oracle)', () => {
  assert.ok(ANSIBLE_PLAYBOOK, "ansible-playbook is not installed: run scripts/setup.sh (it installs Debian's ansible)");
});
const THEIRS = 'master1';
const OURS = 'master2';

const book = (rename: boolean, dump: boolean) => `- hosts: all
  gather_facts: true
  tasks:
${rename ? '    - name: rename\n      command: hostname twin-renamed\n' : ''}    - name: gather again
      ansible.builtin.setup: { filter: [ansible_hostname, 'distribution*', ansible_os_family, 'ansible_*_mb', 'pkg_[lm]gr'] }
      register: gathered
${dump ? `${dumpTask('gathered')}    - name: seen after
      set_fact: { seen: { var: "{{ ansible_hostname }}", facts: "{{ ansible_facts.hostname }}", family: "{{ ansible_facts['os_family'] }}" } }
${dumpTask('seen')}` : ''}`;

test('setup gathers again and registers what Ansible registers', { timeout: 600_000 }, async () => {
  const theirs = await ansiblePlay(lab!, THEIRS, book(true, true));
  const ours = await tsinfraPlay(lab!, OURS, book(true, true));
  assertBothSucceeded(theirs, ours);

  const a = (await registeredOn(lab!, THEIRS, 'gathered')).ansible_facts as Record<string, unknown>;
  const b = (await registeredOn(lab!, OURS, 'gathered')).ansible_facts as Record<string, unknown>;
  // Free and used memory move between two hosts and two moments: compared by name only. The distribution_file_*
  // facts are not in tsinfra's facts script (src/engine/ansible-facts.ts): the filter's only known gap.
  const MOVING = ['ansible_memfree_mb', 'ansible_memory_mb'];
  const NOT_GATHERED = ['ansible_distribution_file_path', 'ansible_distribution_file_variety', 'ansible_distribution_file_parsed'];
  const d = differences(b, a, [...MOVING, ...NOT_GATHERED]);
  const compared = Object.keys(a).filter((k) => !NOT_GATHERED.includes(k)).length;
  process.stderr.write(`setup differential: ${compared - d.length}/${compared} registered facts agree (${MOVING.length} by name only; ${NOT_GATHERED.filter((k) => k in a).length} Ansible facts tsinfra does not gather)\n`);
  assert.deepEqual(d, []);
  for (const k of MOVING) assert.equal(k in b, k in a, k);
  assert.ok('ansible_memfree_mb' in b);
  assert.equal(b.ansible_hostname, 'twin-renamed');
  assert.equal(b.ansible_os_family, 'Debian');
  assert.equal(b.ansible_pkg_mgr, 'apt');
  assert.ok(Object.keys(b).length >= 8, JSON.stringify(Object.keys(b)));

  const seenTheirs = await registeredOn(lab!, THEIRS, 'seen');
  const seenOurs = await registeredOn(lab!, OURS, 'seen');
  assert.deepEqual(seenOurs, seenTheirs);
  assert.deepEqual(seenOurs, { var: 'twin-renamed', facts: 'twin-renamed', family: 'Debian' });

  const again = await tsinfraPlay(lab!, OURS, book(false, false));
  assert.equal(again.code, 0, again.output);
  assert.equal(again.changed, 0);
  const check = await tsinfraPlay(lab!, OURS, book(false, false), { check: true });
  assert.equal(check.code, 0, check.output);
  assert.equal(check.changed, 0);
});
