// A playbook run: plays in order; each play's hosts in batches (serial); tasks across hosts in parallel, bounded
// by --forks; `linear` waits for every host before the next task, `free` lets each host run ahead; handlers at
// the end of the play or at flush_handlers; a failed or unreachable host stops alone.
import pLimit from 'p-limit';
import { ConnectError, TsinfraError, formatPosition } from '../errors.js';
import { log } from '../log.js';
import { selectHosts } from '../inventory/load.js';
import type { Inventory } from '../inventory/types.js';
import type { BlockNode, IncludeRoleNode, IncludeTasksNode, MetaNode, ModuleTask, PlaybookPlan, PlayPlan, TaskNode } from '../playbook/playbook-plan.js';
import { loadDynamicInclude } from '../playbook/dynamic-include.js';
import type { LoadPlaybookOptions } from '../playbook/load-playbook.js';
import { readYamlFile } from '../config/yaml-source.js';
import { evaluateCondition, isTemplated, readFlag, renderString, renderValue } from '../template/index.js';
import type { ConnectionPool } from '../transport/connection-pool.js';
import type { BecomeOptions, ConnectTarget } from '../transport/transport.js';
import type { Host } from '../inventory/types.js';
import type { HostTaskResult, RemoteExec, Reporter, TaskRef } from './events.js';
import { factsScript, parseFacts } from './facts.js';
import { connectionOf, noteTarget, useConnectionResolver } from './connection-vars.js';
import { HostState } from './host-state.js';
import { flag } from './prepare-task.js';
import { applyInventoryChanges, refreshInventory, type InventoryEdit } from './inventory-changes.js';
import { probeWithReadAhead } from './read-ahead/probe-with-read-ahead.js';
import { upcomingProbes } from './read-ahead/upcoming-probes.js';
import { runTaskOnHost, type ReadAhead, type TaskRunContext } from './task-runner.js';
import { taskVars, type PlayScope } from './variables.js';
import { promptedVars, type VarsPrompter } from './vars-prompt-answers.js';
import { TaskStepper, type ConfirmTask } from './task-step.js';
import { ansibleTaskName } from '../playbook/task-name.js';

export interface RunPlaybookOptions {
  inventory: Inventory;
  limit?: string;
  targetOf(host: Host): ConnectTarget;
  becomeOf(host: Host): BecomeOptions | undefined;
  forks: number;
  check: boolean;
  diff: boolean;
  extraVars: Record<string, unknown>;
  pool: ConnectionPool;
  reporter: Reporter;
  verbosity: number;
  commandTimeoutMs?: number;
  /** Counts SSH round trips (the bench reads it). */
  onExec?: (trace?: RemoteExec) => void;
  /** Reads the inventory's sources again (meta: refresh_inventory). */
  reloadInventory?: () => Promise<Inventory>;
  /** How the playbook was loaded: dynamic includes with templated paths load the same way at run time. */
  loadOptions?: LoadPlaybookOptions;
  /**
   * Aborted on SIGINT/SIGTERM: no task starts after it and the run returns at once. Results that end after it are
   * not counted: the interrupt cut them (closed connections), so they say nothing about the host.
   */
  signal?: AbortSignal;
  /** Asks a play's vars_prompt; without one, each takes its default (as ansible-playbook without a terminal). */
  varsPrompter?: VarsPrompter;
  /** --step: asked before each task (engine/task-step.ts); without it every task runs. */
  confirmTask?: ConfirmTask;
  /** Given the run's host states before anything runs: a reporter may read a result's registered value as it comes. */
  onHostStates?: (states: ReadonlyMap<string, HostState>) => void;
}

export interface RunSummary {
  hosts: Map<string, HostState>;
  failed: string[];
  unreachable: string[];
}

/** Group name → its hosts' names (the `groups` magic variable). */
export function groupsOf(inventory: Inventory): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const g of inventory.groups.keys()) out[g] = [];
  for (const h of inventory.hosts.values()) for (const g of h.groups) (out[g] ??= []).push(h.name);
  out.all = [...inventory.hosts.keys()];
  return out;
}

function taskRef(task: ModuleTask, isHandler = false): TaskRef {
  return { id: task.id, name: task.name ?? task.label, at: `${task.at.file}:${task.at.line ?? 1}:${task.at.column ?? 1}`, role: task.role, isHandler };
}

function count(h: HostState, r: HostTaskResult): void {
  const c = h.counts;
  if (r.status === 'unreachable') c.unreachable++;
  else if (r.status === 'failed') r.ignored ? c.ignored++ : c.failed++;
  else if (r.status === 'skipped') c.skipped++;
  else {
    c.ok++;
    if (r.status === 'changed') c.changed++;
  }
}

function batches(hosts: HostState[], serial: (number | string)[] | undefined, vars: Record<string, unknown>): HostState[][] {
  if (!serial || serial.length === 0) return [hosts];
  const sizes = serial.map((s) => {
    const v = typeof s === 'string' ? String(renderValue(s, vars, { file: 'serial' })) : s;
    const n = typeof v === 'string' && v.endsWith('%') ? Math.floor((hosts.length * Number(v.slice(0, -1))) / 100) : Number(v);
    return Math.max(1, n || hosts.length);
  });
  const out: HostState[][] = [];
  let i = 0;
  let k = 0;
  while (i < hosts.length) {
    const size = sizes[Math.min(k++, sizes.length - 1)]!;
    out.push(hosts.slice(i, i + size));
    i += size;
  }
  return out;
}

interface FailureLimits {
  anyErrorsFatal: boolean;
  maxFailPercentage?: number;
}

/** any_errors_fatal and max_fail_percentage, which may be templates: rendered with the play's vars and extra vars. */
function failureLimits(play: PlayPlan, vars: Record<string, unknown>): FailureLimits {
  const pct = play.maxFailPercentage === undefined ? undefined : renderValue(play.maxFailPercentage, vars, { ...play.at });
  const n = pct === undefined || (typeof pct === 'string' && pct.trim() === '') ? undefined : Number(pct);
  if (n !== undefined && !(n >= 0 && n <= 100)) throw new TsinfraError('TSI_CONFIG', `${formatPosition(play.at)}: max_fail_percentage must be a number from 0 to 100, got ${JSON.stringify(pct)}`);
  return { anyErrorsFatal: readFlag(play.anyErrorsFatal, vars, { ...play.at }), maxFailPercentage: n };
}

class PlayRun {
  /** No task starts any more in this batch (end_batch, and all below). */
  private aborted = false;
  /** No later batch of the play starts (end_play). */
  isPlayEnded = false;
  /** The playbook stops here: any_errors_fatal or max_fail_percentage tripped (Ansible's RUN_FAILED_BREAK_PLAY). */
  isRunEnded = false;
  /**
   * Hosts whose failure counts for the failure limits: unreachable, or failed where no enclosing block had a rescue
   * or an always left to run (Ansible's PlayIterator.is_failed at the failed task, into TQM._failed_hosts).
   */
  private readonly failedHosts = new Set<HostState>();
  /** Per host, the enclosing blocks that would still catch a failure (a rescue or an always to come). */
  private readonly catchers = new Map<HostState, number>();
  private readonly limit: ReturnType<typeof pLimit>;
  private readonly ctx: TaskRunContext;
  private readonly failureLimits: FailureLimits;
  /** Gathering facts is a task without vars of its own. */
  private readonly factsTask = { vars: {} };

  constructor(
    private readonly o: RunPlaybookOptions,
    private readonly scope: PlayScope,
    private readonly batch: HostState[],
    /** Shared with the free strategy's per-host run: `c` stops the asking for the whole play (batch). */
    private readonly step = new TaskStepper(o.confirmTask),
  ) {
    this.limit = pLimit(Math.max(1, o.forks));
    this.failureLimits = failureLimits(scope.play, { ...scope.playVars, ...scope.extraVars });
    this.ctx = {
      scope,
      pool: o.pool,
      connection: (_h, target) => o.pool.get(target),
      verbosity: o.verbosity,
      commandTimeoutMs: o.commandTimeoutMs,
      onExec: o.onExec,
      applyInventoryChanges: (h, r) => applyInventoryChanges(this.inventoryEdit(), h, r),
    };
  }

  /** The run's inventory, as add_host, group_by and refresh_inventory change it. */
  private inventoryEdit(): InventoryEdit {
    const { o, scope } = this;
    return {
      inventory: o.inventory,
      groups: scope.groups,
      allHosts: scope.allHosts,
      newHostState: (host) => {
        const added = new HostState(host, o.targetOf(host), o.becomeOf(host));
        useConnectionResolver(added, o);
        return added;
      },
    };
  }

  private get play(): PlayPlan {
    return this.scope.play;
  }

  private get isInterrupted(): boolean {
    return this.o.signal?.aborted === true;
  }

  private emitResult(task: TaskRef, results: HostTaskResult[]): void {
    for (const result of results) {
      this.o.reporter.onEvent({ type: 'host_result', task, result });
      // Diagnostics only: status and counts, never arguments or output (they may hold secrets).
      log().child({ host: result.host }).info({ task: task.name, at: task.at, status: result.status, changes: result.changes.length, ms: result.durationMs }, 'task result');
    }
  }

  private settle(h: HostState, final: HostTaskResult): void {
    count(h, final);
    if (final.status === 'unreachable') {
      h.isUnreachable = true;
      this.failedHosts.add(h);
      void this.o.pool.drop(h.name);
    } else if (final.status === 'failed' && !final.ignored) {
      h.isFailed = true;
      if (!this.catchers.get(h)) this.failedHosts.add(h);
    }
  }

  async gatherFacts(hosts: HostState[]): Promise<void> {
    const task: TaskRef = { id: `${this.play.index}.facts`, name: 'Gathering Facts', at: `${this.play.at.file}:${this.play.at.line ?? 1}:1` };
    this.o.reporter.onEvent({ type: 'task_start', task, hosts: hosts.map((h) => h.name) });
    const started = Date.now();
    const script = factsScript();
    await Promise.all(
      hosts.map((h) =>
        this.limit(async () => {
          if (this.isInterrupted) return;
          const started = Date.now();
          let result: HostTaskResult;
          try {
            // As Ansible's setup task: the play's variables for this host (play vars, -e…) say how to connect.
            const { target } = connectionOf(h, taskVars(this.scope, h, this.factsTask));
            noteTarget(h, target);
            const conn = await this.o.pool.get(target);
            this.o.onExec?.();
            // The first tasks' probes that need no facts come along (the facts script only reads, too).
            const ahead = await upcomingProbes(this.scope, h, knownTasks(this.play.tasks), undefined, h.probes.readAhead, target).catch(() => []);
            const r = await probeWithReadAhead(conn, script.text, { timeoutMs: this.o.commandTimeoutMs }, h.probes, ahead);
            if (r.code !== 0) throw new TsinfraError('TSI_COMMAND', `gathering facts failed (exit ${r.code}): ${r.stderr.trim().slice(0, 200)}`);
            h.facts = parseFacts(r.stdout);
            result = { host: h.name, status: 'ok', changes: [], durationMs: Date.now() - started };
          } catch (err) {
            const status = err instanceof ConnectError ? 'unreachable' : 'failed';
            result = { host: h.name, status, changes: [], message: err instanceof TsinfraError ? err.describe() : String(err), durationMs: Date.now() - started };
          }
          if (this.isInterrupted) return;
          this.settle(h, result);
          this.emitResult(task, [result]);
        }),
      ),
    );
    if (!this.isInterrupted) this.o.reporter.onEvent({ type: 'task_end', task, hosts: hosts.map((h) => h.name), durationMs: Date.now() - started });
  }

  /**
   * --step: the hosts to run `what` ("TASK: name") on. linear asks once for all of them; free asks per host, "on
   * <host>" (Ansible's free strategy). The input ending ends the run.
   */
  private async confirmed(what: string, hosts: HostState[]): Promise<HostState[]> {
    const perHost = this.play.strategy === 'free';
    const out: HostState[] = [];
    for (const h of perHost ? hosts : hosts.slice(0, 1)) if (await this.step.allows(what, perHost ? h.name : undefined)) out.push(h);
    if (this.step.isEnded) this.aborted = this.isRunEnded = true;
    return perHost || out.length === 0 ? out : hosts;
  }

  private checkFailureLimits(): void {
    const failed = this.failedHosts.size;
    const { anyErrorsFatal, maxFailPercentage } = this.failureLimits;
    const tripped = (failed > 0 && anyErrorsFatal) || (maxFailPercentage !== undefined && this.batch.length > 0 && (failed / this.batch.length) * 100 > maxFailPercentage);
    if (tripped) this.aborted = this.isRunEnded = true;
  }

  /** Runs `nodes`; with `catches`, a failure of these hosts is the block's to handle: not counted for the limits yet. */
  private async runCatching(nodes: readonly TaskNode[], hosts: HostState[], catches: boolean, following: readonly TaskNode[] = []): Promise<void> {
    if (!catches) return this.runNodes(nodes, hosts, following);
    for (const h of hosts) this.catchers.set(h, (this.catchers.get(h) ?? 0) + 1);
    try {
      await this.runNodes(nodes, hosts, following);
    } finally {
      for (const h of hosts) this.catchers.set(h, this.catchers.get(h)! - 1);
    }
  }

  /** Reads ahead from this task (its other loop items) through the tasks that follow it. */
  private readAhead(h: HostState, task: ModuleTask, following: readonly TaskNode[]): ReadAhead {
    return (user, max, target) => upcomingProbes(this.scope, h, knownTasks([task, ...following]), user, max, target);
  }

  async runTask(task: ModuleTask, hosts: HostState[], isHandler = false, following: readonly TaskNode[] = []): Promise<void> {
    const ref = taskRef(task, isHandler);
    const targets = hosts.filter((h) => h.isActive);
    if (targets.length === 0 || this.isInterrupted) return;
    // A handler is asked in flushHandlers, where a skipped one stays notified.
    if (!isHandler && (await this.confirmed(`TASK: ${ansibleTaskName(task, this.scope.plan.roles)}`, targets)).length === 0) return;
    this.o.reporter.onEvent({ type: 'task_start', task: ref, hosts: targets.map((h) => h.name) });
    const started = Date.now();
    const first = targets[0]!;
    const runOnce = typeof task.runOnce === 'string' ? flag(task.runOnce, taskVars(this.scope, first, task), task) : task.runOnce;
    // add_host runs once for the batch too (Ansible's BYPASS_HOST_LOOP), but what it registers stays on that host.
    if (runOnce || task.module === 'add_host') {
      const outcome = await this.limit(() => runTaskOnHost(this.ctx, first, task, this.readAhead(first, task, following)));
      if (this.isInterrupted) return;
      this.settle(first, outcome.final);
      this.emitResult(ref, outcome.results);
      // run_once: every host of the batch sees the result (register and facts), as in Ansible.
      if (runOnce && task.register && outcome.registered) for (const h of targets.slice(1)) h.setRunVar(task.register, outcome.registered);
    } else {
      await Promise.all(
        targets.map((h) =>
          this.limit(async () => {
            if (this.isInterrupted) return;
            const outcome = await runTaskOnHost(this.ctx, h, task, this.readAhead(h, task, following));
            if (this.isInterrupted) return;
            this.settle(h, outcome.final);
            this.emitResult(ref, outcome.results);
          }),
        ),
      );
    }
    if (!this.isInterrupted) this.o.reporter.onEvent({ type: 'task_end', task: ref, hosts: targets.map((h) => h.name), durationMs: Date.now() - started });
    this.checkFailureLimits();
  }

  private async runBlock(b: BlockNode, hosts: HostState[], following: readonly TaskNode[]): Promise<void> {
    const entered = hosts.filter((h) => h.isActive);
    await this.runCatching(b.block, entered, b.rescue.length + b.always.length > 0, following);
    const failedInBlock = entered.filter((h) => h.isFailed && !h.isUnreachable);
    if (b.rescue.length > 0 && failedInBlock.length > 0) {
      for (const h of failedInBlock) {
        h.isFailed = false;
        h.counts.failed--;
        h.counts.rescued++;
      }
      await this.runCatching(b.rescue, failedInBlock, b.always.length > 0);
      for (const h of failedInBlock) if (h.isFailed) h.counts.rescued--;
    }
    if (b.always.length > 0) {
      const failedNow = entered.filter((h) => h.isFailed && !h.isUnreachable);
      for (const h of failedNow) h.isFailed = false; // always runs on hosts that failed in the block
      await this.runNodes(b.always, entered);
      for (const h of failedNow) h.isFailed = true;
    }
  }

  private hostsWhere(node: TaskNode, hosts: HostState[]): HostState[] {
    return hosts.filter((h) => h.isActive && node.when.every((c) => evaluateCondition(c.expr, taskVars(this.scope, h, node), { ...c.at, task: node.label })));
  }

  /** Runs the nodes in order; `after` is what runs once they are done, for reading ahead. */
  async runNodes(nodes: readonly TaskNode[], hosts: HostState[], after: readonly TaskNode[] = []): Promise<void> {
    for (const [i, node] of nodes.entries()) {
      if (this.aborted || this.isInterrupted || !hosts.some((h) => h.isActive)) return;
      const following = [...nodes.slice(i + 1), ...after];
      switch (node.kind) {
        case 'task':
          await this.runTask(node, hosts, false, following);
          break;
        case 'block':
          await this.runBlock(node, hosts, following);
          break;
        case 'include_tasks':
        case 'include_role':
          await this.runInclude(node, hosts, following);
          break;
        case 'meta':
          await this.runMeta(node, hosts);
          break;
      }
    }
  }

  /**
   * include_tasks / include_role are dynamic: a templated path is resolved per host, and a loop runs the included
   * tasks once per item with the loop variable bound. Those cases run host by host (like `free`), since each host
   * may include different files or items; a plain include runs linearly like the tasks around it.
   */
  private async runInclude(node: IncludeTasksNode | IncludeRoleNode, hosts: HostState[], following: readonly TaskNode[]): Promise<void> {
    const active = hosts.filter((h) => h.isActive);
    if (active.length === 0) return;
    const eligible = this.hostsWhere(node, await this.confirmed(`TASK: ${ansibleTaskName(node, this.scope.plan.roles)}`, active));
    if (!node.loop && node.tasks) return this.runNodes(node.tasks, eligible, following);
    await Promise.all(
      eligible.map(async (h) => {
        const vars = taskVars(this.scope, h, node);
        const site = { ...node.at, task: node.label };
        const items = node.loop ? renderValue(node.loop.items, vars, site) : [undefined];
        if (!Array.isArray(items)) throw new TsinfraError('TSI_CONFIG', `${node.label}: loop must render to a list`);
        for (const item of node.loop?.flatten ? items.flat(1) : items) {
          const bound = node.loop ? { [node.loop.loopVar]: item } : {};
          let tasks = node.tasks;
          if (!tasks) {
            if (!this.o.loadOptions) throw new TsinfraError('TSI_CONFIG', `${node.label}: a templated ${node.kind} needs the playbook's load options`);
            const what = renderString(node.kind === 'include_tasks' ? node.file : node.roleName, { ...vars, ...bound }, site);
            tasks = (await loadDynamicInclude(this.scope.plan, this.play, node, what, this.o.loadOptions)).tasks;
          }
          await this.runNodes(node.loop ? withVars(tasks, bound) : tasks, [h]);
        }
      }),
    );
  }

  /**
   * meta, as Ansible 2.14's linear strategy runs it. flush_handlers and end_host act per host, each where its `when`
   * holds; noop and reset_connection ignore `when` (Ansible warns that they do not support it). The others act once
   * for the whole play, decided by the `when` of the first active host: end_batch, end_play, clear_facts (every
   * host of the play), clear_host_errors (failed and unreachable hosts are no longer, so they take part in the next
   * plays and the exit code, but they do not come back into this one).
   */
  private async runMeta(node: MetaNode, hosts: HostState[]): Promise<void> {
    const active = hosts.filter((h) => h.isActive);
    switch (node.action) {
      case 'noop':
        return;
      case 'reset_connection':
        await Promise.all(active.map((h) => this.o.pool.drop(h.name)));
        return;
      case 'refresh_inventory':
        // Like noop and reset_connection it ignores `when` (Ansible warns so); it acts once for the run.
        if (!this.o.reloadInventory) throw new TsinfraError('TSI_CONFIG', `${node.label}: meta: refresh_inventory needs the inventory's sources (this run has none)`);
        refreshInventory(this.inventoryEdit(), await this.o.reloadInventory());
        return;
      case 'flush_handlers':
        return this.flushHandlers(this.hostsWhere(node, active));
      case 'end_host':
        for (const h of this.hostsWhere(node, active)) h.isEnded = true;
        return;
    }
    if (active.length === 0 || this.hostsWhere(node, active.slice(0, 1)).length === 0) return;
    const playHosts = this.scope.playHosts.map((name) => this.scope.allHosts.get(name)!);
    if (node.action === 'end_batch') this.aborted = true;
    else if (node.action === 'end_play') this.aborted = this.isPlayEnded = true; // the later batches too (Ansible 2.12+)
    else if (node.action === 'clear_facts') for (const h of playHosts) h.facts = undefined;
    else if (node.action === 'clear_host_errors') {
      for (const h of playHosts) {
        if (!h.isFailed && !h.isUnreachable) continue;
        h.isFailed = h.isUnreachable = false;
        h.isEnded = true; // done with this play
      }
      this.failedHosts.clear();
    }
  }

  async flushHandlers(hosts: HostState[]): Promise<void> {
    for (const handler of this.play.handlers) {
      const notified = hosts.filter((h) => h.isActive && h.notified.has(handler.id));
      // --step: a handler skipped stays notified, and is asked about again at the next flush (as in Ansible).
      const targets = notified.length === 0 ? [] : await this.confirmed(`HANDLER: ${ansibleTaskName(handler, this.scope.plan.roles)}`, notified);
      if (targets.length === 0) continue;
      for (const h of targets) h.notified.delete(handler.id);
      await this.runTask(handler, targets, true);
    }
  }

  async run(): Promise<void> {
    const hosts = this.batch.filter((h) => h.isActive);
    const gather = readFlag(this.play.gatherFacts, this.scope.playVars, { ...this.play.at });
    // --step asks about Gathering Facts as about any task (it is one in Ansible).
    const gatherOn = gather && hosts.length > 0 ? await this.confirmed('TASK: Gathering Facts', hosts) : [];
    if (gatherOn.length > 0) {
      await this.gatherFacts(gatherOn.filter((h) => !h.facts));
      this.checkFailureLimits();
    }
    if (this.play.strategy === 'free') {
      // Each host runs the whole list on its own; --forks bounds hosts, not tasks.
      const free = pLimit(Math.max(1, this.o.forks));
      const perHost = new PlayRun({ ...this.o, forks: Number.MAX_SAFE_INTEGER }, this.scope, this.batch, this.step);
      await Promise.all(hosts.map((h) => free(() => perHost.runNodes(this.play.tasks, [h]))));
      this.aborted ||= perHost.aborted;
      this.isPlayEnded ||= perHost.isPlayEnded;
      this.isRunEnded ||= perHost.isRunEnded;
      await Promise.all(hosts.map((h) => free(() => perHost.flushHandlers([h]))));
    } else {
      await this.runNodes(this.play.tasks, hosts);
      await this.flushHandlers(this.batch);
    }
  }
}

/**
 * The module tasks among `nodes`, in the order they would run, as far as that is known before running: into
 * blocks and static includes, and no further than a dynamic include or a meta task.
 */
function* knownTasks(nodes: readonly TaskNode[]): Generator<ModuleTask, boolean> {
  for (const n of nodes) {
    if (n.kind === 'task') yield n;
    else if (n.kind === 'block') {
      if (!(yield* knownTasks(n.block))) return false;
    } else if ((n.kind === 'include_tasks' || n.kind === 'include_role') && n.tasks && !n.loop && n.when.length === 0) {
      if (!(yield* knownTasks(n.tasks))) return false;
    } else return false;
  }
  return true;
}

/** A copy of the nodes with variables bound at the include-parameter level (a loop item). */
function withVars(nodes: readonly TaskNode[], vars: Record<string, unknown>): TaskNode[] {
  return nodes.map((n) => {
    const copy = { ...n, vars: { ...n.vars, ...vars } } as TaskNode;
    if (copy.kind === 'block') Object.assign(copy, { block: withVars(copy.block, vars), rescue: withVars(copy.rescue, vars), always: withVars(copy.always, vars) });
    else if ((copy.kind === 'include_tasks' || copy.kind === 'include_role') && copy.tasks) copy.tasks = withVars(copy.tasks, vars);
    return copy;
  });
}

/** Play vars, then the vars_prompt answers (Ansible writes them into the play's vars), then vars_files. */
async function playVars(play: PlayPlan, extraVars: Record<string, unknown>, prompted: Record<string, unknown>): Promise<Record<string, unknown>> {
  const vars: Record<string, unknown> = { ...play.vars, ...prompted };
  for (const ref of play.varsFiles) {
    if (ref.loaded) {
      Object.assign(vars, ref.loaded.vars);
      continue;
    }
    for (const candidate of ref.candidates) {
      const file = String(renderValue(candidate, { ...vars, ...extraVars }, { ...ref.at }));
      try {
        const src = await readYamlFile(file.startsWith('/') ? file : `${play.file.replace(/\/[^/]*$/, '')}/${file}`, {});
        Object.assign(vars, src.value as Record<string, unknown>);
        break;
      } catch (err) {
        if (candidate === ref.candidates.at(-1)) throw err;
      }
    }
  }
  return vars;
}

export async function runPlaybook(plan: PlaybookPlan, o: RunPlaybookOptions): Promise<RunSummary> {
  const all = new Map<string, HostState>();
  for (const host of o.inventory.hosts.values()) {
    const h = new HostState(host, o.targetOf(host), o.becomeOf(host));
    useConnectionResolver(h, o);
    all.set(host.name, h);
  }
  o.onHostStates?.(all);
  const involved = new Set<string>();
  // Interrupted, the run returns at once with what finished: what is still in flight (a connect to a dead host, a
  // local command) is left behind, and its results are not counted.
  await Promise.race([runPlays(plan, o, all, involved), whenAborted(o.signal)]);
  const isInterrupted = o.signal?.aborted === true;
  // An interrupted run also lists the hosts it had started on, even where nothing finished.
  const states = [...all.values()].filter((h) => h.counts.ok + h.counts.failed + h.counts.unreachable + h.counts.skipped + h.counts.ignored > 0 || (isInterrupted && involved.has(h.name)));
  return {
    hosts: new Map(states.map((h) => [h.name, h])),
    failed: states.filter((h) => h.isFailed).map((h) => h.name),
    unreachable: states.filter((h) => h.isUnreachable).map((h) => h.name),
  };
}

/** What Ansible's PLAY banner shows: the play's name (rendered), or, unnamed, its host pattern (a list joined with ","). */
export function playTitle(play: PlayPlan, pattern: string, vars: Record<string, unknown>): string {
  const name = play.name?.trim();
  if (!name) return pattern.trim();
  if (!isTemplated(name)) return name;
  try {
    return renderString(name, vars, { ...play.at }).trim();
  } catch {
    return name; // a name using host variables: as written
  }
}

async function runPlays(plan: PlaybookPlan, o: RunPlaybookOptions, all: Map<string, HostState>, involved: Set<string>): Promise<void> {
  const groups = groupsOf(o.inventory);
  for (const play of plan.plays) {
    if (o.signal?.aborted) return;
    for (const h of all.values()) h.isEnded = false; // end_host ends a host's play, not its run
    const pvars = await playVars(play, o.extraVars, await promptedVars(play, o.extraVars, o.varsPrompter));
    if (o.signal?.aborted) return; // interrupted at a prompt
    const pattern = isTemplated(play.hosts) ? renderString(play.hosts, { ...pvars, ...o.extraVars }, { ...play.at }) : play.hosts;
    const selected = selectHosts(o.inventory, pattern, { limit: o.limit }).map((h) => all.get(h.name)!);
    const playHosts = selected.filter((h) => h.isActive);
    for (const h of playHosts) involved.add(h.name);
    const title = playTitle(play, pattern, { ...pvars, ...o.extraVars });
    o.reporter.onEvent({ type: 'play_start', play: title, hosts: playHosts.map((h) => h.name) });
    const scope: PlayScope = { plan, play, playVars: pvars, extraVars: o.extraVars, allHosts: all, groups, playHosts: playHosts.map((h) => h.name), check: o.check, diff: o.diff };
    let isRunEnded = false;
    for (const batch of batches(playHosts, play.serial, { ...pvars, ...o.extraVars })) {
      if (o.signal?.aborted) return;
      const run = new PlayRun(o, scope, batch);
      await run.run();
      if (o.signal?.aborted) return; // the recap is out already: nothing may follow it
      // As Ansible's PlaybookExecutor: a tripped failure limit, or a batch where every host failed, ends the
      // playbook (no later batch, no later play); end_play ends this play's batches.
      isRunEnded = run.isRunEnded || (batch.length > 0 && batch.every((h) => h.isFailed || h.isUnreachable));
      if (isRunEnded || run.isPlayEnded) break;
    }
    o.reporter.onEvent({ type: 'play_end', play: title });
    if (isRunEnded) return;
  }
}

/** Settles when the signal aborts; never without one. */
function whenAborted(signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    if (signal?.aborted) resolve();
    else signal?.addEventListener('abort', () => resolve(), { once: true });
  });
}
