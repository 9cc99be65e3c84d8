// A role run in a play (roles:, import_role, include_role, a meta dependency): its dependencies first, then its
// tasks, each tagged with the role; its handlers join the play's. Roles in `roles:` and dependencies run once per
// play for the same parameters unless the role sets allow_duplicates; a dependency cycle is an error.
import { dirname } from 'node:path';
import type { SourcePosition } from '../errors.js';
import type { Site } from './check-value.js';
import type { PlayScope } from './load-context.js';
import type { TaskNode, TaskSettings } from './playbook-plan.js';
import { findRole, findVariant, loadRole } from './role-loader.js';
import { parseRoleRef } from './role-ref.js';
import { expandTaskFile, type TaskScope } from './task-loader.js';
import { foldSettings } from './task-settings.js';

export interface RoleRequest {
  name: string;
  /** Where the role is named. */
  at: SourcePosition;
  /** Who asks, for messages: `play "web"`, `task "Set up"`, `role "nginx"`. */
  label: string;
  params: Record<string, unknown>;
  own: Partial<TaskSettings>;
  tasksFrom?: string;
  handlersFrom?: string;
  /** Where tasks_from / handlers_from are written, for "no such file". */
  fromAt?: { tasks_from?: SourcePosition; handlers_from?: SourcePosition };
  /** Skip the role when it already ran in this play with the same parameters (roles:, dependencies). */
  dedupe: boolean;
  /** include_role: a role including itself is recursion resolved at run time, not a cycle. */
  dynamic?: boolean;
}

export interface ExpandedRole {
  nodes: TaskNode[];
  /** The role's key; absent when the role was not found. */
  key?: string;
  /** An include_role of a role (and task file) already being expanded: left to run time. */
  recursive?: boolean;
}

/** The role's task nodes (dependencies first) and its key; [] and no key when it could not be found. */
export async function expandRole(scope: PlayScope, ts: TaskScope, req: RoleRequest): Promise<ExpandedRole> {
  const { ctx } = scope;
  const found = findRole(ctx, scope.playbookDir, req.name);
  if (!found.dir) {
    ctx.problems.add(
      req.at,
      `${req.label}: role ${JSON.stringify(req.name)} not found (looked in ${found.looked.map((d) => ctx.display(d)).join(', ')})`,
      'roles are looked up in roles/ beside the playbook, the project\'s roles/, then --roles-path',
    );
    return { nodes: [] };
  }
  const dir = found.dir;
  const role = await loadRole(ctx, dir, req.name);
  const { plan } = role;
  // A role is on the stack with the task file it runs: the same role with another tasks_from is no cycle.
  const stackKey = `${dir}#${req.tasksFrom ?? 'main'}`;
  if (ts.roleStack.includes(stackKey)) {
    if (req.dynamic) return { nodes: [], key: plan.key, recursive: true };
    const names = [...ts.roleStack.slice(ts.roleStack.indexOf(stackKey)), stackKey].map((k) => {
      const d = k.slice(0, k.lastIndexOf('#'));
      return ctx.roles.get(d)?.name ?? d;
    });
    ctx.problems.add(req.at, `${req.label}: role cycle: ${names.join(' → ')}`, 'a role cannot depend on or import itself, directly or through other roles');
    return { nodes: [], key: plan.key };
  }
  if (req.dedupe && !plan.allowDuplicates) {
    const runKey = `${dir}\0${JSON.stringify(req.params)}`;
    if (scope.rolesRun.has(runKey)) return { nodes: [], key: plan.key };
    scope.rolesRun.add(runKey);
  }
  scope.useRole(plan.key);
  const settings = foldSettings(ts.settings, { ...req.own, vars: { ...(req.own.vars ?? {}), ...req.params } });
  const inRole: TaskScope = {
    ...ts,
    settings,
    role: { key: plan.key, name: plan.name, dir },
    roleStack: [...ts.roleStack, stackKey],
    chain: [],
    handlers: false,
  };
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
    for (const h of await expandTaskFile(scope, hs, handlersFile)) {
      if (h.kind === 'task') scope.addHandler(h, from);
    }
  }
  return { nodes, key: plan.key };
}

/** tasks/main (optional) or tasks/<tasks_from> (must exist). */
function roleFile(scope: PlayScope, req: RoleRequest, dir: string, from: string | undefined, what: 'tasks_from' | 'handlers_from'): string | undefined {
  const file = findVariant(scope.ctx, dir, from ?? 'main');
  if (!file && from !== undefined) {
    scope.ctx.problems.add(req.fromAt?.[what] ?? req.at, `${req.label}: ${what} ${JSON.stringify(from)}: no such file in ${scope.ctx.display(dir)}`);
  }
  return file;
}
