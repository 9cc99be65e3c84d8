// Shared by every module that reads or writes a file on the host: modes and owners, the stat probe, and the
// atomic write. The argument schemas for paths and attributes are in file-attributes.ts.
//
// How content travels: the whole script goes to `sh -s` on stdin, so file content is inside the script, as one
// base64 word given to the `printf` builtin and piped into `base64 -d`. Chosen over a here-doc because it is
// byte-exact (no forced trailing newline, NUL bytes survive), there is no delimiter that content could collide
// with (so no randomness: scripts stay deterministic and testable), a builtin's argument never shows in `ps`, and
// the word is a Secret so logs show *** instead of the payload. Cost: a third more bytes on the wire.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { joinScripts, raw, sh, type Script } from '../../shell/script.js';
import { secret } from '../../shell/secret.js';
import { PlanError, type Change } from '../define.js';
import { fromBase64, need } from './probe-output.js';

// ---- modes and owners ---------------------------------------------------------------------------------------

/** "0644" → "644", "01777" → "1777": the form `stat -c %a` prints. */
export function normalizeMode(mode: string): string {
  return parseInt(mode, 8).toString(8).padStart(3, '0');
}

/** The chmod argument: five digits, so chmod also clears setuid/setgid on directories (GNU keeps them otherwise). */
export function chmodArg(mode: string): string {
  return '0' + normalizeMode(mode).padStart(4, '0');
}

export function isNumericId(name: string): boolean {
  return /^[0-9]+$/.test(name);
}

/** Does `wanted` (a name or numeric id) name the probed id/name? */
export function sameOwner(wanted: string, id: string, name: string): boolean {
  return isNumericId(wanted) ? Number(wanted) === Number(id) : wanted === name;
}

// ---- probe --------------------------------------------------------------------------------------------------

export type FileKind = 'none' | 'file' | 'directory' | 'link' | 'other';

export interface FileStat {
  kind: FileKind;
  /** As `stat -c %a` prints it ("644"); absent when kind is none. */
  mode?: string;
  uid?: string;
  user?: string;
  gid?: string;
  group?: string;
  size?: number;
}

const STAT_FORMAT = (prefix: string) =>
  [`${prefix}mode=%a`, `${prefix}uid=%u`, `${prefix}user=%U`, `${prefix}gid=%g`, `${prefix}group=%G`, `${prefix}size=%s`].join('\n');

/**
 * Prints `<prefix>kind=` and, when something is there, its mode/uid/user/gid/group/size (of a link itself, not
 * its target). Leaves the path in the shell variable `<prefix>p` for later snippets.
 */
export function statProbe(path: string, prefix = ''): Script {
  return joinScripts([sh`${raw(prefix)}p=${path}`, statOf(prefix)]);
}

/** statProbe for a path already in the shell variable `<prefix>p`. */
export function statOf(prefix = ''): Script {
  const v = `${prefix}p`;
  return joinScripts([
    raw(
      `if [ -L "$${v}" ]; then ${prefix}kind=link; elif [ -d "$${v}" ]; then ${prefix}kind=directory; ` +
        `elif [ -f "$${v}" ]; then ${prefix}kind=file; elif [ -e "$${v}" ]; then ${prefix}kind=other; else ${prefix}kind=none; fi`,
    ),
    raw(`echo "${prefix}kind=$${prefix}kind"`),
    sh`if [ "$${raw(prefix)}kind" != none ]; then stat -c ${STAT_FORMAT(prefix)} -- "$${raw(v)}"; fi`,
  ]);
}

/**
 * Prints `<prefix>content_b64=` with the file's bytes when statProbe found a regular file; fails if unreadable.
 * `base64 -w0` (GNU and busybox) writes one line: no `| tr -d '\n'`, one process fewer.
 */
export function contentProbe(prefix = ''): Script {
  const v = `${prefix}p`;
  return raw(
    `if [ "$${prefix}kind" = file ]; then\n` +
      `  if [ ! -r "$${v}" ]; then echo "cannot read $${v}" >&2; exit 3; fi\n` +
      `  printf '${prefix}content_b64='; base64 -w0 < "$${v}"; echo\n` +
      `fi`,
  );
}

export function parseStat(kv: Map<string, string>, module: string, prefix = ''): FileStat {
  const kind = need(kv, `${prefix}kind`, module) as FileKind;
  if (!['none', 'file', 'directory', 'link', 'other'].includes(kind)) throw new PlanError(module, `unexpected probe output: kind=${kind}`);
  if (kind === 'none') return { kind };
  return {
    kind,
    mode: need(kv, `${prefix}mode`, module),
    uid: need(kv, `${prefix}uid`, module),
    user: need(kv, `${prefix}user`, module),
    gid: need(kv, `${prefix}gid`, module),
    group: need(kv, `${prefix}group`, module),
    size: Number(need(kv, `${prefix}size`, module)),
  };
}

export function parseContent(kv: Map<string, string>, prefix = ''): Buffer | undefined {
  const b64 = kv.get(`${prefix}content_b64`);
  return b64 === undefined ? undefined : fromBase64(b64);
}

// ---- planning attributes ------------------------------------------------------------------------------------

export interface Attributes {
  mode?: string;
  owner?: string;
  group?: string;
}

export interface ChmodChange extends Change {
  op: 'chmod';
  path: string;
  from: string;
  to: string;
}

export interface ChownChange extends Change {
  op: 'chown';
  path: string;
  from: string;
  owner?: string;
  group?: string;
  /** chown -h: change a symlink itself. */
  link?: boolean;
}

export type AttrChange = ChmodChange | ChownChange;

/** chmod/chown changes that make an existing path match the wanted attributes. */
export function planAttributes(path: string, stat: FileStat, want: Attributes, options: { link?: boolean } = {}): AttrChange[] {
  const out: AttrChange[] = [];
  if (stat.kind === 'none') return out;
  if (want.mode !== undefined && !options.link && normalizeMode(want.mode) !== stat.mode) {
    out.push({ op: 'chmod', path, from: stat.mode ?? '?', to: normalizeMode(want.mode) });
  }
  const ownerOff = want.owner !== undefined && !sameOwner(want.owner, stat.uid ?? '', stat.user ?? '');
  const groupOff = want.group !== undefined && !sameOwner(want.group, stat.gid ?? '', stat.group ?? '');
  if (ownerOff || groupOff) {
    const c: ChownChange = { op: 'chown', path, from: `${stat.user}:${stat.group}` };
    if (ownerOff) c.owner = want.owner;
    if (groupOff) c.group = want.group;
    if (options.link) c.link = true;
    out.push(c);
  }
  return out;
}

export function describeAttr(c: AttrChange): string {
  if (c.op === 'chmod') return `mode of ${c.path}: ${c.from} → ${c.to}`;
  const to = `${c.owner ?? c.from.split(':')[0]}:${c.group ?? c.from.split(':')[1]}`;
  return `owner of ${c.path}: ${c.from} → ${to}`;
}

export function applyAttr(c: AttrChange): Script {
  if (c.op === 'chmod') return sh`chmod ${chmodArg(c.to)} -- ${c.path}`;
  const h = c.link ? raw(' -h') : raw('');
  if (c.owner !== undefined) return sh`chown${h} -- ${c.group === undefined ? c.owner : `${c.owner}:${c.group}`} ${c.path}`;
  return sh`chgrp${h} -- ${c.group ?? ''} ${c.path}`;
}

// ---- writing ------------------------------------------------------------------------------------------------

/** Replace a file's whole content. `mode`/`owner`/`group` are the final ones (given, or kept from the old file). */
export interface WriteChange extends Change {
  op: 'write';
  path: string;
  /** The new content, base64. */
  content: string;
  size: number;
  sha256: string;
  /** sha256 of the content it replaces; undefined when the file is created. */
  previous?: string;
  /** undefined: a new file gets 0666 & ~umask, like any new file. */
  mode?: string;
  owner?: string;
  group?: string;
  backup?: boolean;
  validate?: string;
  /** Create missing parent directories first (lineinfile/blockinfile with create: true, as Ansible does). */
  parents?: boolean;
}

export function sha256(bytes: Uint8Array | string): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/**
 * The write change for new content: attributes not given keep the old file's (numeric, exact) or, for a new
 * file, stay the creating user's with 0666 & ~umask.
 */
export function planWrite(
  path: string,
  content: Uint8Array,
  stat: FileStat,
  want: Attributes & { backup?: boolean; validate?: string },
  previous?: string,
): WriteChange {
  const exists = stat.kind !== 'none';
  const c: WriteChange = { op: 'write', path, content: Buffer.from(content).toString('base64'), size: content.length, sha256: sha256(content) };
  if (exists && previous !== undefined) c.previous = previous;
  const mode = want.mode !== undefined ? normalizeMode(want.mode) : exists ? stat.mode : undefined;
  if (mode !== undefined) c.mode = mode;
  const owner = want.owner ?? (exists ? stat.uid : undefined);
  const group = want.group ?? (exists ? stat.gid : undefined);
  if (owner !== undefined) c.owner = owner;
  if (group !== undefined) c.group = group;
  if (want.backup && exists) c.backup = true;
  if (want.validate !== undefined) c.validate = want.validate;
  return c;
}

export function describeWrite(c: WriteChange): string {
  const short = (h: string) => h.slice(0, 12);
  if (c.previous === undefined) return `write ${c.path} (${c.size} bytes, sha256 ${short(c.sha256)})`;
  return `update ${c.path} (sha256 ${short(c.previous)} → ${short(c.sha256)}, ${c.size} bytes)`;
}

/** The `set -eu` prologue every state script starts with: a failed write leaves no temp file behind. */
const PROLOGUE = raw(
  [
    'set -eu',
    'tsi_tmp=',
    `trap 'if [ -n "$tsi_tmp" ]; then rm -f -- "$tsi_tmp"; fi' EXIT`,
    `trap 'exit 1' HUP INT TERM`,
    // Once the controller is gone (Ctrl-C, a cut link) stdout/stderr are broken pipes: SIGPIPE would kill the shell
    // (e.g. writing the syntax error of a half-received script) before its EXIT trap removes the temp file. Ignored,
    // a write just fails (EPIPE), set -e exits, and the trap runs. (A trapped `exit` here skips the EXIT trap in dash.)
    `trap '' PIPE`,
  ].join('\n'),
);

/** A whole state script: prologue, then each part on its own lines. */
export function stateScript(parts: readonly Script[]): Script {
  return joinScripts([PROLOGUE, ...parts]);
}

/**
 * Atomic replace: temp file in the same directory (so `mv` is a rename), content, mode, owner, optional
 * validation and backup, then `mv -f`. Needs the prologue (tsi_tmp + trap).
 */
export function writeScript(c: WriteChange): Script {
  const dir = posix.dirname(c.path);
  const parts: Script[] = [sh`tsi_dest=${c.path}`];
  if (c.parents) parts.push(sh`mkdir -p -- ${dir}`);
  parts.push(
    sh`tsi_tmp=$(mktemp ${posix.join(dir, '.tsinfra.XXXXXX')})`,
    sh`printf '%s' ${secret(c.content)} | base64 -d > "$tsi_tmp"`,
    c.mode !== undefined
      ? sh`chmod ${chmodArg(c.mode)} "$tsi_tmp"`
      : raw(`chmod "$(printf '%o' "$((0666 & ~$(umask)))")" "$tsi_tmp"`),
  );
  if (c.owner !== undefined) parts.push(sh`chown -- ${c.group === undefined ? c.owner : `${c.owner}:${c.group}`} "$tsi_tmp"`);
  else if (c.group !== undefined) parts.push(sh`chgrp -- ${c.group} "$tsi_tmp"`);
  if (c.validate !== undefined) {
    // The user's command is shell text (as in Ansible); %s becomes the quoted temp path.
    const cmd = c.validate.split('%s').join('"$tsi_tmp"');
    parts.push(
      raw(`if ! ( ${cmd} ) </dev/null; then echo 'tsinfra: validate failed, the file was left unchanged' >&2; exit 3; fi`),
    );
  }
  if (c.backup) {
    parts.push(
      raw(
        // Ansible's name, file.PID.date~. Scripts of one session share a $$, so a taken name moves to the next number.
        `if [ -e "$tsi_dest" ]; then tsi_n=$$; tsi_at=$(date +%Y-%m-%d@%H:%M:%S); ` +
          `while [ -e "$tsi_dest.$tsi_n.$tsi_at~" ]; do tsi_n=$((tsi_n + 1)); done; tsi_bak="$tsi_dest.$tsi_n.$tsi_at~"; ` +
          `cp -p -- "$tsi_dest" "$tsi_bak"; printf 'backup_file=%s\\n' "$tsi_bak"; fi`,
      ),
    );
  }
  parts.push(raw('mv -f -- "$tsi_tmp" "$tsi_dest"'), raw('tsi_tmp='));
  return joinScripts(parts);
}

/** Applies a file module's changes: a write carries the final attributes, so other attribute changes are dropped. */
export function applyFileChanges(changes: readonly (WriteChange | AttrChange)[]): Script[] {
  const written = new Set(changes.filter((c) => c.op === 'write').map((c) => c.path));
  return changes.flatMap((c) => {
    if (c.op === 'write') return [writeScript(c)];
    return written.has(c.path) ? [] : [applyAttr(c)];
  });
}

/** `backup_file` from an apply's stdout, when a backup was made. */
export function backupFile(stdout: string | undefined): string | undefined {
  const m = /^backup_file=(.*)$/m.exec(stdout ?? '');
  return m ? m[1] : undefined;
}
