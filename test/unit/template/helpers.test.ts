// The handlebars helpers. Handlebars renders only `.hbs` template files now (YAML strings, `.j2` files and conditions
// are Jinja2), so every case renders through renderText with a `.hbs` site and its output is text.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';
import { renderText, renderValue, type TemplateSite } from '../../../src/template/index.js';
import { secret } from '../../../src/shell/secret.js';

const here = dirname(fileURLToPath(import.meta.url));
const site: TemplateSite = {
  file: 'site.conf.hbs',
  task: 'T',
  baseDir: join(here, 'fixtures'),
  env: { HOME: '/home/ctl', EMPTY: '' },
};
const vars = {
  xs: ['a', 'b', 'c'],
  nums: [1, 2],
  mixed: [1, 'x', { k: 1 }],
  name: 'Web1',
  port: 51820,
  zero: 0,
  empty: '',
  nothing: null,
  cidr: '10.1.2.3/16',
  m: { b: 1, a: [true, null] },
  users: [{ name: 'ann', groups: ['sudo'] }],
  hv: { web1: { ip: '10.0.0.1' } },
  pw: secret('pass'),
};

const r = (text: string) => renderText(text, vars, site);
const err = (text: string) => {
  try {
    r(text);
  } catch (e) {
    // the position inside the template file, then the task
    return (e as Error).message.replace(/^site\.conf\.hbs:\d+:\d+ \(task "T"\): /, '');
  }
  return assert.fail(`${text} should fail`);
};

test('default and defined', () => {
  const cases: [string, string][] = [
    ['{{default missing "fb"}}', 'fb'],
    ['{{default missing.deep.path "fb"}}', 'fb'],
    ['{{default nothing "fb"}}', 'fb'], // null counts as unset (YAML `key:` with no value)
    ['{{default port 1}}', '51820'],
    ['{{default zero 1}}', '0'],
    ['[{{default empty "fb"}}]', '[]'],
    ['{{default empty "fb" true}}', 'fb'], // a third `true` also replaces falsy values, like Jinja's default(x, true)
    ['{{default zero 7 true}}', '7'],
    ['{{default missing (default other "second")}}', 'second'],
    ['{{default missing port}}', '51820'],
    ['{{defined missing}}', 'false'],
    ['{{defined nothing}}', 'true'],
    ['{{defined users.[0].name}}', 'true'],
    ['{{defined users.[3].name}}', 'false'],
    ['{{#if (defined missing)}}y{{else}}n{{/if}}', 'n'],
    ['{{#if (defined nothing)}}y{{else}}n{{/if}}', 'y'],
  ];
  for (const [text, want] of cases) assert.equal(r(text), want, text);
  // only the first argument of default may be undefined: a missing fallback is still an error
  assert.equal(err('{{default missing other}}'), 'undefined variable "other"');
});

test('text helpers', () => {
  const cases: [string, string][] = [
    ['{{join xs ", "}}', 'a, b, c'],
    ['{{join xs}}', 'abc'],
    ['{{join nums "-"}}', '1-2'],
    ['{{join mixed " "}}', "1 x {'k': 1}"],
    ['{{join (list) ","}}', ''],
    ['{{upper name}} {{lower name}}', 'WEB1 web1'],
    ['[{{trim "  a b  "}}]', '[a b]'],
    ['{{replace "a.b.c" "." "-"}}', 'a-b-c'],
    ['{{replace "a.*b" ".*" "+"}}', 'a+b'], // plain text, not a regex
    ['{{indent "a\nb\n\nc" 2}}', 'a\n  b\n\n  c'],
    ['{{indent "a\nb" 2 true}}', '  a\n  b'],
    ['{{indent "a\nb"}}', 'a\n    b'],
    ['{{length xs}} {{length m}} {{length "abc"}}', '3 2 3'],
    ['{{to_json m}}', '{"b":1,"a":[true,null]}'],
    ['{{to_json m 2}}', '{\n  "b": 1,\n  "a": [\n    true,\n    null\n  ]\n}'],
    ['{{to_json "x"}}', '"x"'],
    ['{{to_yaml m}}', 'b: 1\na:\n  - true\n  - null'],
    ['{{to_yaml users}}', '- name: ann\n  groups:\n    - sudo'],
    ['{{to_json (dict name="web" port=80)}}', '{"name":"web","port":80}'],
    ['{{to_json (list 1 "a" true)}}', '[1,"a",true]'],
    ['{{lookup hv "web1"}}', '{"ip":"10.0.0.1"}'],
    ['{{lookup xs 1}}', 'b'],
    ['{{default (lookup hv "db9") "none"}}', 'none'],
    ['{{to_json pw}} {{join (list pw "x") ","}}', '"pass" pass,x'], // rendered files go to hosts: secrets show their value
  ];
  for (const [text, want] of cases) assert.equal(r(text), want, text);
});

test('comparison and logic helpers for #if', () => {
  const cases: [string, boolean][] = [
    ['eq name "Web1"', true],
    ['eq port 51820', true],
    ['eq port "51820"', false], // no type juggling
    ['eq m (dict b=1 a=(list true null))', true], // structural
    ['ne name "x"', true],
    ['lt 1 2', true],
    ['le 2 2', true],
    ['gt "b" "a"', true],
    ['ge 1 2', false],
    ['and true port', true],
    ['and true zero', false],
    ['and true true empty', false],
    ['or zero empty nothing', false],
    ['or zero xs', true],
    ['not (list)', true],
    ['not name', false],
    ['contains xs "b"', true],
    ['contains users (dict name="ann" groups=(list "sudo"))', true],
    ['contains name "eb"', true],
    ['contains m "a"', true],
    ['contains m "z"', false],
    ['eq pw "pass"', true], // secrets compare by value
  ];
  for (const [call, want] of cases) {
    assert.equal(r(`{{${call}}}`), String(want), call);
    assert.equal(r(`{{#if (${call})}}T{{else}}F{{/if}}`), want ? 'T' : 'F', call);
  }
  assert.equal(r('{{#if (and (eq name "Web1") (not (contains xs "z")))}}yes{{/if}}'), 'yes');
});

test('env and file read the controller', () => {
  assert.equal(r('{{env "HOME"}}'), '/home/ctl');
  assert.equal(r('[{{env "EMPTY"}}]'), '[]');
  assert.equal(r('{{env "NOPE" "fallback"}}'), 'fallback');
  assert.equal(err('{{env "NOPE"}}'), 'env: environment variable NOPE is not set (give a fallback: {{env "NOPE" "value"}})');
  assert.equal(r('{{file "deploy.pub"}}'), 'ssh-ed25519 AAAAC3 deploy@ctl'); // trailing newlines dropped
  assert.match(err('{{file "nope.txt"}}'), /^file: cannot read .*fixtures\/nope\.txt: ENOENT$/);
  // without baseDir, relative to the template file itself
  const viaFile = renderText('{{file "fixtures/deploy.pub"}}', {}, { file: join(here, 'x.hbs') });
  assert.equal(viaFile, 'ssh-ed25519 AAAAC3 deploy@ctl');
  // the real environment by default
  process.env.TSINFRA_TEMPLATE_TEST = 'from-env';
  try {
    assert.equal(renderText('{{env "TSINFRA_TEMPLATE_TEST"}}', {}, { file: 'x.hbs' }), 'from-env');
  } finally {
    delete process.env.TSINFRA_TEMPLATE_TEST;
  }
});

test('password_hash', () => {
  const want = '$6$salt$3aEJgflnzWuw1O3tr0IYSmhUY0cZ7iBQeBP392T7RXjLP3TKKu3ddIapQaCpbD4p9ioeGaVIjOHaym7HvCuUm0';
  assert.equal(r('{{password_hash "pass" "salt"}}'), want);
  assert.equal(r('{{password_hash pw "salt"}}'), want); // a Secret hashes its value
  assert.equal(r('{{password_hash pw "sha512" "salt"}}'), want); // Jinja's argument order
  assert.equal(r(`{{password_hash pw "${want}"}}`), want); // reuse the salt of an existing hash
  assert.equal(r('{{password_hash pw "salt" rounds=5000}}'), `$6$rounds=5000$salt$${want.slice(8)}`);
  const random1 = r('{{password_hash pw}}');
  const random2 = r('{{password_hash pw "sha512"}}');
  assert.match(random1, /^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
  assert.match(random2, /^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/);
  assert.notEqual(random1, random2);
  assert.equal(err('{{password_hash pw "md5"}}'), 'password_hash: only sha512 is supported, got "md5"');
  assert.equal(err('{{password_hash pw "bad salt!"}}'), 'password_hash: a salt is 1 to 16 characters of ./0-9A-Za-z');
  assert.equal(err('{{password_hash pw "s" rounds=10}}'), 'password_hash: rounds must be a whole number from 1000 to 999999999, got 10');
  // the same hash from a Jinja2 task argument (the filter Ansible has)
  assert.equal(renderValue("{{ pw | password_hash('sha512', 'salt') }}", vars, { file: 'site.yaml', line: 3, column: 5 }), want);
});

test('network helpers', () => {
  const cases: [string, string][] = [
    ['{{network cidr}}', '10.1.0.0'],
    ['{{netmask cidr}}', '255.255.0.0'],
    ['{{cidr_size cidr}}', '65536'],
    ['{{network "fd00:1:2:3::9/48"}}', 'fd00:1:2::'],
  ];
  for (const [text, want] of cases) assert.equal(r(text), want, text);
  assert.equal(err('{{network "10.1.2.3"}}'), 'network: "10.1.2.3" is not a CIDR like 10.0.0.0/8 or fd00::/64');
});

test('helper argument errors', () => {
  const cases: [string, string][] = [
    ['{{join name ","}}', 'join: expected a list, got string'],
    ['{{upper xs}}', 'upper: expected text, got list'],
    ['{{length port}}', 'length: expected text, a list or a map, got number'],
    ['{{lt 1 "a"}}', 'lt: cannot order number and string'],
    ['{{to_json m "x"}}', 'to_json: indent must be a whole number, got string'],
    ['{{contains port 1}}', 'contains: expected a list, text or a map, got number'],
    ['{{lookup name "x"}}', 'lookup: expected a map or a list, got string'],
  ];
  for (const [text, want] of cases) assert.equal(err(text), want, text);
});

test('helper errors point into the template file', () => {
  assert.throws(() => renderText('line one\n  {{upper xs}}', vars, site), { message: 'site.conf.hbs:2:3 (task "T"): upper: expected text, got list' });
});

test('Jinja2 task arguments: what the old type-keeping helper cases now are', () => {
  // ansible-core 2.14: a filter's output is text unless it reads back as a list, dict or bool
  const yaml: TemplateSite = { file: 'site.yaml', line: 3, column: 5, task: 'T' };
  const cases: [string, unknown][] = [
    ['{{ missing | default(8080) }}', '8080'],
    ['{{ missing | default(port) }}', '51820'],
    ['{{ zero | default(7, true) }}', '7'],
    ['{{ missing | default([]) }}', []],
    ['{{ missing is defined }}', false],
    ['{{ nothing is defined }}', true],
    ['{{ xs | length }}', '3'],
    ['{{ port == 51820 }}', true],
    ["{{ pw == 'pass' }}", true], // a Secret compares by its value
    ["{{ xs | join(', ') }}", 'a, b, c'],
  ];
  for (const [text, want] of cases) assert.deepEqual(renderValue(text, vars, yaml), want, text);
});
