// One task on one host: when, loop, render, validate, run, retries/until, changed_when/failed_when, register,
// notify. A failure is this host's result; nothing here stops other hosts.
import { ArgsError, ConnectError, TsinfraError, formatPosition } from '../errors.js';
import { evaluateCondition } from '../expr/condition.js';
import { getModule, validateArgs } from '../modules/registry.js';
import { PlanError, type RegisteredResult } from '../modules/define.js';
import type { ConditionRef, LoopSpec, ModuleTask } from '../playbook/playbook-plan.js';
import { renderString, renderValue } from '../template/render.js';
import type { ConnectionPool } from '../transport/connection-pool.js';
import type { Connection } from '../transport/transport.js';
import { LocalConnection } from '../transport/local.js';
import type { HostTaskResult } from './events.js';
import type { HostState } from './host-state.js';
import { runModule } from './module-runner.js';
import { taskVars, type PlayScope } from './variables.js';

export interface TaskRunContext {
  scope: PlayScope;
  pool: ConnectionPool;
  connection: (h: HostState) => Promise<Connection>;
  verbosity: number;
  commandTimeoutMs?: number;
  onExec?: () => void;
}

export const site = (task: ModuleTask, at = task.at) => ({ ...at, task: task.name ?? task.label });

export function holds(conds: ConditionRef[] | undefined, vars: Record<string, unknown>, task: ModuleTask): boolean {
  return (conds ?? []).every((c) => evaluateCondition(c.expr, vars, site(task, c.at)));
}

/**
 * A command its author declared read-only, in Ansible's idiom: it never reports a change (`changed_when: false`)
 * and runs even in check mode (`check_mode: false`). tsinfra takes that at its word: such a check may be run ahead
 * with other probes, and running it does not make what was read ahead stale.
 */
export function isReadOnlyCheck(task: ModuleTask): boolean {
  const never = task.changedWhen?.length === 1 && [false, 'false'].includes(task.changedWhen[0]!.expr);
  return never && (task.checkMode === false || task.checkMode === 'false');
}

/** A task keyword that is true/false or a template rendering to a condition (`become: "{{ use_sudo }}"`). */
export function flag(v: boolean | string | undefined, vars: Record<string, unknown>, task: ModuleTask): boolean | undefined {
  if (v === undefined || typeof v === 'boolean') return v;
  return evaluateCondition(renderString(v, vars, site(task)), vars, site(task));
}

export function loopItems(loop: LoopSpec, vars: Record<string, unknown>, task: ModuleTask): unknown[] {
  const items = renderValue(loop.items, vars, { ...loop.at, task: task.name ?? task.label });
  if (!Array.isArray(items)) throw new TsinfraError('TSI_CONFIG', `${formatPosition(loop.at)}: loop must render to a list, got ${JSON.stringify(items)?.slice(0, 80)}`);
  return loop.flatten ? items.flat(1) : items;
}

/** A loop item's variables: the loop variable, ansible_loop_var and, with loop_control.index_var, the index. */
export function loopItemVars(loop: LoopSpec, vars: Record<string, unknown>, item: unknown, index: number): Record<string, unknown> {
  return { ...vars, [loop.loopVar]: item, ansible_loop_var: loop.loopVar, ...(loop.indexVar ? { [loop.indexVar]: index } : {}) };
}

export function environmentOf(task: ModuleTask, vars: Record<string, unknown>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const layer of task.environment) {
    const rendered = renderValue(layer, vars, site(task));
    if (rendered && typeof rendered === 'object') for (const [k, v] of Object.entries(rendered)) env[k] = String(v);
  }
  return env;
}

// The loader folds play, block and role keywords into each task, so the task's own fields are all there is to read.
export function becomeFor(h: HostState, task: ModuleTask, vars: Record<string, unknown>) {
  const on = flag(task.become, vars, task);
  if (on === false) return undefined;
  if (on === undefined) return h.become;
  const user = task.becomeUser ? renderString(task.becomeUser, vars, site(task)) : h.become?.user ?? 'root';
  return { user, password: h.become?.password };
}

export function searchDirs(ctx: TaskRunContext, task: ModuleTask): { files: string[]; templates: string[] } {
  const role = task.role ? ctx.scope.plan.roles[task.role] : undefined;
  const base = ctx.scope.play.file.replace(/\/[^/]*$/, '');
  return {
    files: [...(role ? [role.filesDir, role.dir] : []), `${base}/files`, base],
    templates: [...(role ? [role.templatesDir, role.dir] : []), `${base}/templates`, base],
  };
}

const localConnection = new LocalConnection();

/** `delegate_to: localhost` runs the module on the controller (the loader refuses other targets). */
function isDelegatedLocally(task: ModuleTask, vars: Record<string, unknown>): boolean {
  if (!task.delegateTo) return false;
  const target = renderString(task.delegateTo, vars, site(task));
  if (target === 'localhost' || target === '127.0.0.1') return true;
  throw new TsinfraError('TSI_CONFIG', `${formatPosition(task.at)}: delegate_to ${JSON.stringify(target)}: only localhost is supported`);
}

/** One run of the module for one item (or the task without loop), with retries/until. */
/** Reads the probes of what follows on this host (run-playbook knows what follows). */
export type ReadAhead = (becomeUser: string | undefined, max: number) => Promise<string[]>;

async function runOnce(ctx: TaskRunContext, h: HostState, task: ModuleTask, vars: Record<string, unknown>, check: boolean, diff: boolean, readAhead?: ReadAhead): Promise<RegisteredResult> {
  const module = getModule(task.module);
  if (!module) throw new TsinfraError('TSI_CONFIG', `${formatPosition(task.at)}: unknown module ${task.module}`);
  const rendered = renderValue(task.args, vars, { ...task.argsAt, task: task.name ?? task.label });
  const valid = validateArgs(task.module, rendered);
  if (!valid.ok) throw new ArgsError(task.module, `${formatPosition(task.argsAt)} (${task.label}): ${valid.problems.map((p) => `${task.module}${p.path.replace(/\//g, '.')} ${p.message}`.replace(/\.\s/, ' ')).join('; ')}`);
  const attempts = task.until ? Math.max(1, Number(renderValue(task.retries ?? 3, vars, site(task)))) : 1;
  const delayMs = Number(renderValue(task.delay ?? 5, vars, site(task))) * 1000;
  let result: RegisteredResult = { changed: false, failed: false };
  const local = isDelegatedLocally(task, vars);
  for (let attempt = 1; attempt <= attempts; attempt++) {
    // `until` waits for the host to change by itself: each new attempt must really look again.
    if (attempt > 1) h.probes.clear();
    result = await runModule({
      module,
      args: valid.args,
      host: h,
      vars: { ...vars, ansible_check_mode: check }, // a task's own check_mode: actions read it here
      check,
      diff,
      environment: environmentOf(task, vars),
      become: becomeFor(h, task, vars),
      searchDirs: searchDirs(ctx, task),
      taskLabel: task.name ?? task.label,
      commandTimeoutMs: ctx.commandTimeoutMs,
      connection: () => (local ? Promise.resolve(localConnection) : ctx.connection(h)),
      pool: ctx.pool,
      verbosity: ctx.verbosity,
      onExec: ctx.onExec,
      probes: local ? undefined : h.probes,
      readOnly: isReadOnlyCheck(task),
      readAhead: local ? undefined : readAhead,
    });
    result = applyResultConditions(task, vars, result);
    if (!task.until) break;
    const withResult = task.register ? { ...vars, [task.register]: result } : vars;
    if (holds(task.until, withResult, task)) break;
    result.attempts = attempt;
    if (attempt === attempts) {
      result.failed = true;
      result.msg = `until condition still false after ${attempts} attempts`;
    } else await new Promise((r) => setTimeout(r, delayMs));
  }
  return result;
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

function toHostResult(h: HostState, r: RegisteredResult, started: number, noLog: boolean, item?: string): HostTaskResult {
  const status = r.failed ? 'failed' : r.skipped ? 'skipped' : r.changed ? 'changed' : 'ok';
  return {
    host: h.name,
    status,
    changes: r.changes ?? [],
    message: r.failed || r.skipped ? (typeof r.msg === 'string' ? r.msg : r.msg === undefined ? undefined : JSON.stringify(r.msg)) : typeof r.msg === 'string' ? r.msg : undefined,
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
        let r: RegisteredResult;
        if (!holds(task.when, itemVars, task)) r = { changed: false, failed: false, skipped: true, msg: 'condition false' };
        else r = await runOnce(ctx, h, task, itemVars, check, diff, readAhead);
        r.item = item;
        perItem.push(r);
        results.push(toHostResult(h, r, started, noLog, label));
        if (r.failed && !ignore) break;
      }
      registered = {
        changed: perItem.some((r) => r.changed),
        failed: perItem.some((r) => r.failed),
        skipped: perItem.length > 0 && perItem.every((r) => r.skipped),
        results: perItem,
        msg: perItem.find((r) => r.failed)?.msg,
        changes: perItem.flatMap((r) => r.changes ?? []),
      };
    } else if (!holds(task.when, vars, task)) {
      registered = { changed: false, failed: false, skipped: true, msg: 'condition false' };
    } else {
      registered = await runOnce(ctx, h, task, vars, check, diff, readAhead);
    }
    if (task.register) h.setRunVar(task.register, registered);
    if (registered.ansible_facts && !registered.failed) h.mergeRunVars(registered.ansible_facts);
    const final = toHostResult(h, registered, started, noLog);
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
    const message = err instanceof TsinfraError ? err.describe() : String((err as Error)?.stack ?? err);
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
