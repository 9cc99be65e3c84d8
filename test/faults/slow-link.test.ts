// A slow link (the lab's latency relay, 100 ms each way): a play with file changes and a handler completes with
// the right results on every host, checked independently; a second run changes nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostExec, ok, startLab } from '../support/lab.js';
import { jsonLines, tsinfra } from '../support/cli.js';
import { faultWork } from '../support/faults.js';

const lab = await startLab({ hosts: 2, latencyMs: 100 });
const work = faultWork('slow-link');
const playbook = work.file(
  'slow.yaml',
  `- hosts: all
  tasks:
    - name: a file
      copy:
        dest: /etc/slow-link.conf
        content: "host={{ inventory_hostname }}\\n"
      notify: mark
    - name: a line in another file
      lineinfile:
        path: /etc/slow-link.lines
        create: true
        line: "latency=100ms"
  handlers:
    - name: mark
      shell: echo handled >> /var/tmp/slow-link-handler
`,
);

function recap(stdout: string): Record<string, Record<string, number>> {
  return jsonLines(stdout).find((e) => e.type === 'recap')!.hosts as Record<string, Record<string, number>>;
}

test('a play over a 200 ms round-trip link completes with correct results, then changes nothing', async () => {
  const first = await tsinfra(['play', playbook, '-i', lab.inventoryPath, '--json'], { env: { HOME: work.home } });
  assert.equal(first.code, 0, first.stdout.slice(-2000) + first.stderr);
  for (const h of lab.hosts) {
    assert.equal(ok(await hostExec(lab, h.name, 'cat /etc/slow-link.conf')), `host=${h.name}\n`);
    assert.equal(ok(await hostExec(lab, h.name, 'cat /etc/slow-link.lines')), 'latency=100ms\n');
    assert.equal(ok(await hostExec(lab, h.name, 'cat /var/tmp/slow-link-handler')), 'handled\n');
  }
  const second = await tsinfra(['play', playbook, '-i', lab.inventoryPath, '--json'], { env: { HOME: work.home } });
  assert.equal(second.code, 0, second.stdout.slice(-2000));
  for (const c of Object.values(recap(second.stdout))) assert.equal(c.changed, 0);
});
