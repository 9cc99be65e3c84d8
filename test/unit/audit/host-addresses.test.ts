// Reading a host's VPN address from `ip -4 -o addr show` (captured on a lab host after prepare).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { matchesInterface, parseAddressLines, pickVpnAddress } from '../../../src/audit/host-addresses.js';

const LAB_HOST = `1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever
2: eth0    inet 10.99.0.12/23 scope global eth0\\       valid_lft forever preferred_lft forever
3: eth1    inet 10.99.2.12/23 scope global eth1\\       valid_lft forever preferred_lft forever
4: zt31f5094d    inet 10.99.4.13/23 scope global zt31f5094d\\       valid_lft forever preferred_lft forever
`;

test('parseAddressLines: interface and address of every IPv4 line', () => {
  assert.deepEqual(parseAddressLines(LAB_HOST), [
    { iface: 'lo', address: '127.0.0.1' },
    { iface: 'eth0', address: '10.99.0.12' },
    { iface: 'eth1', address: '10.99.2.12' },
    { iface: 'zt31f5094d', address: '10.99.4.13' },
  ]);
  assert.deepEqual(parseAddressLines('7: veth0@if6    inet 10.1.1.1/24 scope global veth0\n'), [{ iface: 'veth0', address: '10.1.1.1' }]);
  assert.deepEqual(parseAddressLines(''), []);
});

test('matchesInterface uses iptables names: zt+ is a prefix, others exact', () => {
  assert.equal(matchesInterface('zt31f5094d', ['zt+']), true);
  assert.equal(matchesInterface('eth0', ['zt+']), false);
  assert.equal(matchesInterface('wg0', ['zt+', 'wg0']), true);
  assert.equal(matchesInterface('wg01', ['wg0']), false);
});

test('pickVpnAddress: the zt address; inside the VPN range when several; the range alone as a fallback', () => {
  const addrs = parseAddressLines(LAB_HOST);
  assert.equal(pickVpnAddress(addrs, { interfaces: ['zt+'], cidr: '10.99.4.0/23' }), '10.99.4.13');
  assert.equal(pickVpnAddress(addrs, { interfaces: ['zt+'] }), '10.99.4.13');
  const two = [{ iface: 'ztaaa', address: '172.16.0.1' }, { iface: 'ztbbb', address: '10.147.17.5' }];
  assert.equal(pickVpnAddress(two, { interfaces: ['zt+'], cidr: '10.147.17.0/24' }), '10.147.17.5');
  assert.equal(pickVpnAddress([{ iface: 'tun0', address: '10.147.17.9' }], { interfaces: ['zt+'], cidr: '10.147.17.0/24' }), '10.147.17.9');
  assert.equal(pickVpnAddress(addrs.filter((a) => !a.iface.startsWith('zt')), { interfaces: ['zt+'], cidr: '10.99.4.0/23' }), undefined);
});
