// The variables a task sees on a host, merged in Ansible's precedence (docs/variables.md), lowest first:
// role defaults < inventory (its group vars and group_vars/ beside inventory and playbook < host vars and host_vars/;
// merged by the inventory loader) < facts < play vars < vars_files < role reference vars < role vars < block and task
// vars (with import_role/include_role vars) < include_vars < set_fact and register < include parameters < extra vars. Plus the magic variables.
import type { PlayPlan, PlaybookPlan } from '../playbook/playbook-plan.js';
import { currentVarsVersion, type HostState } from './host-state.js';
import type { Facts } from './facts.js';
import { DeferredValue } from '../jinja/values.js';
import { OMIT, isTemplated, renderValue } from '../template/index.js';

export interface PlayScope {
  plan: PlaybookPlan;
  play: PlayPlan;
  /** Play vars merged with the vars_files read (and rendered) for this play. */
  playVars: Record<string, unknown>;
  extraVars: Record<string, unknown>;
  /** Every host of the inventory by name, for hostvars and groups. */
  allHosts: Map<string, HostState>;
  groups: Record<string, string[]>;
  playHosts: string[];
  check: boolean;
  diff: boolean;
}

type TaskVarsInput = { role?: string; roleVars?: Record<string, unknown>; vars: Record<string, unknown>; params?: Record<string, unknown> };

function roleLayers(scope: PlayScope, task: TaskVarsInput, pick: 'defaults' | 'vars'): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  // The play's public roles are visible play-wide (Ansible's default), each with its reference's vars below its
  // vars/main; the task's own role run wins.
  for (const r of scope.play.publicRoles) Object.assign(out, pick === 'vars' ? r.vars : {}, scope.plan.roles[r.role]?.[pick]);
  if (task.role) Object.assign(out, pick === 'vars' ? task.roleVars : {}, scope.plan.roles[task.role]?.[pick]);
  return out;
}

/** What another host's variables look like through `hostvars[name]`: inventory, facts, set_fact/register. */
function hostvarsOf(h: HostState): Record<string, unknown> {
  return { ...h.host.vars, ...(h.facts ? factVars(h.facts) : {}), ...h.includedVars, ...h.runVars, inventory_hostname: h.name };
}

const factVarsCache = new WeakMap<Facts, Readonly<Record<string, unknown>>>();
/** What setup returns without the prefix, and Ansible injects so. */
const UNPREFIXED = new Set(['discovered_interpreter_python', 'gather_subset', 'module_setup']);

/**
 * The variables gathered facts give a host: tsinfra's own `facts`; `ansible_facts` with Ansible's fact names without
 * the prefix (`ansible_facts.os_family`, `ansible_facts['distribution']`), plus, for roles written against it before,
 * tsinfra's `os`, `init` and `dpkg_architecture` where Ansible has no such fact; and every Ansible fact as an
 * `ansible_<name>` variable (Ansible's INJECT_FACTS_AS_VARS; `discovered_interpreter_python`, `gather_subset` and
 * `module_setup` as themselves, as setup returns them). Built once
 * per gathering.
 */
export function factVars(facts: Facts): Readonly<Record<string, unknown>> {
  let vars = factVarsCache.get(facts);
  if (vars) return vars;
  const { ansible } = facts;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(ansible)) out[UNPREFIXED.has(k) ? k : `ansible_${k}`] = v;
  out.facts = facts;
  out.ansible_facts = { os: facts.os, init: facts.init, dpkg_architecture: facts.dpkg_architecture, ...ansible };
  vars = Object.freeze(out);
  factVarsCache.set(facts, vars);
  return vars;
}

/** A value that came from gathered facts: data the host reported, never a template. */
function isFactValue(h: HostState, key: string, value: unknown): boolean {
  return h.facts !== undefined && Object.hasOwn(factVars(h.facts), key) && factVars(h.facts)[key] === value;
}

/**
 * `hostvars`, one per play scope: a view whose every host is built when read (so it is always current), as a data
 * property, which is what templates and conditions look up (accessor properties they ignore). Built per task, it
 * cost every task on every host one property per inventory host: quadratic in the inventory.
 */
const hostvarsByScope = new WeakMap<PlayScope, Record<string, unknown>>();

function lazyHostvars(scope: PlayScope): Record<string, unknown> {
  let view = hostvarsByScope.get(scope);
  if (view) return view;
  const of = (name: string | symbol) => (typeof name === 'string' ? scope.allHosts.get(name) : undefined);
  view = new Proxy({} as Record<string, unknown>, {
    get: (_t, name) => {
      const h = of(name);
      return h ? hostvarsOf(h) : undefined;
    },
    has: (_t, name) => of(name) !== undefined,
    ownKeys: () => [...scope.allHosts.keys()],
    getOwnPropertyDescriptor: (_t, name) => {
      const h = of(name);
      return h ? { value: hostvarsOf(h), enumerable: true, configurable: true, writable: false } : undefined;
    },
    set: () => false,
    defineProperty: () => false,
    deleteProperty: () => false,
  });
  hostvarsByScope.set(scope, view);
  return view;
}

const TEMPLATE_PASSES = 4;

/**
 * Variables that are templates themselves (`whitelist: "{{ vpn_cidr }}"`) are resolved against the merged set, a
 * few passes deep, like Ansible's lazy templating. One that cannot render yet is left as written: it is an error
 * only if a task really uses it.
 */
function resolveTemplatedVars(vars: Record<string, unknown>, at: { file: string }, h: HostState): void {
  // Facts and results are data the host reported, not templates (and the facts are big to walk).
  const isTemplate = (k: string, v: unknown) => !isFactValue(h, k, v) && !(Object.hasOwn(h.runVars, k) && h.runVars[k] === v) && containsTemplate(v);
  const unrendered = new Set<string>();
  for (let pass = 0; pass < TEMPLATE_PASSES; pass++) {
    let changed = false;
    unrendered.clear();
    for (const [k, v] of Object.entries(vars)) {
      if (!isTemplate(k, v)) continue;
      try {
        const rendered = renderValue(v, vars, { file: at.file });
        if (rendered !== v) {
          vars[k] = rendered;
          changed = true;
        }
      } catch {
        unrendered.add(k);
      }
    }
    if (!changed) break;
  }
  // Not renderable yet (a loop item, a name defined later, an undefined name): rendered where a template reads it,
  // with that render's variables, and its error reported there — Ansible renders variables lazily.
  for (const k of unrendered) {
    const v = vars[k];
    vars[k] = new DeferredValue(v, (now) => renderValue(v, now, { file: at.file }));
  }
}

export function containsTemplate(v: unknown): boolean {
  if (typeof v === 'string') return isTemplated(v);
  if (Array.isArray(v)) return v.some(containsTemplate);
  if (v && typeof v === 'object' && Object.getPrototypeOf(v) === Object.prototype) return Object.values(v).some(containsTemplate);
  return false;
}

/**
 * A task's variables on a host. Kept per host and task until any host's facts or run vars change (the engine asks
 * again for the same task when it reads ahead and when it runs, and for every loop item): the result is frozen, since
 * callers share it.
 */
export function taskVars(scope: PlayScope, h: HostState, task: TaskVarsInput, extra: Record<string, unknown> = {}): Record<string, unknown> {
  if (Object.keys(extra).length > 0) return buildTaskVars(scope, h, task, extra);
  const version = currentVarsVersion();
  const kept = h.taskVarsCache.get(task);
  if (kept && kept.version === version && kept.scope === scope) return kept.vars;
  const vars = Object.freeze(buildTaskVars(scope, h, task, extra));
  h.taskVarsCache.set(task, { version, scope, vars });
  return vars;
}

function buildTaskVars(scope: PlayScope, h: HostState, task: TaskVarsInput, extra: Record<string, unknown>): Record<string, unknown> {
  const vars: Record<string, unknown> = {
    ...roleLayers(scope, task, 'defaults'),
    ...h.host.vars,
    ...(h.facts ? factVars(h.facts) : {}),
    ...scope.playVars,
    ...roleLayers(scope, task, 'vars'),
    ...task.vars,
    ...h.includedVars,
    ...h.runVars,
    ...task.params,
    ...extra,
    ...scope.extraVars,
    inventory_hostname: h.name,
    inventory_hostname_short: h.name.split('.')[0],
    groups: scope.groups,
    group_names: h.host.groups.filter((g) => g !== 'all').sort(), // as Ansible: sorted, `ungrouped` included
    play_hosts: scope.playHosts,
    ansible_play_hosts: scope.playHosts,
    ansible_check_mode: scope.check,
    ansible_diff_mode: scope.diff,
    playbook_dir: scope.plan.file.replace(/\/[^/]*$/, ''),
    omit: OMIT, // an argument rendered to this is left out (prepare-task.ts)
  };
  if (task.role) vars.role_path = scope.plan.roles[task.role]?.dir;
  resolveTemplatedVars(vars, scope.play.at, h);
  vars.hostvars = lazyHostvars(scope); // after resolving: reading it builds every host's view
  return vars;
}
