// The inventory layer's public surface: load sources, then select hosts with Ansible patterns.
export { loadInventory, detectInventoryFormat, type InventoryFormat, type LoadInventoryOptions } from './load-inventory.js';
export { selectHosts, splitHostPattern, type SelectHostsOptions } from './select-hosts.js';
export type { Group, Host, Inventory, VarOrigin } from './types.js';
