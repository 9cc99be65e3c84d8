// The text play reporter against a fixed run (play-events.ts): exact output, colours off, then the parts that
// depend on options (verbose, --diff, colours, check mode, the live line on a terminal).
// The snapshots live in test/fixtures/report; UPDATE_SNAPSHOTS=1 rewrites them (review the diff before committing).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunEvent } from '../../../src/engine/events.js';
import { PlayTextReporter, formatDuration, type PlayTextOptions } from '../../../src/report/play-text.js';
import { PLAY_EVENTS, matchSnapshot } from './play-events.js';

function render(events: RunEvent[], options: Partial<PlayTextOptions> = {}): { text: string; writes: string[] } {
  const writes: string[] = [];
  const reporter = new PlayTextReporter({ out: { write: (s: string) => writes.push(s) }, color: false, live: false, ...options });
  for (const e of events) reporter.onEvent(e);
  reporter.close();
  return { text: writes.join(''), writes };
}

test('a whole run, as people see it (colours off)', () => {
  const { text, writes } = render(PLAY_EVENTS, { diff: true });
  matchSnapshot(text, 'play.txt');
  // One write per printed event: a host's block is never split.
  assert.ok(writes.every((w) => w.endsWith('\n')));
  assert.equal(writes.length, PLAY_EVENTS.filter((e) => e.type !== 'play_end' && e.type !== 'run_start').length - 1, 'the loop summaries that only repeat their items print nothing');
});

test('-v levels as Ansible: -v results, -vv the playbook and task paths, -vvv each remote script', () => {
  const t = { id: '1', name: 'write', at: 'x.yml:3:7' };
  const events: RunEvent[] = [
    { type: 'run_start', playbook: 'x.yml', check: false, diff: false, hosts: 1 },
    { type: 'task_start', task: t, hosts: ['a'] },
    { type: 'remote_exec', host: 'a', task: 'x.yml:3:7 write', script: "set -eu\nprintf '%s' *** | base64 -d\n", become: 'root', rc: 0, durationMs: 12 },
    { type: 'host_result', task: t, result: { host: 'a', status: 'ok', changes: [], rc: 0, durationMs: 1 } },
  ];
  const v1 = render(events, { verbose: 1 }).text;
  assert.doesNotMatch(v1, /task path|PLAYBOOK|SCRIPT/);
  assert.match(v1, /ok: \[a\]\n {4}rc: 0\n/);
  const v2 = render(events, { verbose: 2 }).text;
  assert.match(v2, /^PLAYBOOK: x\.yml\n[\s\S]*\ntask path: x\.yml:3:7\n/);
  assert.doesNotMatch(v2, /SCRIPT/);
  assert.match(render(events, { verbose: 3 }).text, /\ntask path: x\.yml:3:7\n<a> SCRIPT as root \(sudo\), rc=0, 0\.012s \(x\.yml:3:7 write\):\n {4}set -eu\n {4}printf '%s' \*\*\* \| base64 -d\nok: \[a\]\n/);
});

test('verbose: playbook and task paths, skip reasons, rc and whole command output', () => {
  const { text } = render(PLAY_EVENTS, { diff: true, verbose: 2 });
  assert.ok(text.startsWith('PLAYBOOK: site.yml\n\nPLAY [base setup] ***'));
  assert.match(text, /\nTASK \[base : install packages\] \*+\ntask path: site\.yml:10:5\n/);
  assert.match(text, /\nskipping: \[master1\] => \(item=carol\) => condition false\n/);
  assert.match(text, /\nok: \[master1\]\n {4}rc: 0\n {4}stdout:\n {6}\/dev\/vda1 40G 12G\nfailed: \[worker1\] => non-zero return code 2\n {4}rc: 2\n {4}stdout:\n {6}line 1\n/);
  assert.match(text, /\n {6}line 25\n {4}stderr:\n/);
  // no_log hides command output even with -v.
  assert.doesNotMatch(text, /hunter2/);
});

test('without --diff no diff is shown; without a terminal no escape codes', () => {
  const { text } = render(PLAY_EVENTS);
  assert.doesNotMatch(text, /^(---|\+\+\+|@@) /m);
  assert.match(text, /changed: \[master1\] =>\n {4}write \/etc\/motd \(2 lines differ\)\nskipping: \[worker1\]\n/);
  const plain = new PlayTextReporter({ out: { write: () => {} } });
  assert.ok(plain, 'defaults work without a terminal');
  assert.doesNotMatch(render(PLAY_EVENTS, { color: undefined, live: undefined }).text, /\u001b/);
});

test('no_log: status only, even for failures and loop items; diffs and output stay hidden', () => {
  const secret = { id: '1', name: 'secret', at: 'x.yml:1:1' };
  const events: RunEvent[] = [
    { type: 'task_start', task: secret, hosts: ['a'] },
    { type: 'host_result', task: secret, result: { host: 'a', status: 'changed', changes: ['pw'], item: 's3cret', diff: { path: '/p', before: 'a\n', after: 's3cret\n' }, durationMs: 1, noLog: true } },
    { type: 'host_result', task: secret, result: { host: 'a', status: 'ok', changes: [], item: 'other', durationMs: 1, noLog: true } },
    { type: 'host_result', task: secret, result: { host: 'a', status: 'failed', changes: [], message: 'bad s3cret', stderr: 's3cret', item: 'x', durationMs: 1, noLog: true } },
    { type: 'host_result', task: secret, result: { host: 'a', status: 'failed', changes: [], message: 'bad s3cret', stdout: 's3cret', rc: 1, ignored: true, durationMs: 1, noLog: true } },
  ];
  assert.equal(render(events, { diff: true, verbose: 2 }).text, [
    '',
    `TASK [secret] ${'*'.repeat(66)}`,
    'task path: x.yml:1:1',
    'changed: [a] => (item=censored) => censored: the output has been hidden due to no_log',
    'ok: [a] => (item=censored)',
    'failed: [a] (item=censored) => censored: the output has been hidden due to no_log',
    'failed: [a] => censored: the output has been hidden due to no_log',
    '...ignoring',
    '',
  ].join('\n'));
});

test('debug: the value as ansible-playbook prints it (json.dumps, indent 4, sorted keys), items too, no_log hidden', () => {
  const t = { id: '1', name: 'show', at: 'x.yml:1:1' };
  const events: RunEvent[] = [
    { type: 'host_result', task: t, result: { host: 'a', status: 'ok', changes: [], message: '[1, "é"]', debug: { msg: [1, 'é'] }, durationMs: 1 } },
    { type: 'host_result', task: t, result: { host: 'a', status: 'ok', changes: [], message: '{}', debug: { m: { z: {}, a: [] }, nope: 'VARIABLE IS NOT DEFINED!' }, durationMs: 1 } },
    { type: 'host_result', task: t, result: { host: 'a', status: 'ok', changes: [], message: 'pw', debug: { msg: 'pw' }, durationMs: 1, noLog: true } },
    { type: 'host_result', task: t, result: { host: 'a', status: 'ok', changes: [], item: 'x', message: 'x', debug: { ansible_loop_var: 'item', item: 'x', msg: 'x' }, durationMs: 1 } },
  ];
  assert.equal(render(events).text, [
    'ok: [a] => {',
    '    "msg": [',
    '        1,',
    '        "é"',
    '    ]',
    '}',
    'ok: [a] => {',
    '    "m": {',
    '        "a": [],',
    '        "z": {}',
    '    },',
    '    "nope": "VARIABLE IS NOT DEFINED!"',
    '}',
    'ok: [a] => censored: the output has been hidden due to no_log',
    'ok: [a] => (item=x) => {',
    '    "ansible_loop_var": "item",',
    '    "item": "x",',
    '    "msg": "x"',
    '}',
    '',
  ].join('\n'));
});

test('check mode marks the play; handlers and roles in task banners; banner width follows columns', () => {
  const t = { id: '1', name: 'reload', at: 'x.yml:1:1', role: 'web', isHandler: true };
  const { text } = render([
    { type: 'run_start', playbook: 'x.yml', check: true, diff: false, hosts: 1 },
    { type: 'play_start', play: 'web', hosts: ['a'] },
    { type: 'task_start', task: t, hosts: ['a'] },
    { type: 'task_start', task: { ...t, name: 'a very long task name that does not fit in the banner width' }, hosts: ['a'] },
  ], { columns: 40 });
  assert.equal(text, [
    '',
    'PLAY [web] [CHECK MODE] ****************',
    '',
    'RUNNING HANDLER [web : reload] *********',
    '',
    'RUNNING HANDLER [web : a very long task name that does not fit in the banner width] ***',
    '',
  ].join('\n'));
});

test('colours: statuses, the diff and the recap as Ansible colours them', () => {
  const { text } = render(PLAY_EVENTS, { diff: true, color: true });
  const esc = (code: number, s: string) => `\u001b[${code}m${s}\u001b[0m`;
  assert.ok(text.includes(`${esc(32, 'ok: [master1]')}\n`));
  assert.ok(text.includes(`${esc(33, 'changed: [master1] =>')}\n${esc(33, '    install nginx 1.22.1-9')}\n`));
  assert.ok(text.includes(`${esc(91, 'fatal: [db-primary]: UNREACHABLE! => db-primary: connect ECONNREFUSED 10.99.0.13:22')}\n`));
  assert.ok(text.includes(`${esc(36, '...ignoring')}\n`));
  assert.ok(text.includes(`${esc(1, '--- before: /etc/motd')}\n${esc(1, '+++ after: /etc/motd')}\n${esc(36, '@@ -1,3 +1,3 @@')}\n Welcome\n to master1\n${esc(31, '-managed by hand')}\n${esc(32, '+managed by tsinfra')}\n`));
  // Host red when it failed or was unreachable, yellow when it changed, else green; non-zero counts coloured.
  assert.ok(text.includes(`${esc(33, 'master1')}    : ${esc(32, 'ok=4')}    ${esc(33, 'changed=5')}    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0\n`));
  assert.ok(text.includes(`${esc(31, 'worker1')}    : ${esc(32, 'ok=2')}    changed=0    unreachable=0    ${esc(31, 'failed=1')}    ${esc(36, 'skipped=1')}    rescued=0    ${esc(95, 'ignored=1')}\n`));
  assert.ok(text.includes(`${esc(31, 'db-primary')} : ok=0    changed=0    ${esc(91, 'unreachable=1')}    failed=0`));
});

test('NO_COLOR turns colours off on a terminal', () => {
  const saved = process.env.NO_COLOR;
  process.env.NO_COLOR = '1';
  try {
    const writes: string[] = [];
    const r = new PlayTextReporter({ out: { write: (s: string) => writes.push(s), isTTY: true, columns: 100 }, live: false });
    for (const e of PLAY_EVENTS) r.onEvent(e);
    assert.doesNotMatch(writes.join(''), /\u001b/);
    assert.match(writes.join(''), /^\nPLAY \[base setup\] \*{82}\n/, 'the terminal width');
  } finally {
    if (saved === undefined) delete process.env.NO_COLOR;
    else process.env.NO_COLOR = saved;
  }
});

test('recap columns stay aligned with long names and big numbers', () => {
  const { text } = render([{
    type: 'recap',
    hosts: {
      a: { ok: 12345, changed: 0, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 },
      'long-host-name.example.org': { ok: 1, changed: 1000, unreachable: 0, failed: 0, skipped: 7, rescued: 1, ignored: 0 },
    },
    durationMs: 125_400,
  }]);
  assert.equal(text, [
    '',
    `PLAY RECAP ${'*'.repeat(69)}`,
    'a                          : ok=12345 changed=0    unreachable=0    failed=0    skipped=0    rescued=0    ignored=0',
    'long-host-name.example.org : ok=1     changed=1000 unreachable=0    failed=0    skipped=7    rescued=1    ignored=0',
    '',
    'finished in 2m 05s',
    '',
  ].join('\n'));
});


test('an interrupted run says so under its recap', () => {
  const counts = { ok: 1, changed: 1, unreachable: 0, failed: 0, skipped: 0, rescued: 0, ignored: 0 };
  const { text } = render([{ type: 'recap', hosts: { a: counts }, durationMs: 2_500, roundTrips: 3, interrupted: 'SIGINT' }]);
  assert.equal(text.split('\n').slice(-4).join('\n'), [
    '',
    'interrupted by SIGINT after 2.50s, 3 remote commands',
    'the tasks still running then were cut and are not counted above; no task started after it',
    '',
  ].join('\n'));
});
test('the live line on a terminal: erased before each block, redrawn after, gone at the end', () => {
  const writes: string[] = [];
  let clock = 1000;
  const reporter = new PlayTextReporter({ out: { write: (s: string) => writes.push(s), isTTY: true, columns: 60 }, color: false, now: () => clock });
  const t = { id: '1', name: 'install', at: 'x.yml:1:1' };
  const ERASE = '\r\u001b[2K';
  reporter.onEvent({ type: 'play_start', play: 'p', hosts: ['a', 'b', 'c'] });
  reporter.onEvent({ type: 'task_start', task: t, hosts: ['a', 'b', 'c'] });
  assert.equal(writes.pop(), `\nTASK [install] ${'*'.repeat(45)}\n  TASK [install] 0/3 done, 0.00s; running on a, b, c`);
  clock += 1500;
  reporter.onEvent({ type: 'host_result', task: t, result: { host: 'b', status: 'ok', changes: [], durationMs: 1 } });
  assert.equal(writes.pop(), `${ERASE}ok: [b]\n  TASK [install] 1/3 done, 1.50s; running on a, c`);
  // A loop item is not the host's end of the task.
  reporter.onEvent({ type: 'host_result', task: t, result: { host: 'a', status: 'ok', changes: [], item: 'x', durationMs: 1 } });
  assert.equal(writes.pop(), `${ERASE}ok: [a] => (item=x)\n  TASK [install] 1/3 done, 1.50s; running on a, c`);
  reporter.onEvent({ type: 'host_result', task: t, result: { host: 'a', status: 'ok', changes: [], durationMs: 1 } });
  assert.equal(writes.pop(), `${ERASE}  TASK [install] 2/3 done, 1.50s; running on c`, 'a summary that prints nothing still updates the line');
  reporter.onEvent({ type: 'host_result', task: t, result: { host: 'c', status: 'ok', changes: [], durationMs: 1 } });
  assert.equal(writes.pop(), `${ERASE}ok: [c]\n`, 'all done: no live line');
  reporter.onEvent({ type: 'task_start', task: { ...t, name: 'x'.repeat(80) }, hosts: ['a'] });
  const line = writes.pop()!.split('\n').pop()!;
  assert.ok(line.length <= 59, 'never wider than the terminal');
  reporter.close();
  assert.equal(writes.pop(), ERASE);
});

test('the live line names as many waiting hosts as fit, then how many more', () => {
  const writes: string[] = [];
  const hosts = Array.from({ length: 40 }, (_, i) => `host${String(i + 1).padStart(2, '0')}`);
  const reporter = new PlayTextReporter({ out: { write: (s: string) => writes.push(s), isTTY: true, columns: 80 }, color: false, now: () => 0 });
  reporter.onEvent({ type: 'task_start', task: { id: '1', name: 't', at: 'x:1:1' }, hosts });
  const line = writes.pop()!.split('\n').pop()!;
  assert.equal(line, '  TASK [t] 0/40 done, 0.00s; running on host01, host02, host03, host04 +36 more');
  reporter.close();
});

test('formatDuration', () => {
  assert.equal(formatDuration(0), '0.00s');
  assert.equal(formatDuration(3210), '3.21s');
  assert.equal(formatDuration(59_994), '59.99s');
  assert.equal(formatDuration(61_000), '1m 01s');
  assert.equal(formatDuration(3_723_000), '1h 02m 03s');
});
