// `tsinfra play --list-hosts / --list-tasks / --list-tags`: ansible-playbook's listing, line for line (its
// cli/playbook.py), from the plan already filtered by --tags/--skip-tags. Nothing connects.
// Where Ansible's output depends on Python set order (hosts, a play's tags), ours follows the inventory and the file.
import { selectHosts } from '../inventory/load.js';
import type { Inventory } from '../inventory/types.js';
import { strRepr } from '../jinja/values.js';
import type { PlaybookPlan, PlayPlan, TaskNode } from '../playbook/playbook-plan.js';
import { ansibleTaskName } from '../playbook/task-name.js';
import { isTemplated, renderString } from '../template/index.js';

export interface ListOptions {
  hosts?: boolean;
  tasks?: boolean;
  tags?: boolean;
  inventory: Inventory;
  limit?: string;
  extraVars: Record<string, unknown>;
}

/** Ansible post-validates a play's name and hosts with the play's vars and the extra vars before listing. */
function rendered(text: string, play: PlayPlan, extraVars: Record<string, unknown>): string {
  if (!isTemplated(text)) return text;
  const loaded = play.varsFiles.map((ref) => ref.loaded?.vars ?? {});
  try {
    return renderString(text, Object.assign({}, play.vars, ...loaded, extraVars), { ...play.at });
  } catch {
    return text; // listing shows what it can; a run reports the error
  }
}

/** The listed tasks: a block's `block` list only (Ansible's _process_block skips rescue and always); includes are not entered. */
function listedTasks(nodes: readonly TaskNode[]): TaskNode[] {
  return nodes.flatMap((n) => (n.kind === 'block' ? listedTasks(n.block) : [n]));
}

export function listPlaybook(playbook: string, plan: PlaybookPlan, o: ListOptions): string {
  let out = `\nplaybook: ${playbook}\n`;
  for (const [i, play] of plan.plays.entries()) {
    const pattern = rendered(play.hosts, play, o.extraVars);
    const patternList = play.hostsList ? play.hostsList.map((h) => rendered(h, play, o.extraVars)) : [pattern];
    const name = play.name === undefined ? patternList.join(',') : rendered(play.name, play, o.extraVars);
    const playTags = [...new Set(play.tags)];
    out += `\n  play #${i + 1} (${patternList.join(',')}): ${name}\tTAGS: [${playTags.join(',')}]`;
    if (o.hosts) {
      const hosts = selectHosts(o.inventory, pattern, { limit: o.limit });
      out += `\n    pattern: [${patternList.map(strRepr).join(', ')}]\n    hosts (${hosts.length}):`;
      for (const h of hosts) out += `\n      ${h.name}`;
    }
    out += '\n';
    if (!o.tasks && !o.tags) continue;
    let taskText = o.tasks ? '    tasks:\n' : '';
    const allTags = new Set(playTags);
    for (const task of listedTasks(play.tasks)) {
      // Implicit metas (the flush_handlers between sections) are not in our plan; written ones are listed.
      for (const t of task.tags) allTags.add(t);
      if (o.tasks) taskText += `      ${ansibleTaskName(task, plan.roles)}\tTAGS: [${[...new Set([...playTags, ...task.tags])].sort().join(', ')}]\n`;
    }
    if (o.tags) taskText += `      TASK TAGS: [${[...allTags].sort().join(', ')}]\n`;
    out += taskText; // display() adds no newline to text that ends in one
  }
  return out;
}
