// get_url: a file downloaded ON THE HOST (curl or wget, whichever it has) from a URL, written atomically (temp file
// in the destination's directory, then mv), with mode/owner/group. Idempotent: an existing dest is kept when force
// is false, or when its digest matches `checksum`. With force (or a directory dest, where Ansible always
// downloads) the probe downloads to a temp file and compares, so the task changes only when the content differs.
import { posix } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { joinScripts, raw, sh, type Script } from '../shell/script.js';
import { defineModule, expecting, PlanError, type ArgProblem, type ExecResult } from './define.js';
import { fromBase64, parseKeyValues } from './lib/probe-output.js';
import { AbsPath, fileAttributes } from './lib/file-attributes.js';
import { digestFunction, fetchFunction } from './lib/http-fetch.js';
import {
  applyAttr,
  chmodArg,
  describeAttr,
  normalizeMode,
  parseStat,
  planAttributes,
  stateScript,
  statOf,
  type AttrChange,
  type FileStat,
} from './lib/remote-file.js';

const ALGORITHMS = ['md5', 'sha1', 'sha224', 'sha256', 'sha384', 'sha512'] as const;
type Algorithm = (typeof ALGORITHMS)[number];

const GetUrlArgs = Type.Object(
  {
    url: expecting(Type.String({ pattern: '^(https?|ftp|file)://\\S+$', description: 'http, https, ftp or file URL' }), 'an http(s), ftp or file URL'),
    dest: AbsPath('Where the file goes on the host; a directory: the file is named after the URL'),
    ...fileAttributes(),
    checksum: Type.Optional(
      expecting(
        Type.String({ pattern: '^(md5|sha1|sha224|sha256|sha384|sha512):[0-9A-Fa-f]+$', description: '"<algorithm>:<hex digest>" the download must have' }),
        'an "<algorithm>:<hex digest>" like sha256:9f86d0…',
      ),
    ),
    force: Type.Boolean({ default: false, description: 'Download even when dest exists (the file is replaced only when the content differs)' }),
    timeout: Type.Integer({ minimum: 1, default: 10, description: 'Seconds for the whole transfer' }),
    headers: Type.Optional(Type.Record(Type.String(), Type.String(), { description: 'HTTP request headers (values are kept out of logs)' })),
    validate_certs: Type.Boolean({ default: true, description: 'false: accept any TLS certificate' }),
    url_username: Type.Optional(Type.String({ minLength: 1, description: 'HTTP basic auth user' })),
    url_password: Type.Optional(Type.String({ description: 'HTTP basic auth password (kept out of logs)' })),
  },
  { additionalProperties: false },
);
export type GetUrlArgs = Static<typeof GetUrlArgs>;

export interface GetUrlState {
  /** The file's path: dest, or dest/<name from the URL> when dest is a directory. */
  path: string;
  destIsDir: boolean;
  stat: FileStat;
  /** Digests of the existing file: sha1 (Ansible's checksum_dest), sha256, and the checksum's algorithm. */
  sha1?: string;
  sha256?: string;
  digest?: string;
  /** When the probe downloaded (force, or a directory dest): the download's sha256 / sha1 and HTTP status. */
  fetched?: { sha256: string; sha1: string; status: string; size: number };
  /** The probe's download failed: the apply downloads again and reports the error. */
  fetchError?: string;
}

export interface DownloadChange {
  op: 'download';
  url: string;
  path: string;
  /** Final attributes: given, else the old file's (numeric), else a new file's 0666 & ~umask. */
  mode?: string;
  owner?: string;
  group?: string;
  checksum?: { algorithm: Algorithm; digest: string };
  replaces: boolean;
}
export type GetUrlChange = DownloadChange | AttrChange;

/** The file name Ansible falls back to for a directory dest: the last path segment of the URL. */
export function urlFilename(url: string): string {
  const path = url.replace(/^[a-z]+:\/\/[^/]*/i, '').replace(/[?#].*$/, '');
  const name = decodeURIComponent(path.split('/').pop() ?? '');
  return name === '' || name === '.' || name === '..' ? 'index.html' : name;
}

function checksumOf(a: GetUrlArgs): { algorithm: Algorithm; digest: string } | undefined {
  if (a.checksum === undefined) return undefined;
  const [algorithm, digest] = a.checksum.split(':') as [Algorithm, string];
  return { algorithm, digest: digest.toLowerCase() };
}

function fetcher(a: GetUrlArgs): Script {
  return fetchFunction({
    url: a.url,
    timeout: a.timeout,
    headers: a.headers,
    validateCerts: a.validate_certs,
    module: 'get_url',
    ...(a.url_username !== undefined ? { username: a.url_username, password: a.url_password ?? '' } : {}),
  });
}

function probe(a: GetUrlArgs): Script {
  const sum = checksumOf(a);
  const parts: Script[] = [
    sh`p=${a.dest}`,
    sh`if [ -d "$p" ] && [ ! -L "$p" ]; then echo dest_is_dir=1; p="\${p%/}"/${urlFilename(a.url)}; fi`,
    raw(`printf 'path_b64='; printf '%s' "$p" | base64 -w0; echo`),
    statOf(),
    digestFunction(),
    raw('if [ "$kind" = file ]; then'),
    raw('  if [ ! -r "$p" ]; then echo "cannot read $p" >&2; exit 3; fi'),
    raw('  tsi_digest sha1 "$p"; echo "sha1=$tsi_sum"; tsi_digest sha256 "$p"; echo "sha256=$tsi_sum"'),
  ];
  if (sum) parts.push(sh`  tsi_digest ${sum.algorithm} "$p"; echo "digest=$tsi_sum"`);
  parts.push(raw('fi'));
  // Download to compare: with force, or when dest is a directory (Ansible always downloads then), unless the
  // checksum already matches without force.
  const skipWhenSumMatches = sum && !a.force ? sh` && [ "\${tsi_sum:-}" != ${sum.digest} ]` : raw('');
  parts.push(
    fetcher(a),
    sh`if [ "$kind" = file ] && { ${a.force ? raw('true') : raw('false')} || [ -d ${a.dest} ]; }${skipWhenSumMatches}; then`,
    raw('  tsi_tmp=$(mktemp "${TMPDIR:-/tmp}/.tsinfra-get_url.XXXXXX")'),
    raw('  if tsi_fetch "$tsi_tmp" 2>"$tsi_tmp.err"; then'),
    raw('    tsi_digest sha256 "$tsi_tmp"; echo "fetched_sha256=$tsi_sum"; tsi_digest sha1 "$tsi_tmp"; echo "fetched_sha1=$tsi_sum"'),
    raw('    echo "fetched_status=$tsi_code"; echo "fetched_size=$(stat -c %s -- "$tsi_tmp")"'),
    raw(`  else printf 'fetch_error_b64='; base64 -w0 < "$tsi_tmp.err"; echo; fi`),
    raw('  rm -f -- "$tsi_tmp.err" "$tsi_tmp"; tsi_tmp='),
    raw('fi'),
  );
  return stateScript(parts);
}

function parse(r: ExecResult): GetUrlState {
  const kv = parseKeyValues(r.stdout);
  const s: GetUrlState = {
    path: fromBase64(kv.get('path_b64')).toString('utf8'),
    destIsDir: kv.get('dest_is_dir') === '1',
    stat: parseStat(kv, 'get_url'),
  };
  for (const k of ['sha1', 'sha256', 'digest'] as const) {
    const v = kv.get(k);
    if (v !== undefined) s[k] = v;
  }
  const fetched = kv.get('fetched_sha256');
  if (fetched !== undefined) {
    s.fetched = { sha256: fetched, sha1: kv.get('fetched_sha1') ?? '', status: kv.get('fetched_status') ?? '', size: Number(kv.get('fetched_size') ?? 0) };
  }
  const err = kv.get('fetch_error_b64');
  if (err !== undefined) s.fetchError = fromBase64(err).toString('utf8').trim();
  return s;
}

function plan(a: GetUrlArgs, s: GetUrlState): GetUrlChange[] {
  const { stat, path } = s;
  if (stat.kind === 'directory') throw new PlanError('get_url', `${path} is a directory`, { hint: 'give the full path of the file in dest' });
  if (stat.kind === 'link' || stat.kind === 'other') {
    throw new PlanError('get_url', `${path} is a ${stat.kind === 'link' ? 'symbolic link' : 'special file'}, not a regular file`);
  }
  const sum = checksumOf(a);
  const exists = stat.kind === 'file';
  let download: boolean;
  if (!exists) download = true;
  else if (sum && s.digest !== sum.digest) download = true;
  else if (s.fetched) download = s.fetched.sha256 !== s.sha256;
  else download = s.fetchError !== undefined;
  if (!download) return planAttributes(path, stat, a);
  const c: DownloadChange = { op: 'download', url: a.url, path, replaces: exists };
  const mode = a.mode !== undefined ? normalizeMode(a.mode) : exists ? stat.mode : undefined;
  if (mode !== undefined) c.mode = mode;
  const owner = a.owner ?? (exists ? stat.uid : undefined);
  const group = a.group ?? (exists ? stat.gid : undefined);
  if (owner !== undefined) c.owner = owner;
  if (group !== undefined) c.group = group;
  if (sum) c.checksum = sum;
  return [c];
}

function downloadScript(a: GetUrlArgs, c: DownloadChange): Script {
  const dir = posix.dirname(c.path);
  const parts: Script[] = [
    digestFunction(),
    fetcher(a),
    sh`tsi_dest=${c.path}`,
    sh`if [ ! -d ${dir} ]; then echo ${`tsinfra: get_url: destination directory ${dir} does not exist`} >&2; exit 3; fi`,
    sh`tsi_tmp=$(mktemp ${posix.join(dir, '.tsinfra.XXXXXX')})`,
    raw('tsi_fetch "$tsi_tmp"'),
    raw('echo "status_code=$tsi_code"; echo "size=$(stat -c %s -- "$tsi_tmp")"'),
    raw('tsi_digest sha1 "$tsi_tmp"; echo "checksum_src=$tsi_sum"'),
  ];
  if (c.checksum) {
    parts.push(
      sh`tsi_digest ${c.checksum.algorithm} "$tsi_tmp"`,
      sh`if [ "$tsi_sum" != ${c.checksum.digest} ]; then echo ${`tsinfra: get_url: the checksum for ${c.url} did not match ${c.checksum.algorithm}:${c.checksum.digest}; it was `}"$tsi_sum" >&2; exit 3; fi`,
    );
  }
  parts.push(
    c.mode !== undefined ? sh`chmod ${chmodArg(c.mode)} "$tsi_tmp"` : raw(`chmod "$(printf '%o' "$((0666 & ~$(umask)))")" "$tsi_tmp"`),
  );
  if (c.owner !== undefined) parts.push(sh`chown -- ${c.group === undefined ? c.owner : `${c.owner}:${c.group}`} "$tsi_tmp"`);
  else if (c.group !== undefined) parts.push(sh`chgrp -- ${c.group} "$tsi_tmp"`);
  parts.push(raw('mv -f -- "$tsi_tmp" "$tsi_dest"'), raw('tsi_tmp='));
  return joinScripts(parts);
}

export const getUrl = defineModule({
  name: 'get_url',
  summary: 'A file downloaded on the host from a URL (curl or wget), atomically, with an optional checksum',
  args: GetUrlArgs,
  refine(a): ArgProblem[] {
    if (a.url_password !== undefined && a.url_username === undefined) return [{ path: '/url_password', message: 'get_url.url_password goes with url_username' }];
    return [];
  },
  probe,
  parse: (r) => parse(r),
  plan,
  apply: (a, changes) => stateScript(changes.map((c) => (c.op === 'download' ? downloadScript(a, c) : applyAttr(c)))),
  describe: (c) => (c.op === 'download' ? `${c.replaces ? 'replace' : 'download'} ${c.path} from ${c.url}` : describeAttr(c)),
  result(a, s, changes, applied) {
    const out: Record<string, unknown> = { dest: s.path || a.dest, url: a.url };
    if (s.sha1 !== undefined) out.checksum_dest = s.sha1;
    const kv = applied ? parseKeyValues(applied.stdout) : undefined;
    const downloaded = changes.some((c) => c.op === 'download');
    if (kv?.get('checksum_src') !== undefined) {
      out.checksum_src = kv.get('checksum_src');
      out.status_code = Number(kv.get('status_code'));
      out.msg = `OK (${kv.get('size')} bytes)`;
    } else if (s.fetched) {
      out.checksum_src = s.fetched.sha1;
      out.status_code = Number(s.fetched.status);
      out.msg = `OK (${s.fetched.size} bytes)`;
    } else if (!downloaded) {
      out.msg = changes.length > 0 ? 'file already exists but file attributes changed' : 'file already exists';
    }
    return out;
  },
});
