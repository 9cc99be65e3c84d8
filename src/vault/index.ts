// Ansible Vault: the envelope format, password sources and decryption. See docs/secrets.md.
export { DEFAULT_VAULT_ID, VAULT_HEADER, encryptVault, isVaultText, parseVaultEnvelope, VaultFormatError, type VaultEnvelope } from './vault-format.js';
export {
  vaultSecretsFrom,
  vaultIdSlugs,
  VaultError,
  type VaultSecret,
  type VaultSecretOptions,
} from './vault-secrets.js';
export { decryptVault, decryptVaultWithSecret, candidateSecrets, type DecryptResult } from './decrypt-vault.js';
export { useVaultSecrets, vaultSecrets, markVaultPlaintext, vaultPlaintexts, isVaultPlaintext, decryptVaultFile, decryptVaultBytes, VaultValue } from './keyring.js';
export { maskVaultValues, maskingOutput, VALUE_MASK } from './mask-vault-values.js';
