// SHA-512 crypt ($6$) for /etc/shadow. unixcrypt does the hashing (checked against glibc's vector in the tests);
// this file only decides the salt: a fixed salt makes the hash repeatable, so a task using it stays idempotent.
import { randomInt } from 'node:crypto';
import { encrypt } from 'unixcrypt';

const SALT = /^[./0-9A-Za-z]{1,16}$/;
// A whole salt spec, or an existing hash whose salt and rounds we reuse: $6$[rounds=N$]salt[$hash]
const SPEC = /^\$6\$(?:rounds=([1-9][0-9]{0,9})\$)?([./0-9A-Za-z]{1,16})(?:\$[./0-9A-Za-z]*)?$/;

export interface PasswordHashOptions {
  salt?: string; // plain salt (`saltsalt`), or `$6$…` spec or existing hash
  rounds?: number; // glibc default is 5000
}

/** The salt spec unixcrypt takes (`$6$rounds=N$salt`), or undefined for a random salt. Throws on a bad salt. */
export function saltSpec(options: PasswordHashOptions): string | undefined {
  const { salt, rounds } = options;
  if (rounds !== undefined && (!Number.isInteger(rounds) || rounds < 1000 || rounds > 999_999_999)) {
    throw new Error(`rounds must be a whole number from 1000 to 999999999, got ${rounds}`);
  }
  if (salt === undefined) return rounds === undefined ? undefined : `$6$rounds=${rounds}$${randomSalt()}`;
  const spec = SPEC.exec(salt);
  if (spec) {
    const r = rounds ?? (spec[1] === undefined ? undefined : Number(spec[1]));
    return r === undefined ? `$6$${spec[2]}` : `$6$rounds=${r}$${spec[2]}`;
  }
  if (!SALT.test(salt)) throw new Error('a salt is 1 to 16 characters of ./0-9A-Za-z');
  return rounds === undefined ? `$6$${salt}` : `$6$rounds=${rounds}$${salt}`;
}

const ALPHABET = './0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz';

/** A random crypt salt of `length` characters of ./0-9A-Za-z. */
export function randomSalt(length = 16): string {
  return Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]).join('');
}

/** SHA-512 crypt of `password`. Without a salt the result differs on every call. */
export function passwordHash(password: string, options: PasswordHashOptions = {}): string {
  return encrypt(password, saltSpec(options) ?? `$6$${randomSalt()}`);
}
