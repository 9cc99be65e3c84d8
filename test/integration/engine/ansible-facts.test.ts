// The facts oracle: Debian's ansible (`ansible -m setup`, ansible-core 2.14) and our facts script, on the same lab
// host at (nearly) the same moment, compared key by key for the Ansible facts real roles read. Prints
// `facts oracle: N/M keys agree` to stderr and fails on any disagreement.
//
// The host is made to show what a real server shows and a bare lab host does not: a default route (IPv4 and IPv6,
// so default_ipv4/default_ipv6 are full dicts), a secondary and a labelled (eth0:1) address, a ZeroTier-like tap
// that is up without carrier (active false), and /etc/ansible/facts.d with a JSON, an INI and an executable fact.
//
// Values that legitimately differ between two moments are compared loosely, and say so: the clock (date_time: same
// zone and offset, epochs within 10 minutes), free memory (memory_mb: the totals only), the environment of two
// different SSH sessions (ansible_env: the variables of the login, not SSH_CLIENT/SSH_CONNECTION/SSH_TTY/TERM/_,
// SHLVL, nor LANG, which OpenSSH forwards from the controller), and orders Ansible takes from the directory order of /sys/class/net (the interface and address lists: as
// sets).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { factsScript, parseFacts } from '../../../src/engine/facts.js';
import { factVars } from '../../../src/engine/variables.js';
import { compareWithSetup } from '../../support/ansible-facts-oracle.js';
import { findHost, hostExec, hostSsh, ok, run, startLab } from '../../support/lab.js';

const ANSIBLE = (await run('sh', ['-c', 'command -v ansible'])).stdout.trim();
const HOST = 'master1';
// Before any test is registered, so that its teardown hook (startLab's after()) runs; no lab without the oracle.
const lab = ANSIBLE ? await startLab({ kind: 'namespace', hosts: 1 }) : undefined;

test('ansible is installed (the facts oracle)', () => {
  assert.ok(ANSIBLE, "ansible is not installed: run scripts/setup.sh (it installs Debian's ansible, the facts oracle)");
});

/** The facts setup reports for the host, with the `ansible_` prefix. */
async function ansibleSetup(): Promise<Record<string, unknown>> {
  const h = findHost(lab!, HOST);
  const dir = mkdtempSync(join(tmpdir(), 'tsinfra-facts-oracle-'));
  try {
    const inventory = join(dir, 'hosts.ini');
    // An empty configuration: no ansible.cfg of the machine or the working directory changes what setup reports.
    writeFileSync(join(dir, 'ansible.cfg'), '[defaults]\n');
    const sshArgs = `-o UserKnownHostsFile=${lab!.knownHostsPath} -o GlobalKnownHostsFile=/dev/null -o StrictHostKeyChecking=yes -o IdentitiesOnly=yes`;
    writeFileSync(inventory, `${HOST} ansible_host=${h.sshAddress} ansible_user=root ansible_ssh_private_key_file=${lab!.privateKeyPath} ansible_python_interpreter=/usr/bin/python3 ansible_ssh_common_args='${sshArgs}'\n`);
    const r = await run('env', [
      `ANSIBLE_LOCAL_TEMP=${join(dir, 'tmp')}`, 'ANSIBLE_NOCOLOR=1', `ANSIBLE_CONFIG=${join(dir, 'ansible.cfg')}`, 'ANSIBLE_GATHER_TIMEOUT=60',
      ANSIBLE, '-i', inventory, HOST, '-m', 'setup', '-o',
    ], '', 180_000);
    assert.equal(r.code, 0, `ansible -m setup failed: ${r.stdout}${r.stderr}`);
    const json = r.stdout.slice(r.stdout.indexOf('{'));
    return (JSON.parse(json) as { ansible_facts: Record<string, unknown> }).ansible_facts;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function oursOverSsh(): Promise<Record<string, unknown>> {
  const r = await hostSsh(lab!, HOST, 'sh -s', `set -eu\n${factsScript().text}`);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  return { ...factVars(parseFacts(r.stdout)) };
}

test('our facts agree with ansible -m setup, key by key', { timeout: 300_000, skip: !ANSIBLE }, async () => {
  // Addresses in the host's own public /23, and the lab's controller as the gateway.
  const net = findHost(lab!, HOST).publicAddress!.split('.').slice(0, 3).join('.');
  ok(await hostExec(lab!, HOST, [
    'mkdir -p /dev/net', '{ [ -e /dev/net/tun ] || mknod /dev/net/tun c 10 200; }',
    'ip tuntap add ztc25a1b2c mode tap', 'ip addr add 10.147.17.5/24 dev ztc25a1b2c',
    'ip -6 addr add fd80:56c2:e21c::5/88 dev ztc25a1b2c', 'ip link set ztc25a1b2c up',
    // A secondary address in eth0's subnet, one labelled eth0:1, and default routes through the lab's controller.
    `ip addr add ${net}.211/23 dev eth0`, `ip addr add ${net}.212/23 dev eth0 label eth0:1`,
    `ip route add default via ${lab!.controllerAddress}`,
    'ip -6 addr add fd99::11/64 dev eth0 nodad', 'ip -6 route add default via fd99::1',
    'mkdir -p /etc/ansible/facts.d',
    `printf '{"role": "web", "ports": [80, 443], "nested": {"a": true}}\\n' > /etc/ansible/facts.d/app.fact`,
    `printf '[general]\\nName = tsinfra\\nversion: 2\\n\\n[paths]\\nroot=/srv\\n' > /etc/ansible/facts.d/settings.fact`,
    `printf '#!/bin/sh\\necho "{\\\\"generated\\\\": 42}"\\n' > /etc/ansible/facts.d/dynamic.fact && chmod +x /etc/ansible/facts.d/dynamic.fact`,
  ].join(' && ')), 'prepare the host');

  const theirs = await ansibleSetup();
  const ours = await oursOverSsh();

  const { checks, disagree } = compareWithSetup(ours, theirs);
  process.stderr.write(`facts oracle: ${checks - disagree.length}/${checks} keys agree\n`);
  assert.deepEqual(disagree, [], 'facts that differ from ansible -m setup');

  // Spot checks of what the issue names, so a silent change in the oracle does not make the test vacuous.
  assert.equal(ours.ansible_os_family, 'Debian');
  assert.equal(ours.ansible_distribution_release, 'bookworm');
  assert.equal((ours.ansible_default_ipv4 as { gateway?: string }).gateway, lab!.controllerAddress);
  assert.deepEqual((ours.ansible_local as Record<string, unknown>).settings, { general: { name: 'tsinfra', version: '2' }, paths: { root: '/srv' } });
  assert.deepEqual((ours.ansible_local as Record<string, unknown>).dynamic, { generated: 42 });
  assert.equal((ours.ansible_ztc25a1b2c as { active?: boolean }).active, false);
  // ansible_facts holds the same facts without the prefix.
  const facts = ours.ansible_facts as Record<string, unknown>;
  for (const key of Object.keys(ours)) {
    if (key.startsWith('ansible_') && key !== 'ansible_facts') assert.deepEqual(facts[key.slice('ansible_'.length)], ours[key], key);
  }
});
