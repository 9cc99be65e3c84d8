// The JSON lines play reporter and the reporter factory, against the fixed run of play-events.ts.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { RunEvent } from '../../../src/engine/events.js';
import { PlayJsonReporter, censorResult } from '../../../src/report/play-json.js';
import { createPlayReporter } from '../../../src/report/play-reporter.js';
import { PLAY_EVENTS, matchSnapshot } from './play-events.js';

function run(reporter: { onEvent(e: RunEvent): void; close?(): void }, events: RunEvent[]): void {
  for (const e of events) reporter.onEvent(e);
  reporter.close?.();
}

test('one JSON object per event, one write per line, in order', () => {
  const writes: string[] = [];
  run(new PlayJsonReporter({ write: (s: string) => writes.push(s) }), PLAY_EVENTS);
  matchSnapshot(writes.join(''), 'play.jsonl');
  assert.equal(writes.length, PLAY_EVENTS.length, 'written as each event happens, not batched');
  for (const w of writes) assert.ok(w.endsWith('\n') && !w.slice(0, -1).includes('\n'));
  // Every event comes back as it was, except the no_log one.
  const parsed = writes.map((w) => JSON.parse(w) as RunEvent);
  const noLogAt = PLAY_EVENTS.findIndex((e) => e.type === 'host_result' && e.result.noLog);
  parsed.forEach((e, i) => {
    if (i !== noLogAt) assert.deepEqual(e, PLAY_EVENTS[i]);
  });
  assert.deepEqual(parsed[noLogAt], {
    type: 'host_result',
    task: { id: '50', name: 'set the database password', at: 'site.yml:50:5' },
    result: { host: 'master1', status: 'changed', changes: [], message: 'censored: the output has been hidden due to no_log', durationMs: 5, noLog: true },
  });
  assert.doesNotMatch(writes.join(''), /hunter2/);
});

test('censorResult keeps status, counters and rc, hides everything the task produced', () => {
  const full = {
    host: 'a', status: 'failed' as const, changes: ['x'], message: 'secret', diff: { path: '/p', before: 'a', after: 'b' },
    item: 'pw', ignored: true, rescued: false, stdout: 'o', stderr: 'e', rc: 3, durationMs: 7, noLog: true,
  };
  assert.deepEqual(censorResult(full), {
    host: 'a', status: 'failed', changes: [], message: 'censored: the output has been hidden due to no_log',
    item: 'censored', ignored: true, rescued: false, rc: 3, durationMs: 7, noLog: true,
  });
  const open = { ...full, noLog: false };
  assert.equal(censorResult(open), open);
});

test('createPlayReporter: JSON lines with json, text otherwise (plain when not a terminal)', () => {
  let json = '';
  run(createPlayReporter({ json: true, diff: true, verbose: 0, out: { write: (s: string) => (json += s) } }), PLAY_EVENTS);
  assert.equal(json.trim().split('\n').length, PLAY_EVENTS.length);
  let text = '';
  run(createPlayReporter({ json: false, diff: true, verbose: 0, out: { write: (s: string) => (text += s) } }), PLAY_EVENTS);
  matchSnapshot(text, 'play.txt');
  let verbose = '';
  run(createPlayReporter({ json: false, diff: false, verbose: 2, out: { write: (s: string) => (verbose += s) } }), PLAY_EVENTS);
  assert.match(verbose, /^PLAYBOOK: site\.yml\n/);
  assert.doesNotMatch(verbose, /^@@ /m);
});
