// docs/modules.md's "Ansible modules → tsinfra" table against the registry and the nearest-by-purpose table: every
// registered module has a row, every module we lack has a "not yet" row, and no "not yet" row names a module we have.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { moduleNames } from '../../../src/modules/registry.js';
import { NEAREST_BY_PURPOSE } from '../../../src/playbook/module-equivalents.js';

const doc = readFileSync(new URL('../../../docs/modules.md', import.meta.url), 'utf8');
const section = doc.slice(doc.indexOf('## Ansible modules → tsinfra'), doc.indexOf('# Module reference'));
const rows = section.split('\n').filter((l) => l.startsWith('| `') || l.startsWith('| tsinfra'));
const namesIn = (cell: string) => [...cell.matchAll(/`([a-z_]+)`/g)].map((m) => m[1]!);
const listed = new Map<string, string>(rows.flatMap((r) => {
  const [, first, status] = r.split('|').map((c) => c.trim());
  return namesIn(first!).map((n): [string, string] => [n, status!]);
}));

test('the modules table lists every registered module and every module we lack', () => {
  assert.ok(rows.length > 0, 'docs/modules.md has the table');
  assert.deepEqual(moduleNames().filter((n) => !listed.has(n)), [], 'registered modules missing from the table');
  assert.deepEqual(Object.keys(NEAREST_BY_PURPOSE).filter((n) => listed.get(n) !== 'not yet'), [], 'modules we lack not listed as "not yet"');
  assert.deepEqual(moduleNames().filter((n) => listed.get(n) === 'not yet'), [], 'registered modules still listed as "not yet"');
});
