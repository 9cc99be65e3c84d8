// `tsinfra inventory --graph [GROUP] [--vars]`, differential: the same text as `ansible-inventory -i INV --graph`
// on an INI inventory (ungrouped hosts, nested :children, an empty group, :vars) and a YAML one (nested children, a
// host in two groups, group_vars/ and host_vars/, values of every YAML type), and the same exit code for a group
// that does not exist.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { inBatches, oracleDir } from '../../support/ansible-cli.js';

const DIR = join(import.meta.dirname, '../../fixtures/inventory-graph');
const INI = join(DIR, 'hosts.ini');
const YAML = join(DIR, 'yaml/hosts.yml');
const o = oracleDir('tsinfra-graph-');

const CASES: [string, string[]][] = [
  [INI, []],
  [INI, ['--vars']],
  [INI, ['prod']],
  [YAML, []],
  [YAML, ['--vars']],
  [YAML, ['cloud', '--vars']],
  [YAML, ['monitoring']],
  [YAML, ['nosuch']],
];

const runs = inBatches(CASES.map(([inv, args]) => () => Promise.all([o.ansible('ansible-inventory', ['-i', inv, '--graph', ...args]), o.tsinfra(['inventory', '-i', inv, '--graph', ...args])])), 4);

for (const [i, [inv, args]] of CASES.entries()) {
  test(`inventory --graph ${args.join(' ')} on ${inv.slice(DIR.length + 1)}: as ansible-inventory`, async () => {
    const [ansible, ours] = await runs[i]!;
    assert.equal(ours.code, ansible.code, `${ansible.stderr}\n${ours.stderr}`);
    if (ansible.code !== 0) return assert.equal(ansible.code, 5); // a group that does not exist
    assert.match(ansible.stdout, /^@\w+:\n {2}\|--/);
    assert.equal(ours.stdout, ansible.stdout);
  });
}
