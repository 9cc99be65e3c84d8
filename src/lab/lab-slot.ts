// Picks a free slot for a new lab, under a lock so concurrent `lab up`s never pick the same one. A slot is free when
// no recorded lab holds it and nothing on the machine already uses its names or subnets (leftovers, other tools).
import { join } from 'node:path';
import { LabError } from '../errors.js';
import { LAB_SLOTS, labPrefix, networkAddress } from './addressing.js';
import { withFileLock } from './file-lock.js';
import { labStateRoot } from './lab-paths.js';
import { listLabNames, readLabRecord, writeLabRecord, type LabRecord } from './lab-state.js';
import type { LabKind } from './lab-types.js';
import { refOf } from './process-identity.js';
import { runTool } from './run-tool.js';

async function namesAndRoutesInUse(): Promise<string> {
  const [netns, links, routes] = await Promise.all([
    runTool('ip', ['netns', 'list'], { allowFailure: true }),
    runTool('ip', ['-o', 'link', 'show'], { allowFailure: true }),
    runTool('ip', ['-4', 'route', 'show', 'table', 'all'], { allowFailure: true }),
  ]);
  return [netns.stdout, links.stdout, routes.stdout].join('\n');
}

function isSlotTaken(index: number, recorded: Set<number>, inUse: string): boolean {
  if (recorded.has(index)) return true;
  const prefix = labPrefix(index);
  const nameTaken = new RegExp(`(^|[\\s:])${prefix}-`, 'm').test(inUse);
  const subnetTaken = (['public', 'private', 'vpn'] as const).some((role) => inUse.includes(`${networkAddress(index, role)}/`));
  return nameTaken || subnetTaken;
}

/** Creates the lab's record (phase `creating`) in a free slot. Fails if a lab of that name exists. */
export async function claimLabSlot(name: string, kind: LabKind): Promise<LabRecord> {
  return withFileLock(join(labStateRoot(), '.slots.lock'), async () => {
    if (readLabRecord(name)) {
      throw new LabError(`a lab named ${name} already exists`, { hint: `tsinfra lab down --name ${name}` });
    }
    const recorded = new Set(listLabNames().flatMap((n) => readLabRecord(n)?.index ?? []));
    const inUse = await namesAndRoutesInUse();
    const index = Array.from({ length: LAB_SLOTS }, (_, i) => i).find((i) => !isSlotTaken(i, recorded, inUse));
    if (index === undefined) {
      throw new LabError(`all ${LAB_SLOTS} lab slots are in use`, { hint: 'tsinfra lab status; tsinfra lab down --all' });
    }
    const owner = refOf(process.pid);
    if (!owner) throw new LabError('cannot read /proc/self/stat');
    const record: LabRecord = { version: 1, name, kind, index, prefix: labPrefix(index), phase: 'creating', createdAt: new Date().toISOString(), owner };
    writeLabRecord(record);
    return record;
  });
}
