import { test, before } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { UsageError } from '../../../src/errors.js';
import { selectHosts, splitHostPattern } from '../../../src/inventory/load.js';
import type { Inventory } from '../../../src/inventory/types.js';
import { inventoryOf, writeTree } from './inventory-helpers.js';

let inv: Inventory;
before(async () => {
  inv = await inventoryOf(
    [
      'localhost',
      '[web]',
      'web1.example.com',
      'web2.example.com',
      'web3.example.com',
      '[db]',
      'db1.example.com',
      'db2.example.com',
      '[staging]',
      'web3.example.com',
      'db2.example.com',
      '[prod:children]',
      'web',
      'db',
    ].join('\n'),
  );
});

const names = (pattern: string | string[], limit?: string | string[], cwd?: string) =>
  selectHosts(inv, pattern, { limit, cwd }).map((h) => h.name.replace('.example.com', ''));

test('all, *, names, groups', () => {
  const everyone = ['localhost', 'web1', 'web2', 'web3', 'db1', 'db2'];
  assert.deepEqual(names('all'), everyone);
  assert.deepEqual(names('*'), everyone);
  assert.deepEqual(names('web'), ['web1', 'web2', 'web3']);
  assert.deepEqual(names('prod'), ['web1', 'web2', 'web3', 'db1', 'db2']);
  assert.deepEqual(names('web2.example.com'), ['web2']);
  assert.deepEqual(names('ungrouped'), ['localhost']);
});

test('globs match groups and hosts', () => {
  assert.deepEqual(names('web*'), ['web1', 'web2', 'web3']);
  assert.deepEqual(names('*.example.com'), ['web1', 'web2', 'web3', 'db1', 'db2']);
  assert.deepEqual(names('db?.example.com'), ['db1', 'db2']);
  assert.deepEqual(names('web[13].example.com'), ['web1', 'web3']);
  assert.deepEqual(names('web[!13].example.com'), ['web2']);
  assert.deepEqual(names('stag*'), ['web3', 'db2']);
});

test('union with : and , (results in inventory order, no duplicates)', () => {
  assert.deepEqual(names('db:web'), ['web1', 'web2', 'web3', 'db1', 'db2']);
  assert.deepEqual(names('db,web'), ['web1', 'web2', 'web3', 'db1', 'db2']);
  assert.deepEqual(names('web:web1.example.com:prod'), ['web1', 'web2', 'web3', 'db1', 'db2']);
  assert.deepEqual(names(['localhost', 'db']), ['localhost', 'db1', 'db2']);
});

test('intersection and exclusion, applied after all unions whatever the order', () => {
  assert.deepEqual(names('prod:&staging'), ['web3', 'db2']);
  assert.deepEqual(names('prod:!staging'), ['web1', 'web2', 'db1']);
  assert.deepEqual(names('!staging:web'), ['web1', 'web2'], 'the exclusion still applies to web added after it');
  assert.deepEqual(names('&staging:web:db'), ['web3', 'db2'], 'unions first, then the intersection');
  assert.deepEqual(names('web,!web1.example.com,&staging'), ['web3']);
  assert.deepEqual(names('!staging'), ['localhost', 'web1', 'web2', 'db1'], 'only exclusions: start from all');
  assert.deepEqual(names('&staging'), ['web3', 'db2']);
});

test('~regex (matched at the start of the name, like re.match)', () => {
  assert.deepEqual(names('~web[12]\\.'), ['web1', 'web2']);
  assert.deepEqual(names('~(web|db)1'), ['web1', 'db1']);
  assert.deepEqual(names('~example'), [], 'not a search: must match from the start');
  assert.deepEqual(names('~.*example'), ['web1', 'web2', 'web3', 'db1', 'db2']);
});

test('subscripts pick from the matched hosts', () => {
  assert.deepEqual(names('web[0]'), ['web1']);
  assert.deepEqual(names('web[-1]'), ['web3']);
  assert.deepEqual(names('web[1:2]'), ['web2', 'web3']);
  assert.deepEqual(names('prod[3:]'), ['db1', 'db2']);
  assert.deepEqual(names('web[7]'), []);
  assert.deepEqual(names('web[0]:db[0]'), ['web1', 'db1']);
});

test('a pattern that matches nothing is an empty list, not an error', () => {
  assert.deepEqual(names('nosuch'), []);
  assert.deepEqual(names('web:&db'), []);
  assert.deepEqual(names(''), []);
});

test('--limit intersects with a second pattern; @file reads names one per line', () => {
  assert.deepEqual(names('all', 'web'), ['web1', 'web2', 'web3']);
  assert.deepEqual(names('prod', 'staging:localhost'), ['web3', 'db2']);
  assert.deepEqual(names('prod', '!staging'), ['web1', 'web2', 'db1']);
  assert.deepEqual(names('web', ['web1.example.com', 'web3.example.com']), ['web1', 'web3']);
  const dir = writeTree({ 'retry.txt': '# from a failed run\nweb2.example.com\n\ndb1.example.com\n' });
  assert.deepEqual(names('all', '@retry.txt', dir), ['web2', 'db1']);
  assert.deepEqual(names('web', `@${join(dir, 'retry.txt')}`), ['web2']);
  assert.deepEqual(names('all', 'nosuch'), []);
});

test('bad regexes and missing limit files are usage errors', () => {
  assert.throws(() => names('~(open'), (err: unknown) => err instanceof UsageError && /invalid host pattern "~\(open"/.test(err.message));
  assert.throws(() => names('all', '@/nonexistent/retry'), (err: unknown) => err instanceof UsageError && /file not found/.test(err.message));
  const dir = writeTree({ 'd/x': '' });
  writeFileSync(join(dir, 'f'), 'x');
  assert.throws(() => names('all', `@${join(dir, 'd')}`), (err: unknown) => err instanceof UsageError && /is a directory/.test(err.message));
});

test('splitting follows Ansible: commas first, colons outside brackets, IPv6 and host:port kept whole', () => {
  assert.deepEqual(splitHostPattern('a:b:&c:!d'), ['a', 'b', '&c', '!d']);
  assert.deepEqual(splitHostPattern('a, b ,&c'), ['a', 'b', '&c']);
  assert.deepEqual(splitHostPattern('web[1:3]:db'), ['web[1:3]', 'db']);
  assert.deepEqual(splitHostPattern('2001:db8::1'), ['2001:db8::1']);
  assert.deepEqual(splitHostPattern('host:22'), ['host:22']);
  assert.deepEqual(splitHostPattern('~a:b,c'), ['~a:b', 'c']);
});
