// Terraform states as inventories: hcloud and Scaleway servers become hosts, labels and tags become groups,
// and group_vars/ and host_vars/ beside the state apply as for any inventory file.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadInventory } from '../../../src/inventory/load.js';
import { writeTree } from './inventory-helpers.js';
import {
  HETZNER_YAML,
  TERRAFORM_FIXTURES,
  groupMembers,
  groupsAndAddresses,
  hcloudServer,
  stateText,
} from './terraform-helpers.js';

const HETZNER_STATE = join(TERRAFORM_FIXTURES, 'hetzner.tfstate');
const SCALEWAY_STATE = join(TERRAFORM_FIXTURES, 'scaleway.tfstate');

test('the hcloud state gives the same hosts, groups and addresses as inventories/hetzner/hosts.yml', async () => {
  const fromState = await loadInventory(HETZNER_STATE);
  const fromYaml = await loadInventory(HETZNER_YAML);
  assert.deepEqual(groupsAndAddresses(fromState), groupsAndAddresses(fromYaml));
  assert.deepEqual(groupMembers(fromState), groupMembers(fromYaml));
  assert.deepEqual([...fromState.hosts.keys()], ['master1', 'master2', 'master3', 'worker1', 'worker2']);
  assert.deepEqual(fromState.warnings, []);
});

test('hcloud: public and private addresses, location, datacenter, labels; origins point into the state', async () => {
  const inv = await loadInventory(HETZNER_STATE);
  const master3 = inv.hosts.get('master3')!;
  assert.deepEqual(master3.vars, {
    ansible_user: 'root', // group_vars/all.yml beside the state
    ansible_host: '198.51.100.13',
    public_ip: '198.51.100.13',
    public_ipv6: '2001:db8:0:13::1',
    private_ip: '10.0.1.13', // from hcloud_server_network.master[2]
    provider: 'hcloud',
    location: 'hel1',
    datacenter: 'hel1-dc2',
    labels: { cluster: 'prod', role: 'masters' },
  });
  assert.equal(inv.hosts.get('worker2')!.vars.private_ip, '10.0.1.22'); // from the server's own network block
  assert.match(master3.origins.ansible_host!, /hetzner\.tfstate:\d+:\d+ \(host master3\)$/);
  assert.match(master3.origins.private_ip!, /hetzner\.tfstate:\d+:\d+ \(host master3\)$/);
  assert.notEqual(master3.origins.private_ip, master3.origins.ansible_host);
  assert.equal(master3.origins.ansible_user, `${join(TERRAFORM_FIXTURES, 'group_vars', 'all.yml')}:2:1 (group all)`);
});

test('the position of a variable is the attribute it came from', async () => {
  const text = stateText([{ type: 'hcloud_server', name: 'web', instances: [hcloudServer({ name: 'web1', ipv4_address: '192.0.2.1' })] }]);
  const dir = writeTree({ 'cluster.tfstate': text });
  const inv = await loadInventory(join(dir, 'cluster.tfstate'));
  const lines = text.split('\n');
  const line = lines.findIndex((l) => l.includes('"ipv4_address"')) + 1;
  const column = lines[line - 1]!.indexOf('"192.0.2.1"') + 1;
  assert.equal(inv.hosts.get('web1')!.origins.ansible_host, `${join(dir, 'cluster.tfstate')}:${line}:${column} (host web1)`);
});

test('hcloud: the "role" and "group" labels name groups; other labels do not', async () => {
  const dir = writeTree({
    'terraform.tfstate': stateText([
      {
        type: 'hcloud_server',
        name: 'node',
        instances: [
          hcloudServer({ id: '11', name: 'a', ipv4_address: '192.0.2.11', labels: { role: 'db', group: 'prod', env: 'staging' } }),
          hcloudServer({ id: '12', name: 'b', ipv4_address: '192.0.2.12', labels: { group: 'prod' } }),
          hcloudServer({ id: '13', name: 'c', ipv4_address: '192.0.2.13', labels: { env: 'prod' } }),
          hcloudServer({ id: '14', name: 'd', ipv4_address: '192.0.2.14' }),
        ],
      },
    ]),
  });
  const inv = await loadInventory(join(dir, 'terraform.tfstate'));
  assert.deepEqual(inv.hosts.get('a')!.groups, ['all', 'db', 'prod']);
  assert.deepEqual(inv.hosts.get('b')!.groups, ['all', 'prod']);
  assert.deepEqual(inv.hosts.get('c')!.groups, ['all', 'ungrouped']);
  assert.deepEqual(inv.hosts.get('d')!.groups, ['all', 'ungrouped']);
  assert.deepEqual(inv.hosts.get('a')!.vars.labels, { role: 'db', group: 'prod', env: 'staging' });
});

test('hcloud: addresses fall back from public IPv4 to IPv6 to the private address', async () => {
  const dir = writeTree({
    'terraform.tfstate': stateText([
      {
        type: 'hcloud_server',
        name: 'node',
        instances: [
          hcloudServer({ id: '21', name: 'v6only', ipv6_address: '2001:db8::21', index_key: 0 }),
          hcloudServer({ id: '22', name: 'private', network: [{ network_id: 7, ip: '10.0.0.22', alias_ips: [], mac_address: '86:00:00:00:00:22' }], index_key: 1 }),
          hcloudServer({ id: '23', name: 'nothing', index_key: 2 }),
        ],
      },
    ]),
  });
  const inv = await loadInventory(join(dir, 'terraform.tfstate'));
  assert.deepEqual(inv.hosts.get('v6only')!.vars, { ansible_host: '2001:db8::21', public_ipv6: '2001:db8::21', provider: 'hcloud', location: 'nbg1', datacenter: 'nbg1-dc3', labels: {} });
  assert.equal(inv.hosts.get('private')!.vars.ansible_host, '10.0.0.22');
  assert.equal(inv.hosts.get('private')!.vars.public_ip, undefined);
  assert.equal(inv.hosts.get('nothing')!.vars.ansible_host, undefined);
  assert.equal(inv.warnings?.length, 1);
  assert.match(inv.warnings![0]!, /terraform\.tfstate:\d+:\d+: server nothing \(hcloud_server\.node\[2\]\) has no IP address; tsinfra will connect to it by name$/);
});

test('hcloud_server_network links by server id; the server\'s own network blocks come first', async () => {
  const dir = writeTree({
    'terraform.tfstate': stateText([
      { type: 'hcloud_server_network', name: 'late', instances: [{ id: '31-9', server_id: 31, network_id: 9, ip: '10.9.0.31', alias_ips: [] }] },
      { type: 'hcloud_server', name: 'x', instances: [hcloudServer({ id: '31', name: 'x', network: [{ network_id: 8, ip: '10.8.0.31', alias_ips: [] }] })] },
      { type: 'hcloud_server', name: 'y', instances: [hcloudServer({ id: '32', name: 'y' })] },
      { type: 'hcloud_server_network', name: 'y', instances: [{ id: '32-9', server_id: 32, network_id: 9, ip: '10.9.0.32', alias_ips: [] }] },
    ]),
  });
  const inv = await loadInventory(join(dir, 'terraform.tfstate'));
  assert.equal(inv.hosts.get('x')!.vars.private_ip, '10.8.0.31');
  assert.equal(inv.hosts.get('y')!.vars.private_ip, '10.9.0.32');
});

test('data sources and deposed objects are not hosts; servers inside modules are', async () => {
  const dir = writeTree({
    'terraform.tfstate': stateText([
      { type: 'hcloud_server', name: 'existing', mode: 'data', instances: [hcloudServer({ id: '41', name: 'looked-up', ipv4_address: '192.0.2.41' })] },
      {
        type: 'hcloud_server',
        name: 'node',
        module: 'module.cluster["eu"]',
        instances: [
          hcloudServer({ id: '42', name: 'old', ipv4_address: '192.0.2.42', deposed: '6a1b2c3d' }),
          hcloudServer({ id: '43', name: 'new', ipv4_address: '192.0.2.43', index_key: 'a' }),
        ],
      },
    ]),
  });
  const inv = await loadInventory(join(dir, 'terraform.tfstate'));
  assert.deepEqual([...inv.hosts.keys()], ['new']);
});

test('scaleway: tags are groups, tags that cannot be group names are skipped once with a warning', async () => {
  const inv = await loadInventory(SCALEWAY_STATE);
  assert.deepEqual(groupMembers(inv), { ungrouped: [], web: ['web-1', 'web-2'], prod: ['web-1', 'web-2', 'db-1'], db: ['db-1'] });
  assert.deepEqual(inv.hosts.get('web-2')!.vars, {
    ansible_user: 'root',
    ansible_host: '192.0.2.32',
    public_ip: '192.0.2.32',
    public_ipv6: '2001:db8:1::32',
    private_ip: '172.16.4.3',
    provider: 'scaleway',
    location: 'fr-par-1',
    tags: ['web', 'prod', 'terraform:managed'],
  });
  assert.equal(inv.hosts.get('db-1')!.vars.location, 'nl-ams-1');
  assert.equal(inv.hosts.get('db-1')!.vars.private_ip, undefined);
  assert.equal(inv.warnings?.length, 1);
  assert.match(inv.warnings![0]!, /scaleway\.tfstate:\d+:\d+: tag "terraform:managed" \(servers web-1, web-2\) is not a group name; ignored \(invalid group name/);
});

test('scaleway: the older scaleway_server and the deprecated single-address attributes', async () => {
  const dir = writeTree({
    'terraform.tfstate': stateText([
      { type: 'scaleway_server', name: 'legacy', instances: [{ id: 'u-1', name: 'legacy-1', public_ip: '192.0.2.51', private_ip: '10.1.2.51', public_ipv6: '2001:db8::51', tags: ['legacy'], type: 'VC1S' }] },
      { type: 'scaleway_instance_server', name: 'mid', instances: [{ id: 'fr-par-2/u-2', name: 'mid-1', public_ip: '192.0.2.52', private_ip: '10.1.2.52', ipv6_address: '', tags: [], zone: 'fr-par-2' }] },
    ]),
  });
  const inv = await loadInventory(join(dir, 'terraform.tfstate'));
  assert.deepEqual(inv.hosts.get('legacy-1')!.vars, {
    ansible_host: '192.0.2.51',
    public_ip: '192.0.2.51',
    public_ipv6: '2001:db8::51',
    private_ip: '10.1.2.51',
    provider: 'scaleway',
    tags: ['legacy'],
  });
  assert.deepEqual(inv.hosts.get('legacy-1')!.groups, ['all', 'legacy']);
  assert.deepEqual(inv.hosts.get('mid-1')!.vars, { ansible_host: '192.0.2.52', public_ip: '192.0.2.52', private_ip: '10.1.2.52', provider: 'scaleway', location: 'fr-par-2', tags: [] });
  assert.deepEqual(inv.hosts.get('mid-1')!.groups, ['all', 'ungrouped']);
});

test('a state is recognised by its content, whatever its name; Ansible JSON inventories still load', async () => {
  const state = stateText([{ type: 'hcloud_server', name: 'n', instances: [hcloudServer({ name: 'n1', ipv4_address: '192.0.2.61', labels: { role: 'web' } })] }]);
  const dir = writeTree({
    'state.json': state,
    'pulled': state,
    'ansible.json': JSON.stringify({ all: { children: { web: { hosts: { w1: { ansible_host: '192.0.2.62' } } } } } }),
  });
  for (const name of ['state.json', 'pulled']) {
    const inv = await loadInventory(join(dir, name));
    assert.deepEqual(groupsAndAddresses(inv), { n1: { groups: ['all', 'web'], ansible_host: '192.0.2.61' } }, name);
  }
  const ansible = await loadInventory(join(dir, 'ansible.json'));
  assert.deepEqual(groupsAndAddresses(ansible), { w1: { groups: ['all', 'web'], ansible_host: '192.0.2.62' } });
});

test('host_vars beside the state win over the state; a YAML source can add child groups', async () => {
  const dir = writeTree({
    'terraform.tfstate': stateText([
      {
        type: 'hcloud_server',
        name: 'n',
        instances: [
          hcloudServer({ id: '71', name: 'm1', ipv4_address: '192.0.2.71', labels: { role: 'masters' } }),
          hcloudServer({ id: '72', name: 'w1', ipv4_address: '192.0.2.72', labels: { role: 'workers' } }),
        ],
      },
    ]),
    'host_vars/m1.yml': 'ansible_host: 10.0.0.71\n',
    'group_vars/k8s.yml': 'k8s_version: "1.31"\n',
    'groups.yml': 'k8s:\n  children:\n    masters:\n    workers:\n',
  });
  const inv = await loadInventory([join(dir, 'terraform.tfstate'), join(dir, 'groups.yml')]);
  assert.equal(inv.hosts.get('m1')!.vars.ansible_host, '10.0.0.71');
  assert.equal(inv.hosts.get('m1')!.origins.ansible_host, `${join(dir, 'host_vars', 'm1.yml')}:1:1 (host m1)`);
  assert.deepEqual(inv.hosts.get('w1')!.groups, ['all', 'k8s', 'workers']);
  assert.equal(inv.hosts.get('w1')!.vars.k8s_version, '1.31');
  assert.deepEqual(inv.warnings, []);
});

test('a tsinfra_hosts output in the state replaces reading its resources', async () => {
  const dir = writeTree({
    'terraform.tfstate': stateText(
      [{ type: 'aws_instance', name: 'web', provider: 'provider["registry.terraform.io/hashicorp/aws"]', instances: [{ id: 'i-0abc', public_ip: '192.0.2.81' }] }],
      { outputs: { tsinfra_hosts: { value: [{ name: 'web1', ipv4: '192.0.2.81', groups: ['web'] }], type: ['tuple', [['object', { name: 'string' }]]] } } },
    ),
  });
  const inv = await loadInventory(join(dir, 'terraform.tfstate'));
  assert.deepEqual(groupsAndAddresses(inv), { web1: { groups: ['all', 'web'], ansible_host: '192.0.2.81' } });
});
