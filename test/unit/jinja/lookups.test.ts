// Lookup plugins called as Ansible's run() is: `terms` are lookup()'s positional arguments as given. Expectations
// were taken from ansible-core 2.14 with the same files under a play directory.
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { hostname, userInfo } from 'node:os';
import { describe, it } from 'node:test';
import { lookups } from '../../../src/jinja/lookups/index.js';
import { UndefinedError } from '../../../src/jinja/undefined.js';
import { T, U, fakeContext, repr, type FakeOptions } from './ansible-fake-context.js';
import { tempDir } from '../../support/temp-dir.js';

const LOOKUPS = new Map(lookups.map((d) => [d.name, d]));

function play(): string {
  const dir = tempDir('tsinfra-lookup-');
  mkdirSync(`${dir}/files`);
  mkdirSync(`${dir}/templates`);
  writeFileSync(`${dir}/files/a.txt`, '  hello\n\n');
  writeFileSync(`${dir}/b.txt`, 'b\n');
  writeFileSync(`${dir}/files/c1.conf`, '');
  writeFileSync(`${dir}/files/c2.conf`, '');
  writeFileSync(`${dir}/templates/t.j2`, 'x{{ 1+1 }}\n');
  return dir;
}

const DIR = play();
const USERS = [
  { name: 'alice', groups: ['wheel', 'dev'], auth: { keys: ['k1'] } },
  { name: 'bob', groups: [], skipped: false, auth: { keys: ['k2'] } },
];
const OPTIONS: FakeOptions = {
  vars: { x: 1, users: USERS, inventory_hostname: 'h1', hostvars: { h1: { hv: 'from-hostvars' } } },
  env: { HOME: '/home/me', EMPTY: '' },
  search: { files: [`${DIR}/files`, DIR], templates: [`${DIR}/templates`, DIR] },
  render: (path, extra) => `rendered ${path} ${repr(extra ?? {})}`,
};

function q(name: string, terms: unknown[], kwargs: Record<string, unknown> = {}, o: FakeOptions = OPTIONS): unknown {
  const def = LOOKUPS.get(name);
  if (!def) throw new Error(`no lookup ${name}`);
  return def.fn(fakeContext(o), terms, kwargs);
}

describe('lookups', () => {
  it('env: the controller environment, default= for a missing name', () => {
    assert.deepEqual(q('env', ['HOME']), ['/home/me']);
    assert.deepEqual(q('env', ['HOME extra words']), ['/home/me']); // term.split()[0]
    assert.deepEqual(q('env', ['NOPE_Q']), ['']);
    assert.deepEqual(q('env', ['HOME', 'NOPE_X'], { default: 'd' }), ['/home/me', 'd']);
    assert.deepEqual(q('env', ['EMPTY'], { default: 'd' }), ['']);
    assert.throws(() => q('env', ['NOPE'], { default: U('u') }), /The "env" lookup, found an undefined variable: NOPE/);
    assert.throws(() => q('env', [['HOME']]), /'list' object has no attribute 'split'/);
  });

  it('file: through the files search path, rstrip by default', () => {
    assert.deepEqual(q('file', ['a.txt']), ['  hello']);
    assert.deepEqual(q('file', ['a.txt'], { lstrip: true, rstrip: false }), ['hello\n\n']);
    assert.deepEqual(q('file', ['b.txt', 'files/a.txt']), ['b', '  hello']);
    assert.deepEqual(q('file', [`${DIR}/b.txt`]), ['b']);
    assert.throws(() => q('file', ['nope']), /could not locate file in lookup: nope/);
  });

  it('template: found in the templates search path and rendered by the host', () => {
    // Ansible's template vars (generate_ansible_template_vars), then template_vars over them.
    const tv = `'template_host': '${hostname()}', 'template_path': 't.j2', 'template_fullpath': '${DIR}/templates/t.j2', 'template_uid': '${userInfo().username}', 'ansible_managed': 'Ansible managed'`;
    assert.deepEqual(q('template', ['t.j2']), [`rendered ${DIR}/templates/t.j2 {${tv}}`]);
    assert.deepEqual(q('template', ['t.j2'], { template_vars: { a: 1, ansible_managed: 'mine' } }), [
      `rendered ${DIR}/templates/t.j2 {${tv.replace("'Ansible managed'", "'mine'")}, 'a': 1}`,
    ]);
    assert.throws(() => q('template', ['x']), /the template file x could not be found for the lookup/);
  });

  it('first_found: names, lists, dicts with files/paths, skip', () => {
    assert.deepEqual(q('first_found', [['nope', 'a.txt']]), [`${DIR}/files/a.txt`]);
    assert.deepEqual(q('first_found', ['nope', 'b.txt']), [`${DIR}/b.txt`]);
    assert.deepEqual(q('first_found', [{ files: ['nope', 'b.txt'], paths: [DIR, 'files'] }]), [`${DIR}/b.txt`]);
    assert.deepEqual(q('first_found', [{ files: 'nope,a.txt', paths: `${DIR}/files:/elsewhere` }]), [`${DIR}/files/a.txt`]);
    assert.deepEqual(q('first_found', ['x'], { files: ['a.txt'] }), [`${DIR}/files/a.txt`]); // files= replaces the terms
    assert.deepEqual(q('first_found', [{ files: ['nope'], skip: true }]), []);
    assert.deepEqual(q('first_found', ['nope'], { skip: true }), []);
    assert.throws(() => q('first_found', ['nope']), /No file was found when using first_found\./);
  });

  it('fileglob: in the files search path, files only', () => {
    const want = [`${DIR}/files/c1.conf`, `${DIR}/files/c2.conf`];
    assert.deepEqual((q('fileglob', ['*.conf']) as string[]).sort(), want);
    assert.deepEqual((q('fileglob', ['files/*.conf']) as string[]).sort(), want);
    assert.deepEqual(q('fileglob', ['*.nothing']), []);
  });

  it('varnames and vars', () => {
    assert.deepEqual(q('varnames', ['^x', 'user']), ['x', 'users']);
    assert.throws(() => q('varnames', [1]), /Invalid setting identifier, "1" is not a string, it is a <class 'int'>/);
    assert.throws(() => q('varnames', ['(']), /Unable to use "\(" as a search parameter/);
    assert.deepEqual(q('vars', ['x', 'hv']), [1, 'from-hostvars']);
    assert.deepEqual(q('vars', ['nope'], { default: 5 }), [5]);
    assert.throws(() => q('vars', ['nope']), UndefinedError);
  });

  it('list shapes, as with_items and friends see them', () => {
    assert.equal(repr(q('items', [1, [2, [3]], 'a'])), "[1, 2, [3], 'a']");
    assert.equal(repr(q('list', [[1, 2]])), '[[1, 2]]');
    assert.equal(repr(q('indexed_items', [['a', 'b']])), "[(0, 'a'), (1, 'b')]");
    assert.equal(repr(q('dict', [{ a: 1 }, { b: 2 }])), "[{'key': 'a', 'value': 1}, {'key': 'b', 'value': 2}]");
    assert.throws(() => q('dict', [[1]]), /with_dict expects a dict/);
    assert.equal(repr(q('together', [[1, 2], 'ab', 3])), "[[1, 'ab', 3], [2, None, None]]");
    assert.equal(repr(q('nested', [['a', 'b'], [1, 2], ['x']])), "[['a', 1, 'x'], ['a', 2, 'x'], ['b', 1, 'x'], ['b', 2, 'x']]");
    assert.equal(repr(q('flattened', [[1, [2, [3]]], 'x'])), "[1, 2, 3, 'x']");
    assert.ok([1, 2, 3].includes((q('random_choice', [1, 2, 3]) as number[])[0]!));
    assert.deepEqual(q('random_choice', []), []);
  });

  it('subelements: the item comes back without the list it was paired from', () => {
    assert.equal(
      repr(q('subelements', [USERS, 'groups'])),
      "[({'name': 'alice', 'auth': {'keys': ['k1']}}, 'wheel'), ({'name': 'alice', 'auth': {'keys': ['k1']}}, 'dev')]",
    );
    assert.equal(
      repr(q('subelements', [USERS, 'auth.keys'])),
      "[({'name': 'alice', 'groups': ['wheel', 'dev'], 'auth': {}}, 'k1'), ({'name': 'bob', 'groups': [], 'skipped': False, 'auth': {}}, 'k2')]",
    );
    assert.deepEqual(USERS[0]!.groups, ['wheel', 'dev']); // the variable itself is untouched
    assert.deepEqual(q('subelements', [USERS, 'nope', { skip_missing: true }]), []);
    assert.throws(() => q('subelements', [USERS, 'nope']), /could not find 'nope' key in iterated item/);
    assert.throws(() => q('subelements', [USERS]), /subelements lookup expects a list of two or three items/);
  });

  it('sequence: key=value and shortcut forms', () => {
    assert.deepEqual(q('sequence', ['start=1 end=5 format=node%02d']), ['node01', 'node02', 'node03', 'node04', 'node05']);
    assert.deepEqual(q('sequence', ['4:host%02d', '2-10/2', 'count=3 start=0x0f00 format=%04x']), [
      'host01', 'host02', 'host03', 'host04', '2', '4', '6', '8', '10', '0f00', '0f01', '0f02',
    ]);
    assert.deepEqual(q('sequence', ['start=5 end=1 stride=-2']), ['5', '3', '1']);
    assert.deepEqual(q('sequence', ['count=0']), []);
    assert.deepEqual(q('sequence', ['start=0 count=5 stride=2']), ['0', '2', '4', '6', '8']);
    assert.throws(() => q('sequence', ['end=0']), /to count backwards make stride negative/);
    assert.throws(() => q('sequence', ['start=010 end=3']), /can't parse start=010 as integer/);
    assert.throws(() => q('sequence', ['bad']), /can't parse end=bad as integer/);
    assert.throws(() => q('sequence', ['end=3 nope=1']), /unrecognized arguments to with_sequence: \['nope'\]/);
    assert.throws(() => q('sequence', ['end=3 format=%d%d']), /bad formatting string/);
  });

  it('pipe and lines: a shell command on the controller, in the playbook directory', () => {
    const o = { ...OPTIONS, env: { PATH: process.env.PATH ?? '/usr/bin:/bin' } };
    assert.deepEqual(q('pipe', ['printf "a b\\n\\n"', 'cat b.txt'], {}, o), ['a b', 'b']);
    assert.deepEqual(q('lines', ['printf "x\\ny\\n"', 'echo z'], {}, o), ['x', 'y', 'z']);
    assert.deepEqual(q('pipe', ['pwd'], {}, o), [DIR]);
    assert.throws(() => q('pipe', ['exit 3'], {}, o), /lookup_plugin\.pipe\(exit 3\) returned 3/);
    assert.throws(() => q('lines', ['false'], {}, o), /lookup_plugin\.lines\(false\) returned 1/);
    // the command text is in no argv (a templated secret stays out of process lists) nor the command's environment
    assert.deepEqual(q('pipe', ['tr "\\0" " " < /proc/$$/cmdline; echo; env | grep -c TSINFRA_LOOKUP || true # s3cret'], {}, o), [
      `/bin/sh -c tsi_c=$TSINFRA_LOOKUP_COMMAND; unset TSINFRA_LOOKUP_COMMAND; eval "$tsi_c" \n0`,
    ]);
  });

  it('has every lookup once', () => {
    assert.equal(LOOKUPS.size, lookups.length);
    void T;
  });
});
