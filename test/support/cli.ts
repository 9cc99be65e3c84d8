// Runs the built CLI (bin/tsinfra → dist/) as a user would, capturing output and exit code.
import { spawn } from 'node:child_process';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

export const TSINFRA = resolve(dirname(fileURLToPath(import.meta.url)), '../../bin/tsinfra');

export interface CliResult {
  stdout: string;
  stderr: string;
  code: number | null;
  ms: number;
}

export function tsinfra(args: string[], options: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {}): Promise<CliResult> {
  return runProgram(TSINFRA, args, { ...options, env: { ...process.env, NO_COLOR: '1', ...options.env } });
}

/** Runs a program to its end (stdin: `input`, or closed), collecting stdout, stderr, the exit code and wall time. */
export function runProgram(program: string, args: string[], options: { input?: string; env?: NodeJS.ProcessEnv; timeoutMs?: number; cwd?: string } = {}): Promise<CliResult> {
  const started = Date.now();
  return new Promise((resolvePromise, reject) => {
    const child = spawn(program, args, { cwd: options.cwd, env: options.env, timeout: options.timeoutMs ?? 400_000 });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b));
    child.stderr.on('data', (b: Buffer) => (stderr += b));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ stdout, stderr, code, ms: Date.now() - started }));
    child.stdin.end(options.input ?? '');
  });
}

/** Parses `--json` output: one object per line. */
export function jsonLines(stdout: string): Record<string, unknown>[] {
  return stdout
    .split('\n')
    .filter((l) => l.trim())
    .map((l) => JSON.parse(l) as Record<string, unknown>);
}

/** What `--json` reports for one host's task result. */
export interface HostResult {
  host: string;
  status: string;
  changes: string[];
  message?: string;
  diff?: { path: string; before: string; after: string };
}

/** The host results of the task named `task`, from `--json` output. */
export function resultsOf(r: CliResult, task: string): HostResult[] {
  return jsonLines(r.stdout)
    .filter((e) => e.type === 'host_result' && (e.task as { name?: string } | undefined)?.name === task)
    .map((e) => e.result as HostResult);
}
