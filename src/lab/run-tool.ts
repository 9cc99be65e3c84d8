// Runs a controller-side tool (ip, ssh-keygen, apt-get, ...) with its output captured; failures become LabErrors
// naming the command and the end of its stderr.
import { spawn } from 'node:child_process';
import { LabError } from '../errors.js';

export interface ToolResult {
  stdout: string;
  stderr: string;
  exitCode: number | null;
}

export interface ToolOptions {
  input?: string;
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  /** Do not throw on a non-zero exit. */
  allowFailure?: boolean;
  timeoutMs?: number;
}

function describe(cmd: string, args: readonly string[]): string {
  const shown = [cmd, ...args].join(' ');
  return shown.length > 160 ? `${shown.slice(0, 157)}...` : shown;
}

export function runTool(cmd: string, args: readonly string[], opts: ToolOptions = {}): Promise<ToolResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { cwd: opts.cwd, env: opts.env ?? process.env, stdio: ['pipe', 'pipe', 'pipe'], timeout: opts.timeoutMs });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', (e) => reject(new LabError(`cannot run ${cmd}: ${e.message}`, { cause: e })));
    child.on('close', (code, signal) => {
      const result = { stdout: Buffer.concat(out).toString(), stderr: Buffer.concat(err).toString(), exitCode: code };
      if (code === 0 || opts.allowFailure) return resolvePromise(result);
      const how = signal ? `killed by ${signal}` : `exit ${code}`;
      const tail = result.stderr.trim().slice(-300) || result.stdout.trim().slice(-300);
      reject(new LabError(`${describe(cmd, args)} failed (${how})${tail ? `: ${tail}` : ''}`));
    });
    child.stdin.on('error', () => {}); // the tool may exit without reading its input
    child.stdin.end(opts.input ?? '');
  });
}
