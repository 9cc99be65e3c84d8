// debconf: one debconf answer (what a package asks at install), set with debconf-set-selections. The probe is
// Ansible's: `debconf-show NAME` lists the questions the package owns with their values. A password never leaves
// the host: debconf-show omits it, so the probe reads it with debconf-communicate and prints only its sha256, which
// the plan compares with the wanted value's (Ansible compares "(password omitted)" and so always changes).
import { Type, type Static } from '@sinclair/typebox';
import { raw, sh, type Script } from '../shell/script.js';
import { MASK, secret } from '../shell/secret.js';
import { defineModule, expecting, StringEnum, type ArgProblem, type FileDiff } from './define.js';
import { fromBase64, parseKeyValues } from './lib/probe-output.js';
import { sha256, stateScript } from './lib/remote-file.js';

const VTYPES = ['boolean', 'error', 'multiselect', 'note', 'password', 'seen', 'select', 'string', 'text', 'title'] as const;

const DebconfArgs = Type.Object(
  {
    name: expecting(Type.String({ pattern: '^[a-z0-9][a-z0-9+.-]*$', description: 'The package the question belongs to' }), 'a package name'),
    question: Type.Optional(expecting(Type.String({ pattern: '^\\S+$', description: 'The question, e.g. tzdata/Areas' }), 'a question name without blanks')),
    vtype: Type.Optional(StringEnum(VTYPES, { description: 'The type of the answer' })),
    value: Type.Optional(
      Type.Union([Type.String(), Type.Boolean(), Type.Number(), Type.Array(Type.String())], {
        description: 'The answer; a list for multiselect (joined with ", ")',
        'x-expected': 'a string, a boolean, a number or a list of strings',
      }),
    ),
    unseen: Type.Boolean({ default: false, description: 'Do not mark the question as seen (debconf-set-selections -u)' }),
  },
  { additionalProperties: false },
);
export type DebconfArgs = Static<typeof DebconfArgs>;

export interface DebconfState {
  /** question → value as debconf-show prints it ("(password omitted)" for passwords). */
  selections: Record<string, string>;
  /** For a password question: the sha256 of the stored value; undefined when it has none. */
  passwordSha256?: string;
}

export interface DebconfChange {
  op: 'set';
  name: string;
  question: string;
  vtype: string;
  /** The value as debconf stores it. For a password, masked in describe and results. */
  value: string;
  unseen: boolean;
  previous?: string;
}

/** The answer as debconf-set-selections takes it: booleans lower-case, lists joined with ", ". */
export function debconfValue(a: DebconfArgs): string {
  const v = a.value;
  if (Array.isArray(v)) return v.join(', ');
  // Ansible's value is a str: a YAML boolean becomes True/False, which it lower-cases for vtype boolean only.
  if (typeof v === 'boolean') return a.vtype === 'boolean' ? String(v) : v ? 'True' : 'False';
  const text = String(v ?? '');
  return a.vtype === 'boolean' ? text.toLowerCase() : text;
}

/** `debconf-show` output → question → value (Ansible's get_selections). */
export function parseSelections(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  for (const line of text.split('\n')) {
    const at = line.indexOf(':');
    if (at < 0) continue;
    out[line.slice(0, at).replace(/^[\s*]+/, '').trim()] = line.slice(at + 1).trim();
  }
  return out;
}

function probe(a: DebconfArgs): Script {
  const parts: Script[] = [
    raw(`if ! command -v debconf-show >/dev/null 2>&1; then echo 'tsinfra: debconf needs debconf-show on the host (package debconf)' >&2; exit 3; fi`),
    sh`tsi_show=$(debconf-show ${a.name})`,
    raw(`printf 'show_b64='; printf '%s' "$tsi_show" | base64 -w0; echo`),
  ];
  if (a.vtype === 'password' && a.question !== undefined) {
    // `0 value` when set; anything else (10 …: no such question) leaves the sha out.
    parts.push(
      sh`tsi_got=$(printf 'GET %s\\n' ${a.question} | debconf-communicate ${a.name} 2>/dev/null || true)`,
      raw(`case "$tsi_got" in '0 '*|0) tsi_v=\${tsi_got#0}; tsi_v=\${tsi_v# }; tsi_sum=$(printf '%s' "$tsi_v" | sha256sum); echo "password_sha256=\${tsi_sum%% *}" ;; esac`),
    );
  }
  return stateScript(parts);
}

function plan(a: DebconfArgs, s: DebconfState): DebconfChange[] {
  if (a.question === undefined) return [];
  const value = debconfValue(a);
  const vtype = a.vtype!;
  let same: boolean;
  if (!(a.question in s.selections)) same = false;
  else if (vtype === 'password') same = s.passwordSha256 !== undefined && s.passwordSha256 === sha256(value);
  else if (vtype === 'boolean') same = s.selections[a.question]!.toLowerCase() === value;
  else if (vtype === 'multiselect') same = splitList(s.selections[a.question]!) === splitList(value);
  else same = s.selections[a.question] === value;
  if (same) return [];
  const c: DebconfChange = { op: 'set', name: a.name, question: a.question, vtype, value, unseen: a.unseen };
  if (a.question in s.selections) c.previous = s.selections[a.question];
  return [c];
}

function splitList(v: string): string {
  return v
    .split(',')
    .map((x) => x.trim())
    .filter((x) => x !== '')
    .sort()
    .join(', ');
}

function shownValue(c: { vtype: string; value: string }): string {
  return c.vtype === 'password' ? MASK : c.value;
}

export const debconf = defineModule({
  name: 'debconf',
  summary: 'A debconf answer (debconf-set-selections), compared with what debconf-show reports',
  args: DebconfArgs,
  aliases: { pkg: 'name', selection: 'question', setting: 'question', answer: 'value' },
  refine(a): ArgProblem[] {
    const given = [a.question, a.vtype, a.value].filter((x) => x !== undefined).length;
    if (given !== 0 && given !== 3) return [{ path: '', message: 'debconf: question, vtype and value go together' }];
    if (a.value !== undefined && Array.isArray(a.value) && a.vtype !== 'multiselect') return [{ path: '/value', message: 'debconf.value may be a list only with vtype: multiselect' }];
    if (typeof a.value === 'string' && a.value.includes('\n')) return [{ path: '/value', message: 'debconf.value must be one line' }];
    return [];
  },
  probe,
  parse(r): DebconfState {
    const kv = parseKeyValues(r.stdout);
    const s: DebconfState = { selections: parseSelections(fromBase64(kv.get('show_b64')).toString('utf8')) };
    const sum = kv.get('password_sha256');
    if (sum !== undefined) s.passwordSha256 = sum;
    return s;
  },
  plan,
  apply(_a, changes): Script {
    return stateScript(
      changes.map((c) => {
        const line = `${c.name} ${c.question} ${c.vtype} ${c.value}`;
        const word = c.vtype === 'password' ? secret(line) : line;
        return sh`printf '%s\\n' ${word} | debconf-set-selections${c.unseen ? raw(' -u') : raw('')}`;
      }),
    );
  },
  describe: (c) => `set ${c.question} (${c.vtype}) to ${JSON.stringify(shownValue(c))}${c.previous !== undefined ? ` (was ${JSON.stringify(c.vtype === 'password' ? MASK : c.previous)})` : ''}`,
  diff(_a, _s, changes): FileDiff | undefined {
    const c = changes[0];
    if (!c) return undefined;
    return { path: `debconf:${c.name}`, before: c.previous === undefined ? '' : `${c.question}: ${c.vtype === 'password' ? MASK : c.previous}\n`, after: `${c.question}: ${shownValue(c)}\n` };
  },
  // Ansible's keys: changed → current {q: value} and previous {q: old or ''}; unchanged → current: all the selections.
  result(_a, s, changes) {
    const c = changes[0];
    if (!c) return { msg: '', current: s.selections };
    return { msg: '', current: { [c.question]: shownValue(c) }, previous: { [c.question]: c.previous === undefined ? '' : c.vtype === 'password' ? MASK : c.previous } };
  },
});
