// One lab host, from plan to answering sshd: its state directory and seed, its network namespace, its boot.
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { InterruptedError } from '../errors.js';
import { hostAddress, hostNetns } from './addressing.js';
import type { AptRepo } from './apt-repo.js';
import { writeHostEnv, writeSeed } from './host-seed.js';
import type { LabRecord } from './lab-state.js';
import type { LabHost } from './lab-types.js';
import { startNamespaceHost } from './namespace-host.js';
import { createHostNetworks } from './network.js';
import { knownHostsLines, type ControllerKey } from './ssh-keys.js';
import { isSshAnswering, waitForSshBanner } from './ssh-probe.js';
import { startSystemdHost } from './systemd-host.js';
import { installHostPackages } from './host-packages.js';
import type { PlannedHost } from './topology.js';

/** What every host of one `up` shares. */
export interface UpContext {
  record: LabRecord;
  stateDir: string;
  key: ControllerKey;
  repo: AptRepo;
  rootfs?: string;
  bootScript: string;
  /** Installed on every host once it is up (apt, from the lab's repository). */
  packages: string[];
  signal?: AbortSignal;
}

export function throwIfAborted(signal?: AbortSignal): void {
  if (signal?.aborted) throw new InterruptedError(typeof signal.reason === 'string' ? signal.reason : 'abort');
}

interface HostAddresses {
  publicAddress?: string;
  privateAddress: string;
}

function addressesOf(index: number, plan: PlannedHost): HostAddresses {
  const privateAddress = hostAddress(index, 'private', plan.number);
  return plan.hasPublic ? { publicAddress: hostAddress(index, 'public', plan.number), privateAddress } : { privateAddress };
}

function prepareHostDir(ctx: UpContext, plan: PlannedHost): { hostDir: string; hostPublicKey: string } {
  const hostDir = join(ctx.stateDir, 'hosts', plan.name);
  mkdirSync(hostDir, { mode: 0o700 }); // not recursive: fails if the state dir was removed meanwhile
  const { hostPublicKey } = writeSeed({ hostName: plan.name, hostDir, controllerPublicKey: ctx.key.publicKey });
  const netns = hostNetns(ctx.record.index, plan.name);
  writeHostEnv(hostDir, {
    HOST_NAME: plan.name,
    NETNS: netns,
    MACHINE: netns,
    LAB_DIR: ctx.stateDir,
    APT_REPO: ctx.repo.dir,
    APT_LISTS: ctx.repo.listsDir,
    ROOTFS: ctx.rootfs ?? '',
  });
  return { hostDir, hostPublicKey };
}

/** Returns the host's PID 1 once its sshd answers. */
async function bootHost(ctx: UpContext, plan: PlannedHost, hostDir: string, addresses: HostAddresses): Promise<number> {
  const common = { stateDir: ctx.stateDir, hostName: plan.name, hostDir, netns: hostNetns(ctx.record.index, plan.name) };
  if (ctx.record.kind === 'systemd') {
    const isSshReady = () => isSshAnswering(ctx.record.index, addresses);
    return (await startSystemdHost({ ...common, bootScript: ctx.bootScript, isSshReady })).pid;
  }
  const init = await startNamespaceHost({ ...common, initScript: ctx.bootScript });
  // The init reports sshd started; public hosts must also answer through the bridge before `up` returns.
  if (addresses.publicAddress) await waitForSshBanner(addresses.publicAddress, plan.name);
  return init.pid;
}

export interface HostResult {
  host: LabHost;
  knownHosts: string[];
}

export async function upHost(ctx: UpContext, plan: PlannedHost): Promise<HostResult> {
  throwIfAborted(ctx.signal);
  const { hostDir, hostPublicKey } = prepareHostDir(ctx, plan);
  await createHostNetworks({ index: ctx.record.index, stateDir: ctx.stateDir }, [plan]);
  const addresses = addressesOf(ctx.record.index, plan);
  const initPid = await bootHost(ctx, plan, hostDir, addresses);
  if (ctx.packages.length) {
    throwIfAborted(ctx.signal);
    await installHostPackages({ hostName: plan.name, initPid, packages: ctx.packages });
  }
  const netns = hostNetns(ctx.record.index, plan.name);
  const host: LabHost = { name: plan.name, groups: plan.groups, ...addresses, sshAddress: addresses.publicAddress ?? addresses.privateAddress, netns, initPid };
  const knownAddresses = addresses.publicAddress ? [addresses.publicAddress, addresses.privateAddress] : [addresses.privateAddress];
  return { host, knownHosts: knownHostsLines(knownAddresses, hostPublicKey) };
}
