// Runs one module invocation on one host: state modules as probe → plan → (apply), actions through ActionIO.
// An unchanged state task costs one exec; a changed one two (STYLE.md 2).
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import { CommandError, TsinfraError } from '../errors.js';
import { NO_PROBE, stateResult, type ActionIO, type AnyStateModule, type AsyncJob, type Change, type ControllerIO, type ExecResult, type RegisteredResult, type VarsFiles } from '../modules/define.js';
import { isValidEnvName, quote } from '../shell/quote.js';
import { sh, type Script } from '../shell/script.js';
import { parseYaml } from '../config/yaml-source.js';
import { ansibleTemplateVars, evaluateCondition, evaluateExpressionText, renderText } from '../template/index.js';
import { runScript, type Connection } from '../transport/transport.js';
import type { ConnectionPool } from '../transport/connection-pool.js';
import { controllerSide, sshRoute } from './controller-side.js';
import { factsScript, parseFacts } from './facts.js';
import type { RemoteExec } from './events.js';
import type { HostState } from './host-state.js';
import type { PreparedTask } from './prepare-task.js';
import { probeKey, type ProbeCache } from './read-ahead/probe-cache.js';
import { probeWithReadAhead } from './read-ahead/probe-with-read-ahead.js';
import { factVars } from './variables.js';
import { runAsyncJob, type AsyncIO, type AsyncSettings } from './async-job.js';
import { decryptVaultBytes } from '../vault/keyring.js';

/** Where relative `src` paths are looked up: role files/ or templates/, then the playbook dir. */
export interface SearchDirs {
  files: string[];
  templates: string[];
  /** include_vars files: `<dir>/vars` then `<dir>` for the role, the task file's directory and the playbook's. */
  vars: string[];
  /** include_vars `dir:` starts in the role (its vars/), else beside the task file. */
  varsRoot: { role?: string; taskDir: string };
}

/** A prepared task (prepareTask) and what running it on its host needs. */
export interface Invocation extends PreparedTask {
  host: HostState;
  vars: Record<string, unknown>;
  check: boolean;
  diff: boolean;
  taskLabel: string;
  commandTimeoutMs?: number;
  connection: () => Promise<Connection>;
  pool: ConnectionPool;
  verbosity: number;
  /** Called after each remote script (counts SSH round trips; -vvv shows the trace). */
  onExec?: (trace?: RemoteExec) => void;
  /** Probe results read ahead for this host (absent for delegated tasks: they run elsewhere). */
  probes?: ProbeCache;
  /** A read-only check (isReadOnlyCheck): its execs are probes. */
  readOnly?: boolean;
  /** `delegate_to: localhost`: the task runs on the controller. */
  isLocal?: boolean;
  /** How tsinfra reaches a host of the inventory, by name (actions' ActionIO.endpointOf). */
  endpointOf: ActionIO['endpointOf'];
  /** The probe scripts of the tasks that follow, for a become user, at most `max`. */
  readAhead?: (becomeUser: string | undefined, max: number) => Promise<string[]>;
  /** `async:` (with `poll:`): the module's work runs as a detached job (async-job.ts). */
  async?: AsyncSettings;
}

export function withEnvironment(script: Script, env: Record<string, string>): string {
  return environmentExports(env) + script.text;
}

function environmentExports(env: Record<string, string>): string {
  const exports = Object.entries(env)
    .filter(([k]) => isValidEnvName(k))
    .map(([k, v]) => `export ${k}=${quote(v)}\n`);
  return exports.join('');
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
  const started = Date.now();
  let ahead: string[] = [];
  let result: ExecResult | undefined;
  try {
    if (kind !== 'probe' || !inv.probes) return (result = await runScript(conn, text, options));
    ahead = inv.readAhead ? await inv.readAhead(user, inv.probes.readAhead) : [];
    return (result = await probeWithReadAhead(conn, text, options, inv.probes, ahead));
  } finally {
    // -vvv shows the script's own text with its secrets masked (the environment is the task's, not secret); below
    // that, nothing is built: this runs for every exec of a no-change run.
    const shown = inv.verbosity >= 3 ? environmentExports(inv.environment) + script.shown + (ahead.length ? `\n# (and ${ahead.length} probes of the next tasks, read ahead)` : '') : undefined;
    inv.onExec?.(shown === undefined ? undefined : { host: inv.host.name, task: inv.taskLabel, script: shown, become: user, rc: result?.code ?? null, durationMs: Date.now() - started });
  }
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

export function controllerIO(inv: { searchDirs: SearchDirs; vars: Record<string, unknown>; taskLabel: string }): ControllerIO {
  return {
    // A vault-encrypted source is decrypted in memory, as Ansible's get_real_file does (never to disk).
    readFile: async (path) => {
      const file = await findFile(path, inv.searchDirs.files);
      return decryptVaultBytes(await readFile(file), file);
    },
    renderTemplate: async (path) => {
      const file = await findFile(path, inv.searchDirs.templates);
      // Ansible adds its template vars (ansible_managed, template_path, …) over the task's for the render.
      const vars = { ...inv.vars, ...ansibleTemplateVars(path, file) };
      return renderText(decryptVaultBytes(await readFile(file), file).toString('utf8'), vars, { file, task: inv.taskLabel, searchDirs: inv.searchDirs });
    },
  };
}

function actionIO(inv: Invocation): ActionIO {
  return {
    // The action's declared probe only reads, like a state module's probe.
    exec: (script, options) => execScript(inv, script, inv.readOnly || script.text === inv.probe?.text ? 'probe' : 'action', options?.timeoutMs),
    vars: inv.vars,
    isCheck: inv.check,
    endpointOf: inv.endpointOf,
    evaluate: (expression) => evaluateExpressionText(expression, inv.vars, { file: inv.taskLabel, task: inv.taskLabel }),
    holds: (condition) => evaluateCondition(condition, inv.vars, { file: inv.taskLabel, task: inv.taskLabel }),
    tryConnect: async (timeoutMs) => {
      await inv.pool.drop(inv.host.name);
      try {
        const conn = await inv.pool.get({ ...inv.target, connectTimeoutMs: timeoutMs });
        return (await conn.exec('true')).code === 0;
      } catch {
        await inv.pool.drop(inv.host.name);
        return false;
      }
    },
    sleep: (ms) => new Promise((r) => setTimeout(r, ms)),
    now: () => Date.now(),
    verbosity: inv.verbosity,
    varsFiles: varsFiles(inv.searchDirs),
    gatherFacts: () => gatherFacts(inv),
    isLocal: inv.isLocal ?? false,
    ssh: sshRoute(inv.target, inv.become),
    controller: controllerSide(inv.searchDirs.files, () => inv.probes?.clear()),
  };
}

/** setup (ActionIO.gatherFacts): the facts script run as a probe of the task, kept as the host's facts. */
async function gatherFacts(inv: Invocation): Promise<Record<string, unknown>> {
  const r = await execScript(inv, factsScript(), 'probe');
  if (r.code !== 0) throw new CommandError({ host: inv.host.name, what: 'gathering facts', exitCode: r.code, signal: r.signal, stdout: r.stdout, stderr: r.stderr });
  inv.host.facts = parseFacts(r.stdout);
  const { facts: _ours, ansible_facts: _unprefixed, ...prefixed } = factVars(inv.host.facts);
  return prefixed;
}

/** include_vars' view of the controller: Ansible's vars search path and its rule for `dir:` (_set_root_dir). */
function varsFiles(dirs: SearchDirs): VarsFiles {
  const exists = (p: string) => existsSync(p);
  return {
    find: (path) => (isAbsolute(path) ? [path] : dirs.vars.map((d) => join(d, path))).find((p) => exists(p) && statSync(p).isFile()),
    dir(path) {
      const { role, taskDir } = dirs.varsRoot;
      if (isAbsolute(path)) return path;
      if (!role) return join(taskDir, path);
      return path.split('/')[0] === 'vars' && exists(join(role, path)) ? join(role, path) : join(role, 'vars', path);
    },
    read: (file) => parseYaml(readFileSync(file, 'utf8'), file).value,
    list(dir) {
      if (!exists(dir) || !statSync(dir).isDirectory()) return undefined;
      const entries = readdirSync(dir, { withFileTypes: true });
      return { files: entries.filter((e) => e.isFile()).map((e) => e.name), dirs: entries.filter((e) => e.isDirectory()).map((e) => e.name) };
    },
  };
}

export async function runModule(inv: Invocation): Promise<RegisteredResult> {
  const m = inv.module;
  // Ansible's ActionBase refuses the two together, whatever the module.
  if (inv.async && inv.check) return { changed: false, failed: true, msg: 'check mode and async cannot be used on same task.' };
  if (m.kind === 'action') {
    if (inv.check && m.checkMode === 'skip') return { changed: false, failed: false, skipped: true, msg: 'skipped in check mode' };
    // The loader refused async for actions without asyncJob.
    if (inv.async && m.asyncJob) return runAsyncJob(asyncIO(inv), m.asyncJob(inv.args), inv.async);
    return m.run(inv.args, actionIO(inv));
  }
  const { args, probe } = inv;
  let probed: ExecResult = NO_PROBE;
  if (probe) {
    probed = await execScript(inv, probe, 'probe');
    if (probed.code !== 0) throw new CommandError({ host: inv.host.name, what: `${m.name} probe`, exitCode: probed.code, signal: probed.signal, stdout: probed.stdout, stderr: probed.stderr, hint: becomeHint(inv, probed) });
  }
  const state = m.parse(probed, args);
  const changes = m.plan(args, state);
  if (inv.async) return runAsyncJob(asyncIO(inv), stateJob(m, args, state, changes, inv.diff), inv.async);
  if (changes.length === 0 || inv.check) return stateResult(m, { args, state, changes, withDiff: inv.diff });
  const applied = await execScript(inv, m.apply(args, changes), 'apply');
  if (applied.code !== 0) throw new CommandError({ host: inv.host.name, what: `${m.name} apply`, exitCode: applied.code, signal: applied.signal, stdout: applied.stdout, stderr: applied.stderr, hint: becomeHint(inv, applied) });
  return stateResult(m, { args, state, changes, applied, withDiff: inv.diff });
}

function asyncIO(inv: Invocation): AsyncIO {
  return { exec: (script) => execScript(inv, script, 'action'), sleep: (ms) => new Promise((r) => setTimeout(r, ms)), host: inv.host.name };
}

/** A state module's apply as a detached job: the planned result, with the apply's output when there is one. */
function stateJob(m: AnyStateModule, args: unknown, state: unknown, changes: readonly Change[], withDiff: boolean): AsyncJob {
  const { changed, failed: _failed, ...result } = stateResult(m, { args, state, changes, withDiff });
  return { script: changes.length > 0 ? m.apply(args, changes) : sh`:`, result: { changed, ...result }, output: changes.length > 0, timed: false, strip: false };
}

/** What a module says when it lacks root: dpkg's lock, a temp file in /root, EACCES/EPERM, tools that want root. */
const PERMISSION_PROBLEM = /Permission denied|Operation not permitted|Could not open lock file|are you root\?|must be (run as )?root|only root may/i;

/** A module that failed for want of root, run without become by a login that is not root: say how to fix it. */
export function becomeHint(inv: Pick<Invocation, 'become' | 'target'>, r: ExecResult): string | undefined {
  if (inv.become || inv.target.user === 'root' || !PERMISSION_PROBLEM.test(r.stderr)) return undefined;
  return `${inv.target.user} is not root: use become (-b, or become: true) or connect as root`;
}
