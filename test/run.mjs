// Runs the test files with node's test runner (tsx loads TypeScript). `node test/run.mjs [unit|lab|DIR...]`.
// Lab tests each bring up their own lab (own subnets and name prefix), so files run in parallel.
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';

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
const SLOW = [/\/roles\//, /-twin\.test\.ts$/, /\/prepare\//];
const rank = (f) => {
  const i = SLOW.findIndex((re) => re.test(f));
  return i < 0 ? SLOW.length : i;
};
const files = (roots.length ? roots : ['test']).flatMap(collect).sort((a, b) => rank(a) - rank(b) || a.localeCompare(b));
if (files.length === 0) {
  console.error('no test files found');
  process.exit(1);
}
const concurrency = process.env.TEST_CONCURRENCY ?? '4';
const args = ['--import', 'tsx', '--test', `--test-concurrency=${concurrency}`, '--test-reporter=spec', ...files];
const result = spawnSync(process.execPath, args, { stdio: 'inherit' });
process.exit(result.status ?? 1);
