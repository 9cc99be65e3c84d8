// Shared by the inventory tests: throwaway inventories on disk, a comparable summary, and error capture.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../../../src/errors.js';
import { loadInventory } from '../../../src/inventory/load.js';
import type { Inventory } from '../../../src/inventory/types.js';
import { tempDir } from '../../support/temp-dir.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'inventories');

/** Write `files` (relative path → text) into a fresh temp directory and return its path. */
export function writeTree(files: Record<string, string>): string {
  const dir = tempDir('tsinfra-inv-');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

/** Load a single inventory file written from `text` (the name decides the format). */
export async function inventoryOf(text: string, name = 'hosts.ini'): Promise<Inventory> {
  return loadInventory(join(writeTree({ [name]: text }), name));
}

/** Hosts, groups and variables without origins or key order, for comparing inventories across formats. */
export function summarize(inv: Inventory) {
  return {
    hosts: [...inv.hosts.values()].map((h) => ({ name: h.name, groups: h.groups, vars: h.vars })),
    groups: [...inv.groups.values()]
      .map((g) => ({ name: g.name, hosts: g.hosts, children: g.children, vars: g.vars }))
      .sort((a, b) => a.name.localeCompare(b.name)),
  };
}

/** The ConfigError loading `paths` throws (fails the test when it loads). */
export async function configErrorOf(paths: string | string[]): Promise<ConfigError> {
  try {
    await loadInventory(paths);
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error(`expected ${String(paths)} to fail`);
}
