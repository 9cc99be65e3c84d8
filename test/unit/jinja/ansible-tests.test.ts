// Ansible's tests against ansible-core 2.14: `ok` is Python's repr of the test's result there, `err` a raise.
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { ansibleTests } from '../../../src/jinja/tests/ansible-tests.js';
import { F, T, fakeContext, repr } from './ansible-fake-context.js';
import { tempDir } from '../../support/temp-dir.js';

type Expect = { ok: string } | { err: string };
const TESTS = new Map(ansibleTests.map((d) => [d.name, d]));

function run(name: string, input: unknown, args: unknown[] = [], kwargs: Record<string, unknown> = {}): boolean {
  const def = TESTS.get(name);
  if (!def) throw new Error(`no test ${name}`);
  return def.fn(fakeContext(), input, args, kwargs);
}

// [test, input, args, kwargs, expected]
const ORACLE: [string, unknown, unknown[], Record<string, unknown>, Expect][] = [
  ["failed", { "failed": true }, [], {  }, { ok: "True" }],
  ["failed", { "changed": true }, [], {  }, { ok: "False" }],
  ["failed", [1], [], {  }, { err: "The 'failed' test expects a dictionary" }],
  ["succeeded", { "failed": false }, [], {  }, { ok: "True" }],
  ["success", {  }, [], {  }, { ok: "True" }],
  ["successful", { "failed": "yes" }, [], {  }, { ok: "False" }],
  ["unreachable", { "unreachable": true }, [], {  }, { ok: "True" }],
  ["reachable", {  }, [], {  }, { ok: "True" }],
  ["changed", { "changed": true }, [], {  }, { ok: "True" }],
  ["changed", { "results": [{ "changed": false }, { "changed": true }] }, [], {  }, { ok: "True" }],
  ["changed", { "results": [] }, [], {  }, { err: "list index out of range" }],
  ["changed", { "results": [1] }, [], {  }, { ok: "False" }],
  ["change", {  }, [], {  }, { ok: "False" }],
  ["skipped", { "skipped": true }, [], {  }, { ok: "True" }],
  ["skip", {  }, [], {  }, { ok: "False" }],
  ["finished", { "finished": 1 }, [], {  }, { ok: "True" }],
  ["finished", { "finished": 0 }, [], {  }, { ok: "False" }],
  ["finished", {  }, [], {  }, { ok: "True" }],
  ["started", { "started": true }, [], {  }, { ok: "True" }],
  ["match", "abc", ["b"], {  }, { ok: "False" }],
  ["match", "abc", ["a"], {  }, { ok: "True" }],
  ["match", "ABC", ["a"], { "ignorecase": true }, { ok: "True" }],
  ["match", "x\nfoo", ["^foo"], { "multiline": true }, { ok: "False" }],
  ["search", "abc", ["b"], {  }, { ok: "True" }],
  ["search", 123, ["2"], {  }, { ok: "True" }],
  ["regex", "abc", ["b"], {  }, { ok: "True" }],
  ["regex", "abc", ["b"], { "match_type": "match" }, { ok: "False" }],
  ["regex", "abc", ["abc"], { "match_type": "fullmatch" }, { ok: "True" }],
  ["regex", "abcd", ["abc"], { "match_type": "fullmatch" }, { ok: "False" }],
  ["version", "1.10", ["1.9", ">"], {  }, { ok: "True" }],
  ["version", "2.14.0", ["2.14", ">"], {  }, { ok: "True" }],
  ["version", "2.14", ["2.14.0", "=="], {  }, { ok: "False" }],
  ["version", "1.0", ["1.0"], {  }, { ok: "True" }],
  ["version", "1.0", ["1.0", "ne"], {  }, { ok: "False" }],
  ["version", "1.2.3", ["1.2.3-rc1", "gt"], {  }, { ok: "False" }],
  ["version", "1.0a", ["1.0", "<"], {  }, { ok: "False" }],
  ["version", "1.0.0", ["1.0.0a1", "ge"], { "strict": true }, { ok: "True" }],
  ["version", "1.0", ["1.0.0"], { "strict": true }, { ok: "True" }],
  ["version", "1.0-x", ["1.0"], { "strict": true }, { err: "Version comparison failed: invalid version number '1.0-x'" }],
  ["version", "1.0.0-alpha", ["1.0.0-alpha.1", "<"], { "version_type": "semver" }, { ok: "True" }],
  ["version", "1.0.0-alpha.beta", ["1.0.0-alpha.1", ">"], { "version_type": "semver" }, { ok: "True" }],
  ["version", "1.0.0", ["1.0.0-rc.1", ">"], { "version_type": "semantic" }, { ok: "True" }],
  ["version", "1.0.0+b1", ["1.0.0", "=="], { "version_type": "semver" }, { ok: "True" }],
  ["version", "1.0", ["1.0.0"], { "version_type": "semver" }, { err: "Version comparison failed: invalid semantic version '1.0'" }],
  ["version", "1", ["2"], { "version_type": "nope" }, { err: "Invalid version type (nope). Must be one of 'loose', 'strict', 'semver', 'semantic', 'pep440'" }],
  ["version", "1", ["2", "~"], {  }, { err: "Invalid operator type (~). Must be one of '==', '=', 'eq', '<', 'lt', '<=', 'le', '>', 'gt', '>=', 'ge', '!=', '<>', 'ne'" }],
  ["version", "", ["2"], {  }, { err: "Input version value cannot be empty" }],
  ["version", "1", [""], {  }, { err: "Version parameter to compare against cannot be empty" }],
  ["version", "1.a", ["1.1"], {  }, { err: "Version comparison failed: '<' not supported between instances of 'str' and 'int'" }],
  ["version", "1.A", ["1.a"], {  }, { ok: "False" }],
  ["version", 1.1, ["1.09", ">"], {  }, { ok: "False" }],
  ["version_compare", "3.10.2", ["3.9", "ge"], {  }, { ok: "True" }],
  ["version", "1", ["1"], { "strict": true, "version_type": "loose" }, { err: "Cannot specify both 'strict' and 'version_type'" }],
  ["version", "7.0.1-RC1", ["7.0.1", "<"], {  }, { ok: "False" }],
  ["version", "1.2_3", ["1.2_4", "lt"], {  }, { ok: "True" }],
  ["version", "1.0.0", ["1.0", "<="], {  }, { ok: "False" }],
  ["any", [0, 1], [], {  }, { ok: "True" }],
  ["any", [], [], {  }, { ok: "False" }],
  ["all", [1, 1], [], {  }, { ok: "True" }],
  ["all", [1, 0], [], {  }, { ok: "False" }],
  ["all", [], [], {  }, { ok: "True" }],
  ["truthy", "no", [], {  }, { ok: "True" }],
  ["truthy", "no", [true], {  }, { ok: "False" }],
  ["truthy", "x", [true], {  }, { ok: "True" }],
  ["truthy", [], [true], {  }, { ok: "False" }],
  ["falsy", "off", [true], {  }, { ok: "True" }],
  ["falsy", 0, [], {  }, { ok: "True" }],
  ["truthy", " Yes ", [true], {  }, { ok: "True" }],
  ["subset", [1, 2], [[1, 2, 3]], {  }, { ok: "True" }],
  ["subset", [1, 4], [[1, 2, 3]], {  }, { ok: "False" }],
  ["superset", [1, 2, 3], [[1, 2]], {  }, { ok: "True" }],
  ["issubset", [[1]], [[[1]]], {  }, { err: "unhashable type: 'list'" }],
  ["subset", "ab", ["abc"], {  }, { ok: "True" }],
  ["subset", [F(1), true], [[1]], {  }, { ok: "True" }],
  ["contains", [1, 2], [2], {  }, { ok: "True" }],
  ["contains", [1, 2], [3], {  }, { ok: "False" }],
  ["contains", "abc", ["b"], {  }, { ok: "True" }],
  ["contains", { "a": 1 }, ["a"], {  }, { ok: "True" }],
  ["nan", NaN, [], {  }, { ok: "True" }],
  ["nan", F(1), [], {  }, { ok: "False" }],
  ["nan", "x", [], {  }, { ok: "False" }],
  ["isnan", 1, [], {  }, { ok: "False" }],
  ["directory", "/etc", [], {  }, { ok: "True" }],
  ["directory", "/etc/hosts", [], {  }, { ok: "False" }],
  ["file", "/etc/hosts", [], {  }, { ok: "True" }],
  ["exists", "/nope", [], {  }, { ok: "False" }],
  ["abs", "/x", [], {  }, { ok: "True" }],
  ["abs", "x", [], {  }, { ok: "False" }],
  ["is_abs", "//x", [], {  }, { ok: "True" }],
  ["same_file", "/etc/hosts", ["/etc/../etc/hosts"], {  }, { ok: "True" }],
  ["same_file", "/etc/hosts", ["/nope"], {  }, { err: "[Errno 2] No such file or directory: '/nope'" }],
  ["uri", "http://x", [], {  }, { ok: "True" }],
  ["uri", "x", [], {  }, { ok: "True" }],
  ["uri", "x", [["http"]], {  }, { ok: "False" }],
  ["url", "http://x/y", [], {  }, { ok: "True" }],
  ["url", "http:///y", [], {  }, { ok: "False" }],
  ["url", "file:///x", [], {  }, { ok: "True" }],
  ["url", "mailto:a@b", [], {  }, { ok: "False" }],
  ["urn", "urn:isbn:1", [], {  }, { ok: "True" }],
  ["urn", "http://x", [], {  }, { ok: "False" }],
  ["uri", 1, [], {  }, { ok: "False" }],
];

describe('ansible tests match ansible-core 2.14', () => {
  ORACLE.forEach(([name, input, args, kwargs, expect], i) => {
    it(`${i}: ${name} ${repr(input).slice(0, 50)} ${repr(args).slice(0, 40)}`, () => {
      if ('ok' in expect) assert.equal(repr(run(name, input, args, kwargs)), expect.ok);
      else assert.throws(() => run(name, input, args, kwargs));
    });
  });
});

describe('ansible tests: the rest', () => {
  it('has no duplicate names and none of the Jinja builtins', () => {
    assert.equal(TESTS.size, ansibleTests.length);
    for (const builtin of ['defined', 'undefined', 'string', 'number', 'mapping', 'sequence', 'in', 'eq']) assert.ok(!TESTS.has(builtin), builtin);
  });

  it('reads tsinfra results by status when the Ansible flags are absent', () => {
    assert.equal(run('changed', { status: 'changed' }), true);
    assert.equal(run('changed', { status: 'ok' }), false);
    assert.equal(run('failed', { status: 'failed' }), true);
    assert.equal(run('succeeded', { status: 'failed' }), false);
    assert.equal(run('success', { status: 'ok' }), true);
    assert.equal(run('skipped', { status: 'skipped' }), true);
    assert.equal(run('unreachable', { status: 'unreachable' }), true);
    assert.equal(run('reachable', { status: 'unreachable' }), false);
    assert.equal(run('changed', { status: 'changed', changed: false }), false); // Ansible's flag wins
  });

  it('a result fails to be a result when it is not a dict', () => {
    assert.throws(() => run('failed', 'x'), /The 'failed' test expects a dictionary/);
    assert.throws(() => run('changed', [1]), /The 'changed' test expects a dictionary/);
  });

  it('version follows LooseVersion', () => {
    assert.equal(run('version', '1.10', ['1.9', '>']), true);
    assert.equal(run('version', '2.14.0', ['2.14', '>']), true);
    assert.equal(run('version', '2.14', ['2.14.0', '<']), true);
    assert.equal(run('version_compare', '3.10.2', ['3.9', 'ge']), true);
    assert.throws(() => run('version', '1.a', ['1.1']), /Version comparison failed: '<' not supported between instances of 'str' and 'int'/);
    assert.throws(() => run('version', '1', ['2', '~']), /Invalid operator type \(~\)/);
  });

  it('file tests look at the controller file system', () => {
    const dir = tempDir('tsinfra-tests-');
    writeFileSync(`${dir}/f`, 'x');
    mkdirSync(`${dir}/d`);
    symlinkSync(`${dir}/f`, `${dir}/l`);
    symlinkSync(`${dir}/missing`, `${dir}/dangling`);
    assert.equal(run('file', `${dir}/f`), true);
    assert.equal(run('is_file', `${dir}/d`), false);
    assert.equal(run('directory', `${dir}/d`), true);
    assert.equal(run('link', `${dir}/l`), true);
    assert.equal(run('link', `${dir}/f`), false);
    assert.equal(run('exists', `${dir}/dangling`), false);
    assert.equal(run('link_exists', `${dir}/dangling`), true);
    assert.equal(run('same_file', `${dir}/l`, [`${dir}/f`]), true);
    assert.equal(run('mount', '/'), true);
    assert.equal(run('mount', `${dir}/d`), false);
  });
});
