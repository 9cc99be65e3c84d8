// ini_file (community.general.ini_file): one option in one section of an INI file, edited on the controller from
// the probed text with community.general's own algorithm (editIni is a line-by-line port of its do_ini, quirks
// included: a new file starts with a blank line, an option commented out with # or ; is reused in place, a file
// without a final newline gets one). So the registered msg, the file and --diff are Ansible's.
import { Type, type Static } from '@sinclair/typebox';
import { joinScripts } from '../shell/script.js';
import { defineModule, PlanError, StringEnum, type ArgProblem } from './define.js';
import { AbsPath, fileAttributes } from './lib/file-attributes.js';
import { pathInfo, pathInfoScript } from './lib/path-info.js';
import { backupFile } from './lib/remote-file.js';
import { applyEdit, describeEdit, diffEdit, parseEdit, planEdit, probeEdit } from './lib/text-file.js';

const IniFileArgs = Type.Object(
  {
    path: AbsPath('The INI file (created when missing, unless create: false)'),
    section: Type.Optional(Type.String({ description: 'The section; unset or empty: the options before the first section' })),
    option: Type.Optional(Type.String({ description: 'The option; unset with state: absent removes the whole section' })),
    value: Type.Optional(Type.String({ description: 'The value (one)' })),
    values: Type.Optional(Type.Array(Type.String(), { description: 'The values of an option given several times' })),
    backup: Type.Boolean({ default: false }),
    state: StringEnum(['absent', 'present'], { default: 'present' }),
    exclusive: Type.Boolean({ default: true, description: 'Other values of the option are removed (present) or all its lines (absent)' }),
    no_extra_spaces: Type.Boolean({ default: false, description: 'Write option=value instead of option = value' }),
    create: Type.Boolean({ default: true }),
    allow_no_value: Type.Boolean({ default: false, description: 'An option without a value (a line with just the option)' }),
    ...fileAttributes(),
  },
  { additionalProperties: false },
);
export type IniFileArgs = Static<typeof IniFileArgs>;

export interface IniEdit {
  /** The new text: the input itself when nothing changed. */
  text: string;
  changed: boolean;
  msg: string;
}

/** community.general's placeholder for "no section": the lines before the first [section]. */
const FAKE_SECTION = 'ad01e11446efb704fcdbdb21f2c43757423d91c5';

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
/** The text's lines, each with its "\n" (Python's readlines). */
const splitLines = (text: string) => text.match(/[^\n]*\n|[^\n]+$/g) ?? ([] as string[]);
/** Python's re.match on a line: `$` matches before its final newline, so match without it. */
const bare = (line: string) => (line.endsWith('\n') ? line.slice(0, -1) : line);

/** match_opt / match_active_opt: the option's line (commented out too, unless active), and its value. */
function optionValue(option: string, line: string, active: boolean): string | undefined {
  const re = new RegExp(`^${active ? '' : '[#;]?'}[ \\t]*${escapeRe(option)}[ \\t]*(?:=|$)[ \\t]*(.*)`);
  return re.exec(bare(line))?.[1];
}

/** do_ini on a text (pure): community.general's edit, step by step. */
export function editIni(a: Pick<IniFileArgs, 'section' | 'option' | 'state' | 'exclusive' | 'no_extra_spaces' | 'allow_no_value'> & { values: readonly string[] }, original: string): IniEdit {
  const values = [...new Set(a.values)];
  // io.open(encoding='utf-8-sig') in text mode: no BOM, universal newlines.
  const lines = splitLines(original.replace(/^\uFEFF/, '').replace(/\r\n?/g, '\n'));
  let changed = false;
  let msg = 'OK';
  if (lines.length === 0) lines.push('\n');
  if (!lines[lines.length - 1]!.endsWith('\n')) {
    lines[lines.length - 1] += '\n';
    changed = true;
  }
  lines.unshift(`[${FAKE_SECTION}]`);
  lines.push('[');
  const section = a.section ? a.section : FAKE_SECTION;
  const format = (option: string, value: string) => (a.no_extra_spaces ? `${option}=${value}\n` : `${option} = ${value}\n`);

  let within = false;
  let start = 0;
  let end = 0;
  for (let i = 0; i < lines.length; i++) {
    if (lines[i]!.startsWith(`[${section}]`)) {
      within = true;
      start = i;
    } else if (lines[i]!.startsWith('[') && within) {
      end = i;
      break;
    }
  }
  const before = lines.slice(0, start);
  let sectionLines = lines.slice(start, end);
  const after = lines.slice(end);
  let touched: boolean[] = sectionLines.map(() => false);
  let noValuePresent = false;
  const update = (i: number, line: string) => {
    if (sectionLines[i] !== line) {
      changed = true;
      msg = 'option changed';
    }
    sectionLines[i] = line;
    touched[i] = true;
  };
  const option = a.option;

  if (a.state === 'present' && option) {
    for (let i = 0; i < sectionLines.length; i++) {
      const current = optionValue(option, sectionLines[i]!, false);
      if (current === undefined) continue;
      if (values.length > 0 && values.includes(current)) {
        if (!current && a.allow_no_value) {
          update(i, `${option}\n`);
          noValuePresent = true;
        } else {
          update(i, format(option, current));
        }
        values.splice(values.indexOf(current), 1);
      } else if (values.length === 0 && a.allow_no_value) {
        update(i, `${option}\n`);
        noValuePresent = true;
        break;
      }
    }
  }

  if (a.state === 'present' && a.exclusive && !a.allow_no_value && option !== undefined) {
    if (values.length > 0) {
      for (let i = 0; i < sectionLines.length; i++) {
        if (!touched[i] && optionValue(option, sectionLines[i]!, false) !== undefined) {
          update(i, format(option, values.shift()!));
          if (values.length === 0) break;
        }
      }
    }
    for (let i = sectionLines.length - 1; i > 0; i--) {
      if (!touched[i] && optionValue(option, sectionLines[i]!, false) !== undefined) {
        sectionLines.splice(i, 1);
        touched.splice(i, 1);
        changed = true;
        msg = 'option changed';
      }
    }
  }

  if (a.state === 'present') {
    for (let i = sectionLines.length; i > 0; i--) {
      // The last line that is neither blank nor a comment: the new lines go after it.
      if (/^[ \t]*([#;].*)?$/.test(bare(sectionLines[i - 1]!))) continue;
      if (option && values.length > 0) {
        sectionLines.splice(i, 0, ...values.map((v) => format(option, v)));
        msg = 'option added';
        changed = true;
      } else if (option && values.length === 0 && a.allow_no_value && !noValuePresent) {
        sectionLines.splice(i, 0, `${option}\n`);
        msg = 'option added';
        changed = true;
      }
      break;
    }
  }

  if (a.state === 'absent') {
    if (option) {
      let kept = sectionLines;
      if (a.exclusive) kept = sectionLines.filter((l) => optionValue(option, l, true) === undefined);
      else if (values.length > 0) kept = sectionLines.filter((l) => !values.includes(optionValue(option, l, true) ?? '\0none'));
      if (kept.length !== sectionLines.length) {
        changed = true;
        msg = 'option changed';
        sectionLines = kept;
      }
    } else if (sectionLines.length > 0) {
      sectionLines = [];
      msg = 'section removed';
      changed = true;
    }
  }
  touched = [];

  const out = [...before, ...sectionLines, ...after].slice(1, -1);
  if (!within && a.state === 'present') {
    out.push(`[${section}]\n`);
    msg = 'section and option added';
    if (option && values.length > 0) out.push(...values.map((v) => format(option, v)));
    else if (option && values.length === 0 && a.allow_no_value) out.push(`${option}\n`);
    else msg = 'only section added';
    changed = true;
  }
  return changed ? { text: out.join(''), changed, msg } : { text: original, changed, msg };
}

const valuesOf = (a: IniFileArgs): string[] => (a.value !== undefined ? [a.value] : (a.values ?? []));
const iniEdit = (a: IniFileArgs, text: string) => editIni({ ...a, values: valuesOf(a) }, text);

export const iniFile = defineModule({
  name: 'ini_file',
  summary: 'One option of one section of an INI file (community.general.ini_file)',
  args: IniFileArgs,
  aliases: { dest: 'path' },
  refine(a): ArgProblem[] {
    if (a.value !== undefined && a.values !== undefined) return [{ path: '/values', message: 'ini_file takes value or values, not both' }];
    if (a.state === 'present' && !a.allow_no_value && a.value === undefined && !a.values?.length) {
      return [{ path: '/value', message: 'ini_file needs value or values with state: present (unless allow_no_value: true)' }];
    }
    return [];
  },
  probe: (a) => probeEdit(a.path),
  parse: (r, a) => parseEdit(r, 'ini_file', a.path),
  plan(a, s) {
    if (s.stat.kind === 'none' && !a.create) throw new PlanError('ini_file', `Destination ${a.path} does not exist!`, { hint: 'set create: true to create it' });
    return planEdit('ini_file', { ...a, create: true }, s, (text) => iniEdit(a, text).text);
  },
  apply: (a, changes) => joinScripts([applyEdit(changes), pathInfoScript(a.path)]),
  describe: describeEdit,
  diff: (_a, s, changes) => diffEdit(s, changes),
  result(a, s, _changes, applied) {
    const out: Record<string, unknown> = { msg: iniEdit(a, s.text ?? '').msg, path: a.path, ...pathInfo('ini_file', s.stat, applied) };
    const backup = backupFile(applied?.stdout);
    if (backup !== undefined) out.backup_file = backup;
    return out;
  },
});
