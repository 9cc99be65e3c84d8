// No template may reach JavaScript internals or run code: paths see own data properties only, helpers are a fixed
// set, and handlebars' own prototype-access protection stays on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TemplateError } from '../../../src/errors.js';
import { renderString, renderValue } from '../../../src/template/render.js';

const where = { file: 'evil.yaml', line: 1, column: 1 };

function outcome(text: string, vars: Record<string, unknown>): string {
  try {
    return `ok:${renderString(text, vars, where)}`;
  } catch (err) {
    assert.ok(err instanceof TemplateError, `${text}: ${String(err)}`);
    return 'error';
  }
}

test('prototype and constructor paths are undefined, never functions', () => {
  const vars = { obj: { a: 1 }, list: [1], text: 'abc', n: 1 };
  const attempts = [
    '{{constructor}}',
    '{{constructor.constructor}}',
    '{{obj.constructor.constructor}}',
    '{{obj.__proto__}}',
    '{{__proto__}}',
    '{{obj.__proto__.polluted}}',
    '{{list.constructor.constructor}}',
    '{{text.constructor}}',
    '{{n.constructor}}',
    '{{obj.toString}}',
    '{{obj.hasOwnProperty}}',
    '{{obj.__defineGetter__}}',
    '{{@root.constructor}}',
    '{{@root.__proto__}}',
    '{{@constructor}}', // an @-name is resolved by handlebars itself: its prototype protection must be on
    '{{@__proto__}}',
    '{{@root.constructor.constructor}}',
    '{{lookup obj "constructor"}}',
    '{{lookup obj "__proto__"}}',
    '{{lookup (lookup obj "constructor") "constructor"}}',
    '{{#with obj.constructor}}{{name}}{{/with}}',
    '{{#each obj.constructor}}{{this}}{{/each}}',
    '{{#with obj}}{{constructor.name}}{{/with}}',
    '{{#each list}}{{constructor.name}}{{/each}}',
    '{{constructor.constructor "return process"}}',
    '{{obj.constructor.constructor "return process.exit(7)"}}',
    '{{#with (lookup obj "constructor")}}{{#with (lookup this "constructor")}}{{this "return 1"}}{{/with}}{{/with}}',
    '{{log "x"}}',
    '{{helperMissing}}',
    '{{blockHelperMissing "x"}}',
    '{{__value "x" "" this "constructor"}}',
    "{{ obj['constructor']['constructor'] }}",
    "{{ obj.constructor | to_json }}",
  ];
  for (const text of attempts) assert.equal(outcome(text, vars), 'error', text);
  assert.equal(outcome('{{default obj.constructor "safe"}}', vars), 'ok:safe');
  assert.equal(outcome('{{defined obj.__proto__}}', vars), 'ok:false');
  assert.equal(outcome('{{length list}} {{list.length}}', vars), 'ok:1 1'); // own data properties are fine
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});

test('functions, getters and class instances in variables are not called', () => {
  let called = 0;
  const vars = {
    fn: () => {
      called++;
      return 'ran';
    },
    obj: {
      get getter() {
        called++;
        return 'ran';
      },
    },
  };
  assert.equal(outcome('{{fn}}', vars), 'error');
  assert.equal(outcome('{{obj.getter}}', vars), 'error');
  assert.equal(outcome('{{#if fn}}x{{/if}}', vars), 'error');
  assert.equal(outcome('{{default fn "no"}}', vars), 'ok:no');
  assert.equal(called, 0);
});

test('own __proto__ and constructor keys in data are plain data', () => {
  const data = JSON.parse('{"__proto__": {"x": 1}, "constructor": "c"}') as Record<string, unknown>;
  assert.equal(outcome('{{d.__proto__.x}} {{d.constructor}}', { d: data }), 'ok:1 c');
  assert.deepEqual(renderValue('{{d}}', { d: data }, where), data);
});

test('variable values are data, never templates', () => {
  const vars = { payload: '{{constructor.constructor "return process"}}', inner: '{{payload}}' };
  assert.equal(renderString('{{payload}}', vars, where), vars.payload);
  assert.equal(renderValue('{{inner}}', vars, where), '{{payload}}');
});
