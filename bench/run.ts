// `npm run bench [-- --hosts 10,50 --runs 3 --with-ansible --load 200 --scale 100,500]`: for each size, brings up a namespace lab and measures
// the workloads in bench/workloads/, then one 5-host lab with 100 ms latency each way; prints medians with
// min..max and writes bench/results.json. `--with-ansible` installs Debian's ansible-core first (only if missing,
// and only while no lab is up) and runs the Ansible twin of the prepare-like playbook beside tsinfra.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { labDown, labUp } from '../src/lab/lab.js';
import type { LabInfo, LabUpOptions } from '../src/lab/lab-types.js';
import { ensureAnsible } from './ansible-install.js';
import { CPU_METHOD, median, spread } from './measure.js';
import { adHocWorkload } from './workloads/ad-hoc.js';
import type { BenchOptions, Row } from './workloads/common.js';
import { floorWorkload } from './workloads/floor.js';
import { prepareLikeWorkload } from './workloads/prepare-like.js';
import { prepareWorkload } from './workloads/prepare.js';

function arg(name: string, fallback: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i >= 0 && process.argv[i + 1] ? process.argv[i + 1]! : fallback;
}

const sizes = arg('hosts', '10,50').split(',').map(Number).filter((n) => n > 0); // --hosts 0: none
const runs = Number(arg('runs', '3'));
const latencyHosts = Number(arg('latency-hosts', '5'));
const latencyMs = Number(arg('latency-ms', '100'));
const withAnsible = process.argv.includes('--with-ansible');
// --quick: only what the no-change criterion needs (shell, prepare-like and the floor), without prepare.yaml's long
// first runs and the latency lab: a check that takes minutes, not a quarter of an hour.
const quick = process.argv.includes('--quick');
// The load test: prepare.yaml (first run, then its no-change pass) on this many hosts in one run; 0 = skip.
const loadHosts = Number(arg('load', '0'));
// Memory at scale: only `shell all true` (connect and run one command) on each of these sizes, e.g. 100,500.
const scaleSizes = arg('scale', '').split(',').filter((s) => s !== '').map(Number);
const log = (m: string) => process.stderr.write(`${m}\n`);

async function withLab<T>(opts: LabUpOptions & { name: string }, body: (lab: LabInfo) => Promise<T>): Promise<T> {
  log(`bench: lab ${opts.name}: ${String(opts.hosts)} namespace hosts${opts.latencyMs ? `, ${opts.latencyMs} ms each way` : ''}...`);
  const lab = await labUp({ kind: 'namespace', ...opts });
  try {
    return await body(lab);
  } finally {
    await labDown(opts.name);
  }
}

async function sizeWorkloads(lab: LabInfo, opts: BenchOptions): Promise<Row[]> {
  const rows = [...(await adHocWorkload(lab, opts))];
  const prepareLike = await prepareLikeWorkload(lab, opts);
  rows.push(...prepareLike.rows);
  rows.push(...(await floorWorkload(lab, prepareLike.floorCommands, opts)));
  if (!quick) rows.push(...(await prepareWorkload(lab, opts)));
  return rows;
}

function print(rows: Row[]): void {
  const head = `${'workload'.padEnd(34)} ${'hosts'.padStart(5)}  ${'tool'.padEnd(36)} ${'wall ms'.padEnd(24)} ${'cpu ms'.padEnd(22)} ${'peak MB'.padEnd(18)} round trips/host`;
  console.log(`\n${head}`);
  for (const r of rows) {
    const name = r.latencyMs ? `${r.workload} @${r.latencyMs}ms` : r.workload;
    console.log(`${name.padEnd(34)} ${String(r.hosts).padStart(5)}  ${r.tool.padEnd(36)} ${spread(r.wallMs).padEnd(24)} ${spread(r.cpuMs).padEnd(22)} ${spread(r.peakRssMb, 1).padEnd(18)} ${r.roundTripsPerHost ? spread(r.roundTripsPerHost, 1) : ''}`);
  }
  console.log(`\ncpu: ${CPU_METHOD}; floor: measured inside the script`);
}

function ratios(rows: Row[]): Record<string, number> {
  const out: Record<string, number> = {};
  const find = (w: string, size: number, tool: string) => rows.find((r) => r.workload === w && r.hosts === size && !r.latencyMs && r.tool.startsWith(tool));
  for (const size of sizes) {
    const pairs: [string, string, string, string][] = [
      ['shell all true', 'openssh', 'tsinfra', `openssh/tsinfra shell all true @${size}`],
      ['prepare-like: first run', 'ansible', 'tsinfra', `ansible/tsinfra prepare-like first run @${size}`],
      ['prepare-like: no change', 'ansible', 'tsinfra', `ansible/tsinfra prepare-like no change @${size}`],
    ];
    for (const [w, slow, fast, key] of pairs) {
      const a = find(w, size, slow);
      const b = find(w, size, fast);
      if (a && b) out[key] = median(a.wallMs) / median(b.wallMs);
    }
    const floor = rows.find((r) => r.workload.startsWith('floor') && r.hosts === size);
    const noChange = find('prepare-like: no change', size, 'tsinfra');
    if (floor && noChange) out[`tsinfra prepare-like no change / floor @${size}`] = median(noChange.wallMs) / median(floor.wallMs);
  }
  return out;
}

async function main(): Promise<void> {
  // Before any lab: installing under a running lab would change its hosts' root filesystem.
  const opts: BenchOptions = { runs, ansiblePlaybook: withAnsible ? ensureAnsible(log) : undefined };
  const rows: Row[] = [];
  for (const size of sizes) rows.push(...(await withLab({ name: `bench${size}`, hosts: size }, (lab) => sizeWorkloads(lab, opts))));
  if (latencyHosts > 0 && !quick) {
    rows.push(...(await withLab({ name: `bench${latencyHosts}-lat`, hosts: latencyHosts, latencyMs }, (lab) => prepareWorkload(lab, opts))));
  }
  for (const size of scaleSizes) rows.push(...(await withLab({ name: `bench${size}-scale`, hosts: size }, (lab) => adHocWorkload(lab, opts))));
  if (loadHosts > 0) {
    rows.push(...(await withLab({ name: `bench${loadHosts}-load`, hosts: loadHosts }, (lab) => prepareWorkload(lab, { ...opts, runs: 1 }, 'prepare.yaml (load)', ['--retries', '2']))));
  }
  print(rows);
  const r = ratios(rows);
  for (const [k, v] of Object.entries(r)) console.log(`${k}: ${v.toFixed(2)}x`);
  const results = { date: new Date().toISOString(), runs, cpuMethod: CPU_METHOD, withAnsible, ratios: r, rows };
  writeFileSync(join(import.meta.dirname, 'results.json'), `${JSON.stringify(results, null, 2)}\n`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
