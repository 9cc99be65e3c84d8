// `tsinfra hosts` and `tsinfra inventory`, run as a user would (a child process) from the TypeScript sources.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { join, dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { FIXTURES, writeTree } from './inventory-helpers.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const ENTRY = `import { main } from './src/cli/main.ts'; process.exitCode = await main(['node', 'tsinfra', ...process.argv.slice(1)]);`;
const INI = join(FIXTURES, 'equiv', 'hosts.ini');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function tsinfra(args: string[], env: Record<string, string | undefined> = {}): Promise<Run> {
  const childEnv = { ...process.env, TSINFRA_INVENTORY: undefined, ...env };
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--input-type=module', '--eval', ENTRY, ...args],
      { cwd: ROOT, env: childEnv as NodeJS.ProcessEnv },
      (err, stdout, stderr) => resolve({ code: err ? Number(err.code ?? 1) : 0, stdout, stderr }),
    );
  });
}

test('hosts PATTERN lists matching hosts one per line; --json and --limit', async () => {
  const r = await tsinfra(['hosts', 'prod:!db', '-i', INI]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, 'web01.example.com\nweb02.example.com\nweb03.example.com\nweb-canary.example.com\n');
  const j = await tsinfra(['hosts', 'all', '-i', INI, '--limit', 'db', '--limit', 'bastion', '--json']);
  assert.deepEqual(JSON.parse(j.stdout), ['bastion', 'db-a.example.com', 'db-b.example.com', 'db-c.example.com']);
});

test('a pattern that matches nothing warns and exits 0', async () => {
  const r = await tsinfra(['hosts', 'nosuch', '-i', INI]);
  assert.equal(r.code, 0);
  assert.equal(r.stdout, '');
  assert.match(r.stderr, /warning: no hosts matched pattern "nosuch"/);
});

test('inventory --host shows merged vars and where each came from', async () => {
  const r = await tsinfra(['inventory', '-i', INI, '--host', 'web-canary.example.com']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^host web-canary\.example\.com \(groups: all, prod, web\)\n/);
  assert.match(r.stdout, new RegExp(`\\nansible_port +2222 +${escape(INI)}:6:24 \\(host web-canary\\.example\\.com\\)\\n`));
  assert.match(r.stdout, new RegExp(`\\nhttp_port +8080 +${escape(INI)}:9:1 \\(group web\\)\\n`));
  assert.match(r.stdout, /\nmode +"0644" /);

  const j = await tsinfra(['inventory', '-i', INI, '--host', 'bastion', '--json']);
  const parsed = JSON.parse(j.stdout);
  assert.deepEqual(parsed.groups, ['all', 'ungrouped']);
  assert.equal(parsed.vars.ansible_host, '203.0.113.10');
  assert.equal(parsed.origins.ansible_user, `${INI}:2:35 (host bastion)`);
});

test('secrets are masked in --host and --list', async () => {
  const dir = writeTree({
    'hosts.ini': ['[db]', 'db1 ansible_become_password=hunter2 api_token=abc ansible_ssh_pass=pw1', '[db:vars]', "conf={'password': 'x', 'user': 'u'}"].join('\n'),
  });
  const r = await tsinfra(['inventory', '-i', join(dir, 'hosts.ini'), '--host', 'db1']);
  assert.equal(r.code, 0, r.stderr);
  assert.doesNotMatch(r.stdout, /hunter2|abc|pw1|"x"/);
  assert.match(r.stdout, /ansible_become_password +\*\*\*/);
  const j = await tsinfra(['inventory', '-i', join(dir, 'hosts.ini'), '--host', 'db1', '--json']);
  assert.deepEqual(JSON.parse(j.stdout).vars, { conf: { password: '********', user: 'u' }, ansible_become_password: '********', api_token: '********', ansible_ssh_pass: '********' });
  const l = await tsinfra(['inventory', '-i', join(dir, 'hosts.ini'), '--list']);
  assert.doesNotMatch(l.stdout, /hunter2|pw1/);
});

test('inventory --list prints the ansible-inventory --list shape', async () => {
  const r = await tsinfra(['inventory', '--list'], { TSINFRA_INVENTORY: join(FIXTURES, 'equiv', 'hosts.yml') });
  assert.equal(r.code, 0, r.stderr);
  const list = JSON.parse(r.stdout);
  assert.deepEqual(list.all, { children: ['ungrouped', 'prod'] });
  assert.deepEqual(list.ungrouped, { hosts: ['bastion'] });
  assert.deepEqual(list.prod, { children: ['web', 'db'] });
  assert.deepEqual(list.db.hosts, ['db-a.example.com', 'db-b.example.com', 'db-c.example.com']);
  assert.equal(list._meta.hostvars['db-c.example.com'].ansible_host, '10.0.0.30');
});

test('usage and config errors: one line, Ansible exit codes', async () => {
  const none = await tsinfra(['hosts', 'all']);
  assert.equal(none.code, 5);
  assert.equal(none.stderr, 'tsinfra: no inventory given (hint: pass -i PATH, set TSINFRA_INVENTORY, or set inventory in ansible.cfg)\n');

  const missing = await tsinfra(['hosts', 'all', '-i', 'no/such/inventory.ini']);
  assert.equal(missing.code, 4);
  assert.match(missing.stderr, /^tsinfra: no\/such\/inventory\.ini: inventory not found/);

  const bad = await tsinfra(['inventory', '--list', '-i', join(FIXTURES, 'bad', 'range-reversed.ini')]);
  assert.equal(bad.code, 4);
  assert.equal(bad.stderr.trim().split('\n').length, 1);
  assert.match(bad.stderr, /range-reversed\.ini:2:4: bad host range "\[05:01\]": 05 is after 01/);

  const both = await tsinfra(['inventory', '-i', INI]);
  assert.equal(both.code, 5);
  assert.match(both.stderr, /exactly one of --host NAME, --list or --graph/);

  const unknown = await tsinfra(['inventory', '-i', INI, '--host', 'nosuch']);
  assert.equal(unknown.code, 5);
  assert.match(unknown.stderr, /no host named "nosuch"/);
});

test('several -i merge', async () => {
  const dir = writeTree({ 'more.ini': '[cache]\nredis1\n' });
  const r = await tsinfra(['hosts', 'cache:bastion', '-i', INI, '-i', join(dir, 'more.ini')]);
  assert.equal(r.stdout, 'bastion\nredis1\n');
});

function escape(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
