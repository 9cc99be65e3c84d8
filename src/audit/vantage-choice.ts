// Which machines probe from the VPN and from the private network. For each, the first of these that is given wins:
//   VPN:     --vpn-from HOST  >  variable audit_vpn_vantage  >  group audit_vpn (its first host)
//            >  the first audited host that has a VPN address (found once addresses are read)
//   private: --private-from HOST | --private-from-netns NAME  >  variable audit_private_vantage
//            >  group audit_private (its first host)  >  a lab inventory's neighbour namespace  >  none
// Variables are read from the inventory's `all` vars (group_vars/all). The outside view always comes from the
// controller itself.
import { UsageError } from '../errors.js';
import type { Inventory } from '../inventory/types.js';
import { suggestion } from '../text/did-you-mean.js';

export const VANTAGE_VARS = { vpn: 'audit_vpn_vantage', private: 'audit_private_vantage' } as const;
export const VANTAGE_GROUPS = { vpn: 'audit_vpn', private: 'audit_private' } as const;

export type ChoiceSource = 'option' | 'variable' | 'group' | 'default' | 'lab';

export type VpnChoice = { host: string; source: ChoiceSource } | { host?: undefined; source: 'default' };

export type PrivateChoice =
  | { kind: 'host'; host: string; source: ChoiceSource }
  | { kind: 'netns'; netns: string; source: ChoiceSource }
  | { kind: 'none' };

export interface VantageChoice {
  vpn: VpnChoice;
  private: PrivateChoice;
}

export interface ChooseVantagesOptions {
  inventory: Inventory;
  vpnFrom?: string;
  privateFrom?: string;
  privateFromNetns?: string;
  /** The lab's neighbour namespace, when the inventory is a lab's and that lab is up here (see the CLI). */
  labNeighbourNetns?: string;
}

function checkHost(inventory: Inventory, name: string, what: string): string {
  if (inventory.hosts.has(name)) return name;
  throw new UsageError(`${what}: no host ${JSON.stringify(name)} in the inventory${suggestion(name, inventory.hosts.keys())}`);
}

function variableOf(inventory: Inventory, name: string): string | undefined {
  const v = inventory.groups.get('all')?.vars[name];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v !== 'string') throw new UsageError(`variable ${name} must be a host name, found ${JSON.stringify(v)}`);
  return v;
}

function firstOfGroup(inventory: Inventory, group: string): string | undefined {
  return [...inventory.hosts.values()].find((h) => h.groups.includes(group))?.name;
}

function chooseVpn(o: ChooseVantagesOptions): VpnChoice {
  if (o.vpnFrom !== undefined) return { host: checkHost(o.inventory, o.vpnFrom, '--vpn-from'), source: 'option' };
  const fromVar = variableOf(o.inventory, VANTAGE_VARS.vpn);
  if (fromVar !== undefined) return { host: checkHost(o.inventory, fromVar, VANTAGE_VARS.vpn), source: 'variable' };
  const fromGroup = firstOfGroup(o.inventory, VANTAGE_GROUPS.vpn);
  if (fromGroup !== undefined) return { host: fromGroup, source: 'group' };
  return { source: 'default' };
}

function choosePrivate(o: ChooseVantagesOptions): PrivateChoice {
  if (o.privateFrom !== undefined && o.privateFromNetns !== undefined) throw new UsageError('give --private-from or --private-from-netns, not both');
  if (o.privateFrom !== undefined) return { kind: 'host', host: checkHost(o.inventory, o.privateFrom, '--private-from'), source: 'option' };
  if (o.privateFromNetns !== undefined) {
    if (!/^[A-Za-z0-9_.-]+$/.test(o.privateFromNetns)) throw new UsageError(`--private-from-netns: ${JSON.stringify(o.privateFromNetns)} is not a namespace name`);
    return { kind: 'netns', netns: o.privateFromNetns, source: 'option' };
  }
  const fromVar = variableOf(o.inventory, VANTAGE_VARS.private);
  if (fromVar !== undefined) return { kind: 'host', host: checkHost(o.inventory, fromVar, VANTAGE_VARS.private), source: 'variable' };
  const fromGroup = firstOfGroup(o.inventory, VANTAGE_GROUPS.private);
  if (fromGroup !== undefined) return { kind: 'host', host: fromGroup, source: 'group' };
  if (o.labNeighbourNetns !== undefined) return { kind: 'netns', netns: o.labNeighbourNetns, source: 'lab' };
  return { kind: 'none' };
}

export function chooseVantages(o: ChooseVantagesOptions): VantageChoice {
  return { vpn: chooseVpn(o), private: choosePrivate(o) };
}

/**
 * Who probes each VPN member: the vantage host probes every other member; the vantage itself, when audited, is
 * probed by the next member (or else the first spare: a non-audited host with a VPN address).
 */
export function vpnProbers(vantage: string, members: readonly string[], spares: readonly string[] = []): Map<string, string> {
  const out = new Map<string, string>();
  const other = [...members, ...spares].find((m) => m !== vantage);
  for (const m of members) {
    if (m !== vantage) out.set(m, vantage);
    else if (other !== undefined) out.set(m, other);
  }
  return out;
}
