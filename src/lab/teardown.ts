// `lab down`: removes exactly what the lab's journal says it created, after a clean `up` or a crash halfway.
// Processes are killed only if PID and start time still match; names must carry the lab's prefix, so a damaged
// or forged journal cannot reach another lab's objects. Idempotent: a missing object is already gone.
import { existsSync, readFileSync, readdirSync, rmdirSync, rmSync, statSync } from 'node:fs';
import { join, sep } from 'node:path';
import { LabError } from '../errors.js';
import { labStateDir } from './lab-paths.js';
import { readLabRecord, readObjects, removeLabState, type LabObject } from './lab-state.js';
import { isNamespaceInit, netnsInode, processesInNetns, signalIfSame, waitForExit, type ProcessRef } from './process-identity.js';
import { runTool } from './run-tool.js';

export interface TeardownSummary {
  name: string;
  processes: number;
  netns: number;
  links: number;
  existed: boolean;
}

type Of<T extends LabObject['type']> = Extract<LabObject, { type: T }>;

function pick<T extends LabObject['type']>(objects: LabObject[], type: T, isOurs: (o: Of<T>) => boolean): Of<T>[] {
  return objects.filter((o): o is Of<T> => o.type === type).filter(isOurs);
}

function killAll(refs: readonly ProcessRef[]): number {
  return refs.filter((r) => signalIfSame(r, 'SIGKILL')).length;
}

function scanNetns(netnsNames: string[]): ProcessRef[] {
  const inodes = netnsNames.flatMap((n) => netnsInode(n) ?? []);
  return [...processesInNetns(inodes).values()].flat();
}

/**
 * Hosts' inits die first and take their PID namespaces along; their wrappers (unshare, nspawn) then reap them and
 * exit on their own. Whatever is still alive, recorded or inside the lab's namespaces, is killed after that.
 */
async function killProcesses(objects: LabObject[], netnsNames: string[]): Promise<number> {
  const recorded = pick(objects, 'process', () => true);
  // Controller-side services (the ZeroTier test double's server) never exit on their own: they go with the inits.
  const inits = [...recorded.filter((p) => p.role === 'init' || p.role === 'service'), ...scanNetns(netnsNames).filter((p) => isNamespaceInit(p.pid))];
  let killed = killAll(inits);
  const survivors = await waitForExit(recorded, 5000);
  killed += killAll([...survivors, ...scanNetns(netnsNames)]);
  const stubborn = await waitForExit([...recorded, ...scanNetns(netnsNames)], 5000);
  if (stubborn.length > 0) throw new LabError(`processes ${stubborn.map((p) => p.pid).join(', ')} survived SIGKILL`);
  return killed;
}

async function ipBatchIgnoringMissing(lines: string[]): Promise<void> {
  if (lines.length === 0) return;
  // -force keeps going past a failed line; each object is re-checked afterwards.
  await runTool('ip', ['-force', '-batch', '-'], { input: `${lines.join('\n')}\n`, allowFailure: true });
}

async function removeNetns(names: string[]): Promise<number> {
  const present = names.filter((n) => existsSync(`/run/netns/${n}`));
  await ipBatchIgnoringMissing(present.map((n) => `netns del ${n}`));
  const left = present.filter((n) => existsSync(`/run/netns/${n}`));
  if (left.length > 0) throw new LabError(`cannot delete network namespaces ${left.join(', ')}`);
  return present.length;
}

/** Veths usually vanish with their namespace, but the kernel cleans namespaces up asynchronously: retry a while. */
async function removeLinks(names: string[]): Promise<number> {
  const exists = (n: string) => existsSync(`/sys/class/net/${n}`);
  const present = names.filter(exists);
  let left = present;
  for (let attempt = 0; left.length > 0; attempt++) {
    if (attempt >= 20) throw new LabError(`cannot delete interfaces ${left.join(', ')}`);
    await ipBatchIgnoringMissing(left.map((n) => `link del ${n}`));
    left = left.filter(exists);
    if (left.length > 0) await new Promise((r) => setTimeout(r, 250));
  }
  return present.length;
}

function removeCgroupTree(path: string): void {
  if (!existsSync(path)) return;
  for (const entry of readdirSync(path)) {
    const child = join(path, entry);
    if (statSync(child).isDirectory()) removeCgroupTree(child);
  }
  rmdirSync(path); // a cgroup goes with rmdir once empty of processes and children; its files are virtual
}

async function removeCgroups(paths: string[]): Promise<void> {
  for (const path of paths) {
    for (let attempt = 0; ; attempt++) {
      try {
        removeCgroupTree(path);
        break;
      } catch (err) {
        // A cgroup stays busy for a moment after its last process exits.
        if (attempt >= 40) throw new LabError(`cannot remove cgroup ${path}: ${(err as Error).message}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    }
  }
}

/** Mounts under the state dir should not exist (hosts mount in their own namespaces): never rm -rf through one. */
async function unmountUnder(dir: string): Promise<void> {
  const points = readFileSync('/proc/self/mountinfo', 'utf8')
    .split('\n')
    .map((l) => l.split(' ')[4] ?? '')
    .filter((p) => p === dir || p.startsWith(dir + sep))
    .sort((a, b) => b.length - a.length);
  for (const p of points) await runTool('umount', ['-l', p], { allowFailure: true });
}

export async function teardownLab(name: string): Promise<TeardownSummary> {
  const stateDir = labStateDir(name);
  if (!existsSync(stateDir)) return { name, processes: 0, netns: 0, links: 0, existed: false };
  const record = readLabRecord(name);
  const objects = record ? readObjects(stateDir) : [];
  const ours = (n: string) => record !== undefined && n.startsWith(`${record.prefix}-`);
  const netns = [...new Set(pick(objects, 'netns', (o) => ours(o.name)).map((o) => o.name))];
  const links = [...new Set(pick(objects, 'link', (o) => ours(o.name)).map((o) => o.name))];
  const cgroups = pick(objects, 'cgroup', (o) => record !== undefined && o.path.includes(`${sep}tsinfra${sep}${record.prefix}-`));
  const paths = pick(objects, 'path', (o) => o.path.startsWith('/run/systemd/nspawn/') && ours(o.path.split(sep).pop() ?? ''));

  const processes = await killProcesses(objects, netns);
  const netnsCount = await removeNetns(netns);
  const linkCount = await removeLinks(links);
  await removeCgroups(cgroups.map((c) => c.path).reverse());
  for (const p of paths) rmSync(p.path, { recursive: true, force: true });
  await unmountUnder(stateDir);
  removeLabState(name);
  return { name, processes, netns: netnsCount, links: linkCount, existed: true };
}
