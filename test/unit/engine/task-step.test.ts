// --step in the engine, as ansible-core 2.14's _take_step in the linear and free strategies: asked before every task
// (Gathering Facts and handlers too, meta never) with Task.__repr__ ("TASK: name", "HANDLER: name", the action for an
// unnamed task); y/yes runs it, c/continue runs it and stops the asking for the rest of the play, anything else
// skips it on every host (not reported, not counted); the end of the input ends the run there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFakePlay, inventoryOf } from '../../support/fake-play.js';

const SITE = `- hosts: all
  gather_facts: true
  tasks:
    - name: one
      command: echo one
      notify: h1
    - meta: flush_handlers
    - name: two
      command: echo two
    - debug: { msg: unnamed }
    - name: "four {{ inventory_hostname }}"
      command: echo four
  handlers:
    - name: h1
      command: echo handler
- hosts: all
  gather_facts: false
  tasks:
    - name: second play
      command: echo second
`;

/** Answers in order; records each prompt; undefined once the answers run out (the input ended). */
function answering(...answers: string[]) {
  const asked: string[] = [];
  return { asked, confirmTask: async (prompt: string) => (asked.push(prompt), answers.shift()) };
}

const Q = (what: string) => `Perform task: ${what} (N)o/(y)es/(c)ontinue: `;

async function run(step: ReturnType<typeof answering>, site = SITE, hosts = ['h1', 'h2']) {
  return runFakePlay({ files: { 'site.yaml': site, 'inventory.yaml': inventoryOf(...hosts) }, confirmTask: step.confirmTask });
}

test('y runs, n and an empty answer skip on every host: the prompts name each task as Ansible does', async () => {
  const step = answering('y', 'Y', 'n', 'yes', '', 'y', 'y', 'y');
  const r = await run(step);
  // h1 is skipped at flush_handlers: still notified, it is asked about again at the end of the play (as in Ansible).
  assert.deepEqual(step.asked, [Q('TASK: Gathering Facts'), Q('TASK: one'), Q('HANDLER: h1'), Q('TASK: two'), Q('TASK: debug'), Q('TASK: four {{ inventory_hostname }}'), Q('HANDLER: h1'), Q('TASK: second play')]);
  const started = r.events.filter((e) => e.type === 'task_start').map((e) => (e as { task: { name: string } }).task.name);
  assert.deepEqual(started, ['Gathering Facts', 'one', 'two', 'four {{ inventory_hostname }}', 'h1', 'second play'], `started: ${started.join(', ')}`);
  assert.equal(r.status('debug', 'h1'), undefined);
  assert.equal(r.fake.calls('h2').filter((c) => /echo unnamed/.test(c.command)).length, 0, 'a skipped task sends nothing');
  // A skipped task is not counted: ok = facts, one, two, four, h1, second play.
  assert.deepEqual({ ...r.summary.hosts.get('h2')!.counts }, { ok: 6, changed: 5, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 });
});

test('c runs the task and the rest of the play without asking; the next play asks again', async () => {
  const step = answering('n', 'c', 'y');
  const r = await run(step);
  assert.deepEqual(step.asked, [Q('TASK: Gathering Facts'), Q('TASK: one'), Q('TASK: second play')]);
  const started = r.events.filter((e) => e.type === 'task_start').map((e) => (e as { task: { name: string } }).task.name);
  assert.deepEqual(started, ['one', 'h1', 'two', 'task #4 in site.yaml', 'four {{ inventory_hostname }}', 'second play']);
});

test('the input ending ends the run: nothing more runs or is asked, handlers included', async () => {
  const step = answering('y', 'y');
  const r = await run(step);
  assert.deepEqual(step.asked, [Q('TASK: Gathering Facts'), Q('TASK: one'), Q('HANDLER: h1')]);
  const started = r.events.filter((e) => e.type === 'task_start').map((e) => (e as { task: { name: string } }).task.name);
  assert.deepEqual(started, ['Gathering Facts', 'one']);
});

test('without confirmTask every task runs; free asks per host, "on <host>", one question at a time', async () => {
  const plain = await runFakePlay({ files: { 'site.yaml': SITE, 'inventory.yaml': inventoryOf('h1') } });
  assert.ok(plain.status('two', 'h1'));
  const free = `- hosts: all
  gather_facts: false
  strategy: free
  tasks:
    - name: a
      command: echo a
`;
  const step = answering('y', 'n');
  const r = await run(step, free);
  assert.deepEqual([...step.asked].sort(), [Q('TASK: a on h1'), Q('TASK: a on h2')].sort());
  const ran = ['h1', 'h2'].filter((h) => r.status('a', h) !== undefined);
  assert.equal(ran.length, 1, `ran on: ${ran.join(', ')}`);
});

test('include_tasks is asked about; n skips what it includes', async () => {
  const site = `- hosts: all
  gather_facts: false
  tasks:
    - include_tasks: inc.yaml
    - name: after
      command: echo after
`;
  const step = answering('n', 'y');
  const r = await runFakePlay({ files: { 'site.yaml': site, 'inc.yaml': '- name: inside\n  command: echo inside\n', 'inventory.yaml': inventoryOf('h1') }, confirmTask: step.confirmTask });
  assert.deepEqual(step.asked, [Q('TASK: include_tasks'), Q('TASK: after')]);
  assert.equal(r.status('inside', 'h1'), undefined);
  assert.equal(r.status('after', 'h1'), 'changed');
});
