// The positional JSON reader behind the Terraform inventories: same values as JSON.parse, positions of
// every value, and syntax errors with the offset of the problem.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { JsonSyntaxError, parseJson } from '../../../src/inventory/terraform-json.js';

test('reads the same values as JSON.parse', () => {
  const samples = [
    '{"a": [1, -2.5e3, 0, true, false, null], "b": {"c": "d\\n\\t\\"\\\\\\/\\u00e9\\ud83d\\ude00"}}',
    '[]',
    '{}',
    '  "text"  ',
    '[{"nested": [[[]]]}, 1e-7, 12.0]',
    '{"dup": 1, "dup": 2}',
  ];
  for (const text of samples) assert.deepEqual(parseJson(text, 'x.json').value, JSON.parse(text), text);
});

test('a byte order mark is allowed; "__proto__" is an ordinary key', () => {
  assert.deepEqual(parseJson('\uFEFF{"a": 1}', 'x.json').value, { a: 1 });
  const value = parseJson('{"__proto__": {"polluted": true}}', 'x.json').value as Record<string, unknown>;
  assert.equal(Object.getPrototypeOf(value), Object.prototype);
  assert.deepEqual(Object.keys(value), ['__proto__']);
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('positionOf names the line and column where a value starts, or its nearest parent', () => {
  const text = '{\n  "resources": [\n    {"name": "a"},\n    {\n      "name":   "b"\n    }\n  ]\n}\n';
  const doc = parseJson(text, 'state.json');
  assert.deepEqual(doc.positionOf([]), { file: 'state.json', line: 1, column: 1 });
  assert.deepEqual(doc.positionOf(['resources']), { file: 'state.json', line: 2, column: 16 });
  assert.deepEqual(doc.positionOf(['resources', 0, 'name']), { file: 'state.json', line: 3, column: 14 });
  assert.deepEqual(doc.positionOf(['resources', 1, 'name']), { file: 'state.json', line: 5, column: 17 });
  assert.deepEqual(doc.positionOf(['resources', 1, 'missing', 'deeper']), { file: 'state.json', line: 4, column: 5 });
  assert.deepEqual(doc.positionOf(['resources', 7]), { file: 'state.json', line: 2, column: 16 });
  assert.deepEqual(doc.keyPositionOf(['resources', 1, 'name']), { file: 'state.json', line: 5, column: 7 });
  assert.deepEqual(doc.keyPositionOf(['resources', 1]), { file: 'state.json', line: 4, column: 5 });
  assert.deepEqual(doc.keyPositionOf(['resources', 1, 'nope']), { file: 'state.json', line: 4, column: 5 });
});

test('syntax errors carry the offset of the problem', () => {
  const cases: [string, RegExp, number][] = [
    ['{"a": 1,}', /expected a "key", found "}"/, 8],
    ['{"a" 1}', /expected ":" after a key/, 5],
    ['[1 2]', /expected "," or "]"/, 3],
    ['{"a": "b', /unterminated string/, 6],
    ['{"a": tru}', /expected a value, found "t"/, 6],
    ['{"a": 1} x', /unexpected "x" after the JSON value/, 9],
    ['"\\x"', /invalid escape \\x/, 1],
    ['"a\nb"', /control character/, 2],
    ['', /expected a value, found end of file/, 0],
    ["{'a': 1}", /expected a "key", found "'"/, 1],
  ];
  for (const [text, message, offset] of cases) {
    assert.throws(() => parseJson(text, 'x.json'), (err: unknown) => {
      assert.ok(err instanceof JsonSyntaxError, text);
      assert.match(err.message, message, text);
      assert.equal(err.offset, offset, text);
      return true;
    });
  }
});
