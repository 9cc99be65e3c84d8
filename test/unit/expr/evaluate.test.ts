import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConditionError } from '../../../src/expr/condition-error.js';
import { evaluateExpressionText } from '../../../src/expr/condition.js';
import { secret } from '../../../src/shell/secret.js';

const vars = {
  result: { rc: 0, changed: true, failed: false, stdout: 'hello world', stdout_lines: ['hello world'], stderr: '' },
  failed_result: { rc: 2, failed: true, changed: false },
  skipped_result: { skipped: true, changed: false },
  status_result: { status: 'changed' },
  unreachable_result: { status: 'unreachable' },
  facts: { os: { id: 'debian', version: 12 } },
  item: { name: 'ann', groups: ['sudo', 'adm'] },
  hostvars: { web1: { ip: '10.0.0.1' }, 'db-1': { ip: '10.0.0.2' } },
  inventory_hostname: 'web1',
  xs: [1, 'a', null],
  m: { k: 'v' },
  n: 5,
  f: 2.5,
  zero: 0,
  empty: '',
  nothing: null,
  yes_text: 'yes',
  num_text: ' 42 ',
  float_text: '3.7',
  pw: secret('hunter2'),
  numkeys: { '1': 'one' },
};

const ev = (text: string) => evaluateExpressionText(text, vars);

test('literals, paths and indexing', () => {
  const cases: [string, unknown][] = [
    ['1', 1],
    ['-1.5', -1.5],
    ["'a'", 'a'],
    ['"b"', 'b'],
    ['true', true],
    ['True', true],
    ['False', false],
    ['None', null],
    ['null', null],
    ["[1, 'a', [true]]", [1, 'a', [true]]],
    ['result.rc', 0],
    ['facts.os.id', 'debian'],
    ['item.name', 'ann'],
    ["hostvars['web1'].ip", '10.0.0.1'],
    ['hostvars["db-1"]["ip"]', '10.0.0.2'],
    ['hostvars[inventory_hostname].ip', '10.0.0.1'],
    ['xs[0]', 1],
    ['xs[-1]', null],
    ['xs.1', 'a'],
    ['item.groups[1]', 'adm'],
    ["'abc'[1]", 'b'],
    ['numkeys[1]', 'one'],
    ['m', { k: 'v' }],
  ];
  for (const [text, want] of cases) assert.deepEqual(ev(text), want, text);
});

test('comparisons', () => {
  const cases: [string, boolean][] = [
    ['result.rc == 0', true],
    ['result.rc != 0', false],
    ['n > 3', true],
    ['n >= 5', true],
    ['n < 5', false],
    ['n <= 4', false],
    ['f < n', true],
    ["'abc' < 'abd'", true],
    ['1 < n <= 5', true],
    ['1 < n < 5', false],
    ["facts.os.id == 'debian'", true],
    ['facts.os.version == 12', true],
    ["facts.os.version == '12'", false], // no type juggling
    ['nothing == None', true],
    ["xs == [1, 'a', None]", true],
    ["pw == 'hunter2'", true], // a secret compares by value
    ["'a' in xs", true],
    ["'b' in xs", false],
    ['None in xs', true],
    ["'b' not in xs", true],
    ["'world' in result.stdout", true],
    ["'k' in m", true],
    ["'v' in m", false],
    ["'sudo' in item.groups and 'wheel' not in item.groups", true],
    ["[1, 2] in [[1, 2]]", true],
  ];
  for (const [text, want] of cases) assert.equal(ev(text), want, text);
});

test('logic is short-circuit and Python-truthy', () => {
  const cases: [string, boolean][] = [
    ['not zero', true],
    ['not empty', true],
    ['not nothing', true],
    ['not xs', false],
    ['not []', true],
    ['not m', false],
    ['not pw', false],
    ['true and n', true],
    ['zero or empty', false],
    ['missing is defined and missing > 1', false], // the right side is never evaluated
    ['missing is undefined or missing > 1', true],
    ['not a_missing is defined', true],
    ['(n > 1 or missing) and n < 9', true],
  ];
  for (const [text, want] of cases) assert.equal(ev(text), want, text);
});

test('tests (is …)', () => {
  const cases: [string, boolean][] = [
    ['missing is defined', false],
    ['missing is undefined', true],
    ['missing is not defined', true],
    ['missing.deep.path is defined', false],
    ['facts.os.codename is defined', false],
    ['facts.os.id is defined', true],
    ['nothing is defined', true],
    ['nothing is none', true],
    ['zero is none', false],
    ['result.changed is true', true],
    ['result.failed is false', true],
    ['n is true', false],
    ['result is changed', true],
    ['result is failed', false],
    ['result is succeeded', true],
    ['result is success', true],
    ['result is skipped', false],
    ['failed_result is failed', true],
    ['failed_result is not succeeded', true],
    ['skipped_result is skipped', true],
    ['status_result is changed', true],
    ['unreachable_result is unreachable', true],
    ['unreachable_result is succeeded', false],
    ["result.stdout is search('wor')", true],
    ["result.stdout is search('^wor')", false],
    ["result.stdout is match('hel+o')", true],
    ["result.stdout is match('world')", false],
    ["'v1.2' is search('\\d+\\.\\d+')", true],
    ['n is number', true],
    ['n is string', false],
    ['yes_text is string', true],
    ['m is mapping', true],
    ['xs is sequence', true],
    ['zero is boolean', false],
  ];
  for (const [text, want] of cases) assert.equal(ev(text), want, text);
});

test('filters (| …)', () => {
  const cases: [string, unknown][] = [
    ['xs | length', 3],
    ['m | length', 1],
    ['result.stdout | length', 11],
    ['xs | count', 3],
    ['num_text | int', 42],
    ['float_text | int', 3],
    ['float_text | float', 3.7],
    ['f | int', 2],
    ['true | int', 1],
    ['yes_text | bool', true],
    ["'No' | bool", false],
    ["'off' | bool", false],
    ['1 | bool', true],
    ['nothing | bool', false],
    ['n | string', '5'],
    ["'AbC' | lower", 'abc'],
    ["'AbC' | upper", 'ABC'],
    ["'  x ' | trim", 'x'],
    ['item.groups | first', 'sudo'],
    ['item.groups | last', 'adm'],
    ['missing | default(3)', 3],
    ['missing.deep | d("x")', 'x'],
    ['nothing | default(3)', 3],
    ['empty | default("e")', ''],
    ['empty | default("e", true)', 'e'],
    ['n | default(3)', 5],
    ['result.stdout_lines | length > 0', true],
  ];
  for (const [text, want] of cases) assert.deepEqual(ev(text), want, text);
});

function failure(text: string): { message: string; column?: number; hint?: string } {
  try {
    ev(text);
  } catch (err) {
    assert.ok(err instanceof ConditionError, `${text}: ${String(err)}`);
    return { message: err.message, column: err.column, hint: err.hint };
  }
  return assert.fail(`${text} should fail`);
}

test('evaluation errors: exact messages, columns and hints', () => {
  const cases: [string, string, number, string?][] = [
    ['vpn_cidr == 1', 'undefined variable "vpn_cidr" at column 1 in condition: vpn_cidr == 1', 1,
      'check it first (vpn_cidr is defined and …) or give a fallback (vpn_cidr | default(…))'],
    ['n == 5 and facts.os.codename == "x"', 'undefined variable "facts.os.codename" at column 12 in condition: n == 5 and facts.os.codename == "x"', 12,
      '"facts.os" has: id, version'],
    ["hostvars['web9'].ip == 1", `undefined variable "hostvars['web9'].ip" at column 1 in condition: hostvars['web9'].ip == 1`, 1,
      '"hostvars" has: web1, db-1'],
    ['missing.a.b', 'undefined variable "missing.a.b" at column 1 in condition: missing.a.b', 1],
    ['xs[7] == 1', 'undefined variable "xs[7]" at column 1 in condition: xs[7] == 1', 1],
    ['not missing', 'undefined variable "missing" at column 5 in condition: not missing', 5],
    ["'a' in missing", 'undefined variable "missing" at column 8 in condition: \'a\' in missing', 8],
    ['missing | length', 'undefined variable "missing" at column 1 in condition: missing | length', 1],
    ['missing is none', 'undefined variable "missing" at column 1 in condition: missing is none', 1],
    ['yes', 'undefined variable "yes" at column 1 in condition: yes', 1, 'YAML reads yes as text here: write true or false'],
    ['n > "a"', 'cannot compare number with string using > at column 3 in condition: n > "a"', 3, 'convert first, e.g. x | int'],
    ['xs < xs', 'cannot compare list with list using < at column 4 in condition: xs < xs', 4],
    ['1 in n', '"in" needs a list, text or a map on the right, got number at column 3 in condition: 1 in n', 3],
    ['1 in result.stdout', '"in" text needs text on the left, got number at column 3 in condition: 1 in result.stdout', 3],
    ['n | frob', 'unknown filter "frob" at column 5 in condition: n | frob', 5],
    ['n is frob', 'unknown test "frob" at column 6 in condition: n is frob', 6],
    ['n | length', 'length: expected text, a list or a map, got number at column 5 in condition: n | length', 5],
    ['n | length(1)', 'length takes 0 arguments, got 1 at column 5 in condition: n | length(1)', 5],
    ['n | default', 'default takes 1 to 2 arguments, got 0 at column 5 in condition: n | default', 5],
    ['yes_text | int', 'int: cannot convert string "yes" to a number at column 12 in condition: yes_text | int', 12],
    ["'maybe' | bool", 'bool: cannot read string "maybe" as true or false at column 11 in condition: \'maybe\' | bool', 11],
    ['n is changed', 'changed: "changed" tests a registered task result, got number at column 6 in condition: n is changed', 6],
    ["n is search('x')", 'search: expected text, got number at column 6 in condition: n is search(\'x\')', 6],
    ["result.stdout is search('(')", 'search: bad pattern: Invalid regular expression: /(/: Unterminated group at column 18 in condition: result.stdout is search(\'(\')', 18],
    ['xs[m]', 'an index must be text or a whole number, got map at column 4 in condition: xs[m]', 4],
    ['-empty', 'cannot negate string at column 1 in condition: -empty', 1],
    ['[] | first', 'first: the list is empty at column 6 in condition: [] | first', 6],
  ];
  for (const [text, message, column, hint] of cases) {
    const f = failure(text);
    assert.equal(f.message, message, text);
    assert.equal(f.column, column, text);
    if (hint) assert.equal(f.hint, hint, text);
  }
});
