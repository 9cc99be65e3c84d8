// What Ansible's exit_json adds to a result that names a `path` (or `dest`): add_path_info's uid, gid, owner, group,
// mode, state and size of that path.
import { raw, type Script } from '../../shell/script.js';
import { fromBase64, parseKeyValues } from './probe-output.js';
import { parseStat, statProbe, type FileStat } from './remote-file.js';
import type { ExecResult } from '../define.js';

const PREFIX = 'pi_';

/** The stat printed at the end of an apply script (the path after the change). */
export function pathInfoScript(path: string): Script {
  return statProbe(path, PREFIX);
}

/** The registered path info: from the apply's closing stat when it ran, else from the probed `before`. */
export function pathInfo(module: string, before: FileStat, applied: ExecResult | undefined): Record<string, unknown> {
  const kv = applied ? parseKeyValues(applied.stdout) : undefined;
  const s = kv?.has(`${PREFIX}kind`) ? parseStat(kv, module, PREFIX) : before;
  if (s.kind === 'none') return { state: 'absent' };
  const state = s.kind === 'directory' ? 'directory' : s.kind === 'link' ? 'link' : 'file';
  return {
    uid: Number(s.uid),
    gid: Number(s.gid),
    owner: s.user === 'UNKNOWN' ? s.uid : s.user,
    group: s.group === 'UNKNOWN' ? s.gid : s.group,
    mode: `0${(s.mode ?? '').padStart(3, '0')}`,
    state,
    size: s.size,
  };
}

// The same keys for a path held in a shell variable, printed base64 under a key of its own (tempfile, unarchive,
// assemble, known_hosts print it in the probe and again at the end of the apply), with `hard` for a file with
// several links and links followed on request, as add_path_info does.
const FORMAT = 'uid=%u\ngid=%g\nowner=%U\ngroup=%G\nmode=%a\nsize=%s\nkind=%F\nnlink=%h'; // real newlines: stat -c prints them as they are

/** Prints `<key>=<base64 of the stat lines>` for the path in the shell variable `variable`. */
export function pathInfoOfVariable(variable: string, key = 'pathinfo_b64', follow = false): Script {
  return raw(`printf '${key}='; LC_ALL=C stat${follow ? ' -L' : ''} -c '${FORMAT}' -- "$${variable}" | base64 -w0; echo`);
}

/** add_path_info's keys from what pathInfoOfVariable printed under `key` in `stdout`; undefined when it is not there. */
export function pathInfoFrom(stdout: string, key = 'pathinfo_b64'): Record<string, unknown> | undefined {
  const b64 = parseKeyValues(stdout).get(key);
  if (b64 === undefined) return undefined;
  const kv = parseKeyValues(fromBase64(b64).toString('utf8'));
  const kind = kv.get('kind') ?? '';
  const state = kind === 'symbolic link' ? 'link' : kind === 'directory' ? 'directory' : Number(kv.get('nlink')) > 1 ? 'hard' : 'file';
  return {
    uid: Number(kv.get('uid')),
    gid: Number(kv.get('gid')),
    owner: kv.get('owner'),
    group: kv.get('group'),
    mode: '0' + (kv.get('mode') ?? '').padStart(3, '0'),
    state,
    size: Number(kv.get('size')),
  };
}
