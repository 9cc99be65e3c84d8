// Measures the processes the bench starts: wall time, controller CPU time (user+sys) and peak resident memory.
//
// CPU: each measured command runs under `/usr/bin/time -f '%U %S %M'`: user+sys of the command and of every child
// it waited for (ansible-playbook's forked workers included; ControlPersist ssh masters, which outlive it, not),
// plus %M, the largest single process's max RSS. Without /usr/bin/time, /proc/PID/stat utime+stime is sampled
// every 20 ms and the last sample before exit is used (children not included).
// Memory: the sum of VmRSS over the command's process tree, sampled every 20 ms, or %M if larger (a single process
// such as tsinfra: its exact high-water mark). A fleet of ssh clients: the sum of their VmRSS.
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export interface Measurement {
  wallMs: number;
  /** user+sys of the measured process (and its reaped children with /usr/bin/time). */
  cpuMs?: number;
  peakRssMb: number;
  failures: number;
  stdout: string;
  stderr: string;
}

const TIME = '/usr/bin/time';
export const HAS_GNU_TIME = existsSync(TIME);
export const CPU_METHOD = HAS_GNU_TIME
  ? "/usr/bin/time -f '%U %S %M': user+sys of the process and its reaped children"
  : '/proc/PID/stat utime+stime, last 20 ms sample before exit';
const TICK_MS = 10; // USER_HZ is 100 on Linux

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0; // already exited
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

/** Every process below `pid` (not `pid` itself). */
function descendants(pid: number): number[] {
  const out: number[] = [];
  const stack = childrenOf(pid);
  while (stack.length > 0) {
    const p = stack.pop()!;
    out.push(p);
    stack.push(...childrenOf(p));
  }
  return out;
}

function cpuTicks(pid: number): number | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
    return Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15)
  } catch {
    return undefined;
  }
}

function collect(child: ChildProcess): Promise<{ code: number | null; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  child.stdout?.on('data', (c) => (stdout += c));
  child.stderr?.on('data', (c) => (stderr += c));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout, stderr })));
}

export interface ProcessOptions {
  env?: NodeJS.ProcessEnv;
  cwd?: string;
}

/** One command (tsinfra, ansible-playbook, the floor script): wall, CPU and peak memory of its process tree. */
export async function measureProcess(cmd: string, args: string[], opts: ProcessOptions = {}): Promise<Measurement> {
  const dir = HAS_GNU_TIME ? mkdtempSync(join(tmpdir(), 'tsinfra-bench-')) : '';
  const timeFile = join(dir, 'time');
  const [file, argv] = HAS_GNU_TIME ? [TIME, ['-f', '%U %S %M', '-o', timeFile, cmd, ...args]] : [cmd, args];
  const started = process.hrtime.bigint();
  const child = spawn(file, argv, { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env, cwd: opts.cwd });
  let peakKb = 0;
  let lastTicks: number | undefined;
  const timer = setInterval(() => {
    const tree = HAS_GNU_TIME ? descendants(child.pid!) : [child.pid!, ...descendants(child.pid!)];
    peakKb = Math.max(peakKb, tree.reduce((sum, p) => sum + statusKb(p, 'VmRSS'), 0));
    if (!HAS_GNU_TIME) lastTicks = cpuTicks(child.pid!) ?? lastTicks;
  }, 20);
  const { code, stdout, stderr } = await collect(child);
  const wallMs = Number(process.hrtime.bigint() - started) / 1e6;
  clearInterval(timer);
  let cpuMs = lastTicks === undefined ? undefined : lastTicks * TICK_MS;
  let cleanStderr = stderr;
  if (HAS_GNU_TIME) {
    try {
      const [user, sys, maxKb] = readFileSync(timeFile, 'utf8').trim().split('\n').pop()!.split(' ').map(Number);
      cpuMs = (user! + sys!) * 1000;
      peakKb = Math.max(peakKb, maxKb!);
    } catch {
      // killed before time wrote its line
    }
    rmSync(dir, { recursive: true, force: true });
    cleanStderr = stderr.replace(/^Command exited with non-zero status \d+\n/m, '');
  }
  return { wallMs, cpuMs, peakRssMb: peakKb / 1024, failures: code === 0 ? 0 : 1, stdout, stderr: cleanStderr };
}

/** Many processes at once (one OpenSSH client per host): wall time until the last exits, peak of their summed RSS. */
export async function measureFleet(commands: { cmd: string; args: string[] }[]): Promise<Measurement> {
  const started = process.hrtime.bigint();
  const children = commands.map(({ cmd, args }) => spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
  let peak = 0;
  const timer = setInterval(() => {
    peak = Math.max(peak, children.reduce((sum, c) => sum + statusKb(c.pid!, 'VmRSS'), 0));
  }, 20);
  const results = await Promise.all(children.map(collect));
  clearInterval(timer);
  return {
    wallMs: Number(process.hrtime.bigint() - started) / 1e6,
    peakRssMb: peak / 1024,
    failures: results.filter((r) => r.code !== 0).length,
    stdout: results.map((r) => r.stdout).join(''),
    stderr: results.map((r) => r.stderr).join(''),
  };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function spread(xs: number[], digits = 0): string {
  if (xs.length === 0) return '-';
  const f = (x: number) => x.toFixed(digits);
  return xs.length === 1 ? f(xs[0]!) : `${f(median(xs))} (${f(Math.min(...xs))}..${f(Math.max(...xs))})`;
}
