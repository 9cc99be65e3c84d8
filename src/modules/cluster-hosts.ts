// cluster_hosts: the inventory's masters and workers as one list a cluster config template can iterate over —
// public address, VPN address and interface, SSH user, key and port of each — read on the controller from
// `groups` and `hostvars`, the SSH settings as the engine reads them to connect (ActionIO.endpointOf). It fails,
// naming the hosts, when one has no VPN address (not in this run, or not on the VPN), instead of letting a template
// write an incomplete cluster file.
import { Type, type Static } from '@sinclair/typebox';
import { defineAction, expecting, type ActionIO, type RegisteredResult } from './define.js';

const VarName = () =>
  expecting(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), 'a variable name (letters, digits, _)');

const ClusterHostsArgs = Type.Object(
  {
    masters: Type.String({ minLength: 1, default: 'masters', description: 'Inventory group of the control-plane hosts' }),
    workers: Type.String({ minLength: 1, default: 'workers', description: 'Inventory group of the worker hosts (may be empty)' }),
    private_address_vars: Type.Array(VarName(), {
      minItems: 1,
      default: ['cluster_private_address', 'zerotier_ip'],
      description: "Host variables tried in order for each host's private (VPN) address",
    }),
    private_interface_vars: Type.Array(VarName(), {
      default: ['cluster_private_interface', 'zerotier_interface'],
      description: "Host variables tried in order for each host's private (VPN) interface",
    }),
    user: Type.String({ minLength: 1, default: 'root', description: 'SSH user of hosts without ansible_user' }),
    ssh_key_path: Type.String({ minLength: 1, default: '~/.ssh/id_rsa', description: 'SSH key of hosts without ansible_ssh_private_key_file' }),
    fact: Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', default: 'cluster_hosts', description: 'The host variable the list is stored in' }),
  },
  { additionalProperties: false },
);
export type ClusterHostsArgs = Static<typeof ClusterHostsArgs>;

export interface ClusterHost {
  /** The inventory name. */
  name: string;
  role: 'master' | 'worker';
  /** Public address the cluster tool connects to: the one tsinfra connects to (ansible_host), else the inventory name. */
  address: string;
  private_address: string;
  /** null when no variable names it. */
  private_interface: string | null;
  user: string;
  ssh_key_path: string;
  ssh_port: number;
}

function record(v: unknown): Record<string, unknown> {
  return v !== null && typeof v === 'object' ? (v as Record<string, unknown>) : {};
}

/** The first of `names` set to a non-empty scalar on the host. */
function firstSet(hv: Record<string, unknown>, names: readonly string[]): string | undefined {
  for (const n of names) {
    const v = hv[n];
    if (v === undefined || v === null || v === '') continue;
    if (typeof v === 'string' || typeof v === 'number') return String(v);
  }
  return undefined;
}

/** Pure: the host list from groups, hostvars and how each host is reached, or the problems (every one). */
export function clusterHosts(a: ClusterHostsArgs, groups: Record<string, unknown>, hostvars: Record<string, unknown>, endpointOf: ActionIO['endpointOf']): { hosts: ClusterHost[] } | { problems: string[] } {
  const problems: string[] = [];
  const members = (group: string): string[] | undefined => {
    const g = groups[group];
    return Array.isArray(g) ? g.map(String) : undefined;
  };
  const masters = members(a.masters);
  const workers = members(a.workers);
  if (masters === undefined) problems.push(`the inventory has no group '${a.masters}' (the masters)`);
  else if (masters.length === 0) problems.push(`group '${a.masters}' is empty: a cluster needs at least one master`);
  if (workers === undefined) problems.push(`the inventory has no group '${a.workers}' (the workers; an empty group is fine)`);
  if (problems.length > 0) return { problems };
  const both = masters!.filter((h) => workers!.includes(h));
  if (both.length > 0) return { problems: [`${both.join(', ')} ${both.length === 1 ? 'is' : 'are'} in both '${a.masters}' and '${a.workers}': a host has one role`] };

  const hosts: ClusterHost[] = [];
  const noAddress: string[] = [];
  for (const [role, names] of [['master', masters!], ['worker', workers!]] as const) {
    for (const name of names) {
      const hv = record(hostvars[name]);
      const privateAddress = firstSet(hv, a.private_address_vars);
      if (privateAddress === undefined) {
        noAddress.push(name);
        continue;
      }
      const ssh = endpointOf(name) ?? {};
      hosts.push({
        name,
        role,
        address: ssh.address ?? name,
        private_address: privateAddress,
        private_interface: firstSet(hv, a.private_interface_vars) ?? null,
        user: ssh.user ?? a.user,
        ssh_key_path: ssh.privateKeyFile ?? a.ssh_key_path,
        ssh_port: ssh.port ?? 22,
      });
    }
  }
  if (noAddress.length > 0) {
    return {
      problems: [
        `no private (VPN) address for ${noAddress.join(', ')}: none of ${a.private_address_vars.join(', ')} is set for ${noAddress.length === 1 ? 'it' : 'them'} ` +
          '(not among this run\'s hosts — --limit? unreachable? — or not on the VPN): run playbooks/prepare.yaml first, ' +
          `or set ${a.private_address_vars[0]} for ${noAddress.length === 1 ? 'that host' : 'those hosts'}`,
      ],
    };
  }
  return { hosts };
}

export const clusterHostsModule = defineAction({
  name: 'cluster_hosts',
  summary: 'The masters and workers with their public and VPN addresses and SSH settings, as one list for a cluster config',
  args: ClusterHostsArgs,
  checkMode: 'run',
  controllerOnly: true,
  async run(a, io): Promise<RegisteredResult> {
    const r = clusterHosts(a, record(io.vars.groups), record(io.vars.hostvars), (name) => io.endpointOf(name));
    if ('problems' in r) return { changed: false, failed: true, msg: `cluster_hosts: ${r.problems.join('; ')}` };
    const masters = r.hosts.filter((h) => h.role === 'master').length;
    const msg = `${masters} master${masters === 1 ? '' : 's'}, ${r.hosts.length - masters} worker${r.hosts.length - masters === 1 ? '' : 's'}`;
    return { changed: false, failed: false, msg, hosts: r.hosts, ansible_facts: { [a.fact]: r.hosts } };
  },
});
