// Every lookup plugin tsinfra has, by name. Each returns a list, as Ansible's run() does; lookup() and query()
// in globals.ts turn it into Ansible's joined string or list. Not here: pipe, lines, password, url and the other
// plugins that run commands, write files or reach the network.
import { qualified } from '../filters/ansible-common.js';
import type { LookupDef } from '../registry.js';
import { envLookups } from './env.js';
import { fileLookups } from './files.js';
import { flattenedLookup, listLookups } from './lists.js';
import { sequenceLookups } from './sequence.js';
import { varLookups } from './vars.js';

export const lookups: LookupDef[] = [
  ...qualified([...envLookups, ...fileLookups, ...varLookups, ...listLookups, ...sequenceLookups], 'ansible.builtin'),
  ...qualified([flattenedLookup], 'community.general'),
];
