// The probe scripts of the tasks a host runs next, exactly as they will run (rendered with the host's variables as
// they are now), for ProbeCache. Best effort: a task that cannot be worked out yet (its variables come later, its
// condition fails to evaluate) is left out. Reading stops at an action that will exec without declaring its
// script read-only (a command that may change the host): what it does would make the rest stale anyway.
import { getModule, validateArgs } from '../modules/registry.js';
import type { AnyModule } from '../modules/define.js';
import type { Script } from '../shell/script.js';
import type { ModuleTask } from '../playbook/playbook-plan.js';
import type { HostState } from './host-state.js';
import { controllerIO, probeFor, withEnvironment } from './module-runner.js';
import { becomeFor, environmentOf, holds, isReadOnlyCheck, loopItems, loopItemVars, searchDirs, type TaskRunContext } from './task-runner.js';
import { taskVars } from './variables.js';
import { renderValue } from '../template/render.js';

export async function upcomingProbes(ctx: TaskRunContext, h: HostState, tasks: Iterable<ModuleTask>, becomeUser: string | undefined, max: number): Promise<string[]> {
  const out: string[] = [];
  for (const task of tasks) {
    if (out.length >= max) break;
    const module = getModule(task.module);
    // Nothing on this host: controller-only actions (set_fact, debug…) and tasks delegated to the controller.
    if (!module || (module.kind === 'action' && module.controllerOnly) || task.delegateTo) continue;
    if (!readsFirst(module, task)) {
      if (mayRun(ctx, h, task)) break;
      continue;
    }
    try {
      const vars = taskVars(ctx.scope, h, task);
      const items = task.loop ? loopItems(task.loop, vars, task) : [undefined];
      for (const [index, item] of items.entries()) {
        const itemVars = task.loop ? loopItemVars(task.loop, vars, item, index) : vars;
        const text = await probeText(ctx, h, task, itemVars, becomeUser);
        if (text !== undefined && !out.includes(text)) out.push(text); // loop items often read the same file
      }
    } catch {
      // Not knowable yet: the task will probe for itself when its turn comes.
    }
  }
  return out.slice(0, max);
}

/** Whether the task's first exec only reads: a state module's probe, an action's declared probe, a read-only check. */
function readsFirst(module: AnyModule, task: ModuleTask): boolean {
  return module.kind === 'state' || module.probe !== undefined || (module.script !== undefined && isReadOnlyCheck(task));
}

/** Whether the task will run, as far as its condition can tell now (a condition not computable yet: it may). */
function mayRun(ctx: TaskRunContext, h: HostState, task: ModuleTask): boolean {
  try {
    return task.loop !== undefined || holds(task.when, taskVars(ctx.scope, h, task), task);
  } catch {
    return true;
  }
}

async function probeText(ctx: TaskRunContext, h: HostState, task: ModuleTask, vars: Record<string, unknown>, becomeUser: string | undefined): Promise<string | undefined> {
  if (!holds(task.when, vars, task)) return undefined;
  if (becomeFor(h, task, vars)?.user !== becomeUser) return undefined;
  const valid = validateArgs(task.module, renderValue(task.args, vars, { ...task.argsAt, task: task.name ?? task.label }));
  if (!valid.ok) return undefined;
  const module = getModule(task.module)!;
  let script: Script | undefined;
  if (module.kind === 'state') {
    const io = controllerIO({ searchDirs: searchDirs(ctx, task), vars, taskLabel: task.name ?? task.label });
    script = probeFor(module, module.prepare ? await module.prepare(valid.args, io) : valid.args);
  } else {
    script = probeFor(module, valid.args) ?? (isReadOnlyCheck(task) ? module.script?.(valid.args) : undefined);
  }
  return script && withEnvironment(script, environmentOf(task, vars));
}
