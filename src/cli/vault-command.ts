// `tsinfra vault`: ansible-vault's subcommands and options, writing files ansible-vault reads and reading its files.
// Plaintext touches disk only in `edit`/`create`, inside a private mode-700 directory on a RAM file system,
// removed on every way out (editor failure, SIGINT, SIGTERM, errors).
import { spawn } from 'node:child_process';
import { chmodSync, chownSync, closeSync, existsSync, fsyncSync, mkdirSync, mkdtempSync, openSync, readFileSync, realpathSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { basename, dirname, extname, join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { Command } from 'commander';
import { TsinfraError, UsageError } from '../errors.js';
import { splitShellWords } from '../inventory/shell-words.js';
import { decryptVaultWithSecret, encryptVault, isVaultText, vaultSecretsFrom, VaultError, type VaultSecret } from '../vault/index.js';
import type { RegisterCommand } from './command-context.js';
import { ExitCode } from './exit-codes.js';
import { promptSecret } from './prompt.js';
import { addVaultOptions, configuredVaultSettings, vaultSecretsFromFlags, type VaultFlags } from './vault-options.js';

interface Flags extends VaultFlags {
  encryptVaultId?: string;
  output?: string;
  name?: string[];
  stdinName?: string;
  prompt?: boolean;
  showInput?: boolean;
  newVaultPasswordFile?: string;
  newVaultId?: string;
}

const collect = (value: string, previous: string[] = []) => [...previous, value];

/** Secrets to decrypt with; ansible-vault prompts when no source is given. */
async function readSecrets(flags: Flags): Promise<VaultSecret[]> {
  const secrets = await vaultSecretsFromFlags(flags, { autoPrompt: true });
  if (secrets.length === 0) throw new UsageError("A vault password is required to use Ansible's Vault");
  return secrets;
}

/** Ansible's match_encrypt_secret: --encrypt-vault-id picks one; several without it is an error. */
function pickEncryptSecret(secrets: VaultSecret[], encryptId: string | undefined): VaultSecret {
  if (encryptId) {
    const found = secrets.find((s) => s.id === encryptId);
    if (!found) throw new UsageError(`Did not find a match for --encrypt-vault-id=${encryptId} in the known vault-ids ${secrets.map((s) => s.id).join(', ')}`);
    return found;
  }
  if (secrets.length === 0) throw new UsageError("A vault password is required to use Ansible's Vault");
  return secrets[0]!;
}

const encryptIdOf = (flags: Flags) => flags.encryptVaultId || process.env.ANSIBLE_VAULT_ENCRYPT_IDENTITY || undefined;

async function encryptSecret(flags: Flags): Promise<VaultSecret> {
  const secrets = await vaultSecretsFromFlags(flags, { autoPrompt: true, confirm: true });
  const encryptId = encryptIdOf(flags);
  if (secrets.length > 1 && !encryptId) {
    throw new UsageError(`The vault-ids ${secrets.map((s) => s.id).join(',')} are available to encrypt. Specify the vault-id to encrypt with --encrypt-vault-id`);
  }
  return pickEncryptSecret(secrets, encryptId);
}

function readInput(file: string): Buffer {
  try {
    return file === '-' ? readFileSync(0) : readFileSync(file);
  } catch (err) {
    throw new UsageError(`Unable to read source file (${file}): ${(err as NodeJS.ErrnoException).code ?? err}`);
  }
}

/** Write bytes atomically (temp file beside it, fsync, rename); `-` is stdout. Mode 600 unless `keepFrom` names a file whose mode and owner to keep. */
export function writeFileAtomic(file: string, data: Buffer | string, options: { keepFrom?: string } = {}): void {
  if (file === '-') {
    process.stdout.write(data);
    return;
  }
  const prev = options.keepFrom && existsSync(options.keepFrom) ? statSync(options.keepFrom) : undefined;
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  const fd = openSync(tmp, 'wx', 0o600);
  try {
    writeSync(fd, typeof data === 'string' ? Buffer.from(data) : data);
    fsyncSync(fd);
  } catch (err) {
    closeSync(fd);
    unlinkSync(tmp);
    throw err;
  }
  closeSync(fd);
  if (prev) {
    chmodSync(tmp, prev.mode & 0o7777);
    try {
      chownSync(tmp, prev.uid, prev.gid);
    } catch {
      /* not ours to give away: keep our own ownership */
    }
  }
  renameSync(tmp, file);
}

/** Decrypt a vault file's text; errors name the file and the vault IDs tried. */
function decryptFile(file: string, secrets: VaultSecret[]) {
  const text = readInput(file).toString('utf8');
  if (!isVaultText(text)) throw new VaultError(`input is not vault encrypted data. ${file === '-' ? 'stdin' : file} is not a vault encrypted file`);
  return decryptVaultWithSecret(text, secrets, { file: file === '-' ? '<stdin>' : file });
}

const real = (file: string) => (file === '-' ? file : existsSync(file) ? realpathSync(file) : file);

// ---- edit / create -------------------------------------------------------------------------------------------

/** A private directory for plaintext: $XDG_RUNTIME_DIR (per-user tmpfs) or /dev/shm, never a disk-backed /tmp. */
function privateDir(): string {
  const roots = [process.env.XDG_RUNTIME_DIR, '/dev/shm'].filter((r): r is string => !!r && existsSync(r));
  if (roots.length === 0) throw new UsageError('no RAM-backed directory for the plaintext (set XDG_RUNTIME_DIR or mount /dev/shm)');
  const dir = mkdtempSync(join(roots[0]!, 'tsinfra-vault-'));
  chmodSync(dir, 0o700);
  return dir;
}

/** Run $EDITOR on `existing` in a private temp file; the edited bytes, or undefined when the editor failed. */
async function editInPrivate(existing: Buffer, suffix: string): Promise<Buffer> {
  const dir = privateDir();
  const tmp = join(dir, `edit${suffix}`);
  const cleanup = () => rmSync(dir, { recursive: true, force: true });
  let child: ReturnType<typeof spawn> | undefined;
  const onSignal = (signal: NodeJS.Signals) => {
    child?.kill('SIGTERM');
    cleanup();
    process.stderr.write(`\ntsinfra: ${signal}: vault edit abandoned, plaintext removed\n`);
    process.exit(ExitCode.interrupted);
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  process.on('exit', cleanup);
  try {
    const fd = openSync(tmp, 'wx', 0o600);
    writeSync(fd, existing);
    closeSync(fd);
    const words = splitShellWords(process.env.EDITOR || 'vi').map((w) => w.text);
    const code = await new Promise<number | null>((resolve, reject) => {
      child = spawn(words[0]!, [...words.slice(1), tmp], { stdio: 'inherit' });
      child.on('error', (err) => reject(new UsageError(`Unable to execute the command "${[...words, tmp].join(' ')}": ${err.message}`)));
      child.on('exit', (c, sig) => resolve(sig ? null : c));
    });
    // Ansible saves whatever an editor left; we treat a failing editor (vim's :cq) as "abandon the edit".
    if (code !== 0) throw new TsinfraError('TSI_EDITOR', `the editor exited with ${code === null ? 'a signal' : `status ${code}`}: nothing saved`);
    return readFileSync(tmp);
  } finally {
    cleanup();
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    process.off('exit', cleanup);
  }
}

// ---- the subcommands ------------------------------------------------------------------------------------------

async function encryptAction(files: string[], flags: Flags) {
  if (flags.output && files.length > 1) throw new UsageError('At most one input file may be used with the --output option');
  const secret = await encryptSecret(flags);
  for (const file of files.length ? files : ['-']) {
    const plaintext = readInput(real(file));
    if (isVaultText(plaintext)) throw new VaultError(`input is already encrypted: ${file}`);
    writeFileAtomic(flags.output ?? (file === '-' ? '-' : real(file)), encryptVault(plaintext, secret.password, { vaultId: secret.id }));
  }
  if (process.stdout.isTTY && flags.output !== '-' && files.length) process.stderr.write('Encryption successful\n');
}

async function decryptAction(files: string[], flags: Flags) {
  if (flags.output && files.length > 1) throw new UsageError('At most one input file may be used with the --output option');
  const secrets = await readSecrets(flags);
  for (const file of files.length ? files : ['-']) {
    const { plaintext } = decryptFile(real(file), secrets);
    writeFileAtomic(flags.output ?? (file === '-' ? '-' : real(file)), plaintext);
  }
  if (process.stdout.isTTY && flags.output !== '-' && files.length) process.stderr.write('Decryption successful\n');
}

async function viewAction(files: string[], flags: Flags) {
  const secrets = await readSecrets(flags);
  for (const file of files) process.stdout.write(decryptFile(file, secrets).plaintext);
}

async function rekeyAction(files: string[], flags: Flags) {
  const secrets = await readSecrets(flags);
  const encryptId = encryptIdOf(flags);
  // Ansible: the new secrets are the identity list (only with --encrypt-vault-id), --new-vault-id, --new-vault-password-file.
  const newSecrets = await vaultSecretsFrom({
    vaultIds: [...(encryptId ? configuredVaultSettings().identityList : []), ...(flags.newVaultId ? [flags.newVaultId] : [])],
    passwordFiles: flags.newVaultPasswordFile ? [flags.newVaultPasswordFile] : [],
    ask: flags.askVaultPass === true,
    autoPrompt: true,
    confirm: true,
    prompt: promptSecret,
  });
  if (newSecrets.length === 0) throw new UsageError("A new vault password is required to use Ansible's Vault rekey");
  const next = pickEncryptSecret(newSecrets, encryptId);
  for (const file of files.map(real)) {
    const { plaintext } = decryptFile(file, secrets);
    writeFileAtomic(file, encryptVault(plaintext, next.password, { vaultId: next.id }), { keepFrom: file });
  }
  process.stderr.write('Rekey successful\n');
}

async function createAction(files: string[], flags: Flags) {
  if (files.length !== 1) throw new UsageError('ansible-vault create can take only one filename argument');
  const file = files[0]!;
  const secret = await encryptSecret(flags);
  if (existsSync(file) && statSync(file).isFile()) throw new UsageError(`${file} exists, please use 'edit' instead`);
  if (dirname(file) && !existsSync(dirname(file))) mkdirSync(dirname(file), { recursive: true });
  const content = await editInPrivate(Buffer.alloc(0), extname(file));
  writeFileAtomic(file, encryptVault(content, secret.password, { vaultId: secret.id }));
}

async function editAction(files: string[], flags: Flags) {
  const secrets = await readSecrets(flags);
  for (const file of files.map(real)) {
    const { plaintext, secret, envelope } = decryptFile(file, secrets);
    const edited = await editInPrivate(plaintext, extname(file));
    if (edited.equals(plaintext)) continue; // unchanged: the file (and its salt) stays as it was
    // Keep the header's vault ID (and so its format), encrypting with the secret that opened it, as Ansible does.
    writeFileAtomic(file, encryptVault(edited, secret.password, { vaultId: envelope.vaultId }), { keepFrom: file });
  }
}

/** ansible-vault's format_ciphertext_yaml: `name: !vault |` then the envelope indented by 10. */
function vaultYaml(envelope: string, name: string | undefined): string {
  const lines = [`${name ? `${name}: ` : ''}!vault |`, ...envelope.split('\n').filter((l) => l !== '').map((l) => `          ${l}`)];
  return lines.join('\n');
}

async function encryptStringAction(args: string[], flags: Flags) {
  const fromStdin = args.includes('-') || args.length === 0 || flags.stdinName !== undefined;
  if (flags.prompt && fromStdin) {
    // As ansible-vault 2.14: no string arguments means stdin, and stdin and --prompt do not mix.
    throw new UsageError('The --prompt option is not supported if also reading input from stdin');
  }
  const secret = await encryptSecret(flags);
  const items: { text: Buffer; from: string; name?: string }[] = [];
  if (flags.prompt) {
    const text = await promptSecret(flags.showInput ? 'String to encrypt: ' : 'String to encrypt (hidden): ');
    if (text === '') throw new UsageError('The plaintext provided from the prompt was empty, not encrypting');
    items.push({ text: Buffer.from(text), from: 'the interactive prompt' });
  }
  if (fromStdin) {
    const text = readFileSync(0);
    if (text.length === 0) throw new UsageError('stdin was empty, not encrypting');
    items.push({ text, from: 'stdin', name: flags.stdinName });
  }
  const rest = args.filter((a) => a !== '-');
  const names = flags.name ?? [];
  if (names.length && rest.length > names.length) {
    process.stderr.write(`The number of --name options do not match the number of args.\nThe last named variable will be "${names.at(-1)}". The rest will not have names.\n`);
  }
  rest.forEach((text, i) => {
    if (text === '') throw new UsageError('The plaintext provided from the command line args was empty, not encrypting');
    items.push({ text: Buffer.from(text), from: 'the command line args', name: names[i] });
  });
  const outs = items.map((item, i) => {
    if (items.length > 1) {
      process.stderr.write(
        item.name
          ? `# The encrypted version of variable ("${item.name}", the string #${i + 1} from ${item.from}).\n`
          : `# The encrypted version of the string #${i + 1} from ${item.from}.)\n`,
      );
    }
    return vaultYaml(encryptVault(item.text, secret.password, { vaultId: secret.id }), item.name);
  });
  writeFileAtomic(flags.output ?? '-', outs.join('\n'));
  if (process.stdout.isTTY) process.stderr.write('\nEncryption successful\n');
}

type Action = (args: string[], flags: Flags) => Promise<void>;

function sub(vault: Command, name: string, description: string, action: Action, extra: (c: Command) => Command = (c) => c): Command {
  const cmd = extra(addVaultOptions(vault.command(name).description(description)))
    .argument('[args...]')
    .action((args: string[], flags: Flags) => action(args, flags));
  return cmd;
}

const withOutput = (c: Command) => c.option('--output <file>', 'output file name for encrypt or decrypt; use - for stdout');
const withEncryptId = (c: Command) => c.option('--encrypt-vault-id <label>', 'the vault id used to encrypt (required if more than one vault-id is provided)');

export const registerVaultCommand: RegisterCommand = (program) => {
  const vault = program.command('vault').description('encrypt and decrypt ansible-vault files and strings (byte-compatible with ansible-vault)');
  sub(vault, 'create', 'create a new encrypted file in $EDITOR', createAction, withEncryptId);
  sub(vault, 'edit', 'edit an encrypted file in $EDITOR (plaintext only in a private RAM directory)', editAction, withEncryptId);
  sub(vault, 'view', 'print the plaintext of encrypted files', viewAction);
  sub(vault, 'encrypt', 'encrypt files in place (or stdin to stdout)', encryptAction, (c) => withEncryptId(withOutput(c)));
  sub(vault, 'decrypt', 'decrypt files in place (or stdin to stdout)', decryptAction, withOutput);
  sub(vault, 'rekey', 'encrypt files again with a new password', rekeyAction, (c) =>
    withEncryptId(c)
      .option('--new-vault-password-file <file>', 'new vault password file for rekey')
      .option('--new-vault-id <label@source>', 'the new vault identity to use for rekey'),
  );
  sub(vault, 'encrypt-string', 'encrypt strings into YAML `!vault |` values', encryptStringAction, (c) =>
    withEncryptId(withOutput(c))
      .alias('encrypt_string')
      .option('-n, --name <name>', 'the variable name (repeatable, one per string)', collect)
      .option('--stdin-name <name>', 'the variable name for the string read from stdin')
      .option('-p, --prompt', 'prompt for the string to encrypt')
      .option('--show-input', 'do not hide input when prompted for the string to encrypt'),
  );
};
