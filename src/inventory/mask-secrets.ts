// What `tsinfra inventory` prints must not leak passwords: any variable whose name mentions
// password/pass/token/secret, ends in _api_key or _pw, mentions private_key or starts with vault_ shows as ********, at any
// depth (e.g. `db: {password: ...}`). Whatever its name, a value that came out of a vault shows as <vault>.
import { MASK } from '../shell/secret.js';
import { isVaultPlaintext, VaultValue } from '../vault/keyring.js';

const SECRET_NAME = /pass|token|secret|api_key$|_pw$|private_key|^vault_/i;
const VAULT_MASK = '<vault>';

export function isSecretName(name: string): boolean {
  return SECRET_NAME.test(name);
}

/** A copy of `vars` with secret-named values replaced by ********. */
export function maskSecrets(vars: Record<string, unknown>): Record<string, unknown> {
  return maskValue(vars) as Record<string, unknown>;
}

function maskValue(value: unknown): unknown {
  if (value instanceof VaultValue || isVaultPlaintext(value)) return VAULT_MASK;
  if (Array.isArray(value)) return value.map(maskValue);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(value)) {
    Object.defineProperty(out, k, { value: isSecretName(k) ? MASK : maskValue(v), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
