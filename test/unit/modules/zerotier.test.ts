// zerotier: parsers against the real zerotier-cli's output (test/fixtures/zerotier), the Central API request as a
// local HTTP server receives it, and the action's flows (join, authorize, wait, errors, check mode, leave) over a
// scripted host.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ActionIO, ExecResult, RegisteredResult } from '../../../src/modules/define.js';
import { getModule, validateArgs } from '../../../src/modules/registry.js';
import { secret } from '../../../src/shell/secret.js';
import {
  firstIpv4,
  parseInfoJson,
  parseInfoText,
  parseNetworksJson,
  parseNetworksText,
  parseProbe,
  probeScript,
  zerotier,
  type ZerotierArgs,
} from '../../../src/modules/zerotier/zerotier.js';
import { authorizeBody, authorizeMember, memberUrl } from '../../../src/modules/zerotier/zerotier-central.js';
import { argsOf, runSh } from './support.js';

const FX = join(import.meta.dirname, '../../fixtures/zerotier');
const fx = (name: string) => readFileSync(join(FX, name), 'utf8');
const NWID = '9bee8941b5717835';
const NODE = '998765f00d';
const TOKEN = 'sEcReT-token-4f2a9c';

// ---- parsers ------------------------------------------------------------------------------------------------------

test('info: the text line and both -j shapes give node id, version and status', () => {
  assert.deepEqual(parseInfoText(fx('info.txt')), { nodeId: '998765f00d', version: '1.2.13', status: 'ONLINE' });
  assert.deepEqual(parseInfoJson(fx('info-1.2.json')), { nodeId: '2f07044b7a', version: '1.2.12', status: 'ONLINE' });
  assert.deepEqual(parseInfoJson(fx('info-1.14.json')), { nodeId: '8ad1b5d1a4', version: '1.14.0', status: 'OFFLINE' });
  assert.equal(parseInfoText(fx('service-down.txt')), undefined);
  assert.equal(parseInfoJson('not json'), undefined);
});

test('listnetworks -j: OK with IPv6 and IPv4, just joined, and the 1.12+ fields', () => {
  const [ok] = parseNetworksJson(fx('listnetworks-ok.json'));
  assert.deepEqual(ok, {
    id: '9bee8941b5717835',
    name: 'tfgrid_public',
    status: 'OK',
    type: 'PUBLIC',
    mtu: 2800,
    assignedAddresses: ['fc2e:9ff1:749b:f647:5a1c:0000:0000:0001/40', '10.244.60.251/16'],
    portDeviceName: 'zt3jn7qoma',
    routes: [{ target: '10.244.0.0/16', via: null }],
    portError: 0,
  });
  assert.equal(firstIpv4(ok!.assignedAddresses), '10.244.60.251', 'the first IPv4, without its prefix');
  const [waiting] = parseNetworksJson(fx('listnetworks-requesting.json'));
  assert.equal(waiting!.status, 'REQUESTING_CONFIGURATION');
  assert.deepEqual(waiting!.assignedAddresses, []);
  assert.equal(waiting!.portDeviceName, 'ztrta7qtbo');
  const [modern] = parseNetworksJson(fx('listnetworks-1.12.json'));
  assert.deepEqual([modern!.id, modern!.status, modern!.assignedAddresses, modern!.portDeviceName], ['48d6023c46a1b2c3', 'OK', ['10.10.0.143/24'], 'ztosk3x7qa']);
  assert.deepEqual(parseNetworksJson('[]'), []);
  assert.throws(() => parseNetworksJson('{}'), /JSON array/);
});

test('listnetworks text: fields read from the right, so empty names and "-" work', () => {
  const nets = parseNetworksText(fx('listnetworks.txt'));
  assert.equal(nets.length, 2, 'the header line is skipped');
  assert.deepEqual(
    nets.map((n) => [n.id, n.name, n.status, n.type, n.portDeviceName, n.assignedAddresses]),
    [
      ['9bee8941b5717835', 'tfgrid_public', 'OK', 'PUBLIC', 'zt3jn7qoma', ['fc2e:9ff1:749b:f647:5a1c:0000:0000:0001/40', '10.244.60.251/16']],
      ['9bee8941b55787f3', '', 'REQUESTING_CONFIGURATION', 'PRIVATE', 'ztrta7qtbo', []],
    ],
  );
  const spaced = parseNetworksText('200 listnetworks 9bee8941b5717835 my office 36:e3:87:f2:1b:95 OK PRIVATE ztabcdefgh 10.1.2.3/24\n');
  assert.equal(spaced[0]!.name, 'my office');
});

function probeOutput(info: { rc: number; text: string }, list: { rc: number; text: string }): string {
  return `@@tsinfra-zerotier info ${info.rc}\n${info.text.trimEnd()}\n@@tsinfra-zerotier listnetworks ${list.rc}\n${list.text.trimEnd()}\n`;
}

test('the probe: one exec with both readings; missing CLI, stopped service and a working node', () => {
  const script = probeScript();
  assert.match(script.text, /"\$zt" info 2>&1/);
  assert.match(script.text, /"\$zt" -j listnetworks 2>&1/);
  if (!existsSync('/usr/sbin/zerotier-cli')) {
    const r = runSh(script);
    assert.equal(r.code, 0);
    assert.deepEqual(parseProbe(r.stdout), { kind: 'missing' }, 'this machine has no zerotier-cli');
  }
  const down = parseProbe(probeOutput({ rc: 1, text: fx('service-down.txt') }, { rc: 1, text: fx('service-down.txt') }));
  assert.equal(down.kind, 'down');
  assert.match((down as { message: string }).message, /^Error connecting to the ZeroTier service: connection failed Please check that the service is running/);
  const up = parseProbe(probeOutput({ rc: 0, text: fx('info.txt') }, { rc: 0, text: fx('listnetworks-ok.json') }));
  assert.equal(up.kind, 'up');
  if (up.kind === 'up') {
    assert.equal(up.info.nodeId, '998765f00d');
    assert.equal(up.networks[0]!.id, NWID);
  }
});

test('arguments: defaults, and a network id must be 16 hex digits', () => {
  const a = argsOf<ZerotierArgs>('zerotier', { network_id: NWID });
  assert.deepEqual(a, { network_id: NWID, state: 'present', api_url: 'https://api.zerotier.com/api/v1', timeout: 120 });
  assert.equal(getModule('zerotier')?.kind, 'action');
  const bad = validateArgs('zerotier', { network_id: '8056c2e21c00000' });
  assert.deepEqual(bad.ok ? [] : bad.problems.map((p) => p.message), ['zerotier.network_id must be a ZeroTier network id (16 hex digits)']);
  const state = validateArgs('zerotier', { network_id: NWID, state: 'joined' });
  assert.deepEqual(state.ok ? [] : state.problems.map((p) => p.message), ['zerotier.state must be one of present, absent']);
});

// ---- the Central API request --------------------------------------------------------------------------------------

interface Captured {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/** A local stand-in for api.zerotier.com: records requests, answers with `reply` (status, body, headers). */
async function centralServer(reply: (req: Captured, n: number) => { status: number; body: unknown; headers?: Record<string, string> }) {
  const seen: Captured[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c));
    req.on('end', () => {
      const captured = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      seen.push(captured);
      const r = reply(captured, seen.length);
      res.writeHead(r.status, { 'content-type': 'application/json', ...r.headers });
      res.end(typeof r.body === 'string' ? r.body : JSON.stringify(r.body));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/api/v1`, seen };
}

/** A local port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

const memberReply = (authorized = true) => ({ status: 200, body: { id: `${NWID}-${NODE}`, nodeId: NODE, config: { authorized, ipAssignments: ['10.147.17.5'] } } });

test('authorize: POST {api}/network/NWID/member/NODE, Authorization: token, the exact JSON body', async () => {
  const central = await centralServer(() => memberReply());
  const member = await authorizeMember({ apiUrl: `${central.url}/`, token: secret(TOKEN), networkId: NWID, nodeId: NODE, name: 'master1', sleep: async () => {} });
  assert.equal(member.nodeId, NODE);
  assert.equal(central.seen.length, 1);
  const req = central.seen[0]!;
  assert.equal(req.method, 'POST');
  assert.equal(req.url, `/api/v1/network/${NWID}/member/${NODE}`);
  assert.equal(req.headers.authorization, `token ${TOKEN}`);
  assert.equal(req.headers['content-type'], 'application/json');
  assert.deepEqual(JSON.parse(req.body), { config: { authorized: true }, name: 'master1' });
  assert.equal(req.body, '{"config":{"authorized":true},"name":"master1"}');
  assert.equal(authorizeBody('web 1'), '{"config":{"authorized":true},"name":"web 1"}');
  assert.equal(memberUrl('https://api.zerotier.com/api/v1', NWID, NODE), `https://api.zerotier.com/api/v1/network/${NWID}/member/${NODE}`);
});

test('authorize: 401, 404 and 429 (retried) give messages without the token', async () => {
  const central = await centralServer((req) => {
    if (req.url.includes('/network/0000000000000000/')) return { status: 404, body: { message: 'network not found' } };
    if (req.headers.authorization !== `token ${TOKEN}`) return { status: 401, body: { message: `bad token ${req.headers.authorization}` } };
    return memberReply();
  });
  const base = { apiUrl: central.url, nodeId: NODE, name: 'h', sleep: async () => {} };
  await assert.rejects(authorizeMember({ ...base, token: secret('wrong-token-xyz'), networkId: NWID }), (err: Error) => {
    assert.match(err.message, /refused the API token for network 9bee8941b5717835 \(HTTP 401: bad token token \*{8}\): check api_token/);
    assert.ok(!err.message.includes('wrong-token-xyz'), 'the token is redacted from the echoed body');
    return true;
  });
  await assert.rejects(authorizeMember({ ...base, token: secret(TOKEN), networkId: '0000000000000000' }), /does not know network 0000000000000000 \(HTTP 404: network not found\)/);

  const sleeps: number[] = [];
  const limited = await centralServer((_req, n) => (n < 3 ? { status: 429, body: { message: 'slow down' }, headers: { 'retry-after': '1' } } : memberReply()));
  await authorizeMember({ ...base, apiUrl: limited.url, token: secret(TOKEN), networkId: NWID, sleep: async (ms) => void sleeps.push(ms) });
  assert.equal(limited.seen.length, 3);
  assert.deepEqual(sleeps, [1000, 1000], 'Retry-After is honoured');

  const port = await closedPort();
  await assert.rejects(
    authorizeMember({ ...base, apiUrl: `http://127.0.0.1:${port}/api/v1`, token: secret(TOKEN), networkId: NWID }),
    new RegExp(`^CentralApiError: ZeroTier Central: cannot reach http://127.0.0.1:${port}/api/v1/network/${NWID}/member/${NODE}: ECONNREFUSED$`),
  );
});

// ---- the action over a scripted host ----------------------------------------------------------------------------

interface Host {
  nodeId: string;
  /** -j listnetworks output per reading (the last one repeats). */
  readings: string[];
  joined: boolean;
  left: boolean;
  cli?: 'missing' | 'down';
}

function networkJson(status: string, addresses: string[] = []): string {
  return JSON.stringify([{ id: NWID, nwid: NWID, name: status === 'OK' ? 'prod' : '', status, type: 'PRIVATE', mtu: 2800, assignedAddresses: addresses, portDeviceName: 'zt3jn7qoma', routes: [] }], null, 2);
}

function scriptedIO(host: Host, isCheck = false): ActionIO & { scripts: string[] } {
  const scripts: string[] = [];
  let clock = 0;
  let reads = 0;
  const out = (stdout: string): ExecResult => ({ stdout, stderr: '', code: 0, signal: null });
  const nextList = () => host.readings[Math.min(reads++, host.readings.length - 1)] ?? '[]';
  return {
    scripts,
    exec: async (script) => {
      scripts.push(script.text);
      if (host.cli === 'missing') return out('@@tsinfra-zerotier missing\n');
      if (host.cli === 'down') return out(probeOutput({ rc: 1, text: fx('service-down.txt') }, { rc: 1, text: fx('service-down.txt') }));
      if (/"\$zt" join /.test(script.text)) {
        host.joined = true;
        return out('200 join OK\n');
      }
      if (/"\$zt" leave /.test(script.text)) {
        host.left = true;
        return out('200 leave OK\n');
      }
      if (/"\$zt" info/.test(script.text)) {
        const list = host.joined ? nextList() : '[]';
        return out(probeOutput({ rc: 0, text: `200 info ${host.nodeId} 1.14.0 ONLINE` }, { rc: 0, text: list }));
      }
      return out(`@@tsinfra-zerotier listnetworks 0\n${nextList()}\n`);
    },
    vars: { inventory_hostname: 'master1' },
    isCheck,
    endpointOf: () => undefined,
    evaluate: () => undefined,
    holds: () => false,
    tryConnect: async () => true,
    sleep: async (ms) => {
      clock += ms;
    },
    now: () => clock,
    verbosity: 0,
  };
}

async function runZt(io: ActionIO, raw: Record<string, unknown>): Promise<RegisteredResult> {
  return zerotier.run(argsOf<ZerotierArgs>('zerotier', { network_id: NWID, ...raw }), io);
}

test('already joined and OK with an address: ok, facts, one exec', async () => {
  const host: Host = { nodeId: NODE, readings: [networkJson('OK', ['10.147.17.5/24'])], joined: true, left: false };
  const io = scriptedIO(host);
  const r = await runZt(io, {});
  assert.equal(r.changed, false);
  assert.equal(r.failed, false);
  assert.deepEqual(r.ansible_facts, { zerotier_node_id: NODE, zerotier_interface: 'zt3jn7qoma', zerotier_addresses: ['10.147.17.5/24'], zerotier_ip: '10.147.17.5' });
  assert.equal(r.zerotier_ip, '10.147.17.5', 'also registered at the top level');
  assert.equal(io.scripts.length, 1);
});

test('join, authorize from the controller, wait for OK: changed, facts, token only in the header', async () => {
  const central = await centralServer(() => memberReply());
  const host: Host = { nodeId: NODE, readings: [networkJson('REQUESTING_CONFIGURATION'), networkJson('REQUESTING_CONFIGURATION'), networkJson('OK', ['10.147.17.5/24'])], joined: false, left: false };
  const io = scriptedIO(host);
  const r = await runZt(io, { api_token: TOKEN, api_url: central.url });
  assert.equal(r.failed, false, String(r.msg));
  assert.equal(r.changed, true);
  assert.deepEqual(r.changes, [`join network ${NWID}`, `authorize node ${NODE} in ZeroTier Central as master1`]);
  assert.equal(r.zerotier_ip, '10.147.17.5');
  assert.equal(central.seen.length, 1);
  assert.deepEqual(JSON.parse(central.seen[0]!.body), { config: { authorized: true }, name: 'master1' });
  assert.ok(!JSON.stringify(r).includes(TOKEN), 'the token is not in the result');
  assert.ok(io.scripts.every((s) => !s.includes(TOKEN)), 'the token never goes to the host');
});

test('the token comes from ZEROTIER_API_TOKEN on the controller when api_token is absent', async () => {
  const central = await centralServer(() => memberReply());
  const host: Host = { nodeId: NODE, readings: [networkJson('OK', ['10.147.17.5/24'])], joined: false, left: false };
  process.env.ZEROTIER_API_TOKEN = TOKEN;
  try {
    const r = await runZt(scriptedIO(host), { api_url: central.url, member_name: 'db-1' });
    assert.equal(r.failed, false, String(r.msg));
    assert.equal(central.seen[0]!.headers.authorization, `token ${TOKEN}`);
    assert.equal(JSON.parse(central.seen[0]!.body).name, 'db-1');
  } finally {
    delete process.env.ZEROTIER_API_TOKEN;
  }
});

test('no token: ACCESS_DENIED fails at once with what to do', async () => {
  const host: Host = { nodeId: NODE, readings: [networkJson('REQUESTING_CONFIGURATION'), networkJson('ACCESS_DENIED')], joined: false, left: false };
  const r = await runZt(scriptedIO(host), {});
  assert.equal(r.failed, true);
  assert.equal(r.changed, true, 'the join happened');
  assert.equal(r.msg, `node ${NODE} is not authorized on network ${NWID}: authorize it in ZeroTier Central or give api_token`);
  assert.equal(r.ansible_facts, undefined, 'no facts from a failed task');
});

test('NOT_FOUND, a timeout, authorize without a token, Central refusing', async () => {
  const notFound = await runZt(scriptedIO({ nodeId: NODE, readings: [networkJson('NOT_FOUND')], joined: false, left: false }), {});
  assert.equal(notFound.msg, `network ${NWID} does not exist (NOT_FOUND): check network_id`);

  const io = scriptedIO({ nodeId: NODE, readings: [networkJson('REQUESTING_CONFIGURATION')], joined: false, left: false });
  const slow = await runZt(io, { timeout: 5 });
  assert.equal(slow.failed, true);
  assert.equal(slow.msg, `network ${NWID} is not ready after 5 s: last status REQUESTING_CONFIGURATION`);
  assert.ok(io.now() >= 5000 && io.now() < 8000, `waited about the timeout (${io.now()} ms)`);

  const noToken = await runZt(scriptedIO({ nodeId: NODE, readings: ['[]'], joined: false, left: false }), { authorize: true });
  assert.equal(noToken.msg, 'authorize needs a ZeroTier Central API token: give api_token, or set ZEROTIER_API_TOKEN on the controller');

  const central = await centralServer(() => ({ status: 401, body: { message: 'invalid token' } }));
  const refused = await runZt(scriptedIO({ nodeId: NODE, readings: [networkJson('ACCESS_DENIED')], joined: false, left: false }), { api_token: 'nope-nope', api_url: central.url });
  assert.equal(refused.failed, true);
  assert.match(String(refused.msg), /refused the API token/);
  assert.deepEqual(refused.changes, [`join network ${NWID}`]);
});

test('check mode reads but neither joins nor authorizes; a missing CLI is a plan, not a failure', async () => {
  const host: Host = { nodeId: NODE, readings: ['[]'], joined: false, left: false };
  const io = scriptedIO(host, true);
  const r = await runZt(io, { api_token: TOKEN, api_url: `http://127.0.0.1:${await closedPort()}/api/v1` });
  assert.equal(r.changed, true);
  assert.equal(r.msg, `would join network ${NWID}, then authorize node ${NODE} in ZeroTier Central as master1`);
  assert.equal(host.joined, false);
  assert.equal(io.scripts.length, 1, 'only the probe');
  const missing = await runZt(scriptedIO({ ...host, cli: 'missing' }, true), {});
  assert.equal(missing.changed, true);
  assert.match(String(missing.msg), /zerotier-cli is not installed yet/);
});

test('a missing CLI or a stopped service fails clearly', async () => {
  const missing = await runZt(scriptedIO({ nodeId: NODE, readings: [], joined: false, left: false, cli: 'missing' }), {});
  assert.equal(missing.failed, true);
  assert.equal(missing.msg, 'zerotier-cli not found on the host: install zerotier-one first (the zerotier role does it with apt)');
  const down = await runZt(scriptedIO({ nodeId: NODE, readings: [], joined: false, left: false, cli: 'down' }), {});
  assert.equal(down.failed, true);
  assert.match(String(down.msg), /^zerotier-one does not answer: Error connecting to the ZeroTier service: connection failed .* \(start it: service zerotier-one start\)$/);
});

test('state absent leaves a joined network, and is ok when not a member', async () => {
  const host: Host = { nodeId: NODE, readings: [networkJson('OK', ['10.147.17.5/24'])], joined: true, left: false };
  const r = await runZt(scriptedIO(host), { state: 'absent' });
  assert.equal(r.changed, true);
  assert.equal(host.left, true);
  assert.deepEqual(r.changes, [`leave network ${NWID}`]);
  const again = await runZt(scriptedIO({ nodeId: NODE, readings: ['[]'], joined: true, left: false }), { state: 'absent' });
  assert.equal(again.changed, false);
  const check = scriptedIO({ nodeId: NODE, readings: [networkJson('OK', ['10.147.17.5/24'])], joined: true, left: false }, true);
  const would = await runZt(check, { state: 'absent' });
  assert.equal(would.changed, true);
  assert.equal(check.scripts.length, 1, 'check mode does not leave');
});
