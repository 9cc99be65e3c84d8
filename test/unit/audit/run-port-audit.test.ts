// The audit's orchestration with fake hosts: who probes whom, one exec per vantage host, the VPN vantage's own
// row probed by the next member, unreachable hosts and failed vantage points reported, violations judged.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { ConnectError } from '../../../src/errors.js';
import { ADDRESS_SCRIPT } from '../../../src/audit/host-addresses.js';
import type { HostPolicy } from '../../../src/audit/port-policy.js';
import { runPortAudit, type AuditHost, type RunPortAuditOptions } from '../../../src/audit/run-port-audit.js';
import type { PortState } from '../../../src/audit/audit-types.js';
import { ConnectionPool } from '../../../src/transport/connection-pool.js';
import type { Connection, ConnectTarget, ExecOptions } from '../../../src/transport/transport.js';

const server = createServer((s) => s.destroy());
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const OPEN = (server.address() as AddressInfo).port;
const gone = createServer();
await new Promise<void>((r) => gone.listen(0, '127.0.0.1', r));
const CLOSED = (gone.address() as AddressInfo).port;
await new Promise<void>((r) => gone.close(() => r()));
after(() => server.close());

const policy: HostPolicy = { publicPorts: [OPEN], vpnInterfaces: ['zt+'], vpnCidr: '10.147.17.0/24' };
const target = (name: string) => ({ name }) as ConnectTarget;

interface Exec {
  host: string;
  command: string;
  probes: string[];
}

/** Fake hosts: `ip addr` answers from `zt`, probe scripts answer from `state(prober, target, port)`. */
function fakeWorld(o: { zt: Record<string, string | undefined>; down?: string[]; state: (from: string, host: string, port: number) => PortState }) {
  const execs: Exec[] = [];
  const connection = (host: string): Connection => ({
    host,
    close: async () => {},
    exec: async (command: string, x: ExecOptions = {}) => {
      const stdin = String(x.stdin ?? '');
      if (stdin === ADDRESS_SCRIPT.text) {
        const zt = o.zt[host];
        const stdout = `1: lo    inet 127.0.0.1/8 scope host lo\n2: eth1    inet 192.168.0.9/24 scope global eth1\n${zt ? `3: ztabc    inet ${zt}/24 scope global ztabc\n` : ''}`;
        return { stdout, stderr: '', code: 0, signal: null };
      }
      const probes = [...stdin.matchAll(/^probe (\S+) (\S+) (\d+) &$/gm)];
      execs.push({ host, command, probes: probes.map((m) => `${m[1]}@${m[2]}:${m[3]}`) });
      const stdout = probes.map((m) => `${m[1]} ${m[3]} ${o.state(host, m[1]!, Number(m[3]))}\n`).join('');
      return { stdout, stderr: '', code: 0, signal: null };
    },
  });
  const pool = new ConnectionPool(async (t) => {
    if (o.down?.includes(t.name)) throw new ConnectError(t.name, 'socket', 'connect ECONNREFUSED');
    return connection(t.name);
  });
  return { pool, execs, localConnection: (name: string) => connection(name) };
}

function hosts(): AuditHost[] {
  return [
    { name: 'm1', target: target('m1'), policy, publicAddress: '127.0.0.1', privateAddress: '192.168.0.1' },
    { name: 'm2', target: target('m2'), policy, privateAddress: '192.168.0.2' },
    { name: 'm3', target: target('m3'), policy, privateAddress: '192.168.0.3' },
  ];
}

function options(world: ReturnType<typeof fakeWorld>, o: Partial<RunPortAuditOptions> = {}): RunPortAuditOptions {
  return {
    hosts: hosts(),
    ports: [OPEN, CLOSED],
    vpn: { source: 'default' },
    private: { kind: 'netns', netns: 'tsi00-neighbour', source: 'lab' },
    vantageOf: (name) => ({ target: target(name), vpn: { interfaces: ['zt+'] } }),
    timeoutMs: 500,
    parallel: 10,
    forks: 5,
    pool: world.pool,
    localConnection: world.localConnection,
    ...o,
  };
}

test('outside from sockets, VPN from the first member (and m1 from m2), private from the namespace; m3 unreachable', async () => {
  const world = fakeWorld({
    zt: { m1: '10.147.17.1', m2: '10.147.17.2', m3: '10.147.17.3' },
    down: ['m3'],
    // From the private network m2 answers on CLOSED: a violation (only OPEN is public).
    state: (from, host, port) => (from.startsWith('netns:') && host === 'm2' && port === CLOSED ? 'open' : from.startsWith('netns:') ? 'filtered' : 'open'),
  });
  const r = await runPortAudit(options(world));
  const byVantage = new Map(world.execs.map((e) => [e.host, e]));
  assert.deepEqual(byVantage.get('m1')?.probes, [`m2@10.147.17.2:${OPEN}`, `m2@10.147.17.2:${CLOSED}`], 'm1 probes the other reachable member');
  assert.deepEqual(byVantage.get('m2')?.probes, [`m1@10.147.17.1:${OPEN}`, `m1@10.147.17.1:${CLOSED}`], 'm2 probes m1, the vantage');
  const ns = byVantage.get('netns:tsi00-neighbour')!;
  assert.equal(ns.command, 'ip netns exec tsi00-neighbour sh -s');
  assert.equal(ns.probes.length, 6, 'every private address, whether or not SSH reaches the host');
  assert.equal(world.execs.length, 3, 'one exec per vantage point');

  assert.deepEqual(r.unreachable.map((u) => u.host), ['m3']);
  assert.match(r.hosts[2]!.notProbed.vpn!, /could not be read/);
  assert.equal(r.hosts[1]!.notProbed.outside, 'no public address');
  const outside = r.findings.filter((f) => f.vantage === 'outside');
  assert.deepEqual(new Map(outside.map((f) => [f.port, `${f.host} ${f.state}`])), new Map([[OPEN, 'm1 open'], [CLOSED, 'm1 closed']]));
  const violations = r.findings.filter((f) => f.isViolation);
  assert.deepEqual(violations.map((f) => [f.host, f.vantage, f.port, f.from]), [['m2', 'private', CLOSED, 'netns:tsi00-neighbour']]);
  assert.ok(r.findings.filter((f) => f.vantage === 'vpn').every((f) => !f.isViolation && f.state === 'open'), 'anything may be open over the VPN');
  assert.deepEqual(r.vantages.map((v) => [v.vantage, v.from, v.source, v.status]), [
    ['outside', 'controller', undefined, 'ok'],
    ['vpn', 'm1', 'default', 'ok'],
    ['vpn', 'm2', 'next VPN member', 'ok'],
    ['private', 'netns:tsi00-neighbour', 'lab', 'ok'],
  ]);
});

test('a chosen VPN vantage without a VPN address skips the VPN view; a private vantage host is not probed itself', async () => {
  const world = fakeWorld({ zt: { m1: '10.147.17.1', m2: '10.147.17.2' }, state: () => 'filtered' });
  const r = await runPortAudit(options(world, { vpn: { host: 'm3', source: 'option' }, private: { kind: 'host', host: 'm3', source: 'group' } }));
  assert.equal(r.skipped.vpn, 'the VPN vantage point m3 has no VPN address');
  assert.equal(r.hosts[2]!.notProbed.private, 'it is the private vantage point');
  assert.deepEqual(world.execs.map((e) => [e.host, e.probes.length]), [['m3', 4]]);
});

test('a private vantage that cannot be reached: its probes are unknown and it is reported failed', async () => {
  const world = fakeWorld({ zt: {}, down: ['bastion'], state: () => 'closed' });
  const r = await runPortAudit(options(world, { private: { kind: 'host', host: 'bastion', source: 'option' } }));
  const priv = r.vantages.find((v) => v.vantage === 'private')!;
  assert.equal(priv.status, 'failed');
  assert.match(priv.message!, /ECONNREFUSED/);
  const unknown = r.findings.filter((f) => f.vantage === 'private');
  assert.equal(unknown.length, 6);
  assert.ok(unknown.every((f) => f.state === 'unknown' && /ECONNREFUSED/.test(f.reason!)));
  assert.equal(r.skipped.vpn, 'no audited host has a VPN address');
});

test('--limit to one VPN member: the first other inventory host with a VPN address probes it', async () => {
  const world = fakeWorld({ zt: { m1: '10.147.17.1', m2: '10.147.17.2', spare1: undefined, spare2: '10.147.17.9' }, state: () => 'closed' });
  const r = await runPortAudit(options(world, { hosts: [hosts()[1]!], spareHosts: ['spare1', 'spare2'] }));
  const vpn = r.vantages.filter((v) => v.vantage === 'vpn');
  assert.deepEqual(vpn.map((v) => [v.from, v.source, v.probes]), [['spare2', 'default', 2]]);
  assert.deepEqual(r.unreachable, [], 'spares are not audited: nothing to report about them');
});
