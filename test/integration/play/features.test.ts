// Variable precedence, -e, --tags, meta: flush_handlers and the free strategy, checked on the hosts themselves.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { hostExec, ok, startLab } from '../../support/lab.js';
import { tsinfra } from '../../support/cli.js';

const lab = await startLab({ kind: 'namespace', hosts: 3 });
const dir = join(import.meta.dirname, '../../fixtures/playbooks/lab/features');

test('precedence: role defaults < inventory < facts < play vars < role vars < extra vars', async () => {
  const work = mkdtempSync(join(tmpdir(), 'tsinfra-prec-'));
  const inv = join(work, 'inventory.yml');
  writeFileSync(inv, readFileSync(lab.inventoryPath, 'utf8').replace('  vars:\n', '  vars:\n    overridden_by_inventory: inventory\n    overridden_by_play: inventory\n'));
  const r = await tsinfra(['play', join(dir, 'precedence.yaml'), '-i', inv, '-e', 'overridden_by_extra=extra-vars']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  for (const h of ['master1', 'master2', 'master3']) {
    assert.equal(ok(await hostExec(lab, h, 'cat /var/tmp/vars.txt')), `default=role-default\ninventory=inventory\nplay=play-vars\nextra=extra-vars\nfact=${h}\n`);
  }
});

test('--tags runs only tagged tasks; flush_handlers runs the handler before the next task; free strategy', async () => {
  const r = await tsinfra(['play', join(dir, 'flow.yaml'), '-i', lab.inventoryPath, '--tags', 'one']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  for (const h of ['master1', 'master2', 'master3']) {
    assert.equal(ok(await hostExec(lab, h, 'cat /var/tmp/flow')), 'tagged\nhandler\nafter\n');
  }
});

test('--start-at-task skips what comes before', async () => {
  ok(await hostExec(lab, 'master1', 'rm -f /var/tmp/flow'));
  const r = await tsinfra(['play', join(dir, 'flow.yaml'), '-i', lab.inventoryPath, '--limit', 'master1', '--start-at-task', 'after the flush']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(ok(await hostExec(lab, 'master1', 'cat /var/tmp/flow')), 'after\nuntagged\n');
});

test('include_tasks with a loop runs the file once per item; a templated path is resolved per host', async () => {
  const r = await tsinfra(['play', join(dir, 'includes.yaml'), '-i', lab.inventoryPath]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  for (const h of ['master1', 'master2', 'master3']) {
    assert.equal(ok(await hostExec(lab, h, 'cat /var/tmp/includes')), `one\ntwo\nchosen ${h}\n`);
  }
});

test('hostvars: other hosts\' inventory vars, facts and set_fact results, in templates, conditions and as a value', async () => {
  const r = await tsinfra(['play', join(dir, 'hostvars.yaml'), '-i', lab.inventoryPath]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const master2 = lab.hosts.find((h) => h.name === 'master2')!;
  for (const h of ['master1', 'master2', 'master3']) {
    assert.equal(ok(await hostExec(lab, h, 'cat /var/tmp/hostvars.txt')), `next=${master2.sshAddress} master2 marked-master2\nall=master1 master2 master3 \ncopied=marked-master3\n`);
  }
});

test('backup: two changes to one file in the same second keep two backups, each the file before its change', async () => {
  ok(await hostExec(lab, 'master1', 'rm -f /var/tmp/backed-up.conf*'));
  const r = await tsinfra(['play', join(dir, 'backups.yaml'), '-i', lab.inventoryPath, '--limit', 'master1']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const listing = ok(await hostExec(lab, 'master1', 'for f in /var/tmp/backed-up.conf.*~; do printf "%s|" "$(cat "$f" | tr "\\n" " ")"; done'));
  assert.deepEqual(listing.split('|').filter(Boolean).sort(), ['one ', 'one two ']);
  assert.equal(ok(await hostExec(lab, 'master1', 'cat /var/tmp/backed-up.conf')), 'one\ntwo\nthree\n');
});
