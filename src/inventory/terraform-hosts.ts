// What the Terraform readers (state resources, the tsinfra_hosts output) hand over: one record per server,
// each value with the place in the file it came from, and the one function that puts them in the builder.
import { ConfigError, formatPosition, type SourcePosition } from '../errors.js';
import type { InventoryBuilder } from './inventory-builder.js';
import { groupNameProblem } from './names.js';

export interface Located<T> {
  value: T;
  at: SourcePosition;
}

export interface TerraformGroup {
  name: string;
  at: SourcePosition;
  /** What made it a group, for messages: `label "role"`, `tag`, `groups`. */
  from: string;
  /** Scaleway tags are free text ("env:prod"): a tag that cannot name a group is skipped with a warning. */
  isOptional: boolean;
}

export interface TerraformServer {
  name: string;
  /** The resource instance (`hcloud_server.master[0]`) or output entry (`output tsinfra_hosts[2]`). */
  address: string;
  /** Where its name is written. */
  at: SourcePosition;
  groups: TerraformGroup[];
  /** Host variables in the order they are set (later ones win, so `vars` from an output come last). */
  vars: [string, Located<unknown>][];
}

export interface ServerAddresses {
  ipv4?: Located<string>;
  ipv6?: Located<string>;
  privateIp?: Located<string>;
}

/**
 * The address variables every Terraform host gets: `ansible_host` is the public IPv4 address, else the
 * public IPv6 address, else the private one; `public_ip`, `public_ipv6` and `private_ip` where known.
 */
export function addressVars(addresses: ServerAddresses): [string, Located<unknown>][] {
  const out: [string, Located<unknown>][] = [];
  const connect = addresses.ipv4 ?? addresses.ipv6 ?? addresses.privateIp;
  if (connect) out.push(['ansible_host', connect]);
  if (addresses.ipv4) out.push(['public_ip', addresses.ipv4]);
  if (addresses.ipv6) out.push(['public_ipv6', addresses.ipv6]);
  if (addresses.privateIp) out.push(['private_ip', addresses.privateIp]);
  return out;
}

/** Add the servers as hosts: in their groups (or ungrouped), with their variables set at inventory level. */
export function addTerraformHosts(servers: readonly TerraformServer[], builder: InventoryBuilder): void {
  const seen = new Map<string, TerraformServer>();
  const skipped = new Map<string, { group: TerraformGroup; servers: string[]; message: string }>();
  for (const server of servers) {
    const first = seen.get(server.name);
    if (first) {
      throw new ConfigError(server.at, `two servers are named "${server.name}": ${first.address} and ${server.address}`, {
        hint: 'host names come from the server names, which must be unique',
      });
    }
    seen.set(server.name, server);

    const groups: TerraformGroup[] = [];
    for (const group of server.groups) {
      const problem = groupNameProblem(group.name);
      if (!problem) groups.push(group);
      else if (group.isOptional) {
        const entry = skipped.get(group.name) ?? { group, servers: [], message: problem.message };
        entry.servers.push(server.name);
        skipped.set(group.name, entry);
      } else {
        throw new ConfigError(group.at, `${group.from} of server ${server.name}: ${problem.message}`, { hint: problem.hint });
      }
    }
    if (groups.length === 0) builder.addHost(server.name, 'ungrouped', server.at);
    for (const group of groups) {
      builder.addGroup(group.name, group.at);
      builder.addHost(server.name, group.name, group.at);
    }
    for (const [key, { value, at }] of server.vars) builder.setHostVar(server.name, key, value, { layer: 'inventory', at });
    if (!server.vars.some(([key]) => key === 'ansible_host')) {
      builder.warnings.push(`${formatPosition(server.at)}: server ${server.name} (${server.address}) has no IP address; tsinfra will connect to it by name`);
    }
  }
  // One warning per tag, however many servers carry it.
  for (const { group, servers: names, message } of skipped.values()) {
    const of = names.length > 3 ? `${names.slice(0, 3).join(', ')} and ${names.length - 3} more` : names.join(', ');
    const who = `${names.length === 1 ? 'server' : 'servers'} ${of}`;
    builder.warnings.push(`${formatPosition(group.at)}: ${group.from} "${group.name}" (${who}) is not a group name; ignored (${message})`);
  }
}
