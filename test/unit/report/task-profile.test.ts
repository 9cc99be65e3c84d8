// task_end events (per-task wall time), --json timestamps and the --profile summary, through the real engine on
// the fake transport: one task is made slow on one host, so its wall time (the slowest host's) must show.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunEvent } from '../../../src/engine/events.js';
import { PlayJsonReporter } from '../../../src/report/play-json.js';
import { TaskProfileReporter, formatTaskProfile, profileLine } from '../../../src/report/task-profile.js';
import { FakeTransport } from '../../../src/transport/fake.js';
import { inventoryOf, runFakePlay } from '../../support/fake-play.js';

const SLOW_MS = 150;
const fake = new FakeTransport();
fake.on('slow-step', async () => {
  await new Promise((r) => setTimeout(r, SLOW_MS));
  return { stdout: 'done\n' };
}, { host: 'h2' });
const run = await runFakePlay({
  fake,
  files: {
    'inventory.yaml': inventoryOf('h1', 'h2'),
    'site.yaml': `- hosts: all
  gather_facts: false
  tasks:
    - name: quick
      command: echo quick
    - name: slow
      command: echo slow-step
    - name: last
      command: echo last
`,
  },
});
const ends = run.events.filter((e): e is Extract<RunEvent, { type: 'task_end' }> => e.type === 'task_end');

test('each task ends with one task_end after its host results, naming its hosts and its wall time', () => {
  assert.deepEqual(ends.map((e) => e.task.name), ['quick', 'slow', 'last']);
  for (const end of ends) {
    assert.deepEqual(end.hosts, ['h1', 'h2']);
    const i = run.events.indexOf(end);
    const results = run.events.slice(0, i).filter((e) => e.type === 'host_result' && e.task.id === end.task.id);
    assert.equal(results.length, 2, `${end.task.name}: both results come before its task_end`);
    const next = run.events[i + 1];
    assert.ok(next === undefined || next.type !== 'host_result' || next.task.id !== end.task.id);
  }
  const slow = ends.find((e) => e.task.name === 'slow')!;
  assert.ok(slow.durationMs >= SLOW_MS - 5, `slow took ${slow.durationMs} ms`);
  assert.ok(ends.filter((e) => e !== slow).every((e) => e.durationMs < slow.durationMs));
});

test('--json stamps every line with an ISO time right after its type', () => {
  const lines: string[] = [];
  let tick = Date.parse('2026-12-06T10:00:00.000Z');
  const reporter = new PlayJsonReporter({ write: (s: string) => lines.push(s) }, () => new Date((tick += 1000)));
  for (const e of run.events) reporter.onEvent(e);
  const parsed = lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(parsed.length, run.events.length);
  assert.deepEqual(Object.keys(parsed[0]!).slice(0, 2), ['type', 'time']);
  assert.equal(parsed[0]!.time, '2026-12-06T10:00:01.000Z');
  assert.equal(parsed.at(-1)!.time, new Date(tick).toISOString());
  const end = parsed.find((p) => p.type === 'task_end')!;
  assert.equal(typeof end.durationMs, 'number');
  assert.ok(parsed.every((p) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/.test(String(p.time))));
});

test('--profile: after the recap, the tasks slowest first, in profile_tasks layout; events pass through', () => {
  let text = '';
  const seen: RunEvent[] = [];
  const profile = new TaskProfileReporter({ onEvent: (e) => seen.push(e) }, { write: (s: string) => (text += s) });
  // runPlaybook's events, then the recap `tsinfra play` adds.
  const events: RunEvent[] = [...run.events, { type: 'recap', hosts: {}, durationMs: 1 }];
  for (const e of events) {
    if (e.type === 'recap') assert.equal(text, '', 'nothing before the recap');
    profile.onEvent(e);
  }
  assert.deepEqual(seen, events);
  const rows = text.split('\n').filter((l) => / \d+\.\d\ds$/.test(l));
  assert.equal(rows.length, 3);
  assert.match(rows[0]!, /^slow -+ 0\.1\ds$/);
  for (const row of rows) assert.equal(row.length, 80);
  assert.match(text, /^\n={79} \n/);
});

test('profileLine and formatTaskProfile: the name filled with dashes, the time right-aligned in 9; top 20 by time', () => {
  assert.equal(profileLine({ name: 'web : install nginx', at: 'x', ms: 3210 }), `web : install nginx ${'-'.repeat(80 - 9 - 20)}--- 3.21s`);
  const many = Array.from({ length: 25 }, (_, i) => ({ name: `t${i}`, at: 'x', ms: i * 10 }));
  const out = formatTaskProfile(many).trim().split('\n').slice(1);
  assert.equal(out.length, 20);
  assert.match(out[0]!, /^t24 /);
  assert.match(out.at(-1)!, /^t5 /);
});
