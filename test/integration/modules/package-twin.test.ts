// package against Ansible's: install a package the controller lacks (so the lab hosts lack it too) with
// ansible-playbook on master1 and tsinfra on its twin master2, then remove it; after each step both hosts must be in
// the same dpkg state and have registered the same changed/failed. Also: --check changes nothing, a second tsinfra
// run reports changed=0, and Ansible's yum-style state names (installed/removed) work here too.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostExec, startLab } from '../../support/lab.js';
import { ANSIBLE_PLAYBOOK, ansiblePlay, assertBothSucceeded, dumpTask, registeredOn, tsinfraPlay } from '../../support/ansible-twin.js';

const lab = ANSIBLE_PLAYBOOK ? await startLab({ kind: 'namespace', hosts: 2 }) : undefined;

// The first test is declared only once the lab is up: a test finishing while startLab is still awaited lets node:test
// run the file's after() hooks (the lab's teardown) too early, and the lab would be left up.
test('ansible-playbook is installed (the oracle)', () => {
  assert.ok(ANSIBLE_PLAYBOOK, "ansible-playbook is not installed: run scripts/setup.sh (it installs Debian's ansible)");
});
const THEIRS = 'master1';
const OURS = 'master2';
// In the lab's apt repository, and not on the controller (whose root every namespace host shares).
const PKG = 'netfilter-persistent';

const book = (state: string, dump: boolean) =>
  `- hosts: all\n  gather_facts: false\n  tasks:\n    - name: package ${state}\n      ansible.builtin.package: { name: [${PKG}], state: ${state} }\n      register: pkg_${state}\n${dump ? dumpTask(`pkg_${state}`) : ''}`;

async function dpkgStatus(host: string): Promise<string> {
  const r = await hostExec(lab!, host, `dpkg-query -W -f '\${db:Status-Status}' ${PKG} 2>/dev/null || echo not-installed`);
  return r.stdout.trim() || 'not-installed';
}

test('package installs and removes as Ansible does; check mode and a second run change nothing', { timeout: 900_000 }, async () => {
  // dpkg also lists a package it only knows from another's relations (ufw Breaks this one) as not-installed.
  assert.equal(await dpkgStatus(OURS), 'not-installed', `${PKG} must not be installed on the controller for this test`);
  let agreed = 0;

  const check = await tsinfraPlay(lab!, OURS, book('present', false), { check: true });
  assert.equal(check.code, 0, check.output);
  assert.equal(check.changed, 1, '--check reports the install');
  assert.equal(await dpkgStatus(OURS), 'not-installed', '--check installed nothing');

  for (const state of ['present', 'absent']) {
    const theirs = await ansiblePlay(lab!, THEIRS, book(state, true));
    const ours = await tsinfraPlay(lab!, OURS, book(state, true));
    assertBothSucceeded(theirs, ours);
    // Removed without purge: dpkg keeps its configuration files.
    const want = state === 'present' ? 'installed' : 'config-files';
    assert.equal(await dpkgStatus(THEIRS), want, `ansible: ${state}`);
    assert.equal(await dpkgStatus(OURS), await dpkgStatus(THEIRS), `${state}: same dpkg state`);
    agreed++;
    const a = await registeredOn(lab!, THEIRS, `pkg_${state}`);
    const b = await registeredOn(lab!, OURS, `pkg_${state}`);
    for (const k of ['changed', 'failed']) {
      assert.equal(b[k], a[k], `${state}: registered ${k}`);
      agreed++;
    }
    assert.equal(b.changed, true);
    assert.equal(typeof b.stdout, 'string', 'stdout registered, as apt does');

    const again = await tsinfraPlay(lab!, OURS, book(state, false));
    assert.equal(again.code, 0, again.output);
    assert.equal(again.changed, 0, `${state}: a second run changes nothing`);
    if (state === 'present') {
      const removeCheck = await tsinfraPlay(lab!, OURS, book('absent', false), { check: true });
      assert.equal(removeCheck.changed, 1, '--check reports the removal');
      assert.equal(await dpkgStatus(OURS), 'installed', '--check removed nothing');
    }
  }
  process.stderr.write(`package differential: ${agreed}/6 comparisons agree (dpkg state and registered changed/failed, install and remove)\n`);

  // yum-style names, which Ansible's package passes on (apt refuses them; tsinfra maps them).
  const installed = await tsinfraPlay(lab!, OURS, book('installed', false));
  assert.equal(installed.changed, 1, installed.output);
  assert.equal(await dpkgStatus(OURS), 'installed');
  const removed = await tsinfraPlay(lab!, OURS, book('removed', false));
  assert.equal(removed.changed, 1, removed.output);
  assert.equal(await dpkgStatus(OURS), 'config-files');
});
