// Fault: one host's key changed, one host refusing our key, one host with a wrong sudo password. Each is a clear
// per-host error (unreachable / failed), nothing runs on those hosts, and the other hosts carry on.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostExec, ok, startLab } from '../support/lab.js';
import { addSudoUsers } from '../support/sudo-users.js';
import { faultWork, fileOn, hostResults, labInventory, recapOf, settleRemoteScripts, startTsinfra } from '../support/faults.js';

const lab = await startLab({ kind: 'namespace', hosts: 4 });
const [rekeyed, refusing, badSudo, good] = lab.hosts.map((h) => h.name) as [string, string, string, string];
const names = [rekeyed, refusing, badSudo, good];
const work = faultWork('refusals');
const BECOME_PW = 'S3cret-become-pw-4410';
const WRONG_PW = 'Wr0ng-become-pw-9981';

// known_hosts where `rekeyed` has another ed25519 key: what a reinstalled (or impersonated) host looks like.
execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', join(work.dir, 'other_key')]);
const otherKey = readFileSync(join(work.dir, 'other_key.pub'), 'utf8').trim().split(' ').slice(0, 2).join(' ');
const rekeyedAddress = lab.hosts.find((h) => h.name === rekeyed)!.sshAddress;
const knownHosts = work.file(
  'known_hosts',
  readFileSync(lab.knownHostsPath, 'utf8')
    .split('\n')
    .map((l) => (l.startsWith(`${rekeyedAddress} ssh-ed25519 `) ? `${rekeyedAddress} ${otherKey}` : l))
    .join('\n'),
);
const sudoUser = { ansible_user: 'deploypw', ansible_become: true };
const inventory = work.file(
  'inventory.yaml',
  labInventory(lab, {
    [rekeyed]: { tsinfra_known_hosts_file: knownHosts },
    [badSudo]: { ...sudoUser, ansible_become_password: WRONG_PW },
    [good]: { ...sudoUser, ansible_become_password: BECOME_PW },
  }),
);
const playbook = work.file(
  'refusals.yaml',
  `- hosts: all
  gather_facts: false
  tasks:
    - name: who
      command: id -un
    - name: last step
      copy: { dest: /var/tmp/fault-done, content: "done\\n" }
`,
);


test('changed host key, refused key, wrong sudo password: clear per-host errors, the other host carries on', async () => {
  await addSudoUsers(lab, [badSudo, good], BECOME_PW);
  ok(await hostExec(lab, refusing, 'rm -f /root/.ssh/authorized_keys'), 'remove authorized_keys');

  const run = startTsinfra(work, ['play', playbook, '-i', inventory, '--json']);
  const r = await run.done;
  assert.equal(r.code, 4, `unreachable beats failed, as ansible-playbook exits: ${r.stdout.slice(-2000)}${r.stderr}`);
  assert.equal(run.child.exitCode, 4, 'the tsinfra process exited');
  const { hosts } = recapOf(r);
  const message = (h: string) => String(hostResults(r, h).find((res) => res.status === 'unreachable' || res.status === 'failed')?.message);

  assert.equal(hosts[rekeyed]!.unreachable, 1, JSON.stringify(hosts[rekeyed]));
  assert.match(message(rekeyed), /HOST KEY CHANGED/);
  assert.equal(hosts[refusing]!.unreachable, 1, JSON.stringify(hosts[refusing]));
  assert.match(message(refusing), /refused our credentials/);
  assert.equal(hosts[badSudo]!.failed, 1, JSON.stringify(hosts[badSudo]));
  assert.match(message(badSudo), /incorrect sudo password/);
  assert.deepEqual(hosts[good], { ...hosts[good], ok: 2, failed: 0, unreachable: 0 });

  for (const h of [rekeyed, refusing, badSudo]) assert.equal(await fileOn(lab, h, '/var/tmp/fault-done'), undefined, `${h}: nothing ran`);
  assert.equal(await fileOn(lab, good, '/var/tmp/fault-done'), 'done\n');
  assert.equal(ok(await hostExec(lab, good, 'stat -c %U /var/tmp/fault-done')).trim(), 'root', 'written as root through sudo');
  for (const pw of [WRONG_PW, BECOME_PW]) assert.ok(!r.stdout.includes(pw) && !r.stderr.includes(pw), 'no sudo password in the output');
  assert.deepEqual(await settleRemoteScripts(lab, names), {}, 'no tsinfra script left running');
});
