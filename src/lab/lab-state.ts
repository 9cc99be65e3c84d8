// A lab's state directory: lab.json (identity, phase), objects.jsonl (an append-only journal of every object
// `up` creates, written *before* creating it so `down` works after a crash) and info.json (the LabInfo once up).
import { appendFileSync, existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabError, UsageError } from '../errors.js';
import { labStateDir, labStateRoot } from './lab-paths.js';
import type { LabInfo, LabKind } from './lab-types.js';
import type { ProcessRef } from './process-identity.js';

export interface LabRecord {
  version: 1;
  name: string;
  kind: LabKind;
  index: number;
  prefix: string;
  phase: 'creating' | 'up';
  createdAt: string;
  /** The `lab up` process: while it lives, a `creating` lab is in progress rather than crashed. */
  owner: ProcessRef;
}

export type LabObject =
  | { type: 'netns'; name: string }
  | { type: 'link'; name: string }
  | { type: 'process'; pid: number; start: number; host: string; role: 'wrapper' | 'init' | 'nspawn' | 'service' }
  | { type: 'cgroup'; path: string }
  | { type: 'path'; path: string };

const LAB_NAME = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/;

export function isValidLabName(name: string): boolean {
  return LAB_NAME.test(name) && name !== '.' && name !== '..';
}

export function checkLabName(name: string): string {
  if (!isValidLabName(name)) throw new UsageError(`bad lab name ${JSON.stringify(name)}: letters, digits, '.', '_' and '-' only`);
  return name;
}

function writeJsonAtomic(path: string, value: unknown): void {
  const tmp = `${path}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify(value, null, 2)}\n`, { mode: 0o600 });
  renameSync(tmp, path);
}

function readJson<T>(path: string): T | undefined {
  try {
    return JSON.parse(readFileSync(path, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

export function listLabNames(): string[] {
  let names: string[];
  try {
    names = readdirSync(labStateRoot());
  } catch {
    return [];
  }
  return names.filter((n) => isValidLabName(n) && existsSync(join(labStateRoot(), n, 'lab.json'))).sort();
}

export function readLabRecord(name: string): LabRecord | undefined {
  return readJson<LabRecord>(join(labStateDir(name), 'lab.json'));
}

export function writeLabRecord(record: LabRecord): void {
  const dir = labStateDir(record.name);
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  writeJsonAtomic(join(dir, 'lab.json'), record);
}

export function recordObject(stateDir: string, object: LabObject): void {
  // A `lab down` meanwhile removed the state: creating more would leave objects nobody records.
  if (!existsSync(join(stateDir, 'lab.json'))) throw new LabError(`the lab's state in ${stateDir} was removed while the lab was being created`);
  // One short line per append: O_APPEND keeps lines whole even with several writers.
  appendFileSync(join(stateDir, 'objects.jsonl'), `${JSON.stringify(object)}\n`, { mode: 0o600 });
}

/** The journal, in creation order; a line torn by a crash is skipped. */
export function readObjects(stateDir: string): LabObject[] {
  let text: string;
  try {
    text = readFileSync(join(stateDir, 'objects.jsonl'), 'utf8');
  } catch {
    return [];
  }
  return text.split('\n').flatMap((line) => {
    try {
      return line ? [JSON.parse(line) as LabObject] : [];
    } catch {
      return [];
    }
  });
}

export function writeLabInfo(info: LabInfo): void {
  writeJsonAtomic(join(info.stateDir, 'info.json'), info);
}

export function readLabInfo(name: string): LabInfo | undefined {
  return readJson<LabInfo>(join(labStateDir(name), 'info.json'));
}

export function removeLabState(name: string): void {
  rmSync(labStateDir(name), { recursive: true, force: true });
}
