// sysctl: a kernel parameter's line in a sysctl file, and (reload) its value in the running kernel.
import { Type, type Static } from '@sinclair/typebox';
import { sh, type Script } from '../shell/script.js';
import { defineModule, expecting, PlanError, StringEnum, type ArgProblem } from './define.js';
import { parseKeyValues } from './lib/probe-output.js';
import { AbsPath } from './lib/file-attributes.js';
import { applyFileChanges, stateScript } from './lib/remote-file.js';
import { describeEdit, diffEdit, editProbe, fromLines, parseEditFrom, planEdit, toLines, type EditChange, type EditState } from './lib/text-file.js';

const SysctlArgs = Type.Object(
  {
    name: expecting(Type.String({ pattern: '^[A-Za-z0-9_][A-Za-z0-9_.\\/-]*$' }), 'a kernel parameter name (net.ipv4.ip_forward)'),
    value: Type.Optional(
      expecting(Type.Union([Type.String({ pattern: '^[^\\n]*$' }), Type.Number()]), 'a value on one line (a string or a number)'),
    ),
    state: StringEnum(['present', 'absent'], { default: 'present' }),
    sysctl_file: AbsPath('The file holding the setting', { default: '/etc/sysctl.conf' }),
    reload: Type.Boolean({ default: true, description: 'Also set the value in the running kernel when it differs (sysctl -w)' }),
    sysctl_set: Type.Boolean({ default: false, description: 'Accepted for Ansible compatibility: same as reload' }),
  },
  { additionalProperties: false },
);
export type SysctlArgs = Static<typeof SysctlArgs>;

export interface SysctlState {
  file: EditState;
  /** The running value, whitespace collapsed; undefined when the kernel has no such parameter. */
  runtime?: string;
}

export type SysctlChange = EditChange | { op: 'set'; name: string; from?: string; to: string };

/** "32768\t60999" and "32768 60999" are the same value. */
export function normalizeValue(v: string | number): string {
  return String(v).trim().split(/\s+/).join(' ');
}

const LINE = /^\s*([^#;\s=][^=]*?)\s*=\s*(.*?)\s*$/;

/** The edit (pure): the first line for the name rewritten (unless only spacing differs), later ones dropped. */
export function editSysctl(a: SysctlArgs, text: string): string {
  const l = toLines(text);
  const want = a.value === undefined ? undefined : normalizeValue(a.value);
  let done = false;
  const lines: string[] = [];
  for (const line of l.lines) {
    const m = LINE.exec(line);
    if (!m || m[1] !== a.name) {
      lines.push(line);
      continue;
    }
    if (a.state === 'absent' || done) continue;
    lines.push(normalizeValue(m[2]!) === want ? line : `${a.name}=${want}`);
    done = true;
  }
  if (a.state === 'present' && !done) {
    lines.push(`${a.name}=${want}`);
    return fromLines({ lines, finalNewline: true });
  }
  return fromLines({ lines, finalNewline: l.finalNewline });
}

export const sysctl = defineModule({
  name: 'sysctl',
  summary: 'A kernel parameter set in a sysctl file and in the running kernel',
  args: SysctlArgs,
  aliases: { key: 'name' },
  refine(a): ArgProblem[] {
    return a.state === 'present' && a.value === undefined ? [{ path: '/value', message: 'sysctl.value is required with state: present' }] : [];
  },
  probe(a): Script {
    const parts: Script[] = [editProbe(a.sysctl_file, 'f_')];
    if (a.state === 'present' && (a.reload || a.sysctl_set)) {
      parts.push(sh`if v=$(sysctl -n ${a.name} 2>/dev/null); then printf 'runtime=%s\n' "$v" | tr '\t' ' '; else echo runtime_missing=1; fi`);
    }
    return stateScript(parts);
  },
  parse(r, a): SysctlState {
    const kv = parseKeyValues(r.stdout);
    const s: SysctlState = { file: parseEditFrom(kv, 'sysctl', a.sysctl_file, 'f_') };
    const rt = kv.get('runtime');
    if (rt !== undefined) s.runtime = normalizeValue(rt);
    return s;
  },
  plan(a, s): SysctlChange[] {
    const out: SysctlChange[] = planEdit('sysctl', { path: a.sysctl_file, create: true }, s.file, (t) => editSysctl(a, t));
    if (a.state === 'present' && (a.reload || a.sysctl_set)) {
      const want = normalizeValue(a.value!);
      if (s.runtime === undefined) throw new PlanError('sysctl', `the kernel has no parameter ${a.name}`, { hint: 'is the module loaded?' });
      if (s.runtime !== want) out.push({ op: 'set', name: a.name, from: s.runtime, to: want });
    }
    return out;
  },
  apply(_a, changes) {
    const parts = applyFileChanges(changes.filter((c): c is EditChange => c.op !== 'set'));
    for (const c of changes) if (c.op === 'set') parts.push(sh`sysctl -w ${`${c.name}=${c.to}`} >/dev/null`);
    return stateScript(parts);
  },
  describe: (c) => (c.op === 'set' ? `set ${c.name} in the running kernel: ${c.from ?? '(unset)'} → ${c.to}` : describeEdit(c)),
  diff: (_a, s, changes) => diffEdit(s.file, changes.filter((c): c is EditChange => c.op !== 'set')),
});

