// known_hosts: parse OpenSSH's format (plain, [host]:port, comma lists, wildcards, hashed |1|, @revoked) and
// decide whether a server key is known, unknown, changed or revoked. No maintained npm parser exists (REFERENCE.md).
import { createHash, createHmac } from 'node:crypto';
import { appendFileSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { dirname } from 'node:path';

export interface KnownHostEntry {
  file: string;
  line: number;
  marker?: '@revoked' | '@cert-authority';
  /** Raw host field: patterns, or one hashed `|1|salt|hash`. */
  hosts: string;
  keyType: string;
  /** The key blob, base64 as in the file. */
  key: string;
}

export type HostKeyVerdict =
  | { kind: 'known'; entry: KnownHostEntry }
  | { kind: 'unknown' }
  | { kind: 'changed'; recorded: KnownHostEntry[] }
  | { kind: 'revoked'; entry: KnownHostEntry };

/** The name OpenSSH looks up: `host` on port 22, `[host]:port` otherwise. */
export function hostKeyName(host: string, port: number): string {
  return port === 22 ? host : `[${host}]:${port}`;
}

/** `SHA256:...` as `ssh-keygen -l` and OpenSSH's warnings print it. */
export function fingerprint(keyBlob: Buffer): string {
  return `SHA256:${createHash('sha256').update(keyBlob).digest('base64').replace(/=+$/, '')}`;
}

/** The key type is the first string inside the blob. */
export function keyTypeOf(keyBlob: Buffer): string {
  const len = keyBlob.readUInt32BE(0);
  return keyBlob.subarray(4, 4 + len).toString('latin1');
}

export function parseKnownHosts(text: string, file: string): KnownHostEntry[] {
  const entries: KnownHostEntry[] = [];
  text.split('\n').forEach((rawLine, i) => {
    const line = rawLine.trim();
    if (line === '' || line.startsWith('#')) return;
    const fields = line.split(/\s+/);
    let marker: KnownHostEntry['marker'];
    if (fields[0] === '@revoked' || fields[0] === '@cert-authority') marker = fields.shift() as KnownHostEntry['marker'];
    const [hosts, keyType, key] = fields;
    if (!hosts || !keyType || !key) return; // OpenSSH skips malformed lines too
    entries.push({ file, line: i + 1, marker, hosts, keyType, key });
  });
  return entries;
}

function globToRegExp(pattern: string): RegExp {
  const body = pattern.replace(/[.+^${}()|[\]\\]/g, '\\$&').replace(/\*/g, '.*').replace(/\?/g, '.');
  return new RegExp(`^${body}$`, 'i');
}

/** Does one host field (hashed, or a comma list of patterns with `!` negation) match the name? */
export function hostFieldMatches(field: string, name: string): boolean {
  if (field.startsWith('|1|')) {
    const [, , salt, hash] = field.split('|');
    if (!salt || !hash) return false;
    const digest = createHmac('sha1', Buffer.from(salt, 'base64')).update(name).digest('base64');
    return digest === hash;
  }
  let matched = false;
  for (const pattern of field.split(',')) {
    if (pattern.startsWith('!')) {
      if (globToRegExp(pattern.slice(1)).test(name)) return false;
    } else if (globToRegExp(pattern).test(name)) {
      matched = true;
    }
  }
  return matched;
}

export class KnownHosts {
  readonly entries: KnownHostEntry[];
  readonly files: string[];

  private constructor(files: string[], entries: KnownHostEntry[]) {
    this.files = files;
    this.entries = entries;
  }

  static load(files: string[]): KnownHosts {
    const entries = files.flatMap((f) => (existsSync(f) ? parseKnownHosts(readFileSync(f, 'utf8'), f) : []));
    return new KnownHosts(files, entries);
  }

  /** Entries recorded for this name (not revocations or CA lines). */
  recordedFor(name: string): KnownHostEntry[] {
    return this.entries.filter((e) => e.marker === undefined && hostFieldMatches(e.hosts, name));
  }

  /** Key types recorded for the host, so the client can ask the server for one of those first (as OpenSSH does). */
  keyTypesFor(name: string): string[] {
    return [...new Set(this.recordedFor(name).map((e) => e.keyType))];
  }

  verify(name: string, keyBlob: Buffer): HostKeyVerdict {
    const key = keyBlob.toString('base64');
    const revoked = this.entries.find((e) => e.marker === '@revoked' && e.key === key && hostFieldMatches(e.hosts, name));
    if (revoked) return { kind: 'revoked', entry: revoked };
    const recorded = this.recordedFor(name);
    const same = recorded.find((e) => e.key === key);
    if (same) return { kind: 'known', entry: same };
    // Like OpenSSH: a different key of the same type is a changed key; only other types recorded means unknown.
    const type = keyTypeOf(keyBlob);
    const sameType = recorded.filter((e) => e.keyType === type);
    return sameType.length > 0 ? { kind: 'changed', recorded: sameType } : { kind: 'unknown' };
  }

  /** Records a new key (accept-new) in the first file, and in memory. */
  record(name: string, keyBlob: Buffer): void {
    const file = this.files[0];
    if (!file) return;
    const entry: KnownHostEntry = { file, line: 0, hosts: name, keyType: keyTypeOf(keyBlob), key: keyBlob.toString('base64') };
    mkdirSync(dirname(file), { recursive: true });
    appendFileSync(file, `${entry.hosts} ${entry.keyType} ${entry.key}\n`, { mode: 0o600 });
    this.entries.push(entry);
  }
}

/** Fingerprint of a recorded entry, for messages. */
export function entryFingerprint(entry: KnownHostEntry): string {
  return fingerprint(Buffer.from(entry.key, 'base64'));
}
