// A lock file across processes (several `lab up`s at once): created with O_EXCL, holding its owner's PID and
// start time, so a lock left by a crashed owner is recognised and taken over.
import { mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync, closeSync } from 'node:fs';
import { dirname } from 'node:path';
import { LabError } from '../errors.js';
import { isSameProcessAlive, refOf, type ProcessRef } from './process-identity.js';

function tryCreate(path: string, owner: ProcessRef): boolean {
  try {
    const fd = openSync(path, 'wx', 0o600);
    writeSync(fd, JSON.stringify(owner));
    closeSync(fd);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw err;
  }
}

function readOwner(path: string): ProcessRef | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as ProcessRef;
  } catch {
    return undefined;
  }
}

// Rename first so two processes that both found the lock stale cannot both delete a fresh one.
function breakStaleLock(path: string): void {
  const aside = `${path}.stale-${process.pid}`;
  try {
    renameSync(path, aside);
    const owner = readOwner(aside);
    if (owner && isSameProcessAlive(owner)) renameSync(aside, path); // it came back to life: not ours to break
    else rmSync(aside, { force: true });
  } catch {
    // someone else broke it first
  }
}

/** Runs `fn` holding the lock at `path`. Waits up to `timeoutMs` for another holder. */
export async function withFileLock<T>(path: string, fn: () => Promise<T>, timeoutMs = 120_000): Promise<T> {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const me = refOf(process.pid);
  if (!me) throw new LabError('cannot read /proc/self/stat');
  const deadline = Date.now() + timeoutMs;
  let readFailures = 0;
  while (!tryCreate(path, me)) {
    const owner = readOwner(path);
    // An unreadable owner is a lock being written right now, unless it stays unreadable.
    readFailures = owner ? 0 : readFailures + 1;
    if ((owner && !isSameProcessAlive(owner)) || readFailures > 40) breakStaleLock(path);
    if (Date.now() > deadline) throw new LabError(`timed out waiting for the lock ${path} (held by PID ${owner?.pid ?? '?'})`);
    await new Promise((r) => setTimeout(r, 50));
  }
  try {
    return await fn();
  } finally {
    rmSync(path, { force: true });
  }
}
