// The lab's ZeroTier TEST DOUBLE on the controller: one small HTTP server on the controller's public address that
// plays both of ZeroTier's sites for the lab hosts and the controller:
//   - download.zerotier.com: the double's signed apt repository (debian/<codename>/...) and its key;
//   - api.zerotier.com (Central API v1): GET/POST /api/v1/network/{nwid}/member/{nodeId} with
//     `Authorization: token <token>` and a JSON body like {"config":{"authorized":true},"name":"web1"};
//     GET /api/v1/network/{nwid} and /api/v1/network/{nwid}/member. 401 on a wrong token, 404 for an unknown
//     network or member, 400 for a bad body.
// Every half second (and right after each authorization) it answers the hosts' joins (member-sync.ts).
// Started by `lab up` as a detached process, recorded in the lab's journal, killed by `lab down`.
import { createReadStream, statSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { timingSafeEqual } from 'node:crypto';
import { join, normalize, sep } from 'node:path';
import { readCentralConfig, readCentralState, readyPath, writeCentralState, type CentralConfig, type CentralMember, type CentralState } from './central-state.js';
import { addressAtOffset, cidrSize, isHostAddressInCidr, parseCidr } from '../../net/cidr.js';
import { FIRST_OFFSET, nextFreeAddress, syncMembers, type SyncResult } from './member-sync.js';
import { ZT_DOUBLE_VERSION } from './package-files.js';

const SYNC_INTERVAL_MS = 500;
const MAX_BODY = 64 * 1024;
const NWID = /^[0-9a-f]{16}$/;
const NODE_ID = /^[0-9a-f]{10}$/;

interface Server {
  config: CentralConfig;
  state: CentralState;
  nodes: SyncResult['nodes'];
  syncing: Promise<void> | undefined;
  resync: boolean;
}

function log(message: string): void {
  process.stdout.write(`${new Date().toISOString()} ${message}\n`);
}

function send(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function isAuthorized(req: IncomingMessage, token: string): boolean {
  const m = /^(?:token|bearer)\s+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!m?.[1]) return false;
  const given = Buffer.from(m[1]);
  const wanted = Buffer.from(token);
  return given.length === wanted.length && timingSafeEqual(given, wanted);
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) reject(new Error('body too large'));
      else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function memberJson(s: Server, m: CentralMember): Record<string, unknown> {
  const node = s.nodes.get(m.nodeId);
  const now = Date.now();
  const [major, minor, rev] = ZT_DOUBLE_VERSION.split('.').map(Number);
  return {
    id: `${s.config.networkId}-${m.nodeId}`,
    type: 'Member',
    clock: now,
    networkId: s.config.networkId,
    nodeId: m.nodeId,
    controllerId: s.config.networkId.slice(0, 10),
    hidden: m.hidden,
    name: m.name,
    description: m.description,
    config: {
      activeBridge: false,
      authorized: m.authorized,
      capabilities: [],
      creationTime: m.creationTime,
      id: m.nodeId,
      identity: node?.identity ?? '',
      ipAssignments: m.ipAssignments,
      lastAuthorizedTime: m.lastAuthorizedTime,
      lastDeauthorizedTime: m.lastDeauthorizedTime,
      noAutoAssignIps: false,
      revision: m.revision,
      tags: [],
      vMajor: node ? major : -1,
      vMinor: node ? minor : -1,
      vRev: node ? rev : -1,
      vProto: node ? 12 : -1,
    },
    lastOnline: node ? now : 0,
    lastSeen: node ? now : 0,
    physicalAddress: node?.address ?? null,
    clientVersion: node ? ZT_DOUBLE_VERSION : '',
    protocolVersion: node ? 12 : -1,
    supportsRulesEngine: node !== undefined,
  };
}

function networkJson(s: Server): Record<string, unknown> {
  const vpn = parseCidr(s.config.vpnCidr);
  const members = Object.values(s.state.members);
  return {
    id: s.config.networkId,
    type: 'Network',
    clock: Date.now(),
    config: {
      id: s.config.networkId,
      name: s.config.networkName,
      private: true,
      ipAssignmentPools: [{ ipRangeStart: addressAtOffset(vpn, FIRST_OFFSET), ipRangeEnd: addressAtOffset(vpn, cidrSize(vpn) - 2) }],
      routes: [{ target: s.config.vpnCidr, via: null }],
      v4AssignMode: { zt: true },
      mtu: 2800,
    },
    description: 'tsinfra lab network (ZeroTier Central test double)',
    ownerId: 'tsinfra-lab',
    onlineMemberCount: members.filter((m) => s.nodes.has(m.nodeId)).length,
    authorizedMemberCount: members.filter((m) => m.authorized).length,
    totalMemberCount: members.length,
  };
}

/** Applies a member update body; returns an error message for a bad one. */
function updateMember(s: Server, nodeId: string, body: unknown): string | undefined {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return 'the body must be a JSON object';
  const b = body as { name?: unknown; description?: unknown; hidden?: unknown; config?: unknown };
  const cfg = (b.config ?? {}) as { authorized?: unknown; ipAssignments?: unknown };
  if (typeof cfg !== 'object' || cfg === null) return 'config must be an object';
  if (b.name !== undefined && typeof b.name !== 'string') return 'name must be a string';
  if (cfg.authorized !== undefined && typeof cfg.authorized !== 'boolean') return 'config.authorized must be a boolean';
  const ips = cfg.ipAssignments;
  if (ips !== undefined && (!Array.isArray(ips) || !ips.every((a) => typeof a === 'string' && isHostAddressInCidr(a, s.config.vpnCidr)))) {
    return `config.ipAssignments must be addresses in ${s.config.vpnCidr}`;
  }
  const now = Date.now();
  const m: CentralMember = s.state.members[nodeId] ?? {
    nodeId, name: '', description: '', hidden: false, authorized: false, ipAssignments: [],
    creationTime: now, lastAuthorizedTime: 0, lastDeauthorizedTime: 0, revision: 0,
  };
  // Names end up in the hosts' state files: keep them to characters that need no escaping anywhere.
  if (typeof b.name === 'string') m.name = b.name.replace(/[^A-Za-z0-9._ -]/g, '_').slice(0, 128);
  if (typeof b.description === 'string') m.description = b.description.slice(0, 512);
  if (typeof b.hidden === 'boolean') m.hidden = b.hidden;
  if (Array.isArray(ips)) m.ipAssignments = ips as string[];
  if (cfg.authorized === true && !m.authorized) {
    m.authorized = true;
    m.lastAuthorizedTime = now;
    if (m.ipAssignments.length === 0) m.ipAssignments = [nextFreeAddress(s.config.vpnCidr, Object.values(s.state.members))];
  } else if (cfg.authorized === false && m.authorized) {
    m.authorized = false;
    m.lastDeauthorizedTime = now;
  }
  m.revision++;
  s.state.members[nodeId] = m;
  writeCentralState(s.config.stateDir, s.state);
  return undefined;
}

async function handleApi(s: Server, req: IncomingMessage, res: ServerResponse, path: string): Promise<void> {
  if (!isAuthorized(req, s.config.token)) return send(res, 401, { message: 'Unauthorized' });
  const m = /^\/api\/v1\/network\/([^/]+)(?:\/member(?:\/([^/]+))?)?\/?$/.exec(path);
  const isMemberList = /\/member\/?$/.test(path);
  if (!m?.[1]) return send(res, 404, { message: 'Not Found' });
  const nwid = m[1].toLowerCase();
  if (!NWID.test(nwid) || nwid !== s.config.networkId) return send(res, 404, { message: `network ${m[1]} not found` });
  const nodeId = m[2]?.toLowerCase();
  if (nodeId === undefined) {
    if (req.method !== 'GET') return send(res, 405, { message: 'Method Not Allowed' });
    if (isMemberList) return send(res, 200, Object.values(s.state.members).map((mm) => memberJson(s, mm)));
    return send(res, 200, networkJson(s));
  }
  if (!NODE_ID.test(nodeId)) return send(res, 404, { message: `member ${m[2]} not found` });
  if (req.method === 'GET') {
    const member = s.state.members[nodeId];
    return member ? send(res, 200, memberJson(s, member)) : send(res, 404, { message: `member ${nodeId} not found` });
  }
  if (req.method !== 'POST' && req.method !== 'PUT') return send(res, 405, { message: 'Method Not Allowed' });
  let body: unknown;
  try {
    const text = await readBody(req);
    body = text.trim() === '' ? {} : JSON.parse(text);
  } catch (err) {
    return send(res, 400, { message: `bad request body: ${(err as Error).message}` });
  }
  const problem = updateMember(s, nodeId, body);
  if (problem) return send(res, 400, { message: problem });
  send(res, 200, memberJson(s, s.state.members[nodeId]!));
  void sync(s); // push the new config to the host now rather than at the next tick
}

function handleStatic(s: Server, req: IncomingMessage, res: ServerResponse, path: string): void {
  const full = normalize(join(s.config.siteDir, path));
  let size = -1;
  try {
    if (full.startsWith(s.config.siteDir + sep)) {
      const st = statSync(full);
      if (st.isFile()) size = st.size;
    }
  } catch {
    size = -1;
  }
  if (size < 0) return send(res, 404, { message: 'Not Found' });
  res.writeHead(200, { 'content-type': full.endsWith('.gpg') || full.includes('/dists/') ? 'text/plain' : 'application/octet-stream', 'content-length': size });
  if (req.method === 'HEAD') return void res.end();
  createReadStream(full).pipe(res);
}

async function handle(s: Server, req: IncomingMessage, res: ServerResponse): Promise<void> {
  let path: string;
  try {
    path = decodeURIComponent(new URL(req.url ?? '/', 'http://double.invalid').pathname);
  } catch {
    return send(res, 400, { message: 'Bad Request' });
  }
  res.on('finish', () => log(`${req.method} ${path} ${res.statusCode}`));
  if (path.startsWith('/api/')) return handleApi(s, req, res, path);
  if (req.method === 'GET' || req.method === 'HEAD') return handleStatic(s, req, res, path);
  send(res, 405, { message: 'Method Not Allowed' });
}

/** One sync at a time; a request during a sync makes one more pass afterwards. */
function sync(s: Server): Promise<void> {
  if (s.syncing) {
    s.resync = true;
    return s.syncing;
  }
  s.syncing = (async () => {
    do {
      s.resync = false;
      const result = await syncMembers({ config: s.config, state: s.state, save: () => writeCentralState(s.config.stateDir, s.state), log });
      s.nodes = result.nodes;
    } while (s.resync);
  })()
    .catch((err: unknown) => log(`sync failed: ${(err as Error).message}`))
    .finally(() => {
      s.syncing = undefined;
    });
  return s.syncing;
}

/** Runs until killed. */
export async function runCentralServer(stateDir: string): Promise<void> {
  const config = readCentralConfig(stateDir);
  const s: Server = { config, state: readCentralState(stateDir), nodes: new Map(), syncing: undefined, resync: false };
  const server = createServer((req, res) => {
    handle(s, req, res).catch((err: unknown) => {
      log(`error: ${(err as Error).message}`);
      if (!res.headersSent) send(res, 500, { message: 'Internal Server Error' });
      else res.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(config.port, config.listenAddress, () => resolve());
  });
  log(`ZeroTier test double for lab ${config.labName}: network ${config.networkId} on http://${config.listenAddress}:${config.port}`);
  writeFileSync(readyPath(stateDir), 'ready\n');
  setInterval(() => void sync(s), SYNC_INTERVAL_MS);
  process.on('SIGTERM', () => process.exit(0));
}
