// Resolves how to reach a host: inventory variables (Ansible's names and tsinfra's own) win over the command
// line, which wins over ~/.ssh/config, which wins over OpenSSH's defaults — the order Ansible users expect.
import { existsSync } from 'node:fs';
import { homedir, userInfo } from 'node:os';
import { join } from 'node:path';
import { UsageError } from '../errors.js';
import type { Host } from '../inventory/types.js';
import { secret, type Secret } from '../shell/secret.js';
import { expandTilde, resolveSshConfig, type SshConfig, type SshConfigHost } from './ssh/ssh-config.js';
import type { BecomeOptions, ConnectTarget, HostKeyPolicy } from './transport.js';

export interface ConnectDefaults {
  user?: string;
  privateKeyFile?: string;
  hostKeyPolicy?: HostKeyPolicy;
  knownHostsFile?: string;
  connectTimeoutMs?: number;
  keepaliveIntervalMs?: number;
  maxChannels?: number;
  /** `--retries`: extra connect attempts (a host's `tsinfra_connect_retries` wins). */
  connectRetries?: number;
  sshConfig: SshConfig;
  askPassphrase?: (file: string) => Promise<string>;
  become?: boolean;
  becomeUser?: string;
  becomePassword?: Secret;
}

const DEFAULT_KEYS = ['id_ed25519', 'id_ecdsa', 'id_rsa'].map((k) => join(homedir(), '.ssh', k));

function pick(vars: Record<string, unknown>, ...names: string[]): unknown {
  for (const n of names) if (vars[n] !== undefined && vars[n] !== null && vars[n] !== '') return vars[n];
  return undefined;
}

function str(v: unknown): string | undefined {
  return v === undefined ? undefined : String(v);
}

export function parseBool(v: unknown): boolean | undefined {
  if (v === undefined) return undefined;
  if (typeof v === 'boolean') return v;
  const s = String(v).toLowerCase();
  if (['yes', 'true', 'on', '1', 'y'].includes(s)) return true;
  if (['no', 'false', 'off', '0', 'n'].includes(s)) return false;
  return undefined;
}

function port(v: unknown, host: string, what: string): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new UsageError(`${host}: ${what} must be a port number 1-65535, got ${JSON.stringify(v)}`);
  return n;
}

export function parsePolicy(v: unknown, where: string): HostKeyPolicy | undefined {
  if (v === undefined) return undefined;
  const s = String(v).toLowerCase();
  if (s === 'strict' || s === 'yes') return 'strict';
  if (s === 'accept-new') return 'accept-new';
  if (s === 'off' || s === 'no') return 'off';
  throw new UsageError(`${where}: host key policy must be strict, accept-new or off, got ${JSON.stringify(v)}`);
}

/** `-o ProxyJump=a,b` or `-J a,b` inside ansible_ssh_common_args / ansible_ssh_extra_args. */
function proxyJumpFromArgs(args: string | undefined): string | undefined {
  if (!args) return undefined;
  const m = /(?:-o\s*['"]?ProxyJump[= ]([^\s'"]+)|-J\s+([^\s'"]+))/i.exec(args);
  return m?.[1] ?? m?.[2];
}

interface Endpoint {
  name: string;
  address: string;
  port: number;
  user: string;
  keys: string[];
  policy: HostKeyPolicy;
  knownHosts: string[];
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
}

/** What a host's inventory variables say about reaching it (tsinfra's names over Ansible's); unset where they are silent. */
export function inventoryEndpoint(name: string, vars: Record<string, unknown>): { address?: string; port?: number; user?: string; privateKeyFile?: string } {
  return {
    address: str(pick(vars, 'tsinfra_host', 'ansible_host', 'ansible_ssh_host')),
    port: port(pick(vars, 'tsinfra_port', 'ansible_port', 'ansible_ssh_port'), name, 'ansible_port'),
    user: str(pick(vars, 'tsinfra_user', 'ansible_user', 'ansible_ssh_user')),
    privateKeyFile: str(pick(vars, 'tsinfra_private_key_file', 'ansible_ssh_private_key_file', 'ansible_private_key_file')),
  };
}

function endpoint(name: string, vars: Record<string, unknown>, cfg: SshConfigHost, d: ConnectDefaults, explicitUser?: string, explicitPort?: number): Endpoint {
  const own = inventoryEndpoint(name, vars);
  const address = own.address ?? cfg.hostName ?? name;
  const keyVar = own.privateKeyFile;
  const keys = keyVar ? [expandTilde(keyVar)] : d.privateKeyFile ? [expandTilde(d.privateKeyFile)] : cfg.identityFiles.length ? cfg.identityFiles.filter(existsSync) : DEFAULT_KEYS.filter(existsSync);
  const knownVar = str(pick(vars, 'tsinfra_known_hosts_file'));
  const timeoutSec = pick(vars, 'tsinfra_connect_timeout', 'ansible_timeout', 'ansible_ssh_timeout');
  return {
    name,
    address,
    port: own.port ?? explicitPort ?? cfg.port ?? 22,
    user: own.user ?? explicitUser ?? d.user ?? cfg.user ?? userInfo().username,
    keys,
    policy: parsePolicy(pick(vars, 'tsinfra_host_key_policy'), name) ?? d.hostKeyPolicy ?? parsePolicy(cfg.strictHostKeyChecking === 'ask' ? 'strict' : cfg.strictHostKeyChecking, `~/.ssh/config for ${name}`) ?? 'strict',
    knownHosts: knownVar ? [expandTilde(knownVar)] : d.knownHostsFile ? [d.knownHostsFile] : cfg.userKnownHostsFiles ?? [join(homedir(), '.ssh', 'known_hosts'), '/etc/ssh/ssh_known_hosts'],
    connectTimeoutMs: timeoutSec !== undefined ? Number(timeoutSec) * 1000 : d.connectTimeoutMs ?? (cfg.connectTimeoutSec ? cfg.connectTimeoutSec * 1000 : 10_000),
    keepaliveIntervalMs: d.keepaliveIntervalMs ?? (cfg.serverAliveIntervalSec ? cfg.serverAliveIntervalSec * 1000 : 5_000),
  };
}

function toTarget(e: Endpoint, d: ConnectDefaults, cfg: SshConfigHost, password: Secret | undefined, jumps: ConnectTarget[]): ConnectTarget {
  return {
    name: e.name,
    address: e.address,
    port: e.port,
    user: e.user,
    privateKeyFiles: e.keys,
    agent: cfg.identityAgent ?? process.env.SSH_AUTH_SOCK,
    password,
    askPassphrase: d.askPassphrase,
    hostKeyPolicy: e.policy,
    knownHostsFiles: e.knownHosts,
    connectTimeoutMs: e.connectTimeoutMs,
    keepaliveIntervalMs: e.keepaliveIntervalMs,
    maxChannels: d.maxChannels ?? 8,
    jumps,
  };
}

/** `[user@]host[:port]`, resolved through ~/.ssh/config like OpenSSH does for each jump. */
function jumpTarget(spec: string, hostVars: Record<string, unknown>, d: ConnectDefaults): ConnectTarget {
  const m = /^(?:([^@]+)@)?(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(spec.trim());
  if (!m) throw new UsageError(`bad ProxyJump ${JSON.stringify(spec)}: expected [user@]host[:port]`);
  const alias = m[2]!.replace(/^\[|\]$/g, '');
  const cfg = resolveSshConfig(d.sshConfig, alias);
  // The jump host shares the target's key and known_hosts settings, not its address, port or user.
  const inherited = { tsinfra_private_key_file: pick(hostVars, 'tsinfra_private_key_file', 'ansible_ssh_private_key_file', 'ansible_private_key_file'), tsinfra_known_hosts_file: hostVars.tsinfra_known_hosts_file, tsinfra_host_key_policy: hostVars.tsinfra_host_key_policy };
  const e = endpoint(alias, inherited, cfg, d, m[1], port(m[3], alias, 'ProxyJump port'));
  return toTarget(e, d, cfg, undefined, []);
}

export function resolveConnectTarget(host: Host, d: ConnectDefaults): ConnectTarget {
  const vars = host.vars;
  const lookup = inventoryEndpoint(host.name, vars).address ?? host.name;
  const cfg = resolveSshConfig(d.sshConfig, lookup);
  const e = endpoint(host.name, vars, cfg, d);
  const jumpSpec =
    str(pick(vars, 'tsinfra_proxy_jump')) ??
    proxyJumpFromArgs(str(pick(vars, 'ansible_ssh_common_args'))) ??
    proxyJumpFromArgs(str(pick(vars, 'ansible_ssh_extra_args'))) ??
    cfg.proxyJump;
  const jumps = jumpSpec && jumpSpec.toLowerCase() !== 'none' ? jumpSpec.split(',').map((s) => jumpTarget(s, vars, d)) : [];
  const pw = str(pick(vars, 'ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password', 'tsinfra_password'));
  const target = toTarget(e, d, cfg, pw === undefined ? undefined : secret(pw), jumps);
  const retries = pick(vars, 'tsinfra_connect_retries');
  if (retries !== undefined) {
    const n = Number(retries);
    if (!Number.isInteger(n) || n < 0) throw new UsageError(`${host.name}: tsinfra_connect_retries must be a whole number >= 0, got ${JSON.stringify(retries)}`);
    target.connectRetries = n;
  } else if (d.connectRetries !== undefined) target.connectRetries = d.connectRetries;
  return target;
}

/** sudo settings for a host, or undefined when not becoming. */
export function resolveBecome(host: Host, d: ConnectDefaults): BecomeOptions | undefined {
  const vars = host.vars;
  const enabled = parseBool(pick(vars, 'tsinfra_become', 'ansible_become')) ?? d.become ?? false;
  if (!enabled) return undefined;
  const pw = str(pick(vars, 'tsinfra_become_password', 'ansible_become_password', 'ansible_become_pass', 'ansible_sudo_pass'));
  return {
    user: str(pick(vars, 'tsinfra_become_user', 'ansible_become_user')) ?? d.becomeUser ?? 'root',
    password: pw !== undefined ? secret(pw) : d.becomePassword,
  };
}
