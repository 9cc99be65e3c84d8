// The task pipeline up to the probe, for one task on one host (one loop item): when → become → render → validate →
// prepare → probe (STYLE.md 6). The task runner runs what prepareTask returns; read-ahead runs its probe early. One
// copy of these steps, so a change to conditions, rendering or become reaches both.
import { dirname, join } from 'node:path';
import { ArgsError, TemplateError, TsinfraError, formatPosition } from '../errors.js';
import type { AnyModule } from '../modules/define.js';
import { getModule, validateArgs } from '../modules/registry.js';
import type { ConditionRef, LoopSpec, ModuleTask } from '../playbook/playbook-plan.js';
import type { Script } from '../shell/script.js';
import { OMIT, evaluateCondition, readFlag, renderString, renderValue, runLookup } from '../template/index.js';
import type { ConnectTarget } from '../transport/transport.js';
import { connectionOf, type HostConnection } from './connection-vars.js';
import type { HostState } from './host-state.js';
import { controllerIO, type SearchDirs } from './module-runner.js';
import type { PlayScope } from './variables.js';

export const site = (task: ModuleTask, at = task.at) => ({ ...at, task: task.name ?? task.label });

export function holds(conds: ConditionRef[] | undefined, vars: Record<string, unknown>, task: ModuleTask): boolean {
  return (conds ?? []).every((c) => evaluateCondition(c.expr, vars, site(task, c.at)));
}

/** A task keyword that is true/false or a template rendering to a condition (`become: "{{ use_sudo }}"`). */
export function flag(v: boolean | string | undefined, vars: Record<string, unknown>, task: ModuleTask): boolean | undefined {
  if (v === undefined || typeof v === 'boolean') return v;
  return readFlag(v, vars, site(task));
}

/**
 * A command its author declared read-only, in Ansible's idiom: it never reports a change (`changed_when: false`)
 * and runs even in check mode (`check_mode: false`). tsinfra takes that at its word: such a check may be run ahead
 * with other probes, and running it does not make what was read ahead stale.
 */
export function isReadOnlyCheck(task: ModuleTask): boolean {
  const never = task.changedWhen?.length === 1 && [false, 'false'].includes(task.changedWhen[0]!.expr);
  return never && (task.checkMode === false || task.checkMode === 'false');
}

export function loopItems(loop: LoopSpec, vars: Record<string, unknown>, task: ModuleTask): unknown[] {
  if (loop.lookup) return lookupItems(loop, loop.lookup, vars, task);
  const items = renderValue(loop.items, vars, { ...loop.at, task: task.name ?? task.label });
  if (loop.flatten && !Array.isArray(items)) return [items]; // with_items of one value (Ansible's listify)
  if (!Array.isArray(items)) throw new TsinfraError('TSI_CONFIG', `${formatPosition(loop.at)}: loop must render to a list, got ${JSON.stringify(items)?.slice(0, 80)}`);
  return loop.flatten ? items.flat(1) : items;
}

/**
 * `with_<name>` (Ansible's loop_with): the value rendered into the lookup's terms (a string or a mapping is one
 * term), then the lookup's results. with_first_found drops a term that cannot render (an undefined variable) and
 * looks in the action's subdirectory: templates/ for template, vars/ for include_vars, files/ otherwise.
 */
function lookupItems(loop: LoopSpec, name: string, vars: Record<string, unknown>, task: ModuleTask): unknown[] {
  const where = { ...loop.at, task: task.name ?? task.label };
  const renderTerm = (t: unknown): unknown[] => {
    try {
      return [renderValue(t, vars, where)];
    } catch (err) {
      if (name === 'first_found' && err instanceof TemplateError) return [];
      throw err;
    }
  };
  const rendered = Array.isArray(loop.items) ? loop.items.flatMap(renderTerm) : renderTerm(typeof loop.items === 'string' ? loop.items.trim() : loop.items)[0];
  const terms = Array.isArray(rendered) ? rendered : [rendered];
  const subdir = name === 'first_found' ? (['template', 'var', 'file'].find((s) => task.action.includes(s)) ?? 'file') : 'file';
  const dirs = (sub: string) => (loop.lookupDirs ?? []).flatMap((d) => [join(d, `${sub}s`), d]);
  return runLookup(name, terms, vars, { ...where, searchDirs: { files: dirs(subdir), templates: dirs('template') } });
}

/** A loop item's variables: the loop variable, ansible_loop_var and, with loop_control.index_var, the index. */
export function loopItemVars(loop: LoopSpec, vars: Record<string, unknown>, item: unknown, index: number): Record<string, unknown> {
  return { ...vars, [loop.loopVar]: item, ansible_loop_var: loop.loopVar, ...(loop.indexVar ? { [loop.indexVar]: index } : {}) };
}

function moduleOf(task: ModuleTask): AnyModule {
  const module = getModule(task.module);
  if (!module) throw new TsinfraError('TSI_CONFIG', `${formatPosition(task.at)}: unknown module ${task.module}`);
  return module;
}

function environmentOf(task: ModuleTask, vars: Record<string, unknown>): Record<string, string> {
  const env: Record<string, string> = {};
  for (const layer of task.environment) {
    const rendered = renderValue(layer, vars, site(task));
    if (rendered && typeof rendered === 'object') for (const [k, v] of Object.entries(rendered)) env[k] = String(v);
  }
  return env;
}

/**
 * sudo for this task, as Ansible's PlayContext decides: a become variable (from any source) wins over the task's
 * `become`/`become_user` keywords (the loader folds play, block and role keywords into each task), which win over
 * the command line (`-b`, `--become-user`).
 */
function becomeFor(h: HostState, task: ModuleTask, vars: Record<string, unknown>, c: HostConnection): HostState['become'] {
  const on = c.becomeVar ?? flag(task.become, vars, task) ?? h.become !== undefined;
  if (!on) return undefined;
  if (c.becomeMethod !== undefined && c.becomeMethod !== 'sudo') {
    throw new TsinfraError('TSI_CONFIG', `${formatPosition(task.at)}: ansible_become_method ${JSON.stringify(c.becomeMethod)}: tsinfra becomes with sudo only`, { hint: 'set ansible_become_method to sudo, or leave it out' });
  }
  const user = c.becomeUserVar ?? (task.becomeUser ? renderString(task.becomeUser, vars, site(task)) : c.becoming.user);
  return { user, password: c.becoming.password };
}

/** Ansible's remove_omit: an argument whose value is `{{ omit }}` is left out, in nested mappings too. */
// The same object comes back when nothing is omitted: validated args are memoized by identity.
function withoutOmitted(args: unknown): unknown {
  if (Array.isArray(args)) {
    const items = args.map(withoutOmitted);
    return items.some((v, i) => v !== args[i]) ? items : args;
  }
  if (args === null || typeof args !== 'object') return args;
  let out: Record<string, unknown> | undefined;
  for (const [k, v] of Object.entries(args)) {
    const kept = withoutOmitted(v);
    if (v !== OMIT && kept === v) continue;
    out ??= { ...(args as Record<string, unknown>) };
    if (v === OMIT) delete out[k];
    else out[k] = kept;
  }
  return out ?? args;
}

function searchDirs(scope: PlayScope, task: ModuleTask): SearchDirs {
  const role = task.role ? scope.plan.roles[task.role] : undefined;
  const base = scope.play.file.replace(/\/[^/]*$/, '');
  const taskDir = dirname(task.at.file);
  return {
    files: [...(role ? [role.filesDir, role.dir] : []), `${base}/files`, base],
    templates: [...(role ? [role.templatesDir, role.dir] : []), `${base}/templates`, base],
    vars: [...new Set([...(role ? [role.dir] : []), taskDir, base])].flatMap((d) => [join(d, 'vars'), d]),
    varsRoot: { ...(role ? { role: role.dir } : {}), taskDir },
  };
}

/**
 * A module's own probe for these args, worked out once per args object: validateArgs hands the same frozen args to
 * every host whose task rendered alike, so fifty hosts build one script (a prepared template is its own object).
 */
const probes = new WeakMap<object, Script | undefined>();

function probeOf(m: AnyModule, args: unknown): Script | undefined {
  const key = args as object;
  if (probes.has(key)) return probes.get(key);
  const script = m.kind === 'state' ? m.probe(args as never) : m.probe?.(args as never);
  probes.set(key, script);
  return script;
}

export interface PreparedTask {
  module: AnyModule;
  /** Validated, and for a state module prepared (its controller-side work done). */
  args: unknown;
  become: HostState['become'];
  /** How to reach the host for this task: its connection variables, from any source (connection-vars.ts). */
  target: ConnectTarget;
  /** The rendered `environment:`. */
  environment: Record<string, string>;
  searchDirs: SearchDirs;
  /**
   * The read-only script the task execs first, when it has one: a state module's probe, an action's declared
   * probe, or the command of a read-only check (isReadOnlyCheck).
   */
  probe?: Script;
}

/** The task made ready to run on this host with these variables; undefined when its `when` is false. */
export async function prepareTask(scope: PlayScope, h: HostState, task: ModuleTask, vars: Record<string, unknown>): Promise<PreparedTask | undefined> {
  if (!holds(task.when, vars, task)) return undefined;
  const module = moduleOf(task);
  const connection = connectionOf(h, vars);
  const become = becomeFor(h, task, vars, connection);
  const dirs = searchDirs(scope, task);
  const rendered = renderValue(task.args, vars, { ...task.argsAt, task: task.name ?? task.label, searchDirs: dirs, commandDir: dirname(scope.play.file) });
  const valid = validateArgs(task.module, withoutOmitted(rendered));
  if (!valid.ok) throw new ArgsError(task.module, `${formatPosition(task.argsAt)} (${task.label}): ${valid.problems.map((p) => `${task.module}${p.path.replace(/\//g, '.')} ${p.message}`.replace(/\.\s/, ' ')).join('; ')}`);
  let args = valid.args;
  if (module.kind === 'state' && module.prepare) args = await module.prepare(args, controllerIO({ searchDirs: dirs, vars, taskLabel: task.name ?? task.label }));
  const probe = probeOf(module, args) ?? (module.kind === 'action' && isReadOnlyCheck(task) ? module.script?.(args) : undefined);
  return { module, args, become, target: connection.target, environment: environmentOf(task, vars), searchDirs: dirs, probe };
}
