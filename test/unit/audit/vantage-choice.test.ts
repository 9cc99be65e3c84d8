// Choosing the VPN and private-network vantage points: option > variable > group > default (> lab neighbour).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chooseVantages, vpnProbers } from '../../../src/audit/vantage-choice.js';
import { inventoryOf } from '../inventory/inventory-helpers.js';

const PLAIN = `[masters]
m1
m2
[workers]
w1
`;

test('defaults: the VPN vantage is found later (first host with a VPN address); no private vantage', async () => {
  const inv = await inventoryOf(PLAIN);
  assert.deepEqual(chooseVantages({ inventory: inv }), { vpn: { source: 'default' }, private: { kind: 'none' } });
  assert.deepEqual(chooseVantages({ inventory: inv, labNeighbourNetns: 'tsi00-neighbour' }).private, { kind: 'netns', netns: 'tsi00-neighbour', source: 'lab' });
});

test('options win over variables, variables over groups, groups over the lab neighbour', async () => {
  const inv = await inventoryOf(`[masters]
m1
m2
[audit_vpn]
m2
[audit_private]
bastion
[all:vars]
audit_vpn_vantage=m1
audit_private_vantage=w1
[workers]
w1
`);
  assert.deepEqual(chooseVantages({ inventory: inv, vpnFrom: 'm2', privateFrom: 'bastion' }), {
    vpn: { host: 'm2', source: 'option' },
    private: { kind: 'host', host: 'bastion', source: 'option' },
  });
  assert.deepEqual(chooseVantages({ inventory: inv, labNeighbourNetns: 'x' }), {
    vpn: { host: 'm1', source: 'variable' },
    private: { kind: 'host', host: 'w1', source: 'variable' },
  });
  const groupsOnly = await inventoryOf(`[masters]
m1
m2
[audit_vpn]
m2
[audit_private]
bastion
`);
  assert.deepEqual(chooseVantages({ inventory: groupsOnly, labNeighbourNetns: 'x' }), {
    vpn: { host: 'm2', source: 'group' },
    private: { kind: 'host', host: 'bastion', source: 'group' },
  });
  assert.deepEqual(chooseVantages({ inventory: groupsOnly, privateFromNetns: 'tsi03-neighbour' }).private, { kind: 'netns', netns: 'tsi03-neighbour', source: 'option' });
});

test('unknown hosts and conflicting options are usage errors (with did-you-mean)', async () => {
  const inv = await inventoryOf(PLAIN);
  assert.throws(() => chooseVantages({ inventory: inv, vpnFrom: 'm3' }), /--vpn-from: no host "m3" in the inventory \(did you mean "m1"\?\)/);
  assert.throws(() => chooseVantages({ inventory: inv, privateFrom: 'm1', privateFromNetns: 'n' }), /not both/);
  assert.throws(() => chooseVantages({ inventory: inv, privateFromNetns: 'bad name;' }), /not a namespace name/);
  const badVar = await inventoryOf(`${PLAIN}[all:vars]\naudit_private_vantage=nobody\n`);
  assert.throws(() => chooseVantages({ inventory: badVar }), /audit_private_vantage: no host "nobody"/);
});

test('vpnProbers: the vantage probes every other member; the next member probes the vantage', () => {
  assert.deepEqual([...vpnProbers('m1', ['m1', 'm2', 'm3'])], [['m1', 'm2'], ['m2', 'm1'], ['m3', 'm1']]);
  assert.deepEqual([...vpnProbers('m2', ['m1', 'm2'])], [['m1', 'm2'], ['m2', 'm1']]);
  assert.deepEqual([...vpnProbers('m1', ['m1'])], [], 'alone: nobody to probe it');
  assert.deepEqual([...vpnProbers('outsider', ['m1', 'm2'])], [['m1', 'outsider'], ['m2', 'outsider']]);
  assert.deepEqual([...vpnProbers('spare', ['m2'], ['spare'])], [['m2', 'spare']], 'a spare (not audited) probes the lone member');
  assert.deepEqual([...vpnProbers('m2', ['m2'], ['spare'])], [['m2', 'spare']]);
});
