// Does a plain-text password match a shadow hash? The password is re-hashed with the hash's own salt and rounds
// and compared, so rotating to the same password changes nothing (Ansible compares hash strings, and a fresh salt
// makes every run "changed"). Shared by the `user` module (password_plain) and `tsinfra passwd`.
import { verify } from 'unixcrypt';

/** Schemes we can recompute: SHA-256 ($5$) and SHA-512 ($6$) crypt, with or without rounds=N. */
const COMPARABLE = /^\$[56]\$/;

/**
 * True when `plain` hashes to `hash`. False for everything else, including hashes we cannot recompute (yescrypt
 * `$y$`, MD5 `$1$`, bcrypt), locked (`!…`, `*`) and empty entries: the caller then sets a fresh `$6$` hash.
 */
export function passwordVerifies(plain: string, hash: string): boolean {
  if (!COMPARABLE.test(hash)) return false;
  try {
    return verify(plain, hash);
  } catch {
    return false; // a malformed salt, or a hash of another length (timingSafeEqual throws)
  }
}

/** A short, non-secret name for what a shadow password field holds, for messages. */
export function describeHashScheme(hash: string): string {
  if (hash === '') return 'empty';
  if (hash.startsWith('!') || hash.startsWith('*')) return 'locked';
  const id = /^\$([0-9a-z]+)\$/.exec(hash)?.[1];
  const names: Record<string, string> = { '1': 'MD5', '2a': 'bcrypt', '2b': 'bcrypt', '2y': 'bcrypt', '5': 'SHA-256', '6': 'SHA-512', y: 'yescrypt', gy: 'gost-yescrypt' };
  return id === undefined ? 'unknown' : names[id] ?? `$${id}$`;
}
