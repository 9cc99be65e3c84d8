// Plans without a host: each test/fixtures/modules/<module>/<case>.json gives args and the probe's stdout, and
// says what the plan must be (described changes), what the apply script must contain, the diff, or the error.
//
//   args            raw task args (validated through the registry, defaults filled)
//   files           controller files for prepare (copy src, template src → rendered text)
//   probe           the probe's stdout (captured from real hosts where the case says so)
//   probe_contains / probe_excludes   substrings of the probe script
//   changes         describe() of each planned change, exactly ([] = ok)
//   changes_match   the same, as regular expressions
//   script / script_excludes          substrings of the apply script's text
//   shown / shown_excludes            substrings of the apply script as logged (secrets masked)
//   diff            the expected { path, before, after }
//   error           the PlanError message (thrown by parse or plan)
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Change } from '../../../src/modules/define.js';
import { argsOf, fakeController, stateModule } from './support.js';

interface Fixture {
  note?: string;
  args: unknown;
  files?: Record<string, string>;
  probe: string;
  probe_contains?: string[];
  probe_excludes?: string[];
  changes?: string[] | null;
  changes_match?: string[];
  script?: string[];
  script_excludes?: string[];
  shown?: string[];
  shown_excludes?: string[];
  diff?: { path: string; before: string; after: string };
  error?: string;
}

const root = join(import.meta.dirname, '../../fixtures/modules');

for (const module of readdirSync(root).sort()) {
  for (const file of readdirSync(join(root, module)).filter((f) => f.endsWith('.json')).sort()) {
    const fx = JSON.parse(readFileSync(join(root, module, file), 'utf8')) as Fixture;
    test(`${module}/${file.replace(/\.json$/, '')}${fx.note ? ` (${fx.note})` : ''}`, async () => {
      const m = stateModule(module);
      let args: unknown = argsOf(module, fx.args);
      if (m.prepare) args = await m.prepare(args, fakeController(fx.files));
      const probe = m.probe(args);
      for (const s of fx.probe_contains ?? []) assert.ok(probe?.text.includes(s), `probe lacks ${JSON.stringify(s)}:\n${probe?.text}`);
      for (const s of fx.probe_excludes ?? []) assert.ok(!probe?.text.includes(s), `probe has ${JSON.stringify(s)}`);
      const plan = () => m.plan(args, m.parse({ stdout: fx.probe, stderr: '', code: 0, signal: null }, args)) as Change[];
      if (fx.error !== undefined) {
        assert.throws(plan, (err: Error & { code?: string }) => {
          assert.equal(err.code, 'TSI_PLAN');
          assert.equal(err.message, fx.error);
          return true;
        });
        return;
      }
      const state = m.parse({ stdout: fx.probe, stderr: '', code: 0, signal: null }, args);
      const changes = m.plan(args, state) as Change[];
      const described = changes.map((c) => m.describe(c));
      if (fx.changes !== undefined && fx.changes !== null) assert.deepEqual(described, fx.changes);
      if (fx.changes_match) {
        assert.equal(described.length, fx.changes_match.length, described.join('\n'));
        fx.changes_match.forEach((re, i) => assert.match(described[i]!, new RegExp(re)));
      }
      assert.deepEqual(m.plan(args, state), changes, 'plan is pure: same input, same changes');
      if (changes.length === 0) return;
      const script = m.apply(args, changes);
      assert.ok(script.text.startsWith('set -eu\n'), 'state scripts start with set -eu');
      for (const s of fx.script ?? []) assert.ok(script.text.includes(s), `script lacks ${JSON.stringify(s)}:\n${script.text}`);
      for (const s of fx.script_excludes ?? []) assert.ok(!script.text.includes(s), `script has ${JSON.stringify(s)}`);
      for (const s of fx.shown ?? []) assert.ok(script.shown.includes(s), `shown lacks ${JSON.stringify(s)}:\n${script.shown}`);
      for (const s of fx.shown_excludes ?? []) assert.ok(!script.shown.includes(s), `shown has ${JSON.stringify(s)}`);
      if (fx.diff) assert.deepEqual(m.diff?.(args, state, changes), fx.diff);
    });
  }
}
