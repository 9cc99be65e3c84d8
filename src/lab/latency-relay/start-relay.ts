// Starting the latency relay at `lab up --latency-ms N`: its config in the state dir, then one detached Node process
// journaled as a controller-side service, so `lab down` kills it with the hosts.
import { closeSync, mkdirSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LabError } from '../../errors.js';
import { spawnDetached } from '../host-process.js';
import { recordObject } from '../lab-state.js';
import type { LabHost, LabLatency } from '../lab-types.js';
import { RELAY_DIR, relayConfigPath, relayLogPath, relayReadyPath, type RelayConfig } from './relay.js';

/** Host number i (1-based, in the lab's host order) listens on BASE + i on the controller's public address. */
export const RELAY_BASE_PORT = 22000;

function relayCommand(stateDir: string): string[] {
  const isSource = import.meta.url.endsWith('.ts');
  const main = fileURLToPath(new URL(`./relay-main.${isSource ? 'ts' : 'js'}`, import.meta.url));
  return isSource ? ['--import', import.meta.resolve('tsx'), main, stateDir] : [main, stateDir];
}

function logTail(stateDir: string): string {
  try {
    return readFileSync(relayLogPath(stateDir), 'utf8').trim().split('\n').slice(-4).join(' | ');
  } catch {
    return '';
  }
}

function isReady(stateDir: string): boolean {
  try {
    return readFileSync(relayReadyPath(stateDir), 'utf8').startsWith('ready');
  } catch {
    return false;
  }
}

export interface RelayStart {
  stateDir: string;
  controllerAddress: string;
  delayMs: number;
  hosts: LabHost[];
}

/** Starts the relay for the hosts with a public address; returns where each is reached and the relay's process. */
export async function startLatencyRelay(opts: RelayStart, timeoutMs = 20_000): Promise<{ latency: LabLatency; ports: Map<string, number> }> {
  const ports = new Map<string, number>();
  const config: RelayConfig = { listenAddress: opts.controllerAddress, delayMs: opts.delayMs, routes: [] };
  opts.hosts.forEach((h, i) => {
    if (!h.publicAddress) return;
    const listenPort = RELAY_BASE_PORT + i + 1;
    ports.set(h.name, listenPort);
    config.routes.push({ host: h.name, listenPort, targetAddress: h.publicAddress, targetPort: 22 });
  });
  mkdirSync(join(opts.stateDir, RELAY_DIR), { recursive: true, mode: 0o700 });
  writeFileSync(relayConfigPath(opts.stateDir), `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  const log = openSync(relayLogPath(opts.stateDir), 'a', 0o600);
  let proc;
  try {
    proc = spawnDetached(process.execPath, relayCommand(opts.stateDir), log, (ref) =>
      recordObject(opts.stateDir, { type: 'process', ...ref, host: 'controller', role: 'service' }),
    );
  } finally {
    closeSync(log);
  }
  const deadline = Date.now() + timeoutMs;
  while (!isReady(opts.stateDir)) {
    if (proc.hasExited()) throw new LabError(`the latency relay exited: ${logTail(opts.stateDir)}`, { hint: `see ${relayLogPath(opts.stateDir)}` });
    if (Date.now() > deadline) throw new LabError(`the latency relay did not start in ${timeoutMs / 1000} s: ${logTail(opts.stateDir)}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { latency: { delayMs: opts.delayMs, relayAddress: opts.controllerAddress, relayProcess: proc.ref }, ports };
}
