// `lab up --packages`: installs packages on a host once it is up, with the host's own apt and dpkg against the lab's
// repository (which already holds them and their dependencies), exactly as `apt-get install` by a user would.
import { LabError } from '../errors.js';
import { runTool } from './run-tool.js';

export interface HostPackagesInput {
  hostName: string;
  /** The host's PID 1 on the controller: nsenter joins its namespaces and root, independent of sshd. */
  initPid: number;
  packages: readonly string[];
}

// A fixed environment: the controller's (tokens, TSINFRA_* settings) must not leak into the host's processes.
const HOST_ENV = {
  PATH: '/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin',
  LC_ALL: 'C',
  DEBIAN_FRONTEND: 'noninteractive',
  HOME: '/root',
};

export async function installHostPackages(input: HostPackagesInput): Promise<void> {
  const args = [
    '-t', String(input.initPid), '-a', '-r', '-w', '--',
    // A freshly booted systemd host may hold the dpkg lock briefly (e.g. an apt timer): wait rather than fail.
    'apt-get', 'install', '-y', '-q', '-o', 'DPkg::Lock::Timeout=120', '-o', 'Dpkg::Use-Pty=0', ...input.packages,
  ];
  await runTool('nsenter', args, { env: HOST_ENV, timeoutMs: 10 * 60_000 }).catch((err: unknown) => {
    throw new LabError(`${input.hostName}: cannot install ${input.packages.join(', ')}: ${(err as Error).message}`);
  });
}
