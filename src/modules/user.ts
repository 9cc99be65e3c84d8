// user: a local account with its shell, home, groups and password.
// Password rotation is idempotent: a plain-text password (password_plain) is re-hashed with the salt and
// rounds of the current shadow entry and compared, so an unchanged password stays "ok" (Ansible compares hash
// strings and reports "changed" on every run). A new hash is set with chpasswd -e reading stdin, never argv.
import { Type, type Static } from '@sinclair/typebox';
import { joinScripts, raw, sh, type Script } from '../shell/script.js';
import { secret } from '../shell/secret.js';
import { passwordHash } from '../crypt/password-hash.js';
import { passwordVerifies } from '../crypt/password-verify.js';
import { defineModule, expecting, PlanError, StringEnum, type ArgProblem } from './define.js';
import { parseKeyValues } from './lib/probe-output.js';
import { AbsPath, Owner } from './lib/file-attributes.js';
import { isNumericId, stateScript } from './lib/remote-file.js';

const UserName = expecting(Type.String({ pattern: '^[a-z_][a-z0-9_.-]{0,31}\\$?$' }), 'a user name (lower case letters, digits, _ . -)');

const UserArgs = Type.Object(
  {
    name: UserName,
    state: StringEnum(['present', 'absent'], { default: 'present' }),
    uid: Type.Optional(Type.Integer({ minimum: 0 })),
    group: Type.Optional(Owner('group')),
    groups: Type.Optional(Type.Array(Owner('group'), { description: 'Supplementary groups (a list, or one string with commas)' })),
    append: Type.Boolean({ default: false, description: 'true: add to groups, keep other memberships; false: exactly these groups' }),
    shell: Type.Optional(Type.String({ minLength: 1 })),
    home: Type.Optional(AbsPath()),
    create_home: Type.Boolean({ default: true, description: 'Create the home directory for a new user' }),
    move_home: Type.Boolean({ default: false, description: 'When home changes, move the contents' }),
    system: Type.Boolean({ default: false, description: 'A system account (new users only)' }),
    comment: Type.Optional(Type.String({ pattern: '^[^:\\n]*$' })),
    password: Type.Optional(
      expecting(Type.String({ pattern: '^(\\$[0-9a-z]+\\$[^:\\n]+|[!*].*)$', description: 'A crypt(3) hash, e.g. $6$salt$…' }), 'a crypt hash like $6$salt$… (use password_plain for plain text)'),
    ),
    password_plain: Type.Optional(
      Type.String({ minLength: 1, description: 'A plain-text password: compared by re-hashing with the current salt, set as SHA-512 crypt' }),
    ),
    update_password: StringEnum(['always', 'on_create'], { default: 'always' }),
    remove: Type.Boolean({ default: false, description: 'state=absent: also remove the home directory and mail spool' }),
  },
  { additionalProperties: false },
);
export type UserArgs = Static<typeof UserArgs>;

export interface UserState {
  exists: boolean;
  uid?: number;
  gid?: number;
  /** Primary group name. */
  group?: string;
  /** Supplementary groups (the primary one left out). */
  groups?: string[];
  comment?: string;
  home?: string;
  shell?: string;
  /** The shadow hash; undefined when not asked for or not readable (no root). */
  hash?: string;
  shadowReadable?: boolean;
}

export interface UserSettings {
  uid?: number;
  group?: string;
  groups?: string[];
  append?: boolean;
  shell?: string;
  home?: string;
  move_home?: boolean;
  comment?: string;
}

export type UserChange =
  | { op: 'useradd'; name: string; settings: UserSettings; createHome: boolean; system: boolean }
  | { op: 'usermod'; name: string; settings: UserSettings; from: UserSettings }
  | { op: 'password'; name: string; created: boolean }
  | { op: 'userdel'; name: string; remove: boolean };

const wantsPassword = (a: UserArgs) => a.password !== undefined || a.password_plain !== undefined;

// The probe prints command output straight after its key, not through `$(…)` (a fork each), and leaves
// field-splitting to the parser. One `id` gives the primary group and all groups: one process instead of
// `id -gn` + `id -Gn`, and names may hold spaces (sssd/AD groups), which -Gn's space-separated list cannot show.
function probe(a: UserArgs): Script {
  const parts: Script[] = [
    sh`n=${a.name}`,
    raw(`printf 'passwd='; if ! getent passwd -- "$n"; then echo; exit 0; fi`),
    // LC_ALL=C: the labels (uid=, gid=, groups=) are translated messages. `|| echo` ends the line if id fails.
    raw(`printf 'id='; LC_ALL=C id -- "$n" || echo`),
  ];
  if (wantsPassword(a) && a.update_password === 'always') {
    parts.push(raw(`printf 'shadow='; getent shadow -- "$n" 2>/dev/null || echo`));
  }
  return stateScript(parts);
}

/** Field n of a `:`-separated entry, as `cut -d: -f<n>` prints it (a line without `:` whole). */
function field(entry: string, n: number): string {
  const f = entry.split(':');
  return f.length === 1 ? entry : (f[n - 1] ?? '');
}

/**
 * `id USER` (C locale): `uid=1001(deploy) gid=1001(deploy) groups=1001(deploy),27(sudo)`. A group without a
 * name is its number, as `id -gn`/`id -Gn` print it. A name may hold spaces, commas or parentheses; only `),`
 * followed by a digit ends it early.
 */
export function parseId(line: string): { primary: string; groups: string[] } {
  if (line === '') return { primary: '', groups: [] }; // id failed: the user went between getent and id
  const m = /^uid=\d+(?:\(.*?\))? gid=(\d+)(?:\((.*?)\))? groups=(.*)$/.exec(line);
  if (!m) throw new PlanError('user', `unexpected id output: ${line}`);
  const groups: string[] = [];
  const item = /(\d+)(?:\((.*?)\))?(?:,(?=\d)|$)/y;
  const list = m[3]!;
  while (item.lastIndex < list.length) {
    const g = item.exec(list);
    if (!g) throw new PlanError('user', `unexpected id output: ${line}`);
    groups.push(g[2] ?? g[1]!);
  }
  return { primary: m[2] ?? m[1]!, groups };
}

export function parseUser(stdout: string): UserState {
  const kv = parseKeyValues(stdout);
  const pw = kv.get('passwd');
  if (pw === undefined) throw new PlanError('user', 'unexpected probe output: no passwd=');
  if (pw === '') return { exists: false };
  const f = pw.split(':');
  const { primary, groups } = parseId(kv.get('id') ?? '');
  const state: UserState = {
    exists: true,
    uid: Number(f[2]),
    gid: Number(f[3]),
    group: primary,
    groups: groups.filter((g) => g !== primary),
    comment: f[4] ?? '',
    home: f[5] ?? '',
    shell: f[6] ?? '',
  };
  // Empty: no entry getent could read (not root).
  const shadow = kv.get('shadow');
  state.shadowReadable = shadow !== undefined && shadow !== '';
  if (state.shadowReadable) state.hash = field(shadow!, 2);
  return state;
}

/** Is the wanted password what the shadow entry holds? Plain text is hashed with the entry's own salt. */
export function passwordMatches(a: UserArgs, hash: string): boolean {
  if (a.password !== undefined) return a.password === hash;
  if (a.password_plain === undefined) return true;
  return passwordVerifies(a.password_plain, hash); // yescrypt, md5, locked, empty: cannot recompute → set a fresh $6$
}

function settingsOf(a: UserArgs): UserSettings {
  const s: UserSettings = {};
  if (a.uid !== undefined) s.uid = a.uid;
  if (a.group !== undefined) s.group = a.group;
  if (a.groups !== undefined) s.groups = a.groups;
  if (a.shell !== undefined) s.shell = a.shell;
  if (a.home !== undefined) s.home = a.home;
  if (a.comment !== undefined) s.comment = a.comment;
  return s;
}

function plan(a: UserArgs, s: UserState): UserChange[] {
  if (a.state === 'absent') return s.exists ? [{ op: 'userdel', name: a.name, remove: a.remove }] : [];
  if (!s.exists) {
    const out: UserChange[] = [{ op: 'useradd', name: a.name, settings: settingsOf(a), createHome: a.create_home, system: a.system }];
    if (wantsPassword(a)) out.push({ op: 'password', name: a.name, created: true });
    return out;
  }
  const set: UserSettings = {};
  const from: UserSettings = {};
  if (a.uid !== undefined && a.uid !== s.uid) [set.uid, from.uid] = [a.uid, s.uid];
  if (a.group !== undefined && !(isNumericId(a.group) ? Number(a.group) === s.gid : a.group === s.group)) [set.group, from.group] = [a.group, s.group];
  if (a.groups !== undefined) {
    const have = new Set(s.groups ?? []);
    const wanted = a.groups.filter((g) => g !== s.group);
    if (a.append) {
      const missing = wanted.filter((g) => !have.has(g));
      if (missing.length > 0) [set.groups, set.append, from.groups] = [missing, true, s.groups];
    } else if (wanted.length !== have.size || wanted.some((g) => !have.has(g))) {
      [set.groups, from.groups] = [wanted, s.groups];
    }
  }
  if (a.shell !== undefined && a.shell !== s.shell) [set.shell, from.shell] = [a.shell, s.shell];
  if (a.home !== undefined && a.home !== s.home) {
    [set.home, from.home] = [a.home, s.home];
    if (a.move_home) set.move_home = true;
  }
  if (a.comment !== undefined && a.comment !== s.comment) [set.comment, from.comment] = [a.comment, s.comment];
  const out: UserChange[] = Object.keys(set).length > 0 ? [{ op: 'usermod', name: a.name, settings: set, from }] : [];
  if (wantsPassword(a) && a.update_password === 'always') {
    if (!s.shadowReadable) {
      throw new PlanError('user', `cannot read the shadow entry of ${a.name}`, { hint: 'run the task with become (root)' });
    }
    if (!passwordMatches(a, s.hash ?? '')) out.push({ op: 'password', name: a.name, created: false });
  }
  return out;
}

function flags(s: UserSettings): Script[] {
  const out: Script[] = [];
  if (s.uid !== undefined) out.push(sh`-u ${s.uid}`);
  if (s.group !== undefined) out.push(sh`-g ${s.group}`);
  if (s.append) out.push(raw('-a'));
  if (s.groups !== undefined) out.push(sh`-G ${s.groups.join(',')}`);
  if (s.shell !== undefined) out.push(sh`-s ${s.shell}`);
  if (s.home !== undefined) out.push(sh`-d ${s.home}`);
  if (s.move_home) out.push(raw('-m'));
  if (s.comment !== undefined) out.push(sh`-c ${s.comment}`);
  return out;
}

/** A SHA-512 crypt hash with a fresh random salt (apply may be random; plan may not). */
export function newPasswordHash(plain: string): string {
  return passwordHash(plain);
}

function apply(a: UserArgs, changes: readonly UserChange[]): Script {
  const parts = changes.map((c): Script => {
    switch (c.op) {
      case 'useradd': {
        const f = [...flags(c.settings), raw(c.createHome ? '-m' : '-M')];
        if (c.system) f.push(raw('-r'));
        return sh`useradd ${joinScripts(f, ' ')} -- ${c.name}`;
      }
      case 'usermod':
        return sh`usermod ${joinScripts(flags(c.settings), ' ')} -- ${c.name}`;
      case 'userdel':
        return c.remove ? sh`userdel -r -- ${c.name}` : sh`userdel -- ${c.name}`;
      case 'password': {
        const hash = a.password ?? newPasswordHash(a.password_plain!);
        return sh`printf '%s\n' ${secret(`${c.name}:${hash}`)} | chpasswd -e`;
      }
    }
  });
  return stateScript(parts);
}

function describeSettings(s: UserSettings, from?: UserSettings): string {
  const parts: string[] = [];
  const show = (k: string, v: unknown, old: unknown) => parts.push(from ? `${k} ${fmt(old)} → ${fmt(v)}` : `${k} ${fmt(v)}`);
  if (s.uid !== undefined) show('uid', s.uid, from?.uid);
  if (s.group !== undefined) show('group', s.group, from?.group);
  if (s.groups !== undefined) parts.push(s.append ? `add to groups ${s.groups.join(', ')}` : from ? `groups ${fmt(from.groups)} → ${fmt(s.groups)}` : `groups ${fmt(s.groups)}`);
  if (s.shell !== undefined) show('shell', s.shell, from?.shell);
  if (s.home !== undefined) show('home', s.home, from?.home);
  if (s.comment !== undefined) show('comment', s.comment, from?.comment);
  return parts.join(', ');
}

function fmt(v: unknown): string {
  if (Array.isArray(v)) return v.length === 0 ? '(none)' : v.join(',');
  return v === undefined || v === '' ? '(none)' : String(v);
}

function describe(c: UserChange): string {
  switch (c.op) {
    case 'useradd': {
      const d = describeSettings(c.settings);
      return `create ${c.system ? 'system ' : ''}user ${c.name}${d ? ` (${d})` : ''}`;
    }
    case 'usermod':
      return `change user ${c.name}: ${describeSettings(c.settings, c.from)}`;
    case 'password':
      return `set the password of ${c.name}`;
    case 'userdel':
      return `remove user ${c.name}${c.remove ? ' and its home' : ''}`;
  }
}

export const user = defineModule({
  name: 'user',
  summary: 'A local user account: present or absent, shell, home, groups, password',
  args: UserArgs,
  aliases: { createhome: 'create_home' },
  normalize(input) {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) return input;
    const o = { ...(input as Record<string, unknown>) };
    if (typeof o.groups === 'string') o.groups = o.groups.split(',').map((g) => g.trim()).filter((g) => g !== '');
    return o;
  },
  refine(a): ArgProblem[] {
    if (a.password !== undefined && a.password_plain !== undefined) {
      return [{ path: '/password_plain', message: 'user takes password (a hash) or password_plain, not both' }];
    }
    return [];
  },
  probe,
  parse: (r) => parseUser(r.stdout),
  plan,
  apply,
  describe,
});
