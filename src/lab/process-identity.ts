// A process is identified by PID *and* start time: a recorded PID may since belong to a stranger.
import { readFileSync, readdirSync, readlinkSync, statSync } from 'node:fs';

export interface ProcessRef {
  pid: number;
  /** Field 22 of /proc/PID/stat: clock ticks since boot, unchanged by exec. */
  start: number;
}

interface ProcStat {
  state: string;
  ppid: number;
  start: number;
}

function readStat(pid: number): ProcStat | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined;
  }
  // The command name (field 2) may hold spaces and parentheses: split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0] ?? '?', ppid: Number(fields[1]), start: Number(fields[19]) };
}

export function processStartTime(pid: number): number | undefined {
  return readStat(pid)?.start;
}

export function refOf(pid: number): ProcessRef | undefined {
  const start = processStartTime(pid);
  return start === undefined ? undefined : { pid, start };
}

/** Alive (not a zombie) and still the same process we recorded. */
export function isSameProcessAlive(ref: ProcessRef): boolean {
  const stat = readStat(ref.pid);
  return stat !== undefined && stat.start === ref.start && stat.state !== 'Z';
}

/** SIGKILL/SIGTERM only if PID and start time still match. Returns whether a signal was sent. */
export function signalIfSame(ref: ProcessRef, signal: NodeJS.Signals): boolean {
  if (!isSameProcessAlive(ref)) return false;
  try {
    process.kill(ref.pid, signal);
    return true;
  } catch {
    return false;
  }
}

function allPids(): number[] {
  return readdirSync('/proc')
    .filter((n) => /^\d+$/.test(n))
    .map(Number);
}

/** The nsfs inode of a named network namespace, as in /proc/PID/ns/net's `net:[INODE]`. */
export function netnsInode(netnsName: string): number | undefined {
  try {
    return statSync(`/run/netns/${netnsName}`).ino;
  } catch {
    return undefined;
  }
}

/** Every live process whose network namespace is one of `inodes`, grouped by inode. One /proc scan for all. */
export function processesInNetns(inodes: readonly number[]): Map<number, ProcessRef[]> {
  const wanted = new Set(inodes);
  const found = new Map<number, ProcessRef[]>();
  for (const pid of allPids()) {
    let link: string;
    try {
      link = readlinkSync(`/proc/${pid}/ns/net`);
    } catch {
      continue;
    }
    const inode = Number(/net:\[(\d+)\]/.exec(link)?.[1]);
    if (!wanted.has(inode)) continue;
    const stat = readStat(pid);
    if (!stat || stat.state === 'Z') continue;
    found.set(inode, [...(found.get(inode) ?? []), { pid, start: stat.start }]);
  }
  return found;
}

/** Whether the process is PID 1 of a PID namespace one level below ours (a host's init or container systemd). */
export function isNamespaceInit(pid: number): boolean {
  try {
    return /^NSpid:\s+\d+\s+1$/m.test(readFileSync(`/proc/${pid}/status`, 'utf8'));
  } catch {
    return false;
  }
}

/** PID 1 of a PID namespace living in this network namespace (our init, or a container's systemd). */
export function namespaceInitIn(netnsName: string): ProcessRef | undefined {
  const inode = netnsInode(netnsName);
  if (inode === undefined) return undefined;
  return (processesInNetns([inode]).get(inode) ?? []).find((ref) => isNamespaceInit(ref.pid));
}

/** Resolves once none of the processes is alive, or after `timeoutMs` (then returns the survivors). */
export async function waitForExit(refs: readonly ProcessRef[], timeoutMs: number): Promise<ProcessRef[]> {
  const deadline = Date.now() + timeoutMs;
  let alive = refs.filter(isSameProcessAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 25));
    alive = alive.filter(isSameProcessAlive);
  }
  return alive;
}
