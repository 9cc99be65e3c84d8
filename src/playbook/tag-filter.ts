// --tags / --skip-tags over a plan, with Ansible's rules: a task without tags counts as "untagged"; "always" runs
// unless skipped by name; "never" runs only when one of its tags is asked for by name; --tags all (the default)
// is every task but "never" ones; "tagged"/"untagged" select by whether a task has tags.
// Tags of plays, role references, imports and blocks are already on each task. An include's own tags decide
// whether the include runs at all; the tasks it loads are then filtered by their own tags. Handlers are not filtered.
import type { BlockNode, PlaybookPlan, PlayPlan, TaskNode } from './playbook-plan.js';

export interface TagSelection {
  /** --tags (comma-separated items are split); empty or absent means "all". */
  tags?: readonly string[];
  /** --skip-tags. */
  skipTags?: readonly string[];
}

function normalise(list: readonly string[] | undefined): Set<string> {
  return new Set((list ?? []).flatMap((t) => t.split(',')).map((t) => t.trim()).filter((t) => t !== ''));
}

/** Whether a task with these (own and inherited) tags runs for the selection. */
export function shouldRunTags(taskTags: readonly string[], selection: TagSelection): boolean {
  const only = normalise(selection.tags);
  if (only.size === 0) only.add('all');
  const skip = normalise(selection.skipTags);
  const tags = new Set(taskTags.length === 0 ? ['untagged'] : taskTags);
  const isUntagged = taskTags.length === 0;
  const meets = (set: Set<string>) => [...tags].some((t) => set.has(t));

  let run: boolean;
  if (tags.has('always')) run = true;
  else if (only.has('all') && !tags.has('never')) run = true;
  else if (meets(only)) run = true;
  else run = only.has('tagged') && !isUntagged && !tags.has('never');

  if (run && skip.size > 0) {
    if (skip.has('all')) {
      if (!tags.has('always') || skip.has('always')) run = false;
    } else if (meets(skip)) run = false;
    else if (skip.has('tagged') && !isUntagged) run = false;
  }
  return run;
}

/** The nodes that run for the selection (blocks keep the children that run; empty blocks go). */
export function filterTasksByTags(nodes: readonly TaskNode[], selection: TagSelection): TaskNode[] {
  const out: TaskNode[] = [];
  for (const node of nodes) {
    if (node.kind === 'block') {
      const kept: BlockNode = {
        ...node,
        block: filterTasksByTags(node.block, selection),
        rescue: filterTasksByTags(node.rescue, selection),
        always: filterTasksByTags(node.always, selection),
      };
      if (kept.block.length + kept.rescue.length + kept.always.length > 0) out.push(kept);
      continue;
    }
    if (!shouldRunTags(node.tags, selection)) continue;
    if ((node.kind === 'include_tasks' || node.kind === 'include_role') && node.tasks) {
      out.push({ ...node, tasks: filterTasksByTags(node.tasks, selection) });
    } else {
      out.push(node);
    }
  }
  return out;
}

/** A new plan with only the tasks that run for --tags/--skip-tags. The plan passed in is not changed. */
export function filterPlanByTags(plan: PlaybookPlan, selection: TagSelection): PlaybookPlan {
  return { ...plan, plays: plan.plays.map((play): PlayPlan => ({ ...play, tasks: filterTasksByTags(play.tasks, selection) })) };
}
