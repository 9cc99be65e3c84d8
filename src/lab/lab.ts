// The lab's public API: labUp, labDown, labDownAll, labStatus, labInfo, labSshCommand. See docs/lab.md.
import { LabError, UsageError } from '../errors.js';
import { checkLabName, listLabNames, readLabInfo } from './lab-state.js';
import type { LabInfo } from './lab-types.js';
import { preflight } from './preflight.js';
import { teardownLab, type TeardownSummary } from './teardown.js';

export type { LabHost, LabHostSpec, LabInfo, LabKind, LabStatus, LabUpOptions } from './lab-types.js';
export type { TeardownSummary } from './teardown.js';
export { defaultTopology } from './topology.js';
export { labStatus } from './lab-status.js';
export { labUp } from './lab-up.js';

export function labDown(name = 'default'): Promise<TeardownSummary> {
  preflight('namespace');
  return teardownLab(checkLabName(name));
}

/** Every lab recorded on this machine, including ones a crash left behind. */
export async function labDownAll(): Promise<TeardownSummary[]> {
  preflight('namespace');
  const summaries: TeardownSummary[] = [];
  for (const name of listLabNames()) summaries.push(await teardownLab(name));
  return summaries;
}

export function labInfo(name = 'default'): LabInfo {
  const info = readLabInfo(checkLabName(name));
  if (!info) throw new LabError(`no lab named ${name} is up`, { hint: `tsinfra lab up --name ${name}` });
  return info;
}

/** The OpenSSH command line that opens a shell (or runs `command`) on a lab host. */
export function labSshCommand(name: string, host: string, command: readonly string[] = []): string[] {
  const info = labInfo(name);
  if (!info.hosts.some((h) => h.name === host)) {
    throw new UsageError(`lab ${name} has no host ${host}`, { hint: `hosts: ${info.hosts.map((h) => h.name).join(', ')}` });
  }
  return ['ssh', '-F', info.sshConfigPath, host, ...(command.length ? ['--', ...command] : [])];
}
