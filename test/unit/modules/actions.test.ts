// Actions run through a local ActionIO: scripts go to the real /bin/sh, time is a fake clock.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer } from 'node:net';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ActionIO, RegisteredResult } from '../../../src/modules/define.js';
import { getModule } from '../../../src/modules/registry.js';
import { argsOf, localIO, nastyTempDir } from './support.js';
import { evaluateCondition, evaluateExpressionText } from '../../../src/template/index.js';

const { dir, cleanup } = nastyTempDir();
after(cleanup);

async function run(name: string, raw: unknown, io: ActionIO = localIO()): Promise<RegisteredResult> {
  const m = getModule(name);
  if (!m || m.kind !== 'action') throw new Error(`${name} is not an action`);
  return m.run(argsOf(name, raw), io);
}

test('command runs argv without a shell, in chdir, and reports like Ansible', async () => {
  const sub = join(dir, "work 'dir' $(x)");
  mkdirSync(sub);
  const r = await run('command', { cmd: "printf '%s|' 'a b' $HOME \"c\"", chdir: sub });
  assert.equal(r.stdout, 'a b|$HOME|c|', 'no expansion: words are passed as written');
  assert.equal(r.rc, 0);
  assert.equal(r.changed, true);
  assert.equal(r.failed, false);
  const pwd = await run('command', { argv: ['pwd'], chdir: sub });
  assert.equal(pwd.stdout, sub, 'trailing newline stripped (strip_empty_ends)');
  assert.deepEqual(pwd.stdout_lines, [sub]);
});

test('command failure and missing chdir', async () => {
  const r = await run('command', 'false');
  assert.equal(r.rc, 1);
  assert.equal(r.failed, true);
  assert.equal(r.msg, 'non-zero return code');
  const nodir = await run('command', { cmd: 'true', chdir: join(dir, 'missing') });
  assert.equal(nodir.failed, true);
});

test('creates/removes skip in the same exec, with globs', async () => {
  const marker = join(dir, "made 'by' $(me).done");
  const io = localIO();
  const first = await run('shell', { cmd: `echo ran && touch "${marker.replace(/(["$`\\])/g, '\\$1')}"`, creates: join(dir, '*.done') }, io);
  assert.equal(first.stdout, 'ran');
  assert.equal(existsSync(marker), true);
  const second = await run('shell', { cmd: 'echo ran', creates: join(dir, '*.done') }, io);
  assert.equal(second.changed, false);
  assert.equal(second.msg, `Did not run command since ${join(dir, '*.done')} exists`);
  assert.equal(io.execs.length, 2, 'one exec each, skip or not');
  const removes = await run('command', { cmd: 'echo x', removes: join(dir, 'nothing-*') });
  assert.equal(removes.changed, false);
});

test('shell pipes, stdin, exit codes, and the user text runs without our set -eu', async () => {
  assert.equal((await run('shell', 'echo hi | tr a-z A-Z')).stdout, 'HI');
  assert.equal((await run('shell', { cmd: 'tr a-z A-Z', stdin: "it's $(not) run" })).stdout, "IT'S $(NOT) RUN");
  assert.equal((await run('shell', { cmd: 'wc -c', stdin: 'abc', stdin_add_newline: false })).stdout?.trim(), '3');
  const r = await run('shell', 'false; echo after; exit 7');
  assert.equal(r.stdout, 'after');
  assert.equal(r.rc, 7);
  assert.equal((await run('shell', 'echo $UNSET_VAR_X')).rc, 0, 'no set -u for the user text');
  assert.equal((await run('shell', 'cat')).stdout, '', 'stdin is /dev/null, not our script');
});

test('raw sends the text as is', async () => {
  const r = await run('raw', 'echo "$((1 + 2))"; exit 3');
  assert.equal(r.stdout, '3\n');
  assert.equal(r.rc, 3);
  assert.equal(r.failed, true);
});

test('wait_for: a path that appears, a regex, and a timeout', async () => {
  const p = join(dir, "ready 'file'");
  const io = localIO();
  setTimeout(() => writeFileSync(p, 'status: starting\n'), 300);
  const r = await run('wait_for', { path: p, timeout: 10 }, io);
  assert.equal(r.failed, false);
  assert.equal(r.changed, false);
  assert.equal(io.execs.length, 1, 'the loop runs on the host: one exec');
  writeFileSync(p, 'status: ready\n');
  const matched = await run('wait_for', { path: p, search_regex: 'status: (ready|up)', timeout: 2 });
  assert.equal(matched.failed, false);
  assert.deepEqual(matched.match_groups, ['ready']);
  const gone = await run('wait_for', { path: p, state: 'absent', timeout: 1 });
  assert.equal(gone.failed, true);
  assert.equal(gone.msg, `Timeout when waiting for ${p} to be absent.`);
  assert.equal((await run('wait_for', { path: p, state: 'absent', timeout: 1, msg: 'still there' })).msg, 'still there');
});

test('wait_for: a local port listening, then stopped', async () => {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as { port: number }).port;
  assert.equal((await run('wait_for', { port, timeout: 5 })).failed, false);
  const stopped = await run('wait_for', { port, state: 'stopped', timeout: 1 });
  assert.equal(stopped.failed, true);
  assert.equal(stopped.msg, `Timeout when waiting for 127.0.0.1:${port} to stop.`);
  await new Promise<void>((resolve) => server.close(() => resolve()));
  assert.equal((await run('wait_for', { port, state: 'stopped', timeout: 5 })).failed, false);
});

test('wait_for_connection retries until the host answers, on the injected clock', async () => {
  let tries = 0;
  const io = localIO({ tryConnect: async () => ++tries >= 3 });
  const r = await run('wait_for_connection', { delay: 2, sleep: 5 }, io);
  assert.deepEqual(r, { changed: false, failed: false, elapsed: 12 });
  const never = await run('wait_for_connection', { timeout: 10, sleep: 3 }, localIO({ tryConnect: async () => false }));
  assert.equal(never.failed, true);
  assert.equal(never.msg, 'timed out waiting for connection after 9s');
});

test('debug, set_fact, assert, fail', async () => {
  const vars = { app: { ports: [80, 443] }, x: 1, y: 3, items: [] };
  const site = { file: 'site.yml', task: 't' };
  const io = localIO({
    vars,
    verbosity: 1,
    evaluate: (e) => evaluateExpressionText(e, vars, site),
    holds: (c) => evaluateCondition(c, vars, site),
  });
  assert.deepEqual(await run('debug', { msg: 'hi' }, io), { changed: false, failed: false, msg: 'hi' });
  assert.deepEqual(await run('debug', null, io), { changed: false, failed: false, msg: 'Hello world!' });
  assert.deepEqual(await run('debug', { var: 'app.ports[1]' }, io), { changed: false, failed: false, 'app.ports[1]': 443 });
  assert.deepEqual(await run('debug', { var: 'nope' }, io), { changed: false, failed: false, nope: 'VARIABLE IS NOT DEFINED!' });
  assert.deepEqual(await run('debug', { var: 'x == 1' }, io), { changed: false, failed: false, 'x == 1': true });
  assert.equal((await run('debug', { msg: 'x', verbosity: 2 }, io)).skipped, true);
  assert.deepEqual(await run('set_fact', { a: 1, cacheable: 'yes' }, io), { changed: false, failed: false, ansible_facts: { a: 1 } });
  assert.deepEqual(await run('assert', { that: 'x == 1' }, io), { changed: false, failed: false, msg: 'All assertions passed' });
  assert.deepEqual(await run('assert', { that: ['x == 1', 'y == 2'], msg: 'bad y' }, io), {
    changed: false,
    failed: true,
    assertion: 'y == 2',
    evaluated_to: false,
    msg: 'bad y',
  });
  assert.equal((await run('assert', { that: 'items' }, io)).failed, true, 'an empty list is false');
  assert.deepEqual(await run('fail', null, io), { changed: false, failed: true, msg: 'Failed as requested from task' });
});
