// Fault: the link to one host is cut in the middle of a task (its interface set down inside its namespace). The
// task fails as unreachable once ssh2's keepalive gives up (5 s × 3), the others finish, the run does not hang.
import { test } from 'node:test';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { hostExec, ok, startLab } from '../support/lab.js';
import { faultWork, fileOn, hostResults, labInventory, recapOf, settleRemoteScripts, startTsinfra, waitOnHost, waitWhileRunning } from '../support/faults.js';

const lab = await startLab({ kind: 'namespace', hosts: 3 });
const names = lab.hosts.map((h) => h.name);
const work = faultWork('link-cut');
const inventory = work.file('inventory.yaml', labInventory(lab));
const playbook = work.file(
  'link-cut.yaml',
  `- hosts: all
  gather_facts: false
  tasks:
    - name: slow step
      shell: sleep 3
    - name: last step
      copy: { dest: /var/tmp/fault-done, content: "done\\n" }
`,
);

async function cutMidTask(cut: string, boundMs: number): Promise<number> {
  await Promise.all(names.map((h) => waitOnHost(lab, h, '! pgrep -x sleep >/dev/null')));
  await Promise.all(names.map((h) => hostExec(lab, h, 'rm -f /var/tmp/fault-done')));
  const run = startTsinfra(work, ['play', playbook, '-i', inventory, '--json'], 60_000);
  await waitWhileRunning(lab, run, names, 'pgrep -x sleep >/dev/null');
  const cutAt = Date.now();
  let detectedAfter = 0;
  ok(await hostExec(lab, cut, 'ip link set eth0 down'), 'cut the link');
  try {
    const r = await run.done;
    detectedAfter = Date.now() - cutAt;
    assert.equal(r.code, 4, r.stdout.slice(-2000) + r.stderr);
    assert.ok(detectedAfter < boundMs, `the cut was detected after ${detectedAfter} ms (bound ${boundMs} ms)`);
    const { hosts } = recapOf(r);
    assert.equal(hosts[cut]!.unreachable, 1, JSON.stringify(hosts[cut]));
    const lost = hostResults(r, cut).find((res) => res.status === 'unreachable');
    assert.match(String(lost?.message), /connection lost|keepalive|timed out/i);
    assert.equal(await fileOn(lab, cut, '/var/tmp/fault-done'), undefined, 'no further task on the cut host');
    for (const h of names.filter((n) => n !== cut)) {
      assert.deepEqual(hosts[h], { ...hosts[h], ok: 2, changed: 2, failed: 0, unreachable: 0 }, h);
      assert.equal(await fileOn(lab, h, '/var/tmp/fault-done'), 'done\n', h);
    }
    assert.equal(run.child.exitCode, 4, 'the tsinfra process exited');
  } finally {
    ok(await hostExec(lab, cut, 'ip link set eth0 up'), 'restore the link');
  }
  assert.deepEqual(await settleRemoteScripts(lab, names), {}, 'no tsinfra script left running on any host');
  return detectedAfter;
}

test('a link cut mid-task: unreachable within the default keepalive bound (5 s × 3), the others finish, no hang', async (t) => {
  t.diagnostic(`detected after ${await cutMidTask(names[1]!, 25_000)} ms`);
});

test('with ServerAliveInterval 1 in ~/.ssh/config the cut is detected within a few seconds', async (t) => {
  mkdirSync(join(work.home, '.ssh'), { recursive: true });
  writeFileSync(join(work.home, '.ssh', 'config'), 'Host *\n  ServerAliveInterval 1\n');
  try {
    t.diagnostic(`detected after ${await cutMidTask(names[2]!, 8_000)} ms`);
  } finally {
    writeFileSync(join(work.home, '.ssh', 'config'), '');
  }
});
