// One task on one host: when, loop, render, validate, run, retries/until, changed_when/failed_when, register,
// notify. A failure is this host's result; nothing here stops other hosts.
import { ArgsError, CommandError, ConnectError, TsinfraError, formatPosition } from '../errors.js';
import { PlanError, type RegisteredResult } from '../modules/define.js';
import type { LoopSpec, ModuleTask } from '../playbook/playbook-plan.js';
import { renderString, renderValue } from '../template/index.js';
import type { ConnectionPool } from '../transport/connection-pool.js';
import type { Connection, ConnectTarget } from '../transport/transport.js';
import { LocalConnection } from '../transport/local.js';
import { inventoryEndpoint } from '../transport/connect-target.js';
import { formatDebugValue } from '../report/debug-display.js';
import type { HostTaskResult, RemoteExec } from './events.js';
import { noteTarget } from './connection-vars.js';
import { noLogValues } from './no-log-values.js';
import { markSecretValue } from '../vault/mask-vault-values.js';
import type { HostState } from './host-state.js';
import { runModule } from './module-runner.js';
import type { AsyncSettings } from './async-job.js';
import { flag, holds, isReadOnlyCheck, loopItems, loopItemVars, prepareTask, site } from './prepare-task.js';
import { taskVars, type PlayScope } from './variables.js';

export interface TaskRunContext {
  scope: PlayScope;
  pool: ConnectionPool;
  /** The connection for this host and task's target (connection variables may differ per task). */
  connection: (h: HostState, target: ConnectTarget) => Promise<Connection>;
  verbosity: number;
  commandTimeoutMs?: number;
  onExec?: (trace?: RemoteExec) => void;
  /** add_host / group_by: applies their result to the run's inventory (sets its `changed`). */
  applyInventoryChanges?: (h: HostState, r: RegisteredResult) => void;
}

const localConnection = new LocalConnection();

/** `delegate_to: localhost` runs the module on the controller (the loader refuses other targets). */
function isDelegatedLocally(task: ModuleTask, vars: Record<string, unknown>): boolean {
  if (!task.delegateTo) return false;
  const target = renderString(task.delegateTo, vars, site(task));
  if (target === 'localhost' || target === '127.0.0.1') return true;
  throw new TsinfraError('TSI_CONFIG', `${formatPosition(task.at)}: delegate_to ${JSON.stringify(target)}: only localhost is supported`);
}

/** Reads the probes of what follows on this host (run-playbook knows what follows). */
export type ReadAhead = (becomeUser: string | undefined, max: number, target: ConnectTarget) => Promise<string[]>;

const SKIPPED: RegisteredResult = { changed: false, failed: false, skipped: true, msg: 'condition false' };

/** One run of the task for one item (or the task without loop): the pipeline, then the module, with retries/until. */
async function runOnce(ctx: TaskRunContext, h: HostState, task: ModuleTask, vars: Record<string, unknown>, check: boolean, diff: boolean, readAhead?: ReadAhead): Promise<RegisteredResult> {
  const prepared = await prepareTask(ctx.scope, h, task, vars);
  if (!prepared) return { ...SKIPPED };
  if (flag(task.noLog, vars, task)) for (const v of noLogValues(task.args, prepared.args)) markSecretValue(v);
  // `retries` counts the attempts after the first (Ansible: retries + 1 attempts in all; 0 or less: one, unchecked).
  // `retries` without `until` retries until the task succeeds (ansible-core 2.16).
  const retries = task.until || task.retries !== undefined ? Number(renderValue(task.retries ?? 3, vars, site(task))) : 0;
  const attempts = retries > 0 ? retries + 1 : 1;
  const delayMs = Number(renderValue(task.delay ?? 5, vars, site(task))) * 1000;
  const timeoutMs = Number(renderValue(task.timeout ?? 0, vars, site(task))) * 1000;
  const asyncSettings = task.async === undefined ? undefined : asyncOf(task, vars);
  let result: RegisteredResult = { changed: false, failed: false };
  const local = isDelegatedLocally(task, vars);
  // What was read ahead over another login (a task with other connection variables) is not this one's to take.
  if (!local && noteTarget(h, prepared.target)) h.probes.clear();
  // -vvv shows each script, but a no_log task's scripts carry what it hides.
  const onExec = ctx.onExec && flag(task.noLog, vars, task) ? (t?: RemoteExec) => ctx.onExec!(t && { ...t, script: '(hidden: no_log)' }) : ctx.onExec;
  for (let attempt = 1; attempt <= attempts; attempt++) {
    // `until` waits for the host to change by itself: each new attempt must really look again.
    if (attempt > 1) h.probes.clear();
    const running = runModule({
      ...prepared,
      host: h,
      vars,
      check,
      diff,
      taskLabel: task.name ?? task.label,
      commandTimeoutMs: timeoutMs > 0 ? Math.min(timeoutMs, ctx.commandTimeoutMs ?? Infinity) : ctx.commandTimeoutMs,
      connection: () => (local ? Promise.resolve(localConnection) : ctx.connection(h, prepared.target)),
      isLocal: local,
      pool: ctx.pool,
      verbosity: ctx.verbosity,
      onExec,
      probes: local ? undefined : h.probes,
      readOnly: isReadOnlyCheck(task),
      readAhead: local || !readAhead ? undefined : (user, max) => readAhead(user, max, prepared.target),
      endpointOf: (name) => {
        const other = ctx.scope.allHosts.get(name);
        return other && inventoryEndpoint(name, other.host.vars);
      },
      ...(asyncSettings ? { async: asyncSettings } : {}),
    });
    const timed = timeoutMs > 0 ? withTimeout(running, timeoutMs, task) : running;
    // With retries to come, a module's own failure is an attempt that failed, as in Ansible.
    result = await (attempt < attempts ? timed.catch(itemFailure) : timed);
    result = applyResultConditions(task, vars, result);
    if (attempts === 1) break;
    const withResult = task.register ? { ...vars, [task.register]: result } : vars;
    if (task.until ? holds(task.until, withResult, task) : !result.failed) break;
    result.attempts = attempt;
    if (attempt === attempts) {
      result.failed = true;
      result.msg = task.until ? `until condition still false after ${attempts} attempts` : `still failing after ${attempts} attempts: ${String(result.msg ?? '')}`;
    } else await new Promise((r) => setTimeout(r, delayMs));
  }
  return result;
}

/** `async` and `poll` rendered; undefined for `async: 0`, which runs the task as usual (Ansible's default). */
function asyncOf(task: ModuleTask, vars: Record<string, unknown>): AsyncSettings | undefined {
  const number = (v: number | string, what: string) => {
    const rendered = renderValue(v, vars, site(task));
    const n = Number(rendered);
    if (!Number.isInteger(n) || n < 0) throw new TsinfraError('TSI_CONFIG', `${formatPosition(task.at)}: ${what} must be a whole number of seconds ≥ 0, got ${JSON.stringify(rendered)}`);
    return n;
  };
  const limit = number(task.async!, 'async');
  return limit > 0 ? { limit, poll: number(task.poll ?? ASYNC_POLL_DEFAULT, 'poll') } : undefined;
}

/** Ansible's DEFAULT_POLL_INTERVAL. */
const ASYNC_POLL_DEFAULT = 15;

/** Ansible's task `timeout`: the task fails when the module takes longer (its command is ended by the transport). */
function withTimeout<T>(running: Promise<T>, ms: number, task: ModuleTask): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TsinfraError('TSI_TIMEOUT', `${formatPosition(task.at)}: the ${task.module} action did not finish within the task's timeout (${ms / 1000}s) and was stopped`)), ms);
  });
  return Promise.race([running, expired]).finally(() => clearTimeout(timer));
}

/**
 * A module's own failure on one loop item (its script failed, its arguments are wrong) is that item's result, as in
 * Ansible; anything else (a template error, an unreachable host) still ends the task.
 */
function itemFailure(err: unknown): RegisteredResult {
  if (err instanceof CommandError) return { changed: false, failed: true, msg: err.describe(), rc: err.exitCode, stdout: err.stdout, stderr: err.stderr };
  if (err instanceof ArgsError) return { changed: false, failed: true, msg: err.describe() };
  throw err;
}

function applyResultConditions(task: ModuleTask, vars: Record<string, unknown>, result: RegisteredResult): RegisteredResult {
  const withResult = task.register ? { ...vars, [task.register]: result } : vars;
  if (task.changedWhen) result.changed = holds(task.changedWhen, withResult, task);
  if (task.failedWhen) result.failed = holds(task.failedWhen, withResult, task);
  return result;
}

function itemLabel(loop: LoopSpec, item: unknown, vars: Record<string, unknown>, task: ModuleTask): string {
  if (loop.label) return String(renderValue(loop.label, vars, site(task)));
  return typeof item === 'string' ? item : JSON.stringify(item);
}

/** Keys of a result that are its bookkeeping, not what debug shows. */
const RESULT_KEYS = new Set(['changed', 'failed', 'skipped', 'skip_reason', 'changes', 'item', 'attempts']);

/** What debug shows (Ansible's default callback): the message or the variable, and for a loop item the item too. */
function debugShown(task: ModuleTask, r: RegisteredResult, isItem: boolean): Record<string, unknown> | undefined {
  if (task.module !== 'debug' || r.failed || r.skipped || (task.loop && !isItem)) return undefined;
  const shown = Object.fromEntries(Object.entries(r).filter(([k]) => !RESULT_KEYS.has(k)));
  if (isItem && task.loop) Object.assign(shown, { ansible_loop_var: task.loop.loopVar, [task.loop.loopVar]: r.item });
  return shown;
}

function toHostResult(h: HostState, r: RegisteredResult, started: number, noLog: boolean, item?: string, task?: ModuleTask): HostTaskResult {
  const status = r.failed ? 'failed' : r.skipped ? 'skipped' : r.changed ? 'changed' : 'ok';
  const debug = task && debugShown(task, r, item !== undefined);
  let message = r.failed || r.skipped ? (typeof r.msg === 'string' ? r.msg : r.msg === undefined ? undefined : JSON.stringify(r.msg)) : typeof r.msg === 'string' ? r.msg : undefined;
  if (debug && (typeof r.msg !== 'string' || !('msg' in debug))) message = formatDebugValue('msg' in debug ? debug.msg : debug, true);
  return {
    host: h.name,
    status,
    changes: r.changes ?? [],
    message,
    ...(debug ? { debug } : {}),
    diff: r.diff,
    item,
    stdout: r.stdout,
    stderr: r.stderr,
    rc: r.rc,
    durationMs: Date.now() - started,
    noLog,
  };
}

export interface TaskOutcome {
  /** What to report: one per loop item, then the task's own. */
  results: HostTaskResult[];
  /** The task's own result (for counting and control flow). */
  final: HostTaskResult;
  registered?: RegisteredResult;
}

/** Runs a module task on one host, never throwing for the host's own problems (they become its result). */
export async function runTaskOnHost(ctx: TaskRunContext, h: HostState, task: ModuleTask, readAhead?: ReadAhead): Promise<TaskOutcome> {
  const started = Date.now();
  const { scope } = ctx;
  let vars: Record<string, unknown> = {};
  let noLog = false;
  try {
    vars = taskVars(scope, h, task);
    noLog = flag(task.noLog, vars, task) ?? false;
    const check = flag(task.checkMode, vars, task) ?? scope.check;
    const diff = flag(task.diff, vars, task) ?? scope.diff;
    const ignore = flag(task.ignoreErrors, vars, task) ?? false;
    let registered: RegisteredResult;
    const results: HostTaskResult[] = [];
    if (task.loop) {
      const items = loopItems(task.loop, vars, task);
      const perItem: RegisteredResult[] = [];
      for (const [index, item] of items.entries()) {
        const itemVars = loopItemVars(task.loop, vars, item, index);
        const label = itemLabel(task.loop, item, itemVars, task);
        // Every item runs, whatever the others did; a failed item fails the task (Ansible's _run_loop).
        const r = await runOnce(ctx, h, task, itemVars, check, diff, readAhead).catch(itemFailure);
        // set_fact / include_vars: the next items see this item's variables (Ansible updates the loop's task vars
        // after each item), so `acc: "{{ acc | default([]) + [item] }}"` accumulates.
        if (r.ansible_facts && !r.failed) vars = { ...vars, ...r.ansible_facts };
        r.item = item;
        perItem.push(r);
        results.push(toHostResult(h, r, started, noLog, label, task));
      }
      registered = {
        changed: perItem.some((r) => r.changed),
        failed: perItem.some((r) => r.failed),
        skipped: perItem.length > 0 && perItem.every((r) => r.skipped),
        results: perItem,
        msg: perItem.find((r) => r.failed)?.msg,
        changes: perItem.flatMap((r) => r.changes ?? []),
      };
      // set_fact / include_vars in a loop: each item's variables, the later item winning.
      const facts = perItem.filter((r) => r.ansible_facts && !r.failed).map((r) => r.ansible_facts);
      if (facts.length > 0) registered.ansible_facts = Object.assign({}, ...facts);
    } else {
      registered = await runOnce(ctx, h, task, vars, check, diff, readAhead);
    }
    if (task.module === 'add_host' || task.module === 'group_by') ctx.applyInventoryChanges?.(h, registered);
    if (task.register) h.setRunVar(task.register, registered);
    if (registered.ansible_facts && !registered.failed) {
      if (task.module === 'include_vars') h.mergeIncludedVars(registered.ansible_facts);
      else h.mergeRunVars(registered.ansible_facts);
    }
    const final = toHostResult(h, registered, started, noLog, undefined, task);
    if (task.loop) final.changes = [];
    if (final.status === 'failed' && ignore) final.ignored = true;
    if (registered.changed && !registered.failed) for (const n of task.notify) for (const id of n.handlers) h.notified.add(id);
    return { results: task.loop ? [...results, final] : [final], final, registered };
  } catch (err) {
    // In check mode earlier changes were only planned, so a later task may find its ground missing (copy into a
    // directory a previous task would create). That is a change we cannot plan yet, not a failure.
    if (scope.check && err instanceof PlanError && h.counts.changed > 0) {
      const final: HostTaskResult = { host: h.name, status: 'changed', changes: [`cannot plan until earlier changes are made: ${err.message}`], durationMs: Date.now() - started, noLog };
      return { results: [final], final };
    }
    const status = err instanceof ConnectError ? 'unreachable' : 'failed';
    const message = err instanceof CommandError ? err.describe() : err instanceof TsinfraError ? err.describe() : String((err as Error)?.stack ?? err);
    const final: HostTaskResult = { host: h.name, status, changes: [], message, durationMs: Date.now() - started, noLog };
    const cmd = err as { stdout?: string; stderr?: string; exitCode?: number | null };
    if (typeof cmd.stdout === 'string') Object.assign(final, { stdout: cmd.stdout, stderr: cmd.stderr, rc: cmd.exitCode });
    if (status === 'failed' && task.register) h.setRunVar(task.register, { changed: false, failed: true, msg: message });
    if (status === 'failed') {
      try {
        if (flag(task.ignoreErrors, vars, task)) final.ignored = true;
      } catch {
        /* the failure itself is what gets reported */
      }
    }
    return { results: [final], final };
  }
}
