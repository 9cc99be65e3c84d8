// The production-like kind: 5 systemd hosts (systemd-nspawn, real systemd and journald).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { startLab } from '../../support/lab.js';
import { jsonLines, tsinfra } from '../../support/cli.js';

const lab = await startLab({ kind: 'systemd', hosts: 5 });

test('shell all hostname on systemd hosts prints the five hostnames; systemd is PID 1', async () => {
  const r = await tsinfra(['shell', 'all', 'hostname; ps -o comm= -p 1', '-i', lab.inventoryPath, '--json']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const hosts = jsonLines(r.stdout).filter((l) => l.type === 'host');
  const byHost = Object.fromEntries(hosts.map((h) => [h.host, String(h.stdout)]));
  for (const name of ['master1', 'master2', 'master3', 'worker1', 'worker2']) assert.equal(byHost[name], `${name}\nsystemd\n`);
});

test('ping all with become succeeds on systemd hosts', async () => {
  const r = await tsinfra(['ping', 'all', '-i', lab.inventoryPath, '--become']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stdout.match(/\| SUCCESS \| rc=0 >>\npong \(as root\)/g)?.length, 5, r.stdout);
});
