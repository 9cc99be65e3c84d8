// No template may reach JavaScript internals or run code. Jinja2 (task arguments, `.j2` files, conditions): attribute
// access sees dict keys, list items and the Python methods in our tables, nothing else. Handlebars (`.hbs` files):
// paths see own data properties only, helpers are a fixed set, and handlebars' prototype-access protection stays on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TemplateError } from '../../../src/errors.js';
import { evaluateCondition, renderString, renderText, renderValue } from '../../../src/template/index.js';

const where = { file: 'evil.yaml', line: 1, column: 1 };
const hbsFile = { file: 'evil.conf.hbs' };

function outcome(render: () => unknown): string {
  try {
    const v = render();
    return `ok:${typeof v === 'string' ? v : JSON.stringify(v)}`;
  } catch (err) {
    assert.ok(err instanceof TemplateError, String((err as Error)?.stack ?? err));
    return 'error';
  }
}
const jinja = (text: string, vars: Record<string, unknown>) => outcome(() => renderValue(text, vars, where));
const hbs = (text: string, vars: Record<string, unknown>) => outcome(() => renderText(text, vars, hbsFile));

const pristine = () => {
  for (const proto of [Object.prototype, Array.prototype, String.prototype, Function.prototype]) {
    assert.equal((proto as unknown as Record<string, unknown>).polluted, undefined);
  }
};

test('Jinja2: Python and JavaScript internals are undefined, never reachable', () => {
  const vars = { obj: { a: 1 }, list: [1], text: 'abc', n: 1 };
  const attempts = [
    '{{ obj.__class__ }}',
    '{{ obj.__class__.__mro__ }}',
    "{{ ''.__class__ }}",
    "{{ ''.__class__.__mro__ }}",
    "{{ ''.__class__.__mro__[1].__subclasses__() }}",
    '{{ obj.__dict__ }}',
    '{{ obj.__init__ }}',
    '{{ obj.__globals__ }}',
    '{{ text.__len__() }}',
    '{{ obj.constructor }}',
    '{{ obj.constructor.constructor }}',
    "{{ obj.constructor.constructor('return process')() }}",
    '{{ list.constructor }}',
    '{{ text.constructor }}',
    '{{ n.constructor }}',
    '{{ [].constructor }}',
    '{{ {}.constructor }}',
    '{{ (1).__proto__ }}',
    '{{ obj.__proto__ }}',
    '{{ {}.__proto__ }}',
    '{{ n.__proto__ }}',
    "{{ obj['constructor'] }}",
    "{{ obj['__proto__'] }}",
    "{{ obj['constructor']['constructor'] }}",
    '{{ obj.toString }}',
    '{{ obj.toString() }}',
    '{{ obj.valueOf() }}',
    "{{ obj.hasOwnProperty('a') }}",
    '{{ obj.__defineGetter__ }}',
    // JavaScript method names that are not in our Python method tables
    '{{ text.toUpperCase() }}',
    '{{ text.charAt(0) }}',
    "{{ text.split('').constructor }}",
    '{{ list.push(2) }}',
    "{{ list.concat([2]) }}",
    '{{ list.map }}',
    // globals that are not Jinja's or Ansible's
    '{{ constructor }}',
    '{{ __proto__ }}',
    '{{ toString }}',
    '{{ process }}',
    "{{ process.env }}",
    '{{ globalThis }}',
    '{{ require }}',
    '{{ self }}',
    '{{ self.__init__ }}',
    // the callables we have expose no internals either
    '{{ lookup.constructor }}',
    '{{ lookup.__globals__ }}',
    "{{ lookup.call }}",
    '{{ range.constructor }}',
    '{{ range.__call__ }}',
    '{{ dict.__globals__ }}',
    '{{ namespace().__init__ }}',
    '{{ obj.items.__self__ }}',
    '{{ text.format.__globals__ }}',
    "{{ '{0.__class__}'.format(obj) }}",
    "{{ '{0.constructor}'.format(obj) }}",
    // lookup() finds plugins by name in our own table only
    "{{ lookup('constructor') }}",
    "{{ lookup('__proto__') }}",
    "{{ lookup('toString') }}",
    "{{ lookup('hasOwnProperty') }}",
    "{{ query('constructor') }}",
    "{{ q('__proto__') }}",
    // attr() is attribute access, with the same limits
    "{{ obj | attr('constructor') }}",
    "{{ obj | attr('__proto__') }}",
    "{{ (obj | attr('constructor'))('return process')() }}",
    "{{ text | attr('__class__') }}",
    // unknown filters and tests, including Object.prototype names
    '{{ obj | constructor }}',
    '{{ obj | toString }}',
    '{{ obj | __proto__ }}',
    '{{ obj is constructor }}',
    '{{ obj is hasOwnProperty }}',
    // statements
    "{% set x = obj.__setitem__('a', 2) %}",
    "{% for k in obj.constructor %}{{ k }}{% endfor %}",
    "{% set ns = namespace() %}{% set ns.__proto__ = {'polluted': 1} %}{{ ns.polluted }}",
  ];
  for (const text of attempts) {
    assert.equal(jinja(text, vars), 'error', text);
    assert.equal(outcome(() => renderText(text, vars, { file: 'evil.conf.j2' })), 'error', `${text} in a .j2 file`);
  }
  // conditions read the same way
  assert.throws(() => evaluateCondition('obj.constructor', vars), (err: Error) => /undefined/.test(err.message));
  assert.equal(evaluateCondition('obj.constructor is defined', vars), false);
  assert.equal(evaluateCondition('obj.__proto__ is undefined', vars), true);
  // printing one of our callables shows its name, nothing of its JavaScript
  assert.equal(jinja('{{ lookup }}', vars), 'ok:<function lookup>');
  assert.equal(jinja('{{ text.upper }}', vars), 'ok:<function upper>');
  // the fallbacks work on them
  assert.equal(jinja("{{ obj.constructor | default('safe') }}", vars), 'ok:safe');
  assert.equal(jinja('{{ obj.__proto__ is defined }}', vars), 'ok:false');
  // the Python methods that are ours do work
  assert.equal(jinja("{{ text.upper() }} {{ obj.get('a') }} {{ obj.keys() | list }} {{ list | length }}", vars), "ok:ABC 1 ['a'] 1");
  pristine();
});

test('Jinja2: no way to pollute a prototype', () => {
  const vars = { obj: { a: 1 }, j: '{"__proto__": {"polluted": 1}}' };
  const attempts = [
    "{{ obj.update({'__proto__': {'polluted': 1}}) }}",
    "{{ obj.setdefault('__proto__', {'polluted': 1}) }}",
    "{{ {'__proto__': {'polluted': 1}} }}",
    "{{ dict(__proto__={'polluted': 1}) }}",
    "{{ obj | combine({'__proto__': {'polluted': 1}}) }}",
    "{{ obj | combine({'__proto__': {'polluted': 1}}, recursive=true) }}",
    '{{ j | from_json }}',
    "{{ '__proto__: {polluted: 1}' | from_yaml }}",
    "{{ [{'key': '__proto__', 'value': {'polluted': 1}}] | items2dict }}",
    "{% set ns = namespace() %}{% set ns.__proto__ = {'polluted': 1} %}",
  ];
  for (const text of attempts) {
    try {
      renderValue(text, vars, where);
    } catch {
      /* an error is fine; what matters is below */
    }
    pristine();
    assert.equal(({} as Record<string, unknown>).polluted, undefined, text);
    assert.deepEqual(Object.keys(vars.obj).filter((k) => k !== '__proto__'), ['a'], text);
  }
});

test(
  "Jinja2: '__proto__' is a plain dict key, as in Python",
  () => {
    const j = '{"__proto__": {"x": 1}, "k": 2}';
    const cases: [string, unknown][] = [
      ["{{ {'__proto__': 1} | to_json }}", '{"__proto__": 1}'],
      ["{{ {'__proto__': {'a': 1}} | to_json }}", '{"__proto__": {"a": 1}}'],
      ["{{ {'__proto__': {'a': 1}}['__proto__'].a }}", '1'],
      ["{{ {'__proto__': {'a': 1}}.a is defined }}", false], // a key, not a prototype to inherit from
      ['{{ dict(__proto__=1) | to_json }}', '{"__proto__": 1}'],
      ["{{ {'x': 1} | combine({'__proto__': 2}) | to_json }}", '{"x": 1, "__proto__": 2}'],
      ["{{ (j | from_json)['__proto__'].x }} {{ (j | from_json).k }}", '1 2'],
      ["{{ ('__proto__: 1' | from_yaml).keys() | list }}", ['__proto__']],
      ["{{ [{'key': '__proto__', 'value': 1}] | items2dict | to_json }}", '{"__proto__": 1}'],
    ];
    for (const [text, want] of cases) assert.deepEqual(renderValue(text, { j }, where), want, text);
  },
);

test('Jinja2: own __proto__ and constructor keys in data are plain data', () => {
  const data = JSON.parse('{"__proto__": {"x": 1}, "constructor": "c", "toString": "t"}') as Record<string, unknown>;
  assert.equal(jinja("{{ d.__proto__.x }} {{ d.constructor }} {{ d['toString'] }}", { d: data }), 'ok:1 c t');
  assert.equal(renderValue('{{ d }}', { d: data }, where), data);
  assert.equal(renderString('{{ d.keys() | list }}', { d: data }, where), "['__proto__', 'constructor', 'toString']");
  assert.equal(renderString('{{ d | to_json }}', { d: data }, where), '{"__proto__": {"x": 1}, "constructor": "c", "toString": "t"}');
});

test('Jinja2: functions and getters in variables are not called', () => {
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
  for (const text of ['{{ fn }}', '{{ fn() }}', '{{ obj.getter }}', "{{ obj['getter'] }}", '{% if fn %}x{% endif %}', '{{ obj | attr("getter") }}']) {
    assert.equal(jinja(text, vars), 'error', text);
  }
  assert.equal(jinja("{{ fn | default('no') }}", vars), 'ok:no');
  assert.equal(called, 0);
});

test(
  'Jinja2: a class instance in a variable is an error, not a crash',
  () => {
    const vars = { m: new Map([['a', 1]]), date: new Date(0), set: new Set(['a']), bytes: new Uint8Array(2) };
    for (const text of ['{{ m }}', 'x {{ m }}', '{{ date }}', '{{ set }}', '{{ bytes }}', '{{ [m] }}']) assert.equal(jinja(text, vars), 'error', text);
    assert.equal(jinja("{{ m.get('a') }}", vars), 'error'); // a JavaScript method, not a dict's
  },
);

test('Jinja2: variable values are data, never templates', () => {
  const vars = { payload: "{{ lookup('pipe', 'id') }}", inner: '{{ payload }}', stmt: '{% for x in range(10**9) %}{% endfor %}' };
  assert.equal(renderValue('{{ payload }}', vars, where), vars.payload);
  assert.equal(renderValue('{{ inner }}', vars, where), '{{ payload }}');
  assert.equal(renderString('x {{ stmt }}', vars, where), `x ${vars.stmt}`);
});

test('handlebars (.hbs): prototype and constructor paths are undefined, never functions', () => {
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
    // Jinja syntax is not handlebars: an error, never a way around the rules
    "{{ obj['constructor']['constructor'] }}",
    '{{ obj.constructor | to_json }}',
    '{% for x in obj.constructor %}{{ x }}{% endfor %}',
  ];
  for (const text of attempts) assert.equal(hbs(text, vars), 'error', text);
  assert.equal(hbs('{{default obj.constructor "safe"}}', vars), 'ok:safe');
  assert.equal(hbs('{{defined obj.__proto__}}', vars), 'ok:false');
  assert.equal(hbs('{{length list}} {{list.length}}', vars), 'ok:1 1'); // own data properties are fine
  pristine();
});

test('handlebars (.hbs): functions, getters and class instances in variables are not called', () => {
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
    m: new Map([['a', 1]]),
  };
  assert.equal(hbs('{{fn}}', vars), 'error');
  assert.equal(hbs('{{obj.getter}}', vars), 'error');
  assert.equal(hbs('{{#if fn}}x{{/if}}', vars), 'error');
  assert.equal(hbs('{{default fn "no"}}', vars), 'ok:no');
  assert.equal(hbs('{{m}}', vars), 'error');
  assert.equal(hbs('{{m.size}}', vars), 'error');
  assert.equal(called, 0);
});

test('handlebars (.hbs): own __proto__ and constructor keys in data are plain data', () => {
  const data = JSON.parse('{"__proto__": {"x": 1}, "constructor": "c"}') as Record<string, unknown>;
  assert.equal(hbs('{{d.__proto__.x}} {{d.constructor}}', { d: data }), 'ok:1 c');
  pristine();
});

test(
  'handlebars (.hbs): to_json keeps an own __proto__ key',
  () => {
    const data = JSON.parse('{"__proto__": {"x": 1}, "constructor": "c"}') as Record<string, unknown>;
    assert.equal(hbs('{{to_json d}}', { d: data }), 'ok:{"__proto__":{"x":1},"constructor":"c"}');
  },
);

test('handlebars (.hbs): variable values are data, never templates', () => {
  const vars = { payload: '{{constructor.constructor "return process"}}', inner: '{{payload}}' };
  assert.equal(renderText('{{payload}}', vars, hbsFile), vars.payload);
  assert.equal(renderText('{{inner}}', vars, hbsFile), '{{payload}}');
});
