// `lab up`: claim a slot, create the networks, boot the hosts (bounded concurrency), write the inventory.
import { cpus } from 'node:os';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import pLimit from 'p-limit';
import { LabError } from '../errors.js';
import { neighbourAddress, neighbourNetns } from './addressing.js';
import { HOST_REPO_PATH, HOST_SOURCE_LINE, checkPackageNames, ensureAptRepo, type AptRepo } from './apt-repo.js';
import { writeInventory, writeSshConfig } from './inventory-writer.js';
import { throwIfAborted, upHost, type HostResult, type UpContext } from './lab-host.js';
import { hiddenPaths, labStateDir } from './lab-paths.js';
import { claimLabSlot } from './lab-slot.js';
import { checkLabName, readLabRecord, writeLabInfo, writeLabRecord } from './lab-state.js';
import type { LabHost, LabInfo, LabKind, LabUpOptions, LabZerotier } from './lab-types.js';
import { prepareNamespaceBoot } from './namespace-host.js';
import { createBridges, createNeighbour, describeNetworks } from './network.js';
import { preflight } from './preflight.js';
import { raiseKernelLimits } from './kernel-limits.js';
import { ensureRootfs } from './rootfs.js';
import { createControllerKey, writeKnownHosts } from './ssh-keys.js';
import { writeSystemdBoot } from './systemd-host.js';
import { ensureZerotierDoubleRepo, type ZerotierDoubleRepo } from './zerotier-double/double-repo.js';
import { startZerotierDouble } from './zerotier-double/zerotier-double.js';
import { startLatencyRelay } from './latency-relay/start-relay.js';
import { teardownLab } from './teardown.js';
import type { PlannedHost } from './topology.js';
import { planHosts } from './topology.js';

const SKIPPED = Symbol('skipped after another host failed');

/** All hosts, bounded; after the first failure no new host starts, and in-flight ones settle before we return. */
async function upHosts(ctx: UpContext, plans: PlannedHost[], concurrency: number): Promise<HostResult[]> {
  const limit = pLimit(concurrency);
  let hasFailed = false;
  const settled = await Promise.allSettled(
    plans.map((p) =>
      limit(async () => {
        if (hasFailed) throw SKIPPED;
        return upHost(ctx, p).catch((err: unknown) => {
          hasFailed = true;
          throw err;
        });
      }),
    ),
  );
  const failure = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected' && r.reason !== SKIPPED);
  if (failure) throw failure.reason;
  return settled.map((r) => (r as PromiseFulfilledResult<HostResult>).value);
}

function buildInfo(ctx: UpContext, hosts: LabHost[], zerotier: LabZerotier): LabInfo {
  const index = ctx.record.index;
  const networks = describeNetworks(index);
  return {
    name: ctx.record.name,
    kind: ctx.record.kind,
    index,
    prefix: ctx.record.prefix,
    stateDir: ctx.stateDir,
    inventoryPath: join(ctx.stateDir, 'inventory.yml'),
    sshConfigPath: join(ctx.stateDir, 'ssh_config'),
    privateKeyPath: ctx.key.privateKeyPath,
    publicKeyPath: ctx.key.publicKeyPath,
    knownHostsPath: join(ctx.stateDir, 'known_hosts'),
    controllerAddress: networks.public.controllerAddress ?? '',
    networks,
    neighbour: { netns: neighbourNetns(index), address: neighbourAddress(index) },
    hosts,
    aptRepository: { path: HOST_REPO_PATH, sourceLine: HOST_SOURCE_LINE, ...(ctx.packages.length ? { installed: ctx.packages } : {}) },
    zerotier,
  };
}

async function prepareShared(kind: LabKind, packages: string[], progress: (m: string) => void): Promise<{ repo: AptRepo; rootfs?: string; zerotierRepo: ZerotierDoubleRepo }> {
  // The rootfs first: the repository's dependency closure must cover its minimal system.
  const rootfs = kind === 'systemd' ? await ensureRootfs(progress) : undefined;
  const repo = await ensureAptRepo(packages, progress);
  const zerotierRepo = await ensureZerotierDoubleRepo(progress);
  return { repo, rootfs, zerotierRepo };
}

/** `[relay]:port KEY` for each relayed host, beside the host's own lines. */
function relayKnownHosts(info: LabInfo, results: HostResult[]): string[] {
  if (!info.latency) return [];
  return results.flatMap((r) => {
    const key = r.knownHosts[0]?.split(' ').slice(1).join(' ');
    return r.host.relayPort !== undefined && key ? [`[${info.latency!.relayAddress}]:${r.host.relayPort} ${key}`] : [];
  });
}

async function bringUp(ctx: UpContext, zerotierRepo: ZerotierDoubleRepo, plans: PlannedHost[], concurrency: number, latencyMs?: number): Promise<LabInfo> {
  mkdirSync(join(ctx.stateDir, 'hosts'), { mode: 0o700 });
  writeFileSync(join(ctx.stateDir, 'hidden-paths'), hiddenPaths().map((p) => `${p}\n`).join(''), { mode: 0o600 });
  const net = { index: ctx.record.index, stateDir: ctx.stateDir };
  await createBridges(net);
  await createNeighbour(net);
  // The ZeroTier test double's server needs the controller's address (on the public bridge); it starts while hosts boot.
  const networks = describeNetworks(ctx.record.index);
  const zerotierStarting = startZerotierDouble({
    labName: ctx.record.name, stateDir: ctx.stateDir, labIndex: ctx.record.index,
    controllerAddress: networks.public.controllerAddress ?? '', networks, repo: zerotierRepo,
  });
  zerotierStarting.catch(() => {}); // awaited below; a host failure must not leave it unhandled
  const results = await upHosts(ctx, plans, concurrency);
  const info = buildInfo(ctx, results.map((r) => r.host), await zerotierStarting);
  if (latencyMs !== undefined) {
    const relay = await startLatencyRelay({ stateDir: ctx.stateDir, controllerAddress: info.controllerAddress, delayMs: latencyMs, hosts: info.hosts });
    info.latency = relay.latency;
    for (const h of info.hosts) h.relayPort = relay.ports.get(h.name);
  }
  writeKnownHosts(info.knownHostsPath, [...results.flatMap((r) => r.knownHosts), ...relayKnownHosts(info, results)]);
  writeInventory(info);
  writeSshConfig(info);
  writeLabInfo(info);
  return info;
}

/** Brings a lab up and returns once every host's sshd answers. On failure, removes what it created. */
export async function labUp(opts: LabUpOptions = {}): Promise<LabInfo> {
  const name = checkLabName(opts.name ?? 'default');
  const kind: LabKind = opts.kind ?? 'namespace';
  const progress = opts.onProgress ?? (() => {});
  const plans = planHosts(opts.hosts);
  if (opts.latencyMs !== undefined && (!Number.isInteger(opts.latencyMs) || opts.latencyMs < 0 || opts.latencyMs > 10_000)) {
    throw new LabError(`latencyMs must be an integer from 0 to 10000 (got ${opts.latencyMs})`);
  }
  const packages = [...new Set(opts.packages ?? [])];
  checkPackageNames(packages, 'packages');
  checkPackageNames(opts.servePackages ?? [], 'servePackages');
  preflight(kind);
  raiseKernelLimits(plans.length, progress);
  if (readLabRecord(name)) throw new LabError(`a lab named ${name} already exists`, { hint: `tsinfra lab down --name ${name}` });
  const shared = await prepareShared(kind, [...packages, ...(opts.servePackages ?? [])], progress);
  throwIfAborted(opts.signal);
  const record = await claimLabSlot(name, kind);
  const stateDir = labStateDir(name);
  try {
    const key = await createControllerKey(stateDir, name);
    const bootScript = kind === 'namespace' ? await prepareNamespaceBoot(stateDir) : writeSystemdBoot(stateDir);
    const ctx: UpContext = { record, stateDir, key, repo: shared.repo, rootfs: shared.rootfs, bootScript, packages, signal: opts.signal };
    progress(`lab ${name}: booting ${plans.length} ${kind} hosts (networks ${describeNetworks(record.index).public.cidr}, ...)`);
    const info = await bringUp(ctx, shared.zerotierRepo, plans, opts.concurrency ?? Math.max(2, cpus().length * 4), opts.latencyMs);
    writeLabRecord({ ...record, phase: 'up' });
    return info;
  } catch (err) {
    await teardownLab(name).catch((cleanup: unknown) => {
      progress(`lab ${name}: cleanup after the failure is incomplete (${(cleanup as Error).message}); run: tsinfra lab down --name ${name}`);
    });
    throw err;
  }
}
