// stat: what is at a path (Ansible's stat), for `register` and the conditions after it. Read-only: the plan is
// always empty, so the task never changes anything and costs its one probe, which the engine can read ahead with
// the probes around it. The registered `stat` has Ansible's keys and values: `exists`, `mode` as '0644', the
// is* kinds, owners by id and name, size, times as float seconds, the permission bits, readable/writeable/
// executable for the user the task runs as, lnk_source/lnk_target for a link, and the checksum of a regular file.
// Not gathered: mimetype/charset (get_mime) and lsattr's attributes (get_attributes): both arguments are accepted.
import { Type, type Static } from '@sinclair/typebox';
import { raw, sh, type Script } from '../shell/script.js';
import { defineModule, expecting, PlanError, StringEnum, type Change } from './define.js';
import { fromBase64 } from './lib/probe-output.js';
import { stateScript } from './lib/remote-file.js';

const ALGORITHMS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const;

const StatArgs = Type.Object(
  {
    path: expecting(Type.String({ minLength: 1, description: 'The path to look at (~ is the login home)' }), 'a path'),
    follow: Type.Boolean({ default: false, description: 'Follow a symbolic link and report what it points to' }),
    get_checksum: Type.Boolean({ default: true, description: "A regular file's checksum (checksum_algorithm)" }),
    checksum_algorithm: StringEnum(ALGORITHMS, { default: 'sha1' }),
    get_md5: Type.Boolean({ default: false, description: "Also the file's md5 (Ansible's deprecated md5 key)" }),
    get_mime: Type.Boolean({ default: true, description: 'Accepted for Ansible compatibility: mimetype and charset are not gathered' }),
    get_attributes: Type.Boolean({ default: true, description: "Accepted for Ansible compatibility: lsattr's attributes are not gathered" }),
  },
  { additionalProperties: false },
);
export type StatArgs = Static<typeof StatArgs>;

/** The `stat` value Ansible registers: `{ exists: false }`, or the file's details. */
export type StatInfo = { exists: false } | ({ exists: true; path: string } & Record<string, unknown>);

export interface StatState {
  stat: StatInfo;
}

// One stat(1) call for everything stat(2) says; %f is the raw st_mode in hex, %r st_rdev, %.9Y the times to the ns.
const FORMAT = [
  'st_mode=%f', 'uid=%u', 'gid=%g', 'pw_name=%U', 'gr_name=%G', 'size=%s', 'inode=%i', 'dev=%d', 'nlink=%h',
  'atime=%.9X', 'mtime=%.9Y', 'ctime=%.9Z', 'blocks=%b', 'block_size=%o', 'device_type=%r',
].join('\n');

const SUMS: Record<(typeof ALGORITHMS)[number], string> = {
  md5: 'md5sum',
  sha1: 'sha1sum',
  sha224: 'sha224sum',
  sha256: 'sha256sum',
  sha384: 'sha384sum',
  sha512: 'sha512sum',
};

/** `~` and `~/…` (Ansible expands them on the host: the login's home). */
function pathScript(path: string): Script {
  if (path === '~') return raw('p=$HOME');
  if (path.startsWith('~/')) return sh`p="$HOME"/${path.slice(2)}`;
  return sh`p=${path}`;
}

function probe(a: StatArgs): Script {
  const L = a.follow ? raw(' -L') : raw('');
  const parts: Script[] = [raw('export LC_ALL=C'), pathScript(a.path)];
  if (a.path.startsWith('~')) parts.push(raw(`printf 'path_b64='; printf '%s' "$p" | base64 -w0; echo`));
  parts.push(
    sh`if stat${L} -c ${FORMAT} -- "$p" 2>/dev/null; then`,
    raw('  echo exists=1'),
    // What the task's user may do with it (os.access, as Ansible reports it).
    raw('  if [ -r "$p" ]; then echo readable=1; fi; if [ -w "$p" ]; then echo writeable=1; fi; if [ -x "$p" ]; then echo executable=1; fi'),
  );
  if (!a.follow) {
    parts.push(
      raw('  if [ -L "$p" ]; then'),
      raw(`    printf 'lnk_target_b64='; readlink -- "$p" | base64 -w0; echo`),
      raw(`    printf 'lnk_source_b64='; realpath -m -- "$p" | base64 -w0; echo`),
      raw('  fi'),
    );
  }
  // A regular file (not a link, unless followed) the user can read: checksum from stdin, so no file name is echoed.
  const sums = [a.get_checksum ? `printf 'checksum=%s\\n' "$(${SUMS[a.checksum_algorithm]} < "$p")"` : '', a.get_md5 ? `printf 'md5=%s\\n' "$(md5sum < "$p")"` : '']
    .filter(Boolean)
    .join('; ');
  if (sums) parts.push(raw(`  if [ -f "$p" ]${a.follow ? '' : ' && [ ! -L "$p" ]'} && [ -r "$p" ]; then ${sums}; fi`));
  // Missing (ENOENT) is an answer; anything else (EACCES, ENOTDIR, ELOOP) is the task's failure, as in Ansible.
  parts.push(raw('else'), raw(`  printf 'error_b64='; { stat${a.follow ? ' -L' : ''} -c %n -- "$p" 2>&1 >/dev/null || true; } | base64 -w0; echo`), raw('fi'));
  return stateScript(parts);
}

const S_IFMT = 0o170000;
const KINDS = { isdir: 0o040000, ischr: 0o020000, isblk: 0o060000, isreg: 0o100000, isfifo: 0o010000, islnk: 0o120000, issock: 0o140000 };
const BITS = {
  wusr: 0o200, rusr: 0o400, xusr: 0o100, wgrp: 0o020, rgrp: 0o040, xgrp: 0o010, woth: 0o002, roth: 0o004, xoth: 0o001,
  isuid: 0o4000, isgid: 0o2000,
};

/** Lines `key=value` (all of them: a value may be empty, e.g. a file name printed by %U never is). */
function lines(stdout: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const i = line.indexOf('=');
    if (i > 0 && !out.has(line.slice(0, i))) out.set(line.slice(0, i), line.slice(i + 1));
  }
  return out;
}

const decoded = (b64: string | undefined) => fromBase64(b64).toString('utf8').replace(/\n$/, '');

export function parseStatInfo(stdout: string, a: Pick<StatArgs, 'path'>): StatInfo {
  const kv = lines(stdout);
  const path = kv.has('path_b64') ? decoded(kv.get('path_b64')) : a.path;
  if (kv.get('exists') !== '1') {
    const error = decoded(kv.get('error_b64'));
    if (error === '' || /No such file or directory/.test(error)) return { exists: false };
    throw new PlanError('stat', error.replace(/^stat: /, '').replace(/^cannot stat(x)? /, ''));
  }
  const num = (k: string) => {
    const v = Number(kv.get(k));
    if (kv.get(k) === undefined || !Number.isFinite(v)) throw new PlanError('stat', `unexpected probe output: no ${k}=`);
    return v;
  };
  const mode = parseInt(kv.get('st_mode') ?? '', 16);
  if (!Number.isFinite(mode)) throw new PlanError('stat', 'unexpected probe output: no st_mode=');
  const out: Record<string, unknown> & { exists: true; path: string } = { exists: true, path, mode: (mode & 0o7777).toString(8).padStart(4, '0') };
  for (const [k, bits] of Object.entries(KINDS)) out[k] = (mode & S_IFMT) === bits;
  Object.assign(out, {
    uid: num('uid'), gid: num('gid'), size: num('size'), inode: num('inode'), dev: num('dev'), nlink: num('nlink'),
    atime: num('atime'), mtime: num('mtime'), ctime: num('ctime'),
  });
  for (const [k, bits] of Object.entries(BITS)) out[k] = (mode & bits) !== 0;
  Object.assign(out, { blocks: num('blocks'), block_size: num('block_size'), device_type: num('device_type') });
  out.readable = kv.get('readable') === '1';
  out.writeable = kv.get('writeable') === '1';
  out.executable = kv.get('executable') === '1';
  if (out.islnk) {
    out.lnk_source = decoded(kv.get('lnk_source_b64'));
    out.lnk_target = decoded(kv.get('lnk_target_b64'));
  }
  // %U/%G print UNKNOWN for an id with no name; Ansible then leaves the key out.
  if (kv.get('pw_name') !== undefined && kv.get('pw_name') !== 'UNKNOWN') out.pw_name = kv.get('pw_name');
  if (kv.get('gr_name') !== undefined && kv.get('gr_name') !== 'UNKNOWN') out.gr_name = kv.get('gr_name');
  const md5 = kv.get('md5')?.split(' ')[0];
  if (md5) out.md5 = md5;
  const checksum = kv.get('checksum')?.split(' ')[0];
  if (checksum) out.checksum = checksum;
  return out;
}

export const stat = defineModule({
  name: 'stat',
  summary: 'What is at a path (exists, kind, mode, owner, size, times, checksum), for register; never changes anything',
  args: StatArgs,
  aliases: {
    dest: 'path',
    name: 'path',
    checksum: 'checksum_algorithm',
    checksum_algo: 'checksum_algorithm',
    mime: 'get_mime',
    mime_type: 'get_mime',
    'mime-type': 'get_mime',
    attr: 'get_attributes',
    attributes: 'get_attributes',
  },
  probe,
  parse: (r, a): StatState => ({ stat: parseStatInfo(r.stdout, a) }),
  plan: (): Change[] => [],
  apply: () => stateScript([]),
  describe: (c) => c.op,
  result: (_a, s: StatState) => ({ stat: s.stat }),
});
