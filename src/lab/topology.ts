// Which hosts a lab has: the cluster we serve by default, numbered nodes for benchmarks, or explicit specs.
import { UsageError } from '../errors.js';
import { MAX_HOSTS } from './addressing.js';
import type { LabHostSpec } from './lab-types.js';

export interface PlannedHost {
  name: string;
  groups: string[];
  hasPublic: boolean;
  /** 1-based position: picks addresses and interface names. */
  number: number;
}

/** master1..3 (masters) and worker1..2 (workers). */
export function defaultTopology(): LabHostSpec[] {
  return [
    { name: 'master1', groups: ['masters'] },
    { name: 'master2', groups: ['masters'] },
    { name: 'master3', groups: ['masters'] },
    { name: 'worker1', groups: ['workers'] },
    { name: 'worker2', groups: ['workers'] },
  ];
}

/** Up to 5: the first N of the default topology. Beyond: host01..hostNN (width grows with N) in group `nodes`. */
export function topologyForCount(count: number): LabHostSpec[] {
  if (!Number.isInteger(count) || count < 1) throw new UsageError(`--hosts must be a positive integer, got ${count}`);
  if (count <= 5) return defaultTopology().slice(0, count);
  const width = Math.max(2, String(count).length);
  return Array.from({ length: count }, (_, i) => ({ name: `host${String(i + 1).padStart(width, '0')}`, groups: ['nodes'] }));
}

// A host name becomes a hostname and part of a namespace name: keep it to what both accept.
const HOST_NAME = /^[a-z][a-z0-9-]{0,30}$/;
const GROUP_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

function validateSpec(spec: LabHostSpec, seen: Set<string>): void {
  if (!HOST_NAME.test(spec.name)) throw new UsageError(`lab host name ${JSON.stringify(spec.name)} must match ${HOST_NAME}`);
  if (seen.has(spec.name)) throw new UsageError(`lab host ${spec.name} is listed twice`);
  seen.add(spec.name);
  for (const g of spec.groups ?? []) {
    if (!GROUP_NAME.test(g) || g === 'all') throw new UsageError(`lab host ${spec.name}: bad group name ${JSON.stringify(g)}`);
  }
}

export function planHosts(hosts: number | LabHostSpec[] | undefined): PlannedHost[] {
  const specs = hosts === undefined ? defaultTopology() : typeof hosts === 'number' ? topologyForCount(hosts) : hosts;
  if (specs.length === 0) throw new UsageError('a lab needs at least one host');
  if (specs.length > MAX_HOSTS) throw new UsageError(`a lab holds at most ${MAX_HOSTS} hosts, asked for ${specs.length}`);
  const seen = new Set<string>();
  specs.forEach((s) => validateSpec(s, seen));
  return specs.map((s, i) => ({ name: s.name, groups: s.groups ?? [], hasPublic: s.public !== false, number: i + 1 }));
}
