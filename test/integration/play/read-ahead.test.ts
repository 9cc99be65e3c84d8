// Reading ahead (src/engine/read-ahead/): the probes of following tasks run in one exec with the current one,
// and a later task takes its result only while nothing may have changed the host. Checked on real hosts: what a
// task sees is what is there now, and a no-change run costs fewer round trips than it has tasks.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostExec, ok, startLab } from '../../support/lab.js';
import { jsonLines, tsinfra } from '../../support/cli.js';

const lab = await startLab({ kind: 'namespace', hosts: 2 });
const HOSTS = ['master1', 'master2'];
const work = mkdtempSync(join(tmpdir(), 'tsinfra-read-ahead-'));
after(() => rmSync(work, { recursive: true, force: true }));

function playbook(name: string, text: string): string {
  const file = join(work, name);
  writeFileSync(file, text);
  return file;
}

const recapOf = (stdout: string) => jsonLines(stdout).find((e) => e.type === 'recap') as { hosts: Record<string, Record<string, number>>; roundTrips: number };

const EDITS = playbook(
  'edits.yaml',
  `- hosts: all
  gather_facts: false
  tasks:
    - copy: { dest: /var/tmp/ra, content: "a\\n" }
    - lineinfile: { path: /var/tmp/ra, line: b }
    - shell: echo c >> /var/tmp/ra
      changed_when: false
    - lineinfile: { path: /var/tmp/ra, line: c }
    - lineinfile: { path: /var/tmp/ra, line: d }
    - lineinfile: { path: /var/tmp/ra, line: e }
`,
);

test('each task sees the host as it is now: changes made by modules and by commands in between are never hidden', async () => {
  const r = await tsinfra(['play', EDITS, '-i', lab.inventoryPath, '--json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  for (const h of HOSTS) {
    // A probe read before the shell ran would not have seen "c", and would have added it a second time.
    assert.equal(ok(await hostExec(lab, h, 'cat /var/tmp/ra')), 'a\nb\nc\nd\ne\n', h);
    assert.deepEqual(recapOf(r.stdout).hosts[h]!.changed, 4, 'copy, b, d and e changed; c was already there');
  }
});

test('a no-change run reads ahead: 5 tasks in 3 round trips per host (a command stops reading ahead)', async () => {
  ok(await hostExec(lab, 'master1', "printf 'a\\nb\\nc\\nd\\ne\\n' > /var/tmp/ra"));
  ok(await hostExec(lab, 'master2', "printf 'a\\nb\\nc\\nd\\ne\\n' > /var/tmp/ra"));
  const NO_CHANGE = playbook('no-change.yaml', readFileSync(EDITS, 'utf8').replace('echo c >> /var/tmp/ra', 'echo unchanged').replace(/ *- copy:.*\n/, ''));
  const r = await tsinfra(['play', NO_CHANGE, '-i', lab.inventoryPath, '--json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const recap = recapOf(r.stdout);
  for (const h of HOSTS) assert.equal(recap.hosts[h]!.changed, 0, h);
  // lineinfile b alone (reading ahead stops at the shell), the shell, then lineinfile c, d and e in one.
  assert.equal(recap.roundTrips, 3 * HOSTS.length);
});

test('until looks again at each attempt, even when the result was read ahead', async () => {
  ok(await hostExec(lab, 'master1', 'rm -f /var/tmp/until'));
  const UNTIL = playbook(
    'until.yaml',
    `- hosts: master1
  gather_facts: false
  tasks:
    - shell: (sleep 2; echo x > /var/tmp/until) >/dev/null 2>&1 &
    - name: reads another file, and ahead for the next task
      lineinfile: { path: /var/tmp/until-other, line: x, create: true }
      check_mode: true
    - name: waits for another process to write the line
      lineinfile: { path: /var/tmp/until, line: x, create: true }
      check_mode: true
      register: r
      until: not r.changed
      retries: 8
      delay: 1
`,
  );
  const r = await tsinfra(['play', UNTIL, '-i', lab.inventoryPath, '--json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const results = jsonLines(r.stdout).filter((e) => e.type === 'host_result').map((e) => e.result as { status: string });
  assert.equal(results.at(-1)!.status, 'ok', 'the last attempt saw the line the other process wrote');
  assert.equal(results.at(-2)!.status, 'changed', 'the line was not there when first read');
});
