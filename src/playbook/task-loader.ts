// Task lists → plan nodes. Each task is exactly one action: a module, a block, an include (dynamic, kept as a node),
// an import (static, inlined now) or meta. Keywords are checked against keywords.ts, module arguments against the
// catalog, conditions with checkCondition; every problem is collected, none stops the walk.
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { ParsedNode } from 'yaml';
import type { TSchema } from '@sinclair/typebox';
import type { SourcePosition } from '../errors.js';
import { describeNode, type YamlSource } from '../config/yaml-source.js';
import { checkTable, checkValue, type Site } from './check-value.js';
import { suggestion } from './did-you-mean.js';
import {
  ACTIONS,
  BlockKeywords,
  HandlerKeywords,
  ImportKeywords,
  ImportRoleArgs,
  ImportTasksArgs,
  IncludeKeywords,
  IncludeRoleArgs,
  IncludeTasksArgs,
  InheritedKeywords,
  MetaKeywords,
  MetaValue,
  TaskKeywords,
  TaskList,
  UNSUPPORTED_KEYS,
  type SpecialAction,
} from './keywords.js';
import { isFile, type PlayScope } from './load-context.js';
import { moduleForKey, shortActionName } from './module-catalog.js';
import { checkModuleArgs } from './module-args.js';
import type {
  BlockNode,
  ConditionRef,
  IncludeRoleNode,
  IncludeTasksNode,
  LoopSpec,
  MetaAction,
  MetaNode,
  ModuleTask,
  NotifyRef,
  Section,
  TaskNode,
  TaskSettings,
} from './playbook-plan.js';
import { expandRole } from './role-expansion.js';
import { checkKeywords, foldSettings, INHERITED_KEYS, ownSettings, type Checked } from './task-settings.js';
import { deref, isNull, isTemplate, mapEntries, seqItems, valueOf, type MapEntry } from './yaml-nodes.js';
import { ownValue } from '../own-keys.js';

/** Where the tasks being read sit: what they inherit and how relative paths resolve. */
export interface TaskScope {
  settings: TaskSettings;
  role?: { key: string; name: string; dir: string };
  section: Section;
  /** The file being read. */
  file: string;
  /** Directories a relative import/include path is looked up in, in order. */
  searchDirs: string[];
  /** Task files being imported (absolute), to refuse import cycles. */
  chain: string[];
  /** Role directories being expanded, to refuse dependency cycles. */
  roleStack: string[];
  /** Reading a handlers list. */
  handlers: boolean;
}

/** Numbers the tasks of one file in document order, for `task #3 in site.yml`. */
export interface TaskCursor {
  source: YamlSource;
  file: string;
  count: number;
}

const ALL_TASK_KEYS: ReadonlySet<string> = new Set([
  ...Object.keys(HandlerKeywords),
  ...Object.keys(BlockKeywords),
  ...Object.keys(IncludeKeywords),
  ...Object.keys(ImportKeywords),
  ...Object.keys(MetaKeywords),
]);

type ActionKind = SpecialAction | 'module';

interface Action {
  entry: MapEntry;
  kind: ActionKind;
  module?: string;
}

/** Read a task file (a YAML list of tasks) and expand it in `ts`. A missing file must have been reported already. */
export async function expandTaskFile(scope: PlayScope, ts: TaskScope, file: string): Promise<TaskNode[]> {
  const { ctx } = scope;
  const source = await ctx.readYaml(file);
  if (!source) return [];
  const top = deref(source, source.doc.contents);
  if (isNull(top)) return [];
  const items = seqItems(source, top);
  if (!items) {
    ctx.problems.add(
      source.positionOfNode(top),
      `a ${ts.handlers ? 'handlers' : 'task'} file must be a list of ${ts.handlers ? 'handlers' : 'tasks'}, found ${describeNode(top)}`,
      'each task starts with "- " at the top level of the file',
    );
    return [];
  }
  return expandItems(scope, { ...ts, file }, { source, file, count: 0 }, items);
}

async function expandItems(scope: PlayScope, ts: TaskScope, cursor: TaskCursor, items: (ParsedNode | null)[]): Promise<TaskNode[]> {
  const out: TaskNode[] = [];
  for (const item of items) out.push(...(await expandTask(scope, ts, cursor, item)));
  return out;
}

/** Expand a list value inside the current file (block, rescue, always, a play's tasks). */
export async function expandTaskListNode(scope: PlayScope, ts: TaskScope, source: YamlSource, node: ParsedNode | null, cursor?: TaskCursor): Promise<TaskNode[]> {
  const items = seqItems(source, node);
  if (!items) return [];
  return expandItems(scope, ts, cursor ?? { source, file: ts.file, count: 0 }, items);
}

async function expandTask(scope: PlayScope, ts: TaskScope, cursor: TaskCursor, item: ParsedNode | null): Promise<TaskNode[]> {
  const { ctx } = scope;
  const { source } = cursor;
  const problems = ctx.problems;
  cursor.count += 1;
  const noun = ts.handlers ? 'handler' : 'task';
  const unnamed = `${noun} #${cursor.count} in ${ctx.display(cursor.file)}`;
  const at = source.positionOfNode(item);
  const entries = mapEntries(source, item);
  if (!entries) {
    problems.add(at, `${unnamed} must be a mapping of keywords, found ${describeNode(item)}`, 'a task is "- name: …" followed by one module and its arguments');
    return [];
  }
  const nameValue = valueOf(source, entries.find((e) => e.key === 'name')?.node ?? null);
  const name = typeof nameValue === 'string' || typeof nameValue === 'number' ? String(nameValue) : undefined;
  const label = name !== undefined && name.trim() !== '' ? `${noun} ${JSON.stringify(name)}` : unnamed;
  const site: Site = { source, problems, label };

  const actions: Action[] = [];
  const keywords: MapEntry[] = [];
  let unknown = 0;
  for (const e of entries) {
    const short = shortActionName(e.key);
    if ((ACTIONS as readonly string[]).includes(short)) {
      actions.push({ entry: e, kind: short as SpecialAction });
      continue;
    }
    const module = moduleForKey(e.key, ctx.moduleNames);
    if (module !== undefined) {
      actions.push({ entry: e, kind: 'module', module });
      continue;
    }
    if (ALL_TASK_KEYS.has(e.key)) {
      keywords.push(e);
      continue;
    }
    unknown += 1;
    reportUnknownKey(site, e, ctx.moduleNames);
  }
  if (actions.length === 0) {
    if (unknown === 0) {
      const names = [...ctx.moduleNames].sort();
      problems.add(at, `${label} has no module: expected exactly one module key (${names.slice(0, 6).join(', ')}, …)`, `modules: ${names.join(', ')}`);
    }
    return [];
  }
  if (actions.length > 1) {
    const keys = actions.map((a) => a.entry.key);
    const what = actions.every((a) => a.kind === 'module') ? 'module keys' : 'actions';
    problems.add(
      source.positionOfNode(actions[1]!.entry.keyNode),
      `${label} has ${actions.length} ${what} (${keys.join(', ')}): a task runs exactly one module, block, include or import`,
      'split it into one task per module',
    );
    return [];
  }
  const action = actions[0]!;
  if (ts.handlers && action.kind !== 'module' && action.kind !== 'import_tasks') {
    problems.add(source.positionOfNode(action.entry.keyNode), `${label}: ${action.entry.key} cannot be used in handlers`, 'handlers are module tasks (import_tasks is allowed)');
    return [];
  }
  const table = tableFor(action.kind, ts.handlers);
  const allowed: MapEntry[] = [];
  for (const e of keywords) {
    if (Object.hasOwn(table, e.key)) allowed.push(e);
    else reportMisplaced(site, e, action, ts.handlers);
  }
  const checked = checkKeywords(site, allowed, table);
  const node: NodeStart = { scope, ts, site, name, at, checked, entries: allowed };
  switch (action.kind) {
    case 'module':
      return [moduleTask(node, action)];
    case 'block':
      return blockNode(node, action, cursor);
    case 'import_tasks':
      return importTasks(node, action);
    case 'include_tasks':
      return includeTasks(node, action);
    case 'import_role':
      return importRole(node, action);
    case 'include_role':
      return includeRole(node, action);
    case 'meta':
      return metaNode(node, action);
  }
}

function tableFor(kind: ActionKind, handlers: boolean): Record<string, TSchema> {
  switch (kind) {
    case 'module':
      return handlers ? HandlerKeywords : TaskKeywords;
    case 'block':
      return BlockKeywords;
    case 'include_tasks':
    case 'include_role':
      return IncludeKeywords;
    case 'import_tasks':
    case 'import_role':
      return ImportKeywords;
    case 'meta':
      return MetaKeywords;
  }
}

function reportUnknownKey(site: Site, e: MapEntry, modules: ReadonlySet<string>): void {
  const at = site.source.positionOfNode(e.keyNode);
  if (e.key === 'import_playbook') {
    site.problems.add(at, `${site.label}: import_playbook belongs at the top level of a playbook, not in a task list`, 'move it out of the tasks, next to the plays');
    return;
  }
  const hint = ownValue(UNSUPPORTED_KEYS, e.key);
  if (hint !== undefined) {
    site.problems.add(at, `${site.label}: ${e.key} is not supported`, hint);
    return;
  }
  const short = shortActionName(e.key);
  if (short !== e.key || e.key.includes('.')) {
    site.problems.add(at, `${site.label}: unknown module "${e.key}"${suggestion(short, modules)}`, `modules: ${[...modules].sort().join(', ')}`);
    return;
  }
  site.problems.add(
    at,
    `${site.label}: unknown key "${e.key}"${suggestion(e.key, [...ALL_TASK_KEYS, ...modules, ...ACTIONS])}`,
    'expected a module name or a task keyword',
  );
}

function reportMisplaced(site: Site, e: MapEntry, action: Action, handlers: boolean): void {
  const at = site.source.positionOfNode(e.keyNode);
  const { key } = e;
  const a = action.entry.key;
  const add = (message: string, hint?: string) => site.problems.add(at, `${site.label}: ${message}`, hint);
  if (key === 'listen' && !handlers) return add('listen is only for handlers', 'a task names handlers with notify');
  if ((key === 'rescue' || key === 'always') && action.kind !== 'block') {
    return add(`${key} needs a block in the same task`, `put the tasks under block: and ${key}: beside it`);
  }
  const looping = key === 'loop' || key === 'with_items' || key === 'loop_control';
  switch (action.kind) {
    case 'include_tasks':
    case 'include_role':
      if (INHERITED_KEYS.has(key)) {
        return add(`${key} on ${a} would apply to the include only, not to the included tasks`, `put it under apply: in ${a}, or use ${a.replace('include', 'import')}, whose keywords pass down`);
      }
      return add(`${key} cannot be used with ${a}`);
    case 'import_tasks':
    case 'import_role':
      if (looping) return add(`${a} is static and cannot loop`, `use ${a.replace('import', 'include')} to loop`);
      return add(`${key} cannot be used with ${a}`);
    case 'block':
      if (looping) return add(`a block cannot loop`, 'loop over an include_tasks instead');
      return add(`${key} cannot be used on a block`, 'put it on the tasks inside the block');
    case 'meta':
      return add(`${key} cannot be used with meta`);
    case 'module':
      return add(`${key} is only for blocks`);
  }
}

// ---- one builder per action ---------------------------------------------------------------------------------

interface NodeStart {
  scope: PlayScope;
  ts: TaskScope;
  site: Site;
  name: string | undefined;
  at: SourcePosition;
  checked: Map<string, Checked>;
  /** The keyword entries allowed for this action (checked or not). */
  entries: MapEntry[];
}

function baseFields(n: NodeStart, settings: TaskSettings, handler = false) {
  return {
    id: handler ? '' : n.scope.nextTaskId(),
    ...(n.name === undefined ? {} : { name: n.name }),
    label: n.site.label,
    at: n.at,
    ...(n.ts.role ? { role: n.ts.role.key } : {}),
    section: n.ts.section,
    ...settings,
  };
}

function keyAt(n: NodeStart, entry: MapEntry): SourcePosition {
  return n.site.source.positionOfNode(entry.keyNode);
}

function loopOf(n: NodeStart, entries: readonly MapEntry[]): LoopSpec | undefined {
  const loopEntries = entries.filter((e) => e.key === 'loop' || e.key === 'with_items');
  if (loopEntries.length > 1) {
    n.site.problems.add(keyAt(n, loopEntries[1]!), `${n.site.label}: use loop or with_items, not both`);
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
    items: loop.value as unknown[] | string,
    at: n.site.source.positionOfNode(loopEntry.node ?? loopEntry.keyNode),
    flatten: loopEntry.key === 'with_items',
    loopVar: lc.loop_var ?? 'item',
    ...(lc.index_var === undefined ? {} : { indexVar: lc.index_var }),
    ...(lc.label === undefined ? {} : { label: lc.label }),
  };
}

function moduleTask(n: NodeStart, action: Action): ModuleTask {
  const { site, checked, ts, entries } = n;
  const { args, at: argsAt } = checkModuleArgs(site, n.scope.ctx.catalog, action.module!, action.entry, checked.get('args')?.entry);
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
  const hasUntil = entries.some((e) => e.key === 'until');
  for (const key of ['retries', 'delay']) {
    const e = entries.find((x) => x.key === key);
    if (e && !hasUntil) site.problems.add(keyAt(n, e), `${site.label}: ${key} needs until (the condition to retry until)`, 'add until: <condition>, e.g. until: result.rc == 0');
  }
  if (until) {
    task.until = until;
    task.retries = (checked.get('retries')?.value as number | string | undefined) ?? 3;
    task.delay = (checked.get('delay')?.value as number | string | undefined) ?? 5;
  }
  if (ts.handlers) {
    const listen = namesOf(n, checked.get('listen')).map((x) => x.name);
    if (listen.length > 0) task.listen = listen;
  }
  return task;
}

/** A name or list of names (notify, listen), each with its position. */
function namesOf(n: NodeStart, c: Checked | undefined): { name: string; at: SourcePosition }[] {
  if (!c) return [];
  const { source } = n.site;
  const items = seqItems(source, c.entry.node) ?? [c.entry.node];
  return items.map((item) => ({ name: String(valueOf(source, item)), at: source.positionOfNode(item) }));
}

async function blockNode(n: NodeStart, action: Action, cursor: TaskCursor): Promise<TaskNode[]> {
  const { site, checked, scope, ts } = n;
  if (!checkValue(site, 'block', action.entry.node, TaskList, action.entry.keyNode)) return [];
  const settings = foldSettings(ts.settings, ownSettings(checked));
  const inner: TaskScope = { ...ts, settings };
  const fields = baseFields(n, settings);
  const list = (node: ParsedNode | null | undefined) => (node ? expandTaskListNode(scope, inner, site.source, node, cursor) : Promise.resolve([]));
  const block = await list(action.entry.node);
  const rescue = await list(checked.get('rescue')?.entry.node);
  const always = await list(checked.get('always')?.entry.node);
  const out: BlockNode = { kind: 'block', ...fields, block, rescue, always };
  return [out];
}

/** `import_tasks: path` / `include_tasks: {file: path, apply: …}`: the file and, for includes, apply's keywords. */
function fileArgument(n: NodeStart, action: Action, table: Record<string, TSchema>): { file: string; at: SourcePosition; apply: Partial<TaskSettings> } | undefined {
  const { site } = n;
  const { node, keyNode, key } = action.entry;
  const value = valueOf(site.source, node);
  if (typeof value === 'string' && value.trim() !== '') return { file: value, at: site.source.positionOfNode(node), apply: {} };
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
    apply: applyEntry ? applySettings(n, applyEntry) : {},
  };
}

function applySettings(n: NodeStart, entry: MapEntry): Partial<TaskSettings> {
  const entries = mapEntries(n.site.source, entry.node) ?? [];
  return ownSettings(checkKeywords({ ...n.site, label: n.site.label }, entries, InheritedKeywords));
}

/** Look a relative task file up in the scope's directories. */
export function findTaskFile(searchDirs: readonly string[], path: string): { file?: string; looked: string[] } {
  if (isAbsolute(path)) return isFile(path) ? { file: path, looked: [path] } : { looked: [path] };
  const looked: string[] = [];
  for (const dir of searchDirs) {
    const candidate = resolve(join(dir, path));
    if (looked.includes(candidate)) continue;
    looked.push(candidate);
    if (isFile(candidate)) return { file: candidate, looked };
  }
  return { looked };
}

function notFound(n: NodeStart, what: string, path: string, at: SourcePosition, looked: string[]): void {
  const ctx = n.scope.ctx;
  n.site.problems.add(at, `${n.site.label}: ${what} ${JSON.stringify(path)} not found (looked for ${looked.map((l) => ctx.display(l)).join(', ')})`);
}

function uniq(dirs: string[]): string[] {
  return [...new Set(dirs)];
}

async function importTasks(n: NodeStart, action: Action): Promise<TaskNode[]> {
  const { scope, ts, site, checked } = n;
  const arg = fileArgument(n, action, ImportTasksArgs);
  if (!arg) return [];
  const path = scope.staticPath(arg.file, arg.at, 'import_tasks path', site.label);
  if (path === undefined) return [];
  const found = findTaskFile(ts.searchDirs, path);
  if (!found.file) {
    notFound(n, 'import_tasks file', path, arg.at, found.looked);
    return [];
  }
  if (ts.chain.includes(found.file)) {
    const cycle = [...ts.chain.slice(ts.chain.indexOf(found.file)), found.file].map((f) => scope.ctx.display(f));
    site.problems.add(arg.at, `${site.label}: import cycle: ${cycle.join(' → ')}`, 'use include_tasks with a condition for recursion');
    return [];
  }
  const inner: TaskScope = {
    ...ts,
    settings: foldSettings(ts.settings, ownSettings(checked)),
    file: found.file,
    searchDirs: uniq([dirname(found.file), ...ts.searchDirs]),
    chain: [...ts.chain, found.file],
  };
  return expandTaskFile(scope, inner, found.file);
}

async function includeTasks(n: NodeStart, action: Action): Promise<TaskNode[]> {
  const { scope, ts, checked } = n;
  const arg = fileArgument(n, action, IncludeTasksArgs);
  if (!arg) return [];
  const own = ownSettings(checked);
  const settings = foldSettings(ts.settings, own);
  const inherit = foldSettings(foldSettings(ts.settings, own.vars ? { vars: own.vars } : {}), arg.apply);
  const out: IncludeTasksNode = {
    kind: 'include_tasks',
    ...baseFields(n, settings),
    file: arg.file,
    context: { searchDirs: ts.searchDirs, inherit, chain: ts.chain },
  };
  const loop = loopOf(n, n.entries);
  if (loop) out.loop = loop;
  if (isTemplate(arg.file)) return [out];
  const found = findTaskFile(ts.searchDirs, arg.file);
  if (!found.file) {
    notFound(n, 'include_tasks file', arg.file, arg.at, found.looked);
    return [out];
  }
  // A file including itself (recursion with a condition) is expanded at run time.
  if (ts.chain.includes(found.file)) return [out];
  const inner: TaskScope = {
    ...ts,
    settings: inherit,
    file: found.file,
    searchDirs: uniq([dirname(found.file), ...ts.searchDirs]),
    chain: [...ts.chain, found.file],
  };
  out.tasks = await expandTaskFile(scope, inner, found.file);
  out.context.chain = inner.chain;
  return [out];
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

function roleArguments(n: NodeStart, action: Action, table: Record<string, TSchema>): RoleArgs | undefined {
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
    apply: applyEntry ? applySettings(n, applyEntry) : {},
  };
}

async function importRole(n: NodeStart, action: Action): Promise<TaskNode[]> {
  const { scope, ts, site, checked } = n;
  const arg = roleArguments(n, action, ImportRoleArgs);
  if (!arg) return [];
  const name = scope.staticPath(arg.name, arg.at, 'role name', site.label);
  if (name === undefined) return [];
  const own = ownSettings(checked);
  const { nodes } = await expandRole(scope, ts, {
    name,
    at: arg.at,
    label: site.label,
    params: arg.vars,
    own: { ...own, vars: {} },
    tasksFrom: arg.tasksFrom,
    handlersFrom: arg.handlersFrom,
    fromAt: arg.fromAt,
    dedupe: false,
  });
  return nodes;
}

async function includeRole(n: NodeStart, action: Action): Promise<TaskNode[]> {
  const { scope, ts, checked } = n;
  const arg = roleArguments(n, action, IncludeRoleArgs);
  if (!arg) return [];
  const own = ownSettings(checked);
  const settings = foldSettings(ts.settings, { ...own, vars: arg.vars });
  const inheritBase = foldSettings(ts.settings, arg.apply);
  const out: IncludeRoleNode = {
    kind: 'include_role',
    ...baseFields(n, settings),
    roleName: arg.name,
    ...(arg.tasksFrom === undefined ? {} : { tasksFrom: arg.tasksFrom }),
    ...(arg.handlersFrom === undefined ? {} : { handlersFrom: arg.handlersFrom }),
    context: { searchDirs: ts.searchDirs, inherit: foldSettings(inheritBase, { vars: arg.vars }), chain: ts.chain },
  };
  const loop = loopOf(n, n.entries);
  if (loop) out.loop = loop;
  if (isTemplate(arg.name)) return [out];
  const { nodes, key, recursive } = await expandRole(scope, { ...ts, settings: inheritBase }, {
    name: arg.name,
    at: arg.at,
    label: n.site.label,
    params: arg.vars,
    own: {},
    tasksFrom: arg.tasksFrom,
    handlersFrom: arg.handlersFrom,
    fromAt: arg.fromAt,
    dedupe: false,
    dynamic: true,
  });
  if (key !== undefined && !recursive) {
    out.includedRole = key;
    out.tasks = nodes;
  }
  return [out];
}

function metaNode(n: NodeStart, action: Action): TaskNode[] {
  const { site, checked, ts } = n;
  const value = valueOf(site.source, action.entry.node);
  if (value === 'refresh_inventory') {
    site.problems.add(site.source.positionOfNode(action.entry.node), `${site.label}: meta: refresh_inventory is not supported`, 'tsinfra reads the inventory once per run');
    return [];
  }
  if (!checkValue(site, 'meta', action.entry.node, MetaValue, action.entry.keyNode)) return [];
  const out: MetaNode = { kind: 'meta', ...baseFields(n, foldSettings(ts.settings, ownSettings(checked))), action: value as MetaAction };
  return [out];
}
