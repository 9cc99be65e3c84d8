import { test } from 'node:test';
import assert from 'node:assert/strict';
import { cidrSize, netmask, networkAddress, parseCidr } from '../../../src/template/cidr.js';

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
