import { test } from 'node:test';
import assert from 'node:assert/strict';
import { homedir } from 'node:os';
import { parseSshConfig, resolveSshConfig } from '../../../src/transport/ssh/ssh-config.js';

const config = `
# comment
Host bastion
  HostName 203.0.113.10
  User jump
  Port 2222

Host web-* !web-legacy
  User deploy
  IdentityFile ~/.ssh/web_%h
  ProxyJump bastion

Host *
  User fallback
  IdentityFile ~/.ssh/id_default
  StrictHostKeyChecking accept-new
  ServerAliveInterval 7
`;

test('first value wins, IdentityFile accumulates, tokens expand', () => {
  const blocks = parseSshConfig(config);
  const web = resolveSshConfig(blocks, 'web-1');
  assert.equal(web.user, 'deploy');
  assert.equal(web.proxyJump, 'bastion');
  assert.deepEqual(web.identityFiles, [`${homedir()}/.ssh/web_web-1`, `${homedir()}/.ssh/id_default`]);
  assert.equal(web.strictHostKeyChecking, 'accept-new');
  assert.equal(web.serverAliveIntervalSec, 7);
});

test('negated patterns exclude a host; HostName and Port apply', () => {
  const blocks = parseSshConfig(config);
  assert.equal(resolveSshConfig(blocks, 'web-legacy').user, 'fallback');
  const b = resolveSshConfig(blocks, 'bastion');
  assert.deepEqual([b.hostName, b.user, b.port], ['203.0.113.10', 'jump', 2222]);
});

test('key=value form and quoted values parse', () => {
  const b = resolveSshConfig(parseSshConfig('Host=x\n  User="a b"\n  Port=22'), 'x');
  assert.deepEqual([b.user, b.port], ['a b', 22]);
});
