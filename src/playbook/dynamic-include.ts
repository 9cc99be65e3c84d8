// For the engine: load an include whose path or role name had a template, once the engine has rendered it for a
// host. The tasks are checked exactly like at load time and inherit what the include node recorded.
import { dirname } from 'node:path';
import { LoadContext, PlayScope, type LoadPlaybookOptions } from './load-context.js';
import { handlersNamed, walkTasks } from './notify-check.js';
import type { HandlerNode, IncludeRoleNode, IncludeTasksNode, PlaybookPlan, PlayPlan, RolePlan, TaskNode } from './playbook-plan.js';
import { expandRole, expandTaskFile, findTaskFile } from './task-loader.js';
import type { TaskScope } from './task-scope.js';
import { isTemplate } from './yaml-nodes.js';

export interface DynamicInclude {
  tasks: TaskNode[];
  /** Handlers of an included role that the play did not have yet (ids "<include id>.h<n>"). */
  handlers: HandlerNode[];
  /** Roles loaded (new ones, and the included role). */
  roles: Record<string, RolePlan>;
}

/**
 * Load `node` with its rendered file (include_tasks) or role name (include_role). Task ids are prefixed with the
 * include's id and `idSuffix` (pass something unique per load, e.g. the loop index, when the engine keeps them).
 * Throws ValidationErrors listing every problem.
 */
export async function loadDynamicInclude(
  plan: PlaybookPlan,
  play: PlayPlan,
  node: IncludeTasksNode | IncludeRoleNode,
  rendered: string,
  options: LoadPlaybookOptions & { idSuffix?: string },
): Promise<DynamicInclude> {
  const ctx = new LoadContext(options);
  for (const role of Object.values(plan.roles)) ctx.roles.set(role.dir, role);
  const playbookDir = dirname(play.file);
  const shadow: PlayPlan = { ...play, index: 0, roles: [...play.roles], publicRoles: [...play.publicRoles], tasks: [], handlers: [] };
  const scope = new PlayScope({
    ctx,
    play: shadow,
    playbookDir,
    loadVars: { ...play.vars, ...ctx.extraVars },
    base: node.context.inherit,
    idPrefix: `${node.id}${options.idSuffix ?? ''}.`,
  });
  const role = node.role === undefined ? undefined : plan.roles[node.role];
  const ts: TaskScope = {
    settings: node.context.inherit,
    ...(role ? { role: { key: role.key, name: role.name, dir: role.dir } } : {}),
    section: node.section,
    file: node.at.file,
    searchDirs: node.context.searchDirs,
    chain: node.context.chain,
    roleStack: role ? [role.dir] : [],
    handlers: false,
  };
  let tasks: TaskNode[] = [];
  if (node.kind === 'include_tasks') {
    const found = findTaskFile(node.context.searchDirs, rendered);
    if (!found.file) {
      ctx.problems.add(node.at, `${node.label}: include_tasks file ${JSON.stringify(rendered)} not found (looked for ${found.looked.map((l) => ctx.display(l)).join(', ')})`);
    } else {
      tasks = await expandTaskFile(scope, { ...ts, file: found.file, searchDirs: [...new Set([dirname(found.file), ...ts.searchDirs])], chain: [...ts.chain, found.file] }, found.file);
    }
  } else {
    const result = await expandRole(scope, { ...ts, role: undefined, roleStack: [] }, {
      name: rendered,
      at: node.at,
      label: node.label,
      params: {},
      own: {},
      ...(node.tasksFrom === undefined ? {} : { tasksFrom: node.tasksFrom }),
      ...(node.handlersFrom === undefined ? {} : { handlersFrom: node.handlersFrom }),
      dedupe: false,
    });
    tasks = result.nodes;
  }
  const known = new Set(play.handlers.map((h) => `${h.at.file}:${h.at.line}:${h.at.column}`));
  const handlers = scope.finishHandlers().filter((h) => !known.has(`${h.at.file}:${h.at.line}:${h.at.column}`));
  handlers.forEach((h, i) => (h.id = `${node.id}${options.idSuffix ?? ''}.h${i + 1}`));
  const roles = Object.fromEntries([...ctx.roles.values()].map((r) => [r.key, r]));
  const allHandlers = [...play.handlers, ...handlers];
  for (const task of [...walkTasks(tasks), ...handlers]) {
    if (task.kind !== 'task') continue;
    for (const ref of task.notify) {
      if (isTemplate(ref.name)) continue;
      const found = handlersNamed(ref.name, allHandlers, roles);
      ref.handlers = found.map((h) => h.id);
      if (found.length === 0 && !allHandlers.some((h) => isTemplate(h.name))) {
        ctx.problems.add(ref.at, `${task.label}: notify ${JSON.stringify(ref.name)} names no handler in ${play.label}`);
      }
    }
  }
  ctx.problems.throwIfAny();
  return { tasks, handlers, roles };
}
