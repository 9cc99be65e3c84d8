// --start-at-task NAME: skip every task before the first one whose name matches (exactly, as "role : name", or as a
// shell-style glob: * ? [abc]), across plays. Earlier plays stay with no tasks (their facts are still gathered, as
// in Ansible). A match inside a block keeps the block from that task on, with its rescue and always; a match
// inside an include's loaded tasks keeps the include with the tasks from that one on.
import { UsageError } from '../errors.js';
import { didYouMean } from '../text/did-you-mean.js';
import { fnmatchRegExp } from '../text/fnmatch.js';
import { walkTasks } from './notify-check.js';
import type { PlaybookPlan, PlayPlan, TaskNode } from './playbook-plan.js';

/** The names --start-at-task compares against: the name and, for role tasks, "role : name". */
function namesOf(node: TaskNode, plan: PlaybookPlan): string[] {
  if (node.kind === 'block' || node.name === undefined) return [];
  const role = node.role === undefined ? undefined : (plan.roles[node.role]?.name ?? node.role);
  return role === undefined ? [node.name] : [node.name, `${role} : ${node.name}`];
}

/** A new plan starting at the first task named `name`; throws UsageError when no task matches. */
export function startAtTask(plan: PlaybookPlan, name: string): PlaybookPlan {
  const exact = (n: string) => n === name;
  const glob = /[*?[]/.test(name) ? fnmatchRegExp(name) : undefined;
  const matches = (node: TaskNode) => namesOf(node, plan).some((n) => exact(n) || (glob?.test(n) ?? false));
  let found = false;

  const prune = (nodes: readonly TaskNode[]): TaskNode[] => {
    const out: TaskNode[] = [];
    for (const node of nodes) {
      if (found) {
        out.push(node);
      } else if (matches(node)) {
        found = true;
        out.push(node);
      } else if (node.kind === 'block') {
        const block = prune(node.block);
        const rescue = found ? node.rescue : prune(node.rescue);
        const always = found ? node.always : prune(node.always);
        if (found) out.push({ ...node, block, rescue, always });
      } else if ((node.kind === 'include_tasks' || node.kind === 'include_role') && node.tasks) {
        const tasks = prune(node.tasks);
        if (found) out.push({ ...node, tasks });
      }
    }
    return out;
  };

  const plays = plan.plays.map((play): PlayPlan => (found ? play : { ...play, tasks: prune(play.tasks) }));
  if (!found) {
    const names = plan.plays.flatMap((p) => [...walkTasks(p.tasks)].flatMap((t) => namesOf(t, plan)));
    const near = didYouMean(name, names);
    throw new UsageError(`--start-at-task: no task named ${JSON.stringify(name)}${near === undefined ? '' : ` (did you mean ${JSON.stringify(near)}?)`}`, {
      hint: 'give the task name as written in the playbook; * and ? match any text',
    });
  }
  return { ...plan, plays };
}
