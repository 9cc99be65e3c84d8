// capabilities (community.general.capabilities): one file capability set or removed with setcap, read with
// `getcap -v`. As community.general, the whole capability list is written back with the one entry changed.
// Difference: a wanted `cap+flags` counts as present when the file already has those flags for it (Ansible compares
// the operator too, and so changes a `+ep` task on every run); `=` wants exactly these flags. And every group getcap
// prints is read (community.general reads the first, so `cap_a=ep cap_b+i` loses cap_b when it sets another).
import { Type, type Static } from '@sinclair/typebox';
import { sh, type Script } from '../shell/script.js';
import { defineModule, PlanError, StringEnum, type ArgProblem, type Change } from './define.js';
import { fromBase64, parseKeyValues } from './lib/probe-output.js';
import { stateScript } from './lib/remote-file.js';

const CapabilitiesArgs = Type.Object(
  {
    path: Type.String({ minLength: 1, description: 'The file' }),
    capability: Type.String({ minLength: 1, description: 'cap_name OP flags, e.g. cap_net_raw=ep (state: absent needs only the name)' }),
    state: StringEnum(['absent', 'present'], { default: 'present' }),
  },
  { additionalProperties: false },
);
export type CapabilitiesArgs = Static<typeof CapabilitiesArgs>;

/** One capability as community.general's _parse_cap splits it: name, operator, flags. */
export type Cap = [name: string, op: string, flags: string];

export interface CapabilitiesChange extends Change {
  op: 'setcap';
  path: string;
  from: string;
  to: string;
}

/** _parse_cap: at the first of '=', '-', '+' found (in that order of preference). */
export function parseCap(cap: string, opRequired = true): Cap | [string] {
  for (const op of ['=', '-', '+']) {
    const at = cap.indexOf(op);
    if (at >= 0) return [cap.slice(0, at), op, cap.slice(at + 1)];
  }
  if (opRequired) throw new PlanError('capabilities', "Couldn't find operator (one of: ('=', '-', '+'))");
  return [cap];
}

/** `getcap -v PATH` → the capabilities (getcap groups names sharing op/flags: cap_a,cap_b=ep). */
export function parseGetcap(stdout: string, path: string): Cap[] {
  const out = stdout.trim();
  if (out === path) return [];
  // Every group after the path (community.general reads only the first: `stdout.split()[1]`).
  const rest = out.includes(' =') ? out.split(' =')[1]! : out.startsWith(path) ? out.slice(path.length) : out.split(/\s+/).slice(1).join(' ');
  const caps = rest.trim().split(/\s+/).filter(Boolean);
  return caps.flatMap((c) => {
    const lower = c.toLowerCase();
    if (!lower.includes(',')) return [parseCap(lower) as Cap];
    const group = lower.split(',');
    const [last, op, flags] = parseCap(group.pop()!) as Cap;
    return [...group, last].map((n): Cap => [n, op, flags]);
  });
}

const render = (caps: readonly Cap[]) => caps.map((c) => c.join('')).join(' ');

export const capabilities = defineModule({
  name: 'capabilities',
  summary: 'A file capability set or removed (community.general.capabilities)',
  args: CapabilitiesArgs,
  aliases: { key: 'path', cap: 'capability' },
  refine(a): ArgProblem[] {
    return a.state === 'present' && !/[=+-]/.test(a.capability) ? [{ path: '/capability', message: "capabilities.capability needs an operator (one of: '=', '-', '+'), e.g. cap_net_raw=ep" }] : [];
  },
  probe: (a) => stateScript([sh`tsi_err=$(getcap -v ${a.path.trim()} 2>&1 >/dev/null) || true; printf 'out_b64='; getcap -v ${a.path.trim()} 2>/dev/null | base64 -w0; echo; printf 'err_b64='; printf '%s' "$tsi_err" | base64 -w0; echo`]),
  parse(r, a): Cap[] {
    const kv = parseKeyValues(r.stdout);
    const path = a.path.trim();
    const out = fromBase64(kv.get('out_b64')).toString('utf8');
    const err = fromBase64(kv.get('err_b64')).toString('utf8');
    if (err !== '' || /\(No such file or directory\)/.test(out)) throw new PlanError('capabilities', `Unable to get capabilities of ${path}`, { hint: (err || out).trim() });
    return parseGetcap(out, path);
  },
  plan(a, current): CapabilitiesChange[] {
    const want = parseCap(a.capability.trim().toLowerCase(), a.state === 'present');
    const has = current.find((c) => c[0] === want[0]);
    let next: Cap[] | undefined;
    if (a.state === 'present') {
      const [name, op, flags] = want as Cap;
      const sorted = (f: string) => [...f].sort().join('');
      const ok = has !== undefined && (op === '+' ? [...flags].every((f) => has[2].includes(f)) : op === '-' ? [...flags].every((f) => !has[2].includes(f)) : has[1] === op && sorted(has[2]) === sorted(flags));
      if (!ok) next = [...current.filter((c) => c[0] !== name), [name, op, flags]];
    } else if (has) {
      next = current.filter((c) => c[0] !== want[0]);
    }
    return next ? [{ op: 'setcap', path: a.path.trim(), from: render(current), to: render(next) }] : [];
  },
  apply: (_a, changes): Script => stateScript(changes.map((c) => (c.to === '' ? sh`setcap -r ${c.path}` : sh`setcap ${c.to} ${c.path}`))),
  describe: (c) => `capabilities of ${c.path}: ${c.from || '(none)'} → ${c.to || '(none)'}`,
  result: (a, _s, changes, applied) =>
    changes.length === 0 ? { state: a.state } : applied ? { state: a.state, msg: 'capabilities changed' } : { msg: 'capabilities changed' },
});
