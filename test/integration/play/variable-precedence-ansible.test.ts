// Variable precedence against the oracle: the project of test/support/precedence-project.ts (a variable at every
// level tsinfra supports, pairwise) run by ansible-playbook on `localhost ansible_connection=local` and by
// `tsinfra play` (every task runs on the controller: include_vars, set_fact, debug), each printing
// `debug: var=v_<level>`; both outputs must print the same value for every variable, and that value is the table's.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { ANSIBLE_PLAYBOOK } from '../../support/ansible-twin.js';
import { tsinfra } from '../../support/cli.js';
import { PRECEDENCE_LEVELS, expectedValues, precedenceProject, shownValues } from '../../support/precedence-project.js';

test('ansible-playbook and tsinfra print the same value at every precedence level', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsinfra-precedence-'));
  try {
    for (const [path, text] of Object.entries(precedenceProject())) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    writeFileSync(join(dir, 'ansible.cfg'), '[defaults]\n');
    const args = ['-i', 'inventory/hosts.ini', 'site.yml', '-e', '@extra.yml'];
    const env = { ANSIBLE_CONFIG: join(dir, 'ansible.cfg'), ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCAL_TEMP: join(dir, 'tmp'), ANSIBLE_RETRY_FILES_ENABLED: '0' };
    const [ansible, ours] = await Promise.all([
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) =>
        execFile(ANSIBLE_PLAYBOOK, args, { cwd: dir, env: { ...process.env, ...env }, timeout: 400_000 }, (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr })),
      ),
      tsinfra(['play', ...args], { cwd: dir }),
    ]);
    assert.equal(ansible.code, 0, ansible.stdout + ansible.stderr);
    assert.equal(ours.code, 0, ours.stdout + ours.stderr);
    const theirs = shownValues(ansible.stdout);
    const mine = shownValues(ours.stdout);
    const agree = PRECEDENCE_LEVELS.filter((l) => theirs[`v_${l.id}`] !== undefined && theirs[`v_${l.id}`] === mine[`v_${l.id}`]);
    process.stderr.write(`variable precedence: ${agree.length}/${PRECEDENCE_LEVELS.length} levels agree with ansible-playbook\n`);
    assert.deepEqual(mine, theirs);
    assert.deepEqual(theirs, expectedValues(), 'the table in docs/variables.md is what Ansible does');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
