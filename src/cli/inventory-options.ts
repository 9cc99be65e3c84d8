// `-i/--inventory` for commands that read an inventory without connecting (hosts, inventory, template).
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { loadInventory } from '../inventory/load.js';
import type { Inventory } from '../inventory/types.js';

export interface InventoryFlags {
  inventory: string[];
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function addInventoryOption(cmd: Command): Command {
  return cmd.option('-i, --inventory <path>', 'inventory file, directory or host1,host2 list (repeatable; default $TSINFRA_INVENTORY)', collect, []);
}

/** `-i` values, else $TSINFRA_INVENTORY, else a usage error. */
function inventoryPaths(flags: InventoryFlags): string[] {
  if (flags.inventory.length > 0) return flags.inventory;
  const fromEnv = process.env.TSINFRA_INVENTORY;
  if (fromEnv) return [fromEnv];
  throw new UsageError('no inventory given', { hint: 'pass -i PATH or set TSINFRA_INVENTORY' });
}

export async function loadFromFlags(flags: InventoryFlags): Promise<Inventory> {
  const inventory = await loadInventory(inventoryPaths(flags));
  for (const warning of inventory.warnings ?? []) process.stderr.write(`tsinfra: warning: ${warning}\n`);
  return inventory;
}
