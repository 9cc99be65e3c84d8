// The vault password options every command that reads vault data shares: --vault-id, --vault-password-file and
// --ask-vault-pass/-J, with vault_password_file / vault_identity_list from ansible.cfg or ANSIBLE_VAULT_*.
import type { Command } from 'commander';
import { processSettings } from '../settings/process-settings.js';
import { useVaultSecrets, vaultSecretsFrom, type VaultSecret, type VaultSecretOptions } from '../vault/index.js';
import { promptSecret } from './prompt.js';

export interface VaultFlags {
  vaultId?: string[];
  vaultPasswordFile?: string[];
  askVaultPass?: boolean;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

export function addVaultOptions(cmd: Command): Command {
  return cmd
    .option('--vault-id <label@source>', 'a vault password: label@FILE, label@prompt, or FILE (repeatable)', collect)
    .option('--vault-password-file <file>', 'read the vault password from FILE, or run FILE if executable (repeatable)', collect)
    .option('-J, --ask-vault-pass', 'ask for the vault password on the terminal');
}

/** ansible.cfg's vault_password_file and vault_identity_list, with ANSIBLE_VAULT_* over them (src/settings/). */
export function configuredVaultSettings(): { passwordFiles: string[]; identityList: string[] } {
  const s = processSettings();
  return { passwordFiles: s.vaultPasswordFile ? [s.vaultPasswordFile] : [], identityList: s.vaultIdentityList };
}

/**
 * The secret-loading options for these flags. The configured identity list and password file (unless `extra` gives
 * them) come as Ansible orders them: the identity list first, the configured password file after the command line's.
 * `extra` also sets autoPrompt/confirm.
 */
export function vaultOptionsFrom(flags: Partial<VaultFlags>, extra: Partial<VaultSecretOptions> = {}): VaultSecretOptions {
  const configured = configuredVaultSettings();
  const { identityList = configured.identityList, passwordFiles = configured.passwordFiles, ...rest } = extra;
  return {
    identityList,
    vaultIds: flags.vaultId ?? [],
    passwordFiles: [...(flags.vaultPasswordFile ?? []), ...passwordFiles],
    ask: flags.askVaultPass === true,
    prompt: promptSecret,
    ...rest,
  };
}

/** Load the vault secrets these flags name (none given: []). */
export function vaultSecretsFromFlags(flags: Partial<VaultFlags>, extra: Partial<VaultSecretOptions> = {}): Promise<VaultSecret[]> {
  return vaultSecretsFrom(vaultOptionsFrom(flags, extra));
}

let loaded: Promise<void> | undefined;

/**
 * Fill the run's vault keyring from these flags, once per process (a prompt is asked only once), before loading.
 * `extra` may replace the configured passwordFiles/identityList.
 */
export function ensureVaultSecrets(flags: object, extra: Partial<VaultSecretOptions> = {}): Promise<void> {
  loaded ??= vaultSecretsFromFlags(flags as Partial<VaultFlags>, extra).then(useVaultSecrets);
  return loaded;
}
