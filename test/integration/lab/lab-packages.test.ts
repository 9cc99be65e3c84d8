// `lab up --packages` / `startLab({ packages, servePackages })`: Debian packages the controller lacks, downloaded on
// the controller into the lab's repository, installed on every host (real apt and dpkg in each host) or only served,
// so a play's apt task installs them. The same packages again reuse the built repository, and bad or unknown names
// fail before any host exists.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureAptRepo } from '../../../src/lab/apt-repo.js';
import { labUp } from '../../../src/lab/lab.js';
import { resultsOf, tsinfra } from '../../support/cli.js';
import { hostExec, ok, run, startLab } from '../../support/lab.js';
import { tempDir } from '../../support/temp-dir.js';

const INSTALLED = 'sl';
const SERVED = 'tree';

// The hosts' root is an overlay of the controller's: a package on the controller would be on every host already.
for (const name of [INSTALLED, SERVED]) {
  const r = await run('dpkg-query', ['-W', '-f=${Status}', name]);
  assert.ok(!r.stdout.includes('install ok installed'), `${name} must not be installed on the controller for this test (dpkg-query: ${r.stdout})`);
}

const upStarted = Date.now();
const lab = await startLab({ kind: 'namespace', hosts: 2, packages: [INSTALLED], servePackages: [SERVED] });
process.stderr.write(`lab-packages: lab up with packages in ${((Date.now() - upStarted) / 1000).toFixed(1)} s\n`);

async function statusOn(host: string, name: string): Promise<string> {
  return (await hostExec(lab, host, `dpkg-query -W -f='\${Status}' ${name} 2>&1 || true`)).stdout;
}

test('--packages installs the package on every host, with the hosts\' own apt and dpkg', async () => {
  assert.deepEqual(lab.aptRepository.installed, [INSTALLED]);
  for (const h of lab.hosts) {
    assert.equal(await statusOn(h.name, INSTALLED), 'install ok installed', `${INSTALLED} on ${h.name}`);
    ok(await hostExec(lab, h.name, `test -x /usr/games/${INSTALLED}`), `/usr/games/${INSTALLED} on ${h.name}`);
    assert.doesNotMatch(await statusOn(h.name, SERVED), /install ok installed/, `${SERVED} is only served on ${h.name}`);
  }
  const controller = await run('dpkg-query', ['-W', '-f=${Status}', INSTALLED]);
  assert.ok(!controller.stdout.includes('install ok installed'), 'the controller itself is untouched');
});

test('a play\'s apt task installs a served package on one host, and a listed one is already there', async () => {
  const dir = tempDir('lab-packages');
  const playbook = join(dir, 'install.yaml');
  writeFileSync(playbook, `- hosts: master1
  gather_facts: false
  tasks:
    - name: install served
      apt: { name: ${SERVED}, state: present }
    - name: installed at up
      apt: { name: ${INSTALLED}, state: present }
`);
  const r = await tsinfra(['play', playbook, '-i', lab.inventoryPath, '--json']);
  const tail = r.stdout.slice(-2000) + r.stderr;
  assert.equal(r.code, 0, tail);
  assert.deepEqual(resultsOf(r, 'install served').map((x) => [x.host, x.status]), [['master1', 'changed']], tail);
  assert.deepEqual(resultsOf(r, 'installed at up').map((x) => [x.host, x.status]), [['master1', 'ok']], tail);
  assert.equal(await statusOn('master1', SERVED), 'install ok installed');
  assert.match(ok(await hostExec(lab, 'master1', `${SERVED} --version`), `${SERVED} --version`), /^tree v/);
  assert.doesNotMatch(await statusOn('master2', SERVED), /install ok installed/, 'master2 was not in the play');
});

test('the same packages again reuse the built repository: no resolve, no download, no build', async () => {
  const again: string[] = [];
  const repo = await ensureAptRepo([SERVED, INSTALLED], (m) => again.push(m));
  assert.deepEqual(again, []);
  // The very repository the hosts see at /srv/tsinfra-apt.
  const served = ok(await hostExec(lab, 'master2', `cat ${lab.aptRepository.path}/Packages`), 'the hosts\' Packages');
  assert.equal(served, readFileSync(join(repo.dir, 'Packages'), 'utf8'));
  assert.match(served, new RegExp(`^Package: ${SERVED}$`, 'm'));
});

test('bad and unknown package names fail before any host is created', async () => {
  await assert.rejects(labUp({ name: 'lab-packages-bad', packages: ['-o'] }), /packages: "-o" is not a Debian package name/);
  await assert.rejects(labUp({ name: 'lab-packages-bad', servePackages: ['Tree'] }), /servePackages: "Tree" is not a Debian package name/);
  await assert.rejects(labUp({ name: 'lab-packages-unknown', hosts: 1, packages: ['tsinfra-no-such-package'] }), /Unable to locate package tsinfra-no-such-package/);
});
