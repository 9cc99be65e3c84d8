// async/poll and async_status against Ansible's: the same playbook run by ansible-playbook on master1 and by tsinfra
// on its twin master2. Cases: async + poll that finishes, async + poll that runs out of time (Ansible's message),
// poll 0 then async_status (running, then until finished), a state module (file) as a job, a job that outlives its connection
// (reset_connection while it runs), the results file as a role could read it (slurp), and cleanup. Compared: the
// registered keys and values, except the job ids and times. The sleeps are short; no assertion depends on timing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostExec, ok, startLab } from '../../support/lab.js';
import { ANSIBLE_PLAYBOOK, ansiblePlay, tsinfraPlay } from '../../support/ansible-twin.js';
import { jsonLines } from '../../support/cli.js';

const lab = ANSIBLE_PLAYBOOK ? await startLab({ kind: 'namespace', hosts: 2 }) : undefined;
const THEIRS = 'master1';
const OURS = 'master2';

const OUTPUT = ['changed', 'failed', 'finished', 'started', 'rc', 'stdout', 'stderr', 'stdout_lines', 'stderr_lines', 'msg', 'cmd'];
// Jobs that wait for this file are surely still running until the `go` task makes it: no race with the clock.
const WAIT = "sh -c 'while [ ! -e /tmp/async-twin-go ]; do sleep 0.2; done; echo ready'";
/** [registered name, task (registering it), keys compared], in playbook order; a name-less entry is a plain task. */
const STEPS: [name: string, task: string, keys: string[]][] = [
  ['done', 'shell: echo hi; echo err >&2; sleep 1\n      async: 30\n      poll: 1', OUTPUT],
  ['slow', 'shell: sleep 6\n      async: 2\n      poll: 1\n      ignore_errors: true', ['changed', 'failed', 'msg']],
  ['bg', `command: ${WAIT}\n      async: 60\n      poll: 0`, ['changed', 'started', 'finished']],
  ['running', 'async_status: jid={{ bg.ansible_job_id }}', ['changed', 'failed', 'started', 'finished', 'stdout', 'stderr', 'stdout_lines', 'stderr_lines']],
  ['survivor', `shell: ${WAIT} > /tmp/async-twin-survived\n      async: 60\n      poll: 0`, ['changed', 'started', 'finished']],
  // The connection goes while the jobs run; they go on, and async_status finds them finished.
  ['', 'meta: reset_connection', []],
  ['', 'file: { path: /tmp/async-twin-go, state: touch }', []],
  ['st', 'async_status: jid={{ bg.ansible_job_id }}\n      until: st.finished\n      retries: 60\n      delay: 1', OUTPUT],
  ['slurped', 'slurp: src="{{ st.results_file }}"', []],
  ['cl', 'async_status: { jid: "{{ bg.ansible_job_id }}", mode: cleanup }', ['changed', 'failed', 'started', 'finished', 'stdout', 'stderr']],
  ['dir', 'file: { path: /tmp/async-twin-dir, state: directory }\n      async: 30\n      poll: 1', ['changed', 'failed', 'finished', 'started']],
  ['survived', 'async_status: jid={{ survivor.ansible_job_id }}\n      until: survived.finished\n      retries: 60\n      delay: 1', ['changed', 'failed', 'finished', 'rc', 'stdout']],
  ['files', 'shell: ls -A ~/.ansible_async; stat -c %a {{ survived.results_file }}', []],
];
const CASES = STEPS.filter(([name]) => name !== '');
const NAMES = CASES.map(([n]) => n);
const DUMP = '/tmp/async-twin-registered.json';

const BOOK =
  '- hosts: all\n  gather_facts: false\n  tasks:\n' +
  STEPS.map(([name, task]) => (name ? `    - name: ${name}\n      ${task}\n      register: ${name}\n` : `    - ${task}\n`)).join('') +
  // Everything registered, in one file (one task: ansible-playbook spends seconds per task); `results` is the
  // results file as a role reads it (slurped before cleanup removed it).
  `    - name: dump\n      copy: { content: "{{ { ${NAMES.map((n) => `'${n}': ${n}`).join(', ')}, 'results': slurped.content | b64decode | from_json } | to_json }}", dest: ${DUMP} }\n`;

async function registered(host: string): Promise<Record<string, Record<string, unknown>>> {
  return JSON.parse(ok(await hostExec(lab!, host, `cat ${DUMP}`))) as Record<string, Record<string, unknown>>;
}

/** Each task's status in ansible-playbook's text output (TASK [name] then its status line). */
function ansibleStatuses(output: string): Record<string, string> {
  const out: Record<string, string> = {};
  let task = '';
  for (const line of output.split('\n')) {
    const t = /^TASK \[(.*)\]/.exec(line);
    if (t) task = t[1]!;
    const s = /^(ok|changed|failed|fatal|skipping): \[/.exec(line);
    if (s && task && !(task in out)) out[task] = s[1] === 'fatal' ? 'failed' : s[1] === 'skipping' ? 'skipped' : s[1]!;
  }
  return out;
}

/** Each task's status in tsinfra's --json output. */
function ourStatuses(output: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const e of jsonLines(output.split('\n').filter((l) => l.startsWith('{')).join('\n'))) {
    if (e.type !== 'host_result') continue;
    const name = (e.task as { name: string }).name;
    out[name] ??= (e.result as { status: string }).status;
  }
  return out;
}

/** Keys that differ by nature between two runs: job ids, paths holding them, times, retry counts. */
const VOLATILE = new Set(['ansible_job_id', 'results_file', 'erased', 'start', 'end', 'delta', 'attempts', 'invocation', 'ansible_facts', 'child_pid']);
const keysOf = (r: Record<string, unknown>) => Object.keys(r).filter((k) => !VOLATILE.has(k)).sort();

test('async, poll and async_status register what Ansible registers', { timeout: 600_000 }, async () => {
  ok(await hostExec(lab!, THEIRS, 'rm -rf /tmp/async-twin-* ~/.ansible_async'));
  ok(await hostExec(lab!, OURS, 'rm -rf /tmp/async-twin-* ~/.ansible_async'));
  const started = Date.now();
  const theirs = await ansiblePlay(lab!, THEIRS, BOOK);
  const ansibleMs = Date.now() - started;
  const ours = await tsinfraPlay(lab!, OURS, BOOK);
  process.stderr.write(`async twin: ansible-playbook ${ansibleMs} ms, tsinfra ${Date.now() - started - ansibleMs} ms\n`);
  // The timed-out task and the vanished job are ignored: both runs end 0, every task with the same status.
  assert.equal(theirs.code, 0, `ansible-playbook failed:\n${theirs.output.slice(-3000)}`);
  assert.equal(ours.code, 0, `tsinfra failed:\n${ours.output.slice(-3000)}`);
  const [statusTheirs, statusOurs] = [ansibleStatuses(theirs.output), ourStatuses(ours.output)];
  for (const name of NAMES) assert.ok(statusTheirs[name], `no status for ${name} in:\n${theirs.output.slice(-3000)}`);
  const disagree = NAMES.filter((n) => statusOurs[n] !== statusTheirs[n]).map((n) => `${n}: status tsinfra ${statusOurs[n]} ansible ${statusTheirs[n]}`);

  const [mine, other] = [await registered(OURS), await registered(THEIRS)];
  let agreed = 0;
  for (const [name, , keys] of CASES) {
    const [a, b] = [mine[name]!, other[name]!];
    for (const k of keys) {
      if (JSON.stringify(a[k]) === JSON.stringify(b[k])) agreed++;
      else disagree.push(`${name}.${k}: tsinfra ${JSON.stringify(a[k])} ansible ${JSON.stringify(b[k])}`);
    }
    // Which keys each result has at all (beyond the values compared).
    // (dir: the file module's own keys are the file module's business, not async's.)
    if (!['slurped', 'dir', 'files'].includes(name) && keysOf(a).join() !== keysOf(b).join()) disagree.push(`${name}: keys tsinfra ${keysOf(a).join(',')} ansible ${keysOf(b).join(',')}`);
    if (!['cl', 'slurped', 'files'].includes(name)) assert.match(String(a.results_file ?? (a.async_result as Record<string, unknown> | undefined)?.results_file), /^\/root\/\.ansible_async\/j\d+\.\d+$/, `${name}: ${JSON.stringify(a)}`);
  }
  const [slow, slowTheirs] = [mine.slow!, other.slow!];
  assert.equal(slow.msg, 'async task did not complete within the requested time - 2s', JSON.stringify(slow));
  for (const k of ['started', 'finished']) {
    const [x, y] = [(slow.async_result as Record<string, unknown>)[k], (slowTheirs.async_result as Record<string, unknown>)[k]];
    if (x !== y) disagree.push(`slow.async_result.${k}: tsinfra ${x} ansible ${y}`);
  }
  // The results file: the module's keys, as Ansible's command module writes them.
  const [file, fileTheirs] = [mine.results!, other.results!];
  for (const k of ['changed', 'cmd', 'rc', 'stdout', 'stderr', 'msg']) if (JSON.stringify(file[k]) !== JSON.stringify(fileTheirs[k])) disagree.push(`results file ${k}: tsinfra ${JSON.stringify(file[k])} ansible ${JSON.stringify(fileTheirs[k])}`);
  for (const k of ['start', 'end', 'delta']) assert.equal(typeof file[k], 'string', `results file ${k}: ${JSON.stringify(file)}`);
  process.stderr.write(`async twin: ${agreed} registered values and ${NAMES.length} task statuses compared over ${NAMES.length} tasks, ${disagree.length} differences\n`);
  assert.deepEqual(disagree, []);

  const survived = mine.survived!;
  assert.equal(survived.finished, 1, JSON.stringify(survived));
  assert.equal(ok(await hostExec(lab!, OURS, 'cat /tmp/async-twin-survived')).trim(), 'ready', 'the job outlived its connection');
  assert.ok(ok(await hostExec(lab!, OURS, 'test -d /tmp/async-twin-dir && echo yes')).includes('yes'));
  // No job script is left (it may hold secrets): results files, and the output of a job still running (the timed-out
  // one runs until its own deadline), readable by their user alone.
  const files = String(mine.files!.stdout).split('\n');
  assert.equal(files.at(-1), '600', files.join('\n'));
  assert.ok(files.slice(0, -1).every((f) => /^j\d+\.\d+(\.out|\.err|\.tmp)?$/.test(f)), files.join('\n'));
});
