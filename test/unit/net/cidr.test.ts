import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  addressAtOffset,
  cidrSize,
  formatAddress,
  formatAddressInetNtop,
  isAddressInCidr,
  isHostAddressInCidr,
  netmask,
  networkAddress,
  parseCidr,
  parseIpAddress,
  parseNetwork,
} from '../../../src/net/cidr.js';

test('network, netmask and size of IPv4 and IPv6 CIDRs', () => {
  const cases: [string, string, string, number | undefined][] = [
    ['10.1.2.3/16', '10.1.0.0', '255.255.0.0', 65536],
    ['10.1.2.3/8', '10.0.0.0', '255.0.0.0', 16777216],
    ['192.168.7.130/25', '192.168.7.128', '255.255.255.128', 128],
    ['172.16.0.1/32', '172.16.0.1', '255.255.255.255', 1],
    ['1.2.3.4/0', '0.0.0.0', '0.0.0.0', 4294967296],
    ['255.255.255.255/31', '255.255.255.254', '255.255.255.254', 2],
    ['fd00:1:2:3::9/48', 'fd00:1:2::', 'ffff:ffff:ffff::', undefined],
    ['2001:db8::1/64', '2001:db8::', 'ffff:ffff:ffff:ffff::', undefined],
    ['::1/128', '::1', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 1],
    ['::/0', '::', '::', undefined],
    ['2001:DB8:0:0:1:0:0:1/127', '2001:db8:0:0:1::', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:fffe', 2],
    ['2001:db8:0:0:1:0:0:1/128', '2001:db8::1:0:0:1', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff', 1],
    ['::ffff:10.1.2.3/120', '::ffff:a01:200', 'ffff:ffff:ffff:ffff:ffff:ffff:ffff:ff00', 256],
    ['2001:db8::/80', '2001:db8::', 'ffff:ffff:ffff:ffff:ffff::', 281474976710656],
  ];
  for (const [input, network, mask, size] of cases) {
    const c = parseCidr(input);
    assert.equal(networkAddress(c), network, input);
    assert.equal(netmask(c), mask, input);
    if (size === undefined) assert.throws(() => cidrSize(c), /holds more addresses than a number can count/, input);
    else assert.equal(cidrSize(c), size, input);
  }
});

test('RFC 5952 compression picks the longest zero run, the first on a tie', () => {
  assert.equal(networkAddress(parseCidr('1:0:0:2:0:0:0:3/128')), '1:0:0:2::3');
  assert.equal(networkAddress(parseCidr('1:0:0:2:0:0:3:4/128')), '1::2:0:0:3:4');
  assert.equal(networkAddress(parseCidr('1:0:2:3:4:5:6:7/128')), '1:0:2:3:4:5:6:7'); // one zero group is not compressed
});

test('bad CIDRs are rejected', () => {
  const bad = ['10.1.2.3', '10.1.2/8', '10.1.2.3/33', '10.1.2.256/8', '010.1.2.3/8', '10.1.2.3/08', 'a.b.c.d/8', '10.1.2.3/', '/8',
    'fd00::1::2/64', 'fd00::1/129', '1:2:3:4:5:6:7:8:9/64', '1:2:3:4:5:6:7/64', 'fe80::1%eth0/64', '1.2.3.4::/64', 'g::/8', ''];
  for (const text of bad) assert.throws(() => parseCidr(text), { message: `"${text}" is not a CIDR like 10.0.0.0/8 or fd00::/64` }, text);
});

// parseNetwork: the firewall and iptables modules' form (was firewall-rules.ts).
test('addresses: host bits masked, a bare address gets /32 or /128, IPv6 written as inet_ntop (so iptables-save) does', () => {
  const text = (s: string) => parseNetwork(s)?.text;
  assert.equal(text('10.1.2.3/8'), '10.0.0.0/8');
  assert.equal(text('10.99.4.7/23'), '10.99.4.0/23');
  assert.equal(text('10.1.2.3'), '10.1.2.3/32');
  assert.equal(text('0.0.0.0/0'), '0.0.0.0/0');
  // These five were printed by ip6tables-save on a lab host for the same input.
  assert.equal(text('fd00:0:0::1/8'), 'fd00::/8');
  assert.equal(text('2001:db8:0:0:1:0:0:1/128'), '2001:db8::1:0:0:1/128', 'the first of two equal zero runs is compressed');
  assert.equal(text('::ffff:10.0.0.1/128'), '::ffff:10.0.0.1/128');
  assert.equal(text('2001:DB8::/32'), '2001:db8::/32');
  assert.equal(text('2001:0:0:1::/64'), '2001:0:0:1::/64', 'the longest zero run wins');
  assert.equal(text('::1.2.3.4'), '::1.2.3.4/128');
  assert.equal(text('::'), '::/128');
  assert.equal(text('1:2:3:4:5:6:7::'), '1:2:3:4:5:6:7:0/128', 'a single zero word is not compressed');
  assert.equal(formatAddressInetNtop(6, 1n), '::1');
  assert.equal(parseNetwork('fd00::/8')?.family, 'ipv6');
  for (const bad of ['10.0.0.0/33', '256.1.1.1', '010.1.1.1', '1.2.3', 'fe80::1%eth0', '1::2::3', '::/129', 'host.example', '']) {
    assert.equal(parseNetwork(bad), undefined, bad);
  }
});

test('the two IPv6 spellings differ only in a dotted IPv4 tail', () => {
  const v = parseIpAddress('::ffff:10.1.2.3')!.value;
  assert.equal(formatAddress(6, v), '::ffff:a01:203');
  assert.equal(formatAddressInetNtop(6, v), '::ffff:10.1.2.3');
  assert.equal(formatAddressInetNtop(6, parseIpAddress('::10.1.2.3')!.value), '::10.1.2.3');
  assert.equal(formatAddressInetNtop(6, parseIpAddress('::1:0:0:1')!.value), '::1:0:0:1');
  assert.equal(formatAddress(4, parseIpAddress('10.1.2.3')!.value), '10.1.2.3');
  assert.equal(parseIpAddress('10.1.2.3/8'), undefined);
  assert.equal(parseIpAddress('fe80::1%eth0'), undefined);
});

// isAddressInCidr: the audit's question (was audit/host-addresses.ts isInCidr), network and broadcast included.
test('isAddressInCidr', () => {
  assert.equal(isAddressInCidr('10.99.4.13', '10.99.4.0/23'), true);
  assert.equal(isAddressInCidr('10.99.5.255', '10.99.4.0/23'), true);
  assert.equal(isAddressInCidr('10.99.4.0', '10.99.4.0/23'), true);
  assert.equal(isAddressInCidr('10.99.6.1', '10.99.4.0/23'), false);
  assert.equal(isAddressInCidr('10.99.6.1', 'not a cidr'), false);
  assert.equal(isAddressInCidr('10.99.6.1', 'fd00::/8'), false);
  assert.equal(isAddressInCidr('fd00::1', 'fd00::/8'), true);
  assert.equal(isAddressInCidr('fe00::1', 'fd00::/8'), false);
  assert.equal(isAddressInCidr('not an address', '10.0.0.0/8'), false);
});

// isHostAddressInCidr: the lab's ZeroTier stand-in (was lab/zerotier-double/member-sync.ts isInCidr).
test('isHostAddressInCidr: inside, but neither the network nor the broadcast address; IPv4 only', () => {
  assert.equal(isHostAddressInCidr('10.99.5.200', '10.99.4.0/23'), true);
  assert.equal(isHostAddressInCidr('10.99.6.1', '10.99.4.0/23'), false);
  assert.equal(isHostAddressInCidr('10.99.4.0', '10.99.4.0/23'), false, 'not the network address');
  assert.equal(isHostAddressInCidr('10.99.5.255', '10.99.4.0/23'), false, 'not the broadcast address');
  assert.equal(isHostAddressInCidr('10.99.4.1', '10.99.4.1/32'), false);
  assert.equal(isHostAddressInCidr('fd00::1', 'fd00::/8'), false);
  assert.equal(isHostAddressInCidr('10.99.4', '10.99.4.0/23'), false);
});

test('addressAtOffset counts from the network address', () => {
  assert.equal(addressAtOffset(parseCidr('10.99.4.7/23'), 11), '10.99.4.11');
  assert.equal(addressAtOffset(parseCidr('10.99.4.0/23'), 510), '10.99.5.254');
  assert.equal(addressAtOffset(parseCidr('fd00::/64'), 255), 'fd00::ff');
});
