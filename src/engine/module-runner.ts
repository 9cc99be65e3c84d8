// Runs one module invocation on one host: state modules as probe → plan → (apply), actions through ActionIO.
// An unchanged state task costs one exec; a changed one two (STYLE.md 2).
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { CommandError, TsinfraError } from '../errors.js';
import { NO_PROBE, stateResult, type ActionIO, type AnyModule, type ControllerIO, type ExecResult, type RegisteredResult } from '../modules/define.js';
import { evaluateExpressionText } from '../expr/condition.js';
import { isValidEnvName, quote } from '../shell/quote.js';
import type { Script } from '../shell/script.js';
import { renderString } from '../template/render.js';
import { runScript, type Connection } from '../transport/transport.js';
import type { ConnectionPool } from '../transport/connection-pool.js';
import type { HostState } from './host-state.js';
import { probeKey, probeWithReadAhead, type ProbeCache } from './speculation.js';

export interface Invocation {
  module: AnyModule;
  args: unknown;
  host: HostState;
  vars: Record<string, unknown>;
  check: boolean;
  diff: boolean;
  /** Rendered `environment:` for the task. */
  environment: Record<string, string>;
  become: HostState['become'];
  /** Where relative `src` paths are looked up: role files/ or templates/, then the playbook dir. */
  searchDirs: { files: string[]; templates: string[] };
  taskLabel: string;
  commandTimeoutMs?: number;
  connection: () => Promise<Connection>;
  pool: ConnectionPool;
  verbosity: number;
  /** Counts SSH round trips (bench). */
  onExec?: () => void;
  /** Probe results read ahead for this host (absent for delegated tasks: they run elsewhere). */
  probes?: ProbeCache;
  /** A read-only check (isReadOnlyCheck): its execs are probes. */
  readOnly?: boolean;
  /** The probe scripts of the tasks that follow, for a become user, at most `max`. */
  readAhead?: (becomeUser: string | undefined, max: number) => Promise<string[]>;
}

export function withEnvironment(script: Script, env: Record<string, string>): string {
  const exports = Object.entries(env)
    .filter(([k]) => isValidEnvName(k))
    .map(([k, v]) => `export ${k}=${quote(v)}`);
  return exports.length ? `${exports.join('\n')}\n${script.text}` : script.text;
}

/**
 * Runs one script on the host. `probe` scripts only read: they may be served from what was read ahead, and a probe
 * that must run takes the following tasks' probes along. Anything else may change the host, so it clears what was
 * read ahead, unless it is an action's declared probe found there.
 */
async function execScript(inv: Invocation, script: Script, kind: 'probe' | 'apply' | 'action', timeoutMs?: number): Promise<ExecResult> {
  const text = withEnvironment(script, inv.environment);
  const user = inv.become?.user;
  const kept = kind === 'apply' ? undefined : inv.probes?.take(probeKey(user, text));
  if (kept) return kept;
  if (kind !== 'probe') inv.probes?.clear();
  const conn = await inv.connection();
  const options = { become: inv.become, timeoutMs: timeoutMs ?? inv.commandTimeoutMs };
  inv.onExec?.();
  if (kind !== 'probe' || !inv.probes) return runScript(conn, text, options);
  const ahead = inv.readAhead ? await inv.readAhead(user, inv.probes.readAhead) : [];
  return probeWithReadAhead(conn, text, options, inv.probes, ahead);
}

async function findFile(name: string, dirs: string[]): Promise<string> {
  if (isAbsolute(name)) return name;
  for (const dir of dirs) {
    const candidate = join(dir, name);
    try {
      await readFile(candidate);
      return candidate;
    } catch {
      /* try the next directory */
    }
  }
  throw new TsinfraError('TSI_CONFIG', `${name} not found in ${dirs.join(', ')}`);
}

export function controllerIO(inv: Pick<Invocation, 'searchDirs' | 'vars' | 'taskLabel'>): ControllerIO {
  return {
    readFile: async (path) => readFile(await findFile(path, inv.searchDirs.files)),
    renderTemplate: async (path) => {
      const file = await findFile(path, inv.searchDirs.templates);
      return renderString(await readFile(file, 'utf8'), inv.vars, { file, task: inv.taskLabel });
    },
  };
}

/** `declared`: the text of the action's declared probe: that exec only reads, like a state module's probe. */
function actionIO(inv: Invocation, declared?: string): ActionIO {
  return {
    exec: (script, options) => execScript(inv, script, inv.readOnly || script.text === declared ? 'probe' : 'action', options?.timeoutMs),
    vars: inv.vars,
    evaluate: (expression) => evaluateExpressionText(expression, inv.vars, { file: inv.taskLabel, task: inv.taskLabel }),
    tryConnect: async (timeoutMs) => {
      await inv.pool.drop(inv.host.name);
      try {
        const conn = await inv.pool.get({ ...inv.host.target, connectTimeoutMs: timeoutMs });
        return (await conn.exec('true')).code === 0;
      } catch {
        await inv.pool.drop(inv.host.name);
        return false;
      }
    },
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    now: () => Date.now(),
    verbosity: inv.verbosity,
  };
}

/**
 * The module's probe for these args, worked out once per args object: validateArgs hands the same frozen args to
 * every host whose task rendered alike, so fifty hosts build one script (a prepared template is its own object).
 */
const probes = new WeakMap<object, Script | undefined>();

export function probeFor(m: AnyModule, args: unknown): Script | undefined {
  const key = args as object;
  if (probes.has(key)) return probes.get(key);
  const script = m.kind === 'state' ? m.probe(args as never) : m.probe?.(args as never);
  probes.set(key, script);
  return script;
}

export async function runModule(inv: Invocation): Promise<RegisteredResult> {
  const m = inv.module;
  if (m.kind === 'action') {
    if (inv.check && m.checkMode === 'skip') return { changed: false, failed: false, skipped: true, msg: 'skipped in check mode' };
    return m.run(inv.args, actionIO(inv, probeFor(m, inv.args)?.text));
  }
  const args = m.prepare ? await m.prepare(inv.args, controllerIO(inv)) : inv.args;
  const probe = probeFor(m, args);
  let probed: ExecResult = NO_PROBE;
  if (probe) {
    probed = await execScript(inv, probe, 'probe');
    if (probed.code !== 0) throw new CommandError({ host: inv.host.name, what: `${m.name} probe`, exitCode: probed.code, signal: probed.signal, stdout: probed.stdout, stderr: probed.stderr });
  }
  const state = m.parse(probed, args);
  const changes = m.plan(args, state);
  if (changes.length === 0 || inv.check) return stateResult(m, { args, state, changes, withDiff: inv.diff });
  const applied = await execScript(inv, m.apply(args, changes), 'apply');
  if (applied.code !== 0) throw new CommandError({ host: inv.host.name, what: `${m.name} apply`, exitCode: applied.code, signal: applied.signal, stdout: applied.stdout, stderr: applied.stderr });
  return stateResult(m, { args, state, changes, applied, withDiff: inv.diff });
}
