// Ansible's vault filters (plugins/filter/encryption.py, 2.12+) and the unvault lookup: encrypt a string with a
// password given in the template, decrypt vault text (or an inline !vault value) with one, read a vault-encrypted
// file. What they decrypt is a secret by value, like any vault plaintext (docs/secrets.md).
import { ConfigError } from '../../errors.js';
import { readFileSync } from 'node:fs';
import { decryptVault, decryptVaultBytes, encryptVault, isVaultText, markVaultPlaintext, VaultValue } from '../../vault/index.js';
import { bind, type FilterDef, type LookupDef } from '../registry.js';
import { findInSearchPath } from '../lookups/search.js';
import { ansibleError } from './ansible-common.js';
import { isString, toStr } from '../values.js';

/** The filter's arguments; its vault ID spelt `vault_id` (2.16+) or `vaultid` (2.12 to 2.15). */
function vaultIdOf(name: string, args: unknown[], kwargs: Record<string, unknown>, params: string[], defaults: Record<string, unknown>): Record<string, unknown> {
  const { vaultid, ...rest } = kwargs;
  return bind(name, args, rest, [...params, 'vault_id'], { ...defaults, vault_id: vaultid ?? 'filter_default' });
}

function vault(input: unknown, args: unknown[], kwargs: Record<string, unknown>): unknown {
  const a = vaultIdOf('vault', args, kwargs, ['secret', 'salt', 'wrap_object'], { salt: null, wrap_object: false });
  if (!isString(a.secret)) throw ansibleError(`Secret passed is required to be a string, instead we got: ${typeof a.secret}`);
  if (!isString(input)) throw ansibleError(`Can only vault strings, instead we got: ${typeof input}`);
  if (a.salt !== null && a.salt !== undefined && toStr(a.salt) === '') throw ansibleError('Unable to encrypt: Empty or invalid salt passed');
  const salt = a.salt === null || a.salt === undefined ? undefined : Buffer.from(toStr(a.salt));
  const text = encryptVault(toStr(input), toStr(a.secret), { vaultId: toStr(a.vault_id), ...(salt ? { salt } : {}) });
  return a.wrap_object === true ? new VaultValue(text) : text;
}

function unvault(input: unknown, args: unknown[], kwargs: Record<string, unknown>): unknown {
  const a = vaultIdOf('unvault', args, kwargs, ['secret'], {});
  if (!isString(a.secret)) throw ansibleError(`Secret passed is required to be as string, instead we got: ${typeof a.secret}`);
  const text = input instanceof VaultValue ? input.envelope : input;
  if (!isString(text)) throw ansibleError(`Vault should be in the form of a string, instead we got: ${typeof input}`);
  if (!isVaultText(toStr(text))) return toStr(text);
  try {
    const plain = decryptVault(toStr(text), [{ id: toStr(a.vault_id), source: 'unvault filter', password: Buffer.from(toStr(a.secret)) }], { file: '<unvault filter>' }).toString('utf8');
    markVaultPlaintext(plain);
    return plain;
  } catch (err) {
    if (err instanceof ConfigError) throw ansibleError('Unable to decrypt: Decryption failed (no vault secrets were found that could decrypt)');
    throw err;
  }
}

export const vaultFilters: FilterDef[] = [
  { name: 'vault', fn: (_ctx, input, args, kwargs) => vault(input, args, kwargs) },
  { name: 'unvault', fn: (_ctx, input, args, kwargs) => unvault(input, args, kwargs) },
];

/** The unvault lookup: a file from the files search path, decrypted with this run's vault secrets when encrypted. */
export const unvaultLookup: LookupDef = {
  name: 'unvault',
  fn: (ctx, terms) =>
    terms.map((term) => {
      const name = toStr(term);
      const path = findInSearchPath(ctx, 'files', name);
      if (path === undefined) throw ansibleError(`Unable to find file matching "${name}" `);
      return decryptVaultBytes(readFileSync(path), path).toString('utf8');
    }),
};
