// Helpers for the fault-injection tests (test/faults): a work dir with its own HOME (so retry files don't collide),
// inventories built from a lab with per-host overrides, the play recap from --json, and leftover-process checks.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostExec, type LabInfo } from './lab.js';
import { TSINFRA, jsonLines, type CliResult } from './cli.js';

export interface FaultWork {
  dir: string;
  home: string;
  file(name: string, text: string): string;
}

export function faultWork(label: string): FaultWork {
  const dir = mkdtempSync(join(tmpdir(), `tsinfra-fault-${label}-`));
  const home = join(dir, 'home');
  mkdirSync(home);
  return {
    dir,
    home,
    file(name, text) {
      const path = join(dir, name);
      writeFileSync(path, text);
      return path;
    },
  };
}

/** A YAML inventory of the lab's hosts (root, lab key, lab known_hosts) with extra variables per host. */
export function labInventory(lab: LabInfo, perHost: Record<string, Record<string, string | number | boolean>> = {}): string {
  const lines = ['all:', '  vars:', '    ansible_user: root', `    ansible_ssh_private_key_file: ${JSON.stringify(lab.privateKeyPath)}`, `    tsinfra_known_hosts_file: ${JSON.stringify(lab.knownHostsPath)}`, '  hosts:'];
  for (const h of lab.hosts) {
    lines.push(`    ${h.name}:`, `      ansible_host: ${h.sshAddress}`);
    for (const [k, v] of Object.entries(perHost[h.name] ?? {})) lines.push(`      ${k}: ${JSON.stringify(v)}`);
  }
  return `${lines.join('\n')}\n`;
}

export interface RunningPlay {
  child: ChildProcess;
  done: Promise<CliResult>;
}

/** Starts `tsinfra ARGS` with HOME in the work dir; `done` settles when the process has exited and closed its pipes. */
export function startTsinfra(work: FaultWork, args: string[], timeoutMs = 90_000): RunningPlay {
  const started = Date.now();
  const child = spawn(TSINFRA, args, { env: { ...process.env, HOME: work.home, NO_COLOR: '1' }, timeout: timeoutMs, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (b: Buffer) => (stdout += b));
  child.stderr!.on('data', (b: Buffer) => (stderr += b));
  const done = new Promise<CliResult>((resolve, reject) => {
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ stdout, stderr: signal ? `${stderr}\n[killed by ${signal}]` : stderr, code, ms: Date.now() - started }));
  });
  return { child, done };
}

export type Recap = Record<string, Record<string, number>>;

export function recapOf(r: CliResult): { hosts: Recap; retryFile?: string } {
  const line = jsonLines(r.stdout).find((e) => e.type === 'recap');
  if (!line) throw new Error(`no recap in output: ${r.stdout.slice(-1500)}${r.stderr.slice(-1500)}`);
  return { hosts: line.hosts as Recap, retryFile: line.retryFile as string | undefined };
}

/** Host results of the run (--json `host_result` events). */
export function hostResults(r: CliResult, host: string): Record<string, unknown>[] {
  return jsonLines(r.stdout)
    .filter((e) => e.type === 'host_result')
    .map((e) => e.result as Record<string, unknown>)
    .filter((res) => res.host === host);
}

export async function fileOn(lab: LabInfo, host: string, path: string): Promise<string | undefined> {
  const r = await hostExec(lab, host, `cat -- '${path}'`);
  return r.code === 0 ? r.stdout : undefined;
}

/**
 * tsinfra scripts still running on a host: plain `/bin/sh -s` execs, and the subshells a script session forks for
 * its scripts (a child of the session runner with the runner's own argv). An idle runner is not a script.
 */
export async function remoteScripts(lab: LabInfo, host: string): Promise<string[]> {
  const r = await hostExec(
    lab,
    host,
    `ps -eo pid=,ppid=,args= | awk '$3 == "/bin/sh" && $4 == "-s" { if (NF == 4) print; else if ($5 == "tsinfra-session" && NF == 5) { runner[$1] = 1; line[$1] = $0; parent[$1] = $2 } }
      END { for (p in runner) if (parent[p] in runner) print line[p] }'`,
  );
  return r.stdout.split('\n').filter((l) => l.trim());
}

/** Waits (up to timeoutMs) until no tsinfra script runs on any of the hosts; returns what is still left. */
export async function settleRemoteScripts(lab: LabInfo, hosts: string[], timeoutMs = 8000): Promise<Record<string, string[]>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const left: Record<string, string[]> = {};
    for (const h of hosts) {
      const s = await remoteScripts(lab, h);
      if (s.length) left[h] = s;
    }
    if (Object.keys(left).length === 0 || Date.now() > deadline) return left;
    await sleep(250);
  }
}

/** Leftover atomic-write temp files anywhere on the host's root filesystem (and given extra mounts). */
export async function tempFiles(lab: LabInfo, host: string, extraDirs: string[] = []): Promise<string[]> {
  const r = await hostExec(lab, host, `find / -xdev -name '.tsinfra.*' 2>/dev/null; ${extraDirs.map((d) => `find '${d}' -name '.tsinfra.*' 2>/dev/null;`).join(' ')} true`);
  return r.stdout.split('\n').filter((l) => l.trim());
}

/** Waits until `probe` holds on every host, failing with the run's output if the run ends first. */
export async function waitWhileRunning(lab: LabInfo, run: RunningPlay, hosts: string[], probe: string, timeoutMs = 120_000): Promise<void> {
  const ended = run.done.then((r) => {
    throw new Error(`the run ended (exit ${r.code}) before "${probe}" held on ${hosts.join(', ')}: ${r.stdout.slice(-1500)}${r.stderr.slice(-500)}`);
  });
  ended.catch(() => undefined);
  await Promise.race([Promise.all(hosts.map((h) => waitOnHost(lab, h, probe, timeoutMs))), ended]);
}

/** Polls `probe` on the host until it exits 0. */
export async function waitOnHost(lab: LabInfo, host: string, probe: string, timeoutMs = 60_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await hostExec(lab, host, probe)).code !== 0) {
    if (Date.now() > deadline) throw new Error(`${host}: still not true after ${timeoutMs} ms: ${probe}`);
    await sleep(100);
  }
}

export function isProcessAlive(pid: number | undefined): boolean {
  if (!pid) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Kills a host's sshd: the listener and every session process (OpenSSH ≥ 9.8 names them sshd-session). */
export const KILL_SSHD = 'for p in $(pidof sshd sshd-session); do kill -9 $p; done; true';
/** Starts sshd the way the lab's init does (it daemonizes, host keys are in /etc/ssh). */
export const START_SSHD = '/usr/sbin/sshd';
