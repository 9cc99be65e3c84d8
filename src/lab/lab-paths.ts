// Where labs keep state and caches, and which controller paths hosts must not see.
import { dirname, join, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Root of every lab's state directory (holds controller keys: hidden from hosts). */
export function labStateRoot(): string {
  return resolve(process.env.TSINFRA_LAB_STATE_DIR ?? '/var/lib/tsinfra/labs');
}

/** Downloads, the local apt repository and the systemd root filesystem, kept between runs. */
export function labCacheRoot(): string {
  return resolve(process.env.TSINFRA_CACHE_DIR ?? '/var/cache/tsinfra');
}

export function labStateDir(name: string): string {
  return join(labStateRoot(), name);
}

/** The checkout (or installed package) tsinfra runs from: src/lab/ or dist/lab/ is two levels down. */
export function projectRoot(): string {
  return resolve(dirname(fileURLToPath(import.meta.url)), '..', '..');
}

// Paths hosts need from the controller's root: hiding any of them (or a parent) would break the host.
const NEEDED = ['/usr', '/etc', '/bin', '/sbin', '/lib', '/lib64', '/var/lib/dpkg', '/var/lib/apt', '/var/cache/apt', '/srv'];

function isUnsafeToHide(path: string): boolean {
  if (path === '/') return true;
  return NEEDED.some((needed) => needed === path || needed.startsWith(path + sep));
}

/** Directories shown empty inside namespace hosts: root's home, lab state (keys), the project and the cwd. */
export function hiddenPaths(): string[] {
  const stateParent = dirname(labStateRoot());
  const candidates = ['/root', stateParent, labStateRoot(), projectRoot(), process.cwd()];
  const unique = [...new Set(candidates.map((p) => resolve(p)))];
  return unique.filter((p) => !isUnsafeToHide(p) && !unique.some((q) => q !== p && p.startsWith(q + sep) && !isUnsafeToHide(q)));
}
