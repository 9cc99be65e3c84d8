// filesystem (community.general.filesystem): a filesystem made on a device (or a regular file: a disk image), grown
// to the device's size with resizefs, or its signatures wiped (state: absent), as community.general decides: blkid
// tells what is there; the same filesystem is left alone (unless force: then it is made again, on every run, as
// community.general does), another one is refused without force. Growing compares the filesystem's size (tune2fs -l
// for ext2/3/4) with the device's; the other families' grow needs them mounted and is refused here.
import { Type, type Static } from '@sinclair/typebox';
import { raw, sh, type Script } from '../shell/script.js';
import { defineModule, PlanError, StringEnum, type Change, type ExecResult } from './define.js';
import { fromBase64, parseKeyValues } from './lib/probe-output.js';
import { stateScript } from './lib/remote-file.js';
import { splitWords } from '../shell/split-words.js';

const FSTYPES = ['btrfs', 'ext2', 'ext3', 'ext4', 'ext4dev', 'f2fs', 'lvm', 'ocfs2', 'reiserfs', 'xfs', 'vfat', 'swap', 'ufs'] as const;

const FilesystemArgs = Type.Object(
  {
    dev: Type.String({ minLength: 1, description: 'The block device or regular file (disk image)' }),
    fstype: Type.Optional(StringEnum(FSTYPES, { description: 'The filesystem to make (required for state present)' })),
    state: StringEnum(['present', 'absent'], { default: 'present' }),
    force: Type.Boolean({ default: false, description: 'Make the filesystem even when the device already has one' }),
    opts: Type.Optional(Type.String({ description: 'More options for mkfs, split on whitespace' })),
    resizefs: Type.Boolean({ default: false, description: 'Grow the filesystem to the device\'s size (ext2/3/4)' }),
  },
  { additionalProperties: false },
);
export type FilesystemArgs = Static<typeof FilesystemArgs>;

/** community.general's filesystem classes: the class name (reported in messages), mkfs and its force flags. */
interface Family {
  name: string;
  mkfs: string;
  force: string[];
  /** Can grow here (ext: tune2fs -l and resize2fs work on an unmounted device). */
  grow?: 'ext';
  /** Has a grow command at all (else "does not support resizing"). */
  growable: boolean;
}

const EXT = (n: number): Family => ({ name: `Ext${n}`, mkfs: `mkfs.ext${n}`, force: ['-F'], grow: 'ext', growable: true });
const FAMILIES: Record<string, Family> = {
  ext2: EXT(2),
  ext3: EXT(3),
  ext4: EXT(4),
  ext4dev: EXT(4),
  f2fs: { name: 'F2fs', mkfs: 'mkfs.f2fs', force: ['-f'], growable: true },
  reiserfs: { name: 'Reiserfs', mkfs: 'mkfs.reiserfs', force: ['-q'], growable: false },
  xfs: { name: 'XFS', mkfs: 'mkfs.xfs', force: ['-f'], growable: true },
  btrfs: { name: 'Btrfs', mkfs: 'mkfs.btrfs', force: ['-f'], growable: true },
  vfat: { name: 'VFAT', mkfs: 'mkfs.vfat', force: [], growable: true },
  ocfs2: { name: 'Ocfs2', mkfs: 'mkfs.ocfs2', force: ['-Fx'], growable: false },
  LVM2_member: { name: 'LVM', mkfs: 'pvcreate', force: ['-f'], growable: true },
  lvm: { name: 'LVM', mkfs: 'pvcreate', force: ['-f'], growable: true },
  swap: { name: 'Swap', mkfs: 'mkswap', force: ['-f'], growable: false },
  ufs: { name: 'UFS', mkfs: 'newfs', force: [], growable: true },
};

export interface FilesystemState {
  exists: boolean;
  /** What blkid says is on the device ('' for nothing it knows). */
  fs: string;
  devSize?: number;
  /** The ext filesystem's block count × block size, when probed. */
  fsSize?: number;
}

export type FilesystemChange =
  | (Change & { op: 'mkfs'; dev: string; fstype: string; command: string[] })
  | (Change & { op: 'grow'; dev: string; family: string })
  | (Change & { op: 'wipe'; dev: string; fs: string });

const SBIN = 'PATH="$PATH:/sbin:/usr/sbin:/usr/local/sbin"';

function probe(a: FilesystemArgs): Script {
  const grow = a.state === 'present' && a.resizefs && FAMILIES[a.fstype ?? '']?.grow === 'ext';
  return stateScript([
    sh`tsi_dev=${a.dev}`,
    raw('if [ ! -e "$tsi_dev" ]; then echo exists=0; exit 0; fi; echo exists=1'),
    raw(`command -v blkid >/dev/null 2>&1 || ${SBIN} command -v blkid >/dev/null 2>&1 || { echo 'Failed to find required executable "blkid"' >&2; exit 3; }`),
    raw(`printf 'fs_b64='; ${SBIN} blkid -c /dev/null -o value -s TYPE "$tsi_dev" | base64 -w0; echo`),
    ...(grow
      ? [
          raw(`if [ -b "$tsi_dev" ]; then echo "devsize=$(${SBIN} blockdev --getsize64 "$tsi_dev")"; elif [ -f "$tsi_dev" ]; then echo "devsize=$(stat -c %s -- "$tsi_dev")"; fi`),
          raw(`printf 'info_b64='; LC_ALL=C ${SBIN} tune2fs -l "$tsi_dev" 2>/dev/null | base64 -w0; echo`),
        ]
      : []),
  ]);
}

function parse(r: ExecResult): FilesystemState {
  const kv = parseKeyValues(r.stdout);
  if (kv.get('exists') !== '1') return { exists: false, fs: '' };
  const s: FilesystemState = { exists: true, fs: fromBase64(kv.get('fs_b64')).toString('utf8').trim() };
  if (kv.has('devsize')) s.devSize = Number(kv.get('devsize'));
  const info = fromBase64(kv.get('info_b64')).toString('utf8');
  const count = /^Block count:\s*(\d+)/m.exec(info);
  const size = /^Block size:\s*(\d+)/m.exec(info);
  if (count && size) s.fsSize = Number(count[1]) * Number(size[1]);
  return s;
}

/** community.general's main(), as a plan: what to do, or the message it fails (or exits unchanged) with. */
export function planFilesystem(a: FilesystemArgs, s: FilesystemState): FilesystemChange[] {
  if (!s.exists) {
    if (a.state === 'present') throw new PlanError('filesystem', `Device ${a.dev} not found.`);
    return [];
  }
  if (a.state === 'absent') return s.fs ? [{ op: 'wipe', dev: a.dev, fs: s.fs }] : [];
  const family = FAMILIES[a.fstype!]!;
  const same = s.fs !== '' && FAMILIES[s.fs] !== undefined && FAMILIES[s.fs]!.name === family.name && FAMILIES[s.fs]!.mkfs === family.mkfs;
  if (same && !a.resizefs && !a.force) return [];
  if (same && a.resizefs) {
    if (!family.growable) throw new PlanError('filesystem', `module does not support resizing ${a.fstype} filesystem yet.`);
    if (family.grow !== 'ext') throw new PlanError('filesystem', `resizing a ${family.name} filesystem needs it mounted; tsinfra grows ext2/3/4 only`);
    if (s.fsSize === undefined || s.devSize === undefined) throw new PlanError('filesystem', `unable to process tune2fs output for ${a.dev}`);
    return s.fsSize < s.devSize ? [{ op: 'grow', dev: a.dev, family: family.name }] : [];
  }
  if (s.fs && !a.force) throw new PlanError('filesystem', `'${a.dev}' is already used as ${s.fs}, use force=true to overwrite`);
  return [{ op: 'mkfs', dev: a.dev, fstype: a.fstype!, command: [family.mkfs, ...family.force, ...splitWords(a.opts ?? ''), a.dev] }];
}

function apply(_a: FilesystemArgs, changes: readonly FilesystemChange[]): Script {
  return stateScript(
    changes.map((c) => {
      if (c.op === 'wipe') return sh`${raw(SBIN)} wipefs --all ${c.dev} >/dev/null`;
      if (c.op === 'grow') return sh`tsi_tmp=$(mktemp); ${raw(SBIN)} resize2fs ${c.dev} >"$tsi_tmp"; printf 'grow_b64='; base64 -w0 < "$tsi_tmp"; echo`;
      const [mkfs, ...rest] = c.command;
      return sh`tsi_mkfs=$(${raw(SBIN)} command -v ${mkfs!}) || { printf 'Failed to find required executable "%s"\\n' ${mkfs!} >&2; exit 3; }; "$tsi_mkfs" ${rest} >/dev/null`;
    }),
  );
}

export const filesystem = defineModule({
  name: 'filesystem',
  summary: 'A filesystem made, grown or wiped on a device or disk image (community.general.filesystem)',
  args: FilesystemArgs,
  aliases: { type: 'fstype', device: 'dev' },
  refine: (a) => (a.state === 'present' && a.fstype === undefined ? [{ path: '', message: 'filesystem: state is present but all of the following are missing: fstype' }] : []),
  probe,
  parse,
  plan: planFilesystem,
  apply,
  describe: (c) =>
    c.op === 'mkfs' ? `make a ${c.fstype} filesystem on ${c.dev}` : c.op === 'grow' ? `grow the ${c.family} filesystem on ${c.dev}` : `wipe the ${c.fs} signatures from ${c.dev}`,
  result(a, s, changes, applied) {
    const out: Record<string, unknown> = {};
    if (!s.exists) out.msg = `Device ${a.dev} not found.`;
    else if (a.state === 'present' && a.resizefs && changes.length === 0 && s.fsSize !== undefined) {
      out.msg = `${FAMILIES[a.fstype!]!.name} filesystem is using the whole device ${a.dev}`;
    } else if (changes[0]?.op === 'grow') {
      out.msg = applied ? fromBase64(parseKeyValues(applied.stdout).get('grow_b64')).toString('utf8') : `resizing filesystem ${FAMILIES[a.fstype!]!.name} on device ${a.dev}`;
    }
    if (applied) Object.assign(out, { rc: undefined, stdout: undefined, stderr: undefined, stdout_lines: undefined, stderr_lines: undefined });
    return out;
  },
});
