// The loader with the real module registry: the good playbook loads, and argument problems land on the argument.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { registryCatalog } from '../../../src/playbook/registry-catalog.js';
import { BAD, GOOD, load, problemsOf } from './playbook-helpers.js';

test('the good playbook loads with the real modules', async () => {
  const plan = await load(join(GOOD, 'site.yml'), { catalog: registryCatalog });
  assert.equal(plan.plays.length, 2);
});

test('module argument problems from the registry point at the argument', async () => {
  const err = await problemsOf(join(BAD, 'module-args.yml'), { catalog: registryCatalog, projectDir: BAD });
  const at = err.problems.map((p) => [p.position.line, p.position.column, /: (apt|copy|file)[.:]/.exec(p.message)?.[1]]);
  assert.deepEqual(at, [
    [6, 16, 'apt'],
    [8, 7, 'copy'],
    [13, 9, 'file'],
    [17, 15, 'file'],
    [23, 9, 'copy'],
  ]);
});
