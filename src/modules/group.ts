// group: a local group present (with a gid) or absent, as Ansible's ansible.builtin.group manages it (groupadd,
// groupmod, groupdel; lgroup* with local). Registers Ansible's keys: name, state, and, while the group exists,
// system and gid (a new group's gid is read back after groupadd). In check mode Ansible registers only `changed`
// for a group it would create or remove; so do we.
import { Type, type Static } from '@sinclair/typebox';
import { raw, sh, type Script } from '../shell/script.js';
import { defineModule, expecting, PlanError, StringEnum, type ArgProblem } from './define.js';
import { parseKeyValues } from './lib/probe-output.js';
import { stateScript } from './lib/remote-file.js';

const GroupArgs = Type.Object(
  {
    name: expecting(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_.-]*\\$?$', description: 'The group' }), 'a group name'),
    state: StringEnum(['present', 'absent'], { default: 'present' }),
    gid: Type.Optional(Type.Integer({ minimum: 0, description: 'The group id (changed with groupmod when it differs)' })),
    system: Type.Boolean({ default: false, description: 'A system group (groupadd -r; new groups only)' }),
    local: Type.Boolean({ default: false, description: 'Use lgroupadd/lgroupmod/lgroupdel and look only in /etc/group' }),
    non_unique: Type.Boolean({ default: false, description: 'Allow a gid another group has (groupadd -o); needs gid' }),
  },
  { additionalProperties: false },
);
export type GroupArgs = Static<typeof GroupArgs>;

export interface GroupState {
  exists: boolean;
  gid?: number;
}

export type GroupChange =
  | { op: 'add'; name: string; gid?: number; system: boolean; nonUnique: boolean; local: boolean }
  | { op: 'mod'; name: string; gid: number; from: number; nonUnique: boolean; local: boolean }
  | { op: 'del'; name: string; local: boolean };

function probe(a: GroupArgs): Script {
  // local: the last line of /etc/group for the name (Ansible reads the file, not NSS).
  const lookup = a.local ? sh`grep -- ${`${a.name}:`} /etc/group | tail -n 1 | grep -F -- ${`${a.name}:`}` : sh`getent group -- ${a.name}`;
  return stateScript([raw(`printf 'group='`), sh`if ! ${lookup}; then echo; fi`]);
}

/** The probe's `group=name:x:gid:members` line → state. */
export function parseGroup(stdout: string): GroupState {
  const line = parseKeyValues(stdout).get('group');
  if (line === undefined) throw new PlanError('group', 'unexpected probe output: no group=');
  if (line === '') return { exists: false };
  const gid = Number(line.split(':')[2]);
  if (!Number.isInteger(gid)) throw new PlanError('group', `unexpected group entry: ${line}`);
  return { exists: true, gid };
}

function plan(a: GroupArgs, s: GroupState): GroupChange[] {
  if (a.state === 'absent') return s.exists ? [{ op: 'del', name: a.name, local: a.local }] : [];
  if (!s.exists) {
    const c: GroupChange = { op: 'add', name: a.name, system: a.system, nonUnique: a.non_unique, local: a.local };
    if (a.gid !== undefined) c.gid = a.gid;
    return [c];
  }
  if (a.gid !== undefined && a.gid !== s.gid) return [{ op: 'mod', name: a.name, gid: a.gid, from: s.gid!, nonUnique: a.non_unique, local: a.local }];
  return [];
}

function apply(_a: GroupArgs, changes: readonly GroupChange[]): Script {
  return stateScript(
    changes.map((c) => {
      const l = raw(c.local ? 'l' : '');
      const o = raw('nonUnique' in c && c.nonUnique ? ' -o' : '');
      if (c.op === 'del') return sh`${l}groupdel -- ${c.name}`;
      if (c.op === 'mod') return sh`${l}groupmod -g ${c.gid}${o} -- ${c.name}`;
      const g = c.gid !== undefined ? sh` -g ${c.gid}${o}` : raw('');
      const r = raw(c.system ? ' -r' : '');
      // The gid groupadd chose, for the registered result.
      return sh`${l}groupadd${g}${r} -- ${c.name}\nprintf 'gid=%s\\n' "$(getent group -- ${c.name} | cut -d: -f3)"`;
    }),
  );
}

function describe(c: GroupChange): string {
  if (c.op === 'del') return `remove group ${c.name}`;
  if (c.op === 'mod') return `gid of group ${c.name}: ${c.from} → ${c.gid}`;
  return `create ${c.system ? 'system ' : ''}group ${c.name}${c.gid !== undefined ? ` (gid ${c.gid})` : ''}`;
}

export const group = defineModule({
  name: 'group',
  summary: 'A local group: present (with a gid) or absent',
  args: GroupArgs,
  refine(a): ArgProblem[] {
    if (a.non_unique && a.gid === undefined) return [{ path: '/gid', message: 'group: non_unique is true but gid is missing' }];
    return [];
  },
  probe,
  parse: (r) => parseGroup(r.stdout),
  plan,
  apply,
  describe,
  result(a, s, changes, applied) {
    // Check mode on a group to create or remove: Ansible exits with `changed` alone.
    const c = changes[0];
    if (c && !applied && c.op !== 'mod') return {};
    const out: Record<string, unknown> = { name: a.name, state: a.state };
    const exists = a.state === 'present';
    if (!exists) return out;
    let gid = c?.op === 'mod' ? c.gid : s.gid;
    if (c?.op === 'add') gid = c.gid ?? Number(/^gid=(\d+)$/m.exec(applied?.stdout ?? '')?.[1]);
    return { ...out, system: a.system, gid };
  },
});
