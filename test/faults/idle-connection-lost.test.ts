// Fault: the host's sshd restarts between two tasks (the play restarts it, as a hardening role's handler does), so
// the connection tsinfra keeps for the host is closed while idle. The next task runs on a new connection instead of
// failing as unreachable, and runs once.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startLab } from '../support/lab.js';
import { faultWork, fileOn, labInventory, recapOf, startTsinfra } from '../support/faults.js';
import { SshConnection } from '../../src/transport/ssh/client.js';

// The pool learns that an idle connection closed from Connection.isOpen. SshConnection (client.ts, owned by the
// transport work) does not have it yet: until it does, the SSH path cannot notice and this test is skipped.
const skip = 'isOpen' in SshConnection.prototype ? false : 'SshConnection has no isOpen getter yet (src/transport/ssh/client.ts)';

const lab = await startLab({ kind: 'namespace', hosts: 1, label: 'h7-idle-lost' });
const host = lab.hosts[0]!.name;
const work = faultWork('idle-connection-lost');
const inventory = work.file('inventory.yaml', labInventory(lab));
// A second after the task, every sshd process goes (the listener and our session), then a new listener starts.
const restart =
  '(sleep 1; for p in $(pidof sshd sshd-session); do kill $p; done; sleep 0.5; /usr/sbin/sshd && touch /var/tmp/sshd-restarted) </dev/null >/dev/null 2>&1 &';
const playbook = work.file(
  'idle-connection-lost.yaml',
  `- hosts: all
  gather_facts: false
  tasks:
    - name: open the connection
      command: cat /etc/hostname
    - name: restart sshd a second from now
      shell: ${JSON.stringify(restart)}
    - name: wait on the controller while the connection is idle
      command: sleep 3
      delegate_to: localhost
    - name: after the restart
      shell: echo ran >> /var/tmp/after-restart
`,
);

test('sshd restarted between tasks: the next task reconnects and runs once', { skip }, async () => {
  const r = await startTsinfra(work, ['play', playbook, '-i', inventory, '--json']).done;
  assert.equal(await fileOn(lab, host, '/var/tmp/sshd-restarted'), '', 'sshd was restarted, our session with it');
  assert.equal(r.code, 0, r.stdout.slice(-2000) + r.stderr);
  assert.deepEqual(recapOf(r).hosts[host], { ok: 4, changed: 4, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 });
  assert.equal(await fileOn(lab, host, '/var/tmp/after-restart'), 'ran\n', 'the last task ran once');
});
