// Fault: SIGINT / SIGTERM during a play. Exit 99, the interrupted remote commands stopped (no process of the task
// left on any host, with and without sudo), connections closed, no remote temp file left, a file being written by
// `copy` holds the old or the new content (never a part), a second SIGINT exits at once, and the run ends with the
// recap of what finished (text or --json), marked interrupted. Also here, as it needs a non-root login: a module
// failing on permission gets one "use become" hint, and -vvv shows each remote script with secrets masked.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash, randomBytes } from 'node:crypto';
import { hostExec, ok, startLab } from '../support/lab.js';
import { jsonLines } from '../support/cli.js';
import { addSudoUsers } from '../support/sudo-users.js';
import { faultWork, fileOn, isProcessAlive, labInventory, recapOf, settleRemoteScripts, sleep, startTsinfra, tempFiles, waitOnHost, waitWhileRunning } from '../support/faults.js';

const lab = await startLab({ kind: 'namespace', hosts: 3 });
const names = lab.hosts.map((h) => h.name);
const work = faultWork('interrupt');
const inventory = work.file('inventory.yaml', labInventory(lab));
const BECOME_PW = 'Int3rrupt-become-pw-5521';
await addSudoUsers(lab, names, BECOME_PW);
/** Every host as `deploypw`, through sudo with its password. */
const sudoInventory = work.file('inventory-sudo.yaml', labInventory(lab, Object.fromEntries(names.map((h) => [h, { ansible_user: 'deploypw', ansible_become: true, ansible_become_password: BECOME_PW }]))));
/** Every host as `deploy`, without become. */
const userInventory = work.file('inventory-user.yaml', labInventory(lab, Object.fromEntries(names.map((h) => [h, { ansible_user: 'deploy' }]))));
const OLD = 'old content\n';
// Large, so the apply script streams for a while and the signal can land while the temp file is being written.
const NEW = randomBytes(12 * 1024 * 1024).toString('base64');
const bigSrc = work.file('big.txt', NEW);
const sha = (s: string) => createHash('sha256').update(s).digest('hex');
/** The slow play; `before`: tasks that run first; `slow`: the slow step's command. */
const slowBook = (file: string, before = '', slow = 'sleep 60') =>
  work.file(
    file,
    `- hosts: all
  gather_facts: false
  tasks:
${before}    - name: slow step
      shell: ${slow}
    - name: after the slow step
      copy: { dest: /var/tmp/fault-after, content: "after\\n" }
`,
  );
const playbook = slowBook('interrupt.yaml');
// The same with a quick task first: the recap must count it, and not count the slow step the signal cut.
// Its slow step outlives the test unless the interrupt stops it on the hosts.
const recapBook = slowBook('interrupt-recap.yaml', '    - name: before the slow step\n      command: /bin/true\n', 'sleep 120; touch /var/tmp/fault-marker');
const copyBook = work.file(
  'interrupt-copy.yaml',
  `- hosts: all
  gather_facts: false
  tasks:
    - name: big file
      copy: { src: ${JSON.stringify(bigSrc)}, dest: /var/tmp/fault-big }
`,
);

/** Starts the slow playbook once no earlier run's `sleep` is left, and waits until the given hosts are inside it. */
async function startSlowPlay(args: string[], inside = names, book = playbook, inv = inventory) {
  await Promise.all(names.map((h) => waitOnHost(lab, h, '! pgrep -x sleep >/dev/null')));
  const run = startTsinfra(work, ['play', book, '-i', inv, ...args]);
  await waitWhileRunning(lab, run, inside, 'pgrep -x sleep >/dev/null');
  return run;
}

/** SSH connections established to a host's sshd. */
async function sshSessions(host: string): Promise<number> {
  const r = await hostExec(lab, host, 'ss -Htn state established "( sport = :22 )" | wc -l');
  return Number(r.stdout.trim());
}

async function assertClean(label: string): Promise<void> {
  assert.deepEqual(await settleRemoteScripts(lab, names), {}, `${label}: no tsinfra script left running`);
  for (const h of names) {
    assert.deepEqual(await tempFiles(lab, h), [], `${label}: ${h}: no temp file left`);
    const deadline = Date.now() + 5000;
    while ((await sshSessions(h)) > 0 && Date.now() < deadline) await sleep(200);
    assert.equal(await sshSessions(h), 0, `${label}: ${h}: connection closed`);
  }
}

/** Processes of the slow step (its `sleep 120` and the shells around it) still on a host, as `ps` lists them. */
async function slowStepProcesses(host: string): Promise<string[]> {
  const r = await hostExec(lab, host, "ps -eo pid=,user=,args= | grep -E 'sleep 120|fault-marker' | grep -v grep; true");
  return r.stdout.split('\n').filter((l) => l.trim());
}

// SIGINT with the text output as root; SIGTERM with --json and -vvv as a sudo user (become with a password).
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  test(`${signal} during a task: exit 99 at once, the task's remote processes stopped, connections closed, nothing after it runs, the recap of what finished`, async () => {
    const isJson = signal === 'SIGTERM';
    const run = await startSlowPlay(isJson ? ['--json', '-vvv'] : [], names, recapBook, isJson ? sudoInventory : inventory);
    const sentAt = Date.now();
    run.child.kill(signal);
    const r = await run.done;
    assert.equal(r.code, 99, r.stdout.slice(-1500) + r.stderr);
    assert.ok(Date.now() - sentAt < 15_000, `exited ${Date.now() - sentAt} ms after ${signal}, not after the slow step`);
    assert.match(r.stderr, new RegExp(`${signal}: closing connections`));
    assert.equal(isProcessAlive(run.child.pid), false, 'the tsinfra process is gone');
    for (const h of names) assert.deepEqual(await slowStepProcesses(h), [], `${signal}: ${h}: no process of the interrupted task left`);
    await assertClean(signal);
    assert.ok(!r.stdout.includes(BECOME_PW) && !r.stderr.includes(BECOME_PW), 'no sudo password in the output');
    for (const h of names) assert.equal(await fileOn(lab, h, '/var/tmp/fault-after'), undefined, `${h}: no task after the interrupt`);
    // The recap: the quick task counted on every host; the cut slow step neither failed nor unreachable.
    const done = { ok: 1, changed: 1, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
    if (isJson) {
      const events = jsonLines(r.stdout);
      const recap = events.find((e) => e.type === 'recap')!;
      assert.equal(recap.interrupted, signal, r.stdout.slice(-1500));
      assert.deepEqual(recapOf(r).hosts, Object.fromEntries(names.map((h) => [h, done])));
      assert.equal(events.at(-1), recap, 'the recap is the last event');
      assert.equal(events.filter((e) => e.type === 'host_result' && (e.task as { name: string }).name === 'slow step').length, 0, 'no result for the cut task');
    } else {
      const recap = r.stdout.slice(r.stdout.indexOf('PLAY RECAP'));
      assert.match(recap, /^PLAY RECAP \*+\n/, r.stdout.slice(-1500));
      for (const h of names) assert.match(recap, new RegExp(`\\n${h} +: ok=1 +changed=1 +unreachable=0 +failed=0 +skipped=0 +rescued=0 +ignored=0\\n`));
      assert.match(recap, new RegExp(`\\ninterrupted by ${signal} after \\d+\\.\\d\\ds, \\d+ remote commands\\nthe tasks still running then were cut and are not counted above; no task started after it\\n$`));
      assert.doesNotMatch(r.stdout, /UNREACHABLE|failed: \[/, 'the cut task is not reported as a failure');
    }
  });
}

test('SIGTERM while copy writes a large file: each host keeps the old or gets the new file, never a part', async (t) => {
  await Promise.all(names.map(async (h) => ok(await hostExec(lab, h, `printf '%s' '${OLD}' > /var/tmp/fault-big`))));
  const run = startTsinfra(work, ['play', copyBook, '-i', inventory, '--json']);
  // Signal as soon as any host has the temp file (the apply is streaming), or when the run ends on its own.
  const deadline = Date.now() + 20_000;
  while (run.child.exitCode === null && Date.now() < deadline) {
    const r = await hostExec(lab, names[0]!, "ls -a /var/tmp | grep -q '^\\.tsinfra\\.'");
    if (r.code === 0) break;
    await sleep(20);
  }
  const wasRunning = run.child.exitCode === null;
  run.child.kill('SIGTERM');
  const r = await run.done;
  if (wasRunning) assert.equal(r.code, 99, r.stdout.slice(-1500) + r.stderr);
  await assertClean('copy');
  const seen: string[] = [];
  for (const h of names) {
    const content = (await fileOn(lab, h, '/var/tmp/fault-big')) ?? '';
    const which = content === OLD ? 'old' : sha(content) === sha(NEW) ? 'new' : `partial (${content.length} bytes)`;
    seen.push(`${h}=${which}`);
    assert.ok(which === 'old' || which === 'new', `${h}: ${which}`);
  }
  t.diagnostic(`signal ${wasRunning ? 'during' : 'after'} the run: ${seen.join(' ')}`);
});

/** The slow play with the third host's link down (a connect to it hangs), the link back up afterwards. */
async function withDeadHost(body: (run: Awaited<ReturnType<typeof startSlowPlay>>, dead: string) => Promise<void>): Promise<void> {
  const dead = names[2]!;
  ok(await hostExec(lab, dead, 'ip link set eth0 down'));
  try {
    await body(await startSlowPlay(['--json', '--timeout', '30'], names.slice(0, 2)), dead);
  } finally {
    ok(await hostExec(lab, dead, 'ip link set eth0 up'));
  }
}

test('a second SIGINT exits at once, even while the first waits on an unreachable host', async () => {
  await withDeadHost(async (run) => {
    const sentAt = Date.now();
    run.child.kill('SIGINT');
    await sleep(50);
    if (run.child.exitCode === null) run.child.kill('SIGINT');
    const r = await run.done;
    assert.equal(r.code, 99, r.stdout.slice(-1500) + r.stderr);
    assert.ok(Date.now() - sentAt < 15_000, `exited ${Date.now() - sentAt} ms after the first SIGINT, not after the 30 s connect timeout`);
  });
  await assertClean('double SIGINT');
});

test('a single SIGINT does not wait for a connect in progress to a dead host', async () => {
  await withDeadHost(async (run, dead) => {
    const sentAt = Date.now();
    run.child.kill('SIGINT');
    const r = await run.done;
    assert.equal(r.code, 99, r.stdout.slice(-1500) + r.stderr);
    assert.ok(Date.now() - sentAt < 15_000, `exited ${Date.now() - sentAt} ms after SIGINT, not after the 30 s connect timeout`);
    // The recap does not wait for the connect either, and does not call the host unreachable: the run gave up on it.
    assert.equal(jsonLines(r.stdout).find((e) => e.type === 'recap')?.interrupted, 'SIGINT', r.stdout.slice(-1500));
    assert.equal(recapOf(r).hosts[dead]?.unreachable, 0);
  });
  await assertClean('dead host');
});

test('as a non-root login without become: one "use become" hint per failed host, stderr once; -vvv shows each script, never a secret', async () => {
  const SECRET = 'Fault-s3cret-content-8812';
  const book = work.file(
    'as-user.yaml',
    `- hosts: all
  gather_facts: false
  tasks:
    - name: write where only root may
      copy: { dest: /root/fault-denied, content: "${SECRET}\\n" }
`,
  );
  const r = await startTsinfra(work, ['play', book, '-i', userInventory, '-vvv']).done;
  assert.equal(r.code, 2, r.stdout.slice(-1500) + r.stderr);
  const count = (text: string, re: RegExp) => text.match(re)?.length ?? 0;
  assert.equal(count(r.stdout, /deploy is not root: use become \(-b, or become: true\) or connect as root/g), names.length, r.stdout.slice(-2000));
  assert.equal(count(r.stdout, /Permission denied/g), names.length, `the raw error once per host:\n${r.stdout.slice(-2000)}`);
  for (const h of names) assert.match(r.stdout, new RegExp(`\\n<${h}> SCRIPT, rc=\\d+, \\d+\\.\\d{3}s \\(.*write where only root may\\):\\n {4}`));
  assert.match(r.stdout, /tsi_dest=\/root\/fault-denied/, 'the apply script is shown');
  for (const leak of [SECRET, Buffer.from(`${SECRET}\n`).toString('base64')]) assert.ok(!r.stdout.includes(leak) && !r.stderr.includes(leak), 'no secret in -vvv output');
});
