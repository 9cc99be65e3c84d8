// One task on one host (src/engine/task-runner.ts) through the fake transport: loops and loop_control,
// until/retries/delay, and check mode (nothing that changes a host is sent; what would change is reported changed).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeTransport } from '../../../src/transport/fake.js';
import { fakeFile, inventoryOf, runFakePlay } from '../../support/fake-play.js';

const ONE = inventoryOf('h1');

// ---- loops -----------------------------------------------------------------------------------------------------------

test('loop with loop_control: loop_var, index_var and label bind per item; one result per item, then the task', async () => {
  const play = `- hosts: all
  gather_facts: false
  tasks:
    - name: each
      command: "install {{ pkg.name }} at {{ idx }}"
      loop:
        - { name: curl, v: 1 }
        - { name: jq, v: 2 }
        - { name: git, v: 3 }
      loop_control:
        loop_var: pkg
        index_var: idx
        label: "{{ pkg.name }}"
`;
  const r = await runFakePlay({ files: { 'inventory.yaml': ONE, 'site.yaml': play } });
  assert.deepEqual(r.fake.calls('h1').map((c) => c.command), ['install curl at 0', 'install jq at 1', 'install git at 2']);
  const results = r.results('each');
  assert.deepEqual(results.map((x) => x.item), ['curl', 'jq', 'git', undefined], 'the label names each item; the last result is the task');
  assert.equal(results.at(-1)!.status, 'changed');
});

test('register of a loop holds each item result under results, with its item', async () => {
  const play = `- hosts: all
  gather_facts: false
  tasks:
    - name: each
      command: "echo {{ item }}"
      loop: [a, b]
      register: out
    - name: show
      debug: { msg: "{{ out.results[1].item }} {{ out.results[1].stdout }} {{ out.results | length }}" }
`;
  const fake = new FakeTransport().on((c) => c.command?.startsWith('echo ') ?? false, (c) => ({ stdout: `said ${c.command!.slice(5)}\n` }));
  const r = await runFakePlay({ fake, files: { 'inventory.yaml': ONE, 'site.yaml': play } });
  assert.equal(r.results('show')[0]!.message, 'b said b 2');
});

test('a failed loop item fails the task and is reported with its item', async () => {
  const play = `- hosts: all
  gather_facts: false
  tasks:
    - name: each
      command: "step {{ item }}"
      loop: [a, b, c]
`;
  const fake = new FakeTransport().fail('step b');
  const r = await runFakePlay({ fake, files: { 'inventory.yaml': ONE, 'site.yaml': play } });
  assert.equal(r.status('each', 'h1'), 'failed');
  assert.deepEqual(r.results('each').filter((x) => x.item !== undefined).slice(0, 2).map((x) => [x.item, x.status]), [['a', 'changed'], ['b', 'failed']]);
  assert.deepEqual(r.summary.failed, ['h1']);
});

// Ansible runs every item of a loop and fails the task at the end (TaskExecutor._run_loop has no early exit).
test('a failed loop item does not stop the items after it (as in Ansible)', async () => {
  const play = `- hosts: all
  gather_facts: false
  tasks:
    - name: each
      command: "step {{ item }}"
      loop: [a, b, c]
`;
  const fake = new FakeTransport().fail('step b');
  const r = await runFakePlay({ fake, files: { 'inventory.yaml': ONE, 'site.yaml': play } });
  assert.deepEqual(r.fake.calls('h1').map((c) => c.command), ['step a', 'step b', 'step c']);
  assert.equal(r.status('each', 'h1'), 'failed');
});

test("a loop item whose module script fails is that item's failure: the items after it still run", async () => {
  const play = `- hosts: all
  gather_facts: false
  tasks:
    - name: each
      lineinfile: { path: "/etc/{{ item }}", line: x }
      loop: [a, b, c]
`;
  const fake = new FakeTransport().fail('p=/etc/b\n', 'cannot read');
  for (const f of ['/etc/a', '/etc/c']) fakeFile(fake, f, 'x\n');
  const r = await runFakePlay({ fake, files: { 'inventory.yaml': ONE, 'site.yaml': play } });
  assert.deepEqual(r.results('each').map((x) => [x.item, x.status]), [['a', 'ok'], ['b', 'failed'], ['c', 'ok'], [undefined, 'failed']]);
  assert.match(r.results('each')[1]!.message ?? '', /lineinfile probe failed/);
});

test('when is evaluated per loop item', async () => {
  const play = `- hosts: all
  gather_facts: false
  tasks:
    - name: each
      command: "step {{ item }}"
      loop: [1, 2, 3, 4]
      when: item > 2
`;
  const r = await runFakePlay({ files: { 'inventory.yaml': ONE, 'site.yaml': play } });
  assert.deepEqual(r.fake.calls('h1').map((c) => c.command), ['step 3', 'step 4']);
  assert.deepEqual(r.results('each').map((x) => x.status), ['skipped', 'skipped', 'changed', 'changed', 'changed']);
});

// ---- until / retries / delay -----------------------------------------------------------------------------------------

const UNTIL = `- hosts: all
  gather_facts: false
  tasks:
    - name: wait
      command: check ready
      register: r
      until: r.rc == 0
      retries: 4
      delay: 0
`;

test('until retries (delay 0) until the condition holds: two failures, then success on the third attempt', async () => {
  const fake = new FakeTransport().on('check ready', { stdout: 'ready\n' }).fail('check ready', 'not yet', { times: 2 });
  const started = Date.now();
  const r = await runFakePlay({ fake, files: { 'inventory.yaml': ONE, 'site.yaml': UNTIL } });
  assert.equal(r.fake.received('check ready').length, 3);
  assert.equal(r.status('wait', 'h1'), 'changed');
  assert.deepEqual(r.summary.failed, []);
  assert.ok(Date.now() - started < 2000, 'delay 0 does not wait');
});

test('until: when the retries run out, the task fails and says so', async () => {
  const fake = new FakeTransport().fail('check ready', 'never');
  const r = await runFakePlay({ fake, files: { 'inventory.yaml': ONE, 'site.yaml': UNTIL } });
  assert.equal(r.status('wait', 'h1'), 'failed');
  assert.match(r.results('wait')[0]!.message ?? '', /until condition still false after \d+ attempts/);
  assert.ok(r.fake.received('check ready').length >= 4);
});

// Ansible (task_executor.py): with until, `retries: N` is N retries after the first attempt, N + 1 attempts in all.
test('until: retries 4 means 4 retries after the first attempt, 5 attempts in all (as in Ansible)', async () => {
  const fake = new FakeTransport().fail('check ready', 'never');
  const r = await runFakePlay({ fake, files: { 'inventory.yaml': ONE, 'site.yaml': UNTIL } });
  assert.equal(r.fake.received('check ready').length, 5);
});

// ---- check mode ------------------------------------------------------------------------------------------------------

const CHECK = `
- hosts: all
  tasks:
    - name: add line
      lineinfile: { path: /etc/app.conf, line: "port=80" }
      notify: restart app
    - name: present line
      lineinfile: { path: /etc/app.conf, line: "name=app" }
    - name: run command
      command: reload everything
  handlers:
    - name: restart app
      command: restart app
`;

test('check mode: a state task that would change reports changed, and no apply script is sent', async () => {
  const fake = new FakeTransport();
  const files = fakeFile(fake, '/etc/app.conf', 'name=app\n');
  const r = await runFakePlay({ fake, check: true, files: { 'inventory.yaml': inventoryOf('h1', 'h2'), 'site.yaml': CHECK } });
  for (const h of ['h1', 'h2']) {
    assert.equal(r.status('add line', h), 'changed');
    assert.equal(r.status('present line', h), 'ok');
  }
  assert.match(r.results('add line')[0]!.changes.join('\n'), /\/etc\/app\.conf/);
  assert.equal(r.fake.received('tsi_dest=').length, 0, 'no write was sent');
  assert.equal(files.size, 0, 'the fake file was never written');
  assert.deepEqual(r.fake.unmatched.map((c) => c.script.slice(0, 40)), []);
});

test('check mode: command tasks are skipped without running, and notified handlers (commands) too', async () => {
  const fake = new FakeTransport();
  fakeFile(fake, '/etc/app.conf', 'name=app\n');
  const r = await runFakePlay({ fake, check: true, files: { 'inventory.yaml': inventoryOf('h1'), 'site.yaml': CHECK } });
  assert.equal(r.status('run command', 'h1'), 'skipped');
  assert.equal(r.fake.received('reload everything').length, 0);
  assert.equal(r.status('restart app', 'h1'), 'skipped', 'the handler was notified by a would-be change');
  assert.equal(r.fake.received('restart app').length, 0);
});

test('check mode: every remote script is read-only — facts and probes, nothing else', async () => {
  const fake = new FakeTransport();
  fakeFile(fake, '/etc/app.conf', 'name=app\n');
  const r = await runFakePlay({ fake, check: true, files: { 'inventory.yaml': inventoryOf('h1'), 'site.yaml': CHECK } });
  const calls = r.fake.calls('h1');
  assert.ok(calls.length > 0);
  for (const c of calls) assert.ok(/^echo tsinfra_facts=1$/m.test(c.script) || c.script.includes('p=/etc/app.conf\n'), c.script.slice(0, 200));
});

test('without check mode the same play writes the file and runs the command and the handler', async () => {
  const fake = new FakeTransport();
  const files = fakeFile(fake, '/etc/app.conf', 'name=app\n');
  const r = await runFakePlay({ fake, files: { 'inventory.yaml': inventoryOf('h1'), 'site.yaml': CHECK } });
  assert.equal(files.get('h1'), 'name=app\nport=80\n');
  assert.equal(r.fake.received('reload everything').length, 1);
  assert.equal(r.fake.received('restart app').length, 1);
});

test('check_mode: false on a task runs it for real in a check run', async () => {
  const play = CHECK.replace('      command: reload everything\n', '      command: reload everything\n      check_mode: false\n');
  const fake = new FakeTransport();
  fakeFile(fake, '/etc/app.conf', 'name=app\n');
  const r = await runFakePlay({ fake, check: true, files: { 'inventory.yaml': inventoryOf('h1'), 'site.yaml': play } });
  assert.equal(r.fake.received('reload everything').length, 1);
  assert.equal(r.status('run command', 'h1'), 'changed');
});
