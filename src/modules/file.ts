// file: a path's kind (file, directory, symbolic link, absent, touched) and its mode and owner.
import { Type, type Static } from '@sinclair/typebox';
import { joinScripts, raw, sh, type Script } from '../shell/script.js';
import { defineModule, PlanError, StringEnum, type ArgProblem } from './define.js';
import { fromBase64, parseKeyValues } from './lib/probe-output.js';
import { AbsPath, fileAttributes } from './lib/file-attributes.js';
import {
  applyAttr,
  chmodArg,
  describeAttr,
  normalizeMode,
  parseStat,
  planAttributes,
  stateScript,
  statProbe,
  type AttrChange,
  type FileStat,
} from './lib/remote-file.js';

const FileArgs = Type.Object(
  {
    path: AbsPath('The path to manage'),
    state: StringEnum(['file', 'directory', 'link', 'absent', 'touch'], {
      default: 'file',
      description: 'file: must exist; directory: created with parents; link: symbolic link to src; absent: removed (recursively); touch: created empty if missing',
    }),
    ...fileAttributes(),
    src: Type.Optional(Type.String({ minLength: 1, description: 'state=link: what the link points to' })),
    force: Type.Boolean({ default: false, description: 'state=link: replace a regular file at path by the link' }),
    recurse: Type.Boolean({ default: false, description: 'state=directory: apply mode/owner/group to everything inside too' }),
    modification_time: StringEnum(['preserve', 'now'], {
      default: 'preserve',
      description: 'state=touch on an existing file: preserve (idempotent) or now (update times, always changed)',
    }),
  },
  { additionalProperties: false },
);
type FileArgs = Static<typeof FileArgs>;

export interface FileModuleState {
  stat: FileStat;
  /** What a symbolic link points to. */
  target?: string;
  /** recurse: something inside has another mode/owner/group. */
  insideDiffers?: boolean;
}

export type FileChange =
  | AttrChange
  | { op: 'remove'; path: string; kind: string }
  | { op: 'mkdir'; path: string; mode?: string; owner?: string; group?: string }
  | { op: 'touch'; path: string; create: boolean; mode?: string; owner?: string; group?: string }
  | { op: 'link'; path: string; src: string; from?: string; replaceFile?: boolean; owner?: string; group?: string }
  | { op: 'recurse'; path: string; mode?: string; owner?: string; group?: string };

function ownerSpec(owner: string | undefined, group: string | undefined): string | undefined {
  if (owner !== undefined) return group === undefined ? owner : `${owner}:${group}`;
  return group === undefined ? undefined : `:${group}`;
}

function probe(a: FileArgs): Script {
  const parts: Script[] = [statProbe(a.path)];
  // Only state=link plans with the target.
  if (a.state === 'link') parts.push(raw(`if [ "$kind" = link ]; then printf 'target_b64='; readlink -- "$p" | base64 -w0; echo; fi`));
  if (a.state === 'directory' && a.recurse && (a.mode || a.owner || a.group)) {
    const tests: Script[] = [];
    if (a.owner) tests.push(sh`! -user ${a.owner}`);
    if (a.group) tests.push(sh`! -group ${a.group}`);
    if (a.mode) tests.push(sh`! -perm ${chmodArg(a.mode)}`);
    parts.push(
      sh`if [ "$kind" = directory ] && [ -n "$(find "$p" -mindepth 1 \\( ${joinScripts(tests, ' -o ')} \\) -print 2>/dev/null | head -n 1)" ]; then echo inside_differs=1; fi`,
    );
  }
  return stateScript(parts);
}

function plan(a: FileArgs, s: FileModuleState): FileChange[] {
  const { stat } = s;
  const p = a.path;
  const attrs = { mode: a.mode, owner: a.owner, group: a.group };
  switch (a.state) {
    case 'absent':
      return stat.kind === 'none' ? [] : [{ op: 'remove', path: p, kind: stat.kind }];
    case 'directory': {
      if (stat.kind === 'none') return [{ op: 'mkdir', path: p, ...defined(attrs) }];
      if (stat.kind !== 'directory') throw new PlanError('file', `${p} exists and is a ${kindName(stat.kind)}, not a directory`);
      const out: FileChange[] = planAttributes(p, stat, attrs);
      if (s.insideDiffers) out.push({ op: 'recurse', path: p, ...defined(attrs) });
      return out;
    }
    case 'file':
      if (stat.kind === 'none') {
        throw new PlanError('file', `${p} does not exist`, { hint: 'state: file never creates; use state: touch, or copy' });
      }
      if (stat.kind !== 'file') throw new PlanError('file', `${p} is a ${kindName(stat.kind)}, not a regular file`);
      return planAttributes(p, stat, attrs);
    case 'touch': {
      if (stat.kind === 'none') return [{ op: 'touch', path: p, create: true, ...defined(attrs) }];
      if (stat.kind === 'link') throw new PlanError('file', `${p} is a symbolic link`, { hint: 'touch the link target instead' });
      const out: FileChange[] = planAttributes(p, stat, attrs);
      if (a.modification_time === 'now') out.unshift({ op: 'touch', path: p, create: false });
      return out;
    }
    case 'link': {
      const src = a.src!;
      const owners = { owner: a.owner, group: a.group };
      if (stat.kind === 'none') return [{ op: 'link', path: p, src, ...defined(owners) }];
      if (stat.kind === 'link') {
        if (s.target === src) return planAttributes(p, stat, owners, { link: true });
        return [{ op: 'link', path: p, src, from: s.target, ...defined(owners) }];
      }
      if (stat.kind === 'directory') throw new PlanError('file', `${p} is a directory; it cannot be replaced by a link`);
      if (!a.force) throw new PlanError('file', `${p} exists and is a ${kindName(stat.kind)}`, { hint: 'set force: true to replace it by the link' });
      return [{ op: 'link', path: p, src, replaceFile: true, ...defined(owners) }];
    }
  }
}

function defined<T extends object>(o: T): { [K in keyof T]?: Exclude<T[K], undefined> } {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as { [K in keyof T]?: Exclude<T[K], undefined> };
}

function kindName(kind: string): string {
  return kind === 'link' ? 'symbolic link' : kind === 'other' ? 'special file' : kind;
}

function applyOne(c: FileChange): Script[] {
  const attrsAfter = (path: string, mode?: string, owner?: string, group?: string, link = false): Script[] => {
    const out: Script[] = [];
    if (mode !== undefined) out.push(sh`chmod ${chmodArg(mode)} -- ${path}`);
    const spec = ownerSpec(owner, group);
    if (spec !== undefined) out.push(link ? sh`chown -h -- ${spec} ${path}` : sh`chown -- ${spec} ${path}`);
    return out;
  };
  switch (c.op) {
    case 'chmod':
    case 'chown':
      return [applyAttr(c)];
    case 'remove':
      return [sh`rm -rf -- ${c.path}`];
    case 'mkdir':
      return [sh`mkdir -p -- ${c.path}`, ...attrsAfter(c.path, c.mode, c.owner, c.group)];
    case 'touch':
      return [sh`touch -- ${c.path}`, ...attrsAfter(c.path, c.mode, c.owner, c.group)];
    case 'link': {
      // -n: replace an existing link to a directory instead of creating the new link inside that directory.
      const make = c.replaceFile ? sh`rm -f -- ${c.path} && ln -s -- ${c.src} ${c.path}` : sh`ln -sfn -- ${c.src} ${c.path}`;
      return [make, ...attrsAfter(c.path, undefined, c.owner, c.group, true)];
    }
    case 'recurse': {
      const out: Script[] = [];
      const spec = ownerSpec(c.owner, c.group);
      if (spec !== undefined) out.push(sh`chown -R -- ${spec} ${c.path}`);
      if (c.mode !== undefined) out.push(sh`chmod -R ${chmodArg(c.mode)} -- ${c.path}`);
      return out;
    }
  }
}

function describe(c: FileChange): string {
  switch (c.op) {
    case 'chmod':
    case 'chown':
      return describeAttr(c);
    case 'remove':
      return `remove ${kindName(c.kind)} ${c.path}`;
    case 'mkdir':
      return `create directory ${c.path}${c.mode ? ` (mode ${normalizeMode(c.mode)})` : ''}`;
    case 'touch':
      return c.create ? `create empty file ${c.path}` : `update the times of ${c.path}`;
    case 'link':
      return c.from !== undefined
        ? `repoint link ${c.path}: ${c.from} → ${c.src}`
        : `${c.replaceFile ? 'replace file by link' : 'link'} ${c.path} → ${c.src}`;
    case 'recurse':
      return `set ${[c.mode && `mode ${normalizeMode(c.mode)}`, ownerSpec(c.owner, c.group) && `owner ${ownerSpec(c.owner, c.group)}`]
        .filter(Boolean)
        .join(', ')} on everything inside ${c.path}`;
  }
}

export const file = defineModule({
  name: 'file',
  summary: 'A path is a file, directory, symbolic link or absent, with a given mode and owner',
  args: FileArgs,
  aliases: { dest: 'path', name: 'path' },
  refine(a): ArgProblem[] {
    const out: ArgProblem[] = [];
    if (a.state === 'link' && a.src === undefined) out.push({ path: '/src', message: 'file.src is required with state: link' });
    if (a.state !== 'link' && a.src !== undefined) out.push({ path: '/src', message: 'file.src is only used with state: link' });
    if (a.recurse && a.state !== 'directory') out.push({ path: '/recurse', message: 'file.recurse is only used with state: directory' });
    return out;
  },
  probe,
  parse(r): FileModuleState {
    const kv = parseKeyValues(r.stdout);
    const out: FileModuleState = { stat: parseStat(kv, 'file') };
    const t = kv.get('target_b64');
    if (t !== undefined) out.target = fromBase64(t).toString('utf8').replace(/\n$/, '');
    if (kv.get('inside_differs') === '1') out.insideDiffers = true;
    return out;
  },
  plan,
  apply: (_a, changes) => stateScript(changes.flatMap(applyOne)),
  describe,
});

