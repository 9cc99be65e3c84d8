// add_host and group_by: the inventory changed during the run, as Ansible's action plugins do it. The module only
// says what to change (`add_host: { host_name, groups, host_vars }`, `add_group` with `parent_groups`), the engine
// applies it (engine/inventory-changes.ts) and decides `changed`, as Ansible's strategy does with these results.
// add_host runs once per task (Ansible's BYPASS_HOST_LOOP: on the first host, like run_once), once per loop item.
import { Type, type Static } from '@sinclair/typebox';
import { defineAction, type ArgProblem } from './define.js';

const AddHostArgs = Type.Object(
  {
    name: Type.Optional(Type.String({ minLength: 1, description: 'The host (host:port sets ansible_ssh_port); aliases host, hostname' })),
    groups: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())], { description: 'Groups to put it in: a list or a comma-separated string; aliases group, groupname' })),
  },
  { additionalProperties: true, description: 'Any other key is a variable of the host (ansible_host, ansible_user, …)' },
);
type AddHostArgs = Static<typeof AddHostArgs> & Record<string, unknown>;

/** `name:port`, `[v6]:port` and a bare name or address, as Ansible's parse_address (without ranges). */
export function splitHostPort(value: string): { name: string; port?: number } {
  const v6 = /^\[([^\]]+)\](?::(\d+))?$/.exec(value);
  if (v6) return v6[2] ? { name: v6[1]!, port: Number(v6[2]) } : { name: v6[1]! };
  const m = /^([^:]+):(\d+)$/.exec(value);
  return m ? { name: m[1]!, port: Number(m[2]) } : { name: value };
}

export const addHost = defineAction({
  name: 'add_host',
  summary: 'Add a host (and its variables and groups) to the inventory for the rest of the run',
  args: AddHostArgs,
  checkMode: 'run',
  controllerOnly: true,
  normalize(raw) {
    if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return raw;
    const a = { ...(raw as Record<string, unknown>) };
    // Ansible reads name, then hostname, then host; and groupname, then groups, then group. Only name/hostname and
    // groupname/groups are kept out of the host's variables (so `host:` and `group:` end up as variables too).
    if (a.name === undefined) a.name = a.hostname ?? a.host;
    delete a.hostname;
    if (a.groupname !== undefined || a.groups === undefined) a.groups = a.groupname ?? a.groups ?? a.group;
    delete a.groupname;
    if (a.groups === undefined) delete a.groups;
    return a;
  },
  refine(a): ArgProblem[] {
    return a.name === undefined ? [{ path: '', message: 'add_host needs name (or host, hostname)' }] : [];
  },
  async run(a: AddHostArgs) {
    const { name: given, groups, ...vars } = a;
    const { name, port } = splitHostPort(String(given));
    if (port !== undefined) vars.ansible_ssh_port = port;
    const list = groups === undefined ? [] : Array.isArray(groups) ? groups : groups.split(',');
    const unique = [...new Set(list.map((g) => g.trim()))];
    return { changed: false, failed: false, add_host: { host_name: name, groups: unique, host_vars: vars } };
  },
});

const GroupByArgs = Type.Object(
  {
    key: Type.String({ minLength: 1, description: 'The group to put the host in (spaces become -)' }),
    parents: Type.Union([Type.String(), Type.Array(Type.String())], { default: ['all'], description: 'The parent groups of that group' }),
  },
  { additionalProperties: false },
);

export const groupBy = defineAction({
  name: 'group_by',
  summary: 'Put the host in a group made from its variables (key: "os_{{ ansible_distribution }}")',
  args: GroupByArgs,
  checkMode: 'run',
  controllerOnly: true,
  async run(a) {
    const parents = typeof a.parents === 'string' ? [a.parents] : a.parents;
    return { changed: false, failed: false, add_group: a.key.replaceAll(' ', '-'), parent_groups: parents.map((p) => p.replaceAll(' ', '-')) };
  },
});
