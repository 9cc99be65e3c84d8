// Before touching the machine: are we root on Linux, and is every tool there? Errors name the Debian package.
import { accessSync, constants } from 'node:fs';
import { delimiter, join } from 'node:path';
import { LabError } from '../errors.js';
import type { LabKind } from './lab-types.js';

/** tool → Debian package that ships it. */
const COMMON_TOOLS: Record<string, string> = {
  ip: 'iproute2',
  nsenter: 'util-linux',
  unshare: 'util-linux',
  mount: 'mount',
  'ssh-keygen': 'openssh-client',
  ssh: 'openssh-client',
  'ssh-keyscan': 'openssh-client',
  sshd: 'openssh-server',
  perl: 'perl-base',
  'apt-get': 'apt',
  'dpkg-scanpackages': 'dpkg-dev',
  // The ZeroTier test double: its .deb and its signed apt repository.
  'dpkg-deb': 'dpkg',
  gpg: 'gnupg',
};

const SYSTEMD_TOOLS: Record<string, string> = {
  'systemd-nspawn': 'systemd-container',
  debootstrap: 'debootstrap',
};

const SEARCH_PATH = ['/usr/local/sbin', '/usr/local/bin', '/usr/sbin', '/usr/bin', '/sbin', '/bin'];

export function findTool(tool: string): string | undefined {
  const dirs = [...(process.env.PATH ?? '').split(delimiter), ...SEARCH_PATH].filter(Boolean);
  for (const dir of dirs) {
    try {
      accessSync(join(dir, tool), constants.X_OK);
      return join(dir, tool);
    } catch {
      // keep looking
    }
  }
  return undefined;
}

export function assertRoot(): void {
  if (process.platform !== 'linux') throw new LabError('the lab needs Linux (network namespaces, overlayfs)');
  if (process.getuid?.() !== 0) {
    throw new LabError('the lab needs root (it creates network namespaces, bridges and mounts)', { hint: 'run it with sudo' });
  }
}

export function assertTools(kind: LabKind): void {
  const tools = kind === 'systemd' ? { ...COMMON_TOOLS, ...SYSTEMD_TOOLS } : COMMON_TOOLS;
  const missing = Object.entries(tools).filter(([tool]) => !findTool(tool));
  if (missing.length === 0) return;
  const packages = [...new Set(missing.map(([, pkg]) => pkg))];
  throw new LabError(`the lab needs ${missing.map(([t]) => t).join(', ')}`, { hint: `apt-get install ${packages.join(' ')}` });
}

/** Both checks; the lab's entry points call this first. */
export function preflight(kind: LabKind): void {
  assertRoot();
  assertTools(kind);
}
