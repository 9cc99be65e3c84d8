// The templating facade (src/template/index.ts) for YAML strings and template files: Jinja2 with ansible-core 2.14's
// rules. Expected values were checked against ansible-core 2.14's Templar (jinja2_native off).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TemplateError } from '../../../src/errors.js';
import { checkTemplate, renderString, renderText, renderValue, type TemplateSite } from '../../../src/template/index.js';
import { secret } from '../../../src/shell/secret.js';

const inTask: TemplateSite = { file: 'roles/x/tasks/main.yaml', line: 12, column: 9, task: 'Install packages' };
const inFile: TemplateSite = { file: 'roles/x/templates/wg0.conf.j2', task: 'Write config' };
const SITE = 'roles/x/tasks/main.yaml:12:9 (task "Install packages")';

const vars = {
  name: 'web1',
  port: 22,
  f: 1.5,
  zero: 0,
  on: true,
  off: false,
  nothing: null,
  empty: '',
  xs: [1, 2, 3],
  nolist: [],
  nomap: {},
  users: [
    { name: 'ann', shell: '/bin/bash' },
    { name: 'bob', shell: '/bin/sh' },
  ],
  facts: { os: { family: 'debian', id: 'debian', version: 12 } },
  hostvars: { web1: { ip: '10.0.0.1' }, 'db-1': { ip: '10.0.0.2' } },
  braces: '{{ not rendered again }}',
};

function render(text: string, v: Record<string, unknown> = vars, where: TemplateSite = inTask): string {
  return renderString(text, v, where);
}

function renderError(text: string, v: Record<string, unknown> = vars, where: TemplateSite = inTask, how: 'string' | 'text' = 'string'): TemplateError {
  try {
    if (how === 'text') renderText(text, v, where);
    else renderString(text, v, where);
  } catch (err) {
    assert.ok(err instanceof TemplateError, `expected a TemplateError, got ${String((err as Error)?.stack ?? err)}`);
    return err;
  }
  assert.fail(`expected ${JSON.stringify(text)} to fail`);
}

test('renderString: expressions print as Python prints them', () => {
  const cases: [string, string][] = [
    ['plain text', 'plain text'],
    ['', ''],
    ['{{ name }}', 'web1'],
    ['{{name}}', 'web1'],
    ['Host {{ name }}:{{ port }}', 'Host web1:22'],
    ["{{ facts.os.id }} {{ facts.os['version'] }}", 'debian 12'],
    ['{{ zero }}|{{ on }}|{{ off }}|{{ nothing }}|{{ empty }}', '0|True|False||'],
    ['{{ xs }}', '[1, 2, 3]'],
    ['x {{ facts.os }}', "x {'family': 'debian', 'id': 'debian', 'version': 12}"],
    ['{{ on }}', 'True'],
    ['{{ users[1].name }} {{ users.1.name }} {{ xs[0] }} {{ xs[-1] }}', 'bob bob 1 3'],
    ["{{ hostvars['db-1'].ip }}", '10.0.0.2'],
    ['{{ braces }}', '{{ not rendered again }}'], // a variable's value is not templated again
    ['{{ "literal" }} {{ 5 }} {{ true }} {{ none }}', 'literal 5 True '],
    ['<{{ name }}> & "{{ name }}"', '<web1> & "web1"'], // no HTML escaping
    ["{{ '{{' }}name}}", '{{name}}'],
    ['{% raw %}{{ name }}{% endraw %}', '{{ name }}'],
    ['a {# a comment #}b', 'a b'],
    ['  {{- name -}}  !', 'web1!'],
    ["{{ name | upper }}-{{ name | replace('1', '2') }}", 'WEB1-web2'],
    ["{{ xs | join(',') }} {{ xs | map('string') | join('+') }}", '1,2,3 1+2+3'],
    ["{{ users | map(attribute='name') | join(' ') }}", 'ann bob'],
    ["{{ users | selectattr('shell', 'equalto', '/bin/sh') | map(attribute='name') | first }}", 'bob'],
    ["{{ 'yes' if on else 'no' }}", 'yes'],
    ["{{ name ~ '-' ~ port }}", 'web1-22'],
    ['{{ port * 2 }} {{ 7 // 2 }} {{ 7 / 2 }} {{ 2 ** 10 }} {{ 7 % 3 }}', '44 3 3.5 1024 1'],
    ['{{ 1.0 }} {{ 0.1 + 0.2 }} {{ 1e20 }} {{ 10 / 5 }}', '1.0 0.30000000000000004 1e+20 2.0'],
    ['{{ xs | sum }} {{ xs | max }} {{ (xs | length) > 2 }}', '6 3 True'],
    ["{{ 'web' in name }} {{ 4 in xs }}", 'True False'],
    ['{{ name is string }} {{ xs is iterable }} {{ missing is undefined }}', 'True True True'],
    ["{{ missing | default('fb') }}|{{ nothing | default('fb') }}|{{ empty | default('fb', true) }}", 'fb||fb'], // None is defined
    ['{{ facts.os.keys() | list }}', "['family', 'id', 'version']"],
    ["{{ name.upper() }} {{ name.startswith('web') }} {{ '%s:%d' % (name, port) }} {{ '{}-{}'.format(name, port) }}", 'WEB1 True web1:22 web1-22'],
    ['{{ name[1:3] }} {{ xs[::-1] }}', 'eb [3, 2, 1]'],
    ["{{ {'a': 1}.get('b', 'none') }}", 'none'],
    ['{{ nolist }}{{ nomap }}', '[]{}'],
    ["{{ 'a\\tb' }}", 'a\\tb'], // escape_backslashes: a backslash in a YAML string's expression stays one
  ];
  for (const [text, want] of cases) assert.equal(render(text), want, text);
});

test('renderString: {% %} statements work in YAML strings', () => {
  const cases: [string, string][] = [
    ['{% if on %}yes{% else %}no{% endif %}', 'yes'],
    ['{% if off %}a{% elif on %}b{% else %}c{% endif %}', 'b'],
    // Python truthiness: 0, '', None, [] and {} are false
    ['{% for v in [zero, empty, nothing, nolist, nomap, xs] %}{{ v | ternary("t", "f") }}{% endfor %}', 'ffffft'],
    ['{% for v in [zero, empty, nothing, nolist, nomap, xs] %}{% if v %}t{% else %}f{% endif %}{% endfor %}', 'ffffft'],
    ['{% for x in xs %}{{ x }},{% endfor %}', '1,2,3,'],
    ['{% for x in xs %}{{ loop.index0 }}{% if loop.first %}F{% endif %}{% if loop.last %}L{% endif %} {% endfor %}', '0F 1 2L '],
    ['{% for u in users %}{{ u.name }}={{ u.shell }};{% endfor %}', 'ann=/bin/bash;bob=/bin/sh;'],
    ['{% for k, v in hostvars.items() %}{{ k }}={{ v.ip }} {% endfor %}', 'web1=10.0.0.1 db-1=10.0.0.2 '],
    ['{% for x in nolist %}x{% else %}none{% endfor %}', 'none'],
    ['{% for x in xs if x > 1 %}{{ loop.index }}{{ x }}{% else %}none{% endfor %}', '1223'],
    ['{% set y = port * 2 %}{{ y }}', '44'],
    ['{% set ns = namespace(c=0) %}{% for x in xs %}{% set ns.c = ns.c + x %}{% endfor %}{{ ns.c }}', '6'],
    ['{% with os = facts.os %}{{ os.family }}/{{ name }}{% endwith %}', 'debian/web1'],
    ['{% macro m(x) %}<{{ x }}>{% endmacro %}{{ m(name) }}', '<web1>'],
    ['{% filter upper %}x{{ name }}{% endfilter %}', 'XWEB1'],
    ['{%- if on -%}  y  {%- endif -%}', 'y'],
    ['line\n{% for x in xs %}\n- {{ x }}\n{% endfor %}\nend', 'line\n- 1\n- 2\n- 3\nend'], // trim_blocks, as Ansible's Templar
  ];
  for (const [text, want] of cases) assert.equal(render(text), want, text);
});

test('undefined variables name the variable, the place and the task', () => {
  const cases: [string, string, string, string?][] = [
    ['{{ vpn_cidr }}', `${SITE}: undefined variable "vpn_cidr" at column 4 of "{{ vpn_cidr }}"`, 'vpn_cidr'],
    ['x {{ facts.os.codename }}', `${SITE}: undefined variable "facts.os.codename" at column 6 of "x {{ facts.os.codename }}"`, 'facts.os.codename', '"facts.os" has: family, id, version'],
    ['{{ facts.oss.id }}', `${SITE}: undefined variable "facts.oss.id" at column 4 of "{{ facts.oss.id }}"`, 'facts.oss.id', '"facts" has: os'],
    ['{{ nope.a.b }}', `${SITE}: undefined variable "nope.a.b" at column 4 of "{{ nope.a.b }}"`, 'nope.a.b'],
    ['{{ missing | upper }}', `${SITE}: undefined variable "missing" at column 4 of "{{ missing | upper }}"`, 'missing'],
    ['{% if missing %}x{% endif %}', `${SITE}: undefined variable "missing" at column 7 of "{% if missing %}x{% endif %}"`, 'missing'],
    ['{% for u in missing %}x{% endfor %}', `${SITE}: undefined variable "missing" at column 13 of "{% for u in missing %}x{% endfor %}"`, 'missing'],
    ['{% for u in users %}{{ u.nick }}{% endfor %}', `${SITE}: undefined variable "u.nick" at column 24 of "{% for u in users %}{{ u.nick }}{% endfor %}"`, 'u.nick', '"u" has: name, shell'],
    ['{{ users[0].nick }}', `${SITE}: undefined variable "users[0].nick" at column 4 of "{{ users[0].nick }}"`, 'users[0].nick', '"users[0]" has: name, shell'],
    ['{{ xs[7] }}', `${SITE}: undefined variable "xs[7]" at column 4 of "{{ xs[7] }}"`, 'xs[7]'],
    ['{{ name.nope }}', `${SITE}: undefined variable "name.nope" at column 4 of "{{ name.nope }}"`, 'name.nope'],
    ["{{ missing.x | default([]) | join(',') }}{{ other }}", `${SITE}: undefined variable "other" at column 45 of "{{ missing.x | default([]) | join(',') }}{{ other }}"`, 'other'],
  ];
  for (const [text, message, variable, hint] of cases) {
    const err = renderError(text);
    assert.equal(err.message, message, text);
    assert.equal(err.variable, variable, text);
    assert.equal(err.code, 'TSI_TEMPLATE');
    if (hint) assert.equal(err.hint, hint, text);
  }
  // a long value is shortened in the message
  const long = `${'x'.repeat(70)}{{ nope }}`;
  assert.equal(renderError(long).message, `${SITE}: undefined variable "nope" at column 74 of "${'x'.repeat(60)}…"`);
  // without a task
  assert.equal(renderError('{{ x }}', {}, { file: 'group_vars/all.yaml', line: 3, column: 7 }).message, 'group_vars/all.yaml:3:7: undefined variable "x" at column 4 of "{{ x }}"');
});

test('positions: the line inside a multi-line YAML value, the position inside a template file', () => {
  assert.equal(renderError('line one\nline {{ two }}').message, `${SITE}: undefined variable "two" (template line 2, column 9)`);
  assert.equal(renderError('first line\nsecond {{ name }}\n  third {{ vpn }}\n').message, `${SITE}: undefined variable "vpn" (template line 3, column 12)`);
  assert.equal(renderError('a\n{% if on %}\n{{ x ! y }}\n{% endif %}').message, `${SITE}: syntax error: unexpected char '!' (template line 3, column 6)`);
  // a template file: file:line:column inside it
  const conf = renderError('[Interface]\nAddress = {{ vpn_address }}\n', {}, inFile, 'text');
  assert.equal(conf.message, 'roles/x/templates/wg0.conf.j2:2:14 (task "Write config"): undefined variable "vpn_address"');
  assert.equal(conf.variable, 'vpn_address');
  assert.equal(renderError('{{ x }}', {}, { file: 't.j2' }, 'text').message, 't.j2:1:4: undefined variable "x"');
  assert.equal(renderError('a\n{% if on %}', vars, inFile, 'text').message, "roles/x/templates/wg0.conf.j2:2:12 (task \"Write config\"): syntax error: unexpected end of template: Jinja was looking for 'elif' or 'else' or 'endif'");
  // a .hbs file is handlebars, with its own position
  assert.equal(renderError('a\n {{x}}', {}, { file: 'roles/x/templates/t.hbs', task: 'T' }, 'text').message, 'roles/x/templates/t.hbs:2:4 (task "T"): undefined variable "x"');
});

test('syntax errors are TemplateErrors with the position', () => {
  const cases: [string, string, string?][] = [
    ['{{ name', `syntax error: unexpected end of template, expected '}}' at column 8 of "{{ name"`],
    ['{{ x }', `syntax error: unexpected '}' at column 6 of "{{ x }"`],
    ['{{ x ! y }}', `syntax error: unexpected char '!' at column 6 of "{{ x ! y }}"`],
    ['{{ }}', `syntax error: expected an expression, got end of print statement ('}}') at column 4 of "{{ }}"`],
    ['{{ 1 + }}', `syntax error: unexpected end of print statement ('}}') at column 8 of "{{ 1 + }}"`],
    ['{{ "abc }}', `syntax error: unexpected end of string at column 4 of "{{ \\"abc }}"`],
    ['{# unclosed', `syntax error: missing end of comment tag at column 1 of "{# unclosed"`],
    ['{% if on %}x', `syntax error: unexpected end of template: Jinja was looking for 'elif' or 'else' or 'endif' at column 13 of "{% if on %}x"`],
    ['{% if on %}x{% endfor %}', `syntax error: unexpected 'endfor': no open 'for' block at column 16 of "{% if on %}x{% endfor %}"`],
    ['{% foo %}', `syntax error: unknown tag 'foo' at column 4 of "{% foo %}"`],
    ['{% for %}', `syntax error: expected a name, got end of statement block ('%}') at column 8 of "{% for %}"`],
    ['{% extends "base.j2" %}', `syntax error: template inheritance ({% extends %}) is not supported at column 4 of "{% extends \\"base.j2\\" %}"`, 'include the parts instead: {% include "base.j2" %}'],
    // handlebars habits are Jinja2 syntax errors in a YAML string
    ['{{#if on}}x{{/if}}', `syntax error: unexpected char '#' at column 3 of "{{#if on}}x{{/if}}"`],
    ['{{default x "y"}}', `syntax error: expected '}}', got 'x' at column 11 of "{{default x \\"y\\"}}"`],
  ];
  for (const [text, message, hint] of cases) {
    const err = renderError(text);
    assert.equal(err.message, `${SITE}: ${message}`, text);
    assert.equal(err.code, 'TSI_TEMPLATE');
    if (hint) assert.equal(err.hint, hint, text);
    // checkTemplate (load time) reports the same error without rendering
    assert.throws(() => checkTemplate(text, inTask), { message: `${SITE}: ${message}` }, `check ${text}`);
  }
  // an unknown filter or test: a syntax error at load time, an error naming it at render time
  assert.throws(() => checkTemplate('{{ name | upperr }}', inTask), (err: TemplateError) => err.message === `${SITE}: syntax error: no filter named 'upperr' at column 11 of "{{ name | upperr }}"` && err.hint === 'did you mean "upper"?');
  assert.match(renderError('{{ name | frob }}').message, /no filter named 'frob' at column \d+ of/);
  // a lookup by a literal name must exist; Ansible's that tsinfra refuses say why
  checkTemplate("{{ lookup('pipe', 'date +%s') ~ query('ansible.builtin.lines', 'ls') | length }}", inTask);
  assert.throws(() => checkTemplate("{{ lookup('fiel', 'a') }}", inTask), (err: TemplateError) => err.message === `${SITE}: syntax error: no lookup plugin named 'fiel' at column 11 of "{{ lookup('fiel', 'a') }}"` && err.hint === 'did you mean "file"?');
  assert.throws(() => checkTemplate("{{ q('password', '/tmp/p length=12') }}", inTask), { message: new RegExp(`^${SITE.replace(/[()]/g, '\\$&')}: syntax error: lookup plugin 'password' is not supported by tsinfra: it creates and reads password files on the controller: keep the password in a vault-encrypted vars file at column 6 of`) });
  // runtime failures carry the position too
  assert.equal(renderError('{{ 1 / 0 }}').message, `${SITE}: division by zero at column 6 of "{{ 1 / 0 }}"`);
  assert.equal(renderError('{{ name + 1 }}').message, `${SITE}: can only concatenate str (not "int") to str at column 9 of "{{ name + 1 }}"`);
  assert.equal(renderError('{{ name | upper(1, 2) }}').message, `${SITE}: upper() takes at most 0 arguments (2 given) at column 11 of "{{ name | upper(1, 2) }}"`);
  // checkTemplate passes what only fails with the variables
  checkTemplate('{{ x }} {% if y %}{{ y.z }}{% endif %}', inTask);
  checkTemplate('plain', inTask);
  // a template file is checked the same way, positions inside it
  assert.throws(() => checkTemplate('ok\n{% if %}', inFile), { message: "roles/x/templates/wg0.conf.j2:2:7 (task \"Write config\"): syntax error: expected an expression, got end of statement block ('%}')" });
});

test('renderValue: the type of a templated string follows ansible-core 2.14', () => {
  const cases: [string, unknown][] = [
    // a lone {{ name }} of a bool, number or None keeps it
    ['{{ port }}', 22],
    ['{{port}}', 22],
    ['{{ f }}', 1.5],
    ['{{ zero }}', 0],
    ['{{ on }}', true],
    ['{{ nothing }}', null],
    // a single list or dict node stays one
    ['{{ xs }}', [1, 2, 3]],
    ['{{ nolist }}', []],
    ['{{ facts.os }}', { family: 'debian', id: 'debian', version: 12 }],
    ['{{ nomap }}', {}],
    ['{{ users[0] }}', { name: 'ann', shell: '/bin/bash' }],
    ['{{ missing | default([]) }}', []],
    ['{{ missing | default({}) }}', {}],
    ["{{ users | map(attribute='name') | list }}", ['ann', 'bob']],
    ["{{ 'a,b' | split(',') }}", ['a', 'b']],
    ["{{ users | items2dict(key_name='name', value_name='shell') }}", { ann: '/bin/bash', bob: '/bin/sh' }],
    ['{{ range(3) | list }}', [0, 1, 2]],
    ['{{ [nothing] }}', [null]],
    ["{{ {'k': on} }}", { k: true }],
    // everything else is text…
    ['{{ facts.os.version }}', '12'],
    ['{{ port + 1 }}', '23'],
    ['{{ port | int }}', '22'],
    ["{{ '22' | int }}", '22'],
    ['{{ missing | default(8080) }}', '8080'],
    ['{{ xs | length }}', '3'],
    ['{{ xs | first }}', '1'],
    ['{{ f * 2 }}', '3.0'],
    ['{{ 0.5 }}', '0.5'],
    ['{{ 1 if on }}', '1'],
    ["{{ 'true' }}", 'true'],
    ["{{ 'None' }}", 'None'],
    ["{{ '22' }}", '22'],
    ['{{ (1, 2) }}', '(1, 2)'],
    [' {{ xs }}', ' [1, 2, 3]'],
    ['port {{ port }}', 'port 22'],
    ['{{ port }}{{ port }}', '2222'],
    ['{{ on }}{{ off }}', 'TrueFalse'],
    ['{% for x in xs %}{{ x }}{% endfor %}', '123'],
    ['{% set y = port * 2 %}{{ y }}', '44'],
    ['{{ empty }}', ''],
    ["{{ '' }}", ''],
    ['{{ braces }}', '{{ not rendered again }}'],
    // …unless it reads as a list, dict or bool
    ['{{ port == 22 }}', true],
    ['{{ missing is defined }}', false],
    ["{{ 'True' }}", true],
    ["{{ '[1, 2]' }}", [1, 2]],
    ['{{ \'{"a": 1}\' }}', { a: 1 }],
    ['{{ xs }} ', [1, 2, 3]],
    ['[{{ port }}]', [22]],
    ["{{ '[' }}{{ port }}]", [22]],
    ['{% if on %}[1]{% endif %}', [1]],
    ['{% if on %}{{ xs }}{% endif %}', [1, 2, 3]],
    ['{% for x in xs %}{% if loop.first %}[{% endif %}{{ x }}{% if not loop.last %},{% endif %}{% if loop.last %}]{% endif %}{% endfor %}', [1, 2, 3]],
    // trailing newlines of the input are kept
    ['a{{ port }}\n\n', 'a22\n\n'],
    ['no template\n', 'no template\n'],
  ];
  for (const [input, want] of cases) assert.deepEqual(renderValue(input, vars, inTask), want, input);
});

test('renderValue: filters that make text keep it text', () => {
  // ansible-core returns NativeJinjaText (a str) for these, even when the text reads as a list or dict
  const cases: [string, unknown][] = [
    ['{{ xs | to_json }}', '[1, 2, 3]'],
    ['{{ facts | to_json }}', '{"os": {"family": "debian", "id": "debian", "version": 12}}'],
    ['{{ facts | to_yaml }}', 'os: {family: debian, id: debian, version: 12}\n'],
    ['{{ xs | string }}', '[1, 2, 3]'],
    ['x{{ xs | to_json }}', 'x[1, 2, 3]'],
  ];
  for (const [input, want] of cases) assert.deepEqual(renderValue(input, vars, inTask), want, input);
});

test('renderValue: nested values, keys and untemplated values', () => {
  const cases: [unknown, unknown][] = [
    ['no template', 'no template'],
    [5, 5],
    [null, null],
    [true, true],
    [
      { pkgs: '{{ xs }}', opts: ['-p', '{{ port }}', 'x{{ port }}'], n: 1, deep: { a: [{ b: '{{ name }}' }] } },
      { pkgs: [1, 2, 3], opts: ['-p', 22, 'x22'], n: 1, deep: { a: [{ b: 'web1' }] } },
    ],
    [{ '{{ name }}': 'keys are not rendered' }, { '{{ name }}': 'keys are not rendered' }],
  ];
  for (const [input, want] of cases) assert.deepEqual(renderValue(input, vars, inTask), want, JSON.stringify(input));
});

test('renderValue: untouched parts are returned as they are', () => {
  const tree = { a: ['x', { b: 'y' }], c: 1 };
  assert.equal(renderValue(tree, vars, inTask), tree);
  const list = ['a', ['b'], { c: 'd' }];
  assert.equal(renderValue(list, vars, inTask), list);
  const mixed = { keep: { same: ['x'] }, change: '{{ name }}' };
  const out = renderValue(mixed, vars, inTask) as typeof mixed;
  assert.notEqual(out, mixed);
  assert.equal(out.keep, mixed.keep);
  assert.equal(out.change, 'web1');
  assert.equal(mixed.change, '{{ name }}'); // the input is not modified
  // a lone variable's list or dict is that value itself
  assert.equal(renderValue('{{ xs }}', vars, inTask), vars.xs);
  assert.equal(renderValue('{{ facts }}', vars, inTask), vars.facts);
});

test('renderValue: errors name the place too', () => {
  assert.throws(() => renderValue({ a: ['{{ nope }}'] }, vars, inTask), {
    name: 'TemplateError',
    message: `${SITE}: undefined variable "nope" at column 4 of "{{ nope }}"`,
  });
});

test('secrets: a lone {{ pw }} stays a Secret, inside text it renders its real value', () => {
  const s = secret('hunter2');
  const v = { pw: s, cfg: { user: 'u', pass: s } };
  assert.equal(renderValue('{{ pw }}', v, inTask), s);
  assert.equal(renderValue('{{pw}}', v, inTask), s);
  assert.equal(renderValue("{{ pw | default('x') }}", v, inTask), s);
  assert.equal(renderValue('{{ cfg.pass }}', v, inTask), s);
  assert.equal(renderValue('{{ pw if true else 1 }}', v, inTask), s);
  const cfg = renderValue('{{ cfg }}', v, inTask) as typeof v.cfg;
  assert.equal(cfg.pass, s);
  assert.equal(renderValue('password={{ pw }}', v, inTask), 'password=hunter2');
  assert.equal(renderValue('{{ pw | upper }}', v, inTask), 'HUNTER2');
  assert.equal(renderValue('{{ pw | length }}', v, inTask), '7');
  assert.equal(renderValue("{{ pw == 'hunter2' }}", v, inTask), true);
  assert.equal(renderString('{{ pw }}', v, inTask), 'hunter2');
  assert.equal(renderString('x{{ cfg | to_json }}', v, inTask), 'x{"user": "u", "pass": "hunter2"}');
  assert.equal(renderText('pass={{ pw }}\n', v, inFile), 'pass=hunter2\n');
});

test('renderText: a .j2 file renders as the template module writes it', () => {
  const cases: [string, string][] = [
    ['{{ nothing }}|{{ on }}|{{ xs }}|{{ facts.os.id }}\n', '|True|[1, 2, 3]|debian\n'],
    ['{% for u in users %}\n{{ u.name }}\n{% endfor %}\n', 'ann\nbob\n'], // trim_blocks
    ['  {% if on %}\n  x\n  {% endif %}\n', '    x\n  \n'], // no lstrip_blocks
    ['a\n\n', 'a\n\n'], // trailing newlines kept
    ['{{ xs }}', '[1, 2, 3]'], // always text
    ['{{ port }}', '22'],
  ];
  for (const [text, want] of cases) assert.equal(renderText(text, vars, inFile), want, text);
  // any extension but .hbs is Jinja2
  assert.equal(renderText('{{ name }}', vars, { file: 'motd' }), 'web1');
  assert.equal(renderText('{{ name }}', vars, { file: 'x.conf.tmpl' }), 'web1');
  // .hbs is handlebars
  assert.equal(renderText('{{name}} {{#each xs}}{{this}}{{/each}}', vars, { file: 'x.conf.hbs' }), 'web1 123');
});

test('the compile cache: the same text renders with new variables', () => {
  const text = 'cache {{ name }} {{ port }}';
  assert.equal(renderString(text, { name: 'a', port: 1 }, inTask), 'cache a 1');
  assert.equal(renderString(text, { name: 'b', port: 2 }, inTask), 'cache b 2');
  assert.throws(() => renderString(text, { name: 'c' }, inTask), /undefined variable "port"/);
  // a whole-expression text is compiled for both uses
  assert.equal(renderString('{{ xs }}', vars, inTask), '[1, 2, 3]');
  assert.deepEqual(renderValue('{{ xs }}', vars, inTask), [1, 2, 3]);
  assert.equal(renderText('{{ xs }}', vars, inFile), '[1, 2, 3]');
});

test('rendering is fast once compiled', () => {
  const text = "Host {{ name }} port {{ port }} os {{ facts.os.id }} {{ xs | join(',') }}";
  renderString(text, vars, inTask);
  const start = performance.now();
  for (let i = 0; i < 20000; i++) renderString(text, vars, inTask);
  const perRender = (performance.now() - start) / 20000;
  assert.ok(perRender < 0.2, `${perRender.toFixed(4)} ms per render`); // generous for a busy machine
});
