// A host reachable only through another lab host: ProxyJump really tunnels through the bastion.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { findHost, hostExec, ok, startLab } from '../../support/lab.js';
import { tsinfra } from '../../support/cli.js';

const lab = await startLab({ kind: 'namespace', hosts: [{ name: 'bastion', groups: ['edge'] }, { name: 'hidden', groups: ['inner'], public: false }] });
const work = mkdtempSync(join(tmpdir(), 'tsinfra-jump-'));
const bastion = findHost(lab, 'bastion');
const hidden = findHost(lab, 'hidden');

test('the hidden host is not reachable from the controller directly', async () => {
  assert.equal(hidden.publicAddress, undefined);
  const direct = join(work, 'direct.yml');
  writeFileSync(direct, readFileSync(lab.inventoryPath, 'utf8'));
  const r = await tsinfra(['shell', 'hidden', 'hostname', '-i', direct, '--timeout', '2']);
  assert.equal(r.code, 4, r.stdout);
});

test('ansible_ssh_common_args -o ProxyJump=... reaches it through the bastion', async () => {
  const inv = join(work, 'jump.ini');
  writeFileSync(
    inv,
    `[edge]\nbastion ansible_host=${bastion.publicAddress}\n[inner]\nhidden ansible_host=${hidden.privateAddress} ansible_ssh_common_args='-o ProxyJump=root@${bastion.publicAddress}'\n` +
      `[all:vars]\nansible_user=root\nansible_ssh_private_key_file=${lab.privateKeyPath}\ntsinfra_known_hosts_file=${lab.knownHostsPath}\n`,
  );
  // Count the bastion's sshd connections from the controller side: the tunnel must go through it.
  const r = await tsinfra(['shell', 'hidden', 'hostname; echo "$SSH_CONNECTION"', '-i', inv]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const [name, conn] = r.stdout.split('\n').slice(1, 3);
  assert.equal(name, 'hidden');
  // sshd on the hidden host sees the connection coming from the bastion's private address.
  assert.equal(conn!.split(' ')[0], bastion.privateAddress);
});

test('~/.ssh/config ProxyJump (via --ssh-config) works too', async () => {
  const inv = join(work, 'cfg.yml');
  writeFileSync(inv, `all:\n  hosts:\n    hidden:\n  vars:\n    tsinfra_known_hosts_file: ${lab.knownHostsPath}\n`);
  const r = await tsinfra(['shell', 'hidden', 'hostname', '-i', inv, '--ssh-config', lab.sshConfigPath]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.match(r.stdout, /^hidden$/m);
  ok(await hostExec(lab, 'hidden', 'true'));
});
