// The ZeroTier TEST DOUBLE's zerotier-cli and zerotier-one, run unpacked on the controller against a temp home
// (-D<home>, as the real CLI allows): their output must be what the real CLI prints (the module's parsers read it,
// the JSON has the real key set, errors and exit codes match), and the Central stand-in's state file round-trips.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { packageFiles } from '../../../src/lab/zerotier-double/package-files.js';
import { nextFreeAddress, parseNetworkConf, renderNetworkConf } from '../../../src/lab/zerotier-double/member-sync.js';
import type { CentralMember } from '../../../src/lab/zerotier-double/central-state.js';
import { firstIpv4, parseInfoJson, parseInfoText, parseNetworksJson, parseNetworksText } from '../../../src/modules/zerotier/zerotier.js';

const FX = join(import.meta.dirname, '../../fixtures/zerotier');
const NWID = '8056c2e21c000001';
let root = '';
let home = '';
let daemon: ChildProcess | undefined;

function cli(...args: string[]): { stdout: string; stderr: string; code: number | null } {
  const r = spawnSync(join(root, 'usr/sbin/zerotier-cli'), [`-D${home}`, ...args], { encoding: 'utf8' });
  return { stdout: r.stdout, stderr: r.stderr, code: r.status };
}

function keysOf(value: unknown): string[] {
  return Object.keys(value as Record<string, unknown>).sort();
}

before(() => {
  root = mkdtempSync(join(tmpdir(), 'tsinfra-zt-double-'));
  home = join(root, 'home');
  for (const f of packageFiles('all')) {
    const path = join(root, f.path);
    mkdirSync(dirname(path), { recursive: true });
    writeFileSync(path, f.content);
    chmodSync(path, f.mode);
  }
});

after(() => {
  daemon?.kill('SIGTERM');
  rmSync(root, { recursive: true, force: true });
});

async function startDaemon(): Promise<void> {
  daemon = spawn(join(root, 'usr/sbin/zerotier-one'), [home], { stdio: 'ignore' });
  for (let i = 0; i < 200 && !existsSync(join(home, 'zerotier-one.pid')); i++) await new Promise((r) => setTimeout(r, 10));
}

test('before the service ever ran: the real "missing port" error, exit 2', () => {
  const r = cli('info');
  assert.equal(r.code, 2);
  assert.equal(r.stderr, `zerotier-cli: missing port and zerotier-one.port not found in ${home}\n`);
  assert.equal(r.stdout, '');
});

test('the service writes identity, token and port; info speaks the real formats', async () => {
  await startDaemon();
  const identity = readFileSync(join(home, 'identity.public'), 'utf8');
  assert.match(identity, /^[0-9a-f]{10}:0:[0-9a-f]{128}$/, '<node id>:0:<public key>, no newline');
  assert.equal(statSync(join(home, 'authtoken.secret')).mode & 0o777, 0o600);
  assert.equal(statSync(join(home, 'identity.secret')).mode & 0o777, 0o600);
  assert.equal(readFileSync(join(home, 'zerotier-one.port'), 'utf8'), '9993\n');
  const nodeId = identity.slice(0, 10);

  const text = cli('info');
  assert.equal(text.code, 0);
  assert.equal(text.stdout, `200 info ${nodeId} 1.14.0 ONLINE\n`);
  assert.deepEqual(parseInfoText(text.stdout), { nodeId, version: '1.14.0', status: 'ONLINE' });

  const json = cli('-j', 'info');
  assert.deepEqual(parseInfoJson(json.stdout), { nodeId, version: '1.14.0', status: 'ONLINE' });
  const real = JSON.parse(readFileSync(join(FX, 'info-1.2.json'), 'utf8')) as Record<string, unknown>;
  assert.deepEqual(keysOf(JSON.parse(json.stdout)), keysOf(real), 'the real key set');
  assert.equal(JSON.parse(json.stdout).publicIdentity, identity);
  assert.equal(cli('-v').stdout, '1.14.0\n');
});

test('listnetworks before any join: the real header, and []', () => {
  assert.equal(cli('listnetworks').stdout, '200 listnetworks <nwid> <name> <mac> <status> <type> <dev> <ZT assigned ips>\n');
  assert.equal(cli('-j', 'listnetworks').stdout, '[]\n');
});

test('join: a bad id is refused like the real CLI; a good one waits for configuration', () => {
  assert.deepEqual(cli('join', '8056c2e21c00000'), { stdout: 'invalid network id\n', stderr: '', code: 2 });
  assert.equal(cli('join', 'zzzzzzzzzzzzzzzz').code, 2);
  assert.deepEqual(cli('join', NWID.toUpperCase()), { stdout: '200 join OK\n', stderr: '', code: 0 });
  assert.equal(cli('join', NWID).stdout, '200 join OK\n', 'joining again is fine');
  const listed = cli('-j', 'listnetworks');
  const [n] = parseNetworksJson(listed.stdout);
  assert.equal(n!.id, NWID);
  assert.equal(n!.status, 'REQUESTING_CONFIGURATION');
  assert.deepEqual(n!.assignedAddresses, []);
  assert.match(n!.portDeviceName, /^zt[0-9a-f]{8}$/);
  const real = JSON.parse(readFileSync(join(FX, 'listnetworks-1.12.json'), 'utf8')) as unknown[];
  assert.deepEqual(keysOf((JSON.parse(listed.stdout) as unknown[])[0]), keysOf(real[0]), 'the real key set of 1.12+');
  const [t] = parseNetworksText(cli('listnetworks').stdout);
  assert.deepEqual([t!.id, t!.name, t!.status, t!.type, t!.portDeviceName, t!.assignedAddresses], [NWID, '', 'REQUESTING_CONFIGURATION', 'PRIVATE', n!.portDeviceName, []]);
  assert.ok(existsSync(join(home, 'networks.d', `${NWID}.conf`)), 'networks.d/<nwid>.conf exists after a join, as with the real service');
});

test('once the Central stand-in authorizes: OK with the address, routes and name', () => {
  const path = join(home, 'networks.d', `${NWID}.conf`);
  const conf = parseNetworkConf(readFileSync(path, 'utf8'));
  assert.equal(conf.status, 'REQUESTING_CONFIGURATION', 'the CLI and the stand-in read the same format');
  writeFileSync(path, renderNetworkConf({ ...conf, status: 'OK', name: 'tsinfra-lab-x', addresses: ['10.99.4.11/23'], routes: ['10.99.4.0/23'], revision: 1 }));
  const json = JSON.parse(cli('-j', 'listnetworks').stdout) as { routes: unknown; broadcastEnabled: boolean }[];
  assert.deepEqual(json[0]!.routes, [{ flags: 0, metric: 0, target: '10.99.4.0/23', via: null }]);
  const [n] = parseNetworksJson(JSON.stringify(json));
  assert.deepEqual([n!.status, n!.name, n!.assignedAddresses, firstIpv4(n!.assignedAddresses)], ['OK', 'tsinfra-lab-x', ['10.99.4.11/23'], '10.99.4.11']);
  assert.match(cli('listnetworks').stdout, new RegExp(`^200 listnetworks ${NWID} tsinfra-lab-x [0-9a-f:]{17} OK PRIVATE zt[0-9a-f]{8} 10\\.99\\.4\\.11/23$`, 'm'));
});

test('leave: 200 leave OK, the state goes; leaving again is fine too', () => {
  assert.equal(cli('leave', NWID).stdout, '200 leave OK\n');
  assert.equal(cli('-j', 'listnetworks').stdout, '[]\n');
  assert.equal(existsSync(join(home, 'networks.d', `${NWID}.conf`)), false);
  assert.deepEqual(cli('leave', NWID), { stdout: '200 leave OK\n', stderr: '', code: 0 });
});

test('with the service stopped: the real connection error, exit 1', async () => {
  const exited = new Promise((r) => daemon!.once('exit', r));
  daemon!.kill('SIGTERM');
  await exited;
  daemon = undefined;
  assert.equal(existsSync(join(home, 'zerotier-one.pid')), false, 'the service removes its pid file');
  const r = cli('listnetworks');
  assert.equal(r.code, 1);
  assert.equal(r.stdout, readFileSync(join(FX, 'service-down.txt'), 'utf8'));
});

test("the stand-in's state file and address pool", () => {
  const conf = { nwid: NWID, status: 'OK', name: 'n', type: 'PRIVATE', mac: '02:aa:bb:cc:dd:ee', mtu: 2800, device: 'zt12345678', addresses: ['10.99.4.12/23'], routes: ['10.99.4.0/23'], revision: 3 };
  assert.deepEqual(parseNetworkConf(renderNetworkConf(conf)), conf);
  const member = (ip: string): CentralMember => ({ nodeId: 'a', name: '', description: '', hidden: false, authorized: true, ipAssignments: [ip], creationTime: 0, lastAuthorizedTime: 0, lastDeauthorizedTime: 0, revision: 0 });
  assert.equal(nextFreeAddress('10.99.4.0/23', []), '10.99.4.11');
  assert.equal(nextFreeAddress('10.99.4.0/23', [member('10.99.4.11'), member('10.99.4.13')]), '10.99.4.12');
});
