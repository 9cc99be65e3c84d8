// `tsinfra play --list-hosts/--list-tasks/--list-tags`, differential: ansible-playbook and tsinfra list the same
// corpus (roles with a dependency, blocks with rescue/always, tags at every level, import_tasks, include_tasks,
// include_role, import_playbook, templated play names and patterns) with the same options, and the text must match
// line for line. Ansible prints a play's hosts in Python set order, so each host list is compared sorted.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync } from 'node:fs';
import { join } from 'node:path';
import { inBatches, oracleDir } from '../../support/ansible-cli.js';

const o = oracleDir('tsinfra-list-');
cpSync(join(import.meta.dirname, '../../fixtures/listing'), o.dir, { recursive: true });

const CASES: string[][] = [
  ['site.yml', '--list-hosts', '--list-tasks', '--list-tags', '-e', 'env=prod'],
  ['site.yml', '--list-tasks', '-l', 'w1', '--tags', 't1', '-e', 'env=prod'],
  ['site.yml', '--list-tags', '--skip-tags', 'r,p1', '-e', 'env=prod'],
  ['site.yml', '--list-tasks', '--tags', 'debug,pkg', '-e', '{"env": "qa", "target": "all"}'],
  ['site.yml', '--list-hosts', '-l', 'db*:w2', '-e', 'env=prod'],
  ['site.yml', '--list-tasks', '--skip-tags', 'always', '-e', 'env=prod'],
  ['flat.yml', '--list-tasks', '--list-hosts'],
];

/** Host lines under each "hosts (N):" sorted, so Python's set order does not count. */
function normalise(text: string): string[] {
  const lines = text.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const m = /^    hosts \((\d+)\):$/.exec(lines[i]!);
    if (m) lines.splice(i + 1, Number(m[1]), ...lines.slice(i + 1, i + 1 + Number(m[1])).sort());
  }
  return lines;
}

const runs = inBatches(CASES.map((args) => () => Promise.all([o.ansible('ansible-playbook', ['-i', 'inv.ini', ...args]), o.tsinfra(['play', '-i', 'inv.ini', ...args])])), 3);

for (const [i, args] of CASES.entries()) {
  test(`play ${args.join(' ')}: the same text as ansible-playbook`, async () => {
    const [ansible, ours] = await runs[i]!;
    assert.equal(ansible.code, 0, ansible.stdout + ansible.stderr);
    assert.equal(ours.code, 0, ours.stdout + ours.stderr);
    assert.ok(ansible.stdout.includes('  play #1'), ansible.stdout);
    assert.deepEqual(normalise(ours.stdout), normalise(ansible.stdout));
  });
}
