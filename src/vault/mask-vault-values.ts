// Masking by value: every string that came out of a vault, and every string a no_log task was given, is replaced by
// ******** in what tsinfra writes, whatever variable now holds it and however it was embedded (the forms are
// shell/secret.ts's secretNeedles: as is, JSON-escaped, base64, line by line).
import { MASK, secretNeedles, redactNeedles, MIN_SECRET_LENGTH } from '../shell/secret.js';
import { vaultPlaintexts } from './keyring.js';

export const VALUE_MASK = MASK;

// Strings a no_log task was given (Ansible: "every no_log value is a secret"), beside the vault plaintexts.
const noLogValues = new Set<string>();

let cachedSize = -1;
let cachedNeedles: string[] = [];

/** Remember a string as a secret of this run: later output masks it by value (no_log task arguments). */
export function markSecretValue(value: string): void {
  if (value.length >= MIN_SECRET_LENGTH) noLogValues.add(value);
}

function needles(): string[] {
  const size = vaultPlaintexts().size + noLogValues.size;
  if (size === cachedSize) return cachedNeedles;
  cachedNeedles = secretNeedles([...vaultPlaintexts(), ...noLogValues]);
  cachedSize = size;
  return cachedNeedles;
}

/** `text` with every vault plaintext and no_log value (and their escaped, base64 and per-line forms) masked. */
export function maskVaultValues(text: string): string {
  const list = needles();
  return list.length === 0 ? text : redactNeedles(text, list);
}

/** True when `text` holds a secret value (in any of its forms). */
export function holdsSecretValue(text: string): boolean {
  return needles().some((n) => text.includes(n));
}

/** An output stream whose writes are masked by value (reporters and logs write through it). */
export function maskingOutput<T extends { write(chunk: string): unknown }>(out: T): T {
  return new Proxy(out, {
    get(target, prop, receiver) {
      if (prop === 'write') return (chunk: string) => target.write(maskVaultValues(String(chunk)));
      const v = Reflect.get(target, prop, receiver) as unknown;
      return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
    },
  });
}
