// unarchive: a tar (gz, bz2, xz, plain) or zip archive extracted into an existing directory, as Ansible's
// ansible.builtin.unarchive does it: a controller file (read by the engine, sent inside the script) or, with
// remote_src, a file already on the host; skipped when `creates` exists. The handler is picked as Ansible picks it
// (unzip, then GNU tar with -z, none, -j, -J). Idempotence is Ansible's: for tar, `tar --diff` against dest (a
// missing file, a different mtime, mode, or owner as root, means extract); for zip, each member's type, size and
// CRC-32 against the file in dest. Registers dest, src, handler, extract_results, files (list_files) and dest's
// owner, mode and size, as Ansible does.
import { Type, type Static } from '@sinclair/typebox';
import { joinScripts, raw, sh, type Script } from '../shell/script.js';
import { secret } from '../shell/secret.js';
import { defineModule, PlanError, type ArgProblem, type ControllerIO, type ExecResult } from './define.js';
import { fromBase64, parseKeyValues } from './lib/probe-output.js';
import { fileAttributes } from './lib/file-attributes.js';
import { stateScript } from './lib/remote-file.js';
import { fnmatchRegExp } from '../text/fnmatch.js';
import { pathInfoFrom, pathInfoOfVariable } from './lib/path-info.js';

const List = (description: string) => Type.Array(Type.String(), { default: [], description });

const UnarchiveArgs = Type.Object(
  {
    src: Type.String({ minLength: 1, description: 'The archive: a controller file, or with remote_src a file on the host' }),
    dest: Type.String({ minLength: 1, description: 'An existing directory on the host' }),
    remote_src: Type.Boolean({ default: false, description: 'src is already on the host' }),
    creates: Type.Optional(Type.String({ minLength: 1, description: 'Skip when this path exists on the host' })),
    list_files: Type.Boolean({ default: false, description: 'Register the archive\'s files' }),
    keep_newer: Type.Boolean({ default: false, description: 'Do not replace files newer than the archive\'s (tar --keep-newer-files)' }),
    exclude: List('Archive members (globs) to leave out'),
    include: List('Only these archive members'),
    extra_opts: List('More options for tar or unzip'),
    validate_certs: Type.Boolean({ default: true }),
    io_buffer_size: Type.Integer({ default: 65536, minimum: 1 }),
    copy: Type.Optional(Type.Boolean({ description: 'Deprecated: the opposite of remote_src' })),
    decrypt: Type.Boolean({ default: true }),
    ...fileAttributes(),
  },
  { additionalProperties: false },
);
export type UnarchiveArgs = Static<typeof UnarchiveArgs>;
/** After prepare: the controller archive's bytes (base64) when it is not on the host. */
type Prepared = UnarchiveArgs & { content?: string };

const HANDLERS = [
  ['ZipArchive', 'zip', ''],
  ['TgzArchive', 'tar', '-z'],
  ['TarArchive', 'tar', ''],
  ['TarBzipArchive', 'tar', '-j'],
  ['TarXzArchive', 'tar', '-J'],
] as const;

export interface UnarchiveState {
  skipped?: string;
  handler: string;
  /** The remote archive path as the module saw it. */
  src: string;
  files: string[];
  unarchived: boolean;
  /** dest's add_path_info keys. */
  dest: Record<string, unknown>;
}

export interface ExtractChange {
  op: 'extract';
  handler: string;
  dest: string;
}

/** The archive on the host: src, or a temp file holding the controller's bytes (removed by the EXIT trap). */
function sourceScript(a: Prepared): Script {
  if (a.content === undefined) return sh`tsi_src=${a.src}`;
  return joinScripts([
    raw('tsi_src=$(mktemp); tsi_tmp=$tsi_src'),
    sh`printf '%s' ${secret(a.content)} | base64 -d > "$tsi_src"`,
  ]);
}

function tarOptions(a: Prepared, flag: string, forDiff: boolean): Script {
  const words: string[] = [];
  if (flag) words.push(flag);
  if (a.extra_opts.length > 0) words.push('--show-transformed-names', ...a.extra_opts);
  if (forDiff && a.owner !== undefined) words.push(`--owner=${a.owner}`);
  if (forDiff && a.group !== undefined) words.push(`--group=${a.group}`);
  if (forDiff && a.keep_newer) words.push('--keep-newer-files');
  words.push(...a.exclude.map((e) => `--exclude=${e.replace(/\/+$/, '')}`));
  return words.length > 0 ? sh` ${words}` : raw('');
}

const includes = (a: Prepared) => (a.include.length > 0 ? sh` -- ${a.include}` : raw(''));

function probe(a: Prepared): Script {
  const parts: Script[] = [raw('export LC_ALL=C')];
  if (a.creates !== undefined) parts.push(sh`if [ -e ${a.creates} ]; then echo skipped=1; exit 0; fi`);
  parts.push(
    sh`tsi_dest=${a.dest}`,
    raw(`if [ ! -d "$tsi_dest" ]; then printf 'error=dest %s must be an existing dir\\n' "$tsi_dest"; exit 0; fi`),
    sourceScript(a),
    raw(`if [ ! -e "$tsi_src" ]; then printf 'error=Source %s does not exist\\n' "$tsi_src"; exit 0; fi`),
    raw(`if [ ! -s "$tsi_src" ]; then printf "error=Invalid archive '%s', the file is 0 bytes\\n" "$tsi_src"; exit 0; fi`),
    raw(`printf 'src_b64='; printf '%s' "$tsi_src" | base64 -w0; echo`),
    raw('cd "$tsi_dest"'),
    raw('tsi_h='),
    raw(`if command -v unzip >/dev/null 2>&1 && command -v zipinfo >/dev/null 2>&1 && unzip -l "$tsi_src" >/dev/null 2>&1; then tsi_h=ZipArchive; fi`),
  );
  for (const [name, tool, flag] of HANDLERS) {
    if (tool !== 'tar') continue;
    parts.push(sh`if [ -z "$tsi_h" ] && tsi_list=$(tar --list -C "$tsi_dest"${tarOptions(a, flag, false)} -f "$tsi_src"${includes(a)} 2>/dev/null) && [ -n "$tsi_list" ]; then tsi_h=${name}; tsi_flag=${flag}; fi`);
  }
  parts.push(
    raw(`if [ -z "$tsi_h" ]; then printf 'error=Failed to find handler for "%s". Make sure the required command to extract the file is installed.\\n' "$tsi_src"; exit 0; fi`),
    raw('echo "handler=$tsi_h"'),
    raw('if [ "$tsi_h" = ZipArchive ]; then'),
    // Member, size and CRC-32 (zipinfo -v is verbose; unzip -Z -l … is not enough): `unzip -lv` lists all three.
    raw(`  printf 'list_b64='; unzip -Z1 "$tsi_src" | base64 -w0; echo`),
    raw(`  printf 'zipv_b64='; unzip -v "$tsi_src" | base64 -w0; echo`),
    // What dest holds for each member: type, size and CRC-32 (gzip's trailer carries the CRC of its input).
    raw(`  printf 'have_b64='; unzip -Z1 "$tsi_src" | while IFS= read -r m; do if [ -L "$m" ]; then echo "l 0 0 $m"; elif [ -d "$m" ]; then echo "d 0 0 $m"; elif [ -f "$m" ]; then echo "f $(stat -c %s -- "$m") $(gzip -c < "$m" | tail -c8 | od -An -tx4 -N4 | tr -d ' ') $m"; else echo "- 0 0 $m"; fi; done | base64 -w0; echo`),
    raw('else'),
    raw(`  printf 'list_b64='; printf '%s\\n' "$tsi_list" | base64 -w0; echo`),
    sh`  tsi_rc=0; tsi_diff=$(tar --diff -C "$tsi_dest" $tsi_flag${tarOptions(a, '', true)} -f "$tsi_src"${includes(a)} 2>&1) || tsi_rc=$?`,
    raw(`  printf 'diff_b64='; printf '%s' "$tsi_diff" | base64 -w0; echo; echo "uid=$(id -u)"`),
    raw('fi'),
    pathInfoOfVariable('tsi_dest', 'destinfo_b64'),
  );
  return stateScript(parts);
}

const TAR_DIFF = {
  owner: /: Uid differs$/, group: /: Gid differs$/, mode: /: Mode differs$/, mtime: /: Mod time differs$/,
  empty: /: : Warning: Cannot stat: No such file or directory$/, missing: /: Warning: Cannot stat: No such file or directory$/,
  badOwner: /: Invalid owner/, badGroup: /: Invalid group/,
};

/** Ansible's TgzArchive.is_unarchived over `tar --diff` output (pure). */
export function tarUnarchived(diff: string, a: Pick<UnarchiveArgs, 'owner' | 'group' | 'mode'>, isRoot: boolean): boolean {
  return !diff.split('\n').some((line) => {
    if (TAR_DIFF.empty.test(line)) return false;
    return (isRoot && a.owner === undefined && TAR_DIFF.owner.test(line)) || (isRoot && a.group === undefined && TAR_DIFF.group.test(line)) ||
      (a.mode === undefined && TAR_DIFF.mode.test(line)) || TAR_DIFF.mtime.test(line) || TAR_DIFF.missing.test(line) ||
      TAR_DIFF.badOwner.test(line) || TAR_DIFF.badGroup.test(line);
  });
}

/** `unzip -v` → member → [size, crc] (the uncompressed length and CRC-32 columns). */
export function zipMembers(listing: string): Map<string, [number, string]> {
  const out = new Map<string, [number, string]>();
  for (const line of listing.split('\n')) {
    const m = /^\s*(\d+)\s+\S+\s+\d+\s+\S+\s+\S+\s+\S+\s+([0-9a-f]{8})\s+(.*)$/.exec(line);
    if (m) out.set(m[3]!, [Number(m[1]), m[2]!]);
  }
  return out;
}

/** Every zip member is in dest with its type, size and CRC-32 (pure). */
export function zipUnarchived(listing: string, have: string, files: readonly string[]): boolean {
  const members = zipMembers(listing);
  const present = new Map<string, string[]>();
  for (const line of have.split('\n')) {
    const m = /^(\S) (\d+) (\S+) (.*)$/.exec(line);
    if (m) present.set(m[4]!, [m[1]!, m[2]!, m[3]!]);
  }
  return files.every((f) => {
    const h = present.get(f);
    if (!h || h[0] === '-') return false;
    if (f.endsWith('/')) return h[0] === 'd';
    const want = members.get(f);
    if (h[0] !== 'f' || !want) return h[0] === 'l';
    // od -tx4 prints the little-endian word as a number: the CRC's own hex.
    return Number(h[1]) === want[0] && h[2]!.padStart(8, '0') === want[1];
  });
}

function parse(r: ExecResult, a: Prepared): UnarchiveState {
  const kv = parseKeyValues(r.stdout);
  if (kv.get('skipped') === '1') return { skipped: `skipped, since ${a.creates} exists`, handler: '', src: a.src, files: [], unarchived: true, dest: {} };
  const error = kv.get('error');
  if (error !== undefined) throw new PlanError('unarchive', error.replace(/^dest (.*) must/, "dest '$1' must"));
  const handler = kv.get('handler') ?? '';
  const text = (k: string) => fromBase64(kv.get(k)).toString('utf8');
  let files = text('list_b64').split('\n').filter((f) => f !== '').map((f) => f.replace(/^\//, ''));
  const excludes = a.exclude.map((e) => fnmatchRegExp(e.replace(/\/+$/, '')));
  const included = a.include.map((i) => fnmatchRegExp(i));
  files = files.filter((f) => !excludes.some((re) => re.test(f)));
  if (handler === 'ZipArchive' && included.length > 0) files = files.filter((f) => included.some((re) => re.test(f)));
  const unarchived =
    handler === 'ZipArchive' ? zipUnarchived(text('zipv_b64'), text('have_b64'), files) : tarUnarchived(text('diff_b64'), a, kv.get('uid') === '0');
  return { handler, src: text('src_b64'), files, unarchived, dest: pathInfoFrom(r.stdout, 'destinfo_b64') ?? {} };
}

function apply(a: Prepared, _changes: readonly ExtractChange[]): Script {
  const parts: Script[] = [raw('export LC_ALL=C'), sh`tsi_dest=${a.dest}`, sourceScript(a), raw('tsi_h=')];
  // The same handler the probe found, found again (the apply gets no state).
  parts.push(raw(`if command -v unzip >/dev/null 2>&1 && unzip -l "$tsi_src" >/dev/null 2>&1; then tsi_h=zip; fi`));
  for (const [, tool, flag] of HANDLERS) {
    if (tool === 'tar') parts.push(sh`if [ -z "$tsi_h" ] && tar --list${flag ? sh` ${flag}` : raw('')} -f "$tsi_src" >/dev/null 2>&1; then tsi_h=tar; tsi_flag=${flag}; fi`);
  }
  const unzipOpts = a.extra_opts.length > 0 ? sh` ${a.extra_opts}` : raw('');
  const unzipEx = a.exclude.length > 0 ? sh` -x ${a.exclude}` : raw('');
  parts.push(
    raw('tsi_rc=0; tsi_errf=$(mktemp)'),
    raw('if [ "$tsi_h" = zip ]; then'),
    sh`  tsi_out=$(unzip -o${unzipOpts} "$tsi_src"${unzipEx}${a.include.length > 0 ? sh` ${a.include}` : raw('')} -d "$tsi_dest" 2>"$tsi_errf") || tsi_rc=$?`,
    raw('else'),
    sh`  tsi_out=$(cd "$tsi_dest" && tar --extract -C "$tsi_dest" $tsi_flag${tarOptions(a, '', true)} -f "$tsi_src"${includes(a)} 2>"$tsi_errf") || tsi_rc=$?`,
    raw('fi'),
    raw('tsi_err=$(cat "$tsi_errf"); rm -f "$tsi_errf"'),
    raw(`echo "rc=$tsi_rc"; printf 'out_b64='; printf '%s' "$tsi_out" | base64 -w0; echo; printf 'err_b64='; printf '%s' "$tsi_err" | base64 -w0; echo`),
    raw(`if [ "$tsi_rc" != 0 ]; then echo "failed to unpack $tsi_src to $tsi_dest: $tsi_err" >&2; exit 3; fi`),
  );
  // Attributes on every extracted member (Ansible's set_fs_attributes_if_different), then their top folders.
  if (a.mode !== undefined || a.owner !== undefined || a.group !== undefined) {
    const own = a.owner !== undefined ? sh`chown -h -- ${a.group !== undefined ? `${a.owner}:${a.group}` : a.owner}` : a.group !== undefined ? sh`chgrp -h -- ${a.group}` : undefined;
    const each: Script[] = [];
    if (own) each.push(sh`${own} "$m"`);
    if (a.mode !== undefined) each.push(sh`if [ ! -L "$m" ]; then chmod ${a.mode} -- "$m"; fi`);
    const listing = raw(`if [ "$tsi_h" = zip ]; then unzip -Z1 "$tsi_src"; else tar --list $tsi_flag -f "$tsi_src"; fi`);
    parts.push(sh`cd "$tsi_dest" && ${listing} | while IFS= read -r m; do m=\${m#/}; ${joinScripts(each, '; ')}; t=\${m%%/*}; if [ "$t" != "$m" ]; then m=$t; ${joinScripts(each, '; ')}; fi; done`);
  }
  // dest as it is now, for the registered size (add_path_info runs after the extraction in Ansible).
  parts.push(pathInfoOfVariable('tsi_dest', 'destinfo_b64'));
  return stateScript(parts);
}

/** The controller archive's bytes ride in the scripts; Ansible uploads it to a temp dir the same way each run. */
async function prepare(a: UnarchiveArgs, ctl: ControllerIO): Promise<Prepared> {
  const remote = a.copy !== undefined ? !a.copy : a.remote_src;
  if (remote || a.src.includes('://')) return { ...a, remote_src: true };
  const bytes = await ctl.readFile(a.src.replace(/^~(?=\/|$)/, process.env.HOME ?? '~'));
  return { ...a, remote_src: false, content: Buffer.from(bytes).toString('base64') };
}

export const unarchive = defineModule({
  name: 'unarchive',
  summary: 'An archive (tar.gz, tar.xz, tar.bz2, tar, zip) extracted into a directory, unless already there',
  args: UnarchiveArgs,
  refine(a): ArgProblem[] {
    const out: ArgProblem[] = [];
    if (a.include.length > 0 && a.exclude.length > 0) out.push({ path: '', message: 'unarchive: parameters are mutually exclusive: include|exclude' });
    if (a.copy !== undefined && a.remote_src) out.push({ path: '/copy', message: "unarchive: parameters are mutually exclusive: ('copy', 'remote_src')" });
    if (a.src.includes('://')) out.push({ path: '/src', message: 'unarchive: a URL src is not supported; download it with get_url first' });
    return out;
  },
  prepare,
  probe,
  parse,
  plan: (a, s): ExtractChange[] => (s.skipped !== undefined || s.unarchived ? [] : [{ op: 'extract', handler: s.handler, dest: a.dest }]),
  apply,
  describe: (c) => `extract the archive into ${c.dest} (${c.handler})`,
  result(a, s, changes, applied) {
    if (s.skipped !== undefined) return { skipped: true, msg: s.skipped };
    const out: Record<string, unknown> = { dest: a.dest, src: s.src, handler: s.handler, ...s.dest };
    if (applied && changes.length > 0) {
      const kv = parseKeyValues(applied.stdout);
      Object.assign(out, pathInfoFrom(applied.stdout, 'destinfo_b64'));
      out.extract_results = { rc: Number(kv.get('rc')), out: fromBase64(kv.get('out_b64')).toString('utf8'), err: fromBase64(kv.get('err_b64')).toString('utf8') };
    }
    if (a.list_files) out.files = s.files;
    return out;
  },
});
