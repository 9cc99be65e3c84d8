// A host's own files, prepared on the controller and copied over its root at boot (both kinds): identity,
// host key, root's authorized_keys, sshd settings and the apt source. Also host.env, the boot script's inputs.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { quote } from '../shell/quote.js';
import { HOST_REPO_PATH, HOST_SOURCE_LINE } from './apt-repo.js';
import { generateHostKey } from './ssh-keys.js';

export interface SeedInput {
  hostName: string;
  /** The host's directory in the lab state dir. */
  hostDir: string;
  controllerPublicKey: string;
}

export interface Seed {
  hostPublicKey: string;
}

// sshd drop-ins are read first-wins, before sshd_config's own lines: these hold whatever a play changes later.
const SSHD_DROP_IN = `# Written by tsinfra lab: root logs in by key only, with this host's own key.
PermitRootLogin prohibit-password
PasswordAuthentication no
KbdInteractiveAuthentication no
HostKey /etc/ssh/ssh_host_ed25519_key
PidFile /run/sshd.pid
`;

function etcHosts(name: string): string {
  return `127.0.0.1\tlocalhost\n127.0.1.1\t${name}\n::1\tlocalhost ip6-localhost ip6-loopback\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n`;
}

function put(root: string, path: string, content: string, mode: number): void {
  const full = join(root, path);
  mkdirSync(dirname(full), { recursive: true });
  writeFileSync(full, content, { mode });
  chmodSync(full, mode); // mode on create is masked by the umask
}

function setDirModes(root: string): void {
  // `cp -a seed/.` copies these directories' modes onto the host's: they must be the usual ones.
  for (const [dir, mode] of [['.', 0o755], ['etc', 0o755], ['etc/ssh', 0o755], ['etc/ssh/sshd_config.d', 0o755], ['etc/apt', 0o755], ['root', 0o700], ['root/.ssh', 0o700], ['srv', 0o755], ['srv/tsinfra-apt', 0o755]] as const) {
    chmodSync(join(root, dir), mode);
  }
}

export function writeSeed(input: SeedInput): Seed {
  const seed = join(input.hostDir, 'seed');
  mkdirSync(join(input.hostDir, 'mnt'), { recursive: true });
  const key = generateHostKey();
  put(seed, 'etc/hostname', `${input.hostName}\n`, 0o644);
  put(seed, 'etc/hosts', etcHosts(input.hostName), 0o644);
  put(seed, 'etc/machine-id', `${randomBytes(16).toString('hex')}\n`, 0o444);
  put(seed, 'etc/ssh/ssh_host_ed25519_key', key.privateKey, 0o600);
  put(seed, 'etc/ssh/ssh_host_ed25519_key.pub', `${key.publicKey} root@${input.hostName}\n`, 0o644);
  put(seed, 'etc/ssh/sshd_config.d/00-tsinfra-lab.conf', SSHD_DROP_IN, 0o644);
  put(seed, 'etc/apt/sources.list', `${HOST_SOURCE_LINE}\n`, 0o644);
  put(seed, 'root/.ssh/authorized_keys', `${input.controllerPublicKey}\n`, 0o600);
  mkdirSync(join(seed, HOST_REPO_PATH), { recursive: true }); // the apt repository's mount point
  setDirModes(seed);
  return { hostPublicKey: key.publicKey };
}

/** Shell assignments for the boot script, every value quoted. */
export function writeHostEnv(hostDir: string, vars: Record<string, string>): void {
  const lines = Object.entries(vars).map(([k, v]) => `${k}=${quote(v)}`);
  writeFileSync(join(hostDir, 'host.env'), `${lines.join('\n')}\n`, { mode: 0o600 });
}
