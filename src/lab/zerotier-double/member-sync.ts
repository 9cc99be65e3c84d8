// The "network controller" half of the lab's ZeroTier TEST DOUBLE: it looks at every lab host's joined networks
// (networks.d/<nwid>.conf, written by the double's `zerotier-cli join`) and answers them the way ZeroTier's
// controller would: NOT_FOUND for another network, ACCESS_DENIED until the member is authorized, then OK with the
// assigned address. OK means a real interface: a veth pair whose host end (`zt` + 8 chars) sits in the host's
// network namespace with the address, and whose outer end is on the lab's vpn bridge, so traffic really flows.
// Host files are read and written through /proc/<init pid>/root (the host's own root filesystem).
import { existsSync, readFileSync, readdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { addressAtOffset, cidrSize, parseCidr } from '../../net/cidr.js';
import { vethName } from '../addressing.js';
import { readLabInfo, readObjects, recordObject, writeLabInfo } from '../lab-state.js';
import { isSameProcessAlive, type ProcessRef } from '../process-identity.js';
import type { LabHost } from '../lab-types.js';
import { runTool } from '../run-tool.js';
import type { CentralConfig, CentralMember, CentralState } from './central-state.js';

/** ZeroTier's default MTU; the veth pair and the bridge carry it too. */
export const ZT_MTU = 2800;
const HOME = 'var/lib/zerotier-one';
const CONF_FILE = /^[0-9a-f]{16}\.conf$/;
const DEVICE = /^zt[0-9a-z]{8}$/;
const MAC = /^[0-9a-f]{2}(:[0-9a-f]{2}){5}$/;
/** Pool offsets inside the vpn CIDR, as the lab's other networks use for hosts (addressing.ts). */
export const FIRST_OFFSET = 11;

export type NetworkStatus = 'REQUESTING_CONFIGURATION' | 'OK' | 'ACCESS_DENIED' | 'NOT_FOUND';

/** One joined network's state file, as the double's zerotier-cli reads and writes it. */
export interface NetworkConf {
  nwid: string;
  status: string;
  name: string;
  type: string;
  mac: string;
  mtu: number;
  device: string;
  addresses: string[];
  routes: string[];
  revision: number;
}

export function parseNetworkConf(text: string): NetworkConf {
  const kv = new Map<string, string>();
  for (const line of text.split('\n')) {
    const eq = line.indexOf('=');
    if (eq > 0 && !line.startsWith('#')) kv.set(line.slice(0, eq), line.slice(eq + 1));
  }
  const list = (k: string) => (kv.get(k) ?? '').split(',').filter(Boolean);
  return {
    nwid: kv.get('nwid') ?? '',
    status: kv.get('status') ?? 'REQUESTING_CONFIGURATION',
    name: kv.get('name') ?? '',
    type: kv.get('type') ?? 'PRIVATE',
    mac: kv.get('mac') ?? '',
    mtu: Number(kv.get('mtu') ?? ZT_MTU) || ZT_MTU,
    device: kv.get('device') ?? '',
    addresses: list('addresses'),
    routes: list('routes'),
    revision: Number(kv.get('revision') ?? 0) || 0,
  };
}

export function renderNetworkConf(c: NetworkConf): string {
  return [
    '# tsinfra lab ZeroTier test double: this network state is written by zerotier-cli join and by the',
    "# lab's Central stand-in (the real zerotier-one keeps its network config in this file too).",
    `nwid=${c.nwid}`,
    `status=${c.status}`,
    `name=${c.name}`,
    `type=${c.type}`,
    `mac=${c.mac}`,
    `mtu=${c.mtu}`,
    `device=${c.device}`,
    `addresses=${c.addresses.join(',')}`,
    `routes=${c.routes.join(',')}`,
    `revision=${c.revision}`,
    '',
  ].join('\n');
}

/** The next address of the pool that no member holds (ZeroTier Central's auto-assign from a pool). */
export function nextFreeAddress(cidr: string, members: readonly CentralMember[]): string {
  const net = parseCidr(cidr);
  const taken = new Set(members.flatMap((m) => m.ipAssignments));
  for (let n = FIRST_OFFSET; n < cidrSize(net) - 1; n++) {
    const candidate = addressAtOffset(net, n);
    if (!taken.has(candidate)) return candidate;
  }
  throw new Error(`no free address left in ${cidr}`);
}

/** A host as the controller sees it: its number (1-based, names the outer veth) and its root through /proc. */
interface HostView {
  host: LabHost;
  number: number;
  root: string;
}

export interface SyncContext {
  config: CentralConfig;
  /** Current members; the sync may add address assignments (then calls save). */
  state: CentralState;
  save(): void;
  log(message: string): void;
}

/** Node id → host, from each host's identity.public (refreshed at every sync: a purge makes a new identity). */
export interface SyncResult {
  nodes: Map<string, { host: string; identity: string; address?: string }>;
}

function readHostFile(view: HostView, rel: string): string | undefined {
  try {
    return readFileSync(join(view.root, rel), 'utf8');
  } catch {
    return undefined;
  }
}

function writeHostConf(view: HostView, nwid: string, conf: NetworkConf): void {
  const path = join(view.root, HOME, 'networks.d', `${nwid}.conf`);
  if (!existsSync(path)) return; // the host left the network meanwhile
  const tmp = `${path}.tsinfra-${process.pid}`;
  writeFileSync(tmp, renderNetworkConf(conf), { mode: 0o644 });
  renameSync(tmp, path);
}

const journaled = new Set<string>();

async function createInterface(ctx: SyncContext, view: HostView, conf: NetworkConf, address: string): Promise<void> {
  const { config } = ctx;
  const outer = vethName(config.labIndex, view.number, 'vpn');
  const prefix = parseCidr(config.vpnCidr).prefix;
  if (!existsSync(`/sys/class/net/${outer}`)) {
    // Journaled before it exists, like every lab object: `lab down` removes it even after a crash.
    if (!journaled.has(outer)) {
      recordObject(config.stateDir, { type: 'link', name: outer });
      journaled.add(outer);
    }
    await runTool('ip', ['-batch', '-'], {
      input: `link add ${outer} mtu ${ZT_MTU} type veth peer name ${conf.device} mtu ${ZT_MTU} netns ${view.host.netns}\nlink set ${outer} master ${config.vpnBridge} up\n`,
    });
  }
  await runTool('ip', ['-n', view.host.netns, '-batch', '-'], {
    input: `link set ${conf.device} address ${conf.mac} mtu ${ZT_MTU}\naddr replace ${address}/${prefix} dev ${conf.device}\nlink set ${conf.device} up\n`,
  });
}

async function removeInterface(ctx: SyncContext, view: HostView): Promise<void> {
  const outer = vethName(ctx.config.labIndex, view.number, 'vpn');
  if (existsSync(`/sys/class/net/${outer}`)) await runTool('ip', ['link', 'del', outer], { allowFailure: true });
}

function memberFor(ctx: SyncContext, nodeId: string): CentralMember | undefined {
  return ctx.state.members[nodeId];
}

/** Decides and applies one joined network's state on one host. Returns the host's VPN address when OK. */
async function syncNetwork(ctx: SyncContext, view: HostView, nodeId: string, conf: NetworkConf): Promise<string | undefined> {
  const { config } = ctx;
  if (!DEVICE.test(conf.device) || !MAC.test(conf.mac)) {
    ctx.log(`${view.host.name}: ignoring ${conf.nwid}.conf with a malformed device or mac`);
    return undefined;
  }
  if (conf.nwid !== config.networkId) {
    if (conf.status !== 'NOT_FOUND') writeHostConf(view, conf.nwid, { ...conf, status: 'NOT_FOUND', addresses: [], routes: [] });
    return undefined;
  }
  const member = memberFor(ctx, nodeId);
  if (!member?.authorized) {
    if (conf.status !== 'ACCESS_DENIED') {
      if (conf.status === 'OK') await removeInterface(ctx, view);
      writeHostConf(view, conf.nwid, { ...conf, status: 'ACCESS_DENIED', addresses: [], routes: [] });
      ctx.log(`${view.host.name}: node ${nodeId} is not authorized on ${conf.nwid}: ACCESS_DENIED`);
    }
    return undefined;
  }
  if (member.ipAssignments.length === 0) {
    member.ipAssignments = [nextFreeAddress(config.vpnCidr, Object.values(ctx.state.members))];
    member.revision++;
    ctx.save();
  }
  const address = member.ipAssignments[0]!;
  const prefix = parseCidr(config.vpnCidr).prefix;
  const wanted = [`${address}/${prefix}`];
  const outer = vethName(config.labIndex, view.number, 'vpn');
  const isConfigured = conf.status === 'OK' && conf.addresses.join(',') === wanted.join(',') && existsSync(`/sys/class/net/${outer}`);
  if (!isConfigured) {
    await createInterface(ctx, view, conf, address);
    writeHostConf(view, conf.nwid, { ...conf, status: 'OK', name: config.networkName, addresses: wanted, routes: [config.vpnCidr], revision: conf.revision + 1 });
    ctx.log(`${view.host.name}: node ${nodeId} authorized on ${conf.nwid}: ${conf.device} ${wanted[0]}`);
  }
  return address;
}

/** The lab's hosts whose PID 1 is still the process the lab started (PID and start time, from the journal). */
function hostViews(config: CentralConfig): HostView[] {
  const info = readLabInfo(config.labName);
  if (!info) return [];
  const inits = new Map<number, ProcessRef>();
  for (const o of readObjects(config.stateDir)) if (o.type === 'process' && o.role === 'init') inits.set(o.pid, o);
  // Host numbers follow the lab's host order (topology.ts), as the other veths' names do.
  return info.hosts
    .map((host, i) => ({ host, number: i + 1, root: `/proc/${host.initPid}/root`, init: inits.get(host.initPid) }))
    .filter((v) => v.init !== undefined && isSameProcessAlive(v.init))
    .map(({ host, number, root }) => ({ host, number, root }));
}

function recordVpnAddresses(config: CentralConfig, addresses: Map<string, string | undefined>): void {
  const info = readLabInfo(config.labName);
  if (!info) return;
  let changed = false;
  for (const host of info.hosts) {
    if (!addresses.has(host.name)) continue;
    const address = addresses.get(host.name);
    if (host.vpnAddress === address) continue;
    if (address) host.vpnAddress = address;
    else delete host.vpnAddress;
    changed = true;
  }
  if (changed) writeLabInfo(info);
}

/** The double's zerotier-one runs: its pid file names a live process of the host (seen in the host's own /proc). */
function isServiceRunning(view: HostView): boolean {
  const pid = readHostFile(view, `${HOME}/zerotier-one.pid`)?.trim();
  return pid !== undefined && /^\d+$/.test(pid) && existsSync(join(view.root, 'proc', pid));
}

/** The host's answers to its joined networks; its VPN address when it is an authorized member. */
async function syncHost(ctx: SyncContext, view: HostView, nodeId: string): Promise<string | undefined> {
  let files: string[] = [];
  try {
    files = readdirSync(join(view.root, HOME, 'networks.d')).filter((f) => CONF_FILE.test(f));
  } catch {
    files = [];
  }
  let vpnAddress: string | undefined;
  for (const file of files) {
    const text = readHostFile(view, `${HOME}/networks.d/${file}`);
    if (text === undefined) continue;
    try {
      vpnAddress = (await syncNetwork(ctx, view, nodeId, parseNetworkConf(text))) ?? vpnAddress;
    } catch (err) {
      ctx.log(`${view.host.name}: ${(err as Error).message}`);
    }
  }
  return vpnAddress;
}

/**
 * One pass over every host. Errors on one host are logged and retried at the next pass. Like zerotier-one's tap
 * device, a host's `zt…` interface exists only while the service runs and the host is an authorized member: a
 * stopped service, a purged package or a left network take it away (and a restart brings it back).
 */
export async function syncMembers(ctx: SyncContext): Promise<SyncResult> {
  const nodes: SyncResult['nodes'] = new Map();
  const vpnAddresses = new Map<string, string | undefined>();
  for (const view of hostViews(ctx.config)) {
    const identity = readHostFile(view, `${HOME}/identity.public`)?.trim() ?? '';
    const nodeId = identity.split(':')[0] ?? '';
    let vpnAddress: string | undefined;
    if (/^[0-9a-f]{10}$/.test(nodeId)) {
      nodes.set(nodeId, { host: view.host.name, identity, address: view.host.publicAddress ?? view.host.privateAddress });
      if (isServiceRunning(view)) vpnAddress = await syncHost(ctx, view, nodeId);
    }
    try {
      if (!vpnAddress) await removeInterface(ctx, view);
    } catch (err) {
      ctx.log(`${view.host.name}: ${(err as Error).message}`);
    }
    vpnAddresses.set(view.host.name, vpnAddress);
  }
  recordVpnAddresses(ctx.config, vpnAddresses);
  return { nodes };
}
