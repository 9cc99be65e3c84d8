// cluster_hosts: masters then workers from the inventory groups, with VPN addresses from hostvars and SSH settings
// as the engine resolves them (ActionIO.endpointOf); every host without a VPN address named in one failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { getModule } from '../../../src/modules/registry.js';
import type { ActionModule } from '../../../src/modules/define.js';
import { clusterHosts, type ClusterHostsArgs } from '../../../src/modules/cluster-hosts.js';
import { inventoryEndpoint } from '../../../src/transport/connect-target.js';
import { argsOf, localIO } from './support.js';

const mod = getModule('cluster_hosts') as ActionModule;
const defaults = () => argsOf<ClusterHostsArgs>('cluster_hosts', {});

const groups = { all: ['m1', 'm2', 'w1'], masters: ['m1', 'm2'], workers: ['w1'] };
const hostvars: Record<string, Record<string, unknown>> = {
  m1: { ansible_host: '203.0.113.11', ansible_user: 'root', ansible_ssh_private_key_file: '/keys/lab', zerotier_ip: '10.147.17.1', zerotier_interface: 'ztabc' },
  m2: { ansible_host: '203.0.113.12', zerotier_ip: '10.147.17.2', zerotier_interface: 'ztabc', ansible_port: '2222' },
  w1: { cluster_private_address: '192.168.0.9', zerotier_ip: '10.147.17.3', cluster_private_interface: 'ens10' },
};
// What the engine passes: the inventory's connection variables, read as connect-target reads them.
const endpointOf = (name: string) => (hostvars[name] ? inventoryEndpoint(name, hostvars[name]) : undefined);

test('masters first, then workers; inventory SSH settings or the defaults; overrides win over zerotier facts', () => {
  const r = clusterHosts(defaults(), groups, hostvars, endpointOf);
  assert.ok('hosts' in r);
  assert.deepEqual(r.hosts, [
    { name: 'm1', role: 'master', address: '203.0.113.11', private_address: '10.147.17.1', private_interface: 'ztabc', user: 'root', ssh_key_path: '/keys/lab', ssh_port: 22 },
    { name: 'm2', role: 'master', address: '203.0.113.12', private_address: '10.147.17.2', private_interface: 'ztabc', user: 'root', ssh_key_path: '~/.ssh/id_rsa', ssh_port: 2222 },
    { name: 'w1', role: 'worker', address: 'w1', private_address: '192.168.0.9', private_interface: 'ens10', user: 'root', ssh_key_path: '~/.ssh/id_rsa', ssh_port: 22 },
  ]);
});

test('SSH settings come from the engine, under every name it reads (tsinfra_* too), not from hostvars', () => {
  const tsinfraNames = { m1: { tsinfra_host: '198.51.100.1', tsinfra_port: 2200, tsinfra_user: 'ops', zerotier_ip: '10.147.17.1' } };
  const r = clusterHosts(defaults(), { masters: ['m1'], workers: [] }, tsinfraNames, (name) => inventoryEndpoint(name, tsinfraNames[name as 'm1']));
  assert.ok('hosts' in r);
  assert.deepEqual([r.hosts[0]!.address, r.hosts[0]!.ssh_port, r.hosts[0]!.user], ['198.51.100.1', 2200, 'ops']);
});

test('hosts without a VPN address, missing or empty groups, a host in both: one clear failure', () => {
  const missing = clusterHosts(defaults(), groups, { ...hostvars, m2: { ansible_host: 'x' }, w1: {} }, endpointOf);
  assert.ok('problems' in missing);
  assert.match(missing.problems[0]!, /^no private \(VPN\) address for m2, w1: none of cluster_private_address, zerotier_ip is set for them .*run playbooks\/prepare.yaml first/);
  assert.deepEqual(clusterHosts(defaults(), { workers: [] }, {}, endpointOf), { problems: ["the inventory has no group 'masters' (the masters)"] });
  assert.deepEqual(clusterHosts(defaults(), { masters: [], workers: [] }, {}, endpointOf), { problems: ["group 'masters' is empty: a cluster needs at least one master"] });
  assert.deepEqual(clusterHosts(defaults(), { masters: ['a'], workers: ['a'] }, {}, endpointOf), { problems: ["a is in both 'masters' and 'workers': a host has one role"] });
  assert.ok('hosts' in clusterHosts(defaults(), { masters: ['m1'], workers: [] }, hostvars, endpointOf), 'no workers is fine');
});

test('the action stores the list as a fact and says what it found', async () => {
  const io = localIO({ vars: { groups, hostvars }, endpointOf });
  const r = await mod.run(argsOf('cluster_hosts', { fact: 'nodes' }), io);
  assert.equal(r.failed, false);
  assert.equal(r.changed, false);
  assert.equal(r.msg, '2 masters, 1 worker');
  assert.deepEqual(Object.keys(r.ansible_facts ?? {}), ['nodes']);
  assert.equal(io.execs.length, 0, 'controller only');
  const bad = await mod.run(argsOf('cluster_hosts', { masters: 'control' }), io);
  assert.equal(bad.failed, true);
  assert.equal(bad.msg, "cluster_hosts: the inventory has no group 'control' (the masters)");
});
