// pam_limits (community.general.pam_limits): one `domain type item value` line of limits.conf, edited on the
// controller with community.general's own loop (editLimits is a port: the matching line is rewritten with tabs,
// use_max/use_min keep the larger/smaller limit, a missing line is appended). A missing file is created, as Ansible
// does (it creates it even in check mode; here only when applied).
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, PlanError, StringEnum, type ArgProblem } from './define.js';
import { AbsPath } from './lib/file-attributes.js';
import { backupFile } from './lib/remote-file.js';
import { applyEdit, describeEdit, diffEdit, parseEdit, planEdit, probeEdit } from './lib/text-file.js';

const ITEMS = ['core', 'data', 'fsize', 'memlock', 'nofile', 'rss', 'stack', 'cpu', 'nproc', 'as', 'maxlogins', 'maxsyslogins', 'priority', 'locks', 'sigpending', 'msgqueue', 'nice', 'rtprio', 'chroot'] as const;

const PamLimitsArgs = Type.Object(
  {
    domain: Type.String({ minLength: 1, description: 'A user, @group, a uid/gid range or *' }),
    limit_type: StringEnum(['soft', 'hard', '-']),
    limit_item: StringEnum(ITEMS),
    value: Type.String({ minLength: 1, description: 'A number, or unlimited / infinity / -1' }),
    use_max: Type.Boolean({ default: false, description: 'Keep the larger of the value and the one in the file' }),
    use_min: Type.Boolean({ default: false, description: 'Keep the smaller of the value and the one in the file' }),
    backup: Type.Boolean({ default: false }),
    dest: AbsPath('The limits file', { default: '/etc/security/limits.conf' }),
    comment: Type.String({ default: '', description: 'A comment after the value' }),
  },
  { additionalProperties: false },
);
export type PamLimitsArgs = Static<typeof PamLimitsArgs>;

const UNLIMITED = ['unlimited', 'infinity', '-1'];

/** _assert_is_valid_value's message, or undefined when the value is fine. */
export function limitProblem(item: string, value: string): string | undefined {
  if (item === 'nice' || item === 'priority') {
    const n = /^\s*[-+]?[0-9]+\s*$/.test(value) ? Number(value) : NaN;
    return n >= -20 && n <= 19 ? undefined : `Value of '${value}' for item '${item}' is invalid. Value must be a number in the range -20 to 19 inclusive.`;
  }
  return UNLIMITED.includes(value) || /^[0-9]+$/.test(value)
    ? undefined
    : `Value of '${value}' for item '${item}' is invalid. Value must either be 'unlimited', 'infinity' or -1, all of which indicate no limit, or a limit of 0 or larger.`;
}

/** community.general's loop over the file (pure): the new text and the line it registers as msg. */
export function editLimits(a: PamLimitsArgs, text: string): { text: string; msg: string } {
  const lines = text.match(/[^\n]*\n|[^\n]+$/g) ?? ([] as string[]);
  const out: string[] = [];
  let comment = a.comment;
  let found = false;
  let message = '';
  let newValue = a.value;
  const limitLine = (value: string) => {
    if (comment) comment = `\t#${comment}`;
    return `${a.domain}\t${a.limit_type}\t${a.limit_item}\t${value}${comment}\n`;
  };
  for (const line of lines) {
    if (line.startsWith('#')) {
      out.push(line);
      continue;
    }
    const squeezed = line.replace(/\s+/g, ' ').trim();
    if (!squeezed) {
      out.push(line);
      continue;
    }
    const fields = squeezed.split('#', 1)[0]!.trimEnd().split(' ');
    const hash = line.indexOf('#');
    if (!comment) comment = hash < 0 ? '' : line.slice(hash + 1);
    if (fields.length !== 4) {
      out.push(line);
      continue;
    }
    const [domain, type, item, actual] = fields as [string, string, string, string];
    const bad = limitProblem(item, actual);
    if (bad) throw new PlanError('pam_limits', `Invalid configuration found in '${a.dest}'. ${bad}`);
    if (domain !== a.domain || type !== a.limit_type || item !== a.limit_item) {
      out.push(line);
      continue;
    }
    found = true;
    if (a.value === actual) {
      message = line;
      out.push(line);
      continue;
    }
    // (Ansible compares the type, not the item, with nice/priority here: so a -1 counts as unlimited for them too.)
    const actualUnlimited = UNLIMITED.includes(actual);
    const valueUnlimited = UNLIMITED.includes(a.value);
    if (a.use_max) {
      newValue = actualUnlimited ? actual : valueUnlimited ? a.value : String(Math.max(Number(a.value), Number(actual)));
    }
    if (a.use_min) {
      if (actualUnlimited && valueUnlimited) newValue = actual;
      else if (actualUnlimited) newValue = a.value;
      else if (valueUnlimited) newValue = actual;
      else newValue = String(Math.min(Number(a.value), Number(actual)));
    }
    if (newValue !== actual) {
      message = limitLine(newValue);
      out.push(message);
    } else {
      message = line;
      out.push(line);
    }
  }
  if (!found) {
    message = limitLine(newValue);
    out.push(message);
  }
  return { text: out.join(''), msg: message };
}

export const pamLimits = defineModule({
  name: 'pam_limits',
  summary: 'One limit line of /etc/security/limits.conf (community.general.pam_limits)',
  args: PamLimitsArgs,
  refine(a): ArgProblem[] {
    if (a.use_max && a.use_min) return [{ path: '/use_min', message: 'pam_limits: use_min and use_max cannot be used at the same time' }];
    const bad = limitProblem(a.limit_item, a.value);
    return bad ? [{ path: '/value', message: `pam_limits: ${bad}` }] : [];
  },
  probe: (a) => probeEdit(a.dest),
  parse: (r, a) => parseEdit(r, 'pam_limits', a.dest),
  plan: (a, s) => planEdit('pam_limits', { path: a.dest, create: true, backup: a.backup }, s, (text) => editLimits(a, text).text),
  apply: (_a, changes) => applyEdit(changes),
  describe: describeEdit,
  diff: (_a, s, changes) => diffEdit(s, changes),
  result(a, s, _changes, applied) {
    const out: Record<string, unknown> = { msg: editLimits(a, s.text ?? '').msg };
    const backup = backupFile(applied?.stdout);
    if (backup !== undefined) out.backup_file = backup;
    return out;
  },
});
