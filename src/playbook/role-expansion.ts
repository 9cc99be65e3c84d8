// Entering a role run in a play (roles:, import_role, include_role, a meta dependency): find and load it, refuse a
// dependency cycle, skip a repeat, and give its tasks their scope. Roles in `roles:` and dependencies run once per
// play for the same parameters unless the role sets allow_duplicates. The expansion itself (dependencies first,
// then the tasks, each tagged with the role; its handlers join the play's) is expandRole in task-loader.ts, since
// a role's tasks may import further roles.
import type { SourcePosition } from '../errors.js';
import type { PlayScope } from './load-context.js';
import type { TaskNode, TaskSettings } from './playbook-plan.js';
import { findRole, findVariant, loadRole, roleSuggestion, type LoadedRole } from './role-loader.js';
import type { TaskScope } from './task-scope.js';
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

/** The role to expand with its tasks' scope, or what the request comes to without expanding (not found, a cycle, a repeat). */
export type EnteredRole = { done: ExpandedRole } | { done?: undefined; role: LoadedRole; dir: string; inRole: TaskScope };

/** Find and load the role, check it may run here, and mark it used; expandRole (task-loader.ts) goes on from there. */
export async function enterRole(scope: PlayScope, ts: TaskScope, req: RoleRequest): Promise<EnteredRole> {
  const { ctx } = scope;
  const found = findRole(ctx, scope.playbookDir, req.name);
  if (!found.dir) {
    ctx.problems.add(
      req.at,
      `${req.label}: role ${JSON.stringify(req.name)} not found${roleSuggestion(found.looked, req.name)} (looked in ${found.looked.map((d) => ctx.display(d)).join(', ')})`,
      'roles are looked up in roles/ beside the playbook, the project\'s roles/, then --roles-path',
    );
    return { done: { nodes: [] } };
  }
  const dir = found.dir;
  const role = await loadRole(ctx, dir, req.name);
  const { plan } = role;
  // A role is on the stack with the task file it runs: the same role with another tasks_from is no cycle.
  const stackKey = `${dir}#${req.tasksFrom ?? 'main'}`;
  if (ts.roleStack.includes(stackKey)) {
    if (req.dynamic) return { done: { nodes: [], key: plan.key, recursive: true } };
    const names = [...ts.roleStack.slice(ts.roleStack.indexOf(stackKey)), stackKey].map((k) => {
      const d = k.slice(0, k.lastIndexOf('#'));
      return ctx.roles.get(d)?.name ?? d;
    });
    ctx.problems.add(req.at, `${req.label}: role cycle: ${names.join(' → ')}`, 'a role cannot depend on or import itself, directly or through other roles');
    return { done: { nodes: [], key: plan.key } };
  }
  if (req.dedupe && !plan.allowDuplicates) {
    const runKey = `${dir}\0${JSON.stringify(req.params)}`;
    if (scope.rolesRun.has(runKey)) return { done: { nodes: [], key: plan.key } };
    scope.rolesRun.add(runKey);
  }
  scope.useRole(plan.key);
  // The reference's vars are role-level vars, below the role's vars/main, over those of the role that brought this one
  // in (Ansible's Role.get_vars: inherited, then its own vars, then vars/main). import_role and include_role are also
  // their tasks' parent, so their vars are task vars too; include_role's are include parameters as well (above set_fact).
  const parentVars = ts.role ? { ...ts.role.vars, ...ctx.roles.get(ts.role.dir)?.vars } : {};
  const roleVars = { ...parentVars, ...req.params };
  const fromTask = !req.dedupe;
  const settings = foldSettings(ts.settings, {
    ...req.own,
    vars: { ...(req.own.vars ?? {}), ...(fromTask ? req.params : {}) },
    ...(req.dynamic ? { params: req.params } : {}),
  });
  const inRole: TaskScope = {
    ...ts,
    settings,
    role: { key: plan.key, name: plan.name, dir, ...(Object.keys(roleVars).length > 0 ? { vars: roleVars } : {}) },
    roleStack: [...ts.roleStack, stackKey],
    chain: [],
    handlers: false,
    ...(req.dynamic ? { included: true } : {}),
  };
  return { role, dir, inRole };
}

/** tasks/main (optional) or tasks/<tasks_from> (must exist). */
export function roleFile(scope: PlayScope, req: RoleRequest, dir: string, from: string | undefined, what: 'tasks_from' | 'handlers_from'): string | undefined {
  const file = findVariant(scope.ctx, dir, from ?? 'main');
  if (!file && from !== undefined) {
    scope.ctx.problems.add(req.fromAt?.[what] ?? req.at, `${req.label}: ${what} ${JSON.stringify(from)}: no such file in ${scope.ctx.display(dir)}`);
  }
  return file;
}
