// Lab hosts for integration tests. Each call brings up its own lab (unique name, own subnets and prefix), so test
// files run in parallel; teardown is registered with node:test's `after()` in the scope that called it, plus a
// synchronous last resort at process exit, so the lab goes even when a test fails or throws.
//
//   const lab = await startLab({ kind: 'namespace', hosts: 5 });      // at the top of a test file
//   const out = await hostSsh(lab, 'master1', 'hostname');             // real OpenSSH, strict host keys
//   const st = await hostExec(lab, 'master1', 'cat /etc/hostname');    // nsenter: no sshd involved
import { after } from 'node:test';
import { spawn, spawnSync } from 'node:child_process';
import { basename, dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { labDown, labUp, type LabHost, type LabInfo, type LabUpOptions } from '../../src/lab/lab.js';

export type { LabHost, LabInfo };

export interface CommandResult {
  stdout: string;
  stderr: string;
  code: number | null;
}

export interface StartLabOptions extends Omit<LabUpOptions, 'name'> {
  /** A label for the lab's name (default: the calling test file's name). */
  label?: string;
}

const SRC_LAB = resolve(dirname(fileURLToPath(import.meta.url)), '../../src/lab/lab.ts');
const started = new Set<string>();
let exitHookInstalled = false;

function callerLabel(): string {
  const frame = (new Error().stack ?? '').split('\n').find((l) => l.includes('.test.'));
  const file = /\(?(?:file:\/\/)?([^():]+\.test\.[mc]?[tj]s)/.exec(frame ?? '')?.[1];
  return file ? basename(file).replace(/\.test\.[mc]?[tj]s$/, '') : 'test';
}

function uniqueName(label: string): string {
  const safe = label.replace(/[^A-Za-z0-9_.-]/g, '-').slice(0, 32);
  return `t-${safe}-${process.pid}-${Math.random().toString(36).slice(2, 6)}`;
}

// If the process ends without after() running (uncaught error, process.exit), tear down synchronously.
function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const name of started) {
      const code = `const { labDown } = await import(${JSON.stringify(SRC_LAB)}); await labDown(${JSON.stringify(name)});`;
      spawnSync(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', code], { stdio: 'ignore', timeout: 60_000 });
    }
  });
}

export async function stopLab(lab: Pick<LabInfo, 'name'>): Promise<void> {
  try {
    await labDown(lab.name);
  } finally {
    started.delete(lab.name);
  }
}

/** Brings up a lab for the current test file (or test, if called inside one) and schedules its teardown. */
export async function startLab(opts: StartLabOptions = {}): Promise<LabInfo> {
  const { label, ...upOptions } = opts;
  const name = uniqueName(label ?? callerLabel());
  installExitHook();
  started.add(name);
  after(() => stopLab({ name }));
  try {
    return await labUp({ ...upOptions, name });
  } catch (err) {
    started.delete(name); // labUp already removed what it created
    throw err;
  }
}

export function findHost(lab: LabInfo, name: string): LabHost {
  const host = lab.hosts.find((h) => h.name === name);
  if (!host) throw new Error(`lab ${lab.name} has no host ${name}`);
  return host;
}

export function run(cmd: string, args: readonly string[], input = '', timeoutMs = 60_000): Promise<CommandResult> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { stdio: ['pipe', 'pipe', 'pipe'], timeout: timeoutMs });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolvePromise({ stdout, stderr, code }));
    child.stdin.on('error', () => {});
    child.stdin.end(input);
  });
}

/** Runs a shell command on a host over real OpenSSH: lab key, lab known_hosts, strict host key checking. */
export function hostSsh(lab: LabInfo, host: string, command: string, input = ''): Promise<CommandResult> {
  findHost(lab, host);
  return run('ssh', ['-F', lab.sshConfigPath, '-o', 'BatchMode=yes', host, '--', command], input);
}

/** OpenSSH options for connecting by address without the lab's ssh_config. */
export function sshOptions(lab: LabInfo): string[] {
  return [
    '-i', lab.privateKeyPath, '-o', 'IdentitiesOnly=yes', '-o', 'BatchMode=yes',
    '-o', `UserKnownHostsFile=${lab.knownHostsPath}`, '-o', 'GlobalKnownHostsFile=/dev/null',
    '-o', 'StrictHostKeyChecking=yes', '-o', 'ConnectTimeout=5', '-o', 'LogLevel=ERROR',
  ];
}

/** Runs a shell command inside a host's namespaces (nsenter into its PID 1): independent of sshd and the network. */
export function hostExec(lab: LabInfo, host: string, command: string, input = ''): Promise<CommandResult> {
  const { initPid } = findHost(lab, host);
  return run('nsenter', ['-t', String(initPid), '-a', '-r', '-w', '--', '/bin/sh', '-c', command], input);
}

/** Runs a command from the neighbour namespace: another machine on the provider's private network. */
export function neighbourExec(lab: LabInfo, command: string): Promise<CommandResult> {
  return run('ip', ['netns', 'exec', lab.neighbour.netns, '/bin/sh', '-c', command]);
}

/** Throws with the command's output unless it exited 0; returns stdout. */
export function ok(result: CommandResult, what = 'command'): string {
  if (result.code !== 0) throw new Error(`${what} exited ${result.code}: ${result.stderr.trim() || result.stdout.trim()}`);
  return result.stdout;
}
