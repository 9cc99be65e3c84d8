// What the lab's ZeroTier Central stand-in (a TEST DOUBLE) keeps in the lab's state directory, hidden from hosts:
// config.json (network id, API token, where to listen: written by `lab up`) and central.json (members, their
// authorization and assigned addresses: written by the stand-in). Both mode 0600: the token is a secret.
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface CentralConfig {
  labName: string;
  stateDir: string;
  /** The lab's slot: names the outer veth ends (`tsi03-001z`). */
  labIndex: number;
  networkId: string;
  networkName: string;
  token: string;
  listenAddress: string;
  port: number;
  /** The signed apt repository served at the HTTP root (double-repo.ts). */
  siteDir: string;
  vpnCidr: string;
  vpnBridge: string;
}

export interface CentralMember {
  nodeId: string;
  name: string;
  description: string;
  hidden: boolean;
  authorized: boolean;
  ipAssignments: string[];
  creationTime: number;
  lastAuthorizedTime: number;
  lastDeauthorizedTime: number;
  revision: number;
}

export interface CentralState {
  members: Record<string, CentralMember>;
}

export function doubleDir(stateDir: string): string {
  return join(stateDir, 'zerotier-double');
}

export const configPath = (stateDir: string) => join(doubleDir(stateDir), 'config.json');
const statePath = (stateDir: string) => join(doubleDir(stateDir), 'central.json');
export const readyPath = (stateDir: string) => join(doubleDir(stateDir), 'status');
export const logPath = (stateDir: string) => join(doubleDir(stateDir), 'server.log');

function writeJson(path: string, value: unknown): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

export function writeCentralConfig(config: CentralConfig): void {
  mkdirSync(doubleDir(config.stateDir), { recursive: true, mode: 0o700 });
  writeJson(configPath(config.stateDir), config);
}

export function readCentralConfig(stateDir: string): CentralConfig {
  return JSON.parse(readFileSync(configPath(stateDir), 'utf8')) as CentralConfig;
}

export function readCentralState(stateDir: string): CentralState {
  try {
    return JSON.parse(readFileSync(statePath(stateDir), 'utf8')) as CentralState;
  } catch {
    return { members: {} };
  }
}

export function writeCentralState(stateDir: string, state: CentralState): void {
  writeJson(statePath(stateDir), state);
}
