// `npm run bench [-- --hosts 10,50 --runs 3]`: brings up a lab of N namespace hosts per size and measures
// workloads side by side; prints medians with min..max and writes bench/results.json.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labDown, labUp } from '../src/lab/lab.js';
import type { LabInfo } from '../src/lab/lab-types.js';
import { measureFleet, measureProcess, median, spread, type Measurement } from './measure.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const sizes = arg('hosts', '10,50').split(',').map(Number);
const runs = Number(arg('runs', '3'));
const tsinfra = join(import.meta.dirname, '..', 'bin', 'tsinfra');

interface Row {
  /** SSH round trips per host per task, where measured. */
  roundTrips?: number[];
  workload: string;
  hosts: number;
  tool: string;
  wallMs: number[];
  peakRssMb: number[];
}

async function repeat(n: number, once: () => Promise<Measurement>, expectHosts: number): Promise<Measurement[]> {
  const out: Measurement[] = [];
  for (let i = 0; i < n; i++) {
    const m = await once();
    if (m.failures > 0) throw new Error(`a run failed (${m.failures} failures); output:\n${m.stdout.slice(0, 2000)}`);
    out.push(m);
  }
  void expectHosts;
  return out;
}

function row(workload: string, hosts: number, tool: string, ms: Measurement[]): Row {
  return { workload, hosts, tool, wallMs: ms.map((m) => m.wallMs), peakRssMb: ms.map((m) => m.peakRssMb) };
}

async function adHoc(lab: LabInfo): Promise<Row[]> {
  const n = lab.hosts.length;
  const ours = await repeat(runs, () => measureProcess(tsinfra, ['shell', 'all', 'true', '-i', lab.inventoryPath, '--forks', String(n), '--json']), n);
  const openssh = await repeat(
    runs,
    () =>
      measureFleet(
        lab.hosts.map((h) => ({
          cmd: 'ssh',
          args: ['-F', lab.sshConfigPath, '-o', 'BatchMode=yes', h.name, 'true'],
        })),
      ),
    n,
  );
  return [row('shell all true', n, 'tsinfra', ours), row('shell all true', n, 'openssh (one ssh per host, parallel)', openssh)];
}

const TEST_PLAYBOOK = join(import.meta.dirname, '..', 'test', 'fixtures', 'playbooks', 'lab', 'all-modules.yaml');

/** Round trips per host per task, from the run's own JSON recap. */
function roundTripsPerHostTask(stdout: string): number {
  const events = stdout.split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
  const recap = events.find((e) => e.type === 'recap') as { hosts: Record<string, { ok: number; failed: number; skipped: number; ignored: number }>; roundTrips: number };
  const hostTasks = Object.values(recap.hosts).reduce((sum, c) => sum + c.ok + c.failed + c.skipped + c.ignored, 0);
  return recap.roundTrips / hostTasks;
}

async function playbookNoChange(lab: LabInfo): Promise<Row[]> {
  const n = lab.hosts.length;
  const args = ['play', TEST_PLAYBOOK, '-i', lab.inventoryPath, '--forks', String(n), '--json'];
  const first = await measureProcess(tsinfra, args);
  const again = await repeat(runs, () => measureProcess(tsinfra, args), n);
  const perTask = again.map((m) => roundTripsPerHostTask(m.stdout));
  return [
    { ...row('play: first run', n, 'tsinfra', [first]), roundTrips: [roundTripsPerHostTask(first.stdout)] },
    { ...row('play: no change', n, 'tsinfra', again), roundTrips: perTask },
  ];
}

async function main(): Promise<void> {
  const rows: Row[] = [];
  for (const size of sizes) {
    const name = `bench${size}`;
    process.stderr.write(`bench: lab of ${size} namespace hosts...\n`);
    const lab = await labUp({ name, kind: 'namespace', hosts: size });
    try {
      rows.push(...(await adHoc(lab)));
      rows.push(...(await playbookNoChange(lab)));
    } finally {
      await labDown(name);
    }
  }
  console.log(`\n${'workload'.padEnd(18)} ${'hosts'.padStart(5)}  ${'tool'.padEnd(38)} ${'wall ms: median (min..max)'.padEnd(28)} peak MB`);
  for (const r of rows) {
    const trips = r.roundTrips ? `   round trips/host/task ${spread(r.roundTrips, 2)}` : '';
    console.log(`${r.workload.padEnd(18)} ${String(r.hosts).padStart(5)}  ${r.tool.padEnd(38)} ${spread(r.wallMs).padEnd(28)} ${spread(r.peakRssMb, 1)}${trips}`);
  }
  console.log('');
  for (const size of sizes) {
    const [ours, theirs] = rows.filter((r) => r.hosts === size && r.workload === 'shell all true');
    if (ours && theirs) {
      const speed = median(theirs.wallMs) / median(ours.wallMs);
      console.log(`shell all true @${size}: tsinfra is ${speed.toFixed(1)}x faster than parallel OpenSSH (target >= 2x); peak ${median(ours.peakRssMb).toFixed(0)} MB (target < 150 MB)`);
    }
  }
  writeFileSync(join(import.meta.dirname, 'results.json'), `${JSON.stringify({ date: new Date().toISOString(), runs, rows }, null, 2)}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
