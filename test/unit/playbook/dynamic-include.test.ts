// Includes whose path or role name is a template are loaded by the engine once rendered, checked the same way.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadDynamicInclude } from '../../../src/playbook/dynamic-include.js';
import type { IncludeRoleNode, IncludeTasksNode } from '../../../src/playbook/playbook-plan.js';
import { ValidationErrors } from '../../../src/playbook/validation-errors.js';
import { fakeCatalog } from './fake-catalog.js';
import { GOOD, load, writeTree } from './playbook-helpers.js';

const options = { rolesPath: [], catalog: fakeCatalog, projectDir: GOOD };

test('a templated include_tasks loads with what the include recorded', async () => {
  const plan = await load(join(GOOD, 'site.yml'));
  const play = plan.plays[1]!;
  const node = play.tasks.find((t) => t.kind === 'include_tasks' && t.tasks === undefined) as IncludeTasksNode;
  const loaded = await loadDynamicInclude(plan, play, node, 'tasks/included.yml', { ...options, idSuffix: '#0' });
  assert.deepEqual(loaded.tasks.map((t) => [t.id, t.name, t.tags, t.become]), [[`${node.id}#0.1`, 'Included task', ['base'], true]]);
  assert.deepEqual(loaded.handlers, []);
  await assert.rejects(loadDynamicInclude(plan, play, node, 'tasks/nope.yml', options), (err: unknown) => {
    assert.ok(err instanceof ValidationErrors);
    assert.match(err.message, /include_tasks file "tasks\/nope.yml" not found/);
    return true;
  });
});

test('a templated include_role brings its tasks and new handlers; notify resolves against both', async () => {
  const dir = writeTree({
    'site.yml': '- hosts: all\n  tasks:\n    - include_role:\n        name: "{{ which }}"\n',
    'roles/web/tasks/main.yml': '- name: web task\n  debug: {msg: w}\n  notify: bounce\n',
    'roles/web/handlers/main.yml': '- name: bounce\n  service: {name: web, state: restarted}\n',
    'roles/bad/tasks/main.yml': '- name: bad task\n  debug: {msg: w}\n  notify: nope\n',
  });
  const plan = await load(join(dir, 'site.yml'));
  const play = plan.plays[0]!;
  const node = play.tasks[0] as IncludeRoleNode;
  assert.equal(node.tasks, undefined);
  const loaded = await loadDynamicInclude(plan, play, node, 'web', { ...options, projectDir: dir });
  assert.deepEqual(loaded.tasks.map((t) => [t.name, t.role]), [['web task', 'web']]);
  assert.deepEqual(loaded.handlers.map((h) => [h.id, h.name]), [[`${node.id}.h1`, 'bounce']]);
  const t = loaded.tasks[0]!;
  assert.deepEqual(t.kind === 'task' && t.notify[0]!.handlers, [`${node.id}.h1`]);
  assert.ok(loaded.roles.web);
  await assert.rejects(loadDynamicInclude(plan, play, node, 'bad', { ...options, projectDir: dir }), /notify "nope" names no handler/);
});
