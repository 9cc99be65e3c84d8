// mount (ansible.posix.mount): an /etc/fstab entry and the mount itself. The fstab is edited on the controller the
// way ansible.posix edits it (same line format, same matching, same escapes: \040 space, \046 &, \134 backslash)
// and written atomically (temp file + mv: Ansible rewrites it in place). The probe reads the fstab and whether the
// path is a mount point (/proc/self/mountinfo). A mount that fails after the fstab changed puts the old fstab back.
import { posix } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { joinScripts, raw, sh, type Script } from '../shell/script.js';
import { defineModule, expecting, StringEnum, type ArgProblem, type ExecResult, type FileDiff } from './define.js';
import { parseKeyValues } from './lib/probe-output.js';
import { AbsPath } from './lib/file-attributes.js';
import { applyFileChanges, stateScript, type WriteChange } from './lib/remote-file.js';
import { describeEdit, diffEdit, editProbe, parseEditFrom, planEdit, type EditChange, type EditState } from './lib/text-file.js';

const MountArgs = Type.Object(
  {
    // `none` is the mount point field of a swap line: ansible.posix finds swap entries by it and their src
    // (`path: none, src: /swapfile, fstype: swap`), the idiom of swap roles.
    path: expecting(
      Type.String({ pattern: '^(/|none$)', description: 'The mount point; none for a swap entry (with fstype: swap)' }),
      'an absolute path (starting with /), or none for a swap entry',
    ),
    src: Type.Optional(Type.String({ minLength: 1, description: 'The device, label (LABEL=…), UUID=…, remote or bind source' })),
    fstype: Type.Optional(expecting(Type.String({ pattern: '^\\S+$', description: 'The filesystem type (ext4, tmpfs, none for bind, …)' }), 'a filesystem type')),
    opts: Type.Optional(Type.String({ minLength: 1, description: 'Mount options (default: defaults)' })),
    dump: Type.String({ default: '0', pattern: '^[0-9]+$', description: 'fstab dump field' }),
    passno: Type.String({ default: '0', pattern: '^[0-9]+$', description: 'fstab pass number' }),
    state: StringEnum(['mounted', 'present', 'unmounted', 'absent', 'remounted', 'absent_from_fstab'], {
      description: 'mounted: fstab + mounted; present: fstab only; unmounted; absent: neither (and the empty mount point removed); remounted',
    }),
    fstab: AbsPath('The fstab file', { default: '/etc/fstab' }),
    boot: Type.Boolean({ default: true, description: 'false: add noauto to opts (unless opts has defaults)' }),
    backup: Type.Boolean({ default: false, description: 'Keep a copy of the old fstab as fstab.PID.DATE@TIME~' }),
  },
  { additionalProperties: false },
);
export type MountArgs = Static<typeof MountArgs>;

export interface MountState {
  fstab: EditState;
  mounted: boolean;
  pathExists: boolean;
}

export type MountChange =
  | EditChange
  | { op: 'mkdir'; path: string }
  | { op: 'mount'; path: string; fstab: string }
  | { op: 'remount'; path: string; fstab: string; opts?: string }
  | { op: 'umount'; path: string }
  | { op: 'rmdir'; path: string };

/** ansible.posix's _escape_fstab. */
export function escapeFstab(v: string): string {
  return v.replace(/\\/g, '\\134').replace(/ /g, '\\040').replace(/&/g, '\\046');
}

/** How /proc/self/mountinfo writes a path (space, tab, newline, backslash as octal). */
export function escapeMountinfo(v: string): string {
  return v.replace(/[\\ \t\n]/g, (c) => `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`);
}

/** The fstab fields after Ansible's defaults and its boot/noauto rule. */
export function entryOf(a: MountArgs): { src: string; name: string; fstype: string; opts: string; dump: string; passno: string; boot: 'yes' | 'no' } {
  let opts = a.opts ?? 'defaults';
  let boot: 'yes' | 'no' = 'yes';
  const list = opts.split(',');
  if (!list.includes('noauto') && !a.boot) {
    boot = 'no';
    if (!list.includes('defaults')) opts = [...list, 'noauto'].join(',');
  }
  return { src: a.src ?? '', name: a.path, fstype: a.fstype ?? '', opts, dump: a.dump, passno: a.passno, boot };
}

function splitLines(text: string): string[] {
  const out = text.split(/(?<=\n)/);
  if (out.length > 0 && out[out.length - 1] === '') out.pop();
  return out;
}

function isOther(fields: string[], e: { name: string; src: string; hasSrc: boolean }): boolean {
  const [src, name, fstype] = fields;
  return name !== e.name || (e.hasSrc && name === 'none' && fstype === 'swap' && src !== e.src);
}

/** ansible.posix's _set_mount_save_old on a text: the fstab with the entry added or its fields updated. */
export function setFstabEntry(text: string, a: MountArgs): string {
  const e = entryOf(a);
  const esc = { src: escapeFstab(e.src), name: escapeFstab(e.name), fstype: escapeFstab(e.fstype), opts: escapeFstab(e.opts), dump: escapeFstab(e.dump), passno: escapeFstab(e.passno) };
  const out: string[] = [];
  let exists = false;
  for (let line of splitLines(text)) {
    if (!line.endsWith('\n')) line += '\n';
    if (!line.trim() || line.trim().startsWith('#')) {
      out.push(line);
      continue;
    }
    const fields = line.trim().split(/\s+/);
    if (fields.length < 4 || fields.length > 6 || isOther(fields, { name: esc.name, src: a.src ?? '', hasSrc: a.src !== undefined })) {
      out.push(line);
      continue;
    }
    exists = true;
    const ld = { src: fields[0]!, name: fields[1]!, fstype: fields[2]!, opts: fields[3]!, dump: fields[4] ?? '0', passno: fields[5] ?? '0' };
    let changed = false;
    for (const k of ['src', 'fstype', 'opts', 'dump', 'passno'] as const) {
      if (ld[k] !== esc[k]) {
        ld[k] = esc[k];
        changed = true;
      }
    }
    out.push(changed ? `${ld.src} ${ld.name} ${ld.fstype} ${ld.opts} ${ld.dump} ${ld.passno}\n` : line);
  }
  if (!exists) out.push(`${esc.src} ${esc.name} ${esc.fstype} ${esc.opts} ${esc.dump} ${esc.passno}\n`);
  const result = out.join('');
  // Unchanged lines keep their text; a missing final newline is only added when something changed (as Ansible).
  return result.replace(/\n$/, '') === text.replace(/\n$/, '') ? text : result;
}

/** ansible.posix's unset_mount on a text: the fstab without the entry (only 6-field lines match). */
export function unsetFstabEntry(text: string, a: MountArgs): string {
  const name = escapeFstab(a.path);
  const out: string[] = [];
  let changed = false;
  for (const line of splitLines(text)) {
    const fields = line.trim().split(/\s+/);
    if (!line.trim() || line.trim().startsWith('#') || fields.length !== 6 || isOther(fields, { name, src: a.src ?? '', hasSrc: a.src !== undefined })) {
      out.push(line);
      continue;
    }
    changed = true;
  }
  return changed ? out.join('') : text;
}

function probe(a: MountArgs): Script {
  return stateScript([
    editProbe(a.fstab, 'f_'),
    // awk -v reads escapes itself: its backslashes doubled, p holds mountinfo's \040 literally.
    sh`if awk -v p=${escapeMountinfo(a.path).replace(/\\/g, '\\\\')} '$5 == p { f = 1 } END { exit !f }' /proc/self/mountinfo; then echo mounted=1; else echo mounted=0; fi`,
    sh`if [ -e ${a.path} ]; then echo exists=1; else echo exists=0; fi`,
  ]);
}

function parse(r: ExecResult, a: MountArgs): MountState {
  const kv = parseKeyValues(r.stdout);
  return { fstab: parseEditFrom(kv, 'mount', a.fstab, 'f_'), mounted: kv.get('mounted') === '1', pathExists: kv.get('exists') === '1' };
}

function plan(a: MountArgs, s: MountState): MountChange[] {
  const target = { path: a.fstab, create: true, mode: undefined, backup: a.backup };
  const edit = (f: (t: string) => string) => planEdit('mount', target, s.fstab, f);
  const out: MountChange[] = [];
  switch (a.state) {
    case 'present':
      return edit((t) => setFstabEntry(t, a));
    case 'absent_from_fstab':
      return edit((t) => unsetFstabEntry(t, a));
    case 'absent': {
      const e = edit((t) => unsetFstabEntry(t, a));
      if (e.length === 0) return [];
      const mountPoint = a.path.startsWith('/'); // not `none` (a swap entry)
      if (mountPoint && s.mounted) out.push({ op: 'umount', path: a.path });
      out.push(...e);
      if (mountPoint && s.pathExists) out.push({ op: 'rmdir', path: a.path });
      return out;
    }
    case 'unmounted':
      return s.mounted ? [{ op: 'umount', path: a.path }] : [];
    case 'remounted':
      return [{ op: 'remount', path: a.path, fstab: a.fstab, ...(a.opts !== undefined && a.opts !== 'defaults' ? { opts: a.opts } : {}) }];
    case 'mounted': {
      if (!s.pathExists) out.push({ op: 'mkdir', path: a.path });
      const e = edit((t) => setFstabEntry(t, a));
      out.push(...e);
      const fstabChanged = e.some((c) => c.op === 'write');
      if (!s.mounted) out.push({ op: 'mount', path: a.path, fstab: a.fstab });
      else if (fstabChanged) out.push({ op: 'remount', path: a.path, fstab: a.fstab });
      return out;
    }
  }
}

function fstabArgs(fstab: string): Script {
  return fstab === '/etc/fstab' ? raw('') : sh` -T ${fstab}`;
}

function apply(_a: MountArgs, changes: readonly MountChange[]): Script {
  const parts: Script[] = [];
  const edits = changes.filter((c): c is EditChange => c.op === 'write' || c.op === 'chmod' || c.op === 'chown');
  const write = edits.find((c): c is WriteChange => c.op === 'write');
  const mounts = changes.some((c) => c.op === 'mount' || c.op === 'remount');
  for (const c of changes) if (c.op === 'umount') parts.push(sh`umount -- ${c.path}`);
  for (const c of changes) if (c.op === 'mkdir') parts.push(sh`mkdir -p -- ${c.path}`);
  // Keep the old fstab until the mount worked (a broken entry can stop the next boot): ansible/ansible#59183.
  const keep = write !== undefined && write.previous !== undefined && mounts;
  if (keep) parts.push(sh`tsi_old=$(mktemp ${posix.join(posix.dirname(write.path), '.tsinfra-old.XXXXXX')})`, sh`cp -p -- ${write.path} "$tsi_old"`);
  parts.push(...applyFileChanges(edits));
  const restore = keep ? sh`mv -f -- "$tsi_old" ${write.path}; ` : raw('');
  for (const c of changes) {
    if (c.op === 'mount') {
      parts.push(joinScripts([sh`if ! mount${fstabArgs(c.fstab)} -- ${c.path}; then `, restore, sh`echo ${`tsinfra: mount: could not mount ${c.path}`} >&2; exit 3; fi`], ''));
    } else if (c.op === 'remount') {
      const opts = c.opts !== undefined ? `remount,${c.opts}` : 'remount';
      parts.push(
        joinScripts(
          [
            sh`if ! mount -o ${opts}${fstabArgs(c.fstab)} -- ${c.path}; then `,
            c.opts !== undefined
              ? sh`echo ${`tsinfra: mount: remounting ${c.path} with ${c.opts} failed; unmount it and mount it with the options instead`} >&2; exit 3; `
              : joinScripts([sh`if ! { umount -- ${c.path} && mount${fstabArgs(c.fstab)} -- ${c.path}; }; then `, restore, sh`echo ${`tsinfra: mount: could not remount ${c.path}`} >&2; exit 3; fi; `], ''),
            raw('fi'),
          ],
          '',
        ),
      );
    }
  }
  if (keep) parts.push(raw('rm -f -- "$tsi_old"'));
  for (const c of changes) if (c.op === 'rmdir') parts.push(sh`rmdir -- ${c.path}`);
  return stateScript(parts);
}

function describe(c: MountChange): string {
  switch (c.op) {
    case 'mkdir':
      return `create the mount point ${c.path}`;
    case 'mount':
      return `mount ${c.path}`;
    case 'remount':
      return `remount ${c.path}${c.opts !== undefined ? ` with ${c.opts}` : ''}`;
    case 'umount':
      return `unmount ${c.path}`;
    case 'rmdir':
      return `remove the mount point ${c.path}`;
    default:
      return describeEdit(c);
  }
}

export const mount = defineModule({
  name: 'mount',
  summary: 'An /etc/fstab entry and the mount itself (ansible.posix.mount)',
  args: MountArgs,
  aliases: { name: 'path' },
  refine(a): ArgProblem[] {
    if ((a.state === 'mounted' || a.state === 'present') && (a.src === undefined || a.fstype === undefined)) {
      return [{ path: a.src === undefined ? '/src' : '/fstype', message: `mount with state: ${a.state} needs src and fstype` }];
    }
    if (a.path !== '/' && a.path.endsWith('/')) return [{ path: '/path', message: 'mount.path must not end with /' }];
    if (a.path === 'none' && (a.fstype !== 'swap' || !['present', 'absent', 'absent_from_fstab'].includes(a.state))) {
      return [{ path: '/path', message: 'mount.path none names a swap entry: it needs fstype: swap and state present, absent or absent_from_fstab (a swap area is not mounted; swapon/swapoff it)' }];
    }
    return [];
  },
  probe,
  parse,
  plan,
  apply,
  describe,
  diff: (_a, s, changes): FileDiff | undefined => diffEdit(s.fstab, changes.filter((c): c is EditChange => c.op === 'write')),
  // Ansible returns the entry's fields.
  result(a, _s, _changes, applied) {
    const e = entryOf(a);
    const backup = /^backup_file=(.*)$/m.exec(applied?.stdout ?? '')?.[1] ?? '';
    return { name: a.path, ...(a.src !== undefined ? { src: a.src } : {}), ...(a.fstype !== undefined ? { fstype: a.fstype } : {}), opts: e.opts, dump: e.dump, passno: e.passno, boot: e.boot, fstab: a.fstab, backup_file: backup };
  },
});
