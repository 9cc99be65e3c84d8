// Property-based robustness of the loaders: random text, random data dumped to YAML, and mutations of the good
// fixtures (deleted lines, duplicated lines/keys, swapped indentation, byte flips) fed to the inventory loader
// (YAML and INI paths, through temp files) and the playbook loader. Whatever the input: no crash, no hang, and a
// failure is always a TsinfraError (never a TypeError, RangeError, ReferenceError…).
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import fc from 'fast-check';
import { stringify } from 'yaml';
import { TsinfraError } from '../../../src/errors.js';
import { loadInventory } from '../../../src/inventory/load-inventory.js';
import { loadPlaybook } from '../../../src/playbook/load-playbook.js';
import { registryCatalog } from '../../../src/playbook/registry-catalog.js';

const FIXTURES = join(import.meta.dirname, '../../fixtures');
const RUN_TIMEOUT_MS = 3000;
// A fixed seed keeps CI repeatable; FUZZ_SEED=random (or a number) explores further.
const SEED = process.env.FUZZ_SEED === 'random' ? Date.now() % 2 ** 31 : Number(process.env.FUZZ_SEED ?? 20261125);

const work = mkdtempSync(join(tmpdir(), 'tsinfra-fuzz-'));
after(() => rmSync(work, { recursive: true, force: true }));
// A copy of the good playbook project, so mutated playbooks still find their roles and task files.
const project = join(work, 'project');
cpSync(join(FIXTURES, 'playbooks/good'), project, { recursive: true });

const GOOD_INVENTORY_YAML = readFileSync(join(FIXTURES, 'inventories/equiv/hosts.yml'), 'utf8');
const GOOD_INVENTORY_INI = readFileSync(join(FIXTURES, 'inventories/equiv/hosts.ini'), 'utf8');
const GOOD_PLAYBOOKS = ['site.yml', 'web.yml'].map((f) => readFileSync(join(project, f), 'utf8'));

// ---- generators

/** Line-level and byte-level mutations of a good file. */
function mutated(text: string): fc.Arbitrary<string> {
  const lines = text.split('\n');
  const n = lines.length;
  const mutation = fc.oneof(
    fc.integer({ min: 0, max: n - 1 }).map((i) => (ls: string[]) => ls.filter((_, j) => j !== i)), // delete a line
    fc.integer({ min: 0, max: n - 1 }).map((i) => (ls: string[]) => [...ls.slice(0, i + 1), ls[i] ?? '', ...ls.slice(i + 1)]), // duplicate (keys)
    fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: 0, max: n - 1 })).map(([i, j]) => (ls: string[]) => {
      // swap the indentation of two lines
      const out = [...ls];
      const ind = (s: string) => /^\s*/.exec(s)![0];
      out[i] = ind(ls[j] ?? '') + (ls[i] ?? '').trimStart();
      out[j] = ind(ls[i] ?? '') + (ls[j] ?? '').trimStart();
      return out;
    }),
    fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.integer({ min: -4, max: 4 })).map(([i, d]) => (ls: string[]) => {
      const out = [...ls]; // shift one line's indentation
      out[i] = d > 0 ? ' '.repeat(d) + (ls[i] ?? '') : (ls[i] ?? '').slice(Math.min(-d, /^\s*/.exec(ls[i] ?? '')![0].length));
      return out;
    }),
    fc.tuple(fc.integer({ min: 0, max: n - 1 }), fc.constantFrom('\t', '- ', ': ', '"', "'", '{', '[', '&a ', '*a', '!x ', '%', '#', '---', '=')).map(
      ([i, s]) => (ls: string[]) => ls.map((l, j) => (j === i ? s + l : l)),
    ),
  );
  const lineMutations = fc.array(mutation, { minLength: 1, maxLength: 4 }).map((ms) => ms.reduce((ls, m) => m(ls), lines).join('\n'));
  const byteFlips = fc.array(fc.tuple(fc.nat(), fc.integer({ min: 0, max: 255 })), { minLength: 1, maxLength: 6 }).map((flips) => {
    const buf = Buffer.from(text);
    for (const [at, byte] of flips) buf[at % buf.length] = byte;
    return buf.toString('latin1');
  });
  return fc.oneof(lineMutations, byteFlips);
}

/** Keys a plain object answers from its prototype: user keys must never reach those. */
const PROTO_KEYS = ['toString', 'constructor', '__proto__', 'hasOwnProperty', 'valueOf', 'isPrototypeOf'];
const protoKey = fc.constantFrom(...PROTO_KEYS);

const yamlishChars = fc.constantFrom(...'ab:-_ \n\t[]{},"\'&*!|>#%@`=?0123456789.\\'.split(''));
const randomText = fc.oneof(fc.string({ maxLength: 200 }), fc.string({ unit: yamlishChars, maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 80 }));
const randomData = fc.jsonValue({ maxDepth: 4 }).map((v) => stringify(v));
/** Shapes close to an inventory: groups, hosts, vars, children with random values. */
const inventoryish = fc
  .dictionary(
    fc.oneof(fc.constantFrom('all', 'web', 'db', 'ungrouped', 'hosts', 'vars', 'children'), protoKey, fc.string({ maxLength: 8 })),
    fc.record({ hosts: fc.anything({ maxDepth: 2 }), vars: fc.anything({ maxDepth: 2 }), children: fc.anything({ maxDepth: 2 }) }, { requiredKeys: [] }),
    { maxKeys: 3 },
  )
  .map((v) => stringify(v));
/** Shapes close to a playbook: plays with random keyword values and tasks. */
const playbookish = fc
  .array(
    fc.record(
      {
        hosts: fc.anything({ maxDepth: 1 }),
        vars: fc.anything({ maxDepth: 2 }),
        tasks: fc.array(
          fc.dictionary(fc.oneof(fc.constantFrom('name', 'debug', 'file', 'copy', 'when', 'loop', 'notify', 'tags', 'become', 'args', 'register', 'block', 'loop_control'), protoKey), fc.anything({ maxDepth: 2 }), { maxKeys: 4 }),
          { maxLength: 3 },
        ),
        toString: fc.anything({ maxDepth: 1 }),
        roles: fc.anything({ maxDepth: 2 }),
        serial: fc.anything({ maxDepth: 1 }),
      },
      { requiredKeys: [] },
    ),
    { maxLength: 3 },
  )
  .map((v) => stringify(v));

// ---- the property

let counter = 0;
async function expectOnlyTsinfraErrors(run: () => Promise<unknown>, input: string): Promise<void> {
  try {
    await run();
  } catch (err) {
    if (err instanceof TsinfraError) {
      assert.equal(typeof err.message, 'string');
      return;
    }
    throw new Error(`not a TsinfraError for input ${JSON.stringify(input)}: ${(err as Error)?.stack ?? err}`);
  }
}

function check(arb: fc.Arbitrary<string>, numRuns: number, load: (text: string) => Promise<unknown>): Promise<void> {
  return fc.assert(
    fc.asyncProperty(arb, (text) => expectOnlyTsinfraErrors(() => load(text), text)),
    { numRuns, seed: SEED, endOnFailure: true, timeout: RUN_TIMEOUT_MS }, // a run over the time limit fails: no hangs
  );
}

function inventoryFile(ext: string, text: string): string {
  const file = join(work, `inv-${counter++}${ext}`);
  writeFileSync(file, text, 'latin1');
  return file;
}

const loadYamlInventory = (text: string) => loadInventory(inventoryFile('.yml', text));
const loadIniInventory = (text: string) => loadInventory(inventoryFile('.ini', text));
const loadPlaybookText = (text: string) => {
  const file = join(project, `fuzz-${counter++}.yml`);
  writeFileSync(file, text, 'latin1');
  return loadPlaybook(file, { rolesPath: [], catalog: registryCatalog, projectDir: project });
};

test(`fuzz seed ${SEED} (FUZZ_SEED=${SEED} to replay)`, () => {});

test('YAML inventory loader: random text, random data, inventory-shaped data, mutated good inventory', async () => {
  await check(fc.oneof(randomText, randomData, inventoryish), 120, loadYamlInventory);
  await check(mutated(GOOD_INVENTORY_YAML), 120, loadYamlInventory);
});

test('INI inventory loader: random text and mutated good inventory', async () => {
  await check(randomText, 80, loadIniInventory);
  await check(mutated(GOOD_INVENTORY_INI), 120, loadIniInventory);
});

test('playbook loader: random text, random data, playbook-shaped data, mutated good playbooks', async () => {
  await check(fc.oneof(randomText, randomData, playbookish), 120, loadPlaybookText);
  await check(fc.oneof(...GOOD_PLAYBOOKS.map(mutated)), 120, loadPlaybookText);
});

test('keys named like Object.prototype members are plain unknown keys or data, everywhere', async () => {
  for (const key of PROTO_KEYS) {
    const q = JSON.stringify(key);
    const bad = [
      `- hosts: all\n  ${q}: false\n`,
      `- hosts: all\n  tasks:\n    - name: t\n      ${q}: 1\n`,
      `- hosts: all\n  tasks:\n    - debug: { msg: hi }\n      loop: [1]\n      loop_control: { ${q}: x }\n`,
      `- hosts: all\n  tasks:\n    - file: { path: /tmp/x, ${q}: 1 }\n`,
      `- hosts: all\n  roles:\n    - { role: base, ${q}: 1 }\n`,
    ];
    for (const text of bad) await assert.rejects(loadPlaybookText(text), TsinfraError, text);
    const text = `all:\n  hosts:\n    h1:\n      ${q}: data\n`;
    if (key === '__proto__') {
      await assert.rejects(loadYamlInventory(text), /variable name "__proto__" is not allowed/);
      continue;
    }
    const inventory = await loadYamlInventory(text);
    const vars = inventory.hosts.get('h1')!.vars;
    assert.equal(Object.getPrototypeOf(vars), Object.prototype, `${key} did not replace the prototype`);
    assert.ok(Object.hasOwn(vars, key) && vars[key] === 'data', `${key} is kept as a variable`);
  }
});

test('a merge key (<<) on a scalar is an invalid-YAML error at that key', async () => {
  const text = 'all:\n  children:\n    web:\n      <<: true\n';
  await assert.rejects(loadYamlInventory(text), /:4:7: invalid YAML: a merge key \(<<\) must be followed by a mapping/);
  await assert.rejects(loadPlaybookText('- hosts: all\n  vars:\n    <<: 3\n'), /:3:5: invalid YAML: a merge key/);
});

test('known crashers stay fixed: an alias without its anchor, and an alias bomb', async () => {
  for (const text of ['a: *nope\n', 'all:\n  vars:\n    x: *y\n', 'a: &a [1, 1, 1, 1, 1, 1, 1, 1, 1, 1]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]\n']) {
    await assert.rejects(loadYamlInventory(text), TsinfraError);
    await assert.rejects(loadPlaybookText(text), TsinfraError);
  }
});
