// Systemd hosts: real systemd as PID 1 and journald, reached over real OpenSSH. The first run on a machine builds
// the cached rootfs with debootstrap (about a minute).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostExec, hostSsh, ok, startLab } from '../support/lab.js';

const lab = await startLab({ kind: 'systemd' });

test('every host boots systemd to running and answers with its own hostname', { timeout: 60_000 }, async () => {
  assert.deepEqual(lab.hosts.map((h) => h.name), ['master1', 'master2', 'master3', 'worker1', 'worker2']);
  await Promise.all(
    lab.hosts.map(async (h) => {
      const out = ok(await hostSsh(lab, h.name, 'hostname; systemctl is-system-running --wait || true'), h.name);
      const [hostname, state] = out.trim().split('\n');
      assert.equal(hostname, h.name);
      assert.match(state ?? '', /^(running|degraded)$/, `${h.name} is ${state}`);
    }),
  );
});

test('PID 1 is systemd, journald runs, and each host has its own machine-id', async () => {
  const ids = new Set<string>();
  for (const h of lab.hosts) {
    const out = ok(await hostSsh(lab, h.name, 'cat /proc/1/comm; systemctl is-active systemd-journald; journalctl -b --no-pager -n 1 -q >/dev/null && echo journal-ok; cat /etc/machine-id'));
    const [comm, journald, journal, machineId] = out.trim().split('\n');
    assert.equal(comm, 'systemd');
    assert.equal(journald, 'active');
    assert.equal(journal, 'journal-ok');
    ids.add(machineId ?? '');
  }
  assert.equal(ids.size, lab.hosts.length);
});

test('a host is reachable without sshd through its namespaces', async () => {
  assert.equal(ok(await hostExec(lab, 'worker2', 'cat /etc/hostname')).trim(), 'worker2');
});

test('systemctl manages services inside a host', async () => {
  ok(await hostSsh(lab, 'master2', 'systemctl reload ssh && systemctl is-active ssh'));
});
