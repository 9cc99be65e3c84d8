// tempfile: a new temporary file or directory on the host (mktemp), as Ansible's ansible.builtin.tempfile makes
// it: `prefix` + random + `suffix` in `path` (default $TMPDIR or /tmp), mode 0600 / 0700. Never idempotent (each
// run makes a new one, as in Ansible), so it is an action; Ansible's module has no check mode, so neither has
// this (skipped under --check). Registers path and the path's owner, mode, state and size, as Ansible does.
import { Type, type Static } from '@sinclair/typebox';
import { raw, sh } from '../shell/script.js';
import { defineAction, StringEnum, type RegisteredResult } from './define.js';
import { pathInfoFrom, pathInfoOfVariable } from './lib/path-info.js';
import { parseKeyValues } from './lib/probe-output.js';

const TempfileArgs = Type.Object(
  {
    state: StringEnum(['file', 'directory'], { default: 'file' }),
    path: Type.Optional(Type.String({ minLength: 1, description: 'The directory to create it in (default $TMPDIR or /tmp)' })),
    prefix: Type.String({ default: 'ansible.', pattern: '^[^/]*$' }),
    suffix: Type.String({ default: '', pattern: '^[^/]*$' }),
  },
  { additionalProperties: false },
);
export type TempfileArgs = Static<typeof TempfileArgs>;


export const tempfile = defineAction({
  name: 'tempfile',
  summary: 'A new temporary file or directory (mktemp); its path is registered',
  args: TempfileArgs,
  checkMode: 'skip',
  controllerOnly: false,
  async run(a, io): Promise<RegisteredResult> {
    const dir = a.path !== undefined ? sh`${a.path}` : raw('"${TMPDIR:-/tmp}"');
    const d = raw(a.state === 'directory' ? ' -d' : '');
    // Python's mkstemp/mkdtemp name: prefix, 8 random characters, suffix.
    const r = await io.exec(
      sh`set -eu\ntsi_p=$(mktemp${d} -p ${dir} --suffix=${a.suffix} -- ${`${a.prefix}XXXXXXXX`})\nprintf 'path=%s\\n' "$tsi_p"\n${pathInfoOfVariable('tsi_p')}`,
    );
    if (r.code !== 0) return { changed: false, failed: true, msg: r.stderr.trim() || `mktemp exited ${r.code}` };
    const path = parseKeyValues(r.stdout).get('path') ?? '';
    return { changed: true, failed: false, path, ...pathInfoFrom(r.stdout) };
  },
});
