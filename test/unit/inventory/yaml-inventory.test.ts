import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inventoryOf } from './inventory-helpers.js';

test("Ansible's YAML shape: nested children, null hosts, host vars, string shorthands", async () => {
  const inv = await inventoryOf(
    [
      'all:',
      '  hosts:',
      '    solo:',
      '  children:',
      '    prod:',
      '      children:',
      '        web:',
      '          hosts:',
      '            web[1:2]:',
      '              ansible_user: deploy',
      '            web3:2222:',
      '        db:',
      '          hosts: db1',
      '    staging:',
      '      children: web',
      'web:',
      '  vars:',
      '    http_port: 8080',
    ].join('\n'),
    'inv.yml',
  );
  assert.deepEqual([...inv.hosts.keys()], ['solo', 'web1', 'web2', 'web3', 'db1']);
  assert.deepEqual(inv.groups.get('all')!.children, ['ungrouped', 'prod', 'staging']);
  assert.deepEqual(inv.groups.get('prod')!.children, ['web', 'db']);
  assert.deepEqual(inv.groups.get('staging')!.children, ['web']);
  assert.deepEqual(inv.groups.get('ungrouped')!.hosts, ['solo']);
  assert.deepEqual(inv.hosts.get('web1')!.groups, ['all', 'prod', 'staging', 'web']);
  assert.deepEqual(inv.hosts.get('web1')!.vars, { http_port: 8080, ansible_user: 'deploy' });
  assert.deepEqual(inv.hosts.get('web3')!.vars, { http_port: 8080, ansible_port: 2222 });
  assert.equal(inv.hosts.get('web1')!.origins.ansible_user, `${inv.source}:10:15 (host web1)`);
  assert.equal(inv.hosts.get('web3')!.origins.ansible_port, `${inv.source}:11:18 (host web3)`);
  assert.equal(inv.hosts.get('web1')!.origins.http_port, `${inv.source}:18:5 (group web)`);
});

test('YAML 1.1 values, anchors and merge keys in vars', async () => {
  const inv = await inventoryOf(
    [
      'all:',
      '  vars:',
      '    become: yes',
      '    mode: 0644',
      '    common: &common {ntp: pool.ntp.org, dns: 1.1.1.1}',
      '  hosts:',
      '    web1:',
      '      <<: *common',
      '      dns: 9.9.9.9',
    ].join('\n'),
    'inv.yaml',
  );
  const web1 = inv.hosts.get('web1')!;
  assert.equal(web1.vars.become, true);
  assert.equal(web1.vars.mode, 420);
  assert.equal(web1.vars.ntp, 'pool.ntp.org');
  assert.equal(web1.vars.dns, '9.9.9.9');
  assert.equal(web1.origins.ntp, `${inv.source}:8:7 (host web1)`, 'merged-in keys point at the << key');
});

test('JSON inventories load through the YAML reader', async () => {
  const inv = await inventoryOf(JSON.stringify({ all: { hosts: { a: { x: 1 } }, children: { g: { hosts: { b: null } } } } }), 'inv.json');
  assert.deepEqual([...inv.hosts.keys()], ['a', 'b']);
  assert.deepEqual(inv.hosts.get('b')!.groups, ['all', 'g']);
});

test('format detection for files without a known extension', async () => {
  const { detectInventoryFormat } = await import('../../../src/inventory/load.js');
  assert.equal(detectInventoryFormat('hosts', '# c\nall:\n  hosts:\n'), 'yaml');
  assert.equal(detectInventoryFormat('hosts', '---\n'), 'yaml');
  assert.equal(detectInventoryFormat('hosts', '- a\n'), 'yaml');
  assert.equal(detectInventoryFormat('hosts', 'web1:2222 a=1\n'), 'ini');
  assert.equal(detectInventoryFormat('hosts', '[web]\nweb1\n'), 'ini');
  assert.equal(detectInventoryFormat('hosts.ini', 'all:\n'), 'ini');
  assert.equal(detectInventoryFormat('x.json', '{}'), 'yaml');
});

test('variable names that would change object prototypes are refused', async () => {
  const { ConfigError } = await import('../../../src/errors.js');
  await assert.rejects(inventoryOf('all:\n  vars:\n    __proto__: {polluted: true}\n', 'inv.yml'), (err: unknown) => {
    assert.ok(err instanceof ConfigError);
    assert.match(err.message, /inv\.yml:3:5: variable name "__proto__" is not allowed/);
    return true;
  });
  assert.equal(({} as Record<string, unknown>).polluted, undefined);
});
