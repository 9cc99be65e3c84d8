// find: files of the host selected by name (globs or regexps), age, size, type and content, as Ansible's
// ansible.builtin.find lists them: `files` (each with stat's keys), `matched`, `examined`, `skipped_paths`, `msg`.
// One probe: find(1) prints every entry under each path with its lstat fields (NUL-separated, base64), plus sha1
// sums and the files whose content matches (grep -P) when asked. Filtering and ordering happen in the pure parse,
// which rebuilds Python's os.walk order (a directory's files, then its subdirectories, then their trees).
import { posix } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { joinScripts, raw, sh, type Script } from '../shell/script.js';
import { fnmatchRegExp } from '../text/fnmatch.js';
import { defineModule, PlanError, StringEnum, type ArgProblem, type Change } from './define.js';
import { fromBase64, parseKeyValues } from './lib/probe-output.js';
import { stateScript } from './lib/remote-file.js';
import { pythonRegExp } from './lib/text-file.js';

const StringList = (description: string) => Type.Array(Type.String(), { description });

const FindArgs = Type.Object(
  {
    paths: StringList('Directories to search'),
    patterns: Type.Array(Type.String(), { default: [], description: 'Globs (or regexps with use_regex) the basename must match' }),
    excludes: Type.Optional(StringList('Globs (or regexps) a matching basename must not match')),
    contains: Type.Optional(Type.String({ description: 'A regexp a line (or, with read_whole_file, the file) must match' })),
    read_whole_file: Type.Boolean({ default: false }),
    file_type: StringEnum(['any', 'directory', 'file', 'link'], { default: 'file' }),
    age: Type.Optional(Type.String({ pattern: '^-?[0-9]+[smhdwSMHDW]?$', description: 'Older than this (negative: younger), e.g. 2d, -1h' })),
    age_stamp: StringEnum(['atime', 'ctime', 'mtime'], { default: 'mtime' }),
    size: Type.Optional(Type.String({ pattern: '^-?[0-9]+[bkmgtBKMGT]?$', description: 'At least this big (negative: at most), e.g. 10m' })),
    recurse: Type.Boolean({ default: false }),
    hidden: Type.Boolean({ default: false, description: 'Include names starting with a dot' }),
    follow: Type.Boolean({ default: false, description: 'Follow symbolic links to directories' }),
    get_checksum: Type.Boolean({ default: false, description: "Each regular file's sha1 (checksum)" }),
    use_regex: Type.Boolean({ default: false, description: 'patterns and excludes are Python regexps (matched at the start)' }),
    depth: Type.Optional(Type.Integer({ minimum: 0, description: 'How deep to recurse (1: the paths\' own entries)' })),
  },
  { additionalProperties: false },
);
export type FindArgs = Static<typeof FindArgs>;

interface Entry {
  /** find's %y (this entry) and %Y (what a link points to). */
  type: string;
  target: string;
  depth: number;
  fields: Record<string, string>;
  /** Relative to the search path. */
  rel: string;
}

interface Searched {
  path: string;
  entries?: Entry[];
  sums?: Map<string, string>;
  containing?: Set<string>;
  error?: string;
}

export interface FindState {
  now: number;
  searched: Searched[];
}

const FIELDS = ['mode', 'uid', 'gid', 'pw', 'gr', 'size', 'inode', 'dev', 'nlink', 'atime', 'mtime', 'ctime'] as const;
// %y %Y %d, then FIELDS, then the path relative to the start; the names are numeric (%U/%G) and named (%u/%g).
const PRINTF = '%y/%Y/%d/%m/%U/%G/%u/%g/%s/%i/%D/%n/%A@/%T@/%C@/%P\\0';

/** `~`, `~/…` and `$VAR` as Ansible expands them on the host, left to the shell. */
function pathWord(path: string): Script {
  if (path === '~') return raw('"$HOME"');
  if (path.startsWith('~/')) return sh`"$HOME"/${path.slice(2)}`;
  return sh`${path}`;
}

function probe(a: FindArgs): Script {
  const parts: Script[] = [raw(`printf 'now=%s\\n' "$(date +%s.%N)"`)];
  const maxdepth = !a.recurse ? 1 : a.depth ? a.depth + 1 : undefined;
  a.paths.forEach((path, i) => {
    const L = raw(a.follow ? ' -L' : '');
    const limit = maxdepth !== undefined ? raw(` -maxdepth ${maxdepth}`) : raw('');
    parts.push(
      joinScripts([raw('p='), pathWord(path)], ''),
      raw(`printf 'path${i}_b64='; printf '%s' "$p" | base64 -w0; echo`),
      raw(`if [ ! -d "$p" ]; then echo 'error${i}=not a directory'; else`),
      sh`  printf 'entries${raw(String(i))}_b64='; find${L} "$p" -mindepth 1${limit} -printf ${PRINTF} 2>/dev/null | base64 -w0; echo`,
    );
    if (a.get_checksum) {
      parts.push(raw(`  printf 'sums${i}_b64='; find${a.follow ? ' -L' : ''} "$p" -mindepth 1${maxdepth !== undefined ? ` -maxdepth ${maxdepth}` : ''} -type f -exec sha1sum --zero -- {} + 2>/dev/null | base64 -w0; echo`));
    }
    if (a.contains !== undefined && a.file_type === 'file') {
      // Python's re.match per line is a match at the line's start; read_whole_file searches the whole text.
      const pattern = a.read_whole_file ? a.contains : `^(?:${a.contains})`;
      const z = raw(a.read_whole_file ? 'z' : '');
      parts.push(
        sh`  printf 'grep${raw(String(i))}_b64='; find${L} "$p" -mindepth 1${limit} -type f -exec grep -lZP${z} -e ${pattern} -- {} + 2>/dev/null | base64 -w0; echo`,
      );
    }
    parts.push(raw('fi'));
  });
  return stateScript(parts);
}

function nulRecords(b64: string | undefined): string[] {
  const text = fromBase64(b64).toString('utf8');
  const out = text.split('\0');
  out.pop();
  return out;
}

function parse(r: { stdout: string }, a: FindArgs): FindState {
  const kv = parseKeyValues(r.stdout);
  const now = Number(kv.get('now'));
  if (!Number.isFinite(now)) throw new PlanError('find', 'unexpected probe output: no now=');
  const searched = a.paths.map((given, i): Searched => {
    const path = fromBase64(kv.get(`path${i}_b64`)).toString('utf8') || given;
    if (kv.has(`error${i}`)) return { path, error: `'${path}' is not a directory` };
    const entries = nulRecords(kv.get(`entries${i}_b64`)).map((rec): Entry => {
      const f = rec.split('/');
      const [type, target, depth] = f as [string, string, string];
      const fields = Object.fromEntries(FIELDS.map((k, j) => [k, f[3 + j]!]));
      return { type, target, depth: Number(depth), fields, rel: f.slice(3 + FIELDS.length).join('/') };
    });
    const s: Searched = { path, entries };
    if (kv.has(`sums${i}_b64`)) {
      s.sums = new Map(nulRecords(kv.get(`sums${i}_b64`)).map((line) => [line.slice(42), line.slice(0, 40)]));
    }
    if (kv.has(`grep${i}_b64`)) s.containing = new Set(nulRecords(kv.get(`grep${i}_b64`)));
    return s;
  });
  return { now, searched };
}

const UNITS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86400, w: 604800, b: 1, k: 1024, g: 1024 ** 3, t: 1024 ** 4 };

function amount(v: string | undefined, kind: 'age' | 'size'): number | undefined {
  if (v === undefined) return undefined;
  const m = /^(-?\d+)([a-z])?$/.exec(v.toLowerCase())!;
  const unit = m[2] === undefined ? 1 : kind === 'size' && m[2] === 'm' ? 1024 ** 2 : UNITS[m[2]]!;
  return Number(m[1]) * unit;
}

const KIND: Record<string, number> = { d: 0o040000, c: 0o020000, b: 0o060000, f: 0o100000, p: 0o010000, l: 0o120000, s: 0o140000 };

/** find(1)'s fields → Python's statinfo (the keys and types Ansible registers). */
function statinfo(e: Entry): Record<string, unknown> {
  const f = e.fields;
  const perm = parseInt(f.mode!, 8);
  const kind = KIND[e.type] ?? 0;
  const name = (named: string, id: string) => (named === id ? '' : named); // find prints the id when there is no name
  return {
    mode: perm.toString(8).padStart(4, '0'),
    isdir: kind === KIND.d, ischr: kind === KIND.c, isblk: kind === KIND.b, isreg: kind === KIND.f, isfifo: kind === KIND.p, islnk: kind === KIND.l, issock: kind === KIND.s,
    uid: Number(f.uid), gid: Number(f.gid), size: Number(f.size), inode: Number(f.inode), dev: Number(f.dev), nlink: Number(f.nlink),
    atime: Number(f.atime), mtime: Number(f.mtime), ctime: Number(f.ctime),
    gr_name: name(f.gr!, f.gid!), pw_name: name(f.pw!, f.uid!),
    wusr: !!(perm & 0o200), rusr: !!(perm & 0o400), xusr: !!(perm & 0o100), wgrp: !!(perm & 0o020), rgrp: !!(perm & 0o040), xgrp: !!(perm & 0o010),
    woth: !!(perm & 0o002), roth: !!(perm & 0o004), xoth: !!(perm & 0o001), isuid: !!(perm & 0o4000), isgid: !!(perm & 0o2000),
  };
}

export interface FindResult {
  files: Record<string, unknown>[];
  matched: number;
  examined: number;
  skipped_paths: Record<string, string>;
  msg: string;
}

/** Ansible's selection and os.walk order over the probed entries (pure; exported for tests). */
export function findFiles(a: FindArgs, s: FindState): FindResult {
  const patterns = a.patterns.length > 0 ? a.patterns : [a.use_regex ? '.*' : '*'];
  const matcher = (p: string) => (a.use_regex ? new RegExp(`^(?:${pythonRegExp(p).source})`) : fnmatchRegExp(p));
  const include = patterns.map(matcher);
  const exclude = (a.excludes ?? []).map(matcher);
  const nameOk = (n: string) => include.some((r) => r.test(n)) && !(exclude.length > 0 && exclude.some((r) => r.test(n)));
  const age = amount(a.age, 'age');
  const size = amount(a.size, 'size');
  const ageOk = (e: Entry) => {
    if (age === undefined) return true;
    const elapsed = s.now - Number(e.fields[a.age_stamp]);
    return age >= 0 ? elapsed >= Math.abs(age) : elapsed <= Math.abs(age);
  };
  const sizeOk = (e: Entry) => size === undefined || (size >= 0 ? Number(e.fields.size) >= Math.abs(size) : Number(e.fields.size) <= Math.abs(size));

  const files: Record<string, unknown>[] = [];
  const skipped: Record<string, string> = {};
  let examined = 0;
  for (const sp of s.searched) {
    if (sp.error !== undefined || !sp.entries) {
      skipped[sp.path] = sp.error ?? 'not searched';
      continue;
    }
    const children = new Map<string, Entry[]>();
    for (const e of sp.entries) {
      const parent = posix.dirname(e.rel) === '.' ? '' : posix.dirname(e.rel);
      let list = children.get(parent);
      if (!list) children.set(parent, (list = []));
      list.push(e);
    }
    const isWalkDir = (e: Entry) => e.type === 'd' || (e.type === 'l' && e.target === 'd');
    const walk = (dir: string) => {
      const list = children.get(dir) ?? [];
      examined += list.length;
      const ordered = [...list.filter((e) => !isWalkDir(e)), ...list.filter(isWalkDir)];
      for (const e of ordered) {
        if (a.depth && e.depth > a.depth) continue;
        const base = posix.basename(e.rel);
        if (base.startsWith('.') && !a.hidden) continue;
        const full = posix.normalize(posix.join(sp.path, e.rel));
        const r = { path: full };
        const select = nameOk(base) && ageOk(e);
        if (a.file_type === 'any') {
          if (!select) continue;
          const info: Record<string, unknown> = { ...r, ...statinfo(e) };
          if (e.type === 'f' && a.get_checksum) info.checksum = sp.sums?.get(posix.join(sp.path, e.rel));
          if (e.type !== 'f' || sizeOk(e)) files.push(info);
        } else if (e.type === 'd' && a.file_type === 'directory') {
          if (select) files.push({ ...r, ...statinfo(e) });
        } else if (e.type === 'f' && a.file_type === 'file') {
          const content = a.contains === undefined || (sp.containing?.has(posix.join(sp.path, e.rel)) ?? false);
          if (select && sizeOk(e) && content) {
            const info: Record<string, unknown> = { ...r, ...statinfo(e) };
            if (a.get_checksum) info.checksum = sp.sums?.get(posix.join(sp.path, e.rel));
            files.push(info);
          }
        } else if (e.type === 'l' && a.file_type === 'link') {
          if (select) files.push({ ...r, ...statinfo(e) });
        }
      }
      if (!a.recurse) return;
      for (const e of ordered) {
        // os.walk descends into what it listed as directories, links to them only with follow, never past depth.
        if (!isWalkDir(e) || (e.type === 'l' && !a.follow)) continue;
        if (a.depth && e.depth > a.depth) continue;
        walk(e.rel);
      }
    };
    walk('');
  }
  const msg = Object.keys(skipped).length > 0 ? 'Not all paths examined, check warnings for details' : 'All paths examined';
  return { files, matched: files.length, examined, skipped_paths: skipped, msg };
}

export const find = defineModule({
  name: 'find',
  summary: 'Files selected by name, age, size, type or content, with their stat, for register; never changes anything',
  args: FindArgs,
  aliases: { name: 'paths', path: 'paths', pattern: 'patterns', exclude: 'excludes' },
  refine(a): ArgProblem[] {
    if (!a.use_regex) return [];
    const out: ArgProblem[] = [];
    for (const [k, list] of [['patterns', a.patterns], ['excludes', a.excludes ?? []]] as const) {
      for (const p of list) {
        try {
          pythonRegExp(p);
        } catch (err) {
          out.push({ path: `/${k}`, message: `find.${k}: ${p} is not a valid regular expression: ${(err as Error).message}` });
        }
      }
    }
    return out;
  },
  probe,
  parse,
  plan: (): Change[] => [],
  apply: () => stateScript([]),
  describe: (c) => c.op,
  result: (a, s) => ({ ...findFiles(a, s) }),
});
