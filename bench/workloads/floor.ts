// The floor: bench/floor-client.ts (ssh2, TCP_NODELAY) connects to every host and runs one trivial command per task
// of the no-change prepare-like run (the "connect + one round trip per task"). Its wall and CPU are measured inside the script
// (connect to last exit, no Node startup); memory is the process's peak.
import { join } from 'node:path';
import type { LabInfo } from '../../src/lab/lab-types.js';
import { measureProcess } from '../measure.js';
import { BENCH_DIR, repeat, row, type BenchOptions, type Row } from './common.js';

export async function floorWorkload(lab: LabInfo, commandsPerHost: number, opts: BenchOptions): Promise<Row[]> {
  const script = join(BENCH_DIR, 'floor-client.ts');
  const ms = await repeat(opts.runs, 'floor', () => measureProcess(process.execPath, ['--import', 'tsx', script, join(lab.stateDir, 'info.json'), String(commandsPerHost)], { cwd: join(BENCH_DIR, '..') }));
  const inner = ms.map((m) => JSON.parse(m.stdout.trim().split('\n').pop()!) as { wallMs: number; cpuMs: number });
  const measured = ms.map((m, i) => ({ ...m, wallMs: inner[i]!.wallMs, cpuMs: inner[i]!.cpuMs }));
  return [row(`floor: connect + ${commandsPerHost} cmds`, lab.hosts.length, 'ssh2 script', measured, { roundTripsPerHost: ms.map(() => commandsPerHost) })];
}
