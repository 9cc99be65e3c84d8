// Conditions cannot run code or reach JavaScript internals: there is no eval, Function or vm, variables are own data
// properties, and filters and tests come from fixed tables.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ConditionError } from '../../../src/expr/condition-error.js';
import { evaluateExpressionText } from '../../../src/expr/condition.js';

const vars = { obj: { a: 1 }, list: [1], text: 'abc' };

function outcome(text: string): unknown {
  try {
    return evaluateExpressionText(text, vars);
  } catch (err) {
    assert.ok(err instanceof ConditionError, `${text}: ${String(err)}`);
    return 'error';
  }
}

test('prototype paths are undefined', () => {
  const undefinedPaths = [
    'constructor',
    'constructor.constructor',
    'obj.constructor',
    'obj.constructor.constructor',
    "obj['constructor']['constructor']",
    'obj.__proto__',
    '__proto__',
    "obj['__proto__']",
    'list.constructor',
    'text.constructor',
    'obj.toString',
    'obj.hasOwnProperty',
    'obj.__defineGetter__',
    "text['constructor']",
    "list['map']",
  ];
  for (const path of undefinedPaths) {
    assert.equal(outcome(path), 'error', path);
    assert.equal(outcome(`${path} is defined`), false, `${path} is defined`);
  }
});

test('no calls: the only function-like syntax is the fixed filter and test tables', () => {
  const attempts = [
    "constructor.constructor('return process')()",
    "obj.constructor.constructor('return 1')",
    'obj | constructor',
    'obj | __proto__',
    'obj | toString',
    'obj | valueOf',
    'obj is constructor',
    'obj is __proto__',
    'obj is hasOwnProperty',
    "obj | default(obj) | constructor",
    'process.exit(1)',
    'globalThis',
    'require',
  ];
  for (const text of attempts) assert.equal(outcome(text), 'error', text);
});

test('getters and functions in variables are never invoked', () => {
  let called = 0;
  const tricky = {
    fn: () => {
      called++;
      return true;
    },
    obj: {
      get g() {
        called++;
        return true;
      },
    },
  };
  for (const text of ['fn', 'obj.g', 'fn is defined', 'obj.g is defined', "obj['g'] | default(false)"]) {
    try {
      evaluateExpressionText(text, tricky);
    } catch {
      // undefined variable: fine
    }
  }
  assert.equal(called, 0);
  assert.equal(evaluateExpressionText('fn is defined', tricky), false);
});

test('the evaluator uses no eval, Function or vm', () => {
  const dir = join(import.meta.dirname, '../../../src/expr');
  for (const name of readdirSync(dir)) {
    const source = readFileSync(join(dir, name), 'utf8').replace(/\/\/.*$/gm, '');
    assert.doesNotMatch(source, /\beval\s*\(|new\s+Function\b|\bFunction\s*\(|node:vm|from 'vm'/, name);
  }
});
