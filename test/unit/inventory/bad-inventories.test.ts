// Every broken inventory under fixtures/inventories/bad/ must fail with one line naming the exact
// file, line and column, and saying what was expected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError } from '../../../src/errors.js';
import { FIXTURES, configErrorOf } from './inventory-helpers.js';

const BAD = join(FIXTURES, 'bad');

interface Expectation {
  /** The file the error must name, relative to bad/ (default: the fixture itself). */
  file?: string;
  line?: number;
  column?: number;
  message: string;
}

const EXPECTED: Record<string, Expectation> = {
  'syntax.yml': { line: 4, column: 21, message: 'invalid YAML: this quoted string is never closed' },
  'tabs.yml': { line: 3, column: 1, message: 'tabs are not allowed for indentation' },
  'duplicate-key.yml': { line: 5, column: 7, message: 'duplicate key "ansible_host" (first defined at line 4)' },
  'unknown-key.yml': { line: 2, column: 3, message: 'unknown key "host" in group "all": expected hosts, vars or children' },
  'top-level-hosts.yml': { line: 2, column: 1, message: 'unknown top-level key "hosts": top-level keys are group names' },
  'not-mapping.yml': { line: 1, column: 1, message: 'a YAML inventory must be a mapping of group names, found a list' },
  'hosts-list.yml': { line: 5, column: 9, message: 'hosts of group "web" must be a mapping, found a list' },
  'invalid-group.yml': { line: 3, column: 5, message: 'invalid group name "web@prod"' },
  'ansible-port.yml': { line: 4, column: 21, message: 'ansible_port must be a port number 1-65535, got "twenty-two"' },
  'cycle.yml': { line: 5, column: 9, message: 'group "b" cannot be a child of "a": that makes a cycle (a > b > a)' },
  'cycle.ini': { line: 5, column: 1, message: 'group "a" cannot be a child of "b": that makes a cycle (b > a > b)' },
  'unknown-child.ini': { line: 6, column: 1, message: 'unknown child group "dbs" in [prod:children]' },
  'vars-undeclared.ini': { line: 4, column: 2, message: '[webs:vars] is for group "webs", which is never declared' },
  'range-reversed.ini': { line: 2, column: 4, message: 'bad host range "[05:01]": 05 is after 01' },
  'range-mixed.ini': { line: 2, column: 4, message: 'bad host range "[a:3]": the bounds must both be numbers or both single letters' },
  'port-range.ini': { line: 2, column: 6, message: 'bad port 99999: expected a number 1-65535' },
  'ansible-port-inline.ini': { line: 2, column: 6, message: 'ansible_port must be a port number 1-65535, got "ssh"' },
  'unterminated-quote.ini': { line: 2, column: 31, message: 'bad host line: missing closing " quote' },
  'host-var-no-equals.ini': { line: 2, column: 6, message: 'expected key=value after the host name, got "ansible_user"' },
  'vars-no-equals.ini': { line: 5, column: 1, message: 'expected key=value in [web:vars], got "ntp_server 10.0.0.1"' },
  'section-header.ini': { line: 1, column: 1, message: 'invalid section header "[web servers]"' },
  'section-type.ini': { line: 1, column: 6, message: 'unknown section type ":var" in [web:var]' },
  'reserved-group.ini': { line: 1, column: 2, message: '"vars" is a reserved word and cannot name a group' },
  'group-priority.ini': { line: 5, column: 24, message: 'ansible_group_priority must be an integer, got "high"' },
  'empty.ini': { line: 1, column: 1, message: 'inventory file is empty' },
  'group-vars-list': { file: 'group-vars-list/group_vars/web.yml', line: 2, column: 1, message: 'expected a mapping of variable names to values, found a list' },
  'does-not-exist.ini': { message: 'inventory not found (no such file or directory)' },
};

test('every fixture in bad/ has an expectation (and vice versa)', () => {
  const fixtures = readdirSync(BAD).sort();
  const expected = Object.keys(EXPECTED).filter((name) => name !== 'does-not-exist.ini').sort();
  assert.deepEqual(fixtures, expected);
  assert.ok(fixtures.length >= 12);
});

for (const [name, want] of Object.entries(EXPECTED)) {
  test(`bad/${name}`, async () => {
    const err = await configErrorOf(join(BAD, name));
    assert.ok(err instanceof ConfigError);
    const file = join(BAD, want.file ?? name);
    assert.deepEqual(err.position, want.line === undefined ? { file } : { file, line: want.line, column: want.column });
    const where = want.line === undefined ? file : `${file}:${want.line}:${want.column}`;
    assert.ok(err.message.startsWith(`${where}: `), err.message);
    assert.ok(err.message.includes(want.message), `${err.message}\n  should contain: ${want.message}`);
    // One line, then for a YAML syntax error the offending lines with a caret under the column.
    assert.ok(!err.describe().slice(0, err.frame ? -err.frame.length - 1 : undefined).includes('\n'), 'one line');
    if (err.frame) assert.match(err.frame, new RegExp(`\\n {${String(want.line).length + 2}} \\| {${want.column!}}\\^ here$`), err.frame);
    assert.equal(err.code, 'TSI_CONFIG');
  });
}
