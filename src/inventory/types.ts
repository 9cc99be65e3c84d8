// The inventory model every loader (YAML, INI, directory, later Terraform) produces.

/** Where a variable's value came from, for `tsinfra inventory --host H` (e.g. "group_vars/all.yaml:3:1 (group all)"). */
export type VarOrigin = string;

export interface Group {
  name: string;
  /** Hosts listed directly in this group (not via children); for `all`, every host. */
  hosts: string[];
  children: string[];
  vars: Record<string, unknown>;
  /** Per variable, where it was set. */
  origins: Record<string, VarOrigin>;
}

export interface Host {
  name: string;
  /** Every group the host belongs to, directly or through children, `all` first, most general to most specific. */
  groups: string[];
  /** Merged variables: all < parent groups < child groups < host vars (host_vars/ last). */
  vars: Record<string, unknown>;
  origins: Record<string, VarOrigin>;
}

export interface Inventory {
  /** The file or directory it was loaded from (several `-i` sources: joined with ","). */
  source: string;
  /** Every source, in the order given (multiple `-i`). */
  sources?: string[];
  /** Things Ansible would accept silently but that are probably mistakes (e.g. group_vars for an unknown group). */
  warnings?: string[];
  /** In inventory order. */
  hosts: Map<string, Host>;
  groups: Map<string, Group>;
}
