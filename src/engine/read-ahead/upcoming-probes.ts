// The probe scripts of the tasks a host runs next, exactly as they will run: each goes through prepareTask, the
// pipeline the task runner uses, with the host's variables as they are now. Best effort: a task that cannot be
// worked out yet (its variables come later, its condition fails to evaluate) is left out. Reading stops at an
// action that will exec without declaring its script read-only (a command that may change the host): what it does
// would make the rest stale anyway.
import type { AnyModule } from '../../modules/define.js';
import { getModule } from '../../modules/registry.js';
import type { ModuleTask } from '../../playbook/playbook-plan.js';
import type { ConnectTarget } from '../../transport/transport.js';
import type { HostState } from '../host-state.js';
import { withEnvironment } from '../module-runner.js';
import { holds, isReadOnlyCheck, loopItems, loopItemVars, prepareTask } from '../prepare-task.js';
import { taskVars, type PlayScope } from '../variables.js';

/** `target`: the login the probes will run over; a task that connects otherwise (its own ansible_user…) is left out. */
export async function upcomingProbes(scope: PlayScope, h: HostState, tasks: Iterable<ModuleTask>, becomeUser: string | undefined, max: number, target?: ConnectTarget): Promise<string[]> {
  const out: string[] = [];
  for (const task of tasks) {
    if (out.length >= max) break;
    const module = getModule(task.module);
    // Nothing on this host: controller-only actions (set_fact, debug…) and tasks delegated to the controller.
    if (!module || (module.kind === 'action' && module.controllerOnly) || task.delegateTo) continue;
    if (!readsFirst(module, task)) {
      if (mayRun(scope, h, task)) break;
      continue;
    }
    try {
      const vars = taskVars(scope, h, task);
      const items = task.loop ? loopItems(task.loop, vars, task) : [undefined];
      for (const [index, item] of items.entries()) {
        const prepared = await prepareTask(scope, h, task, task.loop ? loopItemVars(task.loop, vars, item, index) : vars);
        if (!prepared?.probe || prepared.become?.user !== becomeUser || (target && prepared.target !== target)) continue;
        const text = withEnvironment(prepared.probe, prepared.environment);
        if (!out.includes(text)) out.push(text); // loop items often read the same file
      }
    } catch {
      // Not knowable yet: the task will probe for itself when its turn comes.
    }
  }
  return out.slice(0, max);
}

/**
 * Whether the task's first exec only reads: a state module's probe, an action's declared probe, a read-only check
 * (not with `async`: the check then runs as a job, never as a probe).
 */
function readsFirst(module: AnyModule, task: ModuleTask): boolean {
  return module.kind === 'state' || module.probe !== undefined || (module.script !== undefined && isReadOnlyCheck(task) && task.async === undefined);
}

/** Whether the task will run, as far as its condition can tell now (a condition not computable yet: it may). */
function mayRun(scope: PlayScope, h: HostState, task: ModuleTask): boolean {
  try {
    return task.loop !== undefined || holds(task.when, taskVars(scope, h, task), task);
  } catch {
    return true;
  }
}
