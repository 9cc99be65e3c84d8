// Every bad input under fixtures/bad/ (listed in fixtures/bad/cases.yaml) through the built CLI, as a user would
// run it: the documented exit code, one clear first line (naming file:line:column where a file is involved), and
// never a stack trace. No host is contacted: every case must fail before connecting (the inventory's hosts point at
// a closed local port, so a case that wrongly got that far would exit 4 with an UNREACHABLE message, not its own).
// Template errors only surface at run time (per host, after connecting), so those cases are checked in-process.
// Run `npm run build` first so the bundle bin/tsinfra runs is current.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { parse } from 'yaml';
import { tsinfra, type CliResult } from '../support/cli.js';
import { renderText, renderValue } from '../../src/template/index.js';
import { TemplateError } from '../../src/errors.js';
import { parseYaml } from '../../src/config/yaml-source.js';

const DIR = join(import.meta.dirname, '../fixtures/bad');
const CONCURRENCY = 4;
// Messages name files relative to the working directory; the manifest's are relative to fixtures/bad/.
const REL = `${relative(process.cwd(), DIR)}/`;

interface Case {
  id: string;
  kind: string;
  args?: string;
  code?: number;
  at?: string;
  message: string;
  level?: 'unit';
  template?: string;
  yamlValue?: { file: string; path: (string | number)[] };
  vars?: Record<string, unknown>;
}

const { cases } = parse(readFileSync(join(DIR, 'cases.yaml'), 'utf8')) as { cases: Case[] };
const cliCases = cases.filter((c) => c.level !== 'unit');
const unitCases = cases.filter((c) => c.level === 'unit');

// Start every CLI case up front, CONCURRENCY at a time; each test awaits its own result.
const results = new Map<string, Promise<CliResult>>();
{
  const queue = [...cliCases];
  const slots: Promise<void>[] = [];
  const waiting = new Map<string, (r: Promise<CliResult>) => void>();
  for (const c of cliCases) results.set(c.id, new Promise((res) => waiting.set(c.id, res)));
  const worker = async () => {
    for (let c = queue.shift(); c; c = queue.shift()) {
      const args = c.args!.split(' ').map((a) => a.replaceAll('{dir}', DIR));
      const env: NodeJS.ProcessEnv = { TSINFRA_INVENTORY: '' };
      const run = tsinfra(args, { env, timeoutMs: 30_000 });
      waiting.get(c.id)!(run);
      await run.catch(() => {});
    }
  };
  for (let i = 0; i < CONCURRENCY; i++) slots.push(worker());
}

test('the corpus is big enough and every case id is unique', () => {
  assert.ok(cases.length >= 60, `${cases.length} cases`);
  assert.equal(new Set(cases.map((c) => c.id)).size, cases.length);
});

for (const c of cliCases) {
  test(`${c.kind}: ${c.id}`, async () => {
    const r = await results.get(c.id)!;
    const all = `${r.stdout}${r.stderr}`;
    const context = `tsinfra ${c.args}\nexit ${r.code}\n${all}`;
    assert.doesNotMatch(all, /^\s+at /m, `a stack trace:\n${context}`);
    assert.equal(r.code, c.code, context);
    const first = (r.stderr.trim() || r.stdout.trim()).split('\n')[0]!.replaceAll(DIR, '{dir}').replaceAll(REL, '');
    assert.match(first, /^(?:tsinfra|error): /, context);
    if (c.at) assert.ok(first.includes(`{dir}/${c.at}: `), `first line names ${c.at}:\n${context}`);
    assert.ok(first.includes(c.message.replaceAll(DIR, '{dir}')), `first line says "${c.message}":\n${context}`);
    // One message: a validation error is one line (plus the code frame of the offending lines, `N | text` and the
    // caret line); commander adds only its usage help after its one line.
    const lines = r.stderr.trim().split('\n').filter((l) => !/^ *\d* \| /.test(l));
    if (first.startsWith('tsinfra: ')) assert.equal(lines.length, 1, context);
  });
}

for (const c of unitCases) {
  test(`${c.kind}: ${c.id} (run-time error, checked in-process)`, () => {
    let text: string;
    let site;
    if (c.template) {
      const file = join(DIR, c.template);
      text = readFileSync(file, 'utf8');
      site = { file };
    } else {
      const file = join(DIR, c.yamlValue!.file);
      const source = parseYaml(readFileSync(file, 'utf8'), file);
      text = String(source.toJS(source.nodeAt(c.yamlValue!.path)));
      site = source.positionOf(c.yamlValue!.path);
    }
    assert.throws(
      () => (c.template ? renderText(text, c.vars ?? {}, site) : renderValue(text, c.vars ?? {}, site)),
      (err: unknown) => {
        assert.ok(err instanceof TemplateError, String(err));
        const msg = err.message.replaceAll(DIR, '{dir}');
        assert.ok(msg.startsWith(`{dir}/${c.at}`), msg);
        assert.ok(msg.includes(c.message), msg);
        assert.doesNotMatch(msg, /\n/);
        return true;
      },
    );
  });
}
