// Building a task's plan node once it is classified (task-classify.ts): the fields every node has, the loop, a
// module task, meta, and the arguments of include/import (file or role). Nothing here reads another file: the
// recursive part (blocks, imports, includes, roles) is task-loader.ts.
import { dirname } from 'node:path';
import type { TSchema } from '@sinclair/typebox';
import type { SourcePosition } from '../errors.js';
import { describeNode } from '../config/yaml-source.js';
import { checkTable, checkValue, type Site } from './check-value.js';
import { InheritedKeywords, MetaValue } from './keywords.js';
import type { PlayScope } from './load-context.js';
import { checkModuleArgs } from './module-args.js';
import { checkTemplateStrings } from './template-check.js';
import { checkTemplateSource } from './template-source.js';
import type { ConditionRef, LoopSpec, MetaAction, MetaNode, ModuleTask, NotifyRef, TaskNode, TaskSettings } from './playbook-plan.js';
import type { Action } from './task-classify.js';
import type { TaskScope } from './task-scope.js';
import { checkKeywords, foldSettings, ownSettings, type Checked } from './task-settings.js';
import { mapEntries, seqItems, valueOf, type MapEntry } from './yaml-nodes.js';

export interface NodeStart {
  scope: PlayScope;
  ts: TaskScope;
  site: Site;
  name: string | undefined;
  at: SourcePosition;
  checked: Map<string, Checked>;
  /** The keyword entries allowed for this action (checked or not). */
  entries: MapEntry[];
}

export function baseFields(n: NodeStart, settings: TaskSettings, handler = false) {
  return {
    id: handler ? '' : n.scope.nextTaskId(),
    ...(n.name === undefined ? {} : { name: n.name }),
    label: n.site.label,
    at: n.at,
    ...(n.ts.role ? { role: n.ts.role.key } : {}),
    ...(n.ts.role?.vars ? { roleVars: n.ts.role.vars } : {}),
    section: n.ts.section,
    ...settings,
  };
}

function keyAt(n: NodeStart, entry: MapEntry): SourcePosition {
  return n.site.source.positionOfNode(entry.keyNode);
}

/** `loop`, `with_items` or `with_<lookup>`: at most one of them. */
const isLoopKey = (key: string) => key === 'loop' || key.startsWith('with_');

export function loopOf(n: NodeStart, entries: readonly MapEntry[]): LoopSpec | undefined {
  const loopEntries = entries.filter((e) => isLoopKey(e.key));
  if (loopEntries.length > 1) {
    n.site.problems.add(keyAt(n, loopEntries[1]!), `${n.site.label}: use ${loopEntries[0]!.key} or ${loopEntries[1]!.key}, not both`);
    return undefined;
  }
  const control = n.checked.get('loop_control');
  const loopEntry = loopEntries[0];
  if (!loopEntry) {
    if (entries.some((e) => e.key === 'loop_control')) {
      n.site.problems.add(keyAt(n, entries.find((e) => e.key === 'loop_control')!), `${n.site.label}: loop_control needs loop`);
    }
    return undefined;
  }
  const loop = n.checked.get(loopEntry.key);
  if (!loop) return undefined;
  const lc = (control?.value ?? {}) as { label?: string; loop_var?: string; index_var?: string };
  return {
    items: loop.value as LoopSpec['items'],
    at: n.site.source.positionOfNode(loopEntry.node ?? loopEntry.keyNode),
    flatten: loopEntry.key === 'with_items',
    ...(loopEntry.key.startsWith('with_') && loopEntry.key !== 'with_items' ? { lookup: loopEntry.key.slice('with_'.length), lookupDirs: lookupDirs(n) } : {}),
    loopVar: lc.loop_var ?? 'item',
    ...(lc.index_var === undefined ? {} : { indexVar: lc.index_var }),
    ...(lc.label === undefined ? {} : { label: lc.label }),
  };
}

/** Ansible's search path for a task's lookups: its role, the task file's directory, then the playbook's. */
function lookupDirs(n: NodeStart): string[] {
  return [...new Set([...(n.ts.role ? [n.ts.role.dir] : []), dirname(n.site.source.file), n.scope.playbookDir])];
}

export function moduleTask(n: NodeStart, action: Action): ModuleTask {
  const { site, checked, ts, entries } = n;
  const { args, at: argsAt } = checkModuleArgs(site, n.scope.ctx.catalog, action.module!, action.entry, checked.get('args')?.entry);
  checkTemplateStrings(site, entries.includes(action.entry) ? entries : [action.entry, ...entries]);
  if (action.module === 'template') checkTemplateSource(n, action, args);
  const settings = foldSettings(ts.settings, ownSettings(checked));
  const task: ModuleTask = { kind: 'task', ...baseFields(n, settings, ts.handlers), module: action.module!, action: action.entry.key, args, argsAt, notify: [] };
  const loop = loopOf(n, entries);
  if (loop) task.loop = loop;
  const register = checked.get('register')?.value;
  if (typeof register === 'string') task.register = register;
  task.notify = namesOf(n, checked.get('notify')).map((x) => ({ ...x, handlers: [] }) satisfies NotifyRef);
  const conditions = (key: string): ConditionRef[] | undefined => checked.get(key)?.conditions;
  const changedWhen = conditions('changed_when');
  if (changedWhen) task.changedWhen = changedWhen;
  const failedWhen = conditions('failed_when');
  if (failedWhen) task.failedWhen = failedWhen;
  const until = conditions('until');
  const retries = checked.get('retries')?.value as number | string | undefined;
  const hasRetries = entries.some((e) => e.key === 'retries');
  const delayEntry = entries.find((x) => x.key === 'delay');
  if (delayEntry && !hasRetries && !entries.some((e) => e.key === 'until')) {
    site.problems.add(keyAt(n, delayEntry), `${site.label}: delay needs until or retries`, 'add retries: <n> to retry until the task succeeds, or until: <condition>');
  }
  // `retries` alone retries until the task succeeds (ansible-core 2.16).
  if (until || retries !== undefined) {
    if (until) task.until = until;
    task.retries = retries ?? 3;
    task.delay = (checked.get('delay')?.value as number | string | undefined) ?? 5;
  }
  const timeout = checked.get('timeout')?.value as number | string | undefined;
  if (timeout !== undefined) task.timeout = timeout;
  asyncOf(n, task, action);
  if (ts.handlers) {
    const listen = namesOf(n, checked.get('listen')).map((x) => x.name);
    if (listen.length > 0) task.listen = listen;
  }
  return task;
}

/** `async` and `poll`; async on a module that cannot run detached is refused now (Ansible refuses it on the host). */
function asyncOf(n: NodeStart, task: ModuleTask, action: Action): void {
  const limit = n.checked.get('async');
  if (!limit) return;
  if (n.scope.ctx.catalog.supportsAsync?.(action.module!) === false) {
    n.site.problems.add(
      keyAt(n, limit.entry),
      `${n.site.label}: async is not supported for ${action.entry.key}`,
      'async runs command, shell and the modules that change the host by a script (apt, get_url, file, …); see docs/playbooks.md',
    );
    return;
  }
  task.async = limit.value as number | string;
  const poll = n.checked.get('poll')?.value as number | string | undefined;
  if (poll !== undefined) task.poll = poll;
}

/** A name or list of names (notify, listen), each with its position. */
function namesOf(n: NodeStart, c: Checked | undefined): { name: string; at: SourcePosition }[] {
  if (!c) return [];
  const { source } = n.site;
  const items = seqItems(source, c.entry.node) ?? [c.entry.node];
  return items.map((item) => ({ name: String(valueOf(source, item)), at: source.positionOfNode(item) }));
}

/** `import_tasks: path` / `include_tasks: {file: path, apply: …}`: the file and, for includes, apply's keywords. */
export function fileArgument(n: NodeStart, action: Action, table: Record<string, TSchema>): { file: string; at: SourcePosition; apply: Partial<TaskSettings> } | undefined {
  const { site } = n;
  const { node, keyNode, key } = action.entry;
  const value = valueOf(site.source, node);
  if (typeof value === 'string' && value.trim() !== '') return { file: value, at: site.source.positionOfNode(node), apply: applyOf(n, undefined) };
  const entries = mapEntries(site.source, node);
  if (!entries) {
    site.problems.add(site.source.positionOfNode(node ?? keyNode), `${site.label}: ${key} must be a file path or a mapping with file:, got ${describeNode(node)}`);
    return undefined;
  }
  if (!checkTable(site, key, node!, table)) return undefined;
  const fileEntry = entries.find((e) => e.key === 'file');
  if (!fileEntry) {
    site.problems.add(site.source.positionOfNode(keyNode), `${site.label}: ${key} needs file: (the task file)`);
    return undefined;
  }
  const applyEntry = entries.find((e) => e.key === 'apply');
  return {
    file: String(valueOf(site.source, fileEntry.node)),
    at: site.source.positionOfNode(fileEntry.node),
    apply: applyOf(n, applyEntry),
  };
}

/** `apply:` in the action's own mapping, else in `args:` (`include_tasks: x.yml` with `args: {apply: …}`). */
function applyOf(n: NodeStart, own: MapEntry | undefined): Partial<TaskSettings> {
  const entry = own ?? mapEntries(n.site.source, n.checked.get('args')?.entry.node ?? null)?.find((e) => e.key === 'apply');
  return entry ? applySettings(n, entry) : {};
}

function applySettings(n: NodeStart, entry: MapEntry): Partial<TaskSettings> {
  const entries = mapEntries(n.site.source, entry.node) ?? [];
  return ownSettings(checkKeywords({ ...n.site, label: n.site.label }, entries, InheritedKeywords));
}

interface RoleArgs {
  name: string;
  at: SourcePosition;
  tasksFrom?: string;
  handlersFrom?: string;
  fromAt: { tasks_from?: SourcePosition; handlers_from?: SourcePosition };
  vars: Record<string, unknown>;
  apply: Partial<TaskSettings>;
}

export function roleArguments(n: NodeStart, action: Action, table: Record<string, TSchema>): RoleArgs | undefined {
  const { site } = n;
  const { node, keyNode, key } = action.entry;
  const entries = mapEntries(site.source, node);
  if (!entries) {
    const value = valueOf(site.source, node);
    const hint = typeof value === 'string' ? `write ${key}: {name: ${value}}` : undefined;
    site.problems.add(site.source.positionOfNode(node ?? keyNode), `${site.label}: ${key} must be a mapping with name:, got ${describeNode(node)}`, hint);
    return undefined;
  }
  if (!checkTable(site, key, node!, table)) return undefined;
  const get = (k: string) => entries.find((e) => e.key === k);
  const nameEntry = get('name');
  if (!nameEntry) {
    site.problems.add(site.source.positionOfNode(keyNode), `${site.label}: ${key} needs name: (the role to run)`);
    return undefined;
  }
  const str = (k: string) => {
    const e = get(k);
    return e ? String(valueOf(site.source, e.node)) : undefined;
  };
  const applyEntry = get('apply');
  const own = n.checked.get('vars')?.value as Record<string, unknown> | undefined;
  const fromAt: RoleArgs['fromAt'] = {};
  for (const k of ['tasks_from', 'handlers_from'] as const) {
    const e = get(k);
    if (e) fromAt[k] = site.source.positionOfNode(e.node ?? e.keyNode);
  }
  return {
    fromAt,
    name: String(valueOf(site.source, nameEntry.node)),
    at: site.source.positionOfNode(nameEntry.node),
    ...(str('tasks_from') === undefined ? {} : { tasksFrom: str('tasks_from') }),
    ...(str('handlers_from') === undefined ? {} : { handlersFrom: str('handlers_from') }),
    vars: { ...((valueOf(site.source, get('vars')?.node ?? null) as Record<string, unknown> | null) ?? {}), ...(own ?? {}) },
    apply: applyOf(n, applyEntry),
  };
}

export function metaNode(n: NodeStart, action: Action): TaskNode[] {
  const { site, checked, ts } = n;
  const value = valueOf(site.source, action.entry.node);
  if (!checkValue(site, 'meta', action.entry.node, MetaValue, action.entry.keyNode)) return [];
  const out: MetaNode = { kind: 'meta', ...baseFields(n, foldSettings(ts.settings, ownSettings(checked))), action: value as MetaAction };
  return [out];
}
