// Fault: sshd (listener and sessions) killed on 2 of 10 hosts in the middle of a play. The 8 others finish, the 2
// are unreachable (exit 4) and named in the retry file; a re-run with --limit @retry-file completes them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { hostExec, ok, startLab } from '../support/lab.js';
import { KILL_SSHD, START_SSHD, faultWork, fileOn, hostResults, labInventory, recapOf, settleRemoteScripts, startTsinfra, waitWhileRunning } from '../support/faults.js';

const lab = await startLab({ kind: 'namespace', hosts: 10 });
const names = lab.hosts.map((h) => h.name);
const victims = names.slice(3, 5);
const work = faultWork('sshd-killed');
const inventory = work.file('inventory.yaml', labInventory(lab));
const playbook = work.file(
  'sshd-killed.yaml',
  `- hosts: all
  gather_facts: false
  tasks:
    - name: slow step
      shell: sleep 8
    - name: middle step
      copy: { dest: /var/tmp/fault-middle, content: "middle\\n" }
    - name: last step
      copy: { dest: /var/tmp/fault-done, content: "done\\n" }
`,
);

test('sshd killed on 2 of 10 hosts mid-play: 8 finish, 2 unreachable, exit 4, retry file; re-run completes', async () => {
  const run = startTsinfra(work, ['play', playbook, '-i', inventory, '--json']);
  // Every host is inside the slow step: its connection is up and a command runs on it.
  await waitWhileRunning(lab, run, names, 'pgrep -x sleep >/dev/null');
  await Promise.all(victims.map(async (h) => ok(await hostExec(lab, h, KILL_SSHD), `kill sshd on ${h}`)));
  const r = await run.done;
  assert.equal(r.code, 4, r.stdout.slice(-2000) + r.stderr);
  assert.ok(r.ms < 120_000, `the run took ${r.ms} ms`);
  const { hosts, retryFile } = recapOf(r);
  for (const h of names) {
    const isVictim = victims.includes(h);
    assert.equal(hosts[h]!.unreachable, isVictim ? 1 : 0, `${h}: ${JSON.stringify(hosts[h])}`);
    assert.equal(hosts[h]!.failed, 0, `${h}: ${JSON.stringify(hosts[h])}`);
    assert.equal(await fileOn(lab, h, '/var/tmp/fault-done'), isVictim ? undefined : 'done\n', `${h}: last step`);
    if (isVictim) {
      assert.equal(await fileOn(lab, h, '/var/tmp/fault-middle'), undefined, `${h}: nothing after the loss`);
      const lost = hostResults(r, h).find((res) => res.status === 'unreachable');
      assert.match(String(lost?.message), /connection lost|ECONNRESET|closed/i);
    }
  }
  assert.ok(retryFile, 'the recap names a retry file');
  assert.ok(retryFile.startsWith(work.home), retryFile);
  assert.deepEqual(readFileSync(retryFile, 'utf8').split('\n').filter(Boolean).sort(), [...victims].sort());
  assert.equal(run.child.exitCode, 4, 'the tsinfra process exited');
  assert.deepEqual(await settleRemoteScripts(lab, names), {}, 'no tsinfra script left running on any host');

  await Promise.all(victims.map(async (h) => ok(await hostExec(lab, h, START_SSHD), `start sshd on ${h}`)));
  const again = await startTsinfra(work, ['play', playbook, '-i', inventory, '--json', '--limit', `@${retryFile}`]).done;
  assert.equal(again.code, 0, again.stdout.slice(-2000) + again.stderr);
  assert.deepEqual(Object.keys(recapOf(again).hosts).sort(), [...victims].sort(), 'only the retry file hosts ran');
  for (const h of names) assert.equal(await fileOn(lab, h, '/var/tmp/fault-done'), 'done\n', `${h}: done after the re-run`);
  assert.deepEqual(await settleRemoteScripts(lab, names), {});
});
