// blockinfile: a block of lines between two marker lines, present or absent. Same flow as lineinfile.
// The default marker is Ansible's, so a ported playbook finds the blocks Ansible wrote instead of adding a second.
import { Type, type Static } from '@sinclair/typebox';
import { defineModule, StringEnum, type ArgProblem } from './define.js';
import { AbsPath, fileAttributes, Validate } from './lib/file-attributes.js';
import { applyEdit, describeEdit, diffEdit, fromLines, parseEdit, planEdit, probeEdit, pythonRegExp, regexpProblem, toLines } from './lib/text-file.js';

const BlockinfileArgs = Type.Object(
  {
    path: AbsPath('The file to edit (a symbolic link is followed)'),
    block: Type.String({ default: '', description: 'The lines between the markers; empty removes the block' }),
    marker: Type.String({
      default: '# {mark} ANSIBLE MANAGED BLOCK',
      pattern: '^[^\\n]*$',
      description: 'The marker line template; {mark} becomes marker_begin or marker_end',
    }),
    marker_begin: Type.String({ default: 'BEGIN', pattern: '^[^\\n]*$' }),
    marker_end: Type.String({ default: 'END', pattern: '^[^\\n]*$' }),
    state: StringEnum(['present', 'absent'], { default: 'present' }),
    insertafter: Type.Optional(Type.String({ minLength: 1, description: 'EOF, or a regular expression: a new block goes after its last match' })),
    insertbefore: Type.Optional(Type.String({ minLength: 1, description: 'BOF, or a regular expression: a new block goes before its last match' })),
    create: Type.Boolean({ default: false }),
    backup: Type.Boolean({ default: false }),
    ...fileAttributes(),
    validate: Type.Optional(Validate()),
  },
  { additionalProperties: false },
);
export type BlockinfileArgs = Static<typeof BlockinfileArgs>;

function lastIndex(lines: string[], test: (s: string) => boolean): number {
  for (let i = lines.length - 1; i >= 0; i--) if (test(lines[i]!)) return i;
  return -1;
}

/** The edit itself (pure, exported for tests). */
export function editBlock(a: BlockinfileArgs, text: string): string {
  const l = toLines(text);
  const begin = a.marker.split('{mark}').join(a.marker_begin);
  const end = a.marker.split('{mark}').join(a.marker_end);
  const blockLines = a.block === '' ? [] : toLines(a.block).lines;
  const wanted = a.state === 'present' && blockLines.length > 0 ? [begin, ...blockLines, end] : [];

  let n0 = lastIndex(l.lines, (s) => s === begin);
  let n1 = lastIndex(l.lines, (s) => s === end);
  if (n0 >= 0 && n1 >= 0) {
    if (n0 > n1) [n0, n1] = [n1, n0];
    if (n1 === l.lines.length - 1) l.finalNewline = true; // the old last line goes; the new last ends with "\n"
    l.lines.splice(n0, n1 - n0 + 1, ...wanted);
    return fromLines(l);
  }
  if (wanted.length === 0) return text;
  let at = l.lines.length;
  if (a.insertbefore === 'BOF' || a.insertafter === 'BOF') at = 0;
  else if (a.insertbefore !== undefined && a.insertbefore !== 'EOF') {
    const re = pythonRegExp(a.insertbefore);
    const i = lastIndex(l.lines, (s) => re.test(s));
    if (i >= 0) at = i;
  } else if (a.insertafter !== undefined && a.insertafter !== 'EOF') {
    const re = pythonRegExp(a.insertafter);
    const i = lastIndex(l.lines, (s) => re.test(s));
    if (i >= 0) at = i + 1;
  }
  l.lines.splice(at, 0, ...wanted);
  if (at === l.lines.length - wanted.length) l.finalNewline = true;
  return fromLines(l);
}

export const blockinfile = defineModule({
  name: 'blockinfile',
  summary: 'A block of lines between marker lines in a text file is present or absent',
  args: BlockinfileArgs,
  aliases: { dest: 'path', name: 'path', content: 'block' },
  refine(a): ArgProblem[] {
    const out: ArgProblem[] = [...regexpProblem('blockinfile', 'insertafter', a.insertafter), ...regexpProblem('blockinfile', 'insertbefore', a.insertbefore)];
    if (a.insertafter !== undefined && a.insertbefore !== undefined) out.push({ path: '/insertbefore', message: 'blockinfile takes insertafter or insertbefore, not both' });
    if (!a.marker.includes('{mark}')) out.push({ path: '/marker', message: 'blockinfile.marker must contain {mark}, or the begin and end markers would be the same line' });
    return out;
  },
  probe: (a) => probeEdit(a.path),
  parse: (r, a) => parseEdit(r, 'blockinfile', a.path),
  plan: (a, s) => planEdit('blockinfile', a, s, (text) => editBlock(a, text)),
  apply: (_a, changes) => applyEdit(changes),
  describe: describeEdit,
  diff: (_a, s, changes) => diffEdit(s, changes),
});
