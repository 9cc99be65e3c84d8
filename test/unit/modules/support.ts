// Test helpers for modules: run scripts with the real /bin/sh (dash) the way the engine will (`sh -s`, script on
// stdin), drive a state module through probe → plan → apply, and a local ActionIO.
import { spawn, spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Script } from '../../../src/shell/script.js';
import {
  NO_PROBE,
  type ActionIO,
  type AnyStateModule,
  type Change,
  type ControllerIO,
  type ExecResult,
} from '../../../src/modules/define.js';
import { getModule, validateArgs } from '../../../src/modules/registry.js';

/** Exactly what the engine does: /bin/sh -s with the script text on stdin. */
export function runSh(script: Script, cwd?: string): ExecResult {
  const r = spawnSync('/bin/sh', ['-s'], { input: script.text, encoding: 'utf8', cwd });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status, signal: r.signal };
}

/** runSh without blocking the event loop (for scripts that wait on something the test does meanwhile). */
export function runShAsync(script: Script): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-s'], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (d: string) => (stdout += d));
    child.stderr.setEncoding('utf8').on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ stdout, stderr, code, signal }));
    child.stdin.end(script.text);
  });
}

/** A temp directory whose name holds a space, a quote and $(…); removed by the returned cleanup. */
export function nastyTempDir(): { dir: string; cleanup: () => void } {
  const dir = mkdtempSync(join(tmpdir(), `tsinfra modules 'q' $(touch x) `));
  if (!dir.startsWith('/tmp/')) throw new Error(`refusing a temp dir outside /tmp: ${dir}`);
  return { dir, cleanup: () => rmSync(dir, { recursive: true, force: true }) };
}

export function argsOf<T = Record<string, unknown>>(module: string, raw: unknown): T {
  const v = validateArgs(module, raw);
  if (!v.ok) throw new Error(`bad args for ${module}: ${v.problems.map((p) => p.message).join('; ')}`);
  return v.args as T;
}

export function stateModule(name: string): AnyStateModule {
  const m = getModule(name);
  if (!m || m.kind !== 'state') throw new Error(`${name} is not a state module`);
  return m;
}

export function fakeController(files: Record<string, string> = {}): ControllerIO {
  const get = (p: string) => {
    const v = files[p];
    if (v === undefined) throw new Error(`no controller file ${p}`);
    return v;
  };
  return {
    readFile: async (p) => Buffer.from(get(p)),
    renderTemplate: async (p) => get(p),
  };
}

export interface Converged {
  /** Changes planned by the first run ([] when it was ok). */
  changes: Change[];
  described: string[];
  /** Execs the first run cost: 1 when ok, 2 when changed. */
  execs: number;
  apply?: ExecResult;
  /** Changes planned right after (idempotence: should be []). */
  second: Change[];
}

/** validate → prepare → probe → parse → plan → apply (when needed) → probe → parse → plan again. */
export async function converge(name: string, raw: unknown, ctl: ControllerIO = fakeController()): Promise<Converged> {
  const m = stateModule(name);
  let args: unknown = argsOf(name, raw);
  if (m.prepare) args = await m.prepare(args, ctl);
  let execs = 0;
  const look = () => {
    const probe = m.probe(args);
    if (!probe) return m.parse(NO_PROBE, args);
    execs++;
    const r = runSh(probe);
    if (r.code !== 0) throw new Error(`probe failed (${r.code}): ${r.stderr}`);
    return m.parse(r, args);
  };
  const changes = m.plan(args, look()) as Change[];
  const out: Converged = { changes, described: changes.map((c) => m.describe(c)), execs: 0, second: [] };
  if (changes.length > 0) {
    execs++;
    const r = runSh(m.apply(args, changes));
    out.apply = r;
    if (r.code !== 0) {
      out.execs = execs;
      return out;
    }
  }
  out.execs = execs;
  out.second = m.plan(args, look()) as Change[];
  return out;
}

/** An ActionIO over local /bin/sh, with a controllable clock. */
export function localIO(over: Partial<ActionIO> = {}): ActionIO & { execs: Script[] } {
  const execs: Script[] = [];
  let clock = 1_000_000;
  return {
    execs,
    exec: async (script) => {
      execs.push(script);
      return runShAsync(script);
    },
    vars: {},
    isCheck: false,
    endpointOf: () => undefined,
    evaluate: () => {
      throw new Error('no evaluator in this test');
    },
    holds: () => {
      throw new Error('no evaluator in this test');
    },
    tryConnect: async () => true,
    sleep: async (ms) => {
      clock += ms;
    },
    now: () => clock,
    verbosity: 0,
    ...over,
  };
}
