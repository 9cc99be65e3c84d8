// The script an interrupt runs on a host: it stops the process group of each command, the commands' children
// too. Run here with the real /bin/sh on local processes. (A group that ignores TERM is killed a second later: that
// wait is too slow for a unit test.)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { killGroupsScript, withEntryLine } from '../../../src/transport/ssh/remote-kill.js';

/** A command in its own process group (as sshd's setsid gives each channel), with a child `sleep`. */
function startGroup(script: string): ChildProcess {
  const child = spawn('/bin/sh', ['-c', script], { detached: true, stdio: 'ignore' });
  child.unref();
  return child;
}

const groupAlive = (pgid: number) => {
  try {
    process.kill(-pgid, 0);
    return execFileSync('ps', ['-o', 'stat=', '-g', String(pgid)]).toString().split('\n').some((s) => s.trim() && !s.startsWith('Z'));
  } catch {
    return false;
  }
};

test('TERM stops each group with its children, and a TERM trap runs', async () => {
  const a = startGroup('sleep 30 & wait');
  const b = startGroup("trap 'exit 1' TERM; sleep 30 & wait");
  await new Promise((r) => setTimeout(r, 100));
  assert.ok(groupAlive(a.pid!) && groupAlive(b.pid!));
  execFileSync('/bin/sh', ['-s'], { input: killGroupsScript([a.pid!, b.pid!]) });
  assert.equal(groupAlive(a.pid!), false);
  assert.equal(groupAlive(b.pid!), false);
});

test('pids that are gone, 0 or 1 are skipped: never a kill of group 0 or 1', () => {
  const script = killGroupsScript([0, 1, -5, 999999999]);
  assert.match(script, /for p in 999999999; do/);
  execFileSync('/bin/sh', ['-s'], { input: script }); // a pid that does not exist: nothing to do, exit 0
});

test('withEntryLine prints the pid of the process that then runs the command', () => {
  const out = execFileSync('/bin/sh', ['-c', withEntryLine("echo \"it's $$\"", 'MARK')]).toString();
  const [first, second] = out.split('\n');
  assert.match(first!, /^MARK \d+$/);
  assert.equal(second, `it's ${first!.split(' ')[1]}`, 'the same pid: the command replaced the wrapper');
});
