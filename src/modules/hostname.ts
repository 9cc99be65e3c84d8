// hostname: /etc/hostname and the running host name.
import { Type, type Static } from '@sinclair/typebox';
import { raw, sh, type Script } from '../shell/script.js';
import { defineModule, expecting } from './define.js';
import { parseKeyValues } from './lib/probe-output.js';
import { applyFileChanges, stateScript } from './lib/remote-file.js';
import { describeEdit, diffEdit, editProbe, parseEditFrom, planEdit, type EditChange, type EditState } from './lib/text-file.js';

const HOSTNAME_FILE = '/etc/hostname';

const HostnameArgs = Type.Object(
  {
    name: expecting(
      Type.String({ pattern: '^[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*$', maxLength: 253 }),
      'a host name (letters, digits and -, dot-separated labels)',
    ),
  },
  { additionalProperties: false },
);
export type HostnameArgs = Static<typeof HostnameArgs>;

export interface HostnameState {
  current: string;
  file: EditState;
}

export type HostnameChange = EditChange | { op: 'set'; from: string; to: string };

export const hostname = defineModule({
  name: 'hostname',
  summary: 'The host name, in /etc/hostname and in the running system',
  args: HostnameArgs,
  normalize: (input) => (typeof input === 'string' ? { name: input } : input),
  probe: (): Script => stateScript([raw(`printf 'current=%s\\n' "$(hostname)"`), editProbe(HOSTNAME_FILE, 'f_')]),
  parse(r): HostnameState {
    const kv = parseKeyValues(r.stdout);
    return { current: kv.get('current') ?? '', file: parseEditFrom(kv, 'hostname', HOSTNAME_FILE, 'f_') };
  },
  plan(a, s): HostnameChange[] {
    const out: HostnameChange[] = planEdit('hostname', { path: HOSTNAME_FILE, create: true }, s.file, () => `${a.name}\n`);
    if (s.current !== a.name) out.push({ op: 'set', from: s.current, to: a.name });
    return out;
  },
  apply(_a, changes) {
    const parts = applyFileChanges(changes.filter((c): c is EditChange => c.op !== 'set'));
    for (const c of changes) if (c.op === 'set') parts.push(sh`hostname ${c.to}`);
    return stateScript(parts);
  },
  describe: (c) => (c.op === 'set' ? `set the running host name: ${c.from} → ${c.to}` : describeEdit(c)),
  diff: (_a, s, changes) => diffEdit(s.file, changes.filter((c): c is EditChange => c.op !== 'set')),
});
