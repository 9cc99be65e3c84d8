// What the engine needs from a connection to one host. SSH (ssh2) implements it; tests may add a fake.
import type { Secret } from '../shell/secret.js';

export type HostKeyPolicy = 'strict' | 'accept-new' | 'off';

export interface BecomeOptions {
  user: string; // default root
  /** The sudo password: sent on stdin, never in argv. Without it `sudo -n` is used. */
  password?: Secret;
}

export interface ExecOptions {
  /** Bytes for the command's stdin (e.g. a script for `sh -s`). */
  stdin?: string | Buffer;
  become?: BecomeOptions;
  /** Kill the command and fail after this long. */
  timeoutMs?: number;
  /** Called with each chunk as it arrives (for streaming output). */
  onStdout?: (chunk: Buffer) => void;
  onStderr?: (chunk: Buffer) => void;
}

export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Exit code, or null when killed by a signal. */
  code: number | null;
  signal: string | null;
}

export interface ScriptOptions {
  become?: BecomeOptions;
  timeoutMs?: number;
}

export interface Connection {
  readonly host: string;
  /**
   * False once the connection is known closed (the server hung up, the socket failed), even while idle: the pool
   * then opens a new one for the next command. Left out, a connection is taken to be open.
   */
  readonly isOpen?: boolean;
  /** Runs one command line on the host (through `sh -c` by sshd). */
  exec(command: string, options?: ExecOptions): Promise<ExecResult>;
  /** Runs a shell script exactly as `/bin/sh -s` with it on stdin would; a connection may do it more cheaply. */
  runScript?(script: string, options?: ScriptOptions): Promise<ExecResult>;
  close(): Promise<void>;
}

/** `conn.runScript`, or the plain exec it stands for. */
export function runScript(conn: Connection, script: string, options: ScriptOptions = {}): Promise<ExecResult> {
  return conn.runScript ? conn.runScript(script, options) : conn.exec('/bin/sh -s', { stdin: script, ...options });
}

/** Everything needed to open a connection, resolved from inventory vars, ~/.ssh/config and CLI flags. */
export interface ConnectTarget {
  /** Inventory name, used in messages and logs. */
  name: string;
  address: string;
  port: number;
  user: string;
  privateKeyFiles: string[];
  /** ssh-agent socket path (SSH_AUTH_SOCK), when used. */
  agent?: string;
  password?: Secret;
  /** Asked once per key file when the key is encrypted. */
  askPassphrase?: (keyFile: string) => Promise<string>;
  hostKeyPolicy: HostKeyPolicy;
  knownHostsFiles: string[];
  connectTimeoutMs: number;
  keepaliveIntervalMs: number;
  /** At most this many channels open at once on the connection (OpenSSH MaxSessions defaults to 10). */
  maxChannels: number;
  /** Extra connect attempts after a failed connect (socket, timeout, SSH handshake), with exponential backoff. */
  connectRetries?: number;
  /** Bastions to tunnel through, outermost first (ProxyJump). */
  jumps: ConnectTarget[];
}
