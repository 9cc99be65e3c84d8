// The Jinja differential test: every case in test/fixtures/jinja/*.yaml is rendered by the real tools (ansible-core
// 2.14 and python3-jinja2 3.1, through test/support/jinja-oracle.py, one process for all cases) and by our engine,
// and the two must agree: both fail, or both succeed with the same Python type and repr (for `when`: the same
// boolean). A corpus file is a YAML list of cases, or a map { vars, cases } whose vars every case starts from.
//
//   case: { id, mode: arg | file | when | jinja, template, vars?, note? }
//
// The oracle needs Debian's `ansible` and `python3-jinja2` (scripts/setup.sh installs them); without them this test
// fails rather than skips, so CI cannot go green without the comparison.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

// Our side, loaded when the test runs so that a missing or broken engine fails the test with a message (and the
// corpus check still runs) instead of failing the whole file at import.
interface Engine {
  renderText: (source: string, vars: Record<string, unknown>, site: { file: string }) => string;
  renderValue: (value: unknown, vars: Record<string, unknown>, site: { file: string; line?: number; column?: number }) => unknown;
  evaluateCondition: (condition: string | boolean | (string | boolean)[], vars: Record<string, unknown>, site: { file: string; line?: number; column?: number }) => boolean;
  renderJinja: (source: string, vars: Record<string, unknown>) => string;
  pyTypeName: (value: unknown) => string;
  pyRepr: (value: unknown) => string;
}

async function loadEngine(): Promise<Engine> {
  const template = await import('../../../src/template/index.js');
  const jinja = await import('../../../src/jinja/index.js');
  const values = await import('../../../src/jinja/values.js');
  return {
    renderText: template.renderText,
    renderValue: template.renderValue,
    evaluateCondition: template.evaluateCondition,
    renderJinja: jinja.renderJinja,
    pyTypeName: values.pyTypeName,
    pyRepr: values.pyRepr,
  } as Engine;
}

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const CORPUS_DIR = join(ROOT, 'test/fixtures/jinja');
const ORACLE = join(ROOT, 'test/support/jinja-oracle.py');
const PYTHON = '/usr/bin/python3'; // Debian's: the first python3 on PATH may lack the Debian modules
const MODES = ['arg', 'file', 'when', 'jinja'] as const;
type Mode = (typeof MODES)[number];

// lookup('env', ...) cases read these: one set, one never set, the same for both sides.
const ENV_SET = 'TSINFRA_JINJA_ORACLE_ENV';
const ENV_UNSET = 'TSINFRA_JINJA_ORACLE_UNSET';
const env: Record<string, string | undefined> = { ...process.env, [ENV_SET]: 'from-env' };
delete env[ENV_UNSET];

interface Case {
  file: string;
  id: string;
  mode: Mode;
  template: unknown;
  vars: Record<string, unknown>;
  note?: string;
}

type OracleResult =
  | { id: string; ok: true; type: string; repr: string; text?: string; truthy?: boolean }
  | { id: string; ok: false; error: string; oracle_error?: boolean };

type Outcome = { ok: true; type: string; repr: string; truthy?: boolean } | { ok: false; error: string };

function isRecord(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Every case of every corpus file, in file order; throws on a malformed file. */
function loadCorpus(): Case[] {
  const files = readdirSync(CORPUS_DIR)
    .filter((f) => f.endsWith('.yaml') || f.endsWith('.yml'))
    .sort();
  const cases: Case[] = [];
  for (const file of files) {
    const doc: unknown = parse(readFileSync(join(CORPUS_DIR, file), 'utf8'));
    const list = Array.isArray(doc) ? doc : isRecord(doc) ? doc.cases : undefined;
    const shared = isRecord(doc) && isRecord(doc.vars) ? doc.vars : {};
    if (!Array.isArray(list)) throw new Error(`${file}: expected a list of cases or a map with \`cases\``);
    for (const [i, raw] of list.entries()) {
      if (!isRecord(raw)) throw new Error(`${file}: case #${i + 1} is not a map`);
      const { id, mode, template, vars, note } = raw;
      if (typeof id !== 'string' || id === '') throw new Error(`${file}: case #${i + 1} has no id`);
      if (!MODES.includes(mode as Mode)) throw new Error(`${file}: ${id}: mode must be one of ${MODES.join(', ')}`);
      const okTemplate =
        typeof template === 'string' ||
        (mode === 'when' && (typeof template === 'boolean' || (Array.isArray(template) && template.every((t) => typeof t === 'string' || typeof t === 'boolean'))));
      if (!okTemplate) throw new Error(`${file}: ${id}: template must be a string${mode === 'when' ? ', a boolean or a list of them' : ''}`);
      if (vars !== undefined && !isRecord(vars)) throw new Error(`${file}: ${id}: vars must be a map`);
      cases.push({ file, id, mode: mode as Mode, template, vars: { ...shared, ...(vars ?? {}) }, note: typeof note === 'string' ? note : undefined });
    }
  }
  return cases;
}

function runOracle(cases: Case[]): Map<string, OracleResult> {
  const input = JSON.stringify(cases.map(({ id, mode, template, vars }) => ({ id, mode, template, vars })));
  const r = spawnSync(PYTHON, [ORACLE], { input, encoding: 'utf8', env, maxBuffer: 1 << 28, timeout: 300_000 });
  if (r.error) throw r.error;
  if (r.status !== 0) throw new Error(`the oracle exited with ${r.status ?? r.signal}:\n${r.stderr}`);
  const results = JSON.parse(r.stdout) as OracleResult[];
  return new Map(results.map((x) => [x.id, x]));
}

/**
 * Cases where we knowingly differ from the oracle, each with the reason. A listed case that starts to agree fails
 * the test, so this list only ever shrinks and stays true. Everything else must agree.
 */
const KNOWN_DIVERGENCES: Readonly<Record<string, string>> = {
  'arg-lone-nested-template-var': 'tsinfra renders variables once, when it builds them (engine/variables.ts), not lazily on each use',
  'arg-set-literal-text': 'no Python set type: a set literal reads as a list',
  'arg-big-number-list': 'numbers are doubles: integers above 2**53 lose precision',
  'lit-bigint': 'numbers are doubles: integers above 2**53 lose precision',
  'lit-bigint-arith': 'numbers are doubles: integers above 2**53 lose precision',
  'lit-bigint-arg': 'numbers are doubles: integers above 2**53 lose precision',
  'lit-dict-nonstring-keys': 'dict keys are JS object keys, so always text',
  'attr-numeric-key-string': "dict keys are always text, so d[1] finds the key '1' (YAML's {1: x} must stay reachable as d[1])",
  'f-bool-jinja-no-such': 'the plain-Jinja mode shares the one registry, which has Ansible filters too',
  't-match-jinja-absent': 'the plain-Jinja mode shares the one registry, which has Ansible tests too',
  'undef-chain-is-defined-jinja': "the plain-Jinja mode uses Ansible's chainable undefined, not StrictUndefined",
  'undef-chain-default-jinja': "the plain-Jinja mode uses Ansible's chainable undefined, not StrictUndefined",
  'undef-chain-default-defined-root-jinja-deep': "the plain-Jinja mode uses Ansible's chainable undefined, not StrictUndefined",
  'print-dict-items-view': 'dict views print as lists (as Ansible prints them; plain Jinja2 prints dict_items(...))',
  'print-dict-keys-view': 'dict views print as lists (as Ansible prints them; plain Jinja2 prints dict_keys(...))',
  'print-range-jinja': 'range() is a list (as Ansible prints it; plain Jinja2 prints range(0, 3))',
  'macro-name-attribute': 'macros have no .name/.arguments attributes',
  'autoescape-block': 'no autoescaping: Ansible never turns it on',
  't-escaped': 'no Markup type: Ansible never autoescapes',
  'ws-header-variable-start': 'the #jinja2: header may change whitespace settings only; other delimiters are refused with a clear error',
};

const FILE_SITE = { file: 'roles/differential/templates/case.j2', env };
const ARG_SITE = { file: 'roles/differential/tasks/main.yaml', line: 1, column: 1, env };

function ours(engine: Engine, c: Case): Outcome {
  const { renderText, renderValue, evaluateCondition, renderJinja, pyTypeName, pyRepr } = engine;
  // Templates may mutate their variables (list.append, dict.update): each side gets its own copy.
  const vars = structuredClone(c.vars);
  let value: unknown;
  try {
    switch (c.mode) {
      case 'arg':
        value = renderValue(c.template, vars, ARG_SITE);
        break;
      case 'file':
        value = renderText(c.template as string, vars, FILE_SITE);
        break;
      case 'when':
        value = evaluateCondition(c.template as string | boolean | (string | boolean)[], vars, ARG_SITE);
        break;
      case 'jinja':
        value = renderJinja(c.template as string, vars);
        break;
    }
  } catch (err) {
    return { ok: false, error: err instanceof Error ? `${err.name}: ${err.message}` : String(err) };
  }
  if (c.mode === 'when') return { ok: true, type: pyTypeName(value), repr: String(value), truthy: value === true };
  try {
    return { ok: true, type: pyTypeName(value), repr: pyRepr(value) };
  } catch (err) {
    return { ok: true, type: pyTypeName(value), repr: `<unprintable: ${err instanceof Error ? err.message : String(err)}>` };
  }
}

function agree(expected: OracleResult, got: Outcome, mode: Mode): boolean {
  if (!expected.ok || !got.ok) return expected.ok === got.ok;
  if (mode === 'when') return expected.truthy === got.truthy;
  return expected.type === got.type && expected.repr === got.repr;
}

function show(o: OracleResult | Outcome, mode: Mode): string {
  if (!o.ok) return `error (${clip(o.error.replace(/\s+/g, ' '), 200)})`;
  if (mode === 'when') return `${o.truthy}${o.type === 'bool' ? '' : ` (a ${o.type}: ${clip(o.repr, 120)})`}`;
  return `${o.type} ${clip(o.repr, 400)}`;
}

function clip(s: string, n: number): string {
  return s.length > n ? `${s.slice(0, n)}…` : s;
}

test('jinja differential corpus is well-formed: unique ids, known modes', () => {
  const cases = loadCorpus();
  assert.ok(cases.length >= 500, `expected at least 500 cases, found ${cases.length}`);
  const seen = new Map<string, string>();
  const dups: string[] = [];
  for (const c of cases) {
    const prev = seen.get(c.id);
    if (prev !== undefined) dups.push(`${c.id} (${prev} and ${c.file})`);
    seen.set(c.id, c.file);
  }
  assert.deepEqual(dups, [], `duplicate case ids: ${dups.join(', ')}`);
});

test('jinja differential: our engine agrees with ansible-core 2.14 and Jinja2 3.1 on every corpus case', async () => {
  const probe = spawnSync(PYTHON, ['-c', 'import ansible, jinja2'], { encoding: 'utf8' });
  if (probe.error || probe.status !== 0) {
    assert.fail(
      `the Jinja oracle is missing: \`${PYTHON} -c 'import ansible, jinja2'\` failed (${probe.error?.message ?? probe.stderr.trim()}). ` +
        'Run scripts/setup.sh (as root) to install Debian\'s ansible and python3-jinja2.',
    );
  }
  let engine: Engine;
  try {
    engine = await loadEngine();
  } catch (err) {
    assert.fail(`our template engine failed to load: ${err instanceof Error ? err.stack ?? err.message : String(err)}`);
  }
  const cases = loadCorpus();
  const started = Date.now();
  const oracle = runOracle(cases);
  const oracleMs = Date.now() - started;

  const broken: string[] = [];
  const mismatches: string[] = [];
  const nowAgree: string[] = [];
  let knownSeen = 0;
  const perMode = new Map<Mode, { agree: number; total: number }>(MODES.map((m) => [m, { agree: 0, total: 0 }]));
  for (const c of cases) {
    const expected = oracle.get(c.id);
    if (expected === undefined || (!expected.ok && expected.oracle_error)) {
      broken.push(`${c.id} (${c.file}): ${expected === undefined ? 'no oracle result' : expected.error}`);
      continue;
    }
    const got = ours(engine, c);
    const counts = perMode.get(c.mode)!;
    counts.total++;
    const known = KNOWN_DIVERGENCES[c.id];
    if (agree(expected, got, c.mode)) {
      counts.agree++;
      if (known !== undefined) nowAgree.push(c.id);
      continue;
    }
    if (known !== undefined) {
      knownSeen++;
      continue;
    }
    mismatches.push(
      [
        `${c.id} [${c.mode}] (${c.file})${c.note ? ` — ${c.note}` : ''}`,
        `    template: ${clip(JSON.stringify(c.template), 400)}`,
        `    expected: ${show(expected, c.mode)}`,
        `    got:      ${show(got, c.mode)}`,
      ].join('\n'),
    );
  }

  const total = cases.length - broken.length;
  const agreed = total - mismatches.length - knownSeen;
  const byMode = [...perMode].map(([m, n]) => `${m} ${n.agree}/${n.total}`).join(', ');
  process.stderr.write(`jinja differential: ${agreed}/${total} cases agree (${byMode}; oracle ${oracleMs} ms; ${knownSeen} known divergences)\n`);

  assert.deepEqual(broken, [], `the oracle could not run these cases (fix the corpus):\n${broken.join('\n')}`);
  assert.deepEqual(nowAgree, [], 'these known divergences now agree with the oracle: remove them from KNOWN_DIVERGENCES');
  assert.equal(mismatches.length, 0, `jinja differential: ${mismatches.length} of ${total} cases disagree with the oracle\n\n${mismatches.join('\n\n')}\n`);
});
