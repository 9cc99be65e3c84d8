// archive (community.general.archive): files and trees on the host packed into a tar (gz, bz2, xz, plain) or zip
// archive, or one file compressed, as community.general builds it: the same members (a directory's contents, not the
// directory itself, named from the paths' common root), the same exclusions, and `remove` deleting the sources.
// community.general rewrites the archive on every run and reports a change when its members' checksums differ (tar:
// name and header — type, mode, owner, size, mtime; zip: name and CRC-32; a compressed file: its content). Here the
// probe compares the same things without writing: the sources (find) against the archive's listing (tar -tv, unzip
// -v, or the decompressed file's sha256), so an unchanged archive is left alone. Built with GNU tar, zip, gzip, bzip2
// and xz on the host (no Python). Registers community.general's keys and dest's path info.
import { posix } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { joinScripts, raw, sh, type Script } from '../shell/script.js';
import { secret } from '../shell/secret.js';
import { defineModule, PlanError, StringEnum, type ArgProblem, type Change, type ExecResult } from './define.js';
import { fromBase64, parseKeyValues } from './lib/probe-output.js';
import { fileAttributes } from './lib/file-attributes.js';
import { applyAttr, describeAttr, planAttributes, stateScript, type AttrChange, type FileStat } from './lib/remote-file.js';
import { pathInfoFrom, pathInfoOfVariable } from './lib/path-info.js';
import { fnmatchRegExp } from '../text/fnmatch.js';
import { zipMembers } from './unarchive.js';

const FORMATS = ['bz2', 'gz', 'tar', 'xz', 'zip'] as const;

const ArchiveArgs = Type.Object(
  {
    path: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'Absolute paths or globs of the files and trees to archive' }),
    dest: Type.Optional(Type.String({ minLength: 1, description: 'The archive (required for several files, a glob or a directory)' })),
    format: StringEnum(FORMATS, { default: 'gz' }),
    exclude_path: Type.Array(Type.String(), { default: [], description: 'Paths or globs taken out of the expanded path list' }),
    exclusion_patterns: Type.Optional(Type.Array(Type.String(), { description: 'Globs of members left out of the archive' })),
    force_archive: Type.Boolean({ default: false, description: 'Archive a single file instead of compressing it' }),
    remove: Type.Boolean({ default: false, description: 'Remove the sources once archived' }),
    ...fileAttributes(),
  },
  { additionalProperties: false },
);
export type ArchiveArgs = Static<typeof ArchiveArgs>;

/** One path under a source, as `find -printf` saw it (not following links). */
export interface SourceEntry {
  path: string;
  /** find's %y (f d l …) and %Y (the link target's type). */
  type: string;
  targetType: string;
  /** ls-style mode (%M), uid, gid, size, whole seconds of mtime (UTC), link target. */
  mode: string;
  uid: string;
  gid: string;
  size: number;
  mtime: number;
  link: string;
}

/** One member the archive would hold. */
export interface Member {
  /** The source path (registered in `archived`). */
  path: string;
  name: string;
}

export interface ArchiveState {
  expanded: string[];
  isGlobby: boolean;
  expandedExcludes: string[];
  /** Every source path's entries in find's order, keyed by the path given to find. */
  entries: Map<string, SourceEntry[]>;
  /** zip: CRC-32 (8 hex digits) of each regular file (links followed), by path. */
  crcs: Map<string, string>;
  /** compress: sha256 of the source file and of the dest decompressed. */
  sourceSum?: string;
  destSum?: string;
  dest: FileStat;
  /** The archive's listing: tar -tv or unzip -v; undefined when it could not be read. */
  listing?: string;
  destInfo?: Record<string, unknown>;
}

export type ArchiveChange =
  | (Change & { op: 'archive'; dest: string; format: string; root: string; members: string[]; compress?: string })
  | (Change & { op: 'remove'; paths: string[] })
  | AttrChange;

/** Python's os.path.dirname: everything before the last slash, trailing slashes dropped (unless it is all slashes). */
function pyDirname(p: string): string {
  const head = p.slice(0, p.lastIndexOf('/') + 1);
  return head !== '' && !/^\/+$/.test(head) ? head.replace(/\/+$/, '') : head;
}

/** community.general's common_path: the directory the paths share, with a trailing slash. */
export function commonPath(paths: readonly string[]): string {
  const dirs = paths.map((p) => pyJoinSlash(pyDirname(p)));
  let prefix = dirs[0] ?? '';
  for (const d of dirs) while (!d.startsWith(prefix)) prefix = prefix.slice(0, -1);
  return pyJoinSlash(pyDirname(prefix));
}

/** os.path.join(p, ''): p with one trailing slash added when it has none (and '' stays ''). */
const pyJoinSlash = (p: string) => (p === '' || p.endsWith('/') ? p : `${p}/`);

const hasMagic = (p: string) => p.includes('*') || p.includes('?');

function destOf(a: ArchiveArgs): string {
  return a.dest ?? `${a.path[0]}.${a.format}`;
}

const DECOMPRESS: Record<string, string> = { gz: 'gzip -dc', bz2: 'bzip2 -dc', xz: 'xz -dc' };
const COMPRESS: Record<string, string> = { gz: 'gzip -c', bz2: 'bzip2 -c', xz: 'xz -c' };
const TAR_FLAG: Record<string, string> = { gz: '-z', bz2: '-j', xz: '-J', tar: '' };

/** The probe's pieces: expansions, trees, CRCs or sums, the archive's listing and dest's stat. */
function probeParts(a: ArchiveArgs): Script[] {
  const dest = destOf(a);
  const out: Script[] = [
    raw('export LC_ALL=C TZ=UTC'),
    raw('tsi_list=$(mktemp); tsi_tmp=$tsi_list'),
    // The expansion is kept NUL-separated in a temp file (names may hold anything but NUL) and printed once.
    joinScripts([raw('{'), ...a.path.map((p) => expandOne(p)), raw('} > "$tsi_list"')]),
    raw(`printf 'exp_b64='; base64 -w0 < "$tsi_list"; echo`),
    joinScripts([raw('{ true'), ...a.exclude_path.map((p) => expandOne(p)), raw(`} | base64 -w0 | { printf 'exc_b64='; cat; echo; }`)]),
    raw(`printf 'tree_b64='; xargs -0 -r sh -c 'find "$@" -printf "%y %Y %M %U %G %s %T@\\0%l\\0%p\\0" 2>/dev/null; true' sh < "$tsi_list" | base64 -w0; echo`),
  ];
  if (a.format === 'zip') {
    out.push(
      raw(
        `printf 'crc_b64='; xargs -0 -r sh -c 'find "$@" \\( -type f -o -xtype f \\) -print0 2>/dev/null; true' sh < "$tsi_list" | ` +
          `xargs -0 -r sh -c 'for f; do printf "%s\\0%s\\0" "$(gzip -c < "$f" | tail -c8 | od -An -tx4 -N4 | tr -d " ")" "$f"; done' sh | base64 -w0; echo`,
      ),
    );
  }
  out.push(
    sh`tsi_dest=${dest}`,
    raw('if [ -e "$tsi_dest" ]; then'),
    raw(`  stat -c 'dest_kind=file\ndest_mode=%a\ndest_uid=%u\ndest_user=%U\ndest_gid=%g\ndest_group=%G\ndest_size=%s' -- "$tsi_dest"`),
    pathInfoOfVariable('tsi_dest', 'destinfo_b64'),
  );
  if (a.format === 'zip') out.push(raw(`  if tsi_l=$(unzip -v "$tsi_dest" 2>/dev/null); then printf 'listing_b64='; printf '%s' "$tsi_l" | base64 -w0; echo; fi`));
  else out.push(raw(`  if tsi_l=$(tar -tv --full-time --numeric-owner -f "$tsi_dest" 2>/dev/null); then printf 'listing_b64='; printf '%s' "$tsi_l" | base64 -w0; echo; fi`));
  if (a.format !== 'zip' && a.format !== 'tar') {
    out.push(raw(`  printf 'destsum=%s\\n' "$(${DECOMPRESS[a.format]} < "$tsi_dest" 2>/dev/null | sha256sum | cut -c1-64)"`));
    out.push(sh`  if [ -f ${a.path[0]!} ]; then printf 'srcsum=%s\\n' "$(sha256sum < ${a.path[0]!} | cut -c1-64)"; fi`);
  }
  out.push(raw('else echo dest_kind=none; fi'));
  return out;
}

/** One path or glob, NUL-terminated, as Python's glob expands it (see expandScript). */
function expandOne(p: string): Script {
  if (!hasMagic(p)) return sh`printf '%s\\0' ${p}`;
  const dir = posix.dirname(p);
  const base = posix.basename(p);
  if (hasMagic(dir)) {
    // The shell's own expansion (sorted): only the wildcards are left unquoted.
    const word = p.split(/([*?])/).map((s, i) => (i % 2 === 1 ? s : s === '' ? '' : `'${s.replace(/'/g, `'\\''`)}'`)).join('');
    return raw(`for f in ${word}; do if [ -e "$f" ] || [ -L "$f" ]; then printf '%s\\0' "$f"; fi; done`);
  }
  const pattern = base.split(/([*?])/).map((s, i) => (i % 2 === 1 ? s : s === '' ? '' : `'${s.replace(/'/g, `'\\''`)}'`)).join('');
  const hidden = base.startsWith('.') ? '' : '.*) ;; ';
  return joinScripts([
    sh`tsi_dir=${dir}; tsi_pre=${dir.endsWith('/') ? dir : `${dir}/`}`,
    raw(`if [ -d "$tsi_dir" ]; then find "$tsi_dir" -mindepth 1 -maxdepth 1 -printf '%f\\n' | while IFS= read -r n; do case "$n" in ${hidden}${pattern}) printf '%s\\0' "$tsi_pre$n";; esac; done; fi`),
  ]);
}

const nulFields = (b64: string | undefined) => {
  const t = fromBase64(b64).toString('utf8');
  const f = t.split('\0');
  if (f.at(-1) === '') f.pop();
  return f;
};

function parse(r: ExecResult, a: ArchiveArgs): ArchiveState {
  const kv = parseKeyValues(r.stdout);
  const expanded = nulFields(kv.get('exp_b64'));
  const entries = new Map<string, SourceEntry[]>();
  const tree = nulFields(kv.get('tree_b64'));
  let top: SourceEntry[] | undefined;
  const tops = new Set(expanded);
  for (let i = 0; i + 2 < tree.length; i += 3) {
    const [type, targetType, mode, uid, gid, size, mtime] = tree[i]!.split(' ');
    const e: SourceEntry = { path: tree[i + 2]!, type: type!, targetType: targetType!, mode: mode!, uid: uid!, gid: gid!, size: Number(size), mtime: Math.floor(Number(mtime)), link: tree[i + 1]! };
    if (tops.has(e.path) && !entries.has(e.path)) entries.set(e.path, (top = []));
    top?.push(e);
  }
  const crcs = new Map<string, string>();
  const crc = nulFields(kv.get('crc_b64'));
  for (let i = 0; i + 1 < crc.length; i += 2) crcs.set(crc[i + 1]!, crc[i]!.padStart(8, '0'));
  const s: ArchiveState = {
    expanded,
    isGlobby: a.path.some(hasMagic),
    expandedExcludes: nulFields(kv.get('exc_b64')),
    entries,
    crcs,
    dest: { kind: 'none' },
  };
  if (kv.get('dest_kind') === 'file') {
    s.dest = { kind: 'file', mode: kv.get('dest_mode'), uid: kv.get('dest_uid'), user: kv.get('dest_user'), gid: kv.get('dest_gid'), group: kv.get('dest_group'), size: Number(kv.get('dest_size')) };
    if (kv.has('listing_b64')) s.listing = fromBase64(kv.get('listing_b64')).toString('utf8');
    s.destSum = kv.get('destsum');
    s.destInfo = pathInfoFrom(r.stdout, 'destinfo_b64');
  }
  s.sourceSum = kv.get('srcsum');
  return s;
}

/** What community.general would do with these sources: the sorted paths, root, targets, missing, members. */
export interface ArchivePlan {
  paths: string[];
  root: string;
  mustArchive: boolean;
  dest: string;
  targets: string[];
  missing: string[];
  /** In the order community.general adds them (os.walk: a directory's subdirectories, then its files, then each subdirectory). */
  members: Member[];
  /** The members community.general lists in `archived` (zip: not directories, which it cannot find by name). */
  archived: string[];
}

const stripPrefix = (prefix: string, s: string) => (s.startsWith(prefix) ? s.slice(prefix.length) : s);

/** os.walk's order over one directory's find entries: each directory's subdirectories, then its files, then recurse. */
function walkOrder(top: string, entries: readonly SourceEntry[]): SourceEntry[] {
  const children = new Map<string, SourceEntry[]>();
  for (const e of entries) {
    if (e.path === top) continue;
    const parent = posix.dirname(e.path);
    children.set(parent, [...(children.get(parent) ?? []), e]);
  }
  const out: SourceEntry[] = [];
  const walk = (dir: string) => {
    const kids = children.get(dir) ?? [];
    const isDir = (e: SourceEntry) => e.type === 'd' || (e.type === 'l' && e.targetType === 'd');
    const dirs = kids.filter(isDir);
    out.push(...dirs, ...kids.filter((e) => !isDir(e)));
    for (const d of dirs) if (d.type === 'd') walk(d.path);
  };
  walk(top);
  return out;
}

export function archivePlan(a: ArchiveArgs, s: ArchiveState): ArchivePlan {
  const excluded = new Set(s.expandedExcludes);
  const paths = [...new Set(s.expanded.filter((p) => !excluded.has(p)))].sort((x, y) => Buffer.compare(Buffer.from(x), Buffer.from(y)));
  if (paths.length === 0) throw new PlanError('archive', 'Error, no source paths were found');
  const root = commonPath(paths);
  const first = s.entries.get(paths[0]!)?.[0];
  const mustArchive = a.force_archive || s.isGlobby || first?.type === 'd' || paths.length > 1;
  if (mustArchive && a.dest === undefined) throw new PlanError('archive', 'Error, must specify "dest" when archiving multiple files or trees');
  const dest = destOf(a);
  if (a.remove) {
    for (const p of paths) {
      if (s.entries.get(p)?.[0]?.type === 'd' && dest.startsWith(posix.join(p, '/'))) {
        throw new PlanError('archive', 'Error, created archive can not be contained in source paths when remove=true');
      }
    }
  }
  const targets = paths.filter((p) => s.entries.has(p));
  const missing = paths.filter((p) => !s.entries.has(p));
  const patterns = (a.exclusion_patterns ?? []).map((p) => fnmatchRegExp(p));
  const excludedMember = (m: Member) => patterns.some((re) => re.test(a.format === 'zip' ? m.path : m.name));
  const members: Member[] = [];
  for (const t of targets) {
    const es = s.entries.get(t)!;
    const list = es[0]!.type === 'd' && mustArchive ? walkOrder(t, es) : [es[0]!];
    members.push(...list.map((e) => ({ path: e.path, name: stripPrefix(root, e.path) })).filter((m) => !excludedMember(m)));
  }
  const archived = a.format === 'zip' ? members.filter((m) => !isDirectory(s, m.path)).map((m) => m.path) : members.map((m) => m.path);
  return { paths, root, mustArchive, dest, targets, missing, members, archived };
}

function entryOf(s: ArchiveState, path: string): SourceEntry | undefined {
  for (const es of s.entries.values()) for (const e of es) if (e.path === path) return e;
  return undefined;
}

function isDirectory(s: ArchiveState, path: string): boolean {
  const e = entryOf(s, path);
  return e?.type === 'd' || (e?.type === 'l' && e.targetType === 'd');
}

const TAR_LINE = /^(\S{10})\s+(\d+)\/(\d+)\s+(\d+|\d+,\s*\d+)\s+(\d{4}-\d\d-\d\d \d\d:\d\d:\d\d)\s(.*)$/;

/** The archive holds exactly these members with the same metadata (tar) or content (zip). */
export function archiveUpToDate(format: string, listing: string | undefined, members: readonly Member[], s: ArchiveState): boolean {
  if (listing === undefined) return false;
  if (format === 'zip') {
    const have = zipMembers(listing);
    const want = new Map(members.map((m) => (isDirectory(s, m.path) ? [`${m.name}/`, '00000000'] : [m.name, s.crcs.get(m.path) ?? '?'])));
    return have.size === want.size && [...want].every(([name, crc]) => have.get(name)?.[1] === crc);
  }
  const have = new Set(
    listing.split('\n').filter((l) => l !== '').map((line) => {
      const m = TAR_LINE.exec(line);
      if (!m) return `?${line}`;
      let name = m[6]!;
      let link = '';
      if (m[1]!.startsWith('l')) [name, link] = [name.slice(0, name.indexOf(' -> ')), name.slice(name.indexOf(' -> ') + 4)];
      return [m[1], m[2], m[3], m[1]!.startsWith('-') ? m[4] : '0', m[5], name.replace(/\/$/, ''), link].join(' ');
    }),
  );
  const want = members.map((m) => {
    const e = entryOf(s, m.path)!;
    const time = new Date(e.mtime * 1000).toISOString().replace('T', ' ').slice(0, 19);
    return [e.mode, e.uid, e.gid, e.type === 'f' ? String(e.size) : '0', time, m.name, e.type === 'l' ? e.link : ''].join(' ');
  });
  return have.size === want.length && want.every((w) => have.has(w));
}

function plan(a: ArchiveArgs, s: ArchiveState): ArchiveChange[] {
  const p = archivePlan(a, s);
  const out: ArchiveChange[] = [];
  if (p.targets.length > 0) {
    const compress = !p.mustArchive && a.format !== 'zip' && a.format !== 'tar';
    const same = compress ? s.dest.kind !== 'none' && s.destSum !== undefined && s.destSum === s.sourceSum : s.dest.kind !== 'none' && archiveUpToDate(a.format, s.listing, p.members, s);
    if (!same) {
      out.push({ op: 'archive', dest: p.dest, format: a.format, root: p.root, members: p.members.map((m) => m.name), ...(compress ? { compress: p.targets[0]! } : {}) });
    }
    if (a.remove) out.push({ op: 'remove', paths: p.mustArchive ? p.targets : [p.targets[0]!] });
  }
  const writes = out.some((c) => c.op === 'archive');
  if (s.dest.kind !== 'none' || writes) {
    // A new archive gets its attributes after it is written; an existing one only where they differ.
    const stat: FileStat = s.dest.kind !== 'none' ? s.dest : { kind: 'file', mode: '', uid: '', user: '', gid: '', group: '' };
    out.push(...planAttributes(p.dest, stat, { mode: a.mode, owner: a.owner, group: a.group }));
  }
  return out;
}

function apply(a: ArchiveArgs, changes: readonly ArchiveChange[]): Script {
  const parts: Script[] = [raw('export LC_ALL=C')];
  for (const c of changes) {
    if (c.op === 'archive') {
      parts.push(sh`tsi_dest=${c.dest}`);
      if (c.compress !== undefined) parts.push(sh`${raw(COMPRESS[c.format]!)} < ${c.compress} > "$tsi_dest"`);
      else {
        const names = secret(Buffer.from(c.members.map((m) => `${m}\0`).join('')).toString('base64'));
        if (c.format === 'zip') {
          // zip adds to an existing archive: built aside, then copied over dest (its inode, mode and owner kept, as Python's open(…, 'w') keeps them).
          parts.push(
            raw('tsi_tmp=$(mktemp -d); tsi_z=$tsi_tmp/a.zip'),
            sh`printf '%s' ${names} | base64 -d | tr '\\0' '\\n' | (cd ${c.root} && zip -q -X "$tsi_z" -@) && cat "$tsi_z" > "$tsi_dest" && rm -rf "$tsi_tmp"; tsi_tmp=`,
          );
        } else {
          const flag = TAR_FLAG[c.format]!;
          parts.push(sh`printf '%s' ${names} | base64 -d | tar -c${flag ? raw(` ${flag}`) : raw('')} -f "$tsi_dest" -C ${c.root} --no-recursion --null --verbatim-files-from -T -`);
        }
      }
    } else if (c.op === 'remove') {
      parts.push(sh`rm -rf -- ${c.paths}`);
    } else parts.push(applyAttr(c));
  }
  parts.push(sh`tsi_dest=${destOf(a)}`, raw('if [ -e "$tsi_dest" ]; then'), pathInfoOfVariable('tsi_dest', 'destinfo_b64'), raw('fi'));
  return stateScript(parts);
}

export const archive = defineModule({
  name: 'archive',
  summary: 'Files and trees packed into a tar/zip archive, or one file compressed (community.general.archive)',
  args: ArchiveArgs,
  refine(a): ArgProblem[] {
    return a.path.some((p) => !p.startsWith('/')) ? [{ path: '/path', message: 'archive.path must be absolute paths or globs (starting with /)' }] : [];
  },
  probe: (a) => stateScript(probeParts(a)),
  parse,
  plan,
  apply,
  describe(c) {
    if (c.op === 'archive') return c.compress !== undefined ? `compress ${c.compress} into ${c.dest}` : `archive ${c.members.length} members into ${c.dest} (${c.format})`;
    if (c.op === 'remove') return `remove the sources ${c.paths.join(', ')}`;
    return describeAttr(c);
  },
  result(a, s, _changes, applied) {
    const p = archivePlan(a, s);
    const exists = applied ? parseKeyValues(applied.stdout).has('destinfo_b64') : s.dest.kind !== 'none';
    let destState = 'absent';
    if (p.targets.length === 0) {
      if (exists) destState = /\.(tar|tar\.(gz|bz2|xz)|tgz|tbz2|zip)$/i.test(posix.basename(p.dest)) ? 'archive' : 'compress';
    } else if (p.mustArchive) destState = p.missing.length > 0 ? 'incomplete' : 'archive';
    else destState = a.format === 'zip' || a.format === 'tar' ? 'archive' : 'compress';
    const info = (applied ? pathInfoFrom(applied.stdout, 'destinfo_b64') : s.destInfo) ?? { state: 'absent' };
    return {
      archived: p.targets.length > 0 ? (p.mustArchive ? p.archived : [p.targets[0]!]) : [],
      dest: p.dest,
      dest_state: destState,
      arcroot: p.root,
      missing: p.missing,
      expanded_paths: s.expanded,
      expanded_exclude_paths: s.expandedExcludes,
      ...info,
      rc: undefined, stdout: undefined, stderr: undefined, stdout_lines: undefined, stderr_lines: undefined,
    };
  },
});
