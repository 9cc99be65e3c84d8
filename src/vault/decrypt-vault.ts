// Decrypting with several secrets, in Ansible's order (VaultLib.decrypt_and_get_vault_id): the secrets whose label
// matches the envelope's vault ID first, then every other one. The ID in a header is not authenticated, so it only
// orders the attempts. Every failure is a ConfigError (exit 4) naming the file, the line and the IDs tried.
import { ConfigError, type SourcePosition } from '../errors.js';
import { decryptVaultBody, parseVaultEnvelope, VaultFormatError, type VaultEnvelope } from './vault-format.js';
import type { VaultSecret } from './vault-secrets.js';

const PASSWORD_HINT = 'give the password with --vault-password-file FILE, --vault-id label@FILE or --ask-vault-pass';

/** The secrets to try for an envelope, best first. */
export function candidateSecrets(envelope: VaultEnvelope, secrets: readonly VaultSecret[]): VaultSecret[] {
  return [...secrets.filter((s) => s.id === envelope.vaultId), ...secrets.filter((s) => s.id !== envelope.vaultId)];
}

export interface DecryptResult {
  plaintext: Buffer;
  /** The label of the secret that worked (ansible-vault edit re-encrypts with that secret). */
  secret: VaultSecret;
  envelope: VaultEnvelope;
}

/** Decrypt vault text with the first secret that fits; `at` names where the text came from. */
export function decryptVaultWithSecret(text: string, secrets: readonly VaultSecret[], at: SourcePosition): DecryptResult {
  let envelope: VaultEnvelope;
  try {
    envelope = parseVaultEnvelope(text);
  } catch (err) {
    throw formatError(err, at);
  }
  const label = envelope.vaultId;
  if (secrets.length === 0) {
    throw new ConfigError(at, `this is ansible-vault data (vault id ${label}) and no vault password was given`, { hint: PASSWORD_HINT });
  }
  for (const secret of candidateSecrets(envelope, secrets)) {
    let plaintext: Buffer | null;
    try {
      plaintext = decryptVaultBody(envelope, secret.password);
    } catch (err) {
      throw formatError(err, at);
    }
    if (plaintext) return { plaintext, secret, envelope };
  }
  const tried = [...new Set(candidateSecrets(envelope, secrets).map((s) => s.id))].join(', ');
  const known = secrets.some((s) => s.id === label);
  throw new ConfigError(at, `decryption failed: no vault secret could decrypt this (vault id ${label}; tried ${tried})`, {
    hint: known ? 'wrong password, or the data was changed (HMAC mismatch)' : `no secret is labelled ${label}: add --vault-id ${label}@SOURCE`,
  });
}

/** Decrypt vault text to bytes (see decryptVaultWithSecret). */
export function decryptVault(text: string, secrets: readonly VaultSecret[], at: SourcePosition): Buffer {
  return decryptVaultWithSecret(text, secrets, at).plaintext;
}

function formatError(err: unknown, at: SourcePosition): unknown {
  if (err instanceof VaultFormatError) return new ConfigError(at, `vault format error: ${err.message}`, { cause: err });
  return err;
}
