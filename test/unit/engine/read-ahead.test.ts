// Reading ahead (src/engine/read-ahead/): the round trips per host the lab tests measure
// (test/integration/play/read-ahead.test.ts), here counted on the fake transport, and what a task sees after a change.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { FakeTransport } from '../../../src/transport/fake.js';
import { fakeFile, inventoryOf, runFakePlay } from '../../support/fake-play.js';

const HOSTS = ['master1', 'master2'];

// The lab test's EDITS playbook without its copy task, and the shell made harmless: its "no-change run".
const NO_CHANGE = `- hosts: all
  gather_facts: false
  tasks:
    - lineinfile: { path: /var/tmp/ra, line: b }
    - shell: echo unchanged
      changed_when: false
    - lineinfile: { path: /var/tmp/ra, line: c }
    - lineinfile: { path: /var/tmp/ra, line: d }
    - lineinfile: { path: /var/tmp/ra, line: e }
`;

test('a no-change run reads ahead: 5 tasks in 3 round trips per host (a command stops reading ahead)', async () => {
  const fake = new FakeTransport().on('echo unchanged', { stdout: 'unchanged\n' });
  fakeFile(fake, '/var/tmp/ra', 'a\nb\nc\nd\ne\n');
  const r = await runFakePlay({ fake, files: { 'inventory.yaml': inventoryOf(...HOSTS), 'site.yaml': NO_CHANGE } });
  for (const h of HOSTS) {
    assert.equal(r.summary.hosts.get(h)!.counts.changed, 0, h);
    assert.equal(r.summary.hosts.get(h)!.counts.ok, 5, h);
    // lineinfile b alone (reading ahead stops at the shell), the shell, then lineinfile c, d and e in one.
    assert.equal(fake.roundTrips(h).length, 3, h);
    assert.equal(fake.calls(h)[1]!.command, 'echo unchanged');
  }
  assert.deepEqual(fake.unmatched, []);
});

test('a read-only check (changed_when: false and check_mode: false) does not stop reading ahead', async () => {
  const fake = new FakeTransport();
  fakeFile(fake, '/var/tmp/ra', 'a\nb\nc\nd\ne\n');
  const play = NO_CHANGE.replace('      changed_when: false\n', '      changed_when: false\n      check_mode: false\n');
  await runFakePlay({ fake, files: { 'inventory.yaml': inventoryOf('master1'), 'site.yaml': play } });
  assert.equal(fake.roundTrips('master1').length, 1, 'the first probe carried the check and the later probes');
  assert.equal(fake.calls('master1').length, 2, 'one probe of the file (the same script for every lineinfile) and the check');
});

test('facts carry the first tasks\' probes: facts and three file tasks in one round trip', async () => {
  const fake = new FakeTransport();
  for (const f of ['/etc/a', '/etc/b', '/etc/c']) fakeFile(fake, f, 'x\n');
  const play = `- hosts: all
  tasks:
    - lineinfile: { path: /etc/a, line: x }
    - lineinfile: { path: /etc/b, line: x }
    - lineinfile: { path: /etc/c, line: x }
`;
  const r = await runFakePlay({ fake, files: { 'inventory.yaml': inventoryOf('h1'), 'site.yaml': play } });
  assert.equal(r.summary.hosts.get('h1')!.counts.ok, 4);
  assert.equal(fake.roundTrips('h1').length, 1);
  assert.equal(fake.calls('h1').length, 4);
});

test('a change clears what was read ahead: the next task probes again and sees the change', async () => {
  const fake = new FakeTransport();
  const files = fakeFile(fake, '/var/tmp/ra', 'a\n');
  const play = `- hosts: all
  gather_facts: false
  tasks:
    - name: add b
      lineinfile: { path: /var/tmp/ra, line: b }
    - name: add b again
      lineinfile: { path: /var/tmp/ra, line: b }
    - name: add c
      lineinfile: { path: /var/tmp/ra, line: c }
`;
  const r = await runFakePlay({ fake, files: { 'inventory.yaml': inventoryOf('h1'), 'site.yaml': play } });
  assert.equal(r.status('add b', 'h1'), 'changed');
  assert.equal(r.status('add b again', 'h1'), 'ok', 'the probe after the write saw b');
  assert.equal(r.status('add c', 'h1'), 'changed');
  assert.equal(files.get('h1'), 'a\nb\nc\n');
  // probe, write b, probe (kept for "add b again" and "add c"), write c.
  assert.deepEqual(fake.roundTrips('h1').map((t) => (t.text.includes('tsi_dest=') ? 'write' : 'probe')), ['probe', 'write', 'probe', 'write']);
});

test('a command between two probes is never skipped over: the probe after it runs again', async () => {
  const fake = new FakeTransport();
  const files = fakeFile(fake, '/var/tmp/ra', 'a\n');
  // The command appends "b" behind the engine's back, as the lab's `echo c >> /var/tmp/ra` does.
  fake.on('append b', (c) => {
    files.set(c.host, `${files.get(c.host) ?? 'a\n'}b\n`);
    return {};
  });
  const play = `- hosts: all
  gather_facts: false
  tasks:
    - name: read first
      lineinfile: { path: /var/tmp/ra, line: a }
    - name: append
      command: append b
      changed_when: false
    - name: add b
      lineinfile: { path: /var/tmp/ra, line: b }
`;
  const r = await runFakePlay({ fake, files: { 'inventory.yaml': inventoryOf('h1'), 'site.yaml': play } });
  assert.equal(r.status('add b', 'h1'), 'ok', 'b was there when "add b" looked');
  assert.equal(files.get('h1'), 'a\nb\n');
  assert.equal(fake.roundTrips('h1').length, 3);
});
