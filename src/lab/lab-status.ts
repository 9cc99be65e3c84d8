// `lab status`: every recorded lab, whether each host's init is still the process we started, and whether sshd
// answers.
import { LabError } from '../errors.js';
import { labStateDir } from './lab-paths.js';
import { isValidLabName, listLabNames, readLabInfo, readLabRecord, readObjects, type LabRecord } from './lab-state.js';
import type { LabHost, LabHostStatus, LabStatus } from './lab-types.js';
import { isSameProcessAlive, type ProcessRef } from './process-identity.js';
import { isSshAnswering } from './ssh-probe.js';

function phaseOf(record: LabRecord): LabStatus['phase'] {
  if (record.phase === 'up') return 'up';
  return isSameProcessAlive(record.owner) ? 'creating' : 'incomplete';
}

async function hostStatus(index: number, host: LabHost, inits: ProcessRef[]): Promise<LabHostStatus> {
  return { name: host.name, isInitAlive: inits.some(isSameProcessAlive), isSshAnswering: await isSshAnswering(index, host) };
}

function recordedInits(name: string): Map<string, ProcessRef[]> {
  const byHost = new Map<string, ProcessRef[]>();
  for (const o of readObjects(labStateDir(name))) {
    if (o.type === 'process' && o.role === 'init') byHost.set(o.host, [...(byHost.get(o.host) ?? []), o]);
  }
  return byHost;
}

async function statusOf(name: string): Promise<LabStatus | undefined> {
  const record = readLabRecord(name);
  if (!record) return undefined;
  const info = readLabInfo(name);
  const inits = recordedInits(name);
  const hosts = info ? await Promise.all(info.hosts.map((h) => hostStatus(record.index, h, inits.get(h.name) ?? []))) : [];
  return { name, kind: record.kind, phase: phaseOf(record), stateDir: labStateDir(name), info, hosts };
}

/** One lab (throws if unknown) or all recorded labs. */
export async function labStatus(name?: string): Promise<LabStatus[]> {
  if (name !== undefined) {
    const status = isValidLabName(name) ? await statusOf(name) : undefined;
    if (!status) throw new LabError(`no lab named ${name}`);
    return [status];
  }
  const all = await Promise.all(listLabNames().map(statusOf));
  return all.filter((s): s is LabStatus => s !== undefined);
}
