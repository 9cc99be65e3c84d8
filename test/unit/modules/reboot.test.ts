// reboot against a simulated host: the boot id, the reboot command, the host down for a while (connects fail), back
// with a new boot id; Ansible's results for success, check mode, a local connection, a failed command, a timeout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ConnectError } from '../../../src/errors.js';
import type { ExecResult } from '../../../src/modules/define.js';
import { findBinScript, reboot, rebootCommandParts, type RebootArgs } from '../../../src/modules/reboot.js';
import { argsOf, localIO, nastyTempDir, runSh } from './support.js';

const ok = (stdout = ''): ExecResult => ({ stdout, stderr: '', code: 0, signal: null });

/** A host that reboots when told: down for `downTries` connects, then up with boot id B. */
function fakeHost(options: { downTries?: number; rebootResult?: ExecResult | 'drop'; findsShutdown?: boolean } = {}) {
  let boot = 'A';
  let down = -1;
  const log: string[] = [];
  const io = localIO({
    exec: async (script) => {
      const t = script.text;
      log.push(t.startsWith('for d in') ? 'find' : t);
      if (down > 0) throw new ConnectError('h', 'ssh', 'connection lost');
      if (t === 'cat /proc/sys/kernel/random/boot_id') return ok(`${boot}\n`);
      if (t.startsWith('for d in')) return options.findsShutdown === false ? { ...ok(), code: 1 } : ok('/sbin/shutdown\n');
      if (t.startsWith('/sbin/shutdown') || t.startsWith('/usr/local/bin/')) {
        down = options.downTries ?? 2;
        if (options.rebootResult === 'drop') throw new ConnectError('h', 'ssh', 'connection lost');
        return options.rebootResult ?? ok();
      }
      if (t === 'whoami') return ok('root\n');
      throw new Error(`unexpected script ${t}`);
    },
    tryConnect: async () => {
      log.push('connect');
      if (down > 0) {
        down--;
        return false;
      }
      if (down === 0) boot = 'B';
      return true;
    },
  });
  return { io, log };
}

const args = (raw: Record<string, unknown> = {}) => argsOf<RebootArgs>('reboot', raw);

test('reboot: boot id, shutdown found on the search path, reconnect with backoff until the boot id changes, then the test command', async () => {
  const { io, log } = fakeHost({ downTries: 2 });
  const start = io.now();
  const r = await reboot.run(args(), io);
  assert.deepEqual(r, { changed: true, failed: false, rebooted: true, elapsed: 3 });
  assert.deepEqual(log, [
    'cat /proc/sys/kernel/random/boot_id', 'find', '/sbin/shutdown -r 0 "Reboot initiated by Ansible"',
    'connect', 'connect', 'connect', 'cat /proc/sys/kernel/random/boot_id', 'whoami',
  ]);
  assert.equal(io.now() - start, 3000, 'slept 1 s then 2 s (Ansible backs off 2^n s)');
});

test('reboot: a connection that drops under the reboot command counts as rebooted (as Ansible)', async () => {
  const { io } = fakeHost({ rebootResult: 'drop' });
  assert.equal((await reboot.run(args(), io)).rebooted, true);
});

test('reboot: check mode and a local connection change nothing and run nothing', async () => {
  const check = fakeHost();
  const c = await reboot.run(args(), { ...check.io, isCheck: true });
  assert.deepEqual(c, { changed: true, failed: false, elapsed: 0, rebooted: true });
  assert.deepEqual(check.log, []);
  const local = fakeHost();
  const l = await reboot.run(args(), { ...local.io, isLocal: true });
  assert.equal(l.failed, true);
  assert.equal(l.msg, 'Running reboot with local connection would reboot the control node.');
  assert.deepEqual(local.log, []);
});

test("reboot: Ansible's failures: command not found, command failed, timed out", async () => {
  const missing = await reboot.run(args({ search_paths: '/a,/b' }), fakeHost({ findsShutdown: false }).io);
  assert.deepEqual(missing, { changed: false, failed: true, msg: `Unable to find command "shutdown" in search paths: ['/a', '/b']` });
  const failed = await reboot.run(args(), fakeHost({ rebootResult: { stdout: '', stderr: 'Failed to talk to init\n', code: 1, signal: null } }).io);
  assert.equal(failed.msg, "Reboot command failed. Error was: ', Failed to talk to init'");
  assert.equal(failed.rebooted, false);
  const slow = await reboot.run(args({ reboot_timeout: 5 }), fakeHost({ downTries: 100 }).io);
  assert.equal(slow.failed, true);
  assert.equal(slow.rebooted, true);
  assert.equal(slow.msg, 'Timed out waiting for last boot time check (timeout=5)');
});

test('reboot: the command line as Ansible builds it (minutes of delay, a custom command)', () => {
  assert.deepEqual(rebootCommandParts(args({ pre_reboot_delay: 150, msg: 'bye' })), { bin: 'shutdown', args: '-r 2 "bye"' });
  assert.deepEqual(rebootCommandParts(args({ reboot_command: 'systemctl reboot --force' })), { bin: 'systemctl', args: 'reboot --force' });
  assert.deepEqual(rebootCommandParts(args({ reboot_command: '/usr/local/bin/restart' })), { bin: '/usr/local/bin/restart', args: '' });
});

test('reboot: the search finds the first directory holding the command (a symlink counts), in order', () => {
  const { dir, cleanup } = nastyTempDir();
  try {
    for (const d of ['a', 'b', 'c']) mkdirSync(join(dir, d));
    symlinkSync('/nonexistent', join(dir, 'b', 'shutdown'));
    writeFileSync(join(dir, 'c', 'shutdown'), '');
    assert.equal(runSh(findBinScript('shutdown', [join(dir, 'a'), join(dir, 'b'), join(dir, 'c')])).stdout, `${join(dir, 'b', 'shutdown')}\n`);
    assert.equal(runSh(findBinScript('shutdown', [join(dir, 'a')])).code, 1);
  } finally {
    cleanup();
  }
});
