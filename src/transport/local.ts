// The controller itself as a host (`delegate_to: localhost`, `connection: local`): each command runs under
// `/bin/sh -c` in a child process, with the same results as over SSH — stdout/stderr untrimmed, exit code or signal
// name ('SIGTERM'), stdin, streaming, a timeout that kills the command and everything it started.
//
// Become uses `sudo -n` only, and only when the login user is not already the target: a sudo password would have
// to go through a prompt on our own terminal or stdin, so when sudo wants one the command fails with a clear error.
import { spawn, type ChildProcess } from 'node:child_process';
import { homedir, userInfo } from 'node:os';
import { CommandError } from '../errors.js';
import { becomeFailureMessage, wrapBecome, type BecomeWrap } from './ssh/become.js';
import { findEntryLine } from './ssh/remote-kill.js';
import type { Connection, ExecOptions, ExecResult } from './transport.js';

export interface LocalConnectionOptions {
  /** The name in messages and results. Default `localhost`. */
  host?: string;
  /** Working directory of commands. Default: the user's home, where an SSH login starts. */
  cwd?: string;
}

export class LocalConnection implements Connection {
  readonly host: string;
  private readonly cwd: string;
  private readonly user = userInfo();
  private readonly running = new Set<ChildProcess>();
  private isClosed = false;

  constructor(options: LocalConnectionOptions = {}) {
    this.host = options.host ?? 'localhost';
    this.cwd = options.cwd ?? homedir();
  }

  /** Whether becoming `user` needs sudo: not when we already are that user (by name or uid). */
  needsSudo(user: string): boolean {
    return user !== this.user.username && user !== String(this.user.uid);
  }

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (this.isClosed) return Promise.reject(new CommandError({ host: this.host, what: 'command', exitCode: null, signal: null, stdout: '', stderr: 'the local connection is closed' }));
    const become = options.become && this.needsSudo(options.become.user) ? options.become : undefined;
    // Never a password: sudo -n fails at once when it would ask for one (see describeBecomeFailure).
    const wrap = become ? wrapBecome(command, { user: become.user }) : undefined;
    return new Promise<ExecResult>((resolve, reject) => {
      // A process group of its own, so a timeout or close() kills the command's children too.
      const child = spawn('/bin/sh', ['-c', wrap ? wrap.command : command], { cwd: this.cwd, detached: true, stdio: ['pipe', 'pipe', 'pipe'] });
      this.running.add(child);
      runningAnywhere.add(child);
      this.watch(child, options, wrap && become ? { wrap, user: become.user } : undefined, resolve, reject);
    });
  }

  private watch(child: ChildProcess, options: ExecOptions, sudo: { wrap: BecomeWrap; user: string } | undefined, resolve: (r: ExecResult) => void, reject: (e: Error) => void): void {
    const wrap = sudo?.wrap;
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let entered = !wrap; // with become: true once sudo has let us in (its marker line came)
    let pre = Buffer.alloc(0);
    let settled = false;
    let timer: NodeJS.Timeout | undefined;

    const finish = (result: ExecResult | Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      this.running.delete(child);
      runningAnywhere.delete(child);
      if (result instanceof Error) reject(result);
      else resolve(result);
    };

    child.stdout!.on('data', (chunk: Buffer) => {
      if (entered) {
        out.push(chunk);
        options.onStdout?.(chunk);
        return;
      }
      pre = Buffer.concat([pre, chunk]);
      const entry = findEntryLine(pre.toString('latin1'), wrap!.success);
      if (!entry) return;
      entered = true;
      const rest = pre.subarray(entry.end);
      pre = Buffer.alloc(0);
      if (rest.length) {
        out.push(rest);
        options.onStdout?.(rest);
      }
    });
    child.stderr!.on('data', (chunk: Buffer) => {
      err.push(chunk);
      options.onStderr?.(chunk);
    });
    // The command may exit without reading its stdin (EPIPE): that is its business, not an error of ours.
    child.stdin!.on('error', () => {});
    child.stdin!.end(options.stdin ?? '');

    child.on('error', (e) => finish(new CommandError({ host: this.host, what: 'starting /bin/sh', exitCode: null, signal: null, stdout: '', stderr: e.message })));
    child.on('close', (code, signal) => {
      const stdout = Buffer.concat(out).toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (sudo && !entered) {
        const why = becomeFailure(stderr, sudo.user);
        finish(new CommandError({ host: this.host, what: 'become', exitCode: code, signal, stdout: '', stderr: why }));
        return;
      }
      finish({ stdout, stderr, code, signal });
    });

    if (options.timeoutMs) {
      timer = setTimeout(() => {
        killGroup(child);
        finish(new CommandError({ host: this.host, what: `command timed out after ${options.timeoutMs! / 1000}s:`, exitCode: null, signal: 'TIMEOUT', stdout: Buffer.concat(out).toString('utf8'), stderr: '' }));
      }, options.timeoutMs);
    }
  }

  /** Kills whatever still runs (and its children), then refuses new commands. */
  async close(): Promise<void> {
    this.isClosed = true;
    for (const child of this.running) killGroup(child);
  }
}

function becomeFailure(stderr: string, user: string): string {
  if (/a password is required|a terminal is required/.test(stderr)) {
    return `sudo to ${user} on the controller needs a password, and local become runs sudo -n only: allow it without a password (NOPASSWD) or run tsinfra as ${user}`;
  }
  return becomeFailureMessage(stderr, user, false);
}

/** Every local command still running, whatever connection started it (the engine shares one for delegate_to). */
const runningAnywhere = new Set<ChildProcess>();

/** On SIGINT/SIGTERM: kill every local command still running and what it started, as remote ones are. */
export function killLocalCommands(): void {
  for (const child of runningAnywhere) killGroup(child);
}

function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, 'SIGKILL');
  } catch {
    child.kill('SIGKILL'); // the group is gone already, or is not ours to signal
  }
}
