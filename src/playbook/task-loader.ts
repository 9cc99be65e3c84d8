// Task lists and roles → plan nodes: the recursive walk. A task file's tasks are classified (task-classify.ts) and
// built (task-build.ts); blocks, imports and includes read further task lists, and import_role / include_role
// expand a role (role-expansion.ts enters it), whose dependencies and task files come back here. Every problem is
// collected, none stops the walk.
import { dirname, isAbsolute, join, resolve } from 'node:path';
import type { ParsedNode } from 'yaml';
import type { SourcePosition } from '../errors.js';
import { describeNode, type YamlSource } from '../config/yaml-source.js';
import { checkValue, type Site } from './check-value.js';
import { ImportRoleArgs, ImportTasksArgs, IncludeRoleArgs, IncludeTasksArgs, TaskList } from './keywords.js';
import { isFile, type PlayScope } from './load-context.js';
import type { BlockNode, IncludeRoleNode, IncludeTasksNode, ModuleTask, TaskNode } from './playbook-plan.js';
import { enterRole, roleFile, type ExpandedRole, type RoleRequest } from './role-expansion.js';
import { parseRoleRef } from './role-ref.js';
import { baseFields, fileArgument, loopOf, metaNode, moduleTask, roleArguments, type NodeStart } from './task-build.js';
import { classifyTask, type Action } from './task-classify.js';
import type { TaskCursor, TaskScope } from './task-scope.js';
import { foldSettings, ownSettings } from './task-settings.js';
import { deref, isNull, isTemplate, mapEntries, seqItems, valueOf, type MapEntry } from './yaml-nodes.js';

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

  const classified = classifyTask(site, at, entries, ctx.moduleNames, ts.handlers);
  if (!classified) {
    if (ts.handlers) rejectHandler(scope, ts, source, entries);
    return [];
  }
  const { action, checked, entries: allowed } = classified;
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

/** Remember what a handler that failed to load answers to, so notifying it reports nothing more. */
function rejectHandler(scope: PlayScope, ts: TaskScope, source: YamlSource, entries: readonly MapEntry[]): void {
  for (const e of entries.filter((x) => x.key === 'name' || x.key === 'listen')) {
    for (const item of seqItems(source, e.node) ?? [e.node]) {
      const name = String(valueOf(source, item));
      scope.rejectedHandlers.add(name);
      if (ts.role && e.key === 'name') scope.rejectedHandlers.add(`${ts.role.name} : ${name}`);
    }
  }
}

// ---- the actions that read more tasks ------------------------------------------------------------------------

async function blockNode(n: NodeStart, action: Action, cursor: TaskCursor): Promise<TaskNode[]> {
  const { site, checked, scope, ts } = n;
  if (!checkValue(site, 'block', action.entry.node, TaskList, action.entry.keyNode)) return [];
  const settings = foldSettings(ts.settings, ownSettings(checked));
  const inner: TaskScope = { ...ts, settings };
  const fields = baseFields(n, settings);
  const list = (node: ParsedNode | null | undefined) => (node ? expandTaskListNode(scope, inner, site.source, node, cursor) : Promise.resolve([]));
  const block = await list(action.entry.node);
  if (ts.handlers) {
    // ansible-core 2.14 notifies the tasks of a handler block and never runs its rescue or always.
    for (const key of ['rescue', 'always']) {
      const c = checked.get(key);
      if (c) site.problems.add(site.source.positionOfNode(c.entry.keyNode), `${site.label}: ${key} is not run in handlers`, 'handlers in a block are notified one by one: put the tasks in their own handlers');
    }
  }
  const rescue = await list(checked.get('rescue')?.entry.node);
  const always = await list(checked.get('always')?.entry.node);
  const out: BlockNode = { kind: 'block', ...fields, block, rescue, always };
  return [out];
}

/** The handlers of a handlers list: a block's tasks count one by one, each carrying the block's keywords. */
export function handlerTasks(nodes: readonly TaskNode[]): ModuleTask[] {
  return nodes.flatMap((n) => (n.kind === 'task' ? [n] : n.kind === 'block' ? handlerTasks(n.block) : []));
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
  const inherit = foldSettings(foldSettings(ts.settings, own.vars ? { vars: own.vars, params: own.vars } : {}), arg.apply);
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
    context: { searchDirs: ts.searchDirs, inherit: foldSettings(inheritBase, { vars: arg.vars, params: arg.vars }), chain: ts.chain },
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

// ---- roles --------------------------------------------------------------------------------------------------

/**
 * A role run in a play: its dependencies first, then its tasks, each tagged with the role; its handlers join the
 * play's. The role's task nodes and its key; [] and no key when it could not be found.
 */
export async function expandRole(scope: PlayScope, ts: TaskScope, req: RoleRequest): Promise<ExpandedRole> {
  const { ctx } = scope;
  const entered = await enterRole(scope, ts, req);
  if (entered.done) return entered.done;
  const { role, dir, inRole } = entered;
  const { plan } = role;
  const nodes: TaskNode[] = [];

  if (role.dependencies) {
    const { source, nodes: deps } = role.dependencies;
    const site: Site = { source, problems: ctx.problems, label: `role "${plan.name}" meta` };
    for (const [i, depNode] of deps.entries()) {
      const ref = parseRoleRef(site, depNode, `dependency #${i + 1}`);
      if (!ref) continue;
      const dep = await expandRole(scope, { ...inRole, file: source.file }, {
        name: ref.name,
        at: ref.at,
        label: `role "${plan.name}"`,
        params: ref.params,
        own: ref.own,
        dedupe: true,
      });
      if (dep.key !== undefined && !plan.dependencies.includes(dep.key)) plan.dependencies.push(dep.key);
      nodes.push(...dep.nodes);
    }
  }
  // roles:, dependencies and import_role are seen play-wide from the start; include_role only by its own tasks.
  if (!req.dynamic && !ts.included) scope.play.publicRoles.push({ role: plan.key, vars: inRole.role?.vars ?? {} });

  const tasksFile = roleFile(scope, req, plan.tasksDir, req.tasksFrom, 'tasks_from');
  if (tasksFile) {
    const searchDirs = [dirname(tasksFile), plan.tasksDir, dir, scope.playbookDir];
    nodes.push(...(await expandTaskFile(scope, { ...inRole, file: tasksFile, searchDirs: [...new Set(searchDirs)], chain: [tasksFile] }, tasksFile)));
  }

  const handlersFile = roleFile(scope, req, plan.handlersDir, req.handlersFrom, 'handlers_from');
  if (handlersFile) {
    const hs: TaskScope = {
      ...inRole,
      section: 'handlers',
      file: handlersFile,
      searchDirs: [...new Set([dirname(handlersFile), plan.handlersDir, dir, scope.playbookDir])],
      chain: [handlersFile],
      handlers: true,
    };
    const from = ts.section === 'roles' ? 'roles' : 'tasks';
    for (const h of handlerTasks(await expandTaskFile(scope, hs, handlersFile))) scope.addHandler(h, from);
  }
  return { nodes, key: plan.key };
}
