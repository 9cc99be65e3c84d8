import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { UsageError } from '../../../src/errors.js';
import type { BlockNode, IncludeTasksNode } from '../../../src/playbook/playbook-plan.js';
import { startAtTask } from '../../../src/playbook/start-at-task.js';
import { GOOD, load } from './playbook-helpers.js';

const plan = () => load(join(GOOD, 'site.yml'));
const names = (p: Awaited<ReturnType<typeof plan>>) => p.plays.map((play) => play.tasks.map((t) => t.name ?? t.label));

test('starts at the named task; earlier plays keep no tasks', async () => {
  const p = await plan();
  const started = startAtTask(p, 'Install packages');
  assert.deepEqual(names(started)[0], []);
  assert.equal(names(started)[1]![0], 'Install packages');
  assert.equal(names(started)[1]!.length, 10);
  assert.equal(p.plays[1]!.tasks.length, 15, 'the plan passed in is untouched');
});

test('a match inside a block keeps the block from there, with rescue and always', async () => {
  const started = startAtTask(await plan(), 'Write config');
  const block = started.plays[1]!.tasks[0] as BlockNode;
  assert.equal(block.name, 'Guarded');
  assert.deepEqual(block.block.map((t) => t.name), ['Write config']);
  assert.equal(block.rescue.length, 1);
  assert.equal(block.always.length, 1);
});

test('a match inside an include keeps the include', async () => {
  const started = startAtTask(await plan(), 'Included task');
  const inc = started.plays[1]!.tasks[0] as IncludeTasksNode;
  assert.equal(inc.kind, 'include_tasks');
  assert.deepEqual(inc.tasks?.map((t) => t.name), ['Included task']);
});

test('globs and "role : name" match', async () => {
  const p = await plan();
  assert.equal(names(startAtTask(p, 'Inst* ngin?'))[1]![0], 'Install nginx');
  assert.equal(names(startAtTask(p, 'nginx : Configure nginx'))[1]![0], 'Configure nginx');
  assert.equal(names(startAtTask(p, 'Pin[gx]'))[0]![0], 'Ping');
});

test('no match is a usage error with a suggestion', async () => {
  assert.throws(() => startAtTask({ plays: [], roles: {}, file: 'x', warnings: [] }, 'x'), UsageError);
  const p = await plan();
  assert.throws(() => startAtTask(p, 'Install nginxx'), (err: unknown) => {
    assert.ok(err instanceof UsageError);
    assert.equal(err.message, '--start-at-task: no task named "Install nginxx" (did you mean "Install nginx"?)');
    return true;
  });
});
