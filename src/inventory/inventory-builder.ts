// Collects what the loaders read (groups, hosts, children, variables with their positions) from any number
// of sources, then resolves it the way Ansible does: implicit `all`/`ungrouped`, group depth, and the
// variable precedence levels described in docs/inventory.md.
import { ConfigError, formatPosition, type SourcePosition } from '../errors.js';
import { groupNameProblem } from './names.js';
import { parsePort } from './host-range.js';
import type { Group, Host, Inventory, VarOrigin } from './types.js';
import { setOwn } from '../own-keys.js';
import { isTemplated } from '../template/index.js';

/**
 * `inventory`: set in an inventory file; `file`: set in group_vars/ or host_vars/ beside the inventory; `play`: in
 * group_vars/ or host_vars/ beside the playbook. Merged in Ansible's order (docs/variables.md).
 */
export type VarLayer = 'inventory' | 'file' | 'play';

export interface VarSite {
  layer: VarLayer;
  /** Where the variable's name is written; becomes its origin. */
  at: SourcePosition;
  /** Where its value is written, for errors about the value (defaults to `at`). */
  valueAt?: SourcePosition;
}

interface VarSetting {
  value: unknown;
  origin: VarOrigin;
}

type VarTables = Record<VarLayer, Map<string, VarSetting>>;

interface GroupDraft {
  name: string;
  hosts: string[];
  hostSet: Set<string>;
  children: string[];
  parents: Set<string>;
  vars: VarTables;
  /** ansible_group_priority from an inventory file; orders groups of the same depth. */
  priority: number;
}

interface HostDraft {
  name: string;
  vars: VarTables;
}

const PORT_VARS = new Set(['ansible_port', 'ansible_ssh_port', 'tsinfra_port']);
const DEFAULT_PRIORITY = 1; // Ansible's default ansible_group_priority

const newTables = (): VarTables => ({ inventory: new Map(), file: new Map(), play: new Map() });

export class InventoryBuilder {
  readonly warnings: string[] = [];
  readonly #groups = new Map<string, GroupDraft>();
  readonly #hosts = new Map<string, HostDraft>();

  constructor() {
    this.#draft('all');
    this.#draft('ungrouped');
    this.#link('all', 'ungrouped');
  }

  hasGroup(name: string): boolean {
    return this.#groups.has(name);
  }

  hasHost(name: string): boolean {
    return this.#hosts.has(name);
  }

  groupNames(): string[] {
    return [...this.#groups.keys()];
  }

  hostNames(): string[] {
    return [...this.#hosts.keys()];
  }

  /** Declare a group (no-op when it exists); the name is checked here so every format gets the same rules. */
  addGroup(name: string, at: SourcePosition): void {
    if (this.#groups.has(name)) return;
    const problem = groupNameProblem(name);
    if (problem) throw new ConfigError(at, problem.message, { hint: problem.hint });
    this.#draft(name);
  }

  /** Add a host (created on first sight, which fixes its inventory order) to a declared group. */
  addHost(name: string, group: string, at: SourcePosition): void {
    if (name.trim() === '') throw new ConfigError(at, 'empty host name');
    if (!this.#hosts.has(name)) this.#hosts.set(name, { name, vars: newTables() });
    const draft = this.#group(group);
    if (!draft.hostSet.has(name)) {
      draft.hostSet.add(name);
      draft.hosts.push(name);
    }
  }

  /** Make `child` a child group of `parent`; both must be declared. Refuses edges that close a cycle. */
  addChild(parent: string, child: string, at: SourcePosition): void {
    if (child === 'all') throw new ConfigError(at, `"all" cannot be a child group (of "${parent}"): every group is already inside all`);
    const loop = this.#pathBetween(child, parent);
    if (loop) {
      throw new ConfigError(at, `group "${child}" cannot be a child of "${parent}": that makes a cycle (${[parent, ...loop].join(' > ')})`, {
        hint: 'a group cannot contain itself, directly or through its children',
      });
    }
    this.#link(parent, child);
  }

  setGroupVar(group: string, key: string, value: unknown, site: VarSite): void {
    this.#checkVar(key, value, site);
    const draft = this.#group(group);
    if (key === 'ansible_group_priority') {
      if (site.layer === 'inventory') draft.priority = groupPriority(value, site);
      else this.warnings.push(`${formatPosition(site.at)}: ansible_group_priority has no effect in group_vars (as in Ansible, set it in the inventory file)`);
    }
    draft.vars[site.layer].set(key, { value, origin: `${formatPosition(site.at)} (group ${group})` });
  }

  setHostVar(host: string, key: string, value: unknown, site: VarSite): void {
    this.#checkVar(key, value, site);
    const draft = this.#hosts.get(host);
    if (!draft) throw new Error(`bug: host ${host} was not added before its variables`);
    draft.vars[site.layer].set(key, { value, origin: `${formatPosition(site.at)} (host ${host})` });
  }

  /** Resolve everything into the model. */
  build(sources: string[]): Inventory {
    const depthOf = this.#depths();
    const byOrder = (a: string, b: string) => {
      const ga = this.#group(a);
      const gb = this.#group(b);
      return depthOf(a) - depthOf(b) || ga.priority - gb.priority || (a < b ? -1 : a > b ? 1 : 0);
    };
    const ancestorsOf = this.#ancestors();

    const hostGroups = new Map<string, string[]>();
    const ungrouped: string[] = [];
    for (const name of this.#hosts.keys()) {
      const direct = [...this.#groups.values()].filter((g) => g.hostSet.has(name) && g.name !== 'all' && g.name !== 'ungrouped');
      const member = new Set<string>();
      for (const g of direct) for (const a of ancestorsOf(g.name)) member.add(a);
      if (direct.length === 0) {
        ungrouped.push(name);
        for (const a of ancestorsOf('ungrouped')) member.add(a);
      }
      member.delete('all');
      hostGroups.set(name, ['all', ...[...member].sort(byOrder)]);
    }

    const hosts = new Map<string, Host>();
    for (const draft of this.#hosts.values()) {
      const groups = hostGroups.get(draft.name)!;
      const vars: Record<string, unknown> = {};
      const origins: Record<string, VarOrigin> = {};
      const apply = (table: Map<string, VarSetting>) => {
        for (const [key, { value, origin }] of table) {
          setOwn(vars, key, value);
          setOwn(origins, key, origin);
        }
      };
      // Ansible's order (VARIABLE_PRECEDENCE, then the host's own): inventory-file group vars; group_vars/all beside
      // the inventory, then beside the playbook; the other groups' group_vars/ beside the inventory, then beside the
      // playbook; the host's inventory vars, host_vars/ beside the inventory, beside the playbook.
      const [all, ...others] = groups.map((g) => this.#group(g).vars);
      for (const g of groups) apply(this.#group(g).vars.inventory);
      apply(all!.file);
      apply(all!.play);
      for (const layer of ['file', 'play'] as const) for (const g of others) apply(g[layer]);
      apply(draft.vars.inventory);
      apply(draft.vars.file);
      apply(draft.vars.play);
      hosts.set(draft.name, { name: draft.name, groups, vars, origins });
    }

    const groups = new Map<string, Group>();
    const parentless = [...this.#groups.values()].filter((g) => g.name !== 'all' && g.parents.size === 0).map((g) => g.name);
    for (const draft of this.#groups.values()) {
      const vars: Record<string, unknown> = {};
      const origins: Record<string, VarOrigin> = {};
      for (const layer of ['inventory', 'file', 'play'] as const) {
        for (const [key, { value, origin }] of draft.vars[layer]) {
          setOwn(vars, key, value);
          setOwn(origins, key, origin);
        }
      }
      let hostList = draft.hosts;
      let children = draft.children;
      if (draft.name === 'all') {
        hostList = [...this.#hosts.keys()];
        children = [...children, ...parentless.filter((g) => !children.includes(g))];
      } else if (draft.name === 'ungrouped') {
        hostList = ungrouped;
      }
      groups.set(draft.name, { name: draft.name, hosts: [...hostList], children: [...children], vars, origins });
    }

    for (const name of this.#hosts.keys()) {
      if (this.#groups.has(name)) this.warnings.push(`"${name}" names both a host and a group; patterns will match both`);
    }
    return { source: sources.join(','), sources: [...sources], hosts, groups, warnings: [...this.warnings] };
  }

  #draft(name: string): GroupDraft {
    const draft: GroupDraft = {
      name,
      hosts: [],
      hostSet: new Set(),
      children: [],
      parents: new Set(),
      vars: newTables(),
      priority: DEFAULT_PRIORITY,
    };
    this.#groups.set(name, draft);
    return draft;
  }

  #group(name: string): GroupDraft {
    const draft = this.#groups.get(name);
    if (!draft) throw new Error(`bug: group ${name} was not declared`);
    return draft;
  }

  #link(parent: string, child: string): void {
    const p = this.#group(parent);
    const c = this.#group(child);
    if (!p.children.includes(child)) p.children.push(child);
    c.parents.add(parent);
  }

  /** A path of child links from `from` down to `to` (inclusive of both ends), or undefined. */
  #pathBetween(from: string, to: string): string[] | undefined {
    if (from === to) return [from];
    const seen = new Set<string>();
    const visit = (name: string): string[] | undefined => {
      if (seen.has(name)) return undefined;
      seen.add(name);
      for (const child of this.#groups.get(name)?.children ?? []) {
        if (child === to) return [name, child];
        const rest = visit(child);
        if (rest) return [name, ...rest];
      }
      return undefined;
    };
    return visit(from);
  }

  /** Longest distance from `all` (Ansible's group depth); groups without parents hang off `all`. */
  #depths(): (name: string) => number {
    const memo = new Map<string, number>();
    const depth = (name: string): number => {
      if (name === 'all') return 0;
      const known = memo.get(name);
      if (known !== undefined) return known;
      const parents = [...this.#group(name).parents];
      const d = 1 + (parents.length === 0 ? 0 : Math.max(...parents.map(depth)));
      memo.set(name, d);
      return d;
    };
    return depth;
  }

  /** The group itself, its parents, their parents, ... and `all`. */
  #ancestors(): (name: string) => Set<string> {
    const memo = new Map<string, Set<string>>();
    const ancestors = (name: string): Set<string> => {
      const known = memo.get(name);
      if (known) return known;
      const out = new Set<string>([name, 'all']);
      for (const p of this.#group(name).parents) for (const a of ancestors(p)) out.add(a);
      memo.set(name, out);
      return out;
    };
    return ancestors;
  }

  #checkVar(key: string, value: unknown, site: VarSite): void {
    if (key === '') throw new ConfigError(site.at, 'empty variable name');
    if (key === '__proto__') throw new ConfigError(site.at, 'variable name "__proto__" is not allowed');
    if (PORT_VARS.has(key)) checkPortValue(key, value, site.valueAt ?? site.at);
  }
}

// A port may also be a template (`{{ base_port + 1 }}`), which the play resolves later.
function checkPortValue(key: string, value: unknown, at: SourcePosition): void {
  if (typeof value === 'string' && isTemplated(value)) return;
  const text = typeof value === 'number' || typeof value === 'string' ? String(value).trim() : undefined;
  try {
    if (text === undefined) throw new Error();
    parsePort(text);
  } catch {
    throw new ConfigError(at, `${key} must be a port number 1-65535, got ${JSON.stringify(value)}`);
  }
}

function groupPriority(value: unknown, site: VarSite): number {
  const n = typeof value === 'string' && /^[-+]?[0-9]+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n === 'number' && Number.isInteger(n)) return n;
  throw new ConfigError(site.valueAt ?? site.at, `ansible_group_priority must be an integer, got ${JSON.stringify(value)}`);
}
