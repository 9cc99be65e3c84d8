// Where vault passwords come from, as ansible-core 2.14's CLI.setup_vault_secrets takes them: the identity list
// (ANSIBLE_VAULT_IDENTITY_LIST), each --vault-id label@source, each --vault-password-file (as default@file), then
// --ask-vault-pass. A source is `prompt`, a plain file (whitespace around it stripped), an executable (its stdout
// is the password) or a `*-client` executable (run with `--vault-id label`). All are read once, at start-up.
import { accessSync, constants, existsSync, readFileSync, statSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, extname, join } from 'node:path';
import { spawn } from 'node:child_process';
import { TsinfraError } from '../errors.js';
import { DEFAULT_VAULT_ID, isVaultText } from './vault-format.js';

/** A loaded vault password with its label. The bytes never leave this object except to derive keys. */
export interface VaultSecret {
  readonly id: string;
  /** Where it came from, for messages: "prompt", a file name. Never the password. */
  readonly source: string;
  readonly password: Buffer;
}

export interface VaultSecretOptions {
  /** `--vault-id` values: `label@source`, `source` or `label@prompt`. */
  vaultIds?: readonly string[];
  /** `--vault-password-file` values (and ansible.cfg's vault_password_file / ANSIBLE_VAULT_PASSWORD_FILE). */
  passwordFiles?: readonly string[];
  /** ANSIBLE_VAULT_IDENTITY_LIST / ansible.cfg vault_identity_list: tried before the command line's IDs. */
  identityList?: readonly string[];
  /** `--ask-vault-pass` / `-J`. */
  ask?: boolean;
  /** Prompt when no source is given at all (ansible-vault does, ansible-playbook does not). */
  autoPrompt?: boolean;
  /** Prompt twice and compare, for a password that will encrypt (create, encrypt, rekey's new password). */
  confirm?: boolean;
  /** Asks on the terminal without echo; the CLI passes src/cli/prompt.ts's promptSecret. */
  prompt?: (question: string) => Promise<string>;
}

/** A vault password source could not be read: exit 4, naming the source (never the password). */
export class VaultError extends TsinfraError {
  constructor(message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('TSI_CONFIG', message, options);
  }
}

/** Ansible's build_vault_ids: the ordered `label@source` slugs, before anything is read. */
export function vaultIdSlugs(options: VaultSecretOptions): string[] {
  const slugs = [...(options.identityList ?? []), ...(options.vaultIds ?? [])];
  for (const file of options.passwordFiles ?? []) slugs.push(`${DEFAULT_VAULT_ID}@${file}`);
  if (options.ask || (slugs.length === 0 && options.autoPrompt)) slugs.push(`${DEFAULT_VAULT_ID}@prompt_ask_vault_pass`);
  return slugs;
}

function splitSlug(slug: string): { label: string | undefined; source: string } {
  const at = slug.indexOf('@');
  return at < 0 ? { label: undefined, source: slug } : { label: slug.slice(0, at), source: slug.slice(at + 1) };
}

/**
 * Load every vault password the options name, in Ansible's order. A source that fails is skipped when another one
 * works (Ansible warns and goes on); when none works the last failure is thrown. No source at all gives [].
 */
export async function vaultSecretsFrom(options: VaultSecretOptions): Promise<VaultSecret[]> {
  const secrets: VaultSecret[] = [];
  let lastError: unknown;
  for (const slug of vaultIdSlugs(options)) {
    const { label, source } = splitSlug(slug);
    if (label !== undefined && label.includes(';')) throw new VaultError(`'${slug}' is not a valid vault id: the character ';' is not allowed in vault ids`);
    const id = label || DEFAULT_VAULT_ID;
    if (source === 'prompt' || source === 'prompt_ask_vault_pass') {
      secrets.push({ id, source: 'prompt', password: await promptPassword(id, source === 'prompt', options) });
      continue;
    }
    try {
      secrets.push({ id, source, password: await readPasswordSource(source, label, secrets) });
    } catch (err) {
      lastError = err;
    }
  }
  if (lastError !== undefined && secrets.length === 0) throw lastError;
  if (lastError !== undefined) process.stderr.write(`[WARNING]: ${(lastError as Error).message}\n`);
  return secrets;
}

async function promptPassword(id: string, withLabel: boolean, options: VaultSecretOptions): Promise<Buffer> {
  if (!options.prompt) throw new VaultError(`a vault password prompt was asked for (vault id ${id}) but there is no terminal prompt here`);
  const what = options.confirm ? 'New vault password' : 'Vault password';
  const question = withLabel ? `${what} (${id}): ` : options.confirm ? 'New Vault password: ' : 'Vault password: ';
  const first = (await options.prompt(question)).trim();
  if (options.confirm) {
    const again = (await options.prompt(withLabel ? `Confirm new vault password (${id}): ` : 'Confirm New Vault password: ')).trim();
    if (again !== first) throw new VaultError('Passwords do not match');
  }
  if (first === '') throw new VaultError(`Invalid vault password was provided from prompt (vault id ${id})`);
  return Buffer.from(first, 'utf8');
}

function isExecutable(file: string): boolean {
  try {
    if (!statSync(file).isFile()) return false;
    accessSync(file, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

// script_is_client: the name without its extension ends in -client.
const isClientScript = (file: string) => basename(file, extname(file)).endsWith('-client');

async function readPasswordSource(source: string, label: string | undefined, known: VaultSecret[]): Promise<Buffer> {
  const file = source.startsWith('~/') ? join(homedir(), source.slice(2)) : source; // unfrackpath expands ~
  if (!existsSync(file)) throw new VaultError(`The vault password file ${file} was not found`);
  if (isExecutable(file)) {
    const client = isClientScript(file);
    const args = client && label ? ['--vault-id', label] : [];
    const { code, stdout, stderr } = await runScript(file, args, client);
    if (client && code === 2) throw new VaultError(`Vault password client script ${file} did not find a secret for vault-id=${label}: ${stderr.trim()}`);
    if (code !== 0) throw new VaultError(`Vault password script ${file} returned non-zero (${code})${stderr.trim() ? `: ${stderr.trim()}` : ''}`);
    const password = stripNewlines(stdout);
    if (password.length === 0) throw new VaultError(`Invalid vault password was provided from script (${file})`);
    return password;
  }
  let raw: Buffer;
  try {
    raw = trimWhitespace(readFileSync(file));
  } catch (err) {
    throw new VaultError(`Could not read vault password file ${file}: ${(err as NodeJS.ErrnoException).code ?? err}`, { cause: err });
  }
  // A password file may itself be vault-encrypted with a secret given earlier (Ansible's loader does this too).
  if (isVaultText(raw)) {
    const { decryptVault } = await import('./decrypt-vault.js');
    raw = decryptVault(raw.toString('utf8'), known, { file });
  }
  const password = stripNewlines(raw);
  if (password.length === 0) throw new VaultError(`Invalid vault password was provided from file (${file})`);
  return password;
}

// Ansible runs the script directly (no shell); a plain script's stderr goes to the terminal so it may prompt.
function runScript(file: string, args: string[], captureStderr: boolean): Promise<{ code: number | null; stdout: Buffer; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(file, args, { stdio: ['inherit', 'pipe', captureStderr ? 'pipe' : 'inherit'] });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout?.on('data', (b: Buffer) => out.push(b));
    child.stderr?.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) =>
      reject(new VaultError(`Problem running vault password script ${file} (${e.message})`, { hint: 'if this is not a script, remove the executable bit from the file', cause: e })),
    );
    child.on('close', (code) => resolve({ code, stdout: Buffer.concat(out), stderr: Buffer.concat(err).toString('utf8').slice(0, 200) }));
  });
}

// Python's bytes.strip(): ASCII whitespace at both ends.
function trimWhitespace(b: Buffer): Buffer {
  const ws = new Set([0x20, 0x09, 0x0a, 0x0b, 0x0c, 0x0d]);
  let start = 0;
  let end = b.length;
  while (start < end && ws.has(b[start]!)) start++;
  while (end > start && ws.has(b[end - 1]!)) end--;
  return b.subarray(start, end);
}

// Python's bytes.strip(b'\r\n').
function stripNewlines(b: Buffer): Buffer {
  let start = 0;
  let end = b.length;
  while (start < end && (b[start] === 0x0a || b[start] === 0x0d)) start++;
  while (end > start && (b[end - 1] === 0x0a || b[end - 1] === 0x0d)) end--;
  return b.subarray(start, end);
}
