// What every workload shares: the result row, repetition, the tsinfra binary and the `--json` recap.
import { join } from 'node:path';
import type { LabInfo } from '../../src/lab/lab-types.js';
import { spawn } from 'node:child_process';
import type { Measurement } from '../measure.js';

export const BENCH_DIR = join(import.meta.dirname, '..');
export const TSINFRA = join(BENCH_DIR, '..', 'bin', 'tsinfra');

export interface Row {
  workload: string;
  hosts: number;
  tool: string;
  wallMs: number[];
  cpuMs: number[];
  peakRssMb: number[];
  /** SSH round trips (remote commands) per host, from the run's `--json` recap. */
  roundTripsPerHost?: number[];
  /** Extra delay the lab adds per direction (latency relay). */
  latencyMs?: number;
}

export interface BenchOptions {
  runs: number;
  /** ansible-playbook, when `--with-ansible` made it available. */
  ansiblePlaybook?: string;
}

export function checked(m: Measurement, what: string): Measurement {
  if (m.failures > 0) throw new Error(`${what} failed (${m.failures} failures); output:\n${m.stdout.slice(-3000)}\n${m.stderr.slice(-2000)}`);
  return m;
}

export async function repeat(n: number, what: string, once: () => Promise<Measurement>, before?: () => Promise<void>): Promise<Measurement[]> {
  const out: Measurement[] = [];
  for (let i = 0; i < n; i++) {
    if (before) await before();
    out.push(checked(await once(), what));
  }
  return out;
}

export function row(workload: string, hosts: number, tool: string, ms: Measurement[], extra: Partial<Row> = {}): Row {
  return {
    workload,
    hosts,
    tool,
    wallMs: ms.map((m) => m.wallMs),
    cpuMs: ms.flatMap((m) => (m.cpuMs === undefined ? [] : [m.cpuMs])),
    peakRssMb: ms.map((m) => m.peakRssMb),
    ...extra,
  };
}

interface Recap {
  type: 'recap';
  hosts: Record<string, { ok: number; changed: number; failed: number; unreachable: number; skipped: number }>;
  roundTrips?: number;
}

export function recapOf(stdout: string): Recap {
  const recap = stdout
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as { type?: string })
    .find((e) => e.type === 'recap');
  if (!recap) throw new Error(`no recap in the output:\n${stdout.slice(-2000)}`);
  return recap as Recap;
}

export function roundTripsPerHost(m: Measurement): number {
  const recap = recapOf(m.stdout);
  return (recap.roundTrips ?? NaN) / Object.keys(recap.hosts).length;
}

/** Tasks per host of a `--json` run (facts included): what the floor's "one round trip per task" counts. */
export function tasksPerHost(m: Measurement): number {
  const hosts = Object.values(recapOf(m.stdout).hosts);
  return hosts.reduce((sum, h) => sum + h.ok + h.skipped + h.failed, 0) / hosts.length;
}

/** Total `changed` over all hosts of a `--json` run. */
export function changedCount(m: Measurement): number {
  return Object.values(recapOf(m.stdout).hosts).reduce((sum, h) => sum + h.changed, 0);
}

/** `tsinfra play PLAYBOOK` on the whole lab, forks = host count, JSON events. */
export function playArgs(lab: LabInfo, playbook: string): string[] {
  return ['play', playbook, '-i', lab.inventoryPath, '--forks', String(lab.hosts.length), '--json'];
}

function hostShell(initPid: number, command: string): Promise<{ code: number | null; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('nsenter', ['-t', String(initPid), '-a', '-r', '-w', '--', '/bin/sh', '-c', command], { stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (b: Buffer) => (stderr += b));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stderr }));
  });
}

/** A shell command on every host at once, inside its namespaces (nsenter: no SSH, not measured). */
export async function onEveryHost(lab: LabInfo, command: string): Promise<void> {
  await Promise.all(
    lab.hosts.map(async (h) => {
      const r = await hostShell(h.initPid, command);
      if (r.code !== 0) throw new Error(`${h.name}: ${command}: ${r.stderr}`);
    }),
  );
}
