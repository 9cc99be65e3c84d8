// lineinfile: one line present (replacing the line a regexp matches) or absent. The new text is computed on the
// controller from the probed file, so the plan is pure and --diff exact.
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, StringEnum, type ArgProblem } from './define.js';
import { AbsPath, fileAttributes, Validate } from './lib/file-attributes.js';
import {
  applyEdit,
  describeEdit,
  diffEdit,
  fromLines,
  parseEdit,
  planEdit,
  probeEdit,
  pythonRegExp,
  regexpProblem,
  toLines,
  type Lines,
} from './lib/text-file.js';

const LineinfileArgs = Type.Object(
  {
    path: AbsPath('The file to edit (a symbolic link is followed)'),
    line: Type.Optional(Type.String({ pattern: '^[^\\n]*$', description: 'The line (state=present); with backrefs, \\1 and \\g<name> refer to regexp groups' })),
    regexp: Type.Optional(Type.String({ minLength: 1, description: 'Python-style regular expression: the last matching line is replaced (present) or every matching line removed (absent)' })),
    search_string: Type.Optional(Type.String({ minLength: 1, description: 'Like regexp, but a literal substring' })),
    state: StringEnum(['present', 'absent'], { default: 'present' }),
    insertafter: Type.Optional(Type.String({ minLength: 1, description: 'EOF, or a regular expression: insert after its last match (when nothing was replaced)' })),
    insertbefore: Type.Optional(Type.String({ minLength: 1, description: 'BOF, or a regular expression: insert before its last match' })),
    firstmatch: Type.Boolean({ default: false, description: 'Use the first match of regexp/insertafter/insertbefore instead of the last' }),
    backrefs: Type.Boolean({ default: false, description: 'Expand regexp groups in line; when regexp matches nothing, change nothing' }),
    create: Type.Boolean({ default: false, description: 'Create the file when missing' }),
    backup: Type.Boolean({ default: false }),
    ...fileAttributes(),
    validate: Type.Optional(Validate()),
  },
  { additionalProperties: false },
);
export type LineinfileArgs = Static<typeof LineinfileArgs>;

/** Python's Match.expand for the template forms Ansible users write: \1, \g<1>, \g<name>, \\, \n, \t. */
export function expandBackrefs(template: string, m: RegExpExecArray): string {
  return template.replace(/\\(?:g<([^>]+)>|([0-9]{1,2})|(.))/g, (all, g: string | undefined, n: string | undefined, c: string | undefined) => {
    if (g !== undefined) return (/^[0-9]+$/.test(g) ? m[Number(g)] : m.groups?.[g]) ?? '';
    if (n !== undefined) return m[Number(n)] ?? '';
    if (c === '\\') return '\\';
    if (c === 'n') return '\n';
    if (c === 't') return '\t';
    return all;
  });
}

function findIndex(lines: string[], test: (line: string) => boolean, first: boolean): number {
  let found = -1;
  for (let i = 0; i < lines.length; i++) {
    if (test(lines[i]!)) {
      found = i;
      if (first) break;
    }
  }
  return found;
}

/** The edit itself (pure, exported for tests): Ansible's lineinfile semantics, minus CRLF handling. */
export function editLines(a: LineinfileArgs, text: string): string {
  const l: Lines = toLines(text);
  const re = a.regexp !== undefined ? pythonRegExp(a.regexp) : undefined;
  const matches = (s: string): boolean =>
    re ? re.test(s) : a.search_string !== undefined ? s.includes(a.search_string) : s === a.line;

  if (a.state === 'absent') {
    // Lines keep their own "\n": when the unterminated last line goes, the new last one still has its own.
    if (l.lines.length > 0 && matches(l.lines[l.lines.length - 1]!)) l.finalNewline = true;
    l.lines = l.lines.filter((s) => !matches(s));
    return fromLines(l);
  }

  const line = a.line!;
  const hit = findIndex(l.lines, matches, a.firstmatch);
  if (hit >= 0) {
    const m = re?.exec(l.lines[hit]!);
    l.lines[hit] = a.backrefs && m ? expandBackrefs(line, m) : line;
    return fromLines(l);
  }
  if (a.backrefs) return text; // nothing to take the groups from
  if (l.lines.includes(line)) return text; // the regexp did not match, but the line is already there

  if (a.insertbefore === 'BOF' || a.insertafter === 'BOF') {
    l.lines.unshift(line);
  } else if (a.insertbefore !== undefined && a.insertbefore !== 'EOF') {
    const ins = pythonRegExp(a.insertbefore);
    const at = findIndex(l.lines, (s) => ins.test(s), a.firstmatch);
    insertAt(l, at, line);
  } else if (a.insertafter !== undefined && a.insertafter !== 'EOF') {
    const ins = pythonRegExp(a.insertafter);
    const at = findIndex(l.lines, (s) => ins.test(s), a.firstmatch);
    insertAt(l, at < 0 ? -1 : at + 1, line);
  } else {
    insertAt(l, -1, line);
  }
  return fromLines(l);
}

/** Insert at an index, or append when -1 (then the file ends with a newline, as Ansible does). */
function insertAt(l: Lines, at: number, line: string): void {
  if (at < 0 || at >= l.lines.length) {
    l.lines.push(line);
    l.finalNewline = true;
  } else {
    l.lines.splice(at, 0, line);
  }
}

export const lineinfile = defineModule({
  name: 'lineinfile',
  summary: 'One line in a text file is present (replacing what a regexp matches) or absent',
  args: LineinfileArgs,
  aliases: { dest: 'path', name: 'path' },
  refine(a): ArgProblem[] {
    const out: ArgProblem[] = [
      ...regexpProblem('lineinfile', 'regexp', a.regexp),
      ...regexpProblem('lineinfile', 'insertafter', a.insertafter),
      ...regexpProblem('lineinfile', 'insertbefore', a.insertbefore),
    ];
    if (a.state === 'present' && a.line === undefined) out.push({ path: '/line', message: 'lineinfile.line is required with state: present' });
    if (a.state === 'absent' && a.line === undefined && a.regexp === undefined && a.search_string === undefined) {
      out.push({ path: '', message: 'lineinfile with state: absent needs regexp, search_string or line' });
    }
    if (a.regexp !== undefined && a.search_string !== undefined) out.push({ path: '/search_string', message: 'lineinfile takes regexp or search_string, not both' });
    if (a.insertafter !== undefined && a.insertbefore !== undefined) out.push({ path: '/insertbefore', message: 'lineinfile takes insertafter or insertbefore, not both' });
    if (a.backrefs && a.regexp === undefined) out.push({ path: '/backrefs', message: 'lineinfile.backrefs needs regexp' });
    return out;
  },
  probe: (a) => probeEdit(a.path),
  parse: (r, a) => parseEdit(r, 'lineinfile', a.path),
  plan: (a, s) => planEdit('lineinfile', a, s, (text) => editLines(a, text)),
  apply: (_a, changes) => applyEdit(changes),
  describe: describeEdit,
  diff: (_a, s, changes) => diffEdit(s, changes),
});
