// password_hash as ansible-core does it through Python's crypt module (no passlib): md5, sha256 and sha512
// crypt with Ansible's salt checks. With passlib installed Ansible would add rounds=656000 by default; the crypt
// path, which the oracle takes, uses glibc's 5000 and prints no rounds.
import { createHash, randomInt } from 'node:crypto';
import { encrypt } from 'unixcrypt';
import { bind, type FilterDef } from '../registry.js';
import { toNumber, toStr } from '../values.js';
import { ansibleError, toText } from './ansible-common.js';

const ALGORITHMS: Record<string, { id: string; saltSize: number; implicitRounds: number | null }> = {
  md5_crypt: { id: '1', saltSize: 8, implicitRounds: null },
  sha256_crypt: { id: '5', saltSize: 16, implicitRounds: 535000 },
  sha512_crypt: { id: '6', saltSize: 16, implicitRounds: 656000 },
};
const NAMES: Record<string, string> = { md5: 'md5_crypt', blowfish: 'bcrypt', sha256: 'sha256_crypt', sha512: 'sha512_crypt' };
const ITOA64 = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** The FreeBSD/glibc MD5-crypt ($1$). */
export function md5Crypt(password: string, salt: string): string {
  const pw = Buffer.from(password, 'utf8');
  const s = Buffer.from(salt.slice(0, 8), 'utf8');
  const md5 = (...parts: Buffer[]) => parts.reduce((h, p) => h.update(p), createHash('md5')).digest();
  const alt = md5(pw, s, pw);
  const ctx = createHash('md5').update(pw).update('$1$').update(s);
  for (let left = pw.length; left > 0; left -= 16) ctx.update(alt.subarray(0, Math.min(16, left)));
  for (let i = pw.length; i; i >>= 1) ctx.update(i & 1 ? Buffer.from([0]) : pw.subarray(0, 1));
  let final = ctx.digest();
  for (let i = 0; i < 1000; i++) {
    const parts: Buffer[] = [i & 1 ? pw : final];
    if (i % 3) parts.push(s);
    if (i % 7) parts.push(pw);
    parts.push(i & 1 ? final : pw);
    final = md5(...parts);
  }
  let out = '';
  const to64 = (v: number, n: number) => {
    for (; n > 0; n--, v >>= 6) out += ITOA64[v & 0x3f];
  };
  for (const [a, b, c] of [[0, 6, 12], [1, 7, 13], [2, 8, 14], [3, 9, 15], [4, 10, 5]] as const) to64((final[a]! << 16) | (final[b]! << 8) | final[c]!, 4);
  to64(final[11]!, 2);
  return `$1$${salt.slice(0, 8)}$${out}`;
}

function randomSalt(size: number): string {
  return Array.from({ length: size }, () => ITOA64[randomInt(ITOA64.length)]).join('');
}

function passwordHash(input: unknown, args: unknown[], kwargs: Record<string, unknown>): string {
  const b = bind('password_hash', args, kwargs, ['hashtype', 'salt', 'salt_size', 'rounds', 'ident'], {
    hashtype: 'sha512', salt: null, salt_size: null, rounds: null, ident: null,
  });
  const name = NAMES[toStr(b.hashtype)] ?? toStr(b.hashtype);
  const algo = Object.hasOwn(ALGORITHMS, name) ? ALGORITHMS[name] : undefined;
  if (!algo) throw ansibleError(`crypt.crypt does not support '${name}' algorithm`);
  const saltSize = b.salt_size === null || toNumber(b.salt_size) === 0 ? algo.saltSize : toNumber(b.salt_size);
  const salt = b.salt !== null && toStr(b.salt) !== '' ? toStr(b.salt) : randomSalt(saltSize);
  if (/[^./0-9A-Za-z]/.test(salt)) throw ansibleError('invalid characters in salt');
  if (salt.length > algo.saltSize) throw ansibleError('invalid salt size'); // salt_size only sizes a random salt
  // An ident other than the algorithm's leaves crypt a salt it cannot read (bcrypt is the only one that takes one).
  if (b.ident !== null && toStr(b.ident) !== '') throw ansibleError(`crypt.crypt does not support '${name}' algorithm`);
  let rounds = b.rounds === null ? null : toNumber(b.rounds);
  if (rounds === algo.implicitRounds) rounds = null;
  const password = toText(input);
  if (algo.id === '1') return md5Crypt(password, salt); // crypt ignores rounds for md5
  return encrypt(password, `$${algo.id}$${rounds ? `rounds=${rounds}$` : ''}${salt}`);
}

export const cryptFilters: FilterDef[] = [{ name: 'password_hash', fn: (_ctx, input, args, kwargs) => passwordHash(input, args, kwargs) }];
