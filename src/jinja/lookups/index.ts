// Every lookup plugin tsinfra has, by name. Each returns a list, as Ansible's run() does; lookup() and query()
// in globals.ts turn it into Ansible's joined string or list. pipe and lines run a command on the controller, as
// in Ansible. Not here (refused at load, REFUSED_LOOKUPS): password, url and the others that write files or reach
// the network.
import { qualified } from '../filters/ansible-common.js';
import type { LookupDef } from '../registry.js';
import { commandLookups } from './commands.js';
import { envLookups } from './env.js';
import { fileLookups } from './files.js';
import { flattenedLookup, listLookups } from './lists.js';
import { sequenceLookups } from './sequence.js';
import { varLookups } from './vars.js';
import { unvaultLookup } from '../filters/ansible-vault.js';

/** Ansible's lookups tsinfra refuses at load, each with why and what to write instead. */
export const REFUSED_LOOKUPS: Readonly<Record<string, string>> = {
  password: 'it creates and reads password files on the controller: keep the password in a vault-encrypted vars file',
  url: 'it fetches on the controller: fetch on a host with the uri module and register the result',
  config: "it reads Ansible's own settings, which tsinfra does not have",
  csvfile: 'not supported yet: read the file with lookup("file") or keep the data in a vars file',
  ini: 'not supported yet: read the file with lookup("file") or keep the data in a vars file',
  inventory_hostnames: "not supported yet: use groups['name'] (or groups['all'])",
};

export const lookups: LookupDef[] = [
  ...qualified([...commandLookups, ...envLookups, ...fileLookups, ...varLookups, ...listLookups, ...sequenceLookups, unvaultLookup], 'ansible.builtin'),
  ...qualified([flattenedLookup], 'community.general'),
];
