// config_file: validated before anything is written (check mode too), then written like copy — atomically, a
// missing directory created, a second run ok.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigSchemaError, dottedPath, validateConfig } from '../../../src/modules/config-file.js';
import { argsOf, converge, fakeController, nastyTempDir, stateModule } from './support.js';

const SCHEMA = JSON.stringify({
  $schema: 'http://json-schema.org/draft-07/schema#',
  type: 'object',
  required: ['name', 'port'],
  additionalProperties: false,
  properties: {
    name: { type: 'string' },
    port: { type: 'integer', minimum: 1 },
    tls: { type: 'object', additionalProperties: false, properties: { enabled: { type: 'boolean' } } },
  },
});
const files = { 'app.yml.hbs': 'name: app\nport: 8080\ntls:\n  enabled: yes\n', 'app.schema.json': SCHEMA };

test('valid content: written into a new directory (mode, atomic), then ok; the diff is whole', async () => {
  const { dir, cleanup } = nastyTempDir();
  try {
    const dest = join(dir, 'conf d', 'app.yml');
    const raw = { src: 'app.yml.hbs', dest, schema: 'app.schema.json', mode: '0600' };
    const r = await converge('config_file', raw, fakeController(files));
    assert.equal(r.apply?.code, 0, r.apply?.stderr);
    assert.equal(r.described.length, 1);
    assert.ok(r.described[0]!.startsWith(`write ${dest} (${files['app.yml.hbs'].length} bytes`), r.described[0]);
    assert.deepEqual(r.second, []);
    assert.equal(readFileSync(dest, 'utf8'), files['app.yml.hbs']);
    assert.equal((statSync(dest).mode & 0o777).toString(8), '600');
    assert.deepEqual(readdirSync(join(dir, 'conf d')), ['app.yml'], 'no temp file left');
    const m = stateModule('config_file');
    const args = await m.prepare!(argsOf('config_file', raw), fakeController(files));
    const state = m.parse({ stdout: 'kind=none\ndir=0\n', stderr: '', code: 0, signal: null }, args);
    const changes = m.plan(args, state);
    assert.deepEqual(m.diff!(args, state, changes), { path: dest, before: '', after: files['app.yml.hbs'] });
  } finally {
    cleanup();
  }
});

test('invalid content fails in prepare, before any probe: every problem, with line and column', async () => {
  const m = stateModule('config_file');
  const bad = { ...files, 'app.yml.hbs': 'name: app\nport: "80"\ntls:\n  enable: true\nextra: 1\n' };
  await assert.rejects(m.prepare!(argsOf('config_file', { src: 'app.yml.hbs', dest: '/nonexistent/app.yml', schema: 'app.schema.json' }), fakeController(bad)), (err: unknown) => {
    assert.ok(err instanceof ConfigSchemaError);
    assert.equal(err.code, 'TSI_CONFIG');
    assert.deepEqual(err.problems, ["5:1: the file: unknown key 'extra'", '2:7: port must be integer, got string "80"', "4:3: tls: unknown key 'enable'"]);
    assert.match(err.message, /^config_file: app.yml does not match app.schema.json, so \/nonexistent\/app.yml was left as it is: 5:1: /);
    assert.match(err.describe(), /hint: fix app.yml.hbs or the variables it uses; line:col point into the rendered app.yml/);
    return true;
  });
  assert.equal(existsSync('/nonexistent/app.yml'), false);
});

test('content and json format; parse errors; a broken schema; argument rules', async () => {
  const m = stateModule('config_file');
  const ok = await m.prepare!(argsOf('config_file', { content: '{"name":"a","port":1}', dest: '/x/a.json', schema: 'app.schema.json', format: 'json' }), fakeController(files));
  assert.equal((ok as { rendered: string }).rendered, '{"name":"a","port":1}');
  const opts = { format: 'yaml' as const, schemaText: SCHEMA, schemaName: 's', name: 'n' };
  assert.deepEqual(validateConfig('name: a\nname: b\nport: 1\n', opts).length, 1, 'duplicate keys are an error');
  assert.match(validateConfig('{"name":', { ...opts, format: 'json' })[0]!, /^not valid JSON/);
  assert.throws(() => validateConfig('a: 1', { ...opts, schemaText: '{"type": "nope"}', schemaName: 'broken.json' }), /broken.json is not a usable JSON Schema/);
  assert.throws(() => validateConfig('a: 1', { ...opts, schemaText: '{', schemaName: 'x.json' }), /x.json is not JSON/);
  assert.equal(dottedPath('/spec/hosts/0/ssh/address'), 'spec.hosts[0].ssh.address');
  const { validateArgs } = await import('../../../src/modules/registry.js');
  const neither = validateArgs('config_file', { dest: '/x', schema: 's' });
  assert.deepEqual(neither.ok ? [] : neither.problems.map((p) => p.message), ['config_file needs src or content']);
  const both = validateArgs('config_file', { dest: '/x', schema: 's', src: 'a', content: 'b' });
  assert.deepEqual(both.ok ? [] : both.problems.map((p) => p.message), ['config_file takes src or content, not both']);
});
