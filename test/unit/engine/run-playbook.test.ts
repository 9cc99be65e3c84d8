// The play loop (src/engine/run-playbook.ts) driven through the real loader and the fake transport
// (src/transport/fake.ts): blocks, handlers, host batches, run_once, failures and the failure limits, tags.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunEvent } from '../../../src/engine/events.js';
import { ConnectError } from '../../../src/errors.js';
import { FakeTransport } from '../../../src/transport/fake.js';
import { inventoryOf, runFakePlay } from '../../support/fake-play.js';

const TWO = inventoryOf('h1', 'h2');
const THREE = inventoryOf('h1', 'h2', 'h3');

// ---- block/rescue/always ---------------------------------------------------------------------------------------------

const BLOCK = `- hosts: all
  gather_facts: false
  tasks:
    - block:
        - name: risky
          command: risky step
        - name: after risky
          command: after risky
      rescue:
        - name: recover
          command: recover now
      always:
        - name: cleanup
          command: clean up
    - name: next
      command: next step
`;

test('block/rescue/always: rescue runs only where the block failed, always everywhere, and the rescued host goes on', async () => {
  const fake = new FakeTransport().fail('risky step', 'boom', { host: 'h1' });
  const r = await runFakePlay({ fake, files: { 'inventory.yaml': TWO, 'site.yaml': BLOCK } });
  assert.deepEqual(r.fake.received('after risky').map((c) => c.host), ['h2'], 'the rest of the block stops on the failed host');
  assert.deepEqual(r.fake.received('recover now').map((c) => c.host), ['h1']);
  assert.deepEqual(r.fake.received('clean up').map((c) => c.host).sort(), ['h1', 'h2']);
  assert.deepEqual(r.fake.received('next step').map((c) => c.host).sort(), ['h1', 'h2']);
  assert.deepEqual(r.summary.failed, []);
  assert.equal(r.summary.hosts.get('h1')!.counts.rescued, 1);
  assert.equal(r.summary.hosts.get('h1')!.counts.failed, 0);
});

test('a failing rescue leaves the host failed; always still runs on it, and nothing after the block', async () => {
  const fake = new FakeTransport().fail('risky step', 'boom', { host: 'h1' }).fail('recover now', 'still broken', { host: 'h1' });
  const r = await runFakePlay({ fake, files: { 'inventory.yaml': TWO, 'site.yaml': BLOCK } });
  assert.deepEqual(r.summary.failed, ['h1']);
  assert.equal(r.summary.hosts.get('h1')!.counts.rescued, 0);
  assert.deepEqual(r.fake.received('clean up').map((c) => c.host).sort(), ['h1', 'h2']);
  assert.deepEqual(r.fake.received('next step').map((c) => c.host), ['h2']);
});

test('a block without rescue: always runs on the failed host, which then stays failed', async () => {
  const fake = new FakeTransport().fail('risky step', 'boom', { host: 'h2' });
  const play = BLOCK.replace(/ {6}rescue:\n(?: {8}.*\n)+/, '');
  const r = await runFakePlay({ fake, files: { 'inventory.yaml': TWO, 'site.yaml': play } });
  assert.equal(r.fake.received('recover now').length, 0);
  assert.deepEqual(r.fake.received('clean up').map((c) => c.host).sort(), ['h1', 'h2']);
  assert.deepEqual(r.summary.failed, ['h2']);
  assert.deepEqual(r.fake.received('next step').map((c) => c.host), ['h1']);
});

// In Ansible a failure that a rescue (or an always) will handle does not make the play fatal (PlayIterator.is_failed).
test('any_errors_fatal with a rescued block failure: the other hosts still run the rest of the block', async () => {
  const fake = new FakeTransport().fail('risky step', 'boom', { host: 'h1' });
  const r = await runFakePlay({ fake, files: { 'inventory.yaml': TWO, 'site.yaml': BLOCK.replace('  gather_facts: false\n', '  gather_facts: false\n  any_errors_fatal: true\n') } });
  assert.deepEqual(r.fake.received('after risky').map((c) => c.host), ['h2']);
});

// ---- handlers --------------------------------------------------------------------------------------------------------

const HANDLERS = `- hosts: all
  gather_facts: false
  tasks:
    - name: change one
      command: change one
      notify: restart app
    - name: change two
      command: change two
      notify: [restart app, topic reload]
    - name: unchanged
      command: look only
      changed_when: false
      notify: never notified
    - name: last task
      command: last task
  handlers:
    - name: restart app
      command: restart app now
    - name: reload listener
      command: reload now
      listen: topic reload
    - name: never notified
      command: should not run
`;

test('handlers: notified twice, run once per host, at the end of the play (after the last task)', async () => {
  const r = await runFakePlay({ files: { 'inventory.yaml': TWO, 'site.yaml': HANDLERS } });
  assert.deepEqual(r.fake.received('restart app now').map((c) => c.host).sort(), ['h1', 'h2']);
  const order = r.tasksStarted();
  assert.ok(order.indexOf('restart app') > order.indexOf('last task'), order.join(', '));
  for (const h of ['h1', 'h2']) {
    const scripts = r.fake.calls(h).map((c) => c.command);
    assert.deepEqual(scripts, ['change one', 'change two', 'look only', 'last task', 'restart app now', 'reload now'], h);
  }
});

test('listen: a handler runs when a task notifies its topic', async () => {
  const r = await runFakePlay({ files: { 'inventory.yaml': TWO, 'site.yaml': HANDLERS } });
  assert.equal(r.fake.received('reload now').length, 2);
  assert.equal(r.results('reload listener').length, 2);
});

test('a task that did not change notifies nothing', async () => {
  const r = await runFakePlay({ files: { 'inventory.yaml': TWO, 'site.yaml': HANDLERS } });
  assert.equal(r.fake.received('should not run').length, 0);
  assert.ok(!r.tasksStarted().includes('never notified'));
});

test('handlers run only on the hosts where the notifying task changed something', async () => {
  const play = HANDLERS.replace('      command: change one\n', '      command: change one\n      changed_when: inventory_hostname == "h2"\n').replace('notify: [restart app, topic reload]', 'notify: topic reload');
  const r = await runFakePlay({ files: { 'inventory.yaml': TWO, 'site.yaml': play } });
  assert.deepEqual(r.fake.received('restart app now').map((c) => c.host), ['h2']);
});

test('meta: flush_handlers runs notified handlers at that point, and they do not run again at the end', async () => {
  const play = HANDLERS.replace('    - name: last task\n', '    - meta: flush_handlers\n    - name: last task\n');
  const r = await runFakePlay({ files: { 'inventory.yaml': TWO, 'site.yaml': play } });
  const scripts = r.fake.calls('h1').map((c) => c.command);
  assert.deepEqual(scripts, ['change one', 'change two', 'look only', 'restart app now', 'reload now', 'last task']);
});

test('a failed host does not run its handlers; the others do', async () => {
  const fake = new FakeTransport().fail('last task', 'boom', { host: 'h1' });
  const r = await runFakePlay({ fake, files: { 'inventory.yaml': TWO, 'site.yaml': HANDLERS } });
  assert.deepEqual(r.fake.received('restart app now').map((c) => c.host), ['h2']);
});

// ---- serial and run_once ---------------------------------------------------------------------------------------------

function play(keywords: string): string {
  return `- hosts: all
  gather_facts: false
${keywords}  tasks:
    - name: one
      command: task one
    - name: two
      command: task two
`;
}

const taskStarts = (events: RunEvent[]) => events.flatMap((e) => (e.type === 'task_start' ? [`${e.task.name}:${e.hosts.join(',')}`] : []));

test('serial: 1 runs the whole play on one host before the next', async () => {
  const r = await runFakePlay({ files: { 'inventory.yaml': THREE, 'site.yaml': play('  serial: 1\n') } });
  assert.deepEqual(taskStarts(r.events), ['one:h1', 'two:h1', 'one:h2', 'two:h2', 'one:h3', 'two:h3']);
});

test('serial: a list of sizes, the last repeating ([1, 2] → h1, then h2+h3)', async () => {
  const r = await runFakePlay({ files: { 'inventory.yaml': THREE, 'site.yaml': play('  serial: [1, 2]\n') } });
  assert.deepEqual(taskStarts(r.events), ['one:h1', 'two:h1', 'one:h2,h3', 'two:h2,h3']);
});

test('serial: a percentage of the hosts ("67%" of 3 → batches of 2, then 1)', async () => {
  const r = await runFakePlay({ files: { 'inventory.yaml': THREE, 'site.yaml': play('  serial: "67%"\n') } });
  assert.deepEqual(taskStarts(r.events), ['one:h1,h2', 'two:h1,h2', 'one:h3', 'two:h3']);
});

test('serial: a host failing in one batch does not stop the next batch while others of its batch went on', async () => {
  const fake = new FakeTransport().fail('task one', 'boom', { host: 'h1' });
  const r = await runFakePlay({ fake, files: { 'inventory.yaml': THREE, 'site.yaml': play('  serial: 2\n') } });
  assert.deepEqual(r.fake.received('task two').map((c) => c.host), ['h2', 'h3']);
  assert.deepEqual(r.summary.failed, ['h1']);
});

// Ansible's PlaybookExecutor ends the playbook when a batch exceeds max_fail_percentage or any_errors_fatal fires, and
// when every host of a batch failed: the later batches (and plays) never start.
test('serial with max_fail_percentage: 0 — a failure in the first batch stops the batches after it (as in Ansible)', async () => {
  const fake = new FakeTransport().fail('task one', 'boom', { host: 'h1' });
  const r = await runFakePlay({ fake, files: { 'inventory.yaml': THREE, 'site.yaml': play('  serial: 1\n  max_fail_percentage: 0\n') } });
  assert.deepEqual(r.fake.received('task one').map((c) => c.host), ['h1']);
});

test('serial with any_errors_fatal — a failure in the first batch stops the batches after it (as in Ansible)', async () => {
  const fake = new FakeTransport().fail('task one', 'boom', { host: 'h1' });
  const r = await runFakePlay({ fake, files: { 'inventory.yaml': THREE, 'site.yaml': play('  serial: 1\n  any_errors_fatal: true\n') } });
  assert.deepEqual(r.fake.received('task one').map((c) => c.host), ['h1']);
});

test('serial: when every host of a batch fails, the later batches do not start (as in Ansible)', async () => {
  const fake = new FakeTransport().fail('task one', 'boom', { host: ['h1', 'h2'] });
  const r = await runFakePlay({ fake, files: { 'inventory.yaml': THREE, 'site.yaml': play('  serial: 2\n') } });
  assert.deepEqual(r.fake.received('task one').map((c) => c.host), ['h1', 'h2']);
});

test('serial: meta end_batch ends only the current batch', async () => {
  const text = play('  serial: 1\n').replace('    - name: two\n', '    - meta: end_batch\n    - name: two\n');
  const r = await runFakePlay({ files: { 'inventory.yaml': THREE, 'site.yaml': text } });
  assert.deepEqual(r.fake.received('task one').map((c) => c.host), ['h1', 'h2', 'h3']);
  assert.equal(r.fake.received('task two').length, 0);
});

// Since Ansible 2.12, end_play ends the whole play under serial (end_batch is the old per-batch behaviour).
test('serial: meta end_play ends the whole play, not just the batch (as in Ansible 2.12+)', async () => {
  const text = play('  serial: 1\n').replace('    - name: two\n', '    - meta: end_play\n    - name: two\n');
  const r = await runFakePlay({ files: { 'inventory.yaml': THREE, 'site.yaml': text } });
  assert.deepEqual(r.fake.received('task one').map((c) => c.host), ['h1']);
});

test('run_once: the task runs on the first host only, and its registered result is seen by every host', async () => {
  const text = `- hosts: all
  gather_facts: false
  tasks:
    - name: once
      command: make token
      run_once: true
      register: token
    - name: show
      debug: { msg: "{{ token.stdout }}" }
`;
  const fake = new FakeTransport().on('make token', (c) => ({ stdout: `token-from-${c.host}\n` }));
  const r = await runFakePlay({ fake, files: { 'inventory.yaml': THREE, 'site.yaml': text } });
  assert.deepEqual(r.fake.received('make token').map((c) => c.host), ['h1']);
  assert.deepEqual(r.results('show').map((x) => `${x.host}=${x.message}`).sort(), ['h1=token-from-h1', 'h2=token-from-h1', 'h3=token-from-h1']);
});

// ---- failures: isolation, ignore_errors, any_errors_fatal, max_fail_percentage ---------------------------------------

/** A play whose first task fails on h2 (the fake says so), then a second task; `keywords` are play keywords. */
function twoTasks(keywords = ''): string {
  return `- hosts: all
  gather_facts: false
${keywords}  tasks:
    - name: first
      command: step one
    - name: second
      command: step two
`;
}

const failOnH2 = () => new FakeTransport().fail('step one', 'disk full', { host: 'h2' });

test('one host failing stops that host only: the others run the rest of the play', async () => {
  const r = await runFakePlay({ fake: failOnH2(), files: { 'inventory.yaml': THREE, 'site.yaml': twoTasks() } });
  assert.deepEqual(r.summary.failed, ['h2']);
  assert.equal(r.status('first', 'h2'), 'failed');
  assert.match(r.results('first').find((x) => x.host === 'h2')!.message ?? '', /non-zero return code/);
  assert.deepEqual(r.fake.received('step two').map((c) => c.host).sort(), ['h1', 'h3']);
  assert.equal(r.summary.hosts.get('h1')!.counts.changed, 2);
  assert.equal(r.summary.hosts.get('h2')!.counts.failed, 1);
});

test('an unreachable host is reported unreachable, not failed, and the others finish', async () => {
  const fake = new FakeTransport().unreachable('h3');
  const r = await runFakePlay({ fake, files: { 'inventory.yaml': THREE, 'site.yaml': twoTasks() } });
  assert.deepEqual(r.summary.unreachable, ['h3']);
  assert.deepEqual(r.summary.failed, []);
  assert.equal(r.status('first', 'h3'), 'unreachable');
  assert.equal(r.status('second', 'h3'), undefined, 'nothing more is tried on it');
  assert.deepEqual(r.fake.received('step two').map((c) => c.host).sort(), ['h1', 'h2']);
});

test('unreachable during facts: the host drops out before the first task', async () => {
  const fake = new FakeTransport().unreachable('h2');
  const r = await runFakePlay({ fake, files: { 'inventory.yaml': THREE, 'site.yaml': twoTasks().replace('gather_facts: false', 'gather_facts: true') } });
  assert.equal(r.status('Gathering Facts', 'h2'), 'unreachable');
  assert.deepEqual(r.fake.received('step one').map((c) => c.host).sort(), ['h1', 'h3']);
});

test('a connection lost during a task makes the host unreachable (not failed), and the others finish', async () => {
  const fake = new FakeTransport().on(
    'step one',
    (c) => {
      throw new ConnectError(c.host, 'ssh', 'connection lost');
    },
    { host: 'h1' },
  );
  const r = await runFakePlay({ fake, files: { 'inventory.yaml': THREE, 'site.yaml': twoTasks() } });
  assert.equal(r.status('first', 'h1'), 'unreachable');
  assert.deepEqual(r.summary.unreachable, ['h1']);
  assert.deepEqual(r.summary.failed, []);
  assert.deepEqual(r.fake.received('step two').map((c) => c.host).sort(), ['h2', 'h3']);
});

test('ignore_errors: the failure is counted as ignored and the host goes on', async () => {
  const play = twoTasks().replace('      command: step one\n', '      command: step one\n      ignore_errors: true\n');
  const r = await runFakePlay({ fake: failOnH2(), files: { 'inventory.yaml': THREE, 'site.yaml': play } });
  assert.deepEqual(r.summary.failed, []);
  assert.equal(r.status('first', 'h2'), 'failed');
  assert.equal(r.results('first').find((x) => x.host === 'h2')!.ignored, true);
  assert.equal(r.summary.hosts.get('h2')!.counts.ignored, 1);
  assert.equal(r.summary.hosts.get('h2')!.counts.failed, 0);
  assert.equal(r.fake.received('step two').length, 3);
});

test('any_errors_fatal: true stops the play for every host when one fails', async () => {
  const r = await runFakePlay({ fake: failOnH2(), files: { 'inventory.yaml': THREE, 'site.yaml': twoTasks('  any_errors_fatal: true\n') } });
  assert.deepEqual(r.summary.failed, ['h2']);
  assert.equal(r.fake.received('step two').length, 0);
});

// Checked with ansible-core 2.14: a tripped limit, or a play (batch) where every host failed, ends the playbook;
// end_play ends only its play.
const SECOND_PLAY = `- hosts: all
  gather_facts: false
  tasks:
    - name: later play
      command: later play
`;

test('any_errors_fatal and a play where every host failed end the playbook: the next play does not start', async () => {
  const fatal = await runFakePlay({ fake: failOnH2(), files: { 'inventory.yaml': THREE, 'site.yaml': twoTasks('  any_errors_fatal: true\n') + SECOND_PLAY } });
  assert.equal(fatal.fake.received('later play').length, 0);
  const everyHost = await runFakePlay({ fake: new FakeTransport().fail('step one'), files: { 'inventory.yaml': THREE, 'site.yaml': twoTasks() + SECOND_PLAY } });
  assert.equal(everyHost.fake.received('later play').length, 0);
  const oneHost = await runFakePlay({ fake: failOnH2(), files: { 'inventory.yaml': THREE, 'site.yaml': twoTasks() + SECOND_PLAY } });
  assert.deepEqual(oneHost.fake.received('later play').map((c) => c.host).sort(), ['h1', 'h3']);
});

test('meta end_play ends its play only: the next play runs', async () => {
  const first = twoTasks().replace('    - name: second\n', '    - meta: end_play\n    - name: second\n');
  const r = await runFakePlay({ files: { 'inventory.yaml': THREE, 'site.yaml': first + SECOND_PLAY } });
  assert.equal(r.fake.received('step two').length, 0);
  assert.equal(r.fake.received('later play').length, 3);
});

// Ansible 2.14 checks any_errors_fatal at the failed task, and a failure an always section is still to handle is not
// final there, so a failing rescue ends the play only in a block without always.
test('any_errors_fatal: a failing rescue is fatal in a block without always, not in one with it', async () => {
  const fake = () => new FakeTransport().fail('risky step', 'boom', { host: 'h1' }).fail('recover now', 'still broken', { host: 'h1' });
  const fatal = BLOCK.replace('  gather_facts: false\n', '  gather_facts: false\n  any_errors_fatal: true\n');
  const noAlways = await runFakePlay({ fake: fake(), files: { 'inventory.yaml': TWO, 'site.yaml': fatal.replace(/ {6}always:\n(?: {8}.*\n)+/, '') } });
  assert.deepEqual(noAlways.fake.received('after risky').map((c) => c.host), ['h2']);
  assert.equal(noAlways.fake.received('next step').length, 0);
  const withAlways = await runFakePlay({ fake: fake(), files: { 'inventory.yaml': TWO, 'site.yaml': fatal } });
  assert.deepEqual(withAlways.fake.received('next step').map((c) => c.host), ['h2']);
});

test('max_fail_percentage: one of three failed (33%) stops the play above 20 and not at 50', async () => {
  const over = await runFakePlay({ fake: failOnH2(), files: { 'inventory.yaml': THREE, 'site.yaml': twoTasks('  max_fail_percentage: 20\n') } });
  assert.equal(over.fake.received('step two').length, 0);
  const under = await runFakePlay({ fake: failOnH2(), files: { 'inventory.yaml': THREE, 'site.yaml': twoTasks('  max_fail_percentage: 50\n') } });
  assert.deepEqual(under.fake.received('step two').map((c) => c.host).sort(), ['h1', 'h3']);
});

// The loader accepts a template for both keywords; the engine must render it (with the play's variables) before
// reading it, as Ansible does. Rendered as-is, "{{ strict }}" is neither true nor "true", and Number("{{ pct }}")
// is NaN, so a failed host never stopped the play.
test('any_errors_fatal as a template is rendered with play vars and read as a boolean (true, "yes", "on", 1)', async () => {
  for (const strict of ['true', '"yes"', '"on"', '1']) {
    const play = twoTasks(`  vars:\n    strict: ${strict}\n  any_errors_fatal: "{{ strict }}"\n`);
    const r = await runFakePlay({ fake: failOnH2(), files: { 'inventory.yaml': THREE, 'site.yaml': play } });
    assert.equal(r.fake.received('step two').length, 0, `strict: ${strict} stops the play`);
  }
  for (const strict of ['false', '"no"', '0']) {
    const play = twoTasks(`  vars:\n    strict: ${strict}\n  any_errors_fatal: "{{ strict }}"\n`);
    const r = await runFakePlay({ fake: failOnH2(), files: { 'inventory.yaml': THREE, 'site.yaml': play } });
    assert.equal(r.fake.received('step two').length, 2, `strict: ${strict} lets the others go on`);
  }
});

test('any_errors_fatal as a template sees extra vars', async () => {
  const play = twoTasks('  vars:\n    strict: false\n  any_errors_fatal: "{{ strict }}"\n');
  const r = await runFakePlay({ fake: failOnH2(), extraVars: { strict: 'true' }, files: { 'inventory.yaml': THREE, 'site.yaml': play } });
  assert.equal(r.fake.received('step two').length, 0);
});

test('max_fail_percentage as a template is rendered and read as a number', async () => {
  const over = await runFakePlay({ fake: failOnH2(), files: { 'inventory.yaml': THREE, 'site.yaml': twoTasks('  vars:\n    pct: 20\n  max_fail_percentage: "{{ pct }}"\n') } });
  assert.equal(over.fake.received('step two').length, 0, '33% failed > 20%');
  const under = await runFakePlay({ fake: failOnH2(), files: { 'inventory.yaml': THREE, 'site.yaml': twoTasks('  vars:\n    pct: 50\n  max_fail_percentage: "{{ pct }}"\n') } });
  assert.equal(under.fake.received('step two').length, 2, '33% failed <= 50%');
});

// ---- tags: --tags / --skip-tags (always, never) as `tsinfra play` applies them (playbook/tag-filter.ts) --------------

const TAGGED = {
  'inventory.yaml': inventoryOf('h1'),
  'site.yaml': `
- hosts: all
  gather_facts: false
  tasks:
    - name: web task
      command: run web
      tags: [web]
    - name: db task
      command: run db
      tags: db
    - name: untagged task
      command: run untagged
    - name: always task
      command: run always
      tags: [always]
    - name: never task
      command: run never
      tags: [never, debug]
    - block:
        - name: in web block
          command: run block
      tags: web
`,
};

async function ran(o: { tags?: string[]; skipTags?: string[] }): Promise<string[]> {
  const r = await runFakePlay({ files: TAGGED, ...o });
  return r.fake.calls('h1').map((c) => c.command!.replace(/^run /, ''));
}

test('--tags all: every task but the `never` ones', async () => {
  assert.deepEqual(await ran({ tags: ['all'] }), ['web', 'db', 'untagged', 'always', 'block']);
});

// The default selection is `all`, which excludes never: play-command.ts (and this harness, which does as it does)
// filters the plan even without --tags or --skip-tags.
test('no tags given: every task but the `never` ones (as in Ansible)', async () => {
  assert.deepEqual(await ran({}), ['web', 'db', 'untagged', 'always', 'block']);
});

test('--tags web: the web tasks (a block passes its tags down) and `always` ones', async () => {
  assert.deepEqual(await ran({ tags: ['web'] }), ['web', 'always', 'block']);
});

test('--tags accepts comma-separated lists', async () => {
  assert.deepEqual(await ran({ tags: ['db,untagged'] }), ['db', 'untagged', 'always']);
});

test('--skip-tags web: everything else but `never` tasks', async () => {
  assert.deepEqual(await ran({ skipTags: ['web'] }), ['db', 'untagged', 'always']);
});

test('a `never` task runs only when one of its other tags is asked for', async () => {
  assert.deepEqual(await ran({ tags: ['debug'] }), ['always', 'never']);
});

test('--skip-tags always skips even `always` tasks', async () => {
  assert.deepEqual(await ran({ tags: ['db'], skipTags: ['always'] }), ['db']);
});

// As measured with ansible-playbook 2.14 on three local hosts: end_play's `when` is decided by the first host (h2
// here: false, so the play goes on); end_host ends h3's play only; clear_host_errors does not bring h1 back into its
// play, but into the next one, and off the failed list (exit 0), while its recap keeps failed=1. meta is not counted.
test('meta end_play, end_host and clear_host_errors as Ansible runs them', async () => {
  const text = `- hosts: all
  gather_facts: false
  tasks:
    - name: one
      command: step one
    - meta: end_play
      when: inventory_hostname == 'h3'
    - meta: end_host
      when: inventory_hostname == 'h3'
    - meta: clear_host_errors
    - name: after
      command: after clear
- hosts: all
  gather_facts: false
  tasks:
    - name: later
      command: later play
`;
  const r = await runFakePlay({ fake: new FakeTransport().fail('step one', 'boom', { host: 'h1' }), files: { 'inventory.yaml': THREE, 'site.yaml': text } });
  assert.deepEqual(r.fake.received('after clear').map((c) => c.host), ['h2']);
  assert.deepEqual(r.fake.received('later play').map((c) => c.host).sort(), ['h1', 'h2', 'h3']);
  assert.deepEqual(r.summary.failed, []);
  const counts = (h: string) => { const c = r.summary.hosts.get(h)!.counts; return [c.ok, c.failed, c.skipped]; };
  assert.deepEqual([counts('h1'), counts('h2'), counts('h3')], [[1, 1, 0], [3, 0, 0], [2, 0, 0]]);
});

test('meta end_batch, clear_host_errors: nothing happens where the first host says no; flush_handlers per host', async () => {
  const text = `- hosts: all
  gather_facts: false
  tasks:
    - name: one
      command: step one
      notify: restart
    - meta: end_batch
      when: inventory_hostname != 'h1'
    - meta: flush_handlers
      when: inventory_hostname == 'h2'
    - name: two
      command: step two
  handlers:
    - name: restart
      command: do restart
`;
  const r = await runFakePlay({ files: { 'inventory.yaml': THREE, 'site.yaml': text } });
  assert.deepEqual(r.fake.received('step two').map((c) => c.host).sort(), ['h1', 'h2', 'h3']);
  const restarts = r.fake.received('do restart').map((c) => c.host);
  assert.deepEqual(restarts.sort(), ['h1', 'h2', 'h3']);
  // h2's handler ran at the flush, before its step two; the others' at the end of the play
  const order = r.fake.calls().map((c) => `${c.host}:${(c.command ?? c.script).includes('do restart') ? 'restart' : (c.command ?? c.script).includes('step two') ? 'two' : 'other'}`);
  assert.ok(order.indexOf('h2:restart') < order.indexOf('h2:two'));
  assert.ok(order.indexOf('h1:restart') > order.indexOf('h1:two'));
});
