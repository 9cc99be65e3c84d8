import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadInventory } from '../../../src/inventory/load.js';
import { FIXTURES, summarize, writeTree } from './inventory-helpers.js';

test('the same inventory as INI, as YAML and as a directory with group_vars/host_vars is identical', async () => {
  const ini = await loadInventory(join(FIXTURES, 'equiv', 'hosts.ini'));
  const yaml = await loadInventory(join(FIXTURES, 'equiv', 'hosts.yml'));
  const dir = await loadInventory(join(FIXTURES, 'equiv-dir'));
  assert.deepEqual(summarize(yaml), summarize(ini));
  assert.deepEqual(summarize(dir), summarize(ini));
  assert.deepEqual(dir.warnings, [], 'README.md, ansible.cfg and hidden files are skipped quietly');

  // and the content is what the files say, with the types Ansible would give
  assert.equal(ini.hosts.size, 8);
  const canary = ini.hosts.get('web-canary.example.com')!;
  assert.deepEqual(canary.groups, ['all', 'prod', 'web']);
  assert.deepEqual(canary.vars, {
    ansible_ssh_common_args: '-o ProxyJump=admin@203.0.113.10',
    dns: { primary: '1.1.1.1', port: 53 },
    mode: '0644',
    env: 'prod',
    ntp_servers: ['0.pool.ntp.org', '1.pool.ntp.org'],
    http_port: 8080,
    ansible_become: true,
    motd: 'Welcome; be careful',
    ansible_port: 2222,
    canary: true,
    weight: 0.5,
  });
  assert.equal(ini.hosts.get('db-c.example.com')!.vars.pg_version, '16');
  assert.deepEqual(ini.groups.get('ungrouped')!.hosts, ['bastion']);
});

test('several sources merge in order, like repeated -i', async () => {
  const extra = writeTree({
    'more.ini': ['[web]', 'web9.example.com', '[web:vars]', 'http_port=9090', '[cache]', 'redis1'].join('\n'),
    'group_vars/cache.yml': 'maxmemory: 1gb\n',
  });
  const inv = await loadInventory([join(FIXTURES, 'equiv', 'hosts.ini'), join(extra, 'more.ini')]);
  assert.deepEqual(inv.sources, [join(FIXTURES, 'equiv', 'hosts.ini'), join(extra, 'more.ini')]);
  assert.deepEqual([...inv.hosts.keys()].slice(-2), ['web9.example.com', 'redis1']);
  assert.equal(inv.hosts.get('web01.example.com')!.vars.http_port, 9090, 'the later source wins for the same group');
  assert.deepEqual(inv.hosts.get('web9.example.com')!.groups, ['all', 'prod', 'web']);
  assert.equal(inv.hosts.get('redis1')!.vars.maxmemory, '1gb');
});

test('a comma-separated host list is an inventory of ungrouped hosts', async () => {
  const inv = await loadInventory('web1,web2:2222,');
  assert.deepEqual([...inv.hosts.keys()], ['web1', 'web2']);
  assert.equal(inv.hosts.get('web2')!.vars.ansible_port, 2222);
  assert.deepEqual(inv.groups.get('ungrouped')!.hosts, ['web1', 'web2']);
});
