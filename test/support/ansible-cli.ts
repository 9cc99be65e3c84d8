// Debian's ansible tools (the oracle) and the built tsinfra, run side by side in one scratch directory that holds an
// empty ansible.cfg, so neither the machine's nor this checkout's configuration changes either run.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runProgram, tsinfra, type CliResult } from './cli.js';

export interface OracleDir {
  dir: string;
  /** Writes `text` to `name` in the directory; returns its path. */
  write(name: string, text: string): string;
  /** `tool` (ansible-playbook, ansible, ansible-inventory…) with `args`, run in the directory. */
  ansible(tool: string, args: string[], timeoutMs?: number, input?: string): Promise<CliResult>;
  /** The built tsinfra with `args`, run in the directory (`input` on stdin, else it is closed). */
  tsinfra(args: string[], timeoutMs?: number, input?: string): Promise<CliResult>;
}

/** A scratch directory, removed when the process exits. */
export function oracleDir(prefix = 'tsinfra-oracle-'): OracleDir {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  process.once('exit', () => rmSync(dir, { recursive: true, force: true }));
  const write = (name: string, text: string) => {
    const path = join(dir, name);
    writeFileSync(path, text);
    return path;
  };
  write('ansible.cfg', '[defaults]\n');
  const env = {
    ...process.env,
    ANSIBLE_CONFIG: join(dir, 'ansible.cfg'),
    ANSIBLE_LOCAL_TEMP: join(dir, '.ansible-tmp'),
    ANSIBLE_SSH_CONTROL_PATH_DIR: join(dir, '.ansible-cp'),
    ANSIBLE_RETRY_FILES_ENABLED: '0',
    ANSIBLE_PIPELINING: '1', // no module upload, no pty (a pty hangs under a user-level sshd); tsinfra always pipelines
    ANSIBLE_NOCOLOR: '1',
    ANSIBLE_FORCE_COLOR: '0',
  };
  const ansible = (tool: string, args: string[], timeoutMs = 120_000, input?: string) => runProgram(tool, args, { cwd: dir, env, timeoutMs, input });
  return { dir, write, ansible, tsinfra: (args, timeoutMs, input) => tsinfra(args, { cwd: dir, timeoutMs, input }) };
}

/** Starts each job, at most `width` at once; the promises come back in the jobs' order. */
export function inBatches<T>(jobs: (() => Promise<T>)[], width: number): Promise<T>[] {
  const pending = [...jobs.entries()];
  const settle: { resolve: (v: T) => void; reject: (e: unknown) => void }[] = [];
  const results = jobs.map((_, i) => new Promise<T>((resolve, reject) => (settle[i] = { resolve, reject })));
  const worker = async (): Promise<void> => {
    for (let next = pending.shift(); next; next = pending.shift()) {
      const [i, job] = next;
      await job().then(settle[i]!.resolve, settle[i]!.reject);
    }
  };
  for (let i = 0; i < width; i++) void worker();
  return results;
}
