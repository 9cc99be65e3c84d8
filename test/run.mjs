// Runs the test files, each in its own node process (tsx loads TypeScript), TEST_CONCURRENCY at a time (default 4).
// `node test/run.mjs [unit|lab|DIR|FILE...]`. Lab tests each bring up their own lab (own subnets and name prefix), so
// files run in parallel. Each file's output is printed whole when it ends (never interleaved), and the run ends with
// the totals, the failing files and the slowest files with their wall time, so a slow suite says where time goes.
// A file that fails in the parallel pool is run once more, alone, after the pool: a lab test that only fails when
// four lab files load two cores at once is reported as such ("failed under load, passed alone"), with its first
// failure printed, instead of sinking the run; a file that fails alone too fails the run. The failures are printed
// again at the very end, where a CI log's tail shows them.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawn } from 'node:child_process';

function collect(dir) {
  if (!statSync(dir).isDirectory()) return [dir];
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return name === 'fixtures' ? [] : collect(path);
    return name.endsWith('.test.ts') ? [path] : [];
  });
}

const roots = process.argv.slice(2).map((a) => (a.startsWith('test/') ? a : join('test', a)));
// The slowest files first (roles and module twins run ansible-playbook beside us; prepare runs whole plays), so the
// run does not end waiting on one long file started last: longest first, then the rest in path order.
const SLOW = [/\/roles\//, /-twin\.test\.ts$/, /\/prepare\//, /\/faults\//];
const rank = (f) => {
  const i = SLOW.findIndex((re) => re.test(f));
  return i < 0 ? SLOW.length : i;
};
const files = (roots.length ? roots : ['test']).flatMap(collect).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const concurrency = Math.max(1, Number(process.env.TEST_CONCURRENCY ?? '4'));

const COUNTS = ['tests', 'pass', 'fail', 'cancelled', 'skipped', 'todo'];

/** Runs one file; resolves with its output, exit status, wall time and the counts its reporter printed. */
function runFile(file) {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, ['--import', 'tsx', '--test', '--test-reporter=spec', file], { stdio: ['ignore', 'pipe', 'pipe'] });
    const chunks = [];
    child.stdout.on('data', (c) => chunks.push(c));
    child.stderr.on('data', (c) => chunks.push(c));
    child.on('close', (code, signal) => {
      const output = Buffer.concat(chunks).toString('utf8');
      const counts = Object.fromEntries(COUNTS.map((k) => [k, Number(new RegExp(`^ℹ ${k} (\\d+)$`, 'm').exec(output)?.[1] ?? 0)]));
      resolve({ file, output, ok: code === 0, status: signal ?? code, seconds: (Date.now() - started) / 1000, counts });
    });
  });
}

const started = Date.now();
const results = [];
const queue = [...files];
await Promise.all(
  Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
    for (let file = queue.shift(); file; file = queue.shift()) {
      const r = await runFile(file);
      process.stdout.write(`\n━━ ${r.ok ? '✔' : '✖'} ${r.file} (${r.seconds.toFixed(1)} s)\n${r.output}`);
      results.push(r);
    }
  }),
);

// Failing files again, one at a time, on a machine no longer loaded by the pool.
const firstFailures = results.filter((r) => !r.ok);
const retries = [];
for (const first of firstFailures) {
  const again = await runFile(first.file);
  process.stdout.write(`\n━━ ${again.ok ? '✔' : '✖'} ${again.file} (run again alone, ${again.seconds.toFixed(1)} s)\n${again.output}`);
  retries.push({ first, again });
  results[results.indexOf(first)] = again;
}

/** The reporter's own "failing tests" section of a file's output (the assertion and where), bounded. */
function failureDetails(output) {
  const at = output.indexOf('✖ failing tests:');
  // Node's own frames say nothing about the test.
  const text = (at >= 0 ? output.slice(at) : output.slice(-4000))
    .split('\n')
    .filter((l) => !/^\s+at (async )?(Test\.|new Promise|process\.|node:)/.test(l))
    .join('\n');
  return text.length > 6000 ? `${text.slice(0, 6000)}\n…` : text;
}

const total = Object.fromEntries(COUNTS.map((k) => [k, results.reduce((n, r) => n + r.counts[k], 0)]));
const failed = results.filter((r) => !r.ok);
const slowest = [...results].sort((a, b) => b.seconds - a.seconds).slice(0, 15);
console.log(`\n━━ ${results.length} files in ${((Date.now() - started) / 1000).toFixed(0)} s, concurrency ${concurrency}`);
console.log(COUNTS.map((k) => `${k} ${total[k]}`).join(', '));
console.log('slowest files:');
for (const r of slowest) console.log(`  ${r.seconds.toFixed(1).padStart(6)} s  ${r.file}`);
for (const { first, again } of retries) {
  console.log(`\n━━ ${first.file} failed under load (exit ${first.status}, ${first.counts.fail} failed); alone it ${again.ok ? 'passed' : 'failed again'}. First failure:`);
  console.log(failureDetails(first.output));
  if (!again.ok) console.log(`Failure alone:\n${failureDetails(again.output)}`);
}
const flaky = retries.filter((r) => r.again.ok).map((r) => r.first.file);
if (flaky.length > 0) {
  console.log(`failed under load, passed alone (${flaky.length}):`);
  for (const f of flaky) console.log(`  ${f}`);
}
if (failed.length > 0) {
  console.log(`failing files (${failed.length}):`);
  for (const r of failed) console.log(`  ${r.file} (exit ${r.status}, ${r.counts.fail} failed)`);
}
process.exit(failed.length > 0 ? 1 : 0);
