// zerotier: the host is a member of a ZeroTier network (joined, authorized, with its assigned address), or not.
// Follows the real zerotier-cli and ZeroTier Central API, so it works against production ZeroTier:
//   probe   `zerotier-cli info` + `zerotier-cli -j listnetworks` (one exec)
//   join    `zerotier-cli join NWID` → `200 join OK`
//   authorize, from the controller: POST {api_url}/network/NWID/member/NODEID (zerotier-central.ts)
//   wait    `zerotier-cli -j listnetworks` until the network is OK with an assigned address
// Installing zerotier-one is the role's job (apt); this module fails clearly when zerotier-cli is missing.
import { Type, type Static } from '@sinclair/typebox';
import { parseIpAddress } from '../../net/cidr.js';
import { raw, sh, type Script } from '../../shell/script.js';
import { secret, type Secret } from '../../shell/secret.js';
import { defineAction, expecting, StringEnum, type ActionIO, type RegisteredResult } from '../define.js';
import { authorizeMember, CentralApiError } from './zerotier-central.js';

export const DEFAULT_API_URL = 'https://api.zerotier.com/api/v1';
/** The controller's environment variable read when api_token is not given. */
export const TOKEN_ENV = 'ZEROTIER_API_TOKEN';

const ZerotierArgs = Type.Object(
  {
    network_id: expecting(
      Type.String({ pattern: '^[0-9a-fA-F]{16}$', description: 'The network to join: 16 hex digits (ZeroTier Central shows it)' }),
      'a ZeroTier network id (16 hex digits)',
    ),
    state: StringEnum(['present', 'absent'], { default: 'present', description: 'present: joined, authorized, with an address; absent: left' }),
    api_token: Type.Optional(
      Type.String({ description: `ZeroTier Central API token (a secret); empty or absent: $${TOKEN_ENV} on the controller` }),
    ),
    api_url: expecting(Type.String({ default: DEFAULT_API_URL, pattern: '^https?://\\S+$', description: 'Central API base URL' }), 'an http(s) URL'),
    member_name: Type.Optional(Type.String({ minLength: 1, description: "The member's name in Central; default: the inventory host name" })),
    timeout: Type.Integer({ minimum: 1, default: 120, description: 'Seconds to wait for the network to be OK with an address' }),
    authorize: Type.Optional(Type.Boolean({ description: 'Authorize the node through the Central API; default: true when a token is given' })),
  },
  { additionalProperties: false },
);
export type ZerotierArgs = Static<typeof ZerotierArgs>;

// ---- zerotier-cli output (pure parsers, tested against real output) --------------------------------------------

export interface ZtInfo {
  nodeId: string;
  version: string;
  /** ONLINE, OFFLINE or TUNNELED. */
  status: string;
}

export interface ZtNetwork {
  id: string;
  name: string;
  /** REQUESTING_CONFIGURATION, OK, ACCESS_DENIED, NOT_FOUND, PORT_ERROR, CLIENT_TOO_OLD, AUTHENTICATION_REQUIRED */
  status: string;
  type: string;
  mtu?: number;
  /** CIDR strings, e.g. 10.147.17.5/24. */
  assignedAddresses: string[];
  portDeviceName: string;
  routes: { target: string; via: string | null }[];
  portError?: number;
}

/** `200 info <node id> <version> <ONLINE|OFFLINE|TUNNELED>` */
export function parseInfoText(text: string): ZtInfo | undefined {
  const m = /^200 info ([0-9a-f]{10}) (\S+) (\S+)\s*$/m.exec(text);
  return m ? { nodeId: m[1]!, version: m[2]!, status: m[3]! } : undefined;
}

/** `zerotier-cli -j info`: the service's /status object. */
export function parseInfoJson(text: string): ZtInfo | undefined {
  try {
    const j = JSON.parse(text) as { address?: unknown; version?: unknown; online?: unknown; tcpFallbackActive?: unknown };
    if (typeof j.address !== 'string' || !/^[0-9a-f]{10}$/.test(j.address)) return undefined;
    const status = j.tcpFallbackActive === true ? 'TUNNELED' : j.online === true ? 'ONLINE' : 'OFFLINE';
    return { nodeId: j.address, version: typeof j.version === 'string' ? j.version : '', status };
  } catch {
    return undefined;
  }
}

function strings(v: unknown): string[] {
  return Array.isArray(v) ? v.filter((x): x is string => typeof x === 'string') : [];
}

/** `zerotier-cli -j listnetworks`: an array of the service's network objects. Throws on anything else. */
export function parseNetworksJson(text: string): ZtNetwork[] {
  const parsed = JSON.parse(text) as unknown;
  if (!Array.isArray(parsed)) throw new Error('zerotier-cli -j listnetworks did not print a JSON array');
  return parsed
    .filter((n): n is Record<string, unknown> => typeof n === 'object' && n !== null)
    .map((n) => ({
      id: String(n.id ?? n.nwid ?? '').toLowerCase(),
      name: typeof n.name === 'string' ? n.name : '',
      status: typeof n.status === 'string' ? n.status : '',
      type: typeof n.type === 'string' ? n.type : '',
      ...(typeof n.mtu === 'number' ? { mtu: n.mtu } : {}),
      assignedAddresses: strings(n.assignedAddresses),
      portDeviceName: typeof n.portDeviceName === 'string' ? n.portDeviceName : '',
      routes: Array.isArray(n.routes)
        ? n.routes
            .filter((r): r is { target: unknown; via: unknown } => typeof r === 'object' && r !== null)
            .map((r) => ({ target: String(r.target ?? ''), via: typeof r.via === 'string' ? r.via : null }))
        : [],
      ...(typeof n.portError === 'number' ? { portError: n.portError } : {}),
    }));
}

/**
 * `zerotier-cli listnetworks` (text): a header, then
 * `200 listnetworks <nwid> <name> <mac> <status> <type> <dev> <ZT assigned ips>` per network. Names may be empty or
 * hold spaces, so the fields after the name are read from the right; `-` means none.
 */
export function parseNetworksText(text: string): ZtNetwork[] {
  const out: ZtNetwork[] = [];
  for (const line of text.split('\n')) {
    if (!line.startsWith('200 listnetworks ') || line.includes('<nwid>')) continue;
    const words = line.replace(/\r$/, '').split(' ');
    if (words.length < 9) continue;
    const [ips, dev, type, status] = [words.at(-1)!, words.at(-2)!, words.at(-3)!, words.at(-4)!];
    out.push({
      id: words[2]!.toLowerCase(),
      name: words.slice(3, -5).join(' '),
      status,
      type,
      assignedAddresses: ips === '-' ? [] : ips.split(','),
      portDeviceName: dev === '-' ? '' : dev,
      routes: [],
    });
  }
  return out;
}

/** The first IPv4 address of a list of CIDRs, without its prefix length. */
export function firstIpv4(addresses: readonly string[]): string {
  for (const a of addresses) {
    const ip = a.split('/')[0] ?? '';
    if (parseIpAddress(ip)?.version === 4) return ip;
  }
  return '';
}

// ---- the probe ----------------------------------------------------------------------------------------------------

const MARK = '@@tsinfra-zerotier';

/** zerotier-cli from PATH, else where the package puts it (PATH may lack /usr/sbin for non-root shells). */
const FIND_CLI = raw(`zt=$(command -v zerotier-cli 2>/dev/null) || zt=/usr/sbin/zerotier-cli
if [ ! -x "$zt" ]; then echo '${MARK} missing'; exit 0; fi`);

/** Both readings in one exec, each after a marker line with its exit code. Read-only. */
export function probeScript(): Script {
  return raw(`${FIND_CLI.text}
zt_out=$("$zt" info 2>&1); zt_rc=$?
printf '%s info %s\\n%s\\n' '${MARK}' "$zt_rc" "$zt_out"
zt_out=$("$zt" -j listnetworks 2>&1); zt_rc=$?
printf '%s listnetworks %s\\n%s\\n' '${MARK}' "$zt_rc" "$zt_out"`);
}

function listScript(): Script {
  return raw(`${FIND_CLI.text}
zt_out=$("$zt" -j listnetworks 2>&1); zt_rc=$?
printf '%s listnetworks %s\\n%s\\n' '${MARK}' "$zt_rc" "$zt_out"`);
}

function cliScript(verb: 'join' | 'leave', networkId: string): Script {
  return sh`${FIND_CLI}
${raw('"$zt"')} ${verb} ${networkId}`;
}

interface Section {
  rc: number;
  text: string;
}

/** The marker-separated sections of a probe: name → exit code and output. */
export function splitSections(stdout: string): Map<string, Section> {
  const out = new Map<string, Section>();
  let current: { name: string; rc: number; lines: string[] } | undefined;
  const flush = () => {
    if (current) out.set(current.name, { rc: current.rc, text: current.lines.join('\n').trim() });
  };
  for (const line of stdout.split('\n')) {
    const m = new RegExp(`^${MARK} (\\w+)(?: (\\d+))?$`).exec(line);
    if (m) {
      flush();
      current = { name: m[1]!, rc: Number(m[2] ?? 0), lines: [] };
    } else current?.lines.push(line);
  }
  flush();
  return out;
}

export type HostState =
  | { kind: 'missing' }
  | { kind: 'down'; message: string }
  | { kind: 'up'; info: ZtInfo; networks: ZtNetwork[] };

/** What the probe says: no CLI, a CLI whose service does not answer, or the node and its networks. */
export function parseProbe(stdout: string): HostState {
  const sections = splitSections(stdout);
  if (sections.has('missing')) return { kind: 'missing' };
  const info = sections.get('info');
  const list = sections.get('listnetworks');
  if (!info || !list) return { kind: 'down', message: `unexpected output from the probe: ${stdout.trim().slice(0, 200)}` };
  const parsedInfo = info.rc === 0 ? parseInfoText(info.text) ?? parseInfoJson(info.text) : undefined;
  if (!parsedInfo) return { kind: 'down', message: oneLine(info.text) || `zerotier-cli info exited ${info.rc}` };
  if (list.rc !== 0) return { kind: 'down', message: oneLine(list.text) || `zerotier-cli listnetworks exited ${list.rc}` };
  try {
    return { kind: 'up', info: parsedInfo, networks: parseNetworksJson(list.text) };
  } catch (err) {
    return { kind: 'down', message: `cannot read zerotier-cli -j listnetworks: ${(err as Error).message}` };
  }
}

function oneLine(text: string): string {
  return text.replace(/\s+/g, ' ').trim().slice(0, 300);
}

// ---- the action ---------------------------------------------------------------------------------------------------

function isReady(n: ZtNetwork | undefined): boolean {
  return n !== undefined && n.status === 'OK' && n.assignedAddresses.length > 0;
}

function memberMessage(networkId: string, n: ZtNetwork): string {
  return `member of network ${networkId} as ${firstIpv4(n.assignedAddresses) || n.assignedAddresses[0]} on ${n.portDeviceName}`;
}

function facts(nodeId: string, n: ZtNetwork | undefined): Record<string, unknown> {
  const addresses = n?.assignedAddresses ?? [];
  return { zerotier_node_id: nodeId, zerotier_interface: n?.portDeviceName ?? '', zerotier_addresses: addresses, zerotier_ip: firstIpv4(addresses) };
}

function result(r: { changed: boolean; failed?: boolean; msg: string; changes: string[]; nodeId?: string; network?: ZtNetwork; networkId: string }): RegisteredResult {
  const out: RegisteredResult = { changed: r.changed, failed: r.failed ?? false, msg: r.msg, changes: r.changes, network_id: r.networkId };
  if (r.network) out.status = r.network.status;
  if (r.nodeId) {
    const f = facts(r.nodeId, r.network);
    Object.assign(out, f);
    if (!r.failed) out.ansible_facts = f;
  }
  return out;
}

/** Why a network status will not turn OK by waiting, or undefined when waiting may help. */
function hopelessStatus(n: ZtNetwork, nodeId: string, networkId: string, isAuthorizing: boolean): string | undefined {
  switch (n.status) {
    case 'NOT_FOUND':
      return `network ${networkId} does not exist (NOT_FOUND): check network_id`;
    case 'ACCESS_DENIED':
      return isAuthorizing ? undefined : accessDenied(nodeId, networkId);
    case 'PORT_ERROR':
      return `zerotier-one could not create the network device for ${networkId} (PORT_ERROR${n.portError ? ` ${n.portError}` : ''}): is /dev/net/tun available?`;
    case 'CLIENT_TOO_OLD':
      return `network ${networkId} needs a newer zerotier-one (CLIENT_TOO_OLD)`;
    case 'AUTHENTICATION_REQUIRED':
      return `network ${networkId} requires SSO authentication (AUTHENTICATION_REQUIRED): not supported by this module`;
    default:
      return undefined;
  }
}

function accessDenied(nodeId: string, networkId: string): string {
  return `node ${nodeId} is not authorized on network ${networkId}: authorize it in ZeroTier Central or give api_token`;
}

async function readNetworks(io: ActionIO): Promise<ZtNetwork[] | string> {
  const r = await io.exec(listScript());
  const section = splitSections(r.stdout).get('listnetworks');
  if (!section) return `zerotier-cli: ${oneLine(r.stdout + r.stderr) || `exit ${r.code}`}`;
  if (section.rc !== 0) return oneLine(section.text) || `zerotier-cli -j listnetworks exited ${section.rc}`;
  try {
    return parseNetworksJson(section.text);
  } catch (err) {
    return `cannot read zerotier-cli -j listnetworks: ${(err as Error).message}`;
  }
}

interface Plan {
  args: ZerotierArgs;
  networkId: string;
  token: Secret | undefined;
  isAuthorizing: boolean;
  memberName: string;
}

async function leave(io: ActionIO, p: Plan, state: Extract<HostState, { kind: 'up' }>, isCheck: boolean): Promise<RegisteredResult> {
  const current = state.networks.find((n) => n.id === p.networkId);
  const nodeId = state.info.nodeId;
  if (!current) return result({ changed: false, msg: `not a member of network ${p.networkId}`, changes: [], nodeId, networkId: p.networkId });
  const changes = [`leave network ${p.networkId}`];
  if (isCheck) return result({ changed: true, msg: `would leave network ${p.networkId}`, changes, nodeId, network: current, networkId: p.networkId });
  const r = await io.exec(cliScript('leave', p.networkId));
  if (r.code !== 0 || !/^200 leave OK/m.test(r.stdout)) {
    return result({ changed: false, failed: true, msg: `zerotier-cli leave ${p.networkId} failed: ${oneLine(r.stdout + r.stderr) || `exit ${r.code}`}`, changes, nodeId, networkId: p.networkId });
  }
  return result({ changed: true, msg: `left network ${p.networkId}`, changes, nodeId, networkId: p.networkId });
}

async function waitUntilReady(io: ActionIO, p: Plan, nodeId: string, changes: string[]): Promise<RegisteredResult> {
  const deadline = io.now() + p.args.timeout * 1000;
  let last: ZtNetwork | undefined;
  let lastProblem = '';
  let delay = 250;
  for (;;) {
    const networks = await readNetworks(io);
    if (typeof networks === 'string') lastProblem = networks;
    else {
      last = networks.find((n) => n.id === p.networkId);
      lastProblem = '';
      if (last && isReady(last)) {
        return result({ changed: changes.length > 0, msg: memberMessage(p.networkId, last), changes, nodeId, network: last, networkId: p.networkId });
      }
      const hopeless = last && hopelessStatus(last, nodeId, p.networkId, p.isAuthorizing);
      if (hopeless) return result({ changed: changes.length > 0, failed: true, msg: hopeless, changes, nodeId, network: last, networkId: p.networkId });
    }
    if (io.now() >= deadline) break;
    await io.sleep(Math.min(delay, Math.max(0, deadline - io.now())));
    delay = Math.min(delay * 2, 2000);
  }
  const seen = lastProblem
    ? `last reading failed: ${lastProblem}`
    : last
      ? `last status ${last.status}${last.status === 'OK' ? ' without an assigned address' : ''}`
      : 'the network is not in zerotier-cli listnetworks';
  const msg =
    last?.status === 'ACCESS_DENIED'
      ? `${accessDenied(nodeId, p.networkId)} (still ACCESS_DENIED after ${p.args.timeout} s)`
      : `network ${p.networkId} is not ready after ${p.args.timeout} s: ${seen}`;
  return result({ changed: changes.length > 0, failed: true, msg, changes, nodeId, network: last, networkId: p.networkId });
}

async function join(io: ActionIO, p: Plan, state: Extract<HostState, { kind: 'up' }>, isCheck: boolean): Promise<RegisteredResult> {
  const nodeId = state.info.nodeId;
  const current = state.networks.find((n) => n.id === p.networkId);
  if (current && isReady(current)) {
    return result({ changed: false, msg: memberMessage(p.networkId, current), changes: [], nodeId, network: current, networkId: p.networkId });
  }
  const planned: string[] = [];
  if (!current) planned.push(`join network ${p.networkId}`);
  if (p.isAuthorizing) planned.push(`authorize node ${nodeId} in ZeroTier Central as ${p.memberName}`);
  if (isCheck) {
    const hopeless = current && hopelessStatus(current, nodeId, p.networkId, p.isAuthorizing);
    if (hopeless) return result({ changed: false, failed: true, msg: hopeless, changes: planned, nodeId, network: current, networkId: p.networkId });
    const what = planned.length > 0 ? planned.join(', then ') : `wait for network ${p.networkId} (status ${current?.status})`;
    return result({ changed: true, msg: `would ${what}`, changes: planned, nodeId, network: current, networkId: p.networkId });
  }
  const done: string[] = [];
  if (!current) {
    const r = await io.exec(cliScript('join', p.networkId));
    if (r.code !== 0 || !/^200 join OK/m.test(r.stdout)) {
      return result({ changed: false, failed: true, msg: `zerotier-cli join ${p.networkId} failed: ${oneLine(r.stdout + r.stderr) || `exit ${r.code}`}`, changes: planned, nodeId, networkId: p.networkId });
    }
    done.push(`join network ${p.networkId}`);
  }
  if (p.isAuthorizing && p.token) {
    try {
      await authorizeMember({ apiUrl: p.args.api_url, token: p.token, networkId: p.networkId, nodeId, name: p.memberName, sleep: (ms) => io.sleep(ms) });
    } catch (err) {
      const msg = err instanceof CentralApiError ? err.message : `ZeroTier Central: ${(err as Error).message}`;
      return result({ changed: done.length > 0, failed: true, msg, changes: done, nodeId, networkId: p.networkId });
    }
    done.push(`authorize node ${nodeId} in ZeroTier Central as ${p.memberName}`);
  }
  return waitUntilReady(io, p, nodeId, done);
}

function planFrom(args: ZerotierArgs, io: ActionIO): Plan | string {
  const given = args.api_token || process.env[TOKEN_ENV]; // an empty token (a role's default) falls back too
  const token = given !== undefined && given !== '' ? secret(given) : undefined;
  const isAuthorizing = args.authorize ?? token !== undefined;
  if (isAuthorizing && !token) return `authorize needs a ZeroTier Central API token: give api_token, or set ${TOKEN_ENV} on the controller`;
  const memberName = args.member_name ?? String(io.vars.inventory_hostname ?? '');
  return { args, networkId: args.network_id.toLowerCase(), token, isAuthorizing, memberName };
}

export const zerotier = defineAction({
  name: 'zerotier',
  summary: 'Membership of a ZeroTier network: joined, authorized through the Central API, with its address (or left)',
  args: ZerotierArgs,
  // Runs in check mode and reports what it would do: it reads the node's state but neither joins nor authorizes.
  checkMode: 'run',
  controllerOnly: false,
  probe: () => probeScript(),
  async run(args, io): Promise<RegisteredResult> {
    const networkId = args.network_id.toLowerCase();
    const { isCheck } = io;
    const plan = planFrom(args, io);
    if (typeof plan === 'string') return result({ changed: false, failed: true, msg: plan, changes: [], networkId });
    const probed = await io.exec(probeScript());
    const state = parseProbe(probed.stdout);
    if (state.kind === 'missing') {
      if (args.state === 'absent') return result({ changed: false, msg: 'zerotier-cli is not installed: not a member of any network', changes: [], networkId });
      if (isCheck) return result({ changed: true, msg: `would join network ${networkId} (zerotier-cli is not installed yet)`, changes: [`join network ${networkId}`], networkId });
      return result({ changed: false, failed: true, msg: 'zerotier-cli not found on the host: install zerotier-one first (the zerotier role does it with apt)', changes: [], networkId });
    }
    if (state.kind === 'down') {
      if (isCheck) return result({ changed: true, msg: `would join network ${networkId} (the zerotier-one service does not answer yet: ${state.message})`, changes: [`join network ${networkId}`], networkId });
      return result({ changed: false, failed: true, msg: `zerotier-one does not answer: ${state.message} (start it: service zerotier-one start)`, changes: [], networkId });
    }
    return args.state === 'absent' ? leave(io, plan, state, isCheck) : join(io, plan, state, isCheck);
  },
});
