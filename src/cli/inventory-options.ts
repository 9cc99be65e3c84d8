// `-i/--inventory` for commands that read an inventory without connecting (hosts, inventory, template).
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { loadInventory } from '../inventory/load.js';
import type { Inventory } from '../inventory/types.js';
import { addVaultOptions, ensureVaultSecrets } from './vault-options.js';
import { commandSettings } from './command-settings.js';

export interface InventoryFlags {
  inventory: string[];
  /** `inventory --playbook-dir`: that directory's group_vars/ and host_vars/ too, as `play` reads them. */
  playbookDir?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function addInventoryOption(cmd: Command): Command {
  return addVaultOptions(cmd).option('-i, --inventory <path>', 'inventory file, directory or host1,host2 list (repeatable; default $TSINFRA_INVENTORY, then inventory in ansible.cfg)', collect, []);
}

/** `-i` values, else $TSINFRA_INVENTORY, else the settings' inventory (ANSIBLE_INVENTORY, ansible.cfg), else a usage error. */
function inventoryPaths(flags: InventoryFlags): string[] {
  if (flags.inventory.length > 0) return flags.inventory;
  const fromEnv = process.env.TSINFRA_INVENTORY;
  if (fromEnv) return [fromEnv];
  const fromSettings = commandSettings().inventory;
  if (fromSettings.length > 0) return fromSettings;
  throw new UsageError('no inventory given', { hint: 'pass -i PATH, set TSINFRA_INVENTORY, or set inventory in ansible.cfg' });
}

export async function loadFromFlags(flags: InventoryFlags): Promise<Inventory> {
  await ensureVaultSecrets(flags);
  const inventory = await loadInventory(inventoryPaths(flags), { playbookDir: flags.playbookDir });
  for (const warning of inventory.warnings ?? []) process.stderr.write(`tsinfra: warning: ${warning}\n`);
  return inventory;
}
