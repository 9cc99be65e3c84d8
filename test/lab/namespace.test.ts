// Namespace hosts: real OpenSSH with strict host keys, isolation (PID, files, packages), private-only hosts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { parse } from 'yaml';
import { defaultTopology } from '../../src/lab/lab.js';
import { hasSshBanner } from '../../src/lab/ssh-probe.js';
import { findHost, hostExec, hostSsh, neighbourExec, ok, run, sshOptions, startLab } from '../support/lab.js';

const lab = await startLab({ kind: 'namespace', hosts: [...defaultTopology(), { name: 'hidden1', groups: ['workers'], public: false }] });
const publicHosts = ['master1', 'master2', 'master3', 'worker1', 'worker2'];

test('every public host answers over OpenSSH with strict host key checking', async () => {
  await Promise.all(
    publicHosts.map(async (name) => {
      const { publicAddress } = findHost(lab, name);
      assert.ok(publicAddress);
      const out = ok(await run('ssh', [...sshOptions(lab), `root@${publicAddress}`, 'hostname']), name);
      assert.equal(out.trim(), name);
    }),
  );
});

test('a wrong known_hosts entry is refused (checking is really on)', async () => {
  const { publicAddress } = findHost(lab, 'master1');
  const other = readFileSync(lab.knownHostsPath, 'utf8').split('\n').find((l) => l.startsWith(`${findHost(lab, 'master2').publicAddress} `));
  assert.ok(other && publicAddress);
  const wrongFile = `${lab.stateDir}/wrong_known_hosts`;
  writeFileSync(wrongFile, `${other.replace(/^\S+/, publicAddress)}\n`);
  const opts = sshOptions(lab).map((o) => (o.startsWith('UserKnownHostsFile=') ? `UserKnownHostsFile=${wrongFile}` : o));
  const result = await run('ssh', [...opts, `root@${publicAddress}`, 'true']);
  assert.notEqual(result.code, 0);
  assert.match(result.stderr, /HOST IDENTIFICATION HAS CHANGED|Host key verification failed/);
});

test('the inventory lists the default topology with the lab variables', () => {
  const inv = parse(readFileSync(lab.inventoryPath, 'utf8'));
  assert.equal(inv.all.vars.ansible_user, 'root');
  assert.equal(inv.all.vars.ansible_ssh_private_key_file, lab.privateKeyPath);
  assert.equal(inv.all.vars.tsinfra_known_hosts_file, lab.knownHostsPath);
  assert.equal(inv.all.vars.lab_private_cidr, lab.networks.private.cidr);
  assert.deepEqual(Object.keys(inv.all.children.masters.hosts), ['master1', 'master2', 'master3']);
  assert.deepEqual(Object.keys(inv.all.children.workers.hosts), ['worker1', 'worker2', 'hidden1']);
  assert.equal(inv.all.children.masters.hosts.master1.ansible_host, findHost(lab, 'master1').publicAddress);
  assert.equal(inv.all.children.workers.hosts.hidden1.ansible_host, findHost(lab, 'hidden1').privateAddress);
  assert.equal(inv.all.children.workers.hosts.hidden1.public_ip, undefined);
  assert.equal((statSync(lab.privateKeyPath).mode & 0o777).toString(8), '600');
});

test('each host has its own PID namespace with an init that reaps', async () => {
  const ps = ok(await hostSsh(lab, 'master1', 'ps -e --no-headers | wc -l; cat /proc/1/cmdline | tr "\\0" " "'));
  const [count, cmdline] = ps.trim().split('\n');
  assert.ok(Number(count) < 15, `${count} processes in master1`);
  assert.match(cmdline ?? '', /tsinfra-lab-init/);
  // An orphan's zombie is reaped by the host's init.
  ok(await hostSsh(lab, 'master1', 'sh -c "sleep 0.2 &" ; sleep 1'));
  const zombies = ok(await hostSsh(lab, 'master1', 'ps -eo stat= | grep -c ^Z || true'));
  assert.equal(zombies.trim(), '0');
});

test('files written in one host exist only there', async () => {
  const marker = `/etc/tsinfra-lab-marker-${process.pid}`;
  ok(await hostSsh(lab, 'master1', `echo hello > ${marker}`));
  assert.equal(ok(await hostSsh(lab, 'master1', `cat ${marker}`)).trim(), 'hello');
  assert.equal((await hostSsh(lab, 'master2', `test -e ${marker}`)).code, 1);
  assert.equal(existsSync(marker), false);
  // Seen the same way without sshd, through the host's namespaces.
  assert.equal(ok(await hostExec(lab, 'master1', `cat ${marker}`)).trim(), 'hello');
});

test("the controller's secrets are hidden inside hosts", async () => {
  const out = ok(await hostSsh(lab, 'worker1', `ls -A /root; echo --; ls -A ${lab.stateDir} 2>&1 | head -1; echo --; ls /etc/ssh | grep ^ssh_host_`));
  const [rootHome, state, hostKeys] = out.split('--\n');
  assert.equal(rootHome?.trim(), '.ssh');
  assert.match(state ?? '', /No such file|^\s*$/);
  assert.deepEqual(hostKeys?.trim().split('\n'), ['ssh_host_ed25519_key', 'ssh_host_ed25519_key.pub']);
});

test('net.* sysctls belong to each host; kernel-wide sysctls are read-only', async () => {
  ok(await hostSsh(lab, 'master2', 'sysctl -qw net.ipv4.ip_forward=1'));
  assert.equal(ok(await hostSsh(lab, 'master2', 'sysctl -n net.ipv4.ip_forward')).trim(), '1');
  assert.equal(ok(await hostSsh(lab, 'master3', 'sysctl -n net.ipv4.ip_forward')).trim(), '0');
  assert.notEqual((await hostSsh(lab, 'master2', 'sysctl -qw vm.swappiness=1')).code, 0);
});

test('apt-get install works inside one host only, from the local repository', { timeout: 90_000 }, async (t) => {
  if (existsSync('/usr/sbin/sshguard')) {
    t.skip('the controller has sshguard installed: hosts would see it through the overlay');
    return;
  }
  const install = await hostSsh(lab, 'worker1', 'DEBIAN_FRONTEND=noninteractive apt-get install -y sshguard');
  ok(install, 'apt-get install sshguard');
  assert.match(install.stdout, /Setting up sshguard/);
  ok(await hostSsh(lab, 'worker1', 'test -x /usr/sbin/sshguard && dpkg -s sshguard | grep -q "Status: install ok installed"'));
  assert.equal((await hostSsh(lab, 'worker2', 'test -e /usr/sbin/sshguard')).code, 1);
  assert.equal(existsSync('/usr/sbin/sshguard'), false);
});

test('service reload works the classic way (pid file in /run)', async () => {
  const before = ok(await hostSsh(lab, 'master3', 'cat /run/sshd.pid')).trim();
  ok(await hostSsh(lab, 'master3', 'service ssh reload'));
  // sshd re-executes itself on SIGHUP: for a moment it does not listen.
  let answer = await hostSsh(lab, 'master3', 'cat /run/sshd.pid');
  for (let i = 0; i < 50 && answer.code !== 0; i++) {
    await new Promise((r) => setTimeout(r, 100));
    answer = await hostSsh(lab, 'master3', 'cat /run/sshd.pid');
  }
  assert.equal(ok(answer).trim(), before, 'same sshd, reloaded in place');
});

test('a private-only host is reachable from hosts on the private network, not from the controller', async () => {
  const hidden = findHost(lab, 'hidden1');
  assert.equal(hidden.publicAddress, undefined);
  assert.equal(await hasSshBanner(hidden.privateAddress, 1500), false);
  // Through master1 (ProxyJump in the lab's ssh_config).
  assert.equal(ok(await hostSsh(lab, 'hidden1', 'hostname')).trim(), 'hidden1');
  // From master1 itself, and from the neighbour on the private network.
  ok(await hostSsh(lab, 'master1', `timeout 3 bash -c 'exec 3<>/dev/tcp/${hidden.privateAddress}/22; head -c 8 <&3' | grep -q SSH-2.0`));
  ok(await neighbourExec(lab, `ssh-keyscan -T 3 -t ed25519 ${hidden.privateAddress} | grep -q ssh-ed25519`));
  // hidden1 has no route to the public network.
  assert.notEqual((await hostSsh(lab, 'hidden1', `timeout 2 bash -c 'exec 3<>/dev/tcp/${lab.controllerAddress}/22'`)).code, 0);
});
