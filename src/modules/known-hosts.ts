// known_hosts: one host's key in an ssh known_hosts file (present, replacing the host's key of the same type, or
// absent), as Ansible's ansible.builtin.known_hosts keeps it. The probe reads the file and `ssh-keygen -F host`
// (which sees hashed entries too); the new text is computed on the controller (pure: Ansible's search and rewrite)
// and written atomically. hash_host hashes the name with a salt derived from the host and key, so the plan stays
// pure (Ansible's salt is random; either verifies the same way). Registers Ansible's keys: name, key, path,
// hash_host, state.
import { createHash, createHmac } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { raw, sh, type Script } from '../shell/script.js';
import { defineModule, PlanError, StringEnum, type ArgProblem, type ExecResult, type FileDiff } from './define.js';
import { fromBase64, parseKeyValues } from './lib/probe-output.js';
import { pathInfoFrom, pathInfoOfVariable } from './lib/path-info.js';
import { applyFileChanges, describeWrite, parseStat, planWrite, stateScript, statOf, type FileStat, type WriteChange } from './lib/remote-file.js';

const KnownHostsArgs = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'The host (as ssh looks it up: a name, an address, or [name]:port)' }),
    key: Type.Optional(Type.String({ description: 'The known_hosts line: [host] type key (ssh-keyscan prints it)' })),
    path: Type.String({ default: '~/.ssh/known_hosts', description: 'The known_hosts file' }),
    hash_host: Type.Boolean({ default: false, description: 'Write the host name hashed (|1|salt|hash)' }),
    state: StringEnum(['present', 'absent'], { default: 'present' }),
  },
  { additionalProperties: false },
);
export type KnownHostsArgs = Static<typeof KnownHostsArgs>;

export interface KnownHostsState {
  /** The file's path with ~ expanded on the host. */
  path: string;
  stat: FileStat;
  text?: string;
  /** Ansible's path info (uid, gid, owner, group, mode, state, size) of an existing file. */
  pathInfo?: Record<string, unknown>;
  /** ssh-keygen -F's output, or undefined when the file is missing. */
  found?: string;
}

export interface Search {
  found: boolean;
  replaceOrAdd: boolean;
  foundLine?: number;
}

/** The key as written: hashed when asked, ending in a newline. */
export function keyLine(a: KnownHostsArgs): string | undefined {
  if (!a.key) return undefined;
  let key = a.key;
  if (a.hash_host) {
    const host = a.name.toLowerCase();
    const salt = createHash('sha1').update(`${host}\0${a.key}`).digest();
    const parts = key.trim().split(/\s+/);
    const i = parts[0]!.startsWith('@') ? 1 : 0;
    parts[i] = `|1|${salt.toString('base64')}|${createHmac('sha1', salt).update(host).digest('base64')}`;
    key = parts.join(' ');
  }
  return key.endsWith('\n') ? key : `${key}\n`;
}

function normalize(key: string): Record<string, string> {
  const k = key.trim().split(/\s+/);
  return k[0]!.startsWith('@') ? { options: k[0]!, host: k[1]!, type: k[2]!, key: k[3]! } : { host: k[0]!, type: k[1]!, key: k[2]! };
}

/** Ansible's search_for_host_key over ssh-keygen -F output (pure). */
export function searchHostKey(found: string | undefined, key: string | undefined): Search {
  if (found === undefined || found === '') return { found: false, replaceOrAdd: false };
  if (!key) return { found: true, replaceOrAdd: false };
  const wanted = normalize(key);
  let line: number | undefined;
  for (const l of found.split('\n')) {
    if (l === '') continue;
    if (l.startsWith('#')) {
      const m = /found: line (\d+)/.exec(l);
      if (m) line = Number(m[1]);
      continue;
    }
    const have = normalize(l);
    if (wanted.host!.startsWith('|1|') && have.host!.startsWith('|1|')) wanted.host = have.host!;
    if (JSON.stringify(have) === JSON.stringify(wanted)) return { found: true, replaceOrAdd: false, foundLine: line };
    if (have.type === wanted.type) return { found: true, replaceOrAdd: true, foundLine: line };
  }
  return { found: true, replaceOrAdd: true };
}

/** The file after the change (Ansible's rewrite), and whether anything changes. */
export function rewrite(a: KnownHostsArgs, s: KnownHostsState): { changed: boolean; text: string } {
  const key = keyLine(a);
  const r = searchHostKey(s.found, key);
  const before = s.text ?? '';
  const lines = before.match(/[^\n]*\n|[^\n]+$/g) ?? [];
  const drop = (r.replaceOrAdd || a.state === 'absent') && r.foundLine !== undefined && r.foundLine >= 1 && r.foundLine <= lines.length;
  let out = lines.filter((_l, i) => !(drop && i + 1 === r.foundLine));
  if (a.state === 'absent' && r.foundLine === undefined && key) return { changed: false, text: before };
  if (r.found && !key && a.state === 'absent') {
    // ssh-keygen -R removes every line of the host: the lines -F found.
    const gone = new Set([...(s.found ?? '').matchAll(/found: line (\d+)/g)].map((m) => Number(m[1])));
    out = lines.filter((_l, i) => !gone.has(i + 1));
    return { changed: true, text: out.join('') };
  }
  if (r.replaceOrAdd || r.found !== (a.state === 'present')) {
    if (a.state === 'present' && key) out.push(key);
    return { changed: true, text: out.join('') };
  }
  return { changed: false, text: before };
}

function probe(a: KnownHostsArgs): Script {
  const home = a.path === '~' || a.path.startsWith('~/');
  return stateScript([
    raw(`if ! command -v ssh-keygen >/dev/null 2>&1; then echo 'known_hosts: Failed to find required executable "ssh-keygen" (package openssh-client)' >&2; exit 3; fi`),
    home ? sh`p="$HOME"${a.path.slice(1)}` : sh`p=${a.path}`,
    raw(`printf 'path_b64='; printf '%s' "$p" | base64 -w0; echo`),
    statOf(),
    raw(`if [ "$kind" = file ]; then printf 'text_b64='; base64 -w0 < "$p"; echo`),
    sh`  ${pathInfoOfVariable('p')}`,
    sh`  tsi_rc=0; tsi_f=$(ssh-keygen -F ${a.name.toLowerCase()} -f "$p" 2>&1) || tsi_rc=$?`,
    raw(`  if [ "$tsi_rc" -gt 1 ]; then echo "known_hosts: ssh-keygen failed (rc=$tsi_rc): $tsi_f" >&2; exit 3; fi`),
    raw(`  printf 'found_b64='; printf '%s\\n' "$tsi_f" | base64 -w0; echo; fi`),
  ]);
}

function parse(r: ExecResult): KnownHostsState {
  const kv = parseKeyValues(r.stdout);
  const s: KnownHostsState = { path: fromBase64(kv.get('path_b64')).toString('utf8'), stat: parseStat(kv, 'known_hosts') };
  if (s.stat.kind !== 'none' && s.stat.kind !== 'file') throw new PlanError('known_hosts', `${s.path} is not a regular file`);
  if (kv.has('text_b64')) s.text = fromBase64(kv.get('text_b64')).toString('utf8');
  const info = pathInfoFrom(r.stdout);
  if (info) s.pathInfo = info;
  if (kv.has('found_b64')) s.found = fromBase64(kv.get('found_b64')).toString('utf8').replace(/\n$/, '');
  return s;
}

export type KnownHostsChange = WriteChange | { op: 'keygen-remove'; host: string; path: string; text: string };

function plan(a: KnownHostsArgs, s: KnownHostsState): KnownHostsChange[] {
  const r = rewrite(a, s);
  if (!r.changed) return [];
  // Every line of a host, without a key: Ansible runs ssh-keygen -R (which also keeps the old file as <path>.old).
  if (!a.key && a.state === 'absent') return [{ op: 'keygen-remove', host: a.name.toLowerCase(), path: s.path, text: r.text }];
  // Attributes of an existing file are kept; a new one gets 0666 & ~umask (Ansible's atomic_move); its directory
  // must exist, as in Ansible.
  return [planWrite(s.path, Buffer.from(r.text), s.stat, {}, s.text === undefined ? undefined : createHash('sha256').update(s.text).digest('hex'))];
}

function apply(_a: KnownHostsArgs, changes: readonly KnownHostsChange[]): Script {
  const parts = changes.map((c) => (c.op === 'keygen-remove' ? sh`ssh-keygen -R ${c.host} -f ${c.path} >/dev/null` : applyFileChanges([c])[0]!));
  const path = changes[0]!.path;
  parts.push(sh`p=${path}`, pathInfoOfVariable('p'));
  return stateScript(parts);
}

export const knownHosts = defineModule({
  name: 'known_hosts',
  summary: "One host's key in an ssh known_hosts file (present, replacing a key of the same type, or absent)",
  args: KnownHostsArgs,
  aliases: { host: 'name' },
  refine(a): ArgProblem[] {
    const out: ArgProblem[] = [];
    if (!a.key && a.state !== 'absent') out.push({ path: '/key', message: 'known_hosts: No key specified when adding a host' });
    if (a.key && /\S+(\s+)?,(\s+)?/.test(a.name)) out.push({ path: '/name', message: 'known_hosts: Comma separated list of names is not supported. Please pass a single name to lookup in the known_hosts file.' });
    if (a.key && a.key.trim().split(/\s+/).length < (a.key.trim().startsWith('@') ? 4 : 3)) out.push({ path: '/key', message: 'known_hosts.key must be a known_hosts line: host type key' });
    return out;
  },
  probe,
  parse,
  plan,
  apply,
  describe: (c) => (c.op === 'keygen-remove' ? `remove ${c.host} from ${c.path} (ssh-keygen -R)` : describeWrite(c)),
  diff(_a, s, changes): FileDiff | undefined {
    const c = changes[0];
    if (!c) return undefined;
    return { path: s.path, before: s.text ?? '', after: c.op === 'keygen-remove' ? c.text : Buffer.from(c.content, 'base64').toString('utf8') };
  },
  result(a, s, _changes, applied) {
    // Ansible's params, then its path info over them (`state` becomes the file's: the result has a `path`). Its own
    // diff dict is not registered: the engine's `diff` (--diff) stays ours.
    const after = (applied && pathInfoFrom(applied.stdout)) ?? s.pathInfo;
    return { name: a.name, key: a.key ?? null, path: s.path, hash_host: a.hash_host, state: a.state, ...after };
  },
});
