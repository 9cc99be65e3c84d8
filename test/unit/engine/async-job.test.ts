// async/poll (src/engine/async-job.ts) and async_status's reading (src/modules/async-status.ts). The job scripts run
// for real in a local /bin/sh with ANSIBLE_ASYNC_DIR in a temporary directory (the polls' sleeps shortened), so the
// results files are the ones a host gets; the engine's part runs on the fake transport.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jobDeadline, launchScript, runAsyncJob, type AsyncIO } from '../../../src/engine/async-job.js';
import { asyncStatusResult, asyncStatusScript } from '../../../src/modules/async-status.js';
import { commandJob } from '../../../src/modules/command.js';
import { sh, type Script } from '../../../src/shell/script.js';
import { secret } from '../../../src/shell/secret.js';
import { runFakePlay } from '../../support/fake-play.js';

const dir = mkdtempSync(join(tmpdir(), 'tsinfra-async-'));
process.once('exit', () => rmSync(dir, { recursive: true, force: true }));

function localIO(pollMs = 30): AsyncIO & { scripts: Script[] } {
  const scripts: Script[] = [];
  return {
    scripts,
    host: 'local',
    exec: async (script) => {
      scripts.push(script);
      const r = spawnSync('/bin/sh', ['-s'], { input: script.text, encoding: 'utf8', env: { ...process.env, ANSIBLE_ASYNC_DIR: dir } });
      return { stdout: r.stdout, stderr: r.stderr, code: r.status, signal: r.signal };
    },
    // A poll of `poll` seconds waits pollMs here: the job's time is real, the controller's counting is Ansible's.
    sleep: (ms) => new Promise((r) => setTimeout(r, (ms / 1000) * pollMs)),
  };
}

async function waitForFinished(file: string): Promise<Record<string, unknown>> {
  for (let i = 0; i < 600; i++) {
    const data = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
    if (!('started' in data)) return data;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${file} never finished: ${readFileSync(file, 'utf8')}`);
}

test('poll > 0: the job runs, its result is the command result with the job keys, and the results file is removed', async () => {
  const io = localIO();
  const program = sh`sh -c ${'printf "a\\tb\\\\c\\"q\\n\\nend\\n\\n"; echo oops >&2; exit 3'}`;
  const r = await runAsyncJob(io, commandJob(program, { strip: true, cmd: 'the cmd' }), { limit: 600, poll: 1 });
  assert.equal(r.finished, 1, JSON.stringify(r));
  assert.equal(r.started, 1);
  assert.match(String(r.ansible_job_id), /^j\d+\.\d+$/);
  assert.equal(r.results_file, join(dir, String(r.ansible_job_id)));
  assert.deepEqual([r.rc, r.stdout, r.stderr, r.failed, r.changed, r.msg, r.cmd], [3, 'a\tb\\c"q\n\nend', 'oops', true, true, 'non-zero return code', 'the cmd']);
  assert.deepEqual(r.stdout_lines, ['a\tb\\c"q', '', 'end']);
  assert.match(String(r.start), /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d{6}$/);
  assert.match(String(r.delta), /^0:00:\d\d\.\d{6}$/);
  assert.ok(!existsSync(String(r.results_file)), 'cleaned up after a finished poll');
  assert.deepEqual(readdirSync(dir), [], 'no job files left behind');
});

test('poll > 0 past async: "did not complete within the requested time", with the last status', async () => {
  const io = localIO(1);
  // Ends by itself a few seconds later (before its own deadline, 10 s): nothing is left to stop.
  const r = await runAsyncJob(io, commandJob(sh`sleep 8`, { strip: true, cmd: 'sleep 8' }), { limit: 2, poll: 1 });
  assert.equal(r.failed, true);
  assert.equal(r.msg, 'async task did not complete within the requested time - 2s');
  const last = r.async_result as Record<string, unknown>;
  assert.deepEqual([last.started, last.finished], [1, 0], JSON.stringify(last));
  // Two polls (async 2 / poll 1), as Ansible counts them: the launch, two reads, no cleanup.
  assert.equal(io.scripts.length, 3);
});

test('poll 0: the job id at once; async_status reads running, then the result; cleanup erases; then "could not find job"', async () => {
  const io = localIO();
  // The job waits for `go`, so it is surely still running at the first read.
  const go = join(tmpdir(), `tsinfra-async-go-${process.pid}`);
  process.once('exit', () => rmSync(go, { force: true }));
  const r = await runAsyncJob(io, commandJob(sh`sh -c ${'while [ ! -e "$1" ]; do sleep 0.05; done; echo done'} sh ${go}`, { strip: true, cmd: ['sh'] }), { limit: 600, poll: 0 });
  const jid = String(r.ansible_job_id);
  assert.deepEqual(r, { changed: true, failed: false, ansible_job_id: jid, results_file: join(dir, jid), started: 1, finished: 0 });
  const status = async (mode: 'status' | 'cleanup') => asyncStatusResult(jid, mode, (await io.exec(asyncStatusScript(jid, mode))).stdout);
  const running = await status('status');
  assert.deepEqual(running, { changed: false, failed: false, started: 1, finished: 0, stdout: '', stderr: '', stdout_lines: [], stderr_lines: [], ansible_job_id: jid, results_file: join(dir, jid) });
  writeFileSync(go, '');
  await waitForFinished(join(dir, jid));
  const done = await status('status');
  assert.deepEqual([done.finished, done.started, done.changed, done.rc, done.stdout, done.stdout_lines, done.msg], [1, 1, true, 0, 'done', ['done'], '']);
  const cleaned = await status('cleanup');
  assert.deepEqual([cleaned.erased, cleaned.started, cleaned.finished, cleaned.failed], [join(dir, jid), 0, 0, false]);
  const gone = await status('status');
  assert.deepEqual([gone.failed, gone.msg, gone.finished], [true, 'could not find job', 1]);
});

test('creates: the results file holds the "did not run" result (no times), as Ansible\'s command module writes it', async () => {
  const io = localIO();
  const r = await runAsyncJob(io, commandJob(sh`false`, { strip: true, cmd: ['false'], creates: '/' }), { limit: 600, poll: 1 });
  assert.deepEqual([r.changed, r.failed, r.rc, r.stdout, r.msg, r.start, r.delta, r.finished], [false, false, 0, 'skipped, since / exists', 'Did not run command since / exists', null, null, 1]);
});

test('the job script travels on stdin, masked when shown; the job files are the user\'s alone; deadlines as async_wrapper', async () => {
  const job = commandJob(sh`printf '%s' ${secret('s3cr3t-value')}`, { strip: true, cmd: 'x' });
  const script = launchScript(job, 10);
  assert.ok(script.text.includes('s3cr3t-value'));
  assert.ok(!script.shown.includes('s3cr3t-value'), 'masked in -vvv');
  assert.match(script.text, /^umask 077$/m);
  assert.match(script.text, /setsid sh "\$f\.job" "\$f" '?15'? <\/dev\/null/);
  assert.deepEqual([1, 5, 6, 10, 11].map(jobDeadline), [10, 10, 15, 15, 20]);
  // A status printout that is not JSON yet (a half-written file) is a running job, as async_status reads it.
  assert.deepEqual(asyncStatusResult('j1.2', 'status', '/x/j1.2\nfound\n{"sta').finished, 0);
});

const INVENTORY = 'all:\n  hosts:\n    h1: {}\n';

test('engine: poll 0 registers the job in one exec; async 0 runs as usual; a task without async never sees the launcher', async () => {
  const book = `- hosts: all
  gather_facts: false
  tasks:
    - name: bg
      shell: sleep 100
      async: "{{ 45 }}"
      poll: 0
      register: job
    - name: plain
      command: echo plain
      async: 0
    - name: show
      debug: { msg: "{{ job.ansible_job_id }} {{ job.finished }} {{ job.results_file }}" }
`;
  const { FakeTransport } = await import('../../../src/transport/fake.js');
  const fake = new FakeTransport();
  fake.on('setsid sh', () => ({ stdout: 'j7.9\n/root/.ansible_async/j7.9\n' }));
  const r = await runFakePlay({ files: { 'inventory.yaml': INVENTORY, 'site.yaml': book }, fake });
  assert.deepEqual(r.summary.failed, [], JSON.stringify(r.results()));
  assert.equal(r.status('bg', 'h1'), 'changed');
  assert.equal(r.fake.received('setsid sh').length, 1);
  assert.match(r.fake.received('setsid sh')[0]!.script, /"\$f" '?50'? </, 'the job deadline from async 45');
  assert.equal(r.results('show')[0]!.message, 'j7.9 0 /root/.ansible_async/j7.9');
  const plain = r.fake.received('echo plain');
  assert.equal(plain.length, 1);
  assert.ok(!plain[0]!.script.includes('setsid'), 'async: 0 runs the task as usual');
});

test('engine: check mode and async fail together, as Ansible refuses them', async () => {
  const book = `- hosts: all\n  gather_facts: false\n  tasks:\n    - name: bg\n      file: { path: /tmp/x, state: directory }\n      async: 10\n      ignore_errors: true\n`;
  const r = await runFakePlay({ files: { 'inventory.yaml': INVENTORY, 'site.yaml': book }, check: true });
  assert.equal(r.results('bg')[0]!.status, 'failed');
  assert.equal(r.results('bg')[0]!.message, 'check mode and async cannot be used on same task.');
});
