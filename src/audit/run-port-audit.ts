// The port audit: read each host's VPN address (one SSH round trip per host, all hosts in parallel), then probe from
// every vantage point at once — the controller's sockets to public addresses, one script exec on the VPN vantage
// host to the others' VPN addresses, one on the private vantage (host or namespace) to private addresses — and
// judge every answer against the host's policy.
import pLimit from 'p-limit';
import { CommandError, ConnectError, TsinfraError } from '../errors.js';
import { forEachHost } from '../engine/for-each-host.js';
import { log } from '../log.js';
import { sh } from '../shell/script.js';
import type { ConnectionPool } from '../transport/connection-pool.js';
import { LocalConnection } from '../transport/local.js';
import type { Connection, ConnectTarget } from '../transport/transport.js';
import type { Finding, ProbeResult, ProbeTarget, VantageKind } from './audit-types.js';
import { probeFromController } from './controller-probe.js';
import { ADDRESS_SCRIPT, parseAddressLines, pickVpnAddress, type VpnMatch } from './host-addresses.js';
import { judgeProbe, type HostPolicy } from './port-policy.js';
import { NO_PROBE_TOOL_EXIT, parseProbeOutput, probeScript, probeScriptBudgetMs } from './probe-script.js';
import { vpnProbers, type PrivateChoice, type VpnChoice } from './vantage-choice.js';

export interface AuditHost {
  name: string;
  /** How to reach it over SSH, to read its VPN address. */
  target: ConnectTarget;
  publicAddress?: string;
  privateAddress?: string;
  policy: HostPolicy;
}

export interface VantageRun {
  vantage: VantageKind;
  from: string;
  /** How it was chosen (option, variable, group, default, lab), for the report. */
  source?: string;
  status: 'ok' | 'failed';
  message?: string;
  probes: number;
  durationMs: number;
}

export interface HostAudit {
  host: string;
  addresses: Partial<Record<VantageKind, string>>;
  policy: HostPolicy;
  /** Why a vantage point did not probe this host (no such address, it is the vantage itself, …). */
  notProbed: Partial<Record<VantageKind, string>>;
}

export interface PortAuditReport {
  ports: number[];
  hosts: HostAudit[];
  vantages: VantageRun[];
  /** Vantage points not used, with the reason (e.g. no private vantage configured). */
  skipped: Partial<Record<VantageKind, string>>;
  findings: Finding[];
  /** Hosts whose addresses could not be read (unreachable over SSH). */
  unreachable: { host: string; message: string }[];
  durationMs: number;
}

export interface RunPortAuditOptions {
  hosts: AuditHost[];
  ports: number[];
  vpn: VpnChoice;
  private: PrivateChoice;
  /**
   * Inventory hosts not audited (inventory order): when only one audited host has a VPN address, the first of these
   * that has one probes it (by default; an explicit VPN vantage needs none).
   */
  spareHosts?: string[];
  /** Any inventory host as a vantage point: how to reach it, and how to recognise its VPN address. */
  vantageOf(host: string): { target: ConnectTarget; vpn: VpnMatch };
  timeoutMs: number;
  /** Probes in flight at once, per vantage point. */
  parallel: number;
  forks: number;
  pool: ConnectionPool;
  signal?: AbortSignal;
  /** Where a namespace vantage runs its script (default: a local shell on the controller). */
  localConnection?: (name: string) => Connection;
}

/** How the host probing the VPN vantage host itself was chosen. */
const NEXT_VPN_MEMBER = 'next VPN member';

type AddressResult = { host: string; vpn?: string } | { host: string; error: string };

function describe(err: unknown): string {
  if (err instanceof TsinfraError) return err.describe();
  return err instanceof Error ? err.message : String(err);
}

interface AddressHost {
  name: string;
  target: ConnectTarget;
  vpn: VpnMatch;
}

async function readVpnAddress(h: AddressHost, o: RunPortAuditOptions): Promise<AddressResult> {
  try {
    if (o.signal?.aborted) throw new ConnectError(h.name, 'ssh', 'run interrupted before connecting');
    const conn = await o.pool.get(h.target);
    const r = await conn.exec('sh -s', { stdin: ADDRESS_SCRIPT.text, timeoutMs: 30_000 });
    if (r.code !== 0) return { host: h.name, error: `ip -4 -o addr show exited ${r.code}: ${r.stderr.trim().slice(0, 200)}` };
    return { host: h.name, vpn: pickVpnAddress(parseAddressLines(r.stdout), h.vpn) };
  } catch (err) {
    if (err instanceof ConnectError || err instanceof CommandError) return { host: h.name, error: describe(err) };
    throw err;
  }
}

interface ScriptJob {
  vantage: VantageKind;
  from: string;
  source?: string;
  targets: ProbeTarget[];
  connect(): Promise<Connection>;
  /** Closes what `connect` opened, when the pool does not own it. */
  release?(conn: Connection): Promise<void>;
  /** The command that reads the script on stdin. */
  command: string;
}

async function runScriptJob(job: ScriptJob, o: RunPortAuditOptions): Promise<{ run: VantageRun; results: ProbeResult[] }> {
  const started = Date.now();
  const script = { targets: job.targets, ports: o.ports, timeoutMs: o.timeoutMs, parallel: o.parallel };
  const vantageLog = log().child({ host: job.from, vantage: job.vantage });
  let message: string | undefined;
  let stdout = '';
  let conn: Connection | undefined;
  try {
    if (o.signal?.aborted) throw new ConnectError(job.from, 'ssh', 'run interrupted before connecting');
    conn = await job.connect();
    vantageLog.debug({ targets: job.targets.length, ports: o.ports.length }, 'probe');
    const r = await conn.exec(job.command, { stdin: probeScript(script).text, timeoutMs: probeScriptBudgetMs(script) });
    stdout = r.stdout;
    if (r.code === NO_PROBE_TOOL_EXIT) message = r.stderr.trim().slice(0, 200);
    else if (r.code !== 0) message = `probe script exited ${r.code ?? r.signal}: ${r.stderr.trim().slice(0, 200)}`;
  } catch (err) {
    if (!(err instanceof ConnectError || err instanceof CommandError)) throw err;
    message = describe(err);
    if (err instanceof CommandError) stdout = err.stdout;
  } finally {
    if (conn) await job.release?.(conn);
  }
  const answered = new Map(parseProbeOutput(stdout).map((l) => [`${l.host} ${l.port}`, l.state]));
  const results: ProbeResult[] = [];
  for (const t of job.targets) {
    for (const port of o.ports) {
      const state = answered.get(`${t.host} ${port}`);
      const base = { host: t.host, vantage: job.vantage, from: job.from, address: t.address, port };
      results.push(state ? { ...base, state } : { ...base, state: 'unknown', reason: message ?? 'no answer from the probe script' });
    }
  }
  if (message) vantageLog.warn({ err: message }, 'probe failed');
  const status = message === undefined && results.every((r) => r.state !== 'unknown') ? 'ok' : 'failed';
  const run: VantageRun = { vantage: job.vantage, from: job.from, source: job.source, status, probes: results.length, durationMs: Date.now() - started };
  if (status === 'failed') run.message = message ?? 'some probes got no answer';
  return { run, results };
}

async function probeOutside(targets: ProbeTarget[], o: RunPortAuditOptions): Promise<{ run: VantageRun; results: ProbeResult[] }> {
  const started = Date.now();
  const limit = pLimit(Math.max(1, o.parallel));
  const results = await Promise.all(
    targets.flatMap((t) =>
      o.ports.map((port) =>
        limit(async (): Promise<ProbeResult> => {
          // As on the vantage hosts: no answer is tried once more with twice the time before it counts as filtered.
          const first = await probeFromController(t.address, port, o.timeoutMs);
          const state = first === 'filtered' ? await probeFromController(t.address, port, 2 * o.timeoutMs) : first;
          return { host: t.host, vantage: 'outside', from: 'controller', address: t.address, port, state };
        }),
      ),
    ),
  );
  return { run: { vantage: 'outside', from: 'controller', status: 'ok', probes: results.length, durationMs: Date.now() - started }, results };
}

function sshJob(vantage: VantageKind, from: string, source: string | undefined, targets: ProbeTarget[], o: RunPortAuditOptions): ScriptJob {
  return { vantage, from, source, targets, command: 'sh -s', connect: () => o.pool.get(o.vantageOf(from).target) };
}

function netnsJob(netns: string, source: string, targets: ProbeTarget[], o: RunPortAuditOptions): ScriptJob {
  const from = `netns:${netns}`;
  const local = o.localConnection ?? ((name: string) => new LocalConnection({ host: name }));
  return { vantage: 'private', from, source, targets, command: sh`ip netns exec ${netns} sh -s`.text, connect: async () => local(from), release: (c) => c.close() };
}

export async function runPortAudit(o: RunPortAuditOptions): Promise<PortAuditReport> {
  const started = Date.now();
  const audits = new Map<string, HostAudit>(
    o.hosts.map((h) => [h.name, { host: h.name, addresses: {}, policy: h.policy, notProbed: {} }]),
  );
  const skipped: PortAuditReport['skipped'] = {};
  const unreachable: PortAuditReport['unreachable'] = [];
  const jobs: Promise<{ run: VantageRun; results: ProbeResult[] }>[] = [];

  // Outside: public addresses, from here.
  const outsideTargets: ProbeTarget[] = [];
  for (const h of o.hosts) {
    const a = audits.get(h.name)!;
    if (h.publicAddress) {
      a.addresses.outside = h.publicAddress;
      outsideTargets.push({ host: h.name, address: h.publicAddress });
    } else a.notProbed.outside = 'no public address';
  }
  if (outsideTargets.length > 0) jobs.push(probeOutside(outsideTargets, o));

  // Private network: private addresses, from a host or namespace there that is not on the VPN.
  const privateFrom = o.private.kind === 'host' ? o.private.host : o.private.kind === 'netns' ? `netns:${o.private.netns}` : undefined;
  if (o.private.kind === 'none') {
    skipped.private = 'no private-network vantage point (give --private-from HOST, or see docs/audit.md)';
  } else {
    const targets: ProbeTarget[] = [];
    for (const h of o.hosts) {
      const a = audits.get(h.name)!;
      if (h.privateAddress) a.addresses.private = h.privateAddress;
      if (!h.privateAddress) a.notProbed.private = 'no private_ip';
      else if (h.name === privateFrom) a.notProbed.private = 'it is the private vantage point';
      else targets.push({ host: h.name, address: h.privateAddress });
    }
    if (targets.length > 0) {
      const choice = o.private;
      jobs.push(runScriptJob(choice.kind === 'host' ? sshJob('private', choice.host, choice.source, targets, o) : netnsJob(choice.netns, choice.source, targets, o), o));
    }
  }

  // VPN: every host's VPN address, read from the host; then probes from the vantage host (and, for the vantage
  // itself, from the next VPN member).
  const vpnPart = async (): Promise<{ run: VantageRun; results: ProbeResult[] }[]> => {
    const explicit = o.vpn.host;
    const toRead: AddressHost[] = o.hosts.map((h) => ({ name: h.name, target: h.target, vpn: { interfaces: h.policy.vpnInterfaces, cidr: h.policy.vpnCidr } }));
    if (explicit !== undefined && !audits.has(explicit)) toRead.push({ name: explicit, ...o.vantageOf(explicit) });
    const read = await forEachHost(toRead, (h) => readVpnAddress(h, o), { forks: o.forks });
    const vpnOf = new Map<string, string>();
    for (const r of read) {
      const a = audits.get(r.host);
      if ('error' in r) {
        unreachable.push({ host: r.host, message: r.error });
        if (a) a.notProbed.vpn = `its addresses could not be read: ${r.error}`;
      } else if (r.vpn !== undefined) {
        vpnOf.set(r.host, r.vpn);
        if (a) a.addresses.vpn = r.vpn;
      } else if (a) a.notProbed.vpn = 'no VPN address';
    }
    const members = o.hosts.map((h) => h.name).filter((n) => vpnOf.has(n));
    if (explicit !== undefined && !vpnOf.has(explicit)) {
      const why = read.find((r) => r.host === explicit && 'error' in r) ? 'is unreachable' : 'has no VPN address';
      skipped.vpn = `the VPN vantage point ${explicit} ${why}`;
      for (const m of members) audits.get(m)!.notProbed.vpn = skipped.vpn;
      return [];
    }
    // Too few audited members to probe each other (e.g. --limit one host): other inventory hosts may stand in.
    let spares: string[] = [];
    if (explicit === undefined && members.length === 1 && o.spareHosts?.length) {
      const spareRead = await forEachHost(o.spareHosts, (name) => readVpnAddress({ name, ...o.vantageOf(name) }, o), { forks: o.forks });
      for (const r of spareRead) if ('vpn' in r && r.vpn !== undefined) vpnOf.set(r.host, r.vpn);
      spares = o.spareHosts.filter((n) => vpnOf.has(n));
    }
    const vantage = explicit ?? (members.length === 1 && spares.length > 0 ? spares[0] : members[0]);
    if (vantage === undefined) {
      skipped.vpn = 'no audited host has a VPN address';
      return [];
    }
    const probers = vpnProbers(vantage, members, spares);
    if (!probers.has(vantage) && audits.has(vantage)) audits.get(vantage)!.notProbed.vpn = 'no other VPN member to probe it from';
    const byProber = new Map<string, ProbeTarget[]>();
    for (const [host, prober] of probers) {
      const list = byProber.get(prober) ?? [];
      list.push({ host, address: vpnOf.get(host)! });
      byProber.set(prober, list);
    }
    const source = explicit === undefined ? 'default' : o.vpn.source;
    return Promise.all([...byProber].map(([prober, targets]) => runScriptJob(sshJob('vpn', prober, prober === vantage ? source : NEXT_VPN_MEMBER, targets, o), o)));
  };

  const [vpnDone, ...others] = await Promise.all([vpnPart(), ...jobs]);
  const all = [...others, ...vpnDone];
  const byHost = new Map(o.hosts.map((h) => [h.name, h.policy]));
  const findings = all.flatMap((j) => j.results).map((r) => judgeProbe(r, byHost.get(r.host)!));
  const order = new Map(o.hosts.map((h, i) => [h.name, i]));
  const kindOrder: Record<VantageKind, number> = { outside: 0, vpn: 1, private: 2 };
  findings.sort((a, b) => order.get(a.host)! - order.get(b.host)! || kindOrder[a.vantage] - kindOrder[b.vantage] || a.port - b.port);
  const isFallback = (v: VantageRun) => (v.source === NEXT_VPN_MEMBER ? 1 : 0);
  const vantages = all.map((j) => j.run).sort((a, b) => kindOrder[a.vantage] - kindOrder[b.vantage] || isFallback(a) - isFallback(b));
  return { ports: o.ports, hosts: [...audits.values()], vantages, skipped, findings, unreachable, durationMs: Date.now() - started };
}
