// copy: a file on the host with given content (inline, or a controller file read by the engine via prepare).
// The probe prints the remote sha256 and attributes; the old content only when it differs (for --diff).
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { raw, sh, type Script } from '../shell/script.js';
import { defineModule, PlanError, type ArgProblem, type ExecResult, type FileDiff } from './define.js';
import { asText, parseKeyValues } from './lib/probe-output.js';
import { pathInfoFrom, pathInfoOfVariable } from './lib/path-info.js';
import { AbsPath, fileAttributes, Validate } from './lib/file-attributes.js';
import {
  applyFileChanges,
  backupFile,
  describeAttr,
  describeWrite,
  parseContent,
  parseStat,
  planAttributes,
  planWrite,
  sha256,
  stateScript,
  statProbe,
  type AttrChange,
  type FileStat,
  type WriteChange,
} from './lib/remote-file.js';

/** Old content is fetched for --diff only when it differs and is at most this big. */
export const DIFF_LIMIT = 256 * 1024;

export const CopyArgs = Type.Object(
  {
    dest: AbsPath('Path of the file on the host'),
    content: Type.Optional(Type.String({ description: 'The file content (text)' })),
    content_base64: Type.Optional(
      Type.String({ pattern: '^[A-Za-z0-9+/=\\s]*$', description: 'The file content as base64 (binary files)' }),
    ),
    src: Type.Optional(Type.String({ minLength: 1, description: 'A controller file, read by the engine (role files/ or playbook dir)' })),
    ...fileAttributes(),
    backup: Type.Boolean({ default: false, description: 'Keep a copy of the old file as dest.PID.DATE@TIME~' }),
    force: Type.Boolean({ default: true, description: 'false: only create the file, never replace an existing one' }),
    validate: Type.Optional(Validate()),
  },
  { additionalProperties: false },
);
export type CopyArgs = Static<typeof CopyArgs>;

/** What copy and template plan with: where, which bytes, which attributes. */
export interface ContentTarget {
  dest: string;
  bytes: Uint8Array;
  mode?: string;
  owner?: string;
  group?: string;
  backup: boolean;
  force: boolean;
  validate?: string;
}

export interface ContentState {
  stat: FileStat;
  /** Whether the directory dest goes in exists. */
  dirExists: boolean;
  sha256?: string;
  /** The old bytes: only when they differ and are small. */
  content?: Buffer;
}

export type ContentChange = WriteChange | AttrChange;

export function probeContent(t: ContentTarget): Script {
  return stateScript([
    statProbe(t.dest),
    sh`if [ -d ${posix.dirname(t.dest)} ]; then echo dir=1; else echo dir=0; fi`,
    // sha256sum prints `<hex>  -`: cut by parameter expansion, not `| cut` (two processes more). The size is
    // asked again only when the content differs: capturing statProbe's output instead would turn its vfork into
    // a fork on every (mostly unchanged) run.
    raw(
      'if [ "$kind" = file ]; then\n' +
        '  if [ ! -r "$p" ]; then echo "cannot read $p" >&2; exit 3; fi\n' +
        '  sum=$(sha256sum < "$p")\n' +
        '  sum=${sum%% *}\n' +
        '  echo "sha256=$sum"',
    ),
    sh`  if [ "$sum" != ${sha256(t.bytes)} ] && [ "$(stat -c %s -- "$p")" -le ${DIFF_LIMIT} ]; then`,
    raw(`    printf 'content_b64='; base64 -w0 < "$p"; echo\n  fi\nfi`),
  ]);
}

export function parseContentState(r: ExecResult, module: string): ContentState {
  const kv = parseKeyValues(r.stdout);
  const stat = parseStat(kv, module);
  const out: ContentState = { stat, dirExists: kv.get('dir') !== '0' };
  const sum = kv.get('sha256');
  if (sum !== undefined) out.sha256 = sum;
  const content = parseContent(kv);
  if (content !== undefined) out.content = content;
  return out;
}

export function planContent(module: string, t: ContentTarget, s: ContentState): ContentChange[] {
  const { stat } = s;
  if (stat.kind === 'directory') {
    throw new PlanError(module, `${t.dest} is a directory`, { hint: 'give the full path of the file in dest' });
  }
  if (stat.kind === 'link' || stat.kind === 'other') {
    throw new PlanError(module, `${t.dest} is a ${stat.kind === 'link' ? 'symbolic link' : 'special file'}, not a regular file`, {
      hint: 'point dest at the real file',
    });
  }
  if (stat.kind === 'none' && !s.dirExists) {
    throw new PlanError(module, `destination directory ${posix.dirname(t.dest)} does not exist`, { hint: 'create it first (file: state=directory)' });
  }
  if (stat.kind === 'file' && !t.force) return [];
  const attrs = planAttributes(t.dest, stat, t);
  if (stat.kind === 'file' && s.sha256 === sha256(t.bytes)) return attrs;
  return [planWrite(t.dest, t.bytes, stat, t, s.sha256), ...attrs];
}

export function describeContent(c: ContentChange): string {
  return c.op === 'write' ? describeWrite(c) : describeAttr(c);
}

export function applyContent(changes: readonly ContentChange[]): Script {
  return stateScript(applyFileChanges(changes));
}

export function diffContent(t: ContentTarget, s: ContentState, changes: readonly ContentChange[]): FileDiff | undefined {
  if (!changes.some((c) => c.op === 'write')) return undefined;
  const after = asText(t.bytes);
  const before = s.stat.kind === 'none' ? '' : s.content === undefined ? undefined : asText(s.content);
  if (after === undefined || before === undefined) return undefined;
  return { path: t.dest, before, after };
}

/** `backup_file` for the registered result, when the apply made one. */
export function backupFileResult(applied: ExecResult | undefined): Record<string, unknown> {
  const b = backupFile(applied?.stdout);
  return b === undefined ? {} : { backup_file: b };
}

function copyBytes(a: CopyArgs): Uint8Array {
  if (a.content !== undefined) return Buffer.from(a.content, 'utf8');
  if (a.content_base64 !== undefined) return Buffer.from(a.content_base64, 'base64');
  throw new PlanError('copy', `no content for ${a.dest}: src was not read`, { hint: 'the engine must call prepare() for src' });
}

export function copyTarget(a: CopyArgs): ContentTarget {
  return { ...a, bytes: copyBytes(a) };
}

export const copy = defineModule({
  name: 'copy',
  summary: 'A file with the given content, mode and owner (written atomically)',
  args: CopyArgs,
  refine(a): ArgProblem[] {
    const given = (['content', 'content_base64', 'src'] as const).filter((k) => a[k] !== undefined);
    if (given.length === 1) return [];
    return [{ path: '', message: given.length === 0 ? 'copy needs one of content, content_base64, src' : `copy takes only one of ${given.join(', ')}` }];
  },
  async prepare(a, ctl) {
    if (a.src === undefined) return a;
    const bytes = await ctl.readFile(a.src);
    return { ...a, content: undefined, content_base64: Buffer.from(bytes).toString('base64') };
  },
  probe: (a) => probeContent(copyTarget(a)),
  parse: (r) => parseContentState(r, 'copy'),
  plan: (a, s) => planContent('copy', copyTarget(a), s),
  // The apply ends by printing dest's attributes as they are then, for the registered result.
  apply: (a, changes) => stateScript([...applyFileChanges(changes), sh`tsi_d=${a.dest}`, pathInfoOfVariable('tsi_d', 'destinfo_b64', true)]),
  describe: describeContent,
  diff: (a, s, changes) => diffContent(copyTarget(a), s, changes),
  result: copyResult,
});

/**
 * The keys Ansible's copy registers: new content gives the copy module's (checksum, dest, md5sum and dest's
 * attributes); same content, the file module's (path instead of md5sum); check mode with changes, `changed` alone.
 * No rc/stdout of our scripts.
 */
function copyResult(a: CopyArgs, s: ContentState, changes: readonly ContentChange[], applied: ExecResult | undefined): Record<string, unknown> {
  const none = { rc: undefined, stdout: undefined, stderr: undefined, stdout_lines: undefined, stderr_lines: undefined };
  if (changes.length > 0 && !applied) return none;
  const bytes = copyTarget(a).bytes;
  const out: Record<string, unknown> = { ...none, checksum: createHash('sha1').update(bytes).digest('hex'), dest: a.dest, ...backupFileResult(applied) };
  const after = applied ? pathInfoFrom(applied.stdout, 'destinfo_b64') : statInfo(s.stat);
  if (changes.some((c) => c.op === 'write')) return { ...out, md5sum: createHash('md5').update(bytes).digest('hex'), ...after };
  return { ...out, path: a.dest, ...after };
}

/** add_path_info's keys from the probe's stat (nothing was applied). */
function statInfo(st: FileStat): Record<string, unknown> | undefined {
  if (st.kind === 'none') return undefined;
  const state = st.kind === 'directory' ? 'directory' : st.kind === 'link' ? 'link' : 'file';
  return { uid: Number(st.uid), gid: Number(st.gid), owner: st.user, group: st.group, mode: '0' + (st.mode ?? '').padStart(3, '0'), state, size: st.size };
}

