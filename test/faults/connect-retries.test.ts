// Connect retries: a host whose sshd comes up 1.5 s after the run starts is reached with --retries 3 (or the
// host's tsinfra_connect_retries) and is unreachable without; retries never re-run a command.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostExec, ok, startLab } from '../support/lab.js';
import { KILL_SSHD, START_SSHD, faultWork, fileOn, labInventory, recapOf, settleRemoteScripts, sleep, startTsinfra } from '../support/faults.js';

const lab = await startLab({ kind: 'namespace', hosts: 2 });
const [late, steady] = lab.hosts.map((h) => h.name) as [string, string];
const work = faultWork('connect-retries');
const inventory = work.file('inventory.yaml', labInventory(lab));
const playbook = work.file(
  'connect-retries.yaml',
  `- hosts: all
  gather_facts: false
  tasks:
    - name: count runs
      shell: echo run >> /var/tmp/fault-runs
`,
);

async function stopSshd(): Promise<void> {
  // A connection of the previous run may still be closing (its sshd child exiting): kill until none is left.
  for (let i = 0; i < 20 && (await hostExec(lab, late, 'pidof sshd sshd-session')).code === 0; i++) {
    ok(await hostExec(lab, late, KILL_SSHD), 'stop sshd');
    await sleep(100);
  }
  assert.notEqual((await hostExec(lab, late, 'pidof sshd sshd-session')).code, 0, 'sshd is down');
}

/** Runs tsinfra while sshd on `late` starts 1.5 s after the run. */
async function runWithLateSshd(args: string[]) {
  await stopSshd();
  const run = startTsinfra(work, args);
  await sleep(1500);
  ok(await hostExec(lab, late, START_SSHD), 'start sshd');
  const r = await run.done;
  assert.equal(run.child.exitCode, r.code, 'the tsinfra process exited');
  return r;
}

test('without retries a host whose sshd is not up yet is unreachable (exit 4)', async () => {
  await stopSshd();
  const r = await startTsinfra(work, ['play', playbook, '-i', inventory, '--json']).done;
  assert.equal(r.code, 4, r.stdout.slice(-2000) + r.stderr);
  const { hosts } = recapOf(r);
  assert.equal(hosts[late]!.unreachable, 1);
  assert.equal(hosts[steady]!.unreachable, 0);
  assert.equal(await fileOn(lab, late, '/var/tmp/fault-runs'), undefined);
  ok(await hostExec(lab, late, START_SSHD));
});

test('--retries 3 reaches it once sshd is up: exit 0, the task ran exactly once', async () => {
  const r = await runWithLateSshd(['play', playbook, '-i', inventory, '--json', '--retries', '3']);
  assert.equal(r.code, 0, r.stdout.slice(-2000) + r.stderr);
  assert.ok(r.ms > 1500, `took ${r.ms} ms`);
  assert.equal(recapOf(r).hosts[late]!.unreachable, 0);
  assert.equal(await fileOn(lab, late, '/var/tmp/fault-runs'), 'run\n');
  assert.equal(await fileOn(lab, steady, '/var/tmp/fault-runs'), 'run\nrun\n');
});

test('the host variable tsinfra_connect_retries does the same', async () => {
  const inv = work.file('inventory-retries.yaml', labInventory(lab, { [late]: { tsinfra_connect_retries: 3 } }));
  const r = await runWithLateSshd(['play', playbook, '-i', inv, '--json']);
  assert.equal(r.code, 0, r.stdout.slice(-2000) + r.stderr);
  assert.equal(await fileOn(lab, late, '/var/tmp/fault-runs'), 'run\nrun\n');
});

test('tsinfra shell --retries 3 too', async () => {
  const r = await runWithLateSshd(['shell', 'all', 'echo shell >> /var/tmp/fault-shell', '-i', inventory, '--json', '--retries', '3']);
  assert.equal(r.code, 0, r.stdout.slice(-2000) + r.stderr);
  assert.equal(await fileOn(lab, late, '/var/tmp/fault-shell'), 'shell\n');
  assert.deepEqual(await settleRemoteScripts(lab, [late, steady]), {});
});

test('a bad --retries value is a usage error (exit 5)', async () => {
  const r = await startTsinfra(work, ['play', playbook, '-i', inventory, '--retries', 'many']).done;
  assert.equal(r.code, 5, r.stdout + r.stderr);
  assert.match(r.stderr, /--retries must be a whole number/);
});
