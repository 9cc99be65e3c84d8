// What an action may do on the controller itself (ActionIO.controller, ActionIO.ssh): find a program, resolve a
// controller path as Ansible's actions do, run a program, and tell OpenSSH how to reach the host as we do.
import { spawn } from 'node:child_process';
import { accessSync, constants, existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';
import type { ControllerSide, ExecResult, SshRoute } from '../modules/define.js';
import type { BecomeOptions, ConnectTarget } from '../transport/transport.js';
import { opensshOptions } from '../transport/ssh/openssh-options.js';

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * `files`: where a relative path is looked for, in order (the task's SearchDirs.files; the last is the playbook's
 * dir). `beforeRun`: a program run from here may change the host (rsync), so what was read ahead goes stale.
 */
export function controllerSide(files: readonly string[], beforeRun: () => void = () => undefined): ControllerSide {
  return {
    program(name) {
      if (name.includes('/')) return isExecutable(name) ? name : undefined;
      for (const dir of (process.env.PATH ?? '/usr/local/bin:/usr/bin:/bin').split(delimiter)) {
        if (dir && isExecutable(join(dir, name))) return join(dir, name);
      }
      return undefined;
    },
    path(path) {
      if (path === '~' || path.startsWith('~/')) return join(homedir(), path.slice(1)) + (path.endsWith('/') && path.length > 2 ? '/' : '');
      if (isAbsolute(path) || files.length === 0) return path;
      const found = files.map((d) => join(d, path)).find((p) => existsSync(p));
      return found ?? join(files[files.length - 1]!, path);
    },
    run: (argv, options = {}) => {
      beforeRun();
      return runOnController(argv, options.timeoutMs);
    },
  };
}

function runOnController(argv: readonly string[], timeoutMs?: number): Promise<ExecResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', 'pipe', 'pipe'], timeout: timeoutMs });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (b: Buffer) => out.push(b));
    child.stderr.on('data', (b: Buffer) => err.push(b));
    child.on('error', reject);
    child.on('close', (code, signal) => resolve({ stdout: Buffer.concat(out).toString('utf8'), stderr: Buffer.concat(err).toString('utf8'), code, signal }));
  });
}

/** How OpenSSH reaches the task's target as our connection does. */
export function sshRoute(target: ConnectTarget, become: BecomeOptions | undefined): SshRoute {
  return {
    address: target.address,
    port: target.port,
    user: target.user,
    privateKeyFiles: target.privateKeyFiles,
    options: opensshOptions(target),
    hasPassword: target.password !== undefined,
    becomeUser: become?.user,
  };
}
