// `tsinfra shell all true` beside OpenSSH (one `ssh HOST true` per host, all in parallel).
import type { LabInfo } from '../../src/lab/lab-types.js';
import { measureFleet, measureProcess } from '../measure.js';
import { TSINFRA, repeat, row, type BenchOptions, type Row } from './common.js';

export async function adHocWorkload(lab: LabInfo, opts: BenchOptions): Promise<Row[]> {
  const n = lab.hosts.length;
  const ours = await repeat(opts.runs, 'tsinfra shell', () => measureProcess(TSINFRA, ['shell', 'all', 'true', '-i', lab.inventoryPath, '--forks', String(n), '--json']));
  const openssh = await repeat(opts.runs, 'ssh', () =>
    measureFleet(lab.hosts.map((h) => ({ cmd: 'ssh', args: ['-F', lab.sshConfigPath, '-o', 'BatchMode=yes', h.name, 'true'] }))),
  );
  return [row('shell all true', n, 'tsinfra', ours), row('shell all true', n, 'openssh (one ssh per host, parallel)', openssh)];
}
