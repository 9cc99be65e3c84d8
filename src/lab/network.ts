// The lab's links: three bridges (public, private, vpn), a network namespace per host with veths into the bridges,
// and the neighbour namespace on the private network. Each object is journaled before `ip` creates it.
import {
  HOST_INTERFACE,
  bridgeName,
  controllerAddress,
  hostAddress,
  hostNetns,
  neighbourAddress,
  neighbourNetns,
  networkCidr,
  vethName,
  withPrefixLength,
  type NetworkRole,
} from './addressing.js';
import { recordObject } from './lab-state.js';
import type { LabNetworks } from './lab-types.js';
import { runTool } from './run-tool.js';
import type { PlannedHost } from './topology.js';

export interface NetworkContext {
  index: number;
  stateDir: string;
}

const ROLES: NetworkRole[] = ['public', 'private', 'vpn'];

export function describeNetworks(index: number): LabNetworks {
  const net = (role: NetworkRole) => ({ cidr: networkCidr(index, role), bridge: bridgeName(index, role) });
  return { public: { ...net('public'), controllerAddress: controllerAddress(index) }, private: net('private'), vpn: net('vpn') };
}

function ipBatch(lines: string[], netns?: string): Promise<unknown> {
  const args = netns ? ['-n', netns, '-batch', '-'] : ['-batch', '-'];
  return runTool('ip', args, { input: `${lines.join('\n')}\n` });
}

/** Bridges skip the controller's iptables (br_netfilter): hosts' traffic obeys only the hosts' own firewalls. */
export async function createBridges(ctx: NetworkContext): Promise<void> {
  const lines: string[] = [];
  for (const role of ROLES) {
    const br = bridgeName(ctx.index, role);
    recordObject(ctx.stateDir, { type: 'link', name: br });
    lines.push(`link add ${br} type bridge nf_call_iptables 0 nf_call_ip6tables 0 nf_call_arptables 0`, `link set ${br} up`);
  }
  lines.push(`addr add ${withPrefixLength(controllerAddress(ctx.index))} dev ${bridgeName(ctx.index, 'public')}`);
  await ipBatch(lines);
}

interface Attachment {
  netns: string;
  role: 'public' | 'private';
  outer: string;
  address: string;
}

function hostAttachments(ctx: NetworkContext, host: PlannedHost): Attachment[] {
  const roles: ('public' | 'private')[] = host.hasPublic ? ['public', 'private'] : ['private'];
  return roles.map((role) => ({
    netns: hostNetns(ctx.index, host.name),
    role,
    outer: vethName(ctx.index, host.number, role),
    address: hostAddress(ctx.index, role, host.number),
  }));
}

function journalNetns(ctx: NetworkContext, netns: string, attachments: Attachment[]): void {
  recordObject(ctx.stateDir, { type: 'netns', name: netns });
  for (const a of attachments) recordObject(ctx.stateDir, { type: 'link', name: a.outer });
}

function outerLines(ctx: NetworkContext, netns: string, attachments: Attachment[]): string[] {
  const lines = [`netns add ${netns}`];
  for (const a of attachments) {
    lines.push(`link add ${a.outer} type veth peer name ${HOST_INTERFACE[a.role]} netns ${netns}`);
    lines.push(`link set ${a.outer} master ${bridgeName(ctx.index, a.role)} up`);
  }
  return lines;
}

function innerLines(attachments: Attachment[]): string[] {
  const lines = ['link set lo up'];
  for (const a of attachments) {
    lines.push(`addr add ${withPrefixLength(a.address)} dev ${HOST_INTERFACE[a.role]}`, `link set ${HOST_INTERFACE[a.role]} up`);
  }
  return lines;
}

/** Namespaces and veths for a batch of hosts in one `ip -batch` (cheap), then each namespace's own addresses. */
export async function createHostNetworks(ctx: NetworkContext, hosts: readonly PlannedHost[]): Promise<void> {
  const plans = hosts.map((h) => ({ netns: hostNetns(ctx.index, h.name), attachments: hostAttachments(ctx, h) }));
  for (const p of plans) journalNetns(ctx, p.netns, p.attachments);
  await ipBatch(plans.flatMap((p) => outerLines(ctx, p.netns, p.attachments)));
  await Promise.all(plans.map((p) => ipBatch(innerLines(p.attachments), p.netns)));
}

/** Another customer on the private network: only a namespace with an address, no processes. */
export async function createNeighbour(ctx: NetworkContext): Promise<void> {
  const netns = neighbourNetns(ctx.index);
  const attachment: Attachment = { netns, role: 'private', outer: `${bridgeName(ctx.index, 'private')}-n`, address: neighbourAddress(ctx.index) };
  journalNetns(ctx, netns, [attachment]);
  await ipBatch(outerLines(ctx, netns, [attachment]));
  await ipBatch(innerLines([attachment]), netns);
}
