// The built CLI (bin/tsinfra runs dist/, so `npm run build` first, as `npm test` does) with Terraform sources.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from './terraform-helpers.js';

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function tsinfra(args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(join(REPO_ROOT, 'bin', 'tsinfra'), args, { cwd: REPO_ROOT, env: { ...process.env, TSINFRA_INVENTORY: '' } }, (err, stdout, stderr) =>
      resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

test('dist/ has the Terraform reader (run `npm run build` first)', () => {
  assert.ok(existsSync(join(REPO_ROOT, 'dist', 'inventory', 'terraform-inventory.js')), 'dist/ is out of date: run npm run build');
  assert.ok(existsSync(join(REPO_ROOT, 'dist', 'bundle', 'tsinfra.js')), 'the bundle bin/tsinfra runs is missing: run npm run build');
});

test('tsinfra hosts masters -i hetzner.tfstate', async () => {
  const r = await tsinfra(['hosts', 'masters', '-i', 'test/fixtures/terraform/hetzner.tfstate']);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'master1\nmaster2\nmaster3\n');
  assert.equal(r.stderr, '');
});

test('tsinfra inventory --host shows where in the state each variable was read', async () => {
  const r = await tsinfra(['inventory', '-i', 'test/fixtures/terraform/hetzner.tfstate', '--host', 'worker2']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^host worker2 \(groups: all, workers\)\n/);
  assert.match(r.stdout, /\nansible_host +"203\.0\.113\.22" +test\/fixtures\/terraform\/hetzner\.tfstate:\d+:\d+ \(host worker2\)\n/);
  assert.match(r.stdout, /\nansible_user +"root" +test\/fixtures\/terraform\/group_vars\/all\.yml:2:1 \(group all\)\n/);
});

test('terraform output -json and a state merge with other -i sources; errors exit non-zero with the file', async () => {
  const r = await tsinfra(['hosts', 'prod:!web', '-i', 'test/fixtures/terraform/scaleway.tfstate', '-i', 'test/fixtures/terraform/outputs.json', '--json']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(JSON.parse(r.stdout), ['db-1']);
  assert.match(r.stderr, /warning: .*scaleway\.tfstate:\d+:\d+: tag "terraform:managed" \(servers web-1, web-2\) is not a group name/);

  const bad = await tsinfra(['hosts', 'all', '-i', 'package.json']);
  assert.notEqual(bad.code, 0);
  assert.match(bad.stderr, /package\.json:1:1: not an inventory: expected a Terraform state/);
});
