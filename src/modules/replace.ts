// replace: every match of a (Python) regular expression in a file replaced, optionally only between `after` and
// `before`, as Ansible's ansible.builtin.replace does it. The new text is computed on the controller from the
// probed file (lib/text-file.ts), so the plan is pure and --diff exact. Registers rc, msg ("N replacements made")
// and changed, with backup_file when a backup was made.
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, PlanError, type ArgProblem } from './define.js';
import { AbsPath, fileAttributes, Validate } from './lib/file-attributes.js';
import { backupFile } from './lib/remote-file.js';
import { applyEdit, describeEdit, diffEdit, parseEdit, planEdit, probeEdit, pythonRegExp, regexpProblem, type EditState } from './lib/text-file.js';
import { expandBackrefs } from './lineinfile.js';

const ReplaceArgs = Type.Object(
  {
    path: AbsPath('The file to edit (a symbolic link is followed)'),
    regexp: Type.String({ description: 'Python-style regular expression, matched in multiline mode' }),
    replace: Type.String({ default: '', description: 'The replacement; \\1 and \\g<name> refer to regexp groups' }),
    after: Type.Optional(Type.String({ description: 'Replace only after the first match of this expression' })),
    before: Type.Optional(Type.String({ description: 'Replace only before the first match of this expression' })),
    backup: Type.Boolean({ default: false }),
    validate: Type.Optional(Validate()),
    encoding: Type.String({ default: 'utf-8', pattern: '^[Uu][Tt][Ff]-?8$', description: 'Only utf-8 is supported' }),
    ...fileAttributes(),
  },
  { additionalProperties: false },
);
export type ReplaceArgs = Static<typeof ReplaceArgs>;

export interface Replaced {
  text: string;
  /** How many matches were replaced (Python's subn count). */
  count: number;
  /** The after/before section pattern matched nothing: the file stays as it is, with this message. */
  noSection?: string;
}

/** Python's re.subn over the section between after and before (pure; exported for tests). */
export function replaceText(a: Pick<ReplaceArgs, 'regexp' | 'replace' | 'after' | 'before'>, contents: string): Replaced {
  let pattern = '';
  if (a.after && a.before) pattern = `${a.after}(?P<subsection>.*?)${a.before}`;
  else if (a.after) pattern = `${a.after}(?P<subsection>.*)`;
  else if (a.before) pattern = `(?P<subsection>.*)${a.before}`;
  let section = contents;
  let start = 0;
  let end = contents.length;
  if (pattern) {
    const re = new RegExp(pythonRegExp(pattern).source, 'sd');
    const m = re.exec(contents);
    if (!m?.indices?.groups?.subsection) {
      return { text: contents, count: 0, noSection: `Pattern for before/after params did not match the given file: ${pattern}` };
    }
    [start, end] = m.indices.groups.subsection;
    section = contents.slice(start, end);
  }
  const re = new RegExp(pythonRegExp(a.regexp).source, 'gm');
  let count = 0;
  const replaced = section.replace(re, (...args: unknown[]) => {
    count++;
    const hasGroups = typeof args[args.length - 1] === 'object';
    const groups = hasGroups ? (args[args.length - 1] as Record<string, string>) : undefined;
    const m = args.slice(0, hasGroups ? -3 : -2) as unknown as RegExpExecArray;
    m.groups = groups;
    return expandBackrefs(a.replace, m);
  });
  if (count === 0 || replaced === section) return { text: contents, count };
  return { text: contents.slice(0, start) + replaced + contents.slice(end), count };
}

function plan(a: ReplaceArgs, s: EditState) {
  if (s.stat.kind === 'none') throw new PlanError('replace', `Path ${a.path} does not exist !`);
  return planEdit('replace', { ...a, create: false }, s, (text) => replaceText(a, text).text);
}

export const replace = defineModule({
  name: 'replace',
  summary: 'Every match of a regular expression in a file replaced (optionally between after and before)',
  args: ReplaceArgs,
  aliases: { dest: 'path', destfile: 'path', name: 'path' },
  refine(a): ArgProblem[] {
    return [...regexpProblem('replace', 'regexp', a.regexp), ...regexpProblem('replace', 'after', a.after), ...regexpProblem('replace', 'before', a.before)];
  },
  probe: (a) => probeEdit(a.path),
  parse: (r, a) => {
    const s = parseEdit(r, 'replace', a.path);
    if (s.stat.kind === 'directory') throw new PlanError('replace', `Path ${a.path} is a directory !`);
    return s;
  },
  plan,
  apply: (_a, changes) => applyEdit(changes),
  describe: describeEdit,
  diff: (_a, s, changes) => diffEdit(s, changes),
  result(a, s, changes, applied) {
    const r = replaceText(a, s.text ?? '');
    if (r.noSection) return { rc: 0, msg: r.noSection };
    const wrote = changes.some((c) => c.op === 'write');
    let msg = wrote ? `${r.count} replacements made` : '';
    if (changes.some((c) => c.op !== 'write')) msg += `${wrote ? ' and ' : ''}ownership, perms or SE linux context changed`;
    const out: Record<string, unknown> = { rc: 0, msg };
    const backup = backupFile(applied?.stdout);
    if (backup !== undefined) out.backup_file = backup;
    return out;
  },
});
