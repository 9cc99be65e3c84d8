// The project's own playbooks/prepare.yaml on the lab: the first run (once per lab: it installs packages and joins
// the VPN, which cannot be undone cheaply) and the no-change run, repeated. With a latency lab, the same.
import { join } from 'node:path';
import type { LabInfo } from '../../src/lab/lab-types.js';
import { measureProcess } from '../measure.js';
import { BENCH_DIR, TSINFRA, changedCount, checked, playArgs, repeat, roundTripsPerHost, row, type BenchOptions, type Row } from './common.js';

export const PREPARE = join(BENCH_DIR, '..', 'playbooks', 'prepare.yaml');

/** `extra`: more `tsinfra play` options (the load run adds connect retries: its hosts share the controller's CPU). */
export async function prepareWorkload(lab: LabInfo, opts: BenchOptions, label = 'prepare.yaml', extra: string[] = []): Promise<Row[]> {
  const n = lab.hosts.length;
  const latency = lab.latency ? { latencyMs: lab.latency.delayMs } : {};
  const first = checked(await measureProcess(TSINFRA, [...playArgs(lab, PREPARE), ...extra]), `${label} (first)`);
  const again = await repeat(opts.runs, `${label} (no change)`, async () => {
    const m = await measureProcess(TSINFRA, [...playArgs(lab, PREPARE), ...extra]);
    if (m.failures === 0 && changedCount(m) !== 0) throw new Error(`${label}: the no-change run changed ${changedCount(m)} things`);
    return m;
  });
  return [
    row(`${label}: first run`, n, 'tsinfra', [first], { roundTripsPerHost: [roundTripsPerHost(first)], ...latency }),
    row(`${label}: no change`, n, 'tsinfra', again, { roundTripsPerHost: again.map(roundTripsPerHost), ...latency }),
  ];
}
