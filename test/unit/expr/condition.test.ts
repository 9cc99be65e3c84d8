import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ExpressionError } from '../../../src/errors.js';
import { ConditionError } from '../../../src/expr/condition-error.js';
import { checkCondition, evaluateCondition, type ConditionSite } from '../../../src/expr/condition.js';

const where: ConditionSite = { file: 'roles/x/tasks/main.yaml', line: 12, column: 13, task: 'Restart' };
const vars = { result: { rc: 0, changed: true, stdout: 'ok' }, n: 5, flag: 'false', items: [] };

function error(condition: Parameters<typeof evaluateCondition>[0], site?: ConditionSite): ConditionError {
  try {
    evaluateCondition(condition, vars, site);
  } catch (err) {
    assert.ok(err instanceof ConditionError);
    assert.ok(err instanceof ExpressionError);
    assert.equal(err.code, 'TSI_EXPRESSION');
    return err;
  }
  return assert.fail(`${JSON.stringify(condition)} should fail`);
}

test('strings, booleans and lists (all must hold)', () => {
  const cases: [Parameters<typeof evaluateCondition>[0], boolean][] = [
    ['result.rc == 0', true],
    ['result is changed and n > 3', true],
    [true, true],
    [false, false],
    [[], true],
    [['result.rc == 0', 'n == 5'], true],
    [['result.rc == 0', 'n == 4'], false],
    [[true, 'n == 5'], true],
    [['n == 4', 'missing > 1'], false], // stops at the first false item
    ['{{ n == 5 }}', true], // Ansible's wrapped form is accepted
    ['  {{n == 4}}  ', false],
    ['items | length == 0', true],
    ['flag | bool', false],
  ];
  for (const [condition, want] of cases) assert.equal(evaluateCondition(condition, vars, where), want, JSON.stringify(condition));
});

test('the result must be true or false', () => {
  const err = error('flag', where);
  assert.equal(
    err.message,
    'roles/x/tasks/main.yaml:12:13 (task "Restart"): the condition gave string ("false"), not true or false in condition: flag',
  );
  assert.equal(err.hint, 'compare it (x == "yes", x | length > 0) or convert it (x | bool)');
  assert.equal(error('n').message, 'the condition gave number, not true or false in condition: n');
  assert.equal(error('items').message, 'the condition gave list, not true or false in condition: items');
  assert.equal(error(['n == 5', 'result']).message, 'the condition gave map, not true or false in condition: result');
});

test('errors name the site, the column and show a caret', () => {
  const err = error('result.rc = 0', where);
  assert.equal(err.message, 'roles/x/tasks/main.yaml:12:13 (task "Restart"): unexpected "=" at column 11 in condition: result.rc = 0');
  assert.equal(err.column, 11);
  assert.equal(err.expression, 'result.rc = 0');
  assert.equal(
    err.describe(),
    'roles/x/tasks/main.yaml:12:13 (task "Restart"): unexpected "=" at column 11 in condition: result.rc = 0 (hint: compare with ==)\n' +
      '  result.rc = 0\n' +
      '            ^',
  );
  const undef = error('n == 5 and vpn_up', where);
  assert.equal(undef.message, 'roles/x/tasks/main.yaml:12:13 (task "Restart"): undefined variable "vpn_up" at column 12 in condition: n == 5 and vpn_up');
  assert.equal(undef.describe().split('\n').slice(1).join('\n'), '  n == 5 and vpn_up\n             ^');
  // a wrapped condition reports columns within the unwrapped expression
  assert.equal(error('{{ n == missing }}').message, 'undefined variable "missing" at column 6 in condition: n == missing');
  // a multi-line (folded YAML) expression shows on one line
  assert.equal(error('n == 5 and\n  nope').describe().split('\n').slice(1).join('\n'), '  n == 5 and   nope\n               ^');
});

test('bad condition values', () => {
  assert.equal(error(5 as never).message, 'a condition is an expression, true/false or a list of those, got number in condition: 5');
  assert.equal(error([['x']] as never).message, 'a condition is an expression, true/false or a list of those, got list in condition: x');
  assert.equal(error(null as never, where).message, 'roles/x/tasks/main.yaml:12:13 (task "Restart"): a condition is an expression, true/false or a list of those, got null in condition: null');
  assert.equal(error('').message, 'empty condition at column 1 in condition: ');
});

test('checkCondition: syntax at load time, with warnings', () => {
  assert.deepEqual(checkCondition('x == 1 and y is defined'), []); // undefined variables are fine before a run
  assert.deepEqual(checkCondition([true, 'a', '{{ b }}'], where), [
    'roles/x/tasks/main.yaml:12:13 (task "Restart"): conditions are expressions already: drop the {{ }} around them: {{ b }}',
  ]);
  assert.throws(() => checkCondition(['a', 'b ='], where), {
    message: 'roles/x/tasks/main.yaml:12:13 (task "Restart"): unexpected "=" at column 3 in condition: b =',
  });
  assert.throws(() => checkCondition('{{ a }} == 1'), { message: 'unexpected "{" at column 1 in condition: {{ a }} == 1' });
});
