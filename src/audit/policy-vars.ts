// The policy's variables as the security role's own tasks would see them on each host: the role found and read by
// the playbook loader (defaults/ and vars/), merged and templated by the engine (taskVars: role defaults < inventory
// group < host vars < role vars, `{{ vpn_cidr }}` resolved), in a play of that one role over the inventory.
import { resolve } from 'node:path';
import { HostState } from '../engine/host-state.js';
import { groupsOf } from '../engine/run-playbook.js';
import { taskVars, type PlayScope } from '../engine/variables.js';
import type { Host, Inventory } from '../inventory/types.js';
import { LoadContext } from '../playbook/load-context.js';
import type { PlayPlan, RolePlan } from '../playbook/playbook-plan.js';
import { registryCatalog } from '../playbook/registry-catalog.js';
import { findRole, loadRole } from '../playbook/role-loader.js';
import type { BecomeOptions, ConnectTarget } from '../transport/transport.js';

export interface FindPolicyRoleOptions {
  /** A role name (looked up like a playbook's roles, from `projectDir`) or a path to the role's directory. */
  role: string;
  rolesPath: readonly string[];
  projectDir: string;
}

export interface FoundRole {
  role?: RolePlan;
  /** Where it was looked for, for the message when it is missing. */
  looked: string[];
}

/** The policy role's defaults and vars, read as a playbook would read them; `role` undefined when not found. */
export async function findPolicyRole(o: FindPolicyRoleOptions): Promise<FoundRole> {
  const ctx = new LoadContext({ rolesPath: [...o.rolesPath], catalog: registryCatalog, projectDir: o.projectDir });
  const { dir, looked } = findRole(ctx, resolve(o.projectDir), o.role);
  if (dir === undefined) return { looked };
  const loaded = await loadRole(ctx, dir, o.role);
  ctx.problems.throwIfAny();
  return { role: loaded.plan, looked };
}

function policyPlay(role: RolePlan | undefined, file: string): PlayPlan {
  return {
    index: 1,
    label: role ? `port audit (role ${role.name})` : 'port audit',
    at: { file },
    file,
    hosts: 'all',
    vars: {},
    varsFiles: [],
    gatherFacts: false,
    strategy: 'linear',
    anyErrorsFatal: false,
    tags: [],
    environment: [],
    tasks: [],
    handlers: [],
    roles: role ? [role.key] : [],
    publicRoles: role ? [{ role: role.key, vars: {} }] : [],
  };
}

export interface PolicyVarsOptions {
  inventory: Inventory;
  role?: RolePlan;
  targetOf(host: Host): ConnectTarget;
  becomeOf(host: Host): BecomeOptions | undefined;
}

/** A function giving each host's variables as a task of the policy role sees them (no facts: none are gathered). */
export function policyVarsResolver(o: PolicyVarsOptions): (host: Host) => Record<string, unknown> {
  const file = o.role?.defaultsFile ?? o.role?.dir ?? o.inventory.source;
  const play = policyPlay(o.role, file);
  const allHosts = new Map([...o.inventory.hosts.values()].map((h) => [h.name, new HostState(h, o.targetOf(h), o.becomeOf(h))]));
  const scope: PlayScope = {
    plan: { file, plays: [play], roles: o.role ? { [o.role.key]: o.role } : {}, warnings: [] },
    play,
    playVars: {},
    extraVars: {},
    allHosts,
    groups: groupsOf(o.inventory),
    playHosts: [...allHosts.keys()],
    check: true,
    diff: false,
  };
  return (host) => taskVars(scope, allHosts.get(host.name)!, { role: o.role?.key, vars: {} });
}
