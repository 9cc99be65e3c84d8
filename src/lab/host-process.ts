// Starting a host's long-lived process: detached into its own session so it outlives `lab up`, with a clean
// environment (the controller's variables may hold secrets) and its output in the host's console.log.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from '../errors.js';
import { refOf, type ProcessRef } from './process-identity.js';

export interface DetachedProcess {
  ref: ProcessRef;
  /** Settles with the exit code when the process ends (while `lab up` still runs). */
  exited: Promise<number | null>;
  hasExited(): boolean;
}

const CLEAN_ENV = { PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin', LANG: 'C.UTF-8' };

/** `onSpawn` runs synchronously right after the fork, so the journal names the process before anything can fail. */
export function spawnDetached(cmd: string, args: string[], logFd: number, onSpawn: (ref: ProcessRef) => void): DetachedProcess {
  const child = spawn(cmd, args, { detached: true, stdio: ['ignore', logFd, logFd], env: CLEAN_ENV });
  if (child.pid === undefined) throw new LabError(`cannot start ${cmd}`);
  const ref = refOf(child.pid) ?? { pid: child.pid, start: -1 };
  onSpawn(ref);
  let done = false;
  const exited = new Promise<number | null>((resolve) => {
    child.on('exit', (code) => {
      done = true;
      resolve(code);
    });
    child.on('error', () => {
      done = true;
      resolve(null);
    });
  });
  child.unref();
  return { ref, exited, hasExited: () => done };
}

export function consoleTail(hostDir: string, lines = 6): string {
  try {
    return readFileSync(join(hostDir, 'console.log'), 'utf8').trim().split('\n').slice(-lines).join(' | ');
  } catch {
    return '';
  }
}

function readStatus(hostDir: string): string {
  try {
    return readFileSync(join(hostDir, 'status'), 'utf8');
  } catch {
    return '';
  }
}

/** Waits for a host's init to report `ready` (sshd started) in its status file. */
export async function waitForBoot(hostDir: string, proc: DetachedProcess, hostName: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const status = readStatus(hostDir);
    if (status.includes('ready')) return;
    if (status.includes('failed') || proc.hasExited()) {
      throw new LabError(`${hostName}: boot failed (${status.trim() || 'init exited'}): ${consoleTail(hostDir)}`);
    }
    if (Date.now() > deadline) throw new LabError(`${hostName}: not booted after ${timeoutMs / 1000} s: ${consoleTail(hostDir)}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}
