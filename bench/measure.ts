// Measures wall time and peak resident memory of processes the bench starts itself. Memory is sampled from
// /proc (VmHWM for one process; the sum of VmRSS for a fleet of ssh clients), so both sides are measured alike.
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';

export interface Measurement {
  wallMs: number;
  peakRssMb: number;
  failures: number;
  stdout: string;
}

function statusKb(pid: number, field: 'VmRSS' | 'VmHWM'): number {
  try {
    const m = new RegExp(`${field}:\\s+(\\d+)`).exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
    return m ? Number(m[1]) : 0;
  } catch {
    return 0; // already exited
  }
}

function collect(child: ChildProcess): Promise<{ code: number | null; stdout: string }> {
  let stdout = '';
  child.stdout?.on('data', (c) => (stdout += c));
  return new Promise((resolve) => child.on('close', (code) => resolve({ code, stdout })));
}

/** One process (tsinfra): its own high-water mark, read until it exits. */
export async function measureProcess(cmd: string, args: string[]): Promise<Measurement> {
  const started = process.hrtime.bigint();
  const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] });
  let peak = 0;
  const timer = setInterval(() => (peak = Math.max(peak, statusKb(child.pid!, 'VmHWM'))), 20);
  const { code, stdout } = await collect(child);
  clearInterval(timer);
  return { wallMs: Number(process.hrtime.bigint() - started) / 1e6, peakRssMb: peak / 1024, failures: code === 0 ? 0 : 1, stdout };
}

/** Many processes at once (one OpenSSH client per host): wall time until the last exits, peak of their summed RSS. */
export async function measureFleet(commands: { cmd: string; args: string[] }[]): Promise<Measurement> {
  const started = process.hrtime.bigint();
  const children = commands.map(({ cmd, args }) => spawn(cmd, args, { stdio: ['ignore', 'pipe', 'inherit'] }));
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
  };
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export function spread(xs: number[], digits = 0): string {
  const f = (x: number) => x.toFixed(digits);
  return `${f(median(xs))} (${f(Math.min(...xs))}..${f(Math.max(...xs))})`;
}
