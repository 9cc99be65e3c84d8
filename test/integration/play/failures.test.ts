// Failure isolation: a failing host stops alone; ignore_errors, block/rescue/always as in Ansible; exit codes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { hostExec, startLab } from '../../support/lab.js';
import { jsonLines, tsinfra } from '../../support/cli.js';

const lab = await startLab({ kind: 'namespace', hosts: 5 });
const playbook = join(import.meta.dirname, '../../fixtures/playbooks/lab/failures.yaml');

const exists = async (host: string, path: string) => (await hostExec(lab, host, `test -e ${path}`)).code === 0;

test('a failing host stops, the others finish; ignore_errors and rescue/always behave; exit 2', async () => {
  const r = await tsinfra(['play', playbook, '-i', lab.inventoryPath, '--json']);
  assert.equal(r.code, 2, r.stdout.slice(-2000) + r.stderr);
  const recap = jsonLines(r.stdout).find((e) => e.type === 'recap')!.hosts as Record<string, Record<string, number>>;
  assert.equal(recap.master2!.failed, 1);
  assert.equal(await exists('master2', '/var/tmp/after'), false, 'master2 stopped after its failure');
  for (const h of ['master1', 'master3', 'worker1', 'worker2']) {
    assert.equal(recap[h]!.failed, 0, `${h}: ${JSON.stringify(recap[h])}`);
    assert.equal(recap[h]!.ignored, 1);
    assert.equal(await exists(h, '/var/tmp/after'), true);
    assert.equal(await exists(h, '/var/tmp/always'), true, 'always runs');
  }
  assert.equal(recap.worker1!.rescued, 1);
  assert.equal(await exists('worker1', '/var/tmp/rescued'), true);
  assert.equal(await exists('worker1', '/var/tmp/block-rest'), false, 'the rest of the block is skipped after the failure');
  assert.equal(await exists('master1', '/var/tmp/block-rest'), true);
  assert.equal(await exists('master1', '/var/tmp/rescued'), false, 'no rescue where nothing failed');
  const retry = jsonLines(r.stdout).find((e) => e.type === 'recap')!.retryFile as string;
  assert.ok(retry, 'the recap names a retry file');
});

test('a broken playbook is refused before anything runs: exit 4, file:line:column, no stack trace', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsinfra-bad-play-'));
  const bad = join(dir, 'bad.yaml');
  writeFileSync(bad, '- hosts: all\n  tasks:\n    - name: typo\n      apt:\n        name: curl\n        state: presnt\n    - name: touch\n      command: touch /var/tmp/should-not-exist\n');
  const r = await tsinfra(['play', bad, '-i', lab.inventoryPath]);
  assert.equal(r.code, 4, r.stdout + r.stderr);
  assert.match(r.stderr, new RegExp(`${bad.replace(/[.]/g, '\\.')}:6:16: .*apt.state must be one of present, absent, latest`));
  assert.doesNotMatch(r.stderr, /\n\s+at /);
  assert.equal(await exists('master1', '/var/tmp/should-not-exist'), false);
});

test('delegate_to: localhost runs the task on the controller, once per host, with that host variables', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsinfra-delegate-'));
  const book = join(dir, 'delegate.yaml');
  writeFileSync(book, `- hosts: masters\n  gather_facts: false\n  tasks:\n    - name: note each host on the controller\n      copy:\n        dest: "${dir}/{{ inventory_hostname }}.txt"\n        content: "{{ ansible_host }}\\n"\n      delegate_to: localhost\n`);
  const r = await tsinfra(['play', book, '-i', lab.inventoryPath]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  for (const name of ['master1', 'master2', 'master3']) {
    const host = lab.hosts.find((h) => h.name === name)!;
    assert.equal(readFileSync(join(dir, `${name}.txt`), 'utf8'), `${host.publicAddress}\n`);
    assert.equal(await exists(name, join(dir, `${name}.txt`)), false, 'nothing written on the host');
  }
});
