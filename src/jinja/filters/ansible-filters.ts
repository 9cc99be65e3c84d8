// Every filter Ansible adds to Jinja, in one table, also under its collection name (ansible.builtin.combine,
// ansible.utils.ipaddr). Where a short name is also a Jinja builtin (unique, random, ...) this definition is the
// one Ansible uses, so it wins.
import type { FilterDef } from '../registry.js';
import { collectionFilters } from './ansible-collections.js';
import { qualified } from './ansible-common.js';
import { cryptFilters } from './ansible-crypt.js';
import { vaultFilters } from './ansible-vault.js';
import { dataFilters } from './ansible-data.js';
import { mathFilters } from './ansible-math.js';
import { netFilters } from './ansible-net.js';
import { pathFilters } from './ansible-paths.js';
import { textFilters } from './ansible-text.js';

export const ansibleFilters: FilterDef[] = [
  ...qualified([...textFilters, ...cryptFilters, ...vaultFilters, ...dataFilters, ...collectionFilters, ...mathFilters, ...pathFilters], 'ansible.builtin'),
  // ansible-core routes the short and ansible.builtin names to ansible.utils (through ansible.netcommon).
  ...qualified(netFilters, 'ansible.builtin', 'ansible.netcommon', 'ansible.utils'),
];
