// `tsinfra doc`: the page is read from the schema that validates, so what it says must agree with validateArgs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { formatModuleDoc, formatModuleList, moduleDoc } from '../../../src/cli/doc-command.js';
import { moduleNames, validateArgs } from '../../../src/modules/registry.js';

test('apt: types, defaults, choices, aliases, and the Ansible names it answers to', () => {
  const doc = moduleDoc('ansible.builtin.apt')!;
  assert.equal(doc.name, 'apt');
  assert.ok(doc.names.includes('ansible.builtin.apt') && doc.names.includes('apt'));
  const arg = (n: string) => doc.arguments.find((a) => a.name === n)!;
  assert.equal(arg('name').type, 'list of str');
  assert.equal(arg('name').required, false);
  assert.deepEqual(arg('name').default, []);
  assert.ok(arg('name').aliases.includes('pkg'), 'apt name answers to pkg');
  assert.deepEqual(arg('state').choices, ['present', 'absent', 'latest']);
  assert.equal(arg('state').default, 'present');
  assert.equal(arg('update_cache').type, 'bool');
  assert.equal(arg('cache_valid_time').type, 'int');
  const text = formatModuleDoc(doc);
  assert.match(text, /^> APT\n/);
  assert.match(text, /\n- state\n(?: {8}.*\n)*? {8}choices: \[present, absent, latest\]\n {8}default: present\n {8}type: str\n/);
});

test('what doc calls required is what the validator asks for, for every module', () => {
  for (const name of moduleNames()) {
    const doc = moduleDoc(name)!;
    assert.ok(doc.arguments.every((a) => a.type !== ''), name);
    const required = doc.arguments.filter((a) => a.required).map((a) => a.name);
    const r = validateArgs(name, {});
    if (required.length === 0) continue;
    assert.equal(r.ok, false, `${name}: ${required.join(', ')} are required, yet {} validates`);
    const said = r.ok ? '' : JSON.stringify(r.problems);
    assert.ok(required.some((a) => said.includes(a)), `${name}: the validator's problems ${said} name none of ${required.join(', ')}`);
  }
});

test("each listed choice validates and a value outside them does not (apt state, user state)", () => {
  for (const [name, base, arg] of [['apt', { name: 'curl' }, 'state'], ['user', { name: 'bob' }, 'state']] as const) {
    const choices = moduleDoc(name)!.arguments.find((a) => a.name === arg)!.choices!;
    assert.ok(choices.length >= 2);
    for (const c of choices) assert.equal(validateArgs(name, { ...base, [arg]: c }).ok, true, `${name} ${arg}=${String(c)}`);
    assert.equal(validateArgs(name, { ...base, [arg]: 'no-such-choice' }).ok, false);
  }
});

test('--list names every module once with its summary; an unknown module has no page', () => {
  const lines = formatModuleList().trimEnd().split('\n');
  assert.deepEqual(lines.map((l) => l.split(/\s+/)[0]), moduleNames());
  assert.match(lines.find((l) => l.startsWith('copy '))!, /^copy\s+\S/);
  assert.equal(moduleDoc('firewalld'), undefined);
});
