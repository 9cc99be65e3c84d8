// apt_key: deprecated upstream (apt-key is gone from Debian 13). Accepted so roles run unchanged, with a warning
// once per run; the key never goes into the global /etc/apt/trusted.gpg. It is stored as its own keyring file,
//
//   /etc/apt/keyrings/<name>.asc   an ASCII-armored key (what most vendors publish), or
//   /etc/apt/keyrings/<name>.gpg   a binary key,
//
// chosen by the key's content (apt reads a keyring's format from its extension), where <name> is the `id` (upper
// case, no 0x), else the URL without scheme with every other character an underscore, else the `file`'s name without
// extension, else key-<16 hex of the data's sha256>. A repository names it in `signed-by` (apt_repository with
// `key_path: /etc/apt/keyrings/<name>.asc`, or `deb [signed-by=…]` in its line). So that roles written for apt-key
// (whose repository lines name no key) keep working, /etc/apt/trusted.gpg.d/<name>.<ext> links to the file: apt
// trusts it for every source, as it trusted apt-key's keys. With `keyring: PATH` the key is that file instead, as
// given (armored content for a .gpg path is dearmored with gpg on the host), and no link is made.
import { posix } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { joinScripts, raw, sh, type Script } from '../shell/script.js';
import { secret } from '../shell/secret.js';
import { defineModule, expecting, PlanError, StringEnum, type ArgProblem, type ExecResult } from './define.js';
import { fromBase64, parseKeyValues } from './lib/probe-output.js';
import { AbsPath } from './lib/file-attributes.js';
import { fetchFunction } from './lib/http-fetch.js';
import { sha256, stateScript } from './lib/remote-file.js';
import { warnOnce } from './lib/warn-once.js';

export const KEYRINGS_DIR = '/etc/apt/keyrings';
export const TRUSTED_DIR = '/etc/apt/trusted.gpg.d';

const AptKeyArgs = Type.Object(
  {
    id: Type.Optional(expecting(Type.String({ pattern: '^(0[xX])?[0-9A-Fa-f]{8,40}$', description: 'The key id or fingerprint (hex)' }), 'a key id or fingerprint in hex')),
    url: Type.Optional(expecting(Type.String({ pattern: '^(https?|ftp|file)://\\S+$', description: 'Where the host fetches the key (curl or wget)' }), 'an http(s), ftp or file URL')),
    data: Type.Optional(Type.String({ minLength: 1, description: 'The key itself (armored or binary text)' })),
    file: Type.Optional(AbsPath('A key file already on the host')),
    keyring: Type.Optional(AbsPath('The keyring file to write instead of /etc/apt/keyrings/<name>.asc|.gpg (no trusted.gpg.d link)')),
    keyserver: Type.Optional(Type.String({ minLength: 1, description: 'Not supported: refused (give url, data or file)' })),
    state: StringEnum(['present', 'absent'], { default: 'present' }),
    validate_certs: Type.Boolean({ default: true, description: 'false: accept any TLS certificate for url' }),
  },
  { additionalProperties: false },
);
export type AptKeyArgs = Static<typeof AptKeyArgs>;

export interface AptKeyState {
  /** Each candidate path that exists (the .asc and .gpg of the default name, or the keyring) → its sha256. */
  files: Record<string, string>;
  /** trusted.gpg.d link name → its target, for the links that exist. */
  links: Record<string, string>;
}

export type AptKeyChange =
  | { op: 'write'; path: string; content: string; sha256: string; replaces: boolean; dearmor: boolean }
  | { op: 'fetch'; url: string; base: string; link: boolean; id?: string }
  | { op: 'copy'; from: string; base: string; link: boolean; id?: string }
  | { op: 'link'; link: string; target: string }
  | { op: 'remove'; path: string };

const ARMOR = '-----BEGIN PGP PUBLIC KEY BLOCK-----';

function cleanId(id: string): string {
  return id.replace(/^0[xX]/, '').toUpperCase();
}

/** The name of the keyring file (without extension) for these args. */
export function keyName(a: AptKeyArgs): string {
  if (a.id !== undefined) return cleanId(a.id);
  if (a.url !== undefined) return a.url.replace(/^[a-z]+:\/\//i, '').replace(/[^A-Za-z0-9]+/g, '_').replace(/^_+|_+$/g, '');
  if (a.file !== undefined) return posix.basename(a.file).replace(/\.[^.]*$/, '') || 'key';
  return `key-${sha256(a.data ?? '').slice(0, 16)}`;
}

/** The candidate files: the keyring, or the default name's .asc and .gpg. */
function candidates(a: AptKeyArgs): string[] {
  if (a.keyring !== undefined) return [a.keyring];
  const base = `${KEYRINGS_DIR}/${keyName(a)}`;
  return [`${base}.asc`, `${base}.gpg`];
}

function linkFor(path: string): string {
  return `${TRUSTED_DIR}/${posix.basename(path)}`;
}

function probe(a: AptKeyArgs): Script {
  const parts: Script[] = [];
  for (const [i, path] of candidates(a).entries()) {
    parts.push(sh`p=${path}`, raw(`if [ -f "$p" ]; then s=$(sha256sum < "$p"); echo "f${i}=\${s%% *}"; fi`));
    if (a.keyring === undefined) parts.push(sh`l=${linkFor(path)}`, raw(`if [ -L "$l" ]; then printf 'l${i}_b64='; readlink -- "$l" | tr -d '\\n' | base64 -w0; echo; fi`));
  }
  return stateScript(parts);
}

function parse(r: ExecResult, a: AptKeyArgs): AptKeyState {
  const kv = parseKeyValues(r.stdout);
  const s: AptKeyState = { files: {}, links: {} };
  for (const [i, path] of candidates(a).entries()) {
    const sum = kv.get(`f${i}`);
    if (sum !== undefined) s.files[path] = sum;
    const l = kv.get(`l${i}_b64`);
    if (l !== undefined) s.links[linkFor(path)] = fromBase64(l).toString('utf8');
  }
  return s;
}

function dataBytes(data: string): Buffer {
  const text = data.includes(ARMOR) && !data.endsWith('\n') ? `${data}\n` : data;
  return Buffer.from(text, 'utf8');
}

function plan(a: AptKeyArgs, s: AptKeyState): AptKeyChange[] {
  const paths = candidates(a);
  const out: AptKeyChange[] = [];
  if (a.state === 'absent') {
    for (const p of paths) {
      if (s.links[linkFor(p)] !== undefined) out.push({ op: 'remove', path: linkFor(p) });
      if (s.files[p] !== undefined) out.push({ op: 'remove', path: p });
    }
    return out;
  }
  const link = a.keyring === undefined;
  const ensureLink = (path: string) => {
    if (link && s.links[linkFor(path)] !== path) out.push({ op: 'link', link: linkFor(path), target: path });
  };
  const id = a.id !== undefined ? cleanId(a.id) : undefined;
  if (a.data !== undefined) {
    const bytes = dataBytes(a.data);
    const armored = a.data.includes(ARMOR);
    const path = a.keyring ?? (armored ? paths[0]! : paths[1]!);
    const dearmor = armored && a.keyring !== undefined && !a.keyring.endsWith('.asc');
    // A dearmored keyring's sha256 is not the data's: an existing file counts as done (as for url and file).
    const same = dearmor ? s.files[path] !== undefined : s.files[path] === sha256(bytes);
    if (!same) out.push({ op: 'write', path, content: bytes.toString('base64'), sha256: sha256(bytes), replaces: s.files[path] !== undefined, dearmor });
    // The other extension's file, left from a key in the other format, would be trusted too: remove it.
    for (const p of paths) if (p !== path && s.files[p] !== undefined) out.push({ op: 'remove', path: p });
    for (const p of paths) if (p !== path && link && s.links[linkFor(p)] !== undefined) out.push({ op: 'remove', path: linkFor(p) });
    ensureLink(path);
    return out;
  }
  const existing = paths.find((p) => s.files[p] !== undefined);
  if (existing !== undefined) {
    ensureLink(existing);
    return out;
  }
  const base = a.keyring ?? `${KEYRINGS_DIR}/${keyName(a)}`;
  if (a.url !== undefined) return [{ op: 'fetch', url: a.url, base, link, ...(id ? { id } : {}) }];
  if (a.file !== undefined) return [{ op: 'copy', from: a.file, base, link, ...(id ? { id } : {}) }];
  throw new PlanError('apt_key', `key ${id} is not installed (no ${paths.join(' or ')})`, { hint: 'give url, data or file to install it' });
}

/**
 * Puts the key in "$tsi_tmp" where it belongs: for the default name the extension follows the content (armored:
 * .asc), for a keyring the file as named (dearmored with gpg when it is armored and not .asc).
 */
function installFromTmp(base: string, keyring: boolean, link: boolean, id: string | undefined): Script {
  const parts: Script[] = [
    raw(`if grep -q -e '${ARMOR}' "$tsi_tmp"; then tsi_armored=1; else tsi_armored=0; fi`),
  ];
  if (id !== undefined) {
    // The key must be the one named (Ansible checks too); only where gpg exists to read it.
    parts.push(
      sh`if command -v gpg >/dev/null 2>&1; then if ! gpg --batch --with-colons --show-keys "$tsi_tmp" 2>/dev/null | awk -F: '$1 == "fpr" { print $10 }' | grep -q -i -e ${`${id}$`}; then echo ${`tsinfra: apt_key: the key fetched is not ${id}`} >&2; exit 3; fi; fi`,
    );
  }
  if (keyring) {
    parts.push(sh`tsi_dest=${base}`);
    if (!base.endsWith('.asc')) {
      parts.push(
        raw(
          `if [ "$tsi_armored" = 1 ]; then if ! command -v gpg >/dev/null 2>&1; then echo 'tsinfra: apt_key: the key is armored and the keyring is not .asc: gpg is needed to dearmor it' >&2; exit 3; fi; ` +
            `gpg --batch --yes --dearmor < "$tsi_tmp" > "$tsi_tmp.bin" && mv -f -- "$tsi_tmp.bin" "$tsi_tmp"; fi`,
        ),
      );
    }
  } else {
    parts.push(sh`if [ "$tsi_armored" = 1 ]; then tsi_dest=${`${base}.asc`}; else tsi_dest=${`${base}.gpg`}; fi`);
  }
  parts.push(raw('chmod 0644 "$tsi_tmp"'), raw('mkdir -p -- "$(dirname -- "$tsi_dest")"'), raw('mv -f -- "$tsi_tmp" "$tsi_dest"'), raw('tsi_tmp='), raw('echo "key_file=$tsi_dest"'));
  if (link) parts.push(sh`mkdir -p -- ${TRUSTED_DIR}`, sh`ln -sfn -- "$tsi_dest" ${TRUSTED_DIR}/"$(basename -- "$tsi_dest")"`);
  return joinScripts(parts);
}

function apply(a: AptKeyArgs, changes: readonly AptKeyChange[]): Script {
  const parts: Script[] = [];
  for (const c of changes) {
    switch (c.op) {
      case 'remove':
        parts.push(sh`rm -f -- ${c.path}`);
        break;
      case 'link':
        parts.push(sh`mkdir -p -- ${TRUSTED_DIR}`, sh`ln -sfn -- ${c.target} ${c.link}`);
        break;
      case 'write':
        parts.push(
          sh`mkdir -p -m 0755 -- ${posix.dirname(c.path)}`,
          sh`tsi_tmp=$(mktemp ${posix.join(posix.dirname(c.path), '.tsinfra.XXXXXX')})`,
          sh`printf '%s' ${secret(c.content)} | base64 -d > "$tsi_tmp"`,
          c.dearmor
            ? raw(`if ! command -v gpg >/dev/null 2>&1; then echo 'tsinfra: apt_key: gpg is needed to dearmor the key for a keyring that is not .asc' >&2; exit 3; fi; gpg --batch --yes --dearmor < "$tsi_tmp" > "$tsi_tmp.bin" && mv -f -- "$tsi_tmp.bin" "$tsi_tmp"`)
            : raw(':'),
          raw('chmod 0644 "$tsi_tmp"'),
          sh`mv -f -- "$tsi_tmp" ${c.path}`,
          raw('tsi_tmp='),
        );
        break;
      case 'fetch':
        parts.push(
          fetchFunction({ url: c.url, timeout: 30, validateCerts: a.validate_certs, module: 'apt_key' }),
          sh`mkdir -p -m 0755 -- ${posix.dirname(c.base)}`,
          sh`tsi_tmp=$(mktemp ${posix.join(posix.dirname(c.base), '.tsinfra.XXXXXX')})`,
          raw('tsi_fetch "$tsi_tmp"'),
          installFromTmp(c.base, a.keyring !== undefined, c.link, c.id),
        );
        break;
      case 'copy':
        parts.push(
          sh`mkdir -p -m 0755 -- ${posix.dirname(c.base)}`,
          sh`tsi_tmp=$(mktemp ${posix.join(posix.dirname(c.base), '.tsinfra.XXXXXX')})`,
          sh`cat -- ${c.from} > "$tsi_tmp"`,
          installFromTmp(c.base, a.keyring !== undefined, c.link, c.id),
        );
        break;
    }
  }
  return stateScript(parts);
}

function describe(c: AptKeyChange): string {
  switch (c.op) {
    case 'write':
      return `${c.replaces ? 'update' : 'write'} the key ${c.path}${c.dearmor ? ' (dearmored)' : ''}`;
    case 'fetch':
      return `fetch the key ${c.url} → ${c.base}${c.link ? '.asc (.gpg for a binary key)' : ''}`;
    case 'copy':
      return `copy the key ${c.from} → ${c.base}${c.link ? '.asc (.gpg for a binary key)' : ''}`;
    case 'link':
      return `trust it for every source: ${c.link} → ${c.target}`;
    case 'remove':
      return `remove ${c.path}`;
  }
}

export const DEPRECATION =
  'apt_key is deprecated (apt-key is gone from Debian 13): tsinfra stores each key as its own keyring in /etc/apt/keyrings/ ' +
  '(see docs/modules.md#apt_key); prefer apt_repository with key or key_url (signed-by)';

export const aptKey = defineModule({
  name: 'apt_key',
  summary: 'Deprecated: an APT signing key, stored as its own keyring file (never the global trusted.gpg)',
  args: AptKeyArgs,
  normalize(rawArgs) {
    warnOnce('apt_key', DEPRECATION);
    return rawArgs;
  },
  refine(a): ArgProblem[] {
    const out: ArgProblem[] = [];
    if (a.keyserver !== undefined) {
      out.push({ path: '/keyserver', message: 'apt_key.keyserver is not supported (keyservers are unreliable and unauthenticated): give url, data or file' });
    }
    const sources = (['url', 'data', 'file'] as const).filter((k) => a[k] !== undefined);
    if (sources.length > 1) out.push({ path: '', message: `apt_key takes one of url, data, file, not ${sources.join(' and ')}` });
    if (a.state === 'present' && sources.length === 0 && a.id === undefined) out.push({ path: '', message: 'apt_key needs url, data, file or id' });
    if (a.state === 'absent' && a.id === undefined && a.keyring === undefined && sources.length === 0) {
      out.push({ path: '/id', message: 'apt_key with state: absent needs id (or keyring)' });
    }
    return out;
  },
  probe,
  parse,
  plan,
  apply,
  describe,
  result(a, s, changes, applied) {
    const paths = candidates(a);
    const written = changes.find((c) => c.op === 'write');
    const fetched = applied ? parseKeyValues(applied.stdout).get('key_file') : undefined;
    return {
      key_file: fetched ?? (written?.op === 'write' ? written.path : undefined) ?? paths.find((p) => s.files[p] !== undefined) ?? paths[0],
      deprecations: [{ msg: DEPRECATION, collection_name: 'ansible.builtin' }],
    };
  },
});
