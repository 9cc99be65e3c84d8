// The JSON `ansible-inventory --list` prints, so scripts written against it keep working: one entry per
// group with its direct `hosts` and `children` (empty ones left out; `all` lists no hosts), and every
// host's merged variables under `_meta.hostvars`.
import { maskSecrets } from './mask-secrets.js';
import type { Inventory } from './types.js';

export interface InventoryListOptions {
  /** Replace secret-looking variables with *** (default true). */
  mask?: boolean;
}

export function inventoryList(inventory: Inventory, options: InventoryListOptions = {}): Record<string, unknown> {
  const mask = options.mask ?? true;
  const hostvars: Record<string, unknown> = {};
  for (const host of inventory.hosts.values()) setKey(hostvars, host.name, mask ? maskSecrets(host.vars) : host.vars);
  const out: Record<string, unknown> = { _meta: { hostvars } };
  for (const group of inventory.groups.values()) {
    const entry: Record<string, string[]> = {};
    if (group.name !== 'all' && group.hosts.length > 0) entry.hosts = [...group.hosts];
    if (group.children.length > 0) entry.children = [...group.children];
    setKey(out, group.name, entry);
  }
  return out;
}

// Names come from user files; `__proto__` must stay a plain key.
function setKey(obj: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}
