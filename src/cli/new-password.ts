// Where `tsinfra passwd` gets the new password: the terminal (no echo, asked twice), the first line of stdin, or
// generated here. Never argv or the environment: both are visible to other users (ps, /proc/PID/environ) and end
// up in shell history. A generated password is shown once on the terminal itself (/dev/tty, not stdout or stderr,
// which are often logged), or written to a new file of mode 600.
import { randomInt } from 'node:crypto';
import { closeSync, fchmodSync, openSync, writeSync } from 'node:fs';
import { UsageError } from '../errors.js';
import { secret, type Secret } from '../shell/secret.js';
import { promptSecret } from './prompt.js';

export type PasswordSource = { kind: 'prompt' } | { kind: 'stdin' } | { kind: 'generate'; length: number; output?: string };

export const GENERATED_LENGTH = { default: 24, min: 8, max: 256 } as const;

// Letters and digits: survives any shell, form or config file unquoted; 24 characters are about 142 bits.
const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** crypto-random (randomInt is uniform: no modulo bias). */
export function generatePassword(length: number): Secret {
  return secret(Array.from({ length }, () => ALPHABET[randomInt(ALPHABET.length)]).join(''));
}

function checked(value: string, where: string): Secret {
  if (value === '') throw new UsageError(`the new password from ${where} is empty`);
  return secret(value);
}

/** Asks twice on the terminal, without echo; the two must match. */
export async function askNewPassword(user: string): Promise<Secret> {
  const first = await promptSecret(`New password for ${user}: `);
  if (first === '') throw new UsageError('the new password is empty');
  const again = await promptSecret(`Retype the new password for ${user}: `);
  if (again !== first) throw new UsageError('the two passwords do not match: nothing was changed');
  return secret(first);
}

/** The first line of a stream (without its \n or \r\n); the rest is not read. */
export function readFirstLine(input: NodeJS.ReadStream): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    const finish = () => {
      input.off('data', onData);
      input.off('end', finish);
      input.off('error', reject);
      input.destroy();
      const all = Buffer.concat(chunks);
      const nl = all.indexOf(10);
      resolve((nl < 0 ? all : all.subarray(0, nl)).toString('utf8').replace(/\r$/, ''));
    };
    const onData = (chunk: Buffer) => {
      chunks.push(chunk);
      if (chunk.includes(10)) finish();
    };
    input.on('data', onData);
    input.once('end', finish);
    input.once('error', reject);
  });
}

export async function readNewPassword(source: PasswordSource, user: string): Promise<Secret> {
  switch (source.kind) {
    case 'prompt':
      return askNewPassword(user);
    case 'stdin':
      if (process.stdin.isTTY) throw new UsageError('--password-stdin reads a pipe or a file, not a terminal', { hint: 'leave it out to be asked without echo' });
      return checked(await readFirstLine(process.stdin), 'stdin');
    case 'generate':
      return generatePassword(source.length);
  }
}

/** A new file (never an existing one) of mode 600 holding the password and a newline. */
export function writeSecretFile(path: string, value: Secret): void {
  let fd: number;
  try {
    fd = openSync(path, 'wx', 0o600);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code === 'EEXIST') throw new UsageError(`${path} already exists: refusing to overwrite it`, { hint: 'give --output a new file name' });
    throw new UsageError(`cannot create ${path}: ${(err as Error).message}`);
  }
  try {
    fchmodSync(fd, 0o600); // exactly 600, whatever the umask
    writeSync(fd, `${value.reveal()}\n`);
  } finally {
    closeSync(fd);
  }
}

/** The controlling terminal, opened for writing; a usage error when there is none. */
export function openTerminal(why: string): number {
  try {
    return openSync('/dev/tty', 'w');
  } catch {
    throw new UsageError(`${why}: no terminal to show it on`, { hint: 'use --output FILE' });
  }
}
