import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { hostFieldMatches, hostKeyName, KnownHosts, parseKnownHosts } from '../../../src/transport/ssh/known-hosts.js';

function blob(type: string, body: string): Buffer {
  const t = Buffer.from(type);
  const len = Buffer.alloc(4);
  len.writeUInt32BE(t.length);
  return Buffer.concat([len, t, Buffer.from(body)]);
}

test('hostKeyName uses [host]:port off port 22', () => {
  assert.equal(hostKeyName('10.0.0.1', 22), '10.0.0.1');
  assert.equal(hostKeyName('10.0.0.1', 2222), '[10.0.0.1]:2222');
});

test('plain, comma lists, wildcards, negation and hashed names match', () => {
  assert.ok(hostFieldMatches('a,10.0.0.1', '10.0.0.1'));
  assert.ok(hostFieldMatches('*.example.com', 'db.example.com'));
  assert.ok(!hostFieldMatches('*.example.com,!db.example.com', 'db.example.com'));
  assert.ok(!hostFieldMatches('[10.0.0.1]:2222', '10.0.0.1'));
  const salt = Buffer.from('0123456789abcdefghij');
  const hashed = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update('host1').digest('base64')}`;
  assert.ok(hostFieldMatches(hashed, 'host1'));
  assert.ok(!hostFieldMatches(hashed, 'host2'));
});

test('verdicts: known, unknown, changed (same type), other type is unknown, revoked', () => {
  const k1 = blob('ssh-ed25519', 'one');
  const k2 = blob('ssh-ed25519', 'two');
  const rsa = blob('ssh-rsa', 'three');
  const text = `h1 ssh-ed25519 ${k1.toString('base64')}\n# comment\n\n@revoked * ssh-rsa ${rsa.toString('base64')}\n`;
  const kh = KnownHosts.load([]);
  kh.entries.push(...parseKnownHosts(text, 'kh'));
  assert.equal(kh.verify('h1', k1).kind, 'known');
  assert.equal(kh.verify('h2', k1).kind, 'unknown');
  assert.equal(kh.verify('h1', k2).kind, 'changed');
  assert.equal(kh.verify('h1', blob('ecdsa-sha2-nistp256', 'x')).kind, 'unknown');
  assert.equal(kh.verify('h1', rsa).kind, 'revoked');
  assert.deepEqual(kh.keyTypesFor('h1'), ['ssh-ed25519']);
});
