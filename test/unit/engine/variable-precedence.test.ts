// Variable precedence, level by level (docs/variables.md): a project sets `v_<level>` at its level and every level
// below, and each `debug: var=` must name its own level. test/integration/play/variable-precedence-ansible.test.ts
// checks ansible-playbook prints the same for the same project.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFakePlay } from '../../support/fake-play.js';
import { expectedValues, precedenceProject } from '../../support/precedence-project.js';
import { parse } from 'yaml';

test('every precedence level wins over the levels below it (inventory, playbook group_vars/host_vars, play, role, task, include_vars, set_fact, -e)', async () => {
  const files = precedenceProject();
  const r = await runFakePlay({ files, playbook: 'site.yml', inventory: 'inventory/hosts.ini', extraVars: parse(files['extra.yml']!) });
  const shown = Object.fromEntries(r.results().flatMap((res) => Object.entries(res.debug ?? {})));
  assert.deepEqual(shown, expectedValues());
  assert.equal(r.fake.roundTrips().length, 0, 'nothing ran on the host');
});
