// apt_repository: one APT source in /etc/apt/sources.list.d/<filename>.list, with its signing key in its own
// file (`signed-by`), never in the global trusted.gpg. The key is given inline (`key`) or fetched on the host
// from `key_url` with curl or wget when the key file is missing (or its sha256 differs from `key_sha256`).
import { posix } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { raw, sh, type Script } from '../shell/script.js';
import { defineModule, expecting, PlanError, StringEnum, type ArgProblem } from './define.js';
import { parseKeyValues } from './lib/probe-output.js';
import { AbsPath } from './lib/file-attributes.js';
import { applyFileChanges, describeWrite, parseStat, planWrite, sha256, stateScript, statProbe, type FileStat } from './lib/remote-file.js';
import { describeEdit, diffEdit, editProbe, parseEditFrom, planEdit, type EditChange, type EditState } from './lib/text-file.js';

const SOURCES_DIR = '/etc/apt/sources.list.d';
const KEYRINGS_DIR = '/etc/apt/keyrings';

const AptRepositoryArgs = Type.Object(
  {
    repo: Type.Optional(
      expecting(Type.String({ pattern: '^deb(-src)?\\s+[^\\n]+$' }), 'one sources.list line: deb [options] URI suite [components]'),
    ),
    state: StringEnum(['present', 'absent'], { default: 'present' }),
    filename: Type.Optional(
      expecting(Type.String({ pattern: '^[A-Za-z0-9_.-]+$' }), 'a file name without directory or .list (letters, digits, _ . -)'),
    ),
    key: Type.Optional(Type.String({ minLength: 1, description: 'The signing key itself (ASCII-armored, "-----BEGIN PGP PUBLIC KEY BLOCK-----")' })),
    key_url: Type.Optional(expecting(Type.String({ pattern: '^https?://\\S+$' }), 'an http(s) URL')),
    key_sha256: Type.Optional(expecting(Type.String({ pattern: '^[0-9a-f]{64}$' }), 'a sha256 in hex (64 characters)')),
    key_path: Type.Optional(AbsPath('Where the key goes; default /etc/apt/keyrings/<filename>.asc (.asc: armored; use .gpg for a binary key)')),
    update_cache: Type.Boolean({ default: true, description: 'Run apt-get update after a change' }),
  },
  { additionalProperties: false },
);
export type AptRepositoryArgs = Static<typeof AptRepositoryArgs>;

export interface AptRepositoryState {
  list: EditState;
  key: FileStat;
  keySha256?: string;
}

export type AptRepositoryChange =
  | EditChange
  | { op: 'fetch_key'; url: string; path: string; sha256?: string }
  | { op: 'remove'; path: string }
  | { op: 'update_cache' };

/** The URI of a `deb [opts] uri suite …` line. */
function repoUri(repo: string): string {
  return repo.replace(/^deb(-src)?\s+/, '').replace(/^\[[^\]]*\]\s*/, '').split(/\s+/)[0] ?? '';
}

/** Ansible's naming: the URI without scheme, every other character an underscore (download_docker_com_linux_debian). */
export function defaultFilename(repo: string): string {
  return repoUri(repo)
    .replace(/^[a-z+]+:\/\//, '')
    .replace(/[^A-Za-z0-9]+/g, '_')
    .replace(/^_+|_+$/g, '');
}

function names(a: AptRepositoryArgs): { list: string; key?: string } {
  const base = a.filename ?? (a.repo ? defaultFilename(a.repo) : '');
  const managed = a.key !== undefined || a.key_url !== undefined || a.key_path !== undefined;
  return { list: `${SOURCES_DIR}/${base}.list`, ...(managed ? { key: a.key_path ?? `${KEYRINGS_DIR}/${base}.asc` } : {}) };
}

/** The line with `signed-by=<key>` added to its options when a key is managed and it names none. */
export function sourceLine(repo: string, keyPath: string | undefined): string {
  const line = repo.trim().replace(/\s+/g, ' ');
  if (keyPath === undefined || /\bsigned-by=/.test(line)) return line;
  const m = /^(deb(?:-src)?) (?:\[([^\]]*)\] ?)?(.*)$/.exec(line)!;
  const opts = [m[2]?.trim(), `signed-by=${keyPath}`].filter((o) => o !== undefined && o !== '').join(' ');
  return `${m[1]} [${opts}] ${m[3]}`;
}

function probe(a: AptRepositoryArgs): Script {
  const n = names(a);
  const parts: Script[] = [editProbe(n.list, 'l_')];
  if (n.key !== undefined) {
    // sha256sum prints `<hex>  -`: cut by parameter expansion, not `| cut` (two processes more).
    parts.push(statProbe(n.key, 'k_'), raw(`if [ "$k_kind" = file ]; then k_sum=$(sha256sum < "$k_p"); echo "k_sha256=\${k_sum%% *}"; fi`));
  }
  return stateScript(parts);
}

function plan(a: AptRepositoryArgs, s: AptRepositoryState): AptRepositoryChange[] {
  const n = names(a);
  const out: AptRepositoryChange[] = [];
  if (a.state === 'absent') {
    if (s.list.stat.kind !== 'none') out.push({ op: 'remove', path: n.list });
    if (n.key !== undefined && s.key.kind !== 'none') out.push({ op: 'remove', path: n.key });
  } else {
    const line = sourceLine(a.repo!, n.key);
    out.push(...planEdit('apt_repository', { path: n.list, create: true, mode: '0644' }, s.list, () => `${line}\n`));
    if (n.key !== undefined) {
      if (s.key.kind !== 'none' && s.key.kind !== 'file') throw new PlanError('apt_repository', `${n.key} is not a regular file`);
      if (a.key !== undefined) {
        const bytes = Buffer.from(a.key.endsWith('\n') ? a.key : `${a.key}\n`, 'utf8');
        if (s.keySha256 !== sha256(bytes)) out.push(planWrite(n.key, bytes, s.key, { mode: '0644' }, s.keySha256));
      } else if (a.key_url !== undefined) {
        const stale = s.key.kind === 'none' || (a.key_sha256 !== undefined && s.keySha256 !== a.key_sha256);
        if (stale) out.push({ op: 'fetch_key', url: a.key_url, path: n.key, ...(a.key_sha256 ? { sha256: a.key_sha256 } : {}) });
      } else if (s.key.kind === 'none') {
        throw new PlanError('apt_repository', `${n.key} does not exist`, { hint: 'give key or key_url' });
      }
    }
  }
  if (out.length > 0 && a.update_cache) out.push({ op: 'update_cache' });
  return out;
}

function fetchScript(c: { url: string; path: string; sha256?: string }): Script {
  const dir = posix.dirname(c.path);
  const check =
    c.sha256 === undefined
      ? raw(':')
      : sh`tsi_sum=$(sha256sum < "$tsi_tmp")
if [ "\${tsi_sum%% *}" != ${c.sha256} ]; then echo 'tsinfra: the key from key_url does not match key_sha256' >&2; exit 3; fi`;
  return sh`tsi_dest=${c.path}
mkdir -p -- ${dir}
tsi_tmp=$(mktemp ${posix.join(dir, '.tsinfra.XXXXXX')})
if command -v curl >/dev/null 2>&1; then curl -fsSL -o "$tsi_tmp" ${c.url} </dev/null
elif command -v wget >/dev/null 2>&1; then wget -q -O "$tsi_tmp" ${c.url} </dev/null
else echo 'tsinfra: apt_repository needs curl or wget on the host to fetch key_url' >&2; exit 3; fi
${check}
chmod 0644 "$tsi_tmp"
mv -f -- "$tsi_tmp" "$tsi_dest"
tsi_tmp=`;
}

function apply(_a: AptRepositoryArgs, changes: readonly AptRepositoryChange[]): Script {
  const parts: Script[] = [];
  const writes: EditChange[] = [];
  for (const c of changes) {
    if (c.op === 'write' || c.op === 'chmod' || c.op === 'chown') writes.push(c);
  }
  if (writes.some((c) => c.op === 'write' && c.path.startsWith(`${KEYRINGS_DIR}/`))) parts.push(sh`mkdir -p -m 0755 -- ${KEYRINGS_DIR}`);
  parts.push(...applyFileChanges(writes));
  for (const c of changes) {
    if (c.op === 'fetch_key') parts.push(fetchScript(c));
    else if (c.op === 'remove') parts.push(sh`rm -f -- ${c.path}`);
  }
  if (changes.some((c) => c.op === 'update_cache')) parts.push(raw('DEBIAN_FRONTEND=noninteractive apt-get -q update </dev/null'));
  return stateScript(parts);
}

function describe(c: AptRepositoryChange): string {
  switch (c.op) {
    case 'fetch_key':
      return `fetch the key ${c.url} → ${c.path}`;
    case 'remove':
      return `remove ${c.path}`;
    case 'update_cache':
      return 'update the package lists';
    case 'write':
      return describeWrite(c);
    default:
      return describeEdit(c);
  }
}

export const aptRepository = defineModule({
  name: 'apt_repository',
  summary: 'An APT source in sources.list.d with its own signing key (signed-by)',
  args: AptRepositoryArgs,
  refine(a): ArgProblem[] {
    const out: ArgProblem[] = [];
    if (a.state === 'present' && a.repo === undefined) out.push({ path: '/repo', message: 'apt_repository.repo is required with state: present' });
    if (a.state === 'absent' && a.repo === undefined && a.filename === undefined) {
      out.push({ path: '', message: 'apt_repository with state: absent needs filename or repo' });
    }
    if (a.key !== undefined && a.key_url !== undefined) out.push({ path: '/key_url', message: 'apt_repository takes key or key_url, not both' });
    if (a.key_sha256 !== undefined && a.key_url === undefined) out.push({ path: '/key_sha256', message: 'apt_repository.key_sha256 goes with key_url' });
    if (a.filename === undefined && a.repo !== undefined && defaultFilename(a.repo) === '') {
      out.push({ path: '/filename', message: 'apt_repository needs filename (none can be made from the repo line)' });
    }
    return out;
  },
  probe,
  parse(r, a): AptRepositoryState {
    const kv = parseKeyValues(r.stdout);
    const n = names(a);
    const s: AptRepositoryState = { list: parseEditFrom(kv, 'apt_repository', n.list, 'l_'), key: n.key ? parseStat(kv, 'apt_repository', 'k_') : { kind: 'none' } };
    const sum = kv.get('k_sha256');
    if (sum !== undefined) s.keySha256 = sum;
    return s;
  },
  plan,
  apply,
  describe,
  diff: (_a, s, changes) => diffEdit(s.list, changes.filter((c): c is EditChange => c.op === 'write' && c.path.endsWith('.list'))),
});
