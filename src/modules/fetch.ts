// fetch: a file of the host copied to the controller, as Ansible's ansible.builtin.fetch does it: into
// `dest/<inventory_hostname>/<src>` or, with flat, to `dest` itself (a trailing / takes the file's name); a relative
// dest is under the playbook's directory. Idempotent by sha1, as Ansible compares: the controller file's sum goes
// into the one remote script, which sends the content only when the host's differs. An action (the write is on the
// controller); Ansible skips it in check mode, and so do we. Registers Ansible's keys (changed, md5sum, dest,
// checksum, remote_checksum, remote_md5sum, file).
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { dirname, isAbsolute, join, normalize } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { sh, type Script } from '../shell/script.js';
import { defineAction, type RegisteredResult } from './define.js';
import { fromBase64, parseKeyValues } from './lib/probe-output.js';

const FetchArgs = Type.Object(
  {
    src: Type.String({ minLength: 1, description: 'The file on the host (not a directory)' }),
    dest: Type.String({ minLength: 1, description: 'A directory on the controller (the file goes to dest/<host>/<src>), or the file itself with flat' }),
    flat: Type.Boolean({ default: false, description: 'dest is the file (or, ending in /, its directory): no host/path layout' }),
    fail_on_missing: Type.Boolean({ default: true, description: 'Fail when src is missing or unreadable' }),
    validate_checksum: Type.Boolean({ default: true, description: 'Check the written file against the host\'s sha1' }),
  },
  { additionalProperties: false },
);
export type FetchArgs = Static<typeof FetchArgs>;

const digest = (algorithm: 'sha1' | 'md5', bytes: Uint8Array) => createHash(algorithm).update(bytes).digest('hex');

function localSum(path: string): string | undefined {
  return existsSync(path) && statSync(path).isFile() ? digest('sha1', readFileSync(path)) : undefined;
}

/** The controller path: Ansible's layout and path_dwim (relative to the playbook's directory). */
export function fetchDest(a: Pick<FetchArgs, 'dest' | 'flat'>, source: string, host: string, baseDir: string, isDir: (p: string) => boolean): string {
  const dwim = (p: string) => (isAbsolute(p) ? p : join(baseDir, p));
  let dest = a.dest;
  if (a.flat) {
    if (isDir(dest) && !dest.endsWith('/')) throw new Error('dest is an existing directory, use a trailing slash if you want to fetch src into that directory');
    if (dest.endsWith('/')) dest = join(dest, source.slice(source.lastIndexOf('/') + 1));
    if (!dest.startsWith('/')) dest = dwim(dest);
  } else {
    dest = `${dwim(dest)}/${host}/${source}`;
  }
  return normalize(dest);
}

/** Reads the host file: its kind, real path and sha1, and its bytes when the sha1 is not `skipSum`. */
function readScript(src: string, skipSum: string | undefined): Script {
  const home = src === '~' || src.startsWith('~/');
  return sh`set -eu
${home ? sh`p="$HOME"${src.slice(1)}` : sh`p=${src}`}
printf 'source_b64='; printf '%s' "$p" | base64 -w0; echo
if [ -d "$p" ]; then echo kind=dir; exit 0; fi
if [ ! -e "$p" ]; then echo kind=none; exit 0; fi
if [ ! -r "$p" ]; then echo kind=unreadable; exit 0; fi
echo kind=file
tsi_sum=$(sha1sum < "$p"); tsi_sum=\${tsi_sum%% *}; echo "sha1=$tsi_sum"
if [ "$tsi_sum" != ${skipSum ?? ''} ]; then printf 'content_b64='; base64 -w0 < "$p"; echo; fi`;
}

export const fetch = defineAction({
  name: 'fetch',
  summary: 'A host file copied to the controller (dest/<host>/<path>, or flat)',
  args: FetchArgs,
  checkMode: 'skip',
  controllerOnly: false,
  async run(a, io): Promise<RegisteredResult> {
    const host = String(io.vars.inventory_hostname ?? '');
    const baseDir = String(io.vars.playbook_dir ?? process.cwd());
    const isDir = (p: string) => existsSync(p) && statSync(p).isDirectory();
    // The remote path is only known after ~ expansion: a first guess from src, checked after the read.
    let dest: string;
    try {
      dest = fetchDest(a, a.src.replace(/^~(?=\/|$)/, ''), host, baseDir, isDir);
    } catch (err) {
      return { changed: false, failed: true, msg: (err as Error).message };
    }
    const r = await io.exec(readScript(a.src, a.src.startsWith('~') ? undefined : localSum(dest)));
    if (r.code !== 0) return { changed: false, failed: true, msg: r.stderr.trim() || `reading ${a.src} exited ${r.code}` };
    const kv = parseKeyValues(r.stdout);
    const source = fromBase64(kv.get('source_b64')).toString('utf8') || a.src;
    const kind = kv.get('kind');
    if (kind === 'dir') {
      const msg = 'remote file is a directory, fetch cannot work on directories';
      return a.fail_on_missing ? { changed: false, failed: true, msg } : { changed: false, failed: false, msg: `${msg}, not transferring, ignored` };
    }
    if (kind !== 'file') {
      const msg = kind === 'none' ? 'the remote file does not exist, not transferring, ignored' : `file is not readable: ${source}`;
      return a.fail_on_missing ? { changed: false, failed: true, msg } : { changed: false, failed: false, msg, file: source };
    }
    if (source !== a.src) dest = fetchDest(a, source, host, baseDir, isDir);
    const remoteSum = kv.get('sha1')!;
    const local = localSum(dest);
    if (local === remoteSum) {
      return { changed: false, failed: false, md5sum: digest('md5', readFileSync(dest)), file: source, dest, checksum: local };
    }
    let bytes = kv.has('content_b64') ? fromBase64(kv.get('content_b64')) : undefined;
    if (bytes === undefined) {
      const again = parseKeyValues((await io.exec(readScript(source, undefined))).stdout);
      bytes = fromBase64(again.get('content_b64'));
    }
    mkdirSync(dirname(dest), { recursive: true });
    writeFileSync(dest, bytes);
    const written = digest('sha1', bytes);
    const out = { md5sum: digest('md5', bytes), dest, remote_md5sum: null, checksum: written, remote_checksum: remoteSum };
    if (a.validate_checksum && written !== remoteSum) return { ...out, changed: false, failed: true, msg: 'checksum mismatch', file: source };
    return { ...out, changed: true, failed: false };
  },
});
