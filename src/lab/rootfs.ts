// The root filesystem systemd hosts boot from: Debian bookworm via debootstrap, built once and cached. Built in a
// temporary directory and renamed into place, so a crash never leaves a half rootfs; debootstrap runs in its own
// mount namespace, so mounts it leaves behind (proc, sys) vanish with it.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, readdirSync, renameSync, rmSync, writeFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from '../errors.js';
import { withFileLock } from './file-lock.js';
import { labCacheRoot } from './lab-paths.js';
import { runTool } from './run-tool.js';

const SUITE = 'bookworm';
const INCLUDE = ['systemd', 'systemd-sysv', 'dbus', 'openssh-server', 'iproute2', 'python3', 'sudo', 'procps', 'less'];
/** Bump when the tweaks below change: a new directory is built. */
const RECIPE_VERSION = 1;

const ROOTFS_ROOT = () => join(labCacheRoot(), 'rootfs');

/** The Debian mirror the controller's apt already uses (this machine reaches only that one). */
export function debianMirror(): string {
  if (process.env.TSINFRA_DEBIAN_MIRROR) return process.env.TSINFRA_DEBIAN_MIRROR;
  const sources = ['/etc/apt/sources.list.d/debian.sources', '/etc/apt/sources.list'];
  for (const file of sources) {
    let text = '';
    try {
      text = readFileSync(file, 'utf8');
    } catch {
      continue;
    }
    const m = /^URIs:\s*(\S+\/debian)\/?\s*$/m.exec(text) ?? /^deb\s+(?:\[[^\]]*\]\s+)?(\S+\/debian)\/?\s+/m.exec(text);
    if (m?.[1]) return m[1];
  }
  return 'http://deb.debian.org/debian';
}

function rootfsDir(): string {
  const key = createHash('sha256').update(`${SUITE} ${INCLUDE.join(',')} ${RECIPE_VERSION}`).digest('hex').slice(0, 12);
  return join(ROOTFS_ROOT(), `${SUITE}-${key}`);
}

// Per-host files (host keys, machine-id, hostname) come from each host's seed: the image must not carry any.
function tweakRootfs(dir: string): void {
  for (const f of readdirSync(join(dir, 'etc/ssh')).filter((n) => n.startsWith('ssh_host_'))) rmSync(join(dir, 'etc/ssh', f));
  writeFileSync(join(dir, 'etc/machine-id'), '');
  rmSync(join(dir, 'var/lib/dbus/machine-id'), { force: true });
  for (const f of readdirSync(join(dir, 'var/cache/apt/archives')).filter((n) => n.endsWith('.deb'))) rmSync(join(dir, 'var/cache/apt/archives', f));
  // No console login in a lab host: the console is a log file.
  const units = join(dir, 'etc/systemd/system');
  mkdirSync(units, { recursive: true });
  for (const unit of ['console-getty.service', 'getty@.service']) maskUnit(join(units, unit));
  writeFileSync(join(dir, 'etc/tsinfra-lab-rootfs'), `${SUITE} ${INCLUDE.join(',')} recipe ${RECIPE_VERSION}\n`);
}

function maskUnit(path: string): void {
  rmSync(path, { force: true });
  symlinkSync('/dev/null', path);
}

async function debootstrap(target: string, logFile: string): Promise<void> {
  const args = ['--mount', '--propagation', 'private', '--', 'debootstrap', '--variant=minbase', `--include=${INCLUDE.join(',')}`, SUITE, target, debianMirror()];
  const result = await runTool('unshare', args, { allowFailure: true, env: { ...process.env, LC_ALL: 'C', DEBIAN_FRONTEND: 'noninteractive' } });
  writeFileSync(logFile, result.stdout + result.stderr);
  if (result.exitCode !== 0) {
    const tail = (result.stdout + result.stderr).trim().split('\n').slice(-5).join(' | ');
    throw new LabError(`debootstrap failed (log: ${logFile}): ${tail}`, { hint: 'check that the Debian mirror is reachable (TSINFRA_DEBIAN_MIRROR)' });
  }
}

async function buildRootfs(final: string, onProgress: (m: string) => void): Promise<void> {
  mkdirSync(ROOTFS_ROOT(), { recursive: true });
  // We hold the build lock: any temporary sibling is a crashed build's leftover.
  for (const n of readdirSync(ROOTFS_ROOT()).filter((n) => n.includes('.tmp-'))) rmSync(join(ROOTFS_ROOT(), n), { recursive: true, force: true });
  const tmp = `${final}.tmp-${process.pid}`;
  onProgress(`building the systemd hosts' root filesystem with debootstrap (once; about a minute)`);
  try {
    await debootstrap(tmp, `${final}.log`);
    tweakRootfs(tmp);
    renameSync(tmp, final);
  } catch (err) {
    rmSync(tmp, { recursive: true, force: true });
    throw err;
  }
}

/** The cached rootfs directory, built first if missing. */
export async function ensureRootfs(onProgress: (m: string) => void = () => {}): Promise<string> {
  const final = rootfsDir();
  if (existsSync(final)) return final;
  mkdirSync(ROOTFS_ROOT(), { recursive: true });
  return withFileLock(join(ROOTFS_ROOT(), '.build.lock'), async () => {
    if (!existsSync(final)) await buildRootfs(final, onProgress);
    return final;
  }, 20 * 60_000);
}
