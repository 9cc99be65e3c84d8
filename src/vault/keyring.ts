// The vault secrets of this run, and every plaintext that came out of a vault. Like Ansible's DataLoader, which
// holds the secrets for every file it loads, one keyring serves all loaders: the CLI fills it once, before loading.
import { ConfigError, type SourcePosition } from '../errors.js';
import { MIN_SECRET_LENGTH } from '../shell/secret.js';
import { DeferredValue } from '../jinja/values.js';
import { decryptVault } from './decrypt-vault.js';
import { isVaultText } from './vault-format.js';
import type { VaultSecret } from './vault-secrets.js';

let secrets: readonly VaultSecret[] = [];
const plaintexts = new Set<string>();
const inlinePlaintexts = new Set<string>(); // of inline `!vault` values: Ansible's vault_encrypted test

export function useVaultSecrets(next: readonly VaultSecret[]): void {
  secrets = next;
}

export function vaultSecrets(): readonly VaultSecret[] {
  return secrets;
}

/** Remember a value that came out of a vault, so output can mask it by value. */
export function markVaultPlaintext(value: string): void {
  if (value.length >= MIN_SECRET_LENGTH) plaintexts.add(value);
}

/** Every plaintext that came out of a vault in this run. */
export function vaultPlaintexts(): ReadonlySet<string> {
  return plaintexts;
}

/** True when `value` is (exactly) a plaintext that came out of a vault. */
export function isVaultPlaintext(value: unknown): boolean {
  return typeof value === 'string' && plaintexts.has(value);
}

/**
 * Ansible's `vault_encrypted` test: true for an inline `!vault` value (AnsibleVaultEncryptedUnicode), also once
 * loaded into its string; false for a string of vault text or a value from a whole encrypted file, as in 2.14.
 */
export function isInlineVaultValue(value: unknown): boolean {
  return value instanceof VaultValue || (typeof value === 'string' && inlinePlaintexts.has(value));
}

/** A whole vault-encrypted file's text, decrypted with the keyring (an error at line 1 when it cannot be). */
export function decryptVaultFile(text: string, file: string): string {
  if (!isVaultText(text)) return text;
  return decryptVault(text, secrets, { file, line: 1, column: 1 }).toString('utf8');
}

/**
 * A controller file that `copy` or `template` sends (Ansible's get_real_file): decrypted in memory when it is vault
 * data, never written decrypted; its text is remembered for masking.
 */
export function decryptVaultBytes(data: Buffer, file: string): Buffer {
  if (!isVaultText(data)) return data;
  const plaintext = decryptVault(data.toString('utf8'), secrets, { file, line: 1, column: 1 });
  markVaultPlaintext(plaintext.toString('utf8'));
  return plaintext;
}

/**
 * An inline `!vault` value: decrypted when first read, so a value no task uses needs no password (Ansible's
 * AnsibleVaultEncryptedUnicode). Loaders turn it into its string at once when the keyring can decrypt it; otherwise
 * a template that reads it resolves it like any deferred variable (jinja/runtime.ts), and fails there.
 */
export class VaultValue extends DeferredValue {
  #plaintext: string | undefined;
  readonly envelope: string;
  at: SourcePosition;
  constructor(envelope: string, at: SourcePosition = { file: '<inline vault value>' }) {
    super(envelope, () => undefined);
    this.envelope = envelope;
    this.at = at;
  }
  override resolve(): unknown {
    return this.reveal();
  }
  /** The plaintext; a ConfigError naming the file, line and vault ID when the keyring cannot decrypt it. */
  reveal(): string {
    if (this.#plaintext === undefined) {
      this.#plaintext = decryptVault(this.envelope, secrets, this.at).toString('utf8');
      markVaultPlaintext(this.#plaintext);
      inlinePlaintexts.add(this.#plaintext);
    }
    return this.#plaintext;
  }
  /** The plaintext, or undefined when this run's secrets cannot decrypt it (the error is kept for its use). */
  tryReveal(): string | undefined {
    try {
      return this.reveal();
    } catch (err) {
      if (err instanceof ConfigError) return undefined;
      throw err;
    }
  }
  override toJSON(): string {
    return '<vault>';
  }
  override toString(): string {
    return '<vault>';
  }
}
