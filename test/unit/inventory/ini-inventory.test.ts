import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inventoryOf } from './inventory-helpers.js';

test('inline host vars are Python literals after shell-style splitting (as in Ansible)', async () => {
  const inv = await inventoryOf(
    [
      `web1 port=22 quoted='22' kept="'22'" flag=yes truth=True none=None mode=0644 calc=10-5 list="[1, 'a']" dict="{'k': 'v'}" motd="hi there" pw="'03#pa33w0rd'" cut=b#c`,
    ].join('\n'),
  );
  assert.deepEqual(inv.hosts.get('web1')!.vars, {
    port: 22,
    quoted: 22, // the shell-style split removes the quotes before literal_eval sees the value
    kept: '22',
    flag: 'yes',
    truth: true,
    none: null,
    mode: '0644',
    calc: '10-5',
    list: [1, 'a'],
    dict: { k: 'v' },
    motd: 'hi there',
    pw: '03#pa33w0rd',
    cut: 'b', // `#` starts a comment even inside a word
  });
});

test('[group:vars] values: everything after "=" is the value, also typed as a Python literal', async () => {
  const inv = await inventoryOf(
    [
      '[web]',
      'web1',
      '[web:vars]',
      "quoted='22'",
      'port = 8080',
      'has_java = True # Python comments after a literal are fine',
      'path=/usr/bin # not a literal, so the comment stays',
      'spaced=a b c',
      'empty=',
      "list=['x', 'y']",
      'equals=a=b',
    ].join('\n'),
  );
  assert.deepEqual(inv.groups.get('web')!.vars, {
    quoted: '22',
    port: 8080,
    has_java: true,
    path: '/usr/bin # not a literal, so the comment stays',
    spaced: 'a b c',
    empty: '',
    list: ['x', 'y'],
    equals: 'a=b',
  });
});

test('sections: children before they are declared, ranges, ports, comments, CRLF, [all]', async () => {
  const inv = await inventoryOf(
    [
      '; a comment',
      'lonely',
      '[prod:children]   # comment after a header',
      'web',
      'db  # trailing comment',
      '[web]',
      'web[1:2] ansible_user=deploy',
      '[db]',
      'db1:2222',
      '[2001:db8::1]:2200',
      '[all]',
      'extra',
    ].join('\r\n'),
  );
  assert.deepEqual([...inv.hosts.keys()], ['lonely', 'web1', 'web2', 'db1', '2001:db8::1', 'extra']);
  assert.deepEqual(inv.groups.get('prod')!.children, ['web', 'db']);
  assert.deepEqual(inv.groups.get('ungrouped')!.hosts, ['lonely', 'extra']);
  assert.deepEqual(inv.groups.get('all')!.children, ['ungrouped', 'prod']);
  assert.equal(inv.hosts.get('db1')!.vars.ansible_port, 2222);
  assert.equal(inv.hosts.get('2001:db8::1')!.vars.ansible_port, 2200);
  assert.deepEqual(inv.hosts.get('web2')!.groups, ['all', 'prod', 'web']);
  assert.equal(inv.hosts.get('web1')!.origins.ansible_user, `${inv.source}:7:10 (host web1)`);
});

test('a host in several groups collects vars from every line (later lines win)', async () => {
  const inv = await inventoryOf(['[a]', 'h1 x=1 y=1', '[b]', 'h1 y=2', '[c]', 'h1:2200 ansible_port=2300'].join('\n'));
  const h1 = inv.hosts.get('h1')!;
  assert.deepEqual(h1.vars, { x: 1, y: 2, ansible_port: 2300 });
  assert.deepEqual(h1.groups, ['all', 'a', 'b', 'c']);
  assert.deepEqual(inv.groups.get('ungrouped')!.hosts, []);
});

test('a host listed in [ungrouped] and in a group is not ungrouped', async () => {
  const inv = await inventoryOf(['h1', 'h2', '[web]', 'h1'].join('\n'));
  assert.deepEqual(inv.groups.get('ungrouped')!.hosts, ['h2']);
  assert.deepEqual(inv.hosts.get('h1')!.groups, ['all', 'web']);
  assert.deepEqual(inv.hosts.get('h2')!.groups, ['all', 'ungrouped']);
});

test('group names with - and . are accepted (Ansible only warns)', async () => {
  const inv = await inventoryOf(['[web-servers.eu]', 'h1'].join('\n'));
  assert.deepEqual(inv.hosts.get('h1')!.groups, ['all', 'web-servers.eu']);
});

test('a file without extension is sniffed: INI host lines vs YAML', async () => {
  const ini = await inventoryOf('web1:2222 a=1\n', 'hosts');
  assert.equal(ini.hosts.get('web1')!.vars.ansible_port, 2222);
  const yaml = await inventoryOf('# yaml without extension\nall:\n  hosts:\n    web1:\n', 'hosts');
  assert.deepEqual([...yaml.hosts.keys()], ['web1']);
});
