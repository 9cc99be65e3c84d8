// `terraform output -json` as an inventory: the tsinfra_hosts output lists the servers (docs/inventory.md).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadInventory } from '../../../src/inventory/load.js';
import { writeTree } from './inventory-helpers.js';
import { HETZNER_YAML, TERRAFORM_FIXTURES, groupMembers, groupsAndAddresses } from './terraform-helpers.js';

/** `terraform output -json` text for outputs given as name → value. */
function outputsText(outputs: Record<string, unknown>): string {
  const entries = Object.entries(outputs).map(([name, value]) => [name, { sensitive: false, type: 'dynamic', value }]);
  return `${JSON.stringify(Object.fromEntries(entries), null, 2)}\n`;
}

test('the terraform output -json sample gives the same groups and addresses as inventories/hetzner/hosts.yml', async () => {
  const inv = await loadInventory(join(TERRAFORM_FIXTURES, 'outputs.json'));
  const yaml = await loadInventory(HETZNER_YAML);
  assert.deepEqual(groupsAndAddresses(inv), groupsAndAddresses(yaml));
  assert.deepEqual(groupMembers(inv), groupMembers(yaml));
  assert.deepEqual(inv.hosts.get('master3')!.vars, {
    ansible_user: 'root',
    ansible_host: '198.51.100.13',
    public_ip: '198.51.100.13',
    private_ip: '10.0.1.13',
    location: 'hel1',
  });
  assert.match(inv.hosts.get('master3')!.origins.ansible_host!, /outputs\.json:\d+:\d+ \(host master3\)$/);
});

test('every field of a server: addresses, groups, labels, tags, location, datacenter, provider, vars', async () => {
  const dir = writeTree({
    'out.json': outputsText({
      tsinfra_hosts: [
        {
          name: 'db1',
          ipv4: '192.0.2.10',
          ipv6: '2001:db8::10',
          private_ip: '10.0.0.10',
          groups: ['db'],
          labels: { role: 'primary', team: 'data' },
          tags: ['prod', 'backup:daily'],
          location: 'fsn1',
          datacenter: 'fsn1-dc14',
          provider: 'hcloud',
          vars: { ansible_port: 2222, ansible_host: '10.0.0.10', postgres_version: 16 },
        },
        { name: 'db2', ipv4: null, ipv6: '', private_ip: '10.0.0.11', groups: null, labels: null, tags: null, vars: null },
      ],
    }),
  });
  const inv = await loadInventory(join(dir, 'out.json'));
  assert.deepEqual(inv.hosts.get('db1')!.groups, ['all', 'db', 'primary', 'prod']);
  assert.deepEqual(inv.hosts.get('db1')!.vars, {
    ansible_host: '10.0.0.10', // vars come last and win
    public_ip: '192.0.2.10',
    public_ipv6: '2001:db8::10',
    private_ip: '10.0.0.10',
    location: 'fsn1',
    datacenter: 'fsn1-dc14',
    provider: 'hcloud',
    labels: { role: 'primary', team: 'data' },
    tags: ['prod', 'backup:daily'],
    ansible_port: 2222,
    postgres_version: 16,
  });
  assert.deepEqual(inv.hosts.get('db2')!.vars, { ansible_host: '10.0.0.11', private_ip: '10.0.0.11' });
  assert.deepEqual(inv.hosts.get('db2')!.groups, ['all', 'ungrouped']);
  assert.equal(inv.warnings?.length, 1);
  assert.match(inv.warnings![0]!, /tag "backup:daily" \(server db1\) is not a group name; ignored/);
});

test('a map of server names: to server objects, or just to addresses', async () => {
  const dir = writeTree({
    'out.json': outputsText({
      other: 'ignored',
      tsinfra_hosts: { web1: { ipv4: '192.0.2.21', groups: ['web'] }, web2: '192.0.2.22', web3: '2001:db8::23', renamed: { name: 'web4', ipv4: '192.0.2.24' } },
    }),
  });
  const inv = await loadInventory(join(dir, 'out.json'));
  assert.deepEqual(groupsAndAddresses(inv), {
    web1: { groups: ['all', 'web'], ansible_host: '192.0.2.21' },
    web2: { groups: ['all', 'ungrouped'], ansible_host: '192.0.2.22' },
    web3: { groups: ['all', 'ungrouped'], ansible_host: '2001:db8::23' },
    web4: { groups: ['all', 'ungrouped'], ansible_host: '192.0.2.24' },
  });
  assert.equal(inv.hosts.get('web3')!.vars.public_ipv6, '2001:db8::23');
});

test('the value alone (terraform output -json tsinfra_hosts) is read as well', async () => {
  const dir = writeTree({ 'hosts.json': JSON.stringify([{ name: 'a', ipv4: '192.0.2.31', groups: ['x'] }, { name: 'b', ipv4: '192.0.2.32' }]) });
  const inv = await loadInventory(join(dir, 'hosts.json'));
  assert.deepEqual(groupsAndAddresses(inv), {
    a: { groups: ['all', 'x'], ansible_host: '192.0.2.31' },
    b: { groups: ['all', 'ungrouped'], ansible_host: '192.0.2.32' },
  });
});

test('a sensitive output is read like any other', async () => {
  const text = JSON.stringify({ tsinfra_hosts: { sensitive: true, type: ['list', ['object', { name: 'string' }]], value: [{ name: 's1', ipv4: '192.0.2.41' }] } });
  const inv = await loadInventory(join(writeTree({ 'o.json': text }), 'o.json'));
  assert.equal(inv.hosts.get('s1')!.vars.ansible_host, '192.0.2.41');
});
