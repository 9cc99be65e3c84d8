// Diagnostics (not user output): pino, one child logger per host, secrets redacted by path.
import { pino, type Logger } from 'pino';
import { MASK } from './shell/secret.js';
import { maskingOutput } from './vault/mask-vault-values.js';

export type { Logger };

export const REDACT_PATHS = [
  'password',
  'passphrase',
  'token',
  'secret',
  'becomePassword',
  '*.password',
  '*.passphrase',
  '*.token',
  '*.secret',
  '*.becomePassword',
  '*.ansible_password',
  '*.ansible_become_password',
  '*.ansible_become_pass',
  '*.ansible_ssh_pass',
];

export interface LogOptions {
  level?: string;
  file?: string;
}

/** Without a file, logs go nowhere unless the level is debug/trace (then stderr): the terminal is for reporters. */
export function createLogger(opts: LogOptions = {}): Logger {
  const level = opts.level ?? 'info';
  const redact = { paths: REDACT_PATHS, censor: MASK };
  // Paths redact by name; maskingOutput masks vault plaintexts by value, wherever they sit in a line.
  if (opts.file) return pino({ level, redact }, maskingOutput(pino.destination({ dest: opts.file, sync: true, mkdir: true })));
  if (level === 'debug' || level === 'trace') return pino({ level, redact }, maskingOutput(pino.destination(2)));
  return pino({ level: 'silent' });
}

let current: Logger = pino({ level: 'silent' });

export function setLogger(logger: Logger): void {
  current = logger;
}

export function log(): Logger {
  return current;
}
