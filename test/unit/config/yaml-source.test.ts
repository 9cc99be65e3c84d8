import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { tmpdir } from 'node:os';
import { ConfigError } from '../../../src/errors.js';
import { entriesOf, parseYaml, readYamlFile } from '../../../src/config/yaml-source.js';
import { VaultValue } from '../../../src/vault/index.js';

const F = 'conf/x.yml';

function errorOf(text: string): ConfigError {
  try {
    parseYaml(text, F);
  } catch (err) {
    assert.ok(err instanceof ConfigError, `expected a ConfigError, got ${err}`);
    assert.ok(!err.message.includes('\n'), `one line: ${err.message}`);
    return err;
  }
  assert.fail('expected an error');
}

test('positions of values and keys by path', () => {
  const src = parseYaml('all:\n  hosts:\n    web1:\n      ansible_port: 22\n  vars:\n    list: [a, b]\n', F);
  assert.deepEqual(src.positionOf(['all', 'hosts', 'web1', 'ansible_port']), { file: F, line: 4, column: 21 });
  assert.deepEqual(src.keyPositionOf(['all', 'hosts', 'web1', 'ansible_port']), { file: F, line: 4, column: 7 });
  assert.deepEqual(src.keyPositionOf(['all', 'vars']), { file: F, line: 5, column: 3 });
  assert.deepEqual(src.positionOf(['all', 'vars', 'list', 1]), { file: F, line: 6, column: 15 });
  // a missing path points at the deepest part that exists
  assert.deepEqual(src.positionOf(['all', 'vars', 'nope']), { file: F, line: 6, column: 5 });
  // `web1:` with no value: the key is the best place to point at
  assert.deepEqual(src.positionOf(['all', 'hosts', 'web1']), { file: F, line: 4, column: 7 });
  const err = src.errorAt(['all', 'hosts', 'web1', 'ansible_port'], 'bad port', { key: true });
  assert.equal(err.message, `${F}:4:7: bad port`);
  assert.deepEqual(src.value, { all: { hosts: { web1: { ansible_port: 22 } }, vars: { list: ['a', 'b'] } } });
});

test('YAML 1.1 as PyYAML (Ansible) reads it', () => {
  const src = parseYaml(
    [
      'a: yes', 'b: No', 'c: on', 'd: OFF', 'e: y', 'f: n', 'g: 0644', 'h: 09', 'i: 0x1F', 'j: 1_000',
      'k: 1e3', 'l: 1.5e+3', 'm: 2024-01-31', 'n: ~', 'o: 1:20', 'p: "yes"', 'q: 0o17', 'r: True',
    ].join('\n'),
    F,
  );
  assert.deepEqual(src.value, {
    a: true, b: false, c: true, d: false, e: 'y', f: 'n', g: 420, h: '09', i: 31, j: 1000,
    k: '1e3', l: 1500, m: '2024-01-31', n: null, o: 80, p: 'yes', q: '0o17', r: true,
  });
});

test('%YAML 1.2 opts a file into YAML 1.2', () => {
  assert.deepEqual(parseYaml('%YAML 1.2\n---\na: yes\nb: 0644\n', F).value, { a: 'yes', b: 644 });
  assert.deepEqual(parseYaml('a: yes\n', F, { version: '1.2' }).value, { a: 'yes' });
});

test('merge keys, anchors, !vault and !unsafe', () => {
  const src = parseYaml(
    'base: &base {user: deploy, port: 22}\nweb:\n  <<: *base\n  port: 2222\npw: !vault |\n  $ANSIBLE_VAULT;1.1;AES256\n  6162\nraw: !unsafe "{{ not templated }}"\n',
    F,
  );
  // With no vault password the !vault value stays encrypted (a VaultValue, shown as <vault>) until something reads it.
  assert.equal(JSON.stringify(src.value), '{"base":{"user":"deploy","port":22},"web":{"user":"deploy","port":2222},"pw":"<vault>","raw":"{{ not templated }}"}');
  const pw = (src.value as { pw: VaultValue }).pw;
  assert.ok(pw instanceof VaultValue);
  assert.equal(pw.envelope, '$ANSIBLE_VAULT;1.1;AES256\n6162\n');
  assert.deepEqual(pw.at, { file: F, line: 5, column: 12 });
});

test('entriesOf keeps keys as written', () => {
  const src = parseYaml('yes: 1\n0644: 2\n"quoted": 3\n', F);
  assert.deepEqual(entriesOf(src.doc.contents)?.map((e) => e.key), ['yes', '0644', 'quoted']);
  assert.equal(entriesOf(parseYaml('- a\n', F).doc.contents), undefined);
});

test('duplicate keys are an error at the second key', () => {
  const err = errorOf('all:\n  vars:\n    x: 1\n    y: 2\n    x: 3\n');
  assert.deepEqual(err.position, { file: F, line: 5, column: 5 });
  assert.match(err.message, /duplicate key "x" \(first defined at line 3\)/);
});

test('syntax errors name the line and column and say what is wrong', () => {
  const cases: [string, number, number, RegExp][] = [
    ['a: "open\nb: 1\n', 1, 4, /quoted string is never closed/],
    // At the token, as Ansible (PyYAML) points: not the indentation before it.
    ['a:\n  b: 1\n c: 2\n', 3, 2, /invalid YAML: all mapping items must start at the same column/],
    ['a:\n\tb: 1\n', 2, 1, /tabs are not allowed/],
    // An unclosed bracket: the line that lacks it, not the line after.
    ['a: [1, 2\n', 1, 9, /invalid YAML/],
    ['x: 1\nb:\n  c: [1, 2\n\n\nd: 3\n', 3, 11, /invalid YAML/],
    ['- name: x\n  shell: echo a: b\n', 2, 16, /invalid YAML/],
    ['a: 1\n---\nb: 2\n', 2, 1, /expected one document/],
    ['a: !custom x\n', 1, 4, /unknown YAML tag !custom/],
  ];
  for (const [text, line, column, message] of cases) {
    const err = errorOf(text);
    assert.deepEqual(err.position, { file: F, line, column }, text);
    assert.match(err.message, message);
    assert.ok(err.message.startsWith(`${F}:${line}:${column}: `));
  }
});

test('a syntax error shows the offending line and the one before it, with a caret under the column', () => {
  const err = errorOf('- hosts: all\n  tasks:\n    - name: x\n      shell: echo a: b\n');
  assert.equal(err.frame, ['  3 |     - name: x', '  4 |       shell: echo a: b', '    |                    ^ here'].join('\n'));
  assert.equal(err.describe(), `${err.message}\n${err.frame}`);
  // The first line has no line before it; the caret still sits under the column.
  assert.equal(errorOf('a: "open\nb: 1\n').frame, ['  1 | a: "open', '    |    ^ here'].join('\n'));
});

test('an unquoted "{{ x }}" value is an error with a hint to quote it, as in Ansible', () => {
  const err = errorOf('- hosts: all\n  vars:\n    a: {{ x }}\n');
  assert.deepEqual(err.position, { file: F, line: 3, column: 8 });
  assert.match(err.message, /must be quoted/);
  assert.match(err.hint ?? '', /quote the whole value/);
  assert.equal(err.frame, ['  2 |   vars:', '  3 |     a: {{ x }}', '    |        ^ here'].join('\n'));
  // A real flow mapping is fine.
  assert.deepEqual(parseYaml('a: { b: 1 }\n', F).value, { a: { b: 1 } });
});

test('an empty file is null, not an error', () => {
  assert.equal(parseYaml('', F).value, null);
  assert.equal(parseYaml('# only a comment\n', F).value, null);
});

test('readYamlFile: a missing file is a ConfigError naming it', async () => {
  const missing = join(tmpdir(), 'tsinfra-definitely-missing.yml');
  await assert.rejects(readYamlFile(missing), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.equal(err.message, `${missing}: file not found`);
    return true;
  });
});
