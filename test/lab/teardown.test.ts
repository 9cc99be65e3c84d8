// Teardown: nothing of a lab remains after `down`, even after `up` was killed halfway; a stale record never kills
// a stranger whose PID was reused; concurrent labs get distinct slots.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labDown, labStatus, labUp } from '../../src/lab/lab.js';
import { labStateDir } from '../../src/lab/lab-paths.js';
import { readObjects } from '../../src/lab/lab-state.js';
import { isSameProcessAlive, processStartTime } from '../../src/lab/process-identity.js';
import { run, startLab, stopLab } from '../support/lab.js';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

interface Leftovers {
  netns: string[];
  links: string[];
  mounts: string[];
}

async function leftovers(prefix: string, stateDir: string): Promise<Leftovers> {
  const netns = (await run('ip', ['netns', 'list'])).stdout.split('\n').filter((l) => l.startsWith(`${prefix}-`));
  const links = readdirSync('/sys/class/net').filter((n) => n.startsWith(`${prefix}-`));
  // Any process's mount table still naming the lab's state dir would be a host (or its mounts) surviving.
  const mounts: string[] = [];
  for (const pid of readdirSync('/proc').filter((n) => /^\d+$/.test(n))) {
    try {
      if (readFileSync(`/proc/${pid}/mountinfo`, 'utf8').includes(stateDir)) mounts.push(pid);
    } catch {
      // gone
    }
  }
  return { netns, links, mounts };
}

function assertClean(left: Leftovers, stateDir: string): void {
  assert.deepEqual(left, { netns: [], links: [], mounts: [] });
  assert.equal(existsSync(stateDir), false, 'state dir removed');
}

test('down removes every namespace, interface, mount and process of the lab', async () => {
  const lab = await startLab({ hosts: 3, label: 'teardown-clean' });
  const processes = readObjects(lab.stateDir).filter((o) => o.type === 'process');
  assert.ok(processes.length >= 6);
  assert.ok((await leftovers(lab.prefix, lab.stateDir)).netns.length === 4);
  await stopLab(lab);
  for (const p of processes) if (p.type === 'process') assert.equal(isSameProcessAlive(p), false, `${p.role} of ${p.host} dead`);
  assertClean(await leftovers(lab.prefix, lab.stateDir), lab.stateDir);
  // Idempotent.
  assert.equal((await labDown(lab.name)).existed, false);
});

function spawnCliUp(name: string, hosts: number) {
  const code = `const { main } = await import(${JSON.stringify(join(ROOT, 'src/cli/main.ts'))}); process.exitCode = await main(['node', 'tsinfra', ...process.argv.slice(1)]);`;
  return spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code, 'lab', 'up', '--name', name, '--hosts', String(hosts)], { cwd: ROOT, stdio: 'ignore' });
}

async function waitUntil(predicate: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

test('a lab up killed with SIGKILL halfway is fully removed by down', { timeout: 90_000 }, async () => {
  const name = `t-crash-${process.pid}`;
  const stateDir = labStateDir(name);
  const cli = spawnCliUp(name, 40);
  const exited = new Promise((r) => cli.on('exit', r));
  try {
    const booted = () => readObjects(stateDir).filter((o) => o.type === 'process' && o.role === 'init').length >= 2;
    await waitUntil(booted, 60_000, 'two hosts to boot');
    cli.kill('SIGKILL');
    await exited;
    const [status] = await labStatus(name);
    assert.equal(status?.phase, 'incomplete');
    const prefix = JSON.parse(readFileSync(join(stateDir, 'lab.json'), 'utf8')).prefix as string;
    assert.ok((await leftovers(prefix, stateDir)).netns.length >= 2, 'hosts left running by the crash');
    const summary = await labDown(name);
    assert.ok(summary.processes >= 2);
    assertClean(await leftovers(prefix, stateDir), stateDir);
  } finally {
    cli.kill('SIGKILL');
    await labDown(name).catch(() => {});
  }
});

test('an interrupted up (Ctrl-C) stops starting hosts and removes what it created', { timeout: 60_000 }, async () => {
  const name = `t-abort-${process.pid}`;
  const stateDir = labStateDir(name);
  const controller = new AbortController();
  const up = labUp({ name, hosts: 30, concurrency: 2, signal: controller.signal });
  const booted = () => readObjects(stateDir).some((o) => o.type === 'process' && o.role === 'init');
  await waitUntil(booted, 30_000, 'a host to boot');
  const prefix = JSON.parse(readFileSync(join(stateDir, 'lab.json'), 'utf8')).prefix as string;
  controller.abort('SIGINT');
  await assert.rejects(up, (err: { code?: string }) => err.code === 'TSI_INTERRUPTED');
  assertClean(await leftovers(prefix, stateDir), stateDir);
});

test('down never kills a process whose PID was reused', async () => {
  const stranger = spawn('sleep', ['300'], { stdio: 'ignore' });
  const name = `t-stale-${process.pid}`;
  const stateDir = labStateDir(name);
  try {
    const pid = stranger.pid!;
    const start = processStartTime(pid)!;
    // A forged record: slot 31's prefix, the stranger's PID with another start time, and names without the prefix.
    mkdirSync(stateDir, { recursive: true });
    const record = { version: 1, name, kind: 'namespace', index: 31, prefix: 'tsi31', phase: 'up', createdAt: new Date().toISOString(), owner: { pid: 1, start: 0 } };
    writeFileSync(join(stateDir, 'lab.json'), JSON.stringify(record));
    const journal = [
      { type: 'process', pid, start: start + 1, host: 'master1', role: 'init' },
      { type: 'process', pid, start: start + 2, host: 'master1', role: 'wrapper' },
      { type: 'link', name: 'lo' },
      { type: 'netns', name: 'not-ours' },
    ];
    writeFileSync(join(stateDir, 'objects.jsonl'), journal.map((o) => JSON.stringify(o)).join('\n') + '\n');
    const summary = await labDown(name);
    assert.equal(summary.processes, 0);
    assert.equal(isSameProcessAlive({ pid, start }), true, 'the stranger lives');
    assert.equal(existsSync('/sys/class/net/lo'), true);
    assert.equal(existsSync(stateDir), false);
  } finally {
    stranger.kill('SIGKILL');
    await labDown(name).catch(() => {});
  }
});

test('labs brought up at once get distinct slots, names and subnets', async () => {
  const names = [1, 2].map((i) => `t-pair${i}-${process.pid}`);
  try {
    const labs = await Promise.all(names.map((name) => labUp({ name, hosts: 1 })));
    const [a, b] = labs;
    assert.ok(a && b);
    assert.notEqual(a.index, b.index);
    assert.notEqual(a.prefix, b.prefix);
    assert.notEqual(a.networks.public.cidr, b.networks.public.cidr);
    assert.notEqual(a.hosts[0]?.netns, b.hosts[0]?.netns);
  } finally {
    await Promise.all(names.map((n) => labDown(n)));
  }
});
