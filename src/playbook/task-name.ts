// A task's name as Ansible's Task.get_name gives it (--list-tasks lines, the --step prompt): not rendered.
import type { RolePlan, TaskNode } from './playbook-plan.js';

/** "role : name" for a named role task, the name, or for an unnamed one the action as written. */
export function ansibleTaskName(node: TaskNode, roles: Record<string, RolePlan>): string {
  if (node.name !== undefined && node.name !== '') {
    const role = node.role === undefined ? undefined : roles[node.role]?.name;
    return role === undefined ? node.name : `${role} : ${node.name}`;
  }
  if (node.kind === 'task') return node.action;
  return node.kind; // include_tasks, include_role, meta
}
