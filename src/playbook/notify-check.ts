// `notify` must name a handler of the play: by its name, a `listen` topic, or "role : handler name". Each reference
// gets the ids of the handlers it runs; an unknown name is an error with a did-you-mean.
import { suggestion } from '../text/did-you-mean.js';
import type { HandlerNode, PlayPlan, RolePlan, TaskNode } from './playbook-plan.js';
import type { Problems } from './validation-errors.js';
import { isTemplate } from './yaml-nodes.js';

/** Every task node, depth first: blocks' children and includes' loaded tasks too. */
export function* walkTasks(nodes: readonly TaskNode[]): Generator<TaskNode> {
  for (const node of nodes) {
    yield node;
    if (node.kind === 'block') {
      yield* walkTasks(node.block);
      yield* walkTasks(node.rescue);
      yield* walkTasks(node.always);
    } else if ((node.kind === 'include_tasks' || node.kind === 'include_role') && node.tasks) {
      yield* walkTasks(node.tasks);
    }
  }
}

/** The handlers a notify name runs, in handler order. */
export function handlersNamed(name: string, handlers: readonly HandlerNode[], roles: Readonly<Record<string, RolePlan>>): HandlerNode[] {
  return handlers.filter(
    (h) =>
      h.name === name ||
      (h.listen ?? []).includes(name) ||
      (h.role !== undefined && h.name !== undefined && `${roles[h.role]?.name ?? h.role} : ${h.name}` === name),
  );
}

/** Fill in each notify's handler ids; report names that match no handler (nor one in `rejected`, that failed to load). */
export function resolveNotify(play: PlayPlan, nodes: readonly TaskNode[], roles: Readonly<Record<string, RolePlan>>, problems: Problems, rejected: ReadonlySet<string> = new Set()): void {
  const known = [...new Set(play.handlers.flatMap((h) => [...(h.name === undefined ? [] : [h.name]), ...(h.listen ?? [])]))];
  const someTemplated = play.handlers.some((h) => isTemplate(h.name));
  for (const node of [...walkTasks(nodes), ...play.handlers]) {
    if (node.kind !== 'task') continue;
    for (const ref of node.notify) {
      if (isTemplate(ref.name)) continue;
      const found = handlersNamed(ref.name, play.handlers, roles);
      ref.handlers = found.map((h) => h.id);
      if (found.length > 0 || someTemplated || rejected.has(ref.name)) continue; // a rejected handler is reported already
      problems.add(
        ref.at,
        `${node.label}: notify ${JSON.stringify(ref.name)} names no handler in ${play.label}${suggestion(ref.name, known)}`,
        known.length > 0 ? `handlers: ${known.map((k) => JSON.stringify(k)).join(', ')}` : 'the play has no handlers: add them under handlers: (or in a role\'s handlers/main.yaml)',
      );
    }
  }
}
