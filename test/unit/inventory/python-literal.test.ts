import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseIniValue, parsePythonLiteral } from '../../../src/inventory/python-literal.js';

test('values Python literal_eval accepts get their Python type', () => {
  const cases: [string, unknown][] = [
    ['22', 22],
    ['-5', -5],
    ['+7', 7],
    ['1_000', 1000],
    ['0x1F', 31],
    ['0o17', 15],
    ['0b101', 5],
    ['00', 0],
    ['1.5', 1.5],
    ['.5', 0.5],
    ['1e3', 1000],
    ['True', true],
    ['False', false],
    ['None', null],
    ["'22'", '22'],
    ['"a b"', 'a b'],
    ["'a' 'b'", 'ab'],
    ["'it\\'s'", "it's"],
    ["'tab\\there'", 'tab\there'],
    ["'\\x41\\u00e9'", 'Aé'],
    ["r'C:\\dir'", 'C:\\dir'],
    ["'unknown \\d escape'", 'unknown \\d escape'],
    ["b'bytes'", 'bytes'],
    ["[1, 'a', None]", [1, 'a', null]],
    ['[1, 2,]', [1, 2]],
    ['(1, 2)', [1, 2]],
    ['(1,)', [1]],
    ['()', []],
    ['(5)', 5],
    ['1, 2', [1, 2]],
    ["{'a': 1, 'b': [True]}", { a: 1, b: [true] }],
    ['{1: "x"}', { 1: 'x' }],
    ['{}', {}],
    ['{1, 2, 1}', [1, 2]],
    ['set()', []],
    ['...', '...'],
    ['8080 # the web port', 8080],
    ['12345678901234567890', '12345678901234567890'],
  ];
  for (const [text, expected] of cases) assert.deepEqual(parsePythonLiteral(text), { ok: true, value: expected }, text);
});

test('anything else stays the text, as in Ansible', () => {
  for (const text of ['', 'yes', 'true', 'FALSE', 'prod', '0644', '09', '10-5', '1+2j', '3j', '--5', 'a b', "'open", 'f"x"', '[1, 2', '/usr/bin # x', 'x=1', '1abc', '{[1]: 2}']) {
    assert.deepEqual(parsePythonLiteral(text), { ok: false }, text);
    assert.equal(parseIniValue(text), text);
  }
});
