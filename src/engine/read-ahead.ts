// The probe scripts of the tasks a host runs next, exactly as they will run (rendered with the host's variables as
// they are now), for ProbeCache. Best effort: a task that cannot be worked out yet (its variables come later, its
// condition fails to evaluate) is simply left out, and reading stops at an action that execs without declaring
// its first script read-only (command, shell…): whatever it does would make the results stale anyway.
import { getModule, validateArgs } from '../modules/registry.js';
import type { Script } from '../shell/script.js';
import type { ModuleTask } from '../playbook/playbook-plan.js';
import type { HostState } from './host-state.js';
import { controllerIO, withEnvironment } from './module-runner.js';
import { becomeFor, environmentOf, holds, loopItems, searchDirs, type TaskRunContext } from './task-runner.js';
import { taskVars } from './variables.js';
import { renderValue } from '../template/render.js';

export async function upcomingProbes(ctx: TaskRunContext, h: HostState, tasks: Iterable<ModuleTask>, becomeUser: string | undefined, max: number): Promise<string[]> {
  const out: string[] = [];
  for (const task of tasks) {
    if (out.length >= max) break;
    const module = getModule(task.module);
    if (!module || task.delegateTo || task.runOnce) continue;
    if (module.kind === 'action' && module.controllerOnly) continue;
    if (module.kind === 'action' && !module.probe) break;
    try {
      const vars = taskVars(ctx.scope, h, task);
      const items = task.loop ? loopItems(task.loop, vars, task) : [undefined];
      for (const [index, item] of items.entries()) {
        const loop = task.loop;
        const itemVars = loop ? { ...vars, [loop.loopVar]: item, ansible_loop_var: loop.loopVar, ...(loop.indexVar ? { [loop.indexVar]: index } : {}) } : vars;
        const text = await probeText(ctx, h, task, itemVars, becomeUser);
        if (text !== undefined) out.push(text);
      }
    } catch {
      // Not knowable yet: the task will probe for itself when its turn comes.
    }
  }
  return out.slice(0, max);
}

async function probeText(ctx: TaskRunContext, h: HostState, task: ModuleTask, vars: Record<string, unknown>, becomeUser: string | undefined): Promise<string | undefined> {
  if (!holds(task.when, vars, task)) return undefined;
  if ((becomeFor(h, task, vars)?.user ?? undefined) !== becomeUser) return undefined;
  const valid = validateArgs(task.module, renderValue(task.args, vars, { ...task.argsAt, task: task.name ?? task.label }));
  if (!valid.ok) return undefined;
  const module = getModule(task.module)!;
  let script: Script | undefined;
  if (module.kind === 'state') {
    const io = controllerIO({ searchDirs: searchDirs(ctx, task), vars, taskLabel: task.name ?? task.label });
    const args = module.prepare ? await module.prepare(valid.args, io) : valid.args;
    script = module.probe(args);
  } else {
    script = module.probe?.(valid.args);
  }
  return script && withEnvironment(script, environmentOf(task, vars));
}

