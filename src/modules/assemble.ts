// assemble: a file made of the fragments in a directory of the host (sorted by name, optionally filtered by a
// regexp, with a delimiter between them), as Ansible's ansible.builtin.assemble builds it with remote_src (its
// default). The probe reads the fragments and dest's sha1; the new content is computed on the controller (pure,
// Ansible's assemble_from_fragments) and written atomically only when its sha1 differs. Registers src, dest,
// checksum, md5sum, msg, backup_file and dest's owner, mode and size, as Ansible does. Fragments on the controller
// (remote_src: false) are not supported yet: the argument is refused with the way round it.
import { createHash } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { raw, sh, type Script } from '../shell/script.js';
import { defineModule, PlanError, type ArgProblem, type ExecResult, type FileDiff } from './define.js';
import { AbsPath, fileAttributes, Validate } from './lib/file-attributes.js';
import { asText, fromBase64, parseKeyValues } from './lib/probe-output.js';
import {
  applyFileChanges,
  backupFile,
  describeAttr,
  describeWrite,
  parseStat,
  planAttributes,
  planWrite,
  stateScript,
  statOf,
  type AttrChange,
  type FileStat,
  type WriteChange,
} from './lib/remote-file.js';
import { pythonRegExp, regexpProblem } from './lib/text-file.js';
import { pathInfoFrom, pathInfoOfVariable } from './lib/path-info.js';

const AssembleArgs = Type.Object(
  {
    src: Type.String({ minLength: 1, description: 'The directory of fragments on the host' }),
    dest: AbsPath('The file to write'),
    delimiter: Type.Optional(Type.String({ description: 'Written between fragments (escapes such as \\n decoded)' })),
    regexp: Type.Optional(Type.String({ description: 'Only fragments whose names match (Python re.search)' })),
    ignore_hidden: Type.Boolean({ default: false, description: 'Leave out fragments whose names start with a dot' }),
    remote_src: Type.Boolean({ default: true, description: 'The fragments are on the host (false, controller fragments, is not supported yet)' }),
    backup: Type.Boolean({ default: false }),
    validate: Type.Optional(Validate()),
    decrypt: Type.Boolean({ default: true }),
    ...fileAttributes(),
  },
  { additionalProperties: false },
);
export type AssembleArgs = Static<typeof AssembleArgs>;

export interface AssembleState {
  fragments: { name: string; bytes: Buffer }[];
  stat: FileStat;
  destSha1?: string;
  destText?: string;
  destInfo: Record<string, unknown>;
}

export type AssembleChange = WriteChange | AttrChange;

const sha1 = (b: Uint8Array) => createHash('sha1').update(b).digest('hex');

/** Python's codecs.escape_decode for the escapes a delimiter holds (\n, \t, \\, \xNN, octal). */
function escapeDecode(s: string): Buffer {
  const out = s.replace(/\\(x[0-9a-fA-F]{2}|[0-7]{1,3}|[\\'"abfnrtv])/g, (_all, e: string) => {
    const single: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"' };
    if (single[e] !== undefined) return single[e]!;
    return String.fromCharCode(e[0] === 'x' ? parseInt(e.slice(1), 16) : parseInt(e, 8));
  });
  return Buffer.from(out, 'latin1');
}

/** Ansible's assemble_from_fragments (pure): fragments are given already sorted and filtered. */
export function assembleFragments(fragments: readonly Buffer[], delimiter?: string): Buffer {
  const parts: Buffer[] = [];
  let delimit = false;
  let addNewline = false;
  let delim = delimiter;
  for (const content of fragments) {
    if (addNewline) parts.push(Buffer.from('\n'));
    if (delimit && delim) {
      // Ansible decodes the delimiter again at each fragment (it reassigns it), and ends it with a newline.
      const bytes = escapeDecode(delim);
      delim = bytes.toString('latin1');
      parts.push(bytes);
      if (bytes[bytes.length - 1] !== 0x0a) parts.push(Buffer.from('\n'));
    }
    parts.push(content);
    delimit = true;
    addNewline = !(content.length > 0 && content[content.length - 1] === 0x0a);
  }
  return Buffer.concat(parts);
}

function probe(a: AssembleArgs): Script {
  return stateScript([
    sh`tsi_src=${a.src}`,
    raw(`if [ ! -e "$tsi_src" ]; then printf 'error=Source (%s) does not exist\\n' "$tsi_src"; exit 0; fi`),
    raw(`if [ ! -d "$tsi_src" ]; then printf 'error=Source (%s) is not a directory\\n' "$tsi_src"; exit 0; fi`),
    // Every regular file (links followed, as os.path.isfile does), hidden ones too: name and content, one line each.
    raw(`printf 'fragments_b64='; for f in "$tsi_src"/* "$tsi_src"/.[!.]* "$tsi_src"/..?*; do if [ -f "$f" ]; then printf '%s %s\\n' "$(printf '%s' "\${f##*/}" | base64 -w0)" "$(base64 -w0 < "$f")"; fi; done | base64 -w0; echo`),
    sh`p=${a.dest}`,
    statOf(),
    raw(`if [ "$kind" = file ]; then tsi_sum=$(sha1sum < "$p"); echo "sha1=\${tsi_sum%% *}"; printf 'text_b64='; head -c 262144 < "$p" | base64 -w0; echo; fi`),
    sh`if [ "$kind" != none ]; then ${pathInfoOfVariable('p', 'destinfo_b64', true)}; fi`,
  ]);
}

function parse(r: ExecResult, a: AssembleArgs): AssembleState {
  const kv = parseKeyValues(r.stdout);
  const error = kv.get('error');
  if (error !== undefined) throw new PlanError('assemble', error);
  const names = fromBase64(kv.get('fragments_b64'))
    .toString('utf8')
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => {
      const [name, content] = l.split(' ');
      return { name: fromBase64(name).toString('utf8'), bytes: fromBase64(content) };
    });
  // Python sorts str by code point; JS compares UTF-16 units (the same order below U+10000).
  names.sort((x, y) => (x.name < y.name ? -1 : x.name > y.name ? 1 : 0));
  const re = a.regexp !== undefined ? pythonRegExp(a.regexp) : undefined;
  const fragments = names.filter((f) => (!re || re.test(f.name)) && !(a.ignore_hidden && f.name.startsWith('.')));
  const s: AssembleState = { fragments, stat: parseStat(kv, 'assemble'), destInfo: pathInfoFrom(r.stdout, 'destinfo_b64') ?? {} };
  if (kv.has('sha1')) s.destSha1 = kv.get('sha1');
  if (kv.has('text_b64')) s.destText = asText(fromBase64(kv.get('text_b64')));
  return s;
}

function plan(a: AssembleArgs, s: AssembleState): AssembleChange[] {
  if (s.stat.kind === 'directory') throw new PlanError('assemble', `${a.dest} is a directory`);
  const content = assembleFragments(s.fragments.map((f) => f.bytes), a.delimiter);
  const attrs = { mode: a.mode, owner: a.owner, group: a.group };
  if (sha1(content) !== s.destSha1) {
    const w = planWrite(a.dest, content, s.stat, { ...attrs, backup: a.backup, validate: a.validate }, s.destSha1);
    return [w];
  }
  return planAttributes(a.dest, s.stat, attrs);
}

function apply(a: AssembleArgs, changes: readonly AssembleChange[]): Script {
  return stateScript([
    ...applyFileChanges(changes),
    sh`tsi_d=${a.dest}`,
    pathInfoOfVariable('tsi_d', 'destinfo_b64', true),
  ]);
}

export const assemble = defineModule({
  name: 'assemble',
  summary: 'A file assembled from the fragments in a directory of the host',
  args: AssembleArgs,
  refine(a): ArgProblem[] {
    const out = regexpProblem('assemble', 'regexp', a.regexp);
    if (!a.remote_src) out.push({ path: '/remote_src', message: 'assemble: remote_src: false (fragments on the controller) is not supported; copy the fragments to the host first, or use template' });
    return out;
  },
  probe,
  parse,
  plan,
  apply,
  describe: (c) => (c.op === 'write' ? describeWrite(c) : describeAttr(c)),
  diff(a, s, changes): FileDiff | undefined {
    const w = changes.find((c): c is WriteChange => c.op === 'write');
    if (!w) return undefined;
    return { path: a.dest, before: s.destText ?? '', after: Buffer.from(w.content, 'base64').toString('utf8') };
  },
  result(a, s, changes, applied) {
    const content = assembleFragments(s.fragments.map((f) => f.bytes), a.delimiter);
    const out: Record<string, unknown> = { src: a.src, dest: a.dest, checksum: sha1(content), md5sum: createHash('md5').update(content).digest('hex'), msg: 'OK' };
    const backup = backupFile(applied?.stdout);
    if (backup !== undefined) out.backup_file = backup;
    Object.assign(out, (applied && pathInfoFrom(applied.stdout, 'destinfo_b64')) ?? s.destInfo);
    return out;
  },
});
