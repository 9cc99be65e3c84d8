// --tags / --skip-tags with Ansible's meaning of always, never, tagged, untagged and all.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { filterPlanByTags, shouldRunTags, type TagSelection } from '../../../src/playbook/tag-filter.js';
import type { BlockNode } from '../../../src/playbook/playbook-plan.js';
import { GOOD, flat, load } from './playbook-helpers.js';

const CASES: [string[], TagSelection, boolean][] = [
  // untagged
  [[], {}, true],
  [[], { tags: ['web'] }, false],
  [[], { tags: ['untagged'] }, true],
  [[], { tags: ['tagged'] }, false],
  [[], { skipTags: ['untagged'] }, false],
  [[], { skipTags: ['tagged'] }, true],
  [[], { tags: ['all'] }, true],
  // tagged
  [['web'], {}, true],
  [['web'], { tags: ['web'] }, true],
  [['web'], { tags: ['db'] }, false],
  [['web'], { tags: ['db,web'] }, true],
  [['web'], { tags: ['tagged'] }, true],
  [['web'], { tags: ['untagged'] }, false],
  [['web'], { skipTags: ['web'] }, false],
  [['web'], { skipTags: ['tagged'] }, false],
  [['web'], { tags: ['all'], skipTags: ['web'] }, false],
  [['web'], { skipTags: ['all'] }, false],
  // always
  [['always'], { tags: ['db'] }, true],
  [['always'], { skipTags: ['always'] }, false],
  [['always'], { skipTags: ['all'] }, true],
  [['always'], { skipTags: ['all', 'always'] }, false],
  [['always', 'web'], { skipTags: ['web'] }, false],
  // never
  [['never', 'debug'], {}, false],
  [['never', 'debug'], { tags: ['all'] }, false],
  [['never', 'debug'], { tags: ['tagged'] }, false],
  [['never', 'debug'], { tags: ['debug'] }, true],
  [['never', 'debug'], { tags: ['never'] }, true],
  [['never', 'always'], {}, true],
];

for (const [tags, selection, expected] of CASES) {
  test(`tags [${tags}] with ${JSON.stringify(selection)} → ${expected ? 'runs' : 'skipped'}`, () => {
    assert.equal(shouldRunTags(tags, selection), expected);
  });
}

test('filtering the good plan', async () => {
  const plan = await load(join(GOOD, 'site.yml'));
  const names = (sel: TagSelection) => filterPlanByTags(plan, sel).plays.map((p) => p.tasks.map((t) => t.name ?? t.label));
  assert.deepEqual(names({ tags: ['web'] }), [[], ['Install nginx', 'Configure nginx']]);
  assert.deepEqual(names({ tags: ['debug'] }), [[], ['Never by default']]);
  assert.deepEqual(names({ skipTags: ['base'] }), [['Ping'], []]);
  const config = filterPlanByTags(plan, { tags: ['config'] });
  const block = config.plays[1]!.tasks[0] as BlockNode;
  assert.equal(block.name, 'Guarded');
  assert.equal(flat([block]).length, 4);
  // handlers are never filtered, and the plan passed in is untouched
  assert.equal(config.plays[1]!.handlers.length, 3);
  assert.equal(plan.plays[1]!.tasks.length, 15);
});

test('an include runs by its own tags; its loaded tasks by theirs', async () => {
  const { writeTree } = await import('./playbook-helpers.js');
  const dir = writeTree({
    'site.yml': '- hosts: all\n  tasks:\n    - include_tasks: inc.yml\n      tags: [always]\n',
    'inc.yml': '- name: a\n  debug: {msg: a}\n  tags: [a]\n- name: b\n  debug: {msg: b}\n  tags: [b]\n',
  });
  const plan = await load(join(dir, 'site.yml'));
  const only = filterPlanByTags(plan, { tags: ['b'] });
  const inc = only.plays[0]!.tasks[0]!;
  assert.equal(inc.kind, 'include_tasks');
  assert.deepEqual(inc.kind === 'include_tasks' && inc.tasks?.map((t) => t.name), ['b']);
});
