// service on a host without systemd (a namespace lab host: SysV init scripts, `service NAME …`), against init
// scripts that race the way sshguard's did under load: a restart's new daemon comes up for a moment and dies while
// the old one is still exiting, so the restart "succeeds" and leaves the service stopped. The module must notice,
// start it again and report changed; a service that never comes up fails within the bounded wait, saying so.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostExec, ok, startLab } from '../../support/lab.js';
import { jsonLines, tsinfra, type CliResult } from '../../support/cli.js';
import { SYSV_SETTLE_SECONDS } from '../../../src/modules/service.js';

const lab = await startLab({ kind: 'namespace', hosts: 1, label: 'h7-service-sysv' });
const HOST = 'master1';
const dir = mkdtempSync(join(tmpdir(), 'tsinfra-service-sysv-'));

// Test double. Like start-stop-daemon --background, start returns before the daemon is up (it writes its pid file
// 0.3 s later). stop kills the daemon, which then takes 1.5 s to finish exiting (the marker file); a daemon started
// meanwhile runs for 0.3 s and dies (as sshguard's firewall backend did).
const RACY = `#!/bin/sh
PIDFILE=/run/h7racy.pid
is_running() { [ -s $PIDFILE ] && kill -0 "$(cat $PIDFILE)" 2>/dev/null; }
case "$1" in
  start)
    echo start >> /run/h7racy.log
    if is_running; then exit 0; fi
    setsid sh -c 'sleep 0.3; echo $$ > /run/h7racy.pid; if [ -e /run/h7racy.exiting ]; then sleep 0.3; rm -f /run/h7racy.pid; exit 1; fi; exec sleep 100000' </dev/null >/dev/null 2>&1 &
    ;;
  stop)
    echo stop >> /run/h7racy.log
    if is_running; then
      kill "$(cat $PIDFILE)"; rm -f $PIDFILE; touch /run/h7racy.exiting
      (sleep 1.5; rm -f /run/h7racy.exiting) </dev/null >/dev/null 2>&1 &
    fi
    ;;
  restart) "$0" stop; "$0" start ;;
  status) if is_running; then echo "h7racy is running"; else echo "h7racy is not running"; exit 3; fi ;;
esac
`;

// Test double: start "succeeds", the daemon never runs.
const DEAD = `#!/bin/sh
case "$1" in
  start) echo start >> /run/h7dead.log ;;
  stop|restart) ;;
  status) echo "h7dead is not running (its daemon exits at once)"; exit 3 ;;
esac
`;

async function install(name: string, script: string): Promise<void> {
  ok(await hostExec(lab, HOST, `cat > /etc/init.d/${name} && chmod 755 /etc/init.d/${name}`, script), `install ${name}`);
}

function play(name: string, state: string): Promise<CliResult> {
  const book = join(dir, `${name}-${state}.yaml`);
  writeFileSync(book, `- hosts: ${HOST}\n  gather_facts: false\n  tasks:\n    - name: ${state} ${name}\n      service: { name: ${name}, state: ${state} }\n`);
  return tsinfra(['play', book, '-i', lab.inventoryPath, '--json']);
}

function resultOf(r: CliResult): { status: string; changes: string[]; message?: string } {
  const line = jsonLines(r.stdout).find((e) => e.type === 'host_result');
  assert.ok(line, `no result: ${r.stdout.slice(-2000)}${r.stderr}`);
  return line.result as { status: string; changes: string[]; message?: string };
}

const isRunning = async (name: string) => (await hostExec(lab, HOST, `service ${name} status`)).code === 0;
const log = async (name: string) => ok(await hostExec(lab, HOST, `cat /run/${name}.log; rm -f /run/${name}.log`)).split('\n').filter(Boolean);

test('a restart that leaves the service stopped (the new daemon dies while the old exits): started again, changed', async () => {
  await install('h7racy', RACY);
  const started = await play('h7racy', 'started');
  assert.equal(started.code, 0, started.stdout.slice(-2000) + started.stderr);
  assert.deepEqual(resultOf(started).changes, ['start h7racy']);
  assert.equal(await isRunning('h7racy'), true, 'started: running although start returned before the daemon was up');
  assert.deepEqual(await log('h7racy'), ['start']);

  const r = await play('h7racy', 'restarted');
  assert.equal(r.code, 0, r.stdout.slice(-2000) + r.stderr);
  const result = resultOf(r);
  assert.equal(result.status, 'changed');
  assert.deepEqual(result.changes, ['restart h7racy']);
  assert.equal(await isRunning('h7racy'), true, 'running after the racy restart');
  assert.deepEqual(await log('h7racy'), ['stop', 'start', 'start'], 'the module started it once more');
  // Still running a moment later (not just between two status calls).
  await new Promise((resolve) => setTimeout(resolve, 1000));
  assert.equal(await isRunning('h7racy'), true);

  const again = await play('h7racy', 'started');
  assert.equal(again.code, 0);
  assert.equal(resultOf(again).status, 'ok');
});

test('a service that never comes up fails within the bounded wait, naming it and what its status said', async () => {
  await install('h7dead', DEAD);
  const r = await play('h7dead', 'started');
  assert.equal(r.code, 2, r.stdout.slice(-2000) + r.stderr);
  const result = resultOf(r);
  assert.equal(result.status, 'failed');
  const budget = SYSV_SETTLE_SECONDS.reduce((a, b) => a + b);
  assert.match(
    result.message ?? '',
    new RegExp(`h7dead is not running after start \\(exit 0\\) and 2 more starts in ${budget} s; service h7dead status: h7dead is not running \\(its daemon exits at once\\)`),
  );
  assert.deepEqual(await log('h7dead'), ['start', 'start', 'start']);
  // Three starts in the log prove the wait is bounded; this bound only catches a hang, with room for a loaded CI.
  assert.ok(r.ms < (budget + 60) * 1000, `took ${r.ms} ms`);
  assert.ok(r.ms >= budget * 1000, `gave up after ${r.ms} ms, before the ${budget} s wait`);
});
