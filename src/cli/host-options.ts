// Options shared by every command that reaches hosts, and their translation into inventory + connect targets.
// An option not given falls back to the settings (ANSIBLE_* variables, then ansible.cfg), then tsinfra's default.
import { readFileSync } from 'node:fs';
import { InvalidArgumentError, type Command } from 'commander';
import { UsageError } from '../errors.js';
import { loadInventory, selectHosts, type LoadInventoryOptions } from '../inventory/load.js';
import type { Host, Inventory } from '../inventory/types.js';
import { createLogger, setLogger } from '../log.js';
import { secret } from '../shell/secret.js';
import { parsePolicy, resolveBecome, resolveConnectTarget, type ConnectDefaults } from '../transport/connect-target.js';
import { expandTilde, loadSshConfig } from '../transport/ssh/ssh-config.js';
import type { BecomeOptions, ConnectTarget } from '../transport/transport.js';
import type { RunPlaybookOptions } from '../engine/run-playbook.js';
import { promptSecret } from './prompt.js';
import { commandSettings } from './command-settings.js';
import { originText } from '../settings/load-settings.js';
import { addVaultOptions, ensureVaultSecrets } from './vault-options.js';

export interface HostOptions {
  inventory?: string[];
  limit?: string;
  forks?: string;
  user?: string;
  privateKey?: string;
  hostKeyPolicy?: string;
  knownHosts?: string;
  sshConfig?: string;
  timeout?: string;
  retries?: string;
  become?: boolean;
  becomeUser?: string;
  askBecomePass?: boolean;
  becomePasswordFile?: string;
  json?: boolean;
  logFile?: string;
  logLevel: string;
  verbose?: number;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

export function addHostOptions(cmd: Command): Command {
  return addVaultOptions(cmd)
    .option('-i, --inventory <path>', 'inventory file or directory (repeatable; default $TSINFRA_INVENTORY, then inventory in ansible.cfg)', collect)
    .option('-l, --limit <pattern>', 'further limit the hosts to this pattern (or @file with one host per line)')
    .option('-f, --forks <n>', 'hosts to work on at once (default 50, or forks in ansible.cfg)', integerArg)
    .option('-u, --user <name>', 'SSH user when the inventory sets none')
    .option('--private-key <file>', 'SSH private key when the inventory sets none')
    .option('--host-key-policy <policy>', 'strict (default) | accept-new | off')
    .option('--known-hosts <file>', 'known_hosts file when the inventory sets none')
    .option('--ssh-config <file>', 'OpenSSH client config to read (default ~/.ssh/config)')
    .option('-T, --timeout <seconds>', 'SSH connect timeout (default 10, or timeout in ansible.cfg)')
    .option('--retries <n>', 'retry a failed SSH connect n times (0.5 s, 1 s, 2 s… apart); commands are never re-run', '0')
    .option('-b, --become', 'run as another user with sudo')
    .option('--become-user <name>', 'user to become (default root, or become_user in ansible.cfg)')
    .option('-K, --ask-become-pass', 'ask for the sudo password (no echo)')
    .option('--become-password-file <file>', 'read the sudo password from this file (first line)')
    .option('--json', 'machine-readable output: one JSON object per line')
    .option('--log-file <file>', 'write structured logs (pino JSON) to this file')
    .option('--log-level <level>', 'trace | debug | info | warn | error', 'info');
}

/** As argparse's type=int: a value that is no integer is a command-line error (exit 2); a range check comes later (exit 5). */
function integerArg(v: string): string {
  if (!/^\s*[-+]?\d+\s*$/.test(v)) throw new InvalidArgumentError(`expected an integer, got ${JSON.stringify(v)}`);
  return v;
}

function positiveInt(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${flag} must be a positive integer, got ${JSON.stringify(v)}`);
  return n;
}

function wholeNumber(v: string, flag: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`${flag} must be a whole number >= 0, got ${JSON.stringify(v)}`);
  return n;
}

const LOG_LEVELS = ['trace', 'debug', 'info', 'warn', 'error'];

/** The first line of a password file; a missing or unreadable file is a usage error naming the flag. */
export function readPasswordFile(file: string, flag: string): string {
  try {
    return readFileSync(file, 'utf8').split('\n')[0] ?? '';
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(`${flag} ${file}: ${code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, expected a file' : `cannot read file (${code ?? err})`}`);
  }
}

export interface SelectedHosts {
  inventory: Inventory;
  hosts: Host[];
  forks: number;
  defaults: ConnectDefaults;
  targetOf(host: Host): ConnectTarget;
  becomeOf(host: Host): BecomeOptions | undefined;
}

/** What a run over the selected hosts takes from them and from --limit/--check/--diff (play and ad-hoc alike). */
export function hostRunOptions(
  selected: SelectedHosts,
  o: { limit?: string; check?: boolean; diff?: boolean },
): Pick<RunPlaybookOptions, 'inventory' | 'limit' | 'targetOf' | 'becomeOf' | 'forks' | 'check' | 'diff'> {
  return {
    inventory: selected.inventory,
    limit: o.limit, // selectHosts reads `@file` limits itself
    targetOf: selected.targetOf,
    becomeOf: selected.becomeOf,
    forks: selected.forks,
    check: !!o.check,
    diff: !!o.diff,
  };
}

/** `load.playbookDir`: the playbook's group_vars/ and host_vars/ join the inventory (play). */
export async function selectFromOptions(pattern: string, o: HostOptions, load: LoadInventoryOptions = {}): Promise<SelectedHosts> {
  if (!LOG_LEVELS.includes(o.logLevel)) throw new UsageError(`--log-level must be one of ${LOG_LEVELS.join(', ')}, got ${JSON.stringify(o.logLevel)}`);
  setLogger(createLogger({ level: o.logLevel, file: o.logFile }));
  await ensureVaultSecrets(o);
  const settings = commandSettings(o.verbose);
  const paths = o.inventory?.length ? o.inventory : process.env.TSINFRA_INVENTORY ? [process.env.TSINFRA_INVENTORY] : settings.inventory;
  if (paths.length === 0) throw new UsageError('no inventory given', { hint: 'pass -i PATH, set TSINFRA_INVENTORY, or set inventory in ansible.cfg' });
  const inventory = await loadInventory(paths, load);
  const hosts = selectHosts(inventory, pattern, { limit: o.limit }); // selectHosts reads `@file` limits itself
  let becomePassword;
  if (o.becomePasswordFile) becomePassword = secret(readPasswordFile(o.becomePasswordFile, '--become-password-file'));
  else if (o.askBecomePass || settings.becomeAskPass) becomePassword = secret(await promptSecret('BECOME password: '));
  const defaults: ConnectDefaults = {
    user: o.user ?? (settings.remoteUser || undefined),
    privateKeyFile: o.privateKey ?? settings.privateKeyFile,
    hostKeyPolicy: parsePolicy(o.hostKeyPolicy, '--host-key-policy') ?? settings.hostKeyPolicy,
    knownHostsFile: o.knownHosts ?? (settings.ssh.knownHostsFile ? expandTilde(settings.ssh.knownHostsFile) : undefined),
    connectTimeoutMs: (o.timeout === undefined ? positiveInt(String(settings.connectTimeoutSec), `timeout (${originText(settings.origins.timeout)})`) : positiveInt(o.timeout, '--timeout')) * 1000,
    ...(settings.ssh.serverAliveIntervalSec ? { keepaliveIntervalMs: settings.ssh.serverAliveIntervalSec * 1000 } : {}),
    connectRetries: wholeNumber(o.retries ?? '0', '--retries'),
    sshConfig: loadSshConfig(o.sshConfig),
    askPassphrase: (file) => promptSecret(`Passphrase for ${file}: `),
    become: o.become || o.askBecomePass || !!o.becomePasswordFile || settings.become || undefined,
    becomeUser: o.becomeUser ?? settings.becomeUser,
    becomePassword,
  };
  return {
    inventory,
    hosts,
    forks: o.forks === undefined ? positiveInt(String(settings.forks), `forks (${originText(settings.origins.forks)})`) : positiveInt(o.forks, '--forks'),
    defaults,
    targetOf: (h) => resolveConnectTarget(h, defaults),
    becomeOf: (h) => resolveBecome(h, defaults),
  };
}
