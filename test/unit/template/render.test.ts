import { test } from 'node:test';
import assert from 'node:assert/strict';
import { TemplateError } from '../../../src/errors.js';
import { renderString, renderValue, type TemplateSite } from '../../../src/template/render.js';
import { secret } from '../../../src/shell/secret.js';

const inTask: TemplateSite = { file: 'roles/x/tasks/main.yaml', line: 12, column: 9, task: 'Install packages' };
const inFile: TemplateSite = { file: 'roles/x/templates/wg0.conf.hbs', task: 'Write config' };

const vars = {
  name: 'web1',
  port: 22,
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
  'with space': 'spaced',
};

function render(text: string, v: Record<string, unknown> = vars, where: TemplateSite = inTask): string {
  return renderString(text, v, where);
}

function renderError(text: string, v: Record<string, unknown> = vars, where: TemplateSite = inTask): TemplateError {
  try {
    renderString(text, v, where);
  } catch (err) {
    assert.ok(err instanceof TemplateError, `expected a TemplateError, got ${String(err)}`);
    return err;
  }
  assert.fail(`expected ${JSON.stringify(text)} to fail`);
}

test('renderString: values and paths', () => {
  const cases: [string, string][] = [
    ['plain text', 'plain text'],
    ['', ''],
    ['{{name}}', 'web1'],
    ['{{ name }}', 'web1'],
    ['Host {{name}}:{{port}}', 'Host web1:22'],
    ['{{facts.os.id}} {{facts.os.version}}', 'debian 12'],
    ['{{zero}}|{{on}}|{{off}}|{{nothing}}|{{empty}}', '0|true|false||'],
    ['{{xs}}', '[1,2,3]'],
    ['{{facts.os}}', '{"family":"debian","id":"debian","version":12}'],
    ['{{users.[1].name}}', 'bob'],
    ['{{xs.[0]}}', '1'],
    ['{{hostvars.[db-1].ip}}', '10.0.0.2'],
    ['{{[with space]}}', 'spaced'],
    ['{{braces}}', '{{ not rendered again }}'],
    ['{{"literal"}} {{5}} {{true}} {{null}}', 'literal 5 true '],
    ['<{{name}}> & "{{name}}"', '<web1> & "web1"'], // noEscape: no HTML entities
    ['{{{name}}}', 'web1'],
    ['\\{{name}}', '{{name}}'],
    ['a {{! a comment }}b', 'a b'],
    ['{{@root.name}}', 'web1'],
    ['{{this.name}}', 'web1'],
    ['  {{~name~}}  !', 'web1!'],
  ];
  for (const [text, want] of cases) assert.equal(render(text), want, text);
});

test('renderString: blocks', () => {
  const cases: [string, string][] = [
    ['{{#if on}}yes{{else}}no{{/if}}', 'yes'],
    ['{{#if off}}yes{{else}}no{{/if}}', 'no'],
    // Python truthiness, like conditions: 0, '', null, [] and {} are false
    ['{{#if zero}}t{{else}}f{{/if}}{{#if empty}}t{{else}}f{{/if}}{{#if nothing}}t{{else}}f{{/if}}', 'fff'],
    ['{{#if nolist}}t{{else}}f{{/if}}{{#if nomap}}t{{else}}f{{/if}}{{#if xs}}t{{else}}f{{/if}}', 'fft'],
    ['{{#unless off}}u{{/unless}}', 'u'],
    ['{{#if off}}a{{else if on}}b{{else}}c{{/if}}', 'b'],
    ['{{#each xs}}{{this}},{{/each}}', '1,2,3,'],
    ['{{#each xs}}{{@index}}{{#if @first}}F{{/if}}{{#if @last}}L{{/if}} {{/each}}', '0F 1 2L '],
    ['{{#each users}}{{name}}={{shell}};{{/each}}', 'ann=/bin/bash;bob=/bin/sh;'],
    ['{{#each users as |u|}}{{u.name}}@{{../name}} {{/each}}', 'ann@web1 bob@web1 '],
    ['{{#each users as |u i|}}{{i}}:{{u.name}} {{/each}}', '0:ann 1:bob '],
    ['{{#each hostvars}}{{@key}}={{ip}} {{/each}}', 'web1=10.0.0.1 db-1=10.0.0.2 '],
    ['{{#each nolist}}x{{else}}none{{/each}}', 'none'],
    ['{{#each nothing}}x{{else}}none{{/each}}', 'none'],
    ['{{#with facts.os}}{{family}}/{{../name}}{{/with}}', 'debian/web1'],
    ['{{#with facts.os as |os|}}{{os.id}}{{/with}}', 'debian'],
    ['{{#each users}}{{#if (eq name "bob")}}{{name}}{{/if}}{{/each}}', 'bob'],
    ['{{#each users}}{{#each ../xs}}{{this}}{{/each}}{{/each}}', '123123'],
    ['line\n{{#each xs}}\n- {{this}}\n{{/each}}\nend', 'line\n- 1\n- 2\n- 3\nend'], // standalone tags leave no blank lines
  ];
  for (const [text, want] of cases) assert.equal(render(text), want, text);
});

test('renderString: undefined variables name the full path and the place', () => {
  const cases: [string, string, string, string?][] = [
    ['{{vpn_cidr}}', 'roles/x/tasks/main.yaml:12:9 (task "Install packages"): undefined variable "vpn_cidr"', 'vpn_cidr'],
    ['x {{facts.os.codename}}', 'roles/x/tasks/main.yaml:12:9 (task "Install packages"): undefined variable "facts.os.codename"', 'facts.os.codename', '"facts.os" has: family, id, version'],
    ['{{nope.a.b}}', 'roles/x/tasks/main.yaml:12:9 (task "Install packages"): undefined variable "nope.a.b"', 'nope.a.b'],
    ['{{upper missing}}', 'roles/x/tasks/main.yaml:12:9 (task "Install packages"): undefined variable "missing"', 'missing'],
    ['{{#if missing}}x{{/if}}', 'roles/x/tasks/main.yaml:12:9 (task "Install packages"): undefined variable "missing"', 'missing'],
    ['{{#each missing}}x{{/each}}', 'roles/x/tasks/main.yaml:12:9 (task "Install packages"): undefined variable "missing"', 'missing'],
    ['{{#each users}}{{nick}}{{/each}}', 'roles/x/tasks/main.yaml:12:9 (task "Install packages"): undefined variable "nick"', 'nick'],
    ['{{#each users as |u|}}{{u.nick}}{{/each}}', 'roles/x/tasks/main.yaml:12:9 (task "Install packages"): undefined variable "u.nick"', 'u.nick', '"u" has: name, shell'],
    ['{{../name}}', 'roles/x/tasks/main.yaml:12:9 (task "Install packages"): undefined variable "../name"', '../name'],
    ['{{@nothing}}', 'roles/x/tasks/main.yaml:12:9 (task "Install packages"): undefined variable "@nothing"', '@nothing'],
    ['{{xs.[7]}}', 'roles/x/tasks/main.yaml:12:9 (task "Install packages"): undefined variable "xs.7"', 'xs.7'],
    ['{{join (default missing.x (list)) ","}}{{other}}', 'roles/x/tasks/main.yaml:12:9 (task "Install packages"): undefined variable "other"', 'other'],
  ];
  for (const [text, message, variable, hint] of cases) {
    const err = renderError(text);
    assert.equal(err.message, message, text);
    assert.equal(err.variable, variable, text);
    assert.equal(err.code, 'TSI_TEMPLATE');
    if (hint) assert.equal(err.hint, hint, text);
  }
  assert.equal(renderError('{{vpn_cidr}}').hint, 'define it, or give a fallback: {{default vpn_cidr "value"}}');
});

test('renderString: positions inside a template file, and inside multi-line YAML text', () => {
  assert.equal(
    renderError('[Interface]\nAddress = {{vpn_address}}\n', {}, inFile).message,
    'roles/x/templates/wg0.conf.hbs:2:13 (task "Write config"): undefined variable "vpn_address"',
  );
  assert.equal(renderError('{{x}}', {}, { file: 't.hbs' }).message, 't.hbs:1:3: undefined variable "x"');
  assert.equal(
    renderError('line one\nline {{two}}', {}, inTask).message,
    'roles/x/tasks/main.yaml:12:9 (task "Install packages"): undefined variable "two" (template line 2)',
  );
});

test('renderString: syntax and usage errors', () => {
  const site = 'roles/x/tasks/main.yaml:12:9 (task "Install packages")';
  const cases: [string, string, string?][] = [
    ['{{name', `${site}: syntax error on line 1: "{{" is not closed`],
    ['{{x}', `${site}: syntax error on line 1: "{{" is not closed`],
    ['{{x ! y}}', `${site}: syntax error on line 1: unexpected character`],
    ['{{#if on}}x', `${site}: syntax error on line 1: unexpected end of template`],
    ['{{#if on}}x{{/each}}', `${site}: syntax error: if doesn't match each`],
    ['{{frob name}}', `${site}: unknown helper "frob"`],
    ['{{#frob name}}{{/frob}}', `${site}: unknown block helper "frob"`, 'block helpers: #if, #unless, #each, #with'],
    ['{{#join xs}}{{/join}}', `${site}: "join" is not a block helper: write {{join …}}, not {{#join …}}`],
    ['{{if on}}', `${site}: "if" is a block helper: write {{#if x}}…{{/if}}`],
    ['{{#if on off}}{{/if}}', `${site}: #if takes exactly one argument, got 2`],
    ['{{#if on as |x|}}{{/if}}', `${site}: #if has no block parameters (as |x|)`],
    ['{{join xs "," "x"}}', `${site}: join takes 1 to 2 arguments, got 3`],
    ['{{upper}}', `${site}: undefined variable "upper"`], // without arguments a name is always a variable
    ['{{upper "a" "b"}}', `${site}: upper takes 1 argument, got 2`],
    ['{{password_hash "a" salt="x"}}', `${site}: password_hash has no option "salt"`],
    ['{{> partial}}', `${site}: partials ({{> name}}) are not supported`],
    ['{{"x" 1}}', `${site}: a literal cannot take arguments`],
    ['{% if x %}{{ x }}{% endif %}', `${site}: Jinja statements are not supported: {% if`],
    ['no braces {%- for x in y %}', `${site}: Jinja statements are not supported: {%- for`],
    ['{{ x | frob }}', `${site}: unknown filter "frob"`],
    ['{{undefined}}', `${site}: the value is undefined`, 'give a fallback with default'],
    ['{{lookup hostvars "nope"}}', `${site}: the value is undefined`],
    ['{{#each name}}x{{/each}}', `${site}: #each: expected a list or a map, got string`],
  ];
  for (const [text, message, hint] of cases) {
    const err = renderError(text);
    assert.equal(err.message, message, text);
    if (hint) assert.equal(err.hint, hint, text);
  }
  assert.match(renderError('{{ x | default(y) + 1 }}').hint ?? '', /filter form does not translate/);
  assert.match(renderError('{{#if x}}{% else %}{{/if}}').hint ?? '', /\{\{#if x\}\}/);
});

test('renderValue: a whole-expression string keeps its type', () => {
  const cases: [unknown, unknown][] = [
    ['{{xs}}', [1, 2, 3]],
    ['{{ port }}', 22],
    ['{{on}}', true],
    ['{{nothing}}', null],
    ['{{facts.os}}', { family: 'debian', id: 'debian', version: 12 }],
    ['{{default missing 8080}}', 8080],
    ['{{ missing | default([]) }}', []],
    ['{{length xs}}', 3],
    ['{{eq port 22}}', true],
    ['{{braces}}', '{{ not rendered again }}'],
    ['port {{port}}', 'port 22'], // anything around the expression makes it text
    [' {{port}}', ' 22'],
    ['{{port}}{{port}}', '2222'],
    ['no template', 'no template'],
    [5, 5],
    [null, null],
    [
      { pkgs: '{{xs}}', opts: ['-p', '{{port}}', 'x{{port}}'], n: 1, deep: { a: [{ b: '{{name}}' }] } },
      { pkgs: [1, 2, 3], opts: ['-p', 22, 'x22'], n: 1, deep: { a: [{ b: 'web1' }] } },
    ],
    [{ '{{name}}': 'keys are not rendered' }, { '{{name}}': 'keys are not rendered' }],
  ];
  for (const [input, want] of cases) assert.deepEqual(renderValue(input, vars, inTask), want, JSON.stringify(input));
});

test('renderValue: untouched parts are returned as they are', () => {
  const tree = { a: ['x', { b: 'y' }], c: 1 };
  assert.equal(renderValue(tree, vars, inTask), tree);
  const mixed = { keep: { same: ['x'] }, change: '{{name}}' };
  const out = renderValue(mixed, vars, inTask) as typeof mixed;
  assert.equal(out.keep, mixed.keep);
  assert.equal(out.change, 'web1');
  assert.equal(mixed.change, '{{name}}'); // the input is not modified
});

test('renderValue: errors name the place too', () => {
  assert.throws(() => renderValue({ a: ['{{nope}}'] }, vars, inTask), {
    message: 'roles/x/tasks/main.yaml:12:9 (task "Install packages"): undefined variable "nope"',
  });
});

test('secrets: printed in rendered text, kept as Secret by a whole expression', () => {
  const s = secret('hunter2');
  const v = { pw: s, cfg: { user: 'u', pass: s } };
  assert.equal(renderString('password={{pw}}', v, inTask), 'password=hunter2');
  assert.equal(renderString('{{to_json cfg}}', v, inTask), '{"user":"u","pass":"hunter2"}');
  assert.equal(renderValue('{{pw}}', v, inTask), s);
  assert.equal(renderValue('{{default pw "x"}}', v, inTask), s);
});

test('the compile cache: the same text renders with new variables', () => {
  const text = 'cache {{name}} {{port}}';
  assert.equal(renderString(text, { name: 'a', port: 1 }, inTask), 'cache a 1');
  assert.equal(renderString(text, { name: 'b', port: 2 }, inTask), 'cache b 2');
  assert.throws(() => renderString(text, { name: 'c' }, inTask), /undefined variable "port"/);
  // a whole-expression text is compiled for both uses
  assert.equal(renderString('{{xs}}', vars, inTask), '[1,2,3]');
  assert.deepEqual(renderValue('{{xs}}', vars, inTask), [1, 2, 3]);
});

test('rendering is fast once compiled', () => {
  const text = 'Host {{name}} port {{port}} os {{facts.os.id}} {{join xs ","}}';
  renderString(text, vars, inTask);
  const start = performance.now();
  for (let i = 0; i < 20000; i++) renderString(text, vars, inTask);
  const perRender = (performance.now() - start) / 20000;
  assert.ok(perRender < 0.2, `${perRender.toFixed(4)} ms per render`); // ~0.005 ms here; generous for a busy machine
});
