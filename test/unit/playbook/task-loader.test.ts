// Smaller behaviours of task loading: argument positions, loops, inheritance through imports, the aggregate error.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { didYouMean, editDistance } from '../../../src/text/did-you-mean.js';
import type { ModuleTask } from '../../../src/playbook/playbook-plan.js';
import { load, problemsOf, writeTree } from './playbook-helpers.js';

const play = (tasks: string) => writeTree({ 'site.yml': `- hosts: all\n  tasks:\n${tasks}` });

test('did you mean: Levenshtein distance 2 at most, nearest first', () => {
  assert.equal(editDistance('whne', 'when'), 2);
  assert.equal(didYouMean('whne', ['name', 'when', 'where']), 'when');
  assert.equal(didYouMean('gather_fact', ['gather_facts', 'tags']), 'gather_facts');
  assert.equal(didYouMean('completely', ['when', 'tags']), undefined);
});

test('a problem deep inside the arguments points at that item', async () => {
  const dir = play('    - name: Users\n      user:\n        name: bob\n        groups: [adm, ""]\n');
  const err = await problemsOf(join(dir, 'site.yml'));
  assert.deepEqual(err.problems.map((p) => [p.position.line, p.position.column]), [[6, 23]]);
});

test('arguments given only as args: are checked in args:', async () => {
  const dir = play('    - name: A\n      file:\n      args:\n        path: /x\n        state: gone\n');
  const err = await problemsOf(join(dir, 'site.yml'));
  assert.deepEqual(err.problems.map((p) => [p.position.line, p.position.column, /file\.state/.test(p.message)]), [[7, 16, true]]);
});

test('with_items flattens, loop_control names the variables', async () => {
  const dir = play('    - debug: {var: pkg}\n      with_items: [[a, b], c]\n      loop_control: {loop_var: pkg, index_var: i, label: "{{ pkg }}"}\n');
  const plan = await load(join(dir, 'site.yml'));
  const t = plan.plays[0]!.tasks[0] as ModuleTask;
  assert.deepEqual({ ...t.loop, at: undefined }, { items: [['a', 'b'], 'c'], at: undefined, flatten: true, loopVar: 'pkg', indexVar: 'i', label: '{{ pkg }}' });
});

test('import_role passes its keywords to the role tasks; a block around it adds its own', async () => {
  const dir = writeTree({
    'site.yml': [
      '- hosts: all',
      '  tasks:',
      '    - block:',
      '        - import_role: {name: r}',
      '          when: b',
      '          become_user: app',
      '          vars: {p: 1}',
      '      when: a',
      '      tags: outer',
    ].join('\n'),
    'roles/r/tasks/main.yml': '- name: inner\n  debug: {msg: x}\n  when: c\n  vars: {p: 2, q: 3}\n',
  });
  const plan = await load(join(dir, 'site.yml'));
  const block = plan.plays[0]!.tasks[0]!;
  assert.equal(block.kind, 'block');
  const inner = block.kind === 'block' ? (block.block[0] as ModuleTask) : undefined;
  assert.deepEqual(inner?.when.map((c) => c.expr), ['a', 'b', 'c']);
  assert.equal(inner?.becomeUser, 'app');
  assert.deepEqual(inner?.tags, ['outer']);
  assert.deepEqual(inner?.vars, { p: 2, q: 3 }, 'the task\'s own vars win over role parameters');
  assert.equal(inner?.role, 'r');
});

test('merge keys and anchors in tasks are followed, positions stay in the anchor', async () => {
  const dir = play('    - &base\n      name: A\n      debug: {msg: x}\n      become: true\n    - <<: *base\n      name: B\n      whne: x\n');
  const err = await problemsOf(join(dir, 'site.yml'));
  assert.deepEqual(err.problems.map((p) => [p.position.line, p.message.replace(/^.*?: /, '')]), [[9, 'task "B": unknown key "whne" (did you mean "when"?)']]);
  const ok = play('    - &base\n      name: A\n      debug: {msg: x}\n      become: true\n    - <<: *base\n      name: B\n');
  const plan = await load(join(ok, 'site.yml'));
  assert.deepEqual(plan.plays[0]!.tasks.map((t) => [t.name, t.become]), [['A', true], ['B', true]]);
});

test('the aggregate error: one line per problem, sorted by file, line and column', async () => {
  const dir = play('    - name: B\n      debug: {msg: x}\n      become: maybe\n    - name: A\n      whne: x\n      debug: {msg: x}\n');
  const err = await problemsOf(join(dir, 'site.yml'));
  const lines = err.message.split('\n');
  assert.equal(lines.length, 2);
  assert.ok(lines[0]!.startsWith(`${join(dir, 'site.yml')}:5:15: task "B": become must be true or false`), lines[0]);
  assert.ok(lines[1]!.startsWith(`${join(dir, 'site.yml')}:7:7: task "A": unknown key "whne"`), lines[1]);
  assert.equal(err.name, 'ValidationErrors');
});
