// Starting the lab's ZeroTier TEST DOUBLE at `lab up`: a fresh network id and API token (kept in the state dir,
// mode 0600), then the HTTP server (central-server.ts) as a detached process on the controller's public address,
// journaled so `lab down` kills it. Returns what the inventory and LabInfo publish.
import { randomBytes } from 'node:crypto';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { LabError } from '../../errors.js';
import { spawnDetached } from '../host-process.js';
import { recordObject } from '../lab-state.js';
import type { LabNetworks, LabZerotier } from '../lab-types.js';
import { doubleDir, logPath, readyPath, writeCentralConfig } from './central-state.js';
import type { ZerotierDoubleRepo } from './double-repo.js';

/** The server's port on the controller's public address (unique per lab, so one port fits every lab). */
export const ZT_DOUBLE_PORT = 8399;

export interface ZerotierDoubleStart {
  labName: string;
  stateDir: string;
  labIndex: number;
  controllerAddress: string;
  networks: LabNetworks;
  repo: ZerotierDoubleRepo;
}

/** node + the server's entry point; under tsx (tests, `npm run` from src) the TypeScript source through tsx. */
function serverCommand(stateDir: string): string[] {
  const isSource = import.meta.url.endsWith('.ts');
  const main = fileURLToPath(new URL(`./central-main.${isSource ? 'ts' : 'js'}`, import.meta.url));
  return isSource ? ['--import', import.meta.resolve('tsx'), main, stateDir] : [main, stateDir];
}

function logTail(stateDir: string): string {
  try {
    return readFileSync(logPath(stateDir), 'utf8').trim().split('\n').slice(-4).join(' | ');
  } catch {
    return '';
  }
}

function isReady(stateDir: string): boolean {
  try {
    return readFileSync(readyPath(stateDir), 'utf8').includes('ready');
  } catch {
    return false;
  }
}

export async function startZerotierDouble(opts: ZerotierDoubleStart, timeoutMs = 20_000): Promise<LabZerotier> {
  const networkId = randomBytes(8).toString('hex');
  const apiToken = randomBytes(16).toString('hex');
  const base = `http://${opts.controllerAddress}:${ZT_DOUBLE_PORT}`;
  const networkName = `tsinfra-lab-${opts.labName}`.slice(0, 64);
  writeCentralConfig({
    labName: opts.labName,
    stateDir: opts.stateDir,
    labIndex: opts.labIndex,
    networkId,
    networkName,
    token: apiToken,
    listenAddress: opts.controllerAddress,
    port: ZT_DOUBLE_PORT,
    siteDir: opts.repo.siteDir,
    vpnCidr: opts.networks.vpn.cidr,
    vpnBridge: opts.networks.vpn.bridge,
  });
  const log = openSync(logPath(opts.stateDir), 'a', 0o600);
  let proc;
  try {
    proc = spawnDetached(process.execPath, serverCommand(opts.stateDir), log, (ref) =>
      recordObject(opts.stateDir, { type: 'process', ...ref, host: 'controller', role: 'service' }),
    );
  } finally {
    closeSync(log);
  }
  const deadline = Date.now() + timeoutMs;
  while (!isReady(opts.stateDir)) {
    if (proc.hasExited()) throw new LabError(`the ZeroTier test double's server exited: ${logTail(opts.stateDir)}`, { hint: `see ${doubleDir(opts.stateDir)}/server.log` });
    if (Date.now() > deadline) throw new LabError(`the ZeroTier test double's server did not start in ${timeoutMs / 1000} s: ${logTail(opts.stateDir)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    networkId,
    networkName,
    apiUrl: `${base}/api/v1`,
    apiToken,
    aptRepoUrl: `${base}/debian`,
    codenames: opts.repo.codenames,
    aptKeyUrl: `${base}/contact%40zerotier.com.gpg`,
    aptKey: opts.repo.armoredKey,
  };
}
