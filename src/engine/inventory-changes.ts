// What add_host and group_by results do to the run's inventory, as Ansible's StrategyBase._add_host/_add_group do:
// a new host (in `all`, and `ungrouped` while it has no other group) with its variables, new groups under `all` (or
// the given parents), memberships. The change is seen by the rest of the run: `groups`, `group_names`, `hostvars`
// and the host patterns of later plays. `changed` is true when something was new, as in Ansible.
//
// A host joining an inventory group takes the group's variables (and its ancestors') over the ones it had from
// groups, never over its own host variables. Not done: group_vars/ files of a group the inventory did not have.
import type { RegisteredResult } from '../modules/define.js';
import type { Group, Host, Inventory } from '../inventory/types.js';
import { noteInventoryChange, type HostState } from './host-state.js';

export interface InventoryEdit {
  inventory: Inventory;
  /** The `groups` magic variable's value for the whole run: edited in place. */
  groups: Record<string, string[]>;
  allHosts: Map<string, HostState>;
  /** A HostState for a host add_host created (connection and become resolved as for the inventory's own). */
  newHostState(host: Host): HostState;
}

/** Applies the add_host / add_group in `r` (or in each of its loop results); sets their `changed`. */
export function applyInventoryChanges(edit: InventoryEdit, h: HostState, r: RegisteredResult): void {
  const items = Array.isArray(r.results) ? (r.results as RegisteredResult[]) : [r];
  let any = false;
  for (const item of items) {
    if (item.failed || item.skipped) continue;
    let changed = false;
    if (isObject(item.add_host)) changed = addHost(edit, item.add_host);
    else if (typeof item.add_group === 'string') changed = addGroup(edit, h.host, item.add_group, (item.parent_groups as string[] | undefined) ?? ['all']);
    else continue;
    item.changed = changed;
    any ||= changed;
  }
  if (Array.isArray(r.results)) r.changed = r.changed || any;
  if (any) noteInventoryChange();
}

/**
 * meta: refresh_inventory, as Ansible's InventoryManager.refresh_inventory: the sources read again replace the
 * run's inventory (hosts added by add_host and groups by group_by are gone unless the sources have them). A host
 * still there keeps its run state and connection and takes its new groups and variables; a new host gets a state;
 * a host no longer there is left out of later plays' patterns. The running play keeps its hosts.
 */
export function refreshInventory(edit: InventoryEdit, fresh: Inventory): void {
  const { inventory } = edit;
  inventory.hosts.clear();
  inventory.groups.clear();
  for (const [name, g] of fresh.groups) inventory.groups.set(name, g);
  for (const [name, host] of fresh.hosts) {
    const kept = edit.allHosts.get(name);
    // The host object the engine holds takes the fresh groups and variables (HostState keeps the object).
    if (kept) inventory.hosts.set(name, Object.assign(kept.host, { groups: host.groups, vars: host.vars, origins: host.origins }));
    else {
      inventory.hosts.set(name, host);
      edit.allHosts.set(name, edit.newHostState(host));
    }
  }
  for (const k of Object.keys(edit.groups)) delete edit.groups[k];
  for (const g of inventory.groups.keys()) edit.groups[g] = [];
  for (const h of inventory.hosts.values()) for (const g of h.groups) (edit.groups[g] ??= []).push(h.name);
  edit.groups.all = [...inventory.hosts.keys()];
  noteInventoryChange();
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function ensureGroup(edit: InventoryEdit, name: string): { group: Group; isNew: boolean } {
  const had = edit.inventory.groups.get(name);
  if (had) return { group: had, isNew: false };
  const group: Group = { name, hosts: [], children: [], vars: {}, origins: {} };
  edit.inventory.groups.set(name, group);
  edit.groups[name] ??= [];
  return { group, isNew: true };
}

/** `name`'s ancestors, nearest last, then `name` (the order Host.groups keeps: most general first). */
function lineage(inventory: Inventory, name: string, seen = new Set<string>()): string[] {
  if (seen.has(name)) return [];
  seen.add(name);
  const parents = [...inventory.groups.values()].filter((g) => g.children.includes(name)).map((g) => g.name);
  return [...parents.flatMap((p) => lineage(inventory, p, seen)), name];
}

/** The host joins `name` and its ancestors; returns whether it was not in `name` yet. */
function join(edit: InventoryEdit, host: Host, name: string): boolean {
  const { group } = ensureGroup(edit, name);
  const isNew = !group.hosts.includes(host.name);
  if (isNew) group.hosts.push(host.name);
  for (const g of lineage(edit.inventory, name)) {
    if (host.groups.includes(g)) continue;
    host.groups.push(g);
    (edit.groups[g] ??= []).includes(host.name) || edit.groups[g]!.push(host.name);
    const vars = edit.inventory.groups.get(g)?.vars ?? {};
    for (const [k, v] of Object.entries(vars)) {
      if (/\(host [^)]*\)$/.test(host.origins[k] ?? '') || host.origins[k] === 'add_host') continue;
      host.vars[k] = v;
      host.origins[k] = edit.inventory.groups.get(g)!.origins[k] ?? `group ${g}`;
    }
  }
  // Ansible's reconcile_inventory: `ungrouped` holds the hosts in no group but `all`.
  const ungrouped = edit.inventory.groups.get('ungrouped');
  if (ungrouped && name !== 'ungrouped' && name !== 'all' && ungrouped.hosts.includes(host.name)) {
    ungrouped.hosts.splice(ungrouped.hosts.indexOf(host.name), 1);
    host.groups = host.groups.filter((g) => g !== 'ungrouped');
    edit.groups.ungrouped = (edit.groups.ungrouped ?? []).filter((n) => n !== host.name);
  }
  return isNew;
}

function addHost(edit: InventoryEdit, info: Record<string, unknown>): boolean {
  const name = String(info.host_name);
  let changed = false;
  let host = edit.inventory.hosts.get(name);
  if (!host) {
    const all = edit.inventory.groups.get('all');
    host = { name, groups: ['all'], vars: { ...(all?.vars ?? {}) }, origins: { ...(all?.origins ?? {}) } };
    edit.inventory.hosts.set(name, host);
    ensureGroup(edit, 'all').group.hosts.push(name);
    (edit.groups.all ??= []).push(name);
    changed = true;
  }
  const vars = isObject(info.host_vars) ? info.host_vars : {};
  for (const [k, v] of Object.entries(vars)) {
    if (Object.hasOwn(host.vars, k) && JSON.stringify(host.vars[k]) === JSON.stringify(v)) continue;
    host.vars[k] = v;
    host.origins[k] = 'add_host';
    changed = true;
  }
  const groups = Array.isArray(info.groups) ? info.groups.map(String) : [];
  for (const g of groups) {
    if (!edit.inventory.groups.has(g)) {
      ensureGroup(edit, g);
      ensureGroup(edit, 'all').group.children.push(g);
      changed = true;
    }
    if (join(edit, host, g)) changed = true;
  }
  if (groups.length === 0 && host.groups.length === 1) {
    const ungrouped = edit.inventory.groups.get('ungrouped');
    if (ungrouped && !ungrouped.hosts.includes(name)) {
      ungrouped.hosts.push(name);
      host.groups.push('ungrouped');
      (edit.groups.ungrouped ??= []).push(name);
    }
  }
  if (!edit.allHosts.has(name)) edit.allHosts.set(name, edit.newHostState(host));
  return changed;
}

function addGroup(edit: InventoryEdit, host: Host, name: string, parents: string[]): boolean {
  let changed = false;
  ensureGroup(edit, name);
  for (const p of parents) {
    if (ensureGroup(edit, p).isNew) {
      changed = true;
      if (p !== 'all') ensureGroup(edit, 'all').group.children.push(p);
    }
  }
  for (const p of parents) {
    const parent = edit.inventory.groups.get(p)!;
    if (!parent.children.includes(name)) {
      parent.children.push(name);
      changed = true;
    }
  }
  if (join(edit, host, name)) changed = true;
  return changed;
}
