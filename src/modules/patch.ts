// patch (ansible.posix.patch): a unified diff applied to a file or a tree with patch(1), or reverted (state: absent).
// As ansible.posix, "applied" means the reverse patch would apply cleanly (`--dry-run --reverse`); the probe also
// dry-runs the forward patch, so a patch that cannot apply fails in check mode too, before anything is touched.
// The patch comes from the controller (read in prepare, like copy's src, and piped to patch(1) on stdin, no temp
// file), or from the host with remote_src.
import { Type, type Static } from '@sinclair/typebox';
import { raw, sh, type Script } from '../shell/script.js';
import { defineModule, PlanError, StringEnum, type ArgProblem, type Change } from './define.js';
import { fromBase64, parseKeyValues } from './lib/probe-output.js';
import { stateScript } from './lib/remote-file.js';
import { posix } from 'node:path';

const PatchArgs = Type.Object(
  {
    src: Type.String({ minLength: 1, description: 'The patch: a controller file (role files/, playbook dir), or a host path with remote_src' }),
    dest: Type.Optional(Type.String({ minLength: 1, description: 'The file to patch' })),
    basedir: Type.Optional(Type.String({ minLength: 1, description: 'Where paths in the patch start (default: the directory of dest)' })),
    strip: Type.Integer({ default: 0, minimum: 0, description: 'Leading path components to strip (patch -p)' }),
    remote_src: Type.Boolean({ default: false, description: 'src is a path on the host' }),
    backup: Type.Boolean({ default: false, description: 'Keep numbered backups of the patched files' }),
    binary: Type.Boolean({ default: false }),
    ignore_whitespace: Type.Boolean({ default: false }),
    state: StringEnum(['absent', 'present'], { default: 'present' }),
  },
  { additionalProperties: false },
);
export type PatchArgs = Static<typeof PatchArgs>;
/** After prepare: the controller patch's bytes (base64). */
type Prepared = PatchArgs & { patch_b64?: string };

export interface PatchState {
  applied: boolean;
  /** The forward (or, for absent, reverse) dry run: undefined when it succeeds, else patch's message. */
  problem?: string;
}

export interface PatchChange extends Change {
  op: 'patch' | 'unpatch';
  target: string;
}

/** The patch(1) options ansible.posix builds (without --input: the patch comes on stdin or from remote src). */
export function patchOptions(a: PatchArgs, mode: { dryRun?: boolean; reverse?: boolean; apply?: boolean }): string[] {
  const opts = ['--quiet', '--forward'];
  if (mode.apply) opts.push('--batch', '--reject-file=-');
  opts.push(`--strip=${a.strip}`, `--directory=${a.basedir ?? posix.dirname(a.dest ?? '.')}`);
  if (mode.dryRun) opts.push('--dry-run');
  if (a.binary) opts.push('--binary');
  if (a.ignore_whitespace) opts.push('--ignore-whitespace');
  if (a.dest !== undefined) opts.push(a.dest);
  if (mode.apply && a.backup) opts.push('--backup', '--version-control=numbered');
  if (mode.reverse) opts.push('--reverse');
  return opts;
}

/** `patch OPTIONS` fed the patch: from the controller's bytes, or --input for a host file. */
function runPatch(a: Prepared, opts: string[]): Script {
  if (a.remote_src) return sh`patch ${opts} --input=${a.src}`;
  return sh`printf '%s' ${a.patch_b64 ?? ''} | base64 -d | patch ${opts}`;
}

function probe(a: Prepared): Script {
  const present = a.state === 'present';
  return stateScript([
    raw(`command -v patch >/dev/null 2>&1 || { echo 'patch command not found' >&2; exit 3; }`),
    ...(a.remote_src ? [sh`[ -r ${a.src} ] || { printf "src %s doesn't exist or not readable\\n" ${a.src} >&2; exit 3; }`] : []),
    ...(a.dest !== undefined ? [sh`[ -w ${a.dest} ] || { printf "dest %s doesn't exist or not writable\\n" ${a.dest} >&2; exit 3; }`] : []),
    ...(a.basedir !== undefined ? [sh`[ -e ${a.basedir} ] || { printf "basedir %s doesn't exist\\n" ${a.basedir} >&2; exit 3; }`] : []),
    // Applied (present) / not applied (absent): the opposite direction's dry run succeeds.
    sh`if ${runPatch(a, patchOptions(a, { dryRun: true, reverse: present }))} >/dev/null 2>&1; then echo done=1; fi`,
    sh`if tsi_o=$(${runPatch(a, patchOptions(a, { dryRun: true, reverse: !present, apply: true }))} 2>&1); then echo can=1; else printf 'problem_b64='; printf '%s' "$tsi_o" | base64 -w0; echo; fi`,
  ]);
}

export const patch = defineModule({
  name: 'patch',
  summary: 'A patch applied to (or reverted from) files with patch(1) (ansible.posix.patch)',
  args: PatchArgs,
  aliases: { patchfile: 'src', originalfile: 'dest' },
  refine: (a): ArgProblem[] => (a.dest === undefined && a.basedir === undefined ? [{ path: '', message: 'patch needs dest or basedir' }] : []),
  async prepare(a, ctl): Promise<Prepared> {
    if (a.remote_src) return a;
    return { ...a, patch_b64: Buffer.from(await ctl.readFile(a.src)).toString('base64') };
  },
  probe,
  parse(r): PatchState {
    const kv = parseKeyValues(r.stdout);
    const s: PatchState = { applied: kv.get('done') === '1' };
    if (kv.get('can') !== '1') s.problem = fromBase64(kv.get('problem_b64')).toString('utf8').trim();
    return s;
  },
  plan(a, s): PatchChange[] {
    if (s.applied) return [];
    if (s.problem !== undefined) throw new PlanError('patch', s.problem || 'the patch does not apply');
    return [{ op: a.state === 'present' ? 'patch' : 'unpatch', target: a.dest ?? a.basedir ?? '' }];
  },
  apply: (a, changes): Script => stateScript(changes.map(() => runPatch(a, patchOptions(a, { apply: true, reverse: a.state === 'absent' })))),
  describe: (c) => `${c.op === 'patch' ? 'apply the patch to' : 'revert the patch from'} ${c.target}`,
});
