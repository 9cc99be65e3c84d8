// getent: a NSS database (passwd, group, hosts, services, …) read with getent(1) into the fact `getent_<database>`,
// as Ansible's ansible.builtin.getent sets it: each record's first field → the other fields (a list of such lists
// when a key repeats), split on ':' for passwd/shadow/group/gshadow and on blanks otherwise. Read-only: one probe.
import { Type, type Static } from '@sinclair/typebox';
import { raw, sh, type Script } from '../shell/script.js';
import { defineModule, expecting, PlanError, type Change } from './define.js';
import { fromBase64, parseKeyValues } from './lib/probe-output.js';
import { stateScript } from './lib/remote-file.js';

const GetentArgs = Type.Object(
  {
    database: expecting(Type.String({ pattern: '^[A-Za-z0-9_.-]+$', description: 'The database: passwd, group, hosts, services, …' }), 'a getent database name'),
    key: Type.Optional(Type.String({ description: 'One entry of the database (all of them when absent)' })),
    service: Type.Optional(Type.String({ minLength: 1, description: 'The NSS service to ask (getent -s)' })),
    split: Type.Optional(Type.String({ minLength: 1, description: "The field separator (':' for passwd/shadow/group/gshadow, else blanks)" })),
    fail_key: Type.Boolean({ default: true, description: 'Fail when the key is missing (false: the key maps to null)' }),
  },
  { additionalProperties: false },
);
export type GetentArgs = Static<typeof GetentArgs>;

export interface GetentState {
  rc: number;
  out: string;
}

const COLON = ['passwd', 'shadow', 'group', 'gshadow'];

function probe(a: GetentArgs): Script {
  const words = [a.database, ...(a.key !== undefined ? [a.key] : []), ...(a.service !== undefined ? ['-s', a.service] : [])];
  return stateScript([
    raw(`if ! command -v getent >/dev/null 2>&1; then echo 'getent: Failed to find required executable "getent"' >&2; exit 3; fi`),
    sh`tsi_rc=0; tsi_out=$(getent ${words}; r=$?; echo x; exit $r) || tsi_rc=$?`,
    raw(`echo "rc=$tsi_rc"; printf 'out_b64='; printf '%s' "\${tsi_out%x}" | base64 -w0; echo`),
  ]);
}

/** Python's str.split(sep), or str.split() when sep is undefined. */
function pySplit(line: string, sep: string | undefined): string[] {
  return sep === undefined ? line.split(/\s+/).filter((x) => x !== '') : line.split(sep);
}

/** getent's output → Ansible's `getent_<database>` value (pure). */
export function getentRecords(out: string, database: string, split?: string): Record<string, unknown> {
  const sep = split ?? (COLON.includes(database) ? ':' : undefined);
  const tree: Record<string, unknown> = {};
  const seen = new Map<string, number>();
  for (const line of out.split(/\r\n|\r|\n/).slice(0, out.endsWith('\n') ? -1 : undefined)) {
    const record = pySplit(line, sep);
    const k = record[0] ?? '';
    const n = seen.get(k) ?? 0;
    if (n === 0) tree[k] = record.slice(1);
    else {
      if (n === 1) tree[k] = [tree[k]];
      (tree[k] as unknown[]).push(record.slice(1));
    }
    seen.set(k, n + 1);
  }
  return tree;
}

function outcome(a: GetentArgs, s: GetentState): Record<string, unknown> {
  const db = `getent_${a.database}`;
  if (s.rc === 0) return { ansible_facts: { [db]: getentRecords(s.out, a.database, a.split) } };
  if (s.rc === 2 && !a.fail_key) {
    return { ansible_facts: { [db]: { [a.key ?? 'None']: null } }, msg: 'One or more supplied key could not be found in the database.' };
  }
  const msg =
    s.rc === 1 ? 'Missing arguments, or database unknown.'
    : s.rc === 2 ? 'One or more supplied key could not be found in the database.'
    : s.rc === 3 ? 'Enumeration not supported on this database.'
    : 'Unexpected failure!';
  throw new PlanError('getent', msg);
}

export const getent = defineModule({
  name: 'getent',
  summary: 'A NSS database (getent) as the fact getent_<database>; never changes anything',
  args: GetentArgs,
  probe,
  parse(r, a): GetentState {
    const kv = parseKeyValues(r.stdout);
    const s = { rc: Number(kv.get('rc') ?? 'NaN'), out: fromBase64(kv.get('out_b64')).toString('utf8') };
    outcome(a, s); // fails the task now, before the plan
    return s;
  },
  plan: (): Change[] => [],
  apply: () => stateScript([]),
  describe: (c) => c.op,
  result: (a, s) => outcome(a, s),
});
