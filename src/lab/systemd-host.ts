// A systemd host: the cached Debian rootfs booted by systemd-nspawn in the host's network namespace, with real
// systemd as PID 1 and journald. Production-like, heavier (about 50 MB each).
import { closeSync, openSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from '../errors.js';
import { consoleTail, spawnDetached, type DetachedProcess } from './host-process.js';
import { recordObject } from './lab-state.js';
import { namespaceInitIn, type ProcessRef } from './process-identity.js';

// Runs in a private mount namespace (unshare --mount): the overlay and its tmpfs go when nspawn exits.
const BOOT_SCRIPT = `#!/bin/sh
set -eu
d=$1
. "$d/host.env"
m=$d/mnt
mount -t tmpfs -o size=4g,mode=755 tsi-host "$m"
mkdir "$m/upper" "$m/work" "$m/root"
mount -t overlay -o lowerdir="$ROOTFS",upperdir="$m/upper",workdir="$m/work" tsi-root "$m/root"
r=$m/root
rm -rf "$r"/etc/apt/sources.list.d/*
find "$r/var/lib/apt/lists" -maxdepth 1 -type f -delete
cp -a "$APT_LISTS/." "$r/var/lib/apt/lists/"
cp -a "$d/seed/." "$r/"
# nspawn --keep-unit nests the container's cgroups under ours: without a cgroup per host, containers would share.
while IFS= read -r cg; do
  mkdir -p "$cg"
  echo $$ > "$cg/cgroup.procs"
done < "$d/cgroups"
# NET_ADMIN and NET_RAW apply to the host's own network namespace only: its firewall (iptables) needs them.
# A reboot inside the container (systemctl reboot, shutdown -r) ends nspawn with status 133; systemd-nspawn@.service
# boots it again on that status (RestartForceExitStatus=133), and so does this loop: the host comes back with its
# disk (the overlay) and a new boot id, as a machine does. Any other end (lab down kills PID 1) ends the host.
while :; do
  rc=0
  systemd-nspawn -D "$r" --register=no --keep-unit --machine="$MACHINE" \\
    --capability=CAP_NET_ADMIN,CAP_NET_RAW \\
    --network-namespace-path="/run/netns/$NETNS" --console=passive --link-journal=no \\
    --resolv-conf=off --timezone=off --bind-ro="$APT_REPO:/srv/tsinfra-apt" -b || rc=$?
  [ "$rc" = 133 ] || exit "$rc"
done
`;

export function writeSystemdBoot(stateDir: string): string {
  const path = join(stateDir, 'boot-systemd.sh');
  writeFileSync(path, BOOT_SCRIPT, { mode: 0o700 });
  return path;
}

/** Mount points of the cgroup hierarchies nspawn uses: cgroup2, and v1's name=systemd on hybrid hosts. */
export function cgroupHierarchies(): string[] {
  const mountinfo = readFileSync('/proc/self/mountinfo', 'utf8');
  const found: string[] = [];
  for (const line of mountinfo.split('\n')) {
    const [left, right] = line.split(' - ');
    if (!left || !right) continue;
    const mountPoint = left.split(' ')[4];
    const [fstype, , superOptions] = right.split(' ');
    if (!mountPoint) continue;
    if (fstype === 'cgroup2' || (fstype === 'cgroup' && superOptions?.split(',').includes('name=systemd'))) found.push(mountPoint);
  }
  return found;
}

export interface SystemdHostStart {
  stateDir: string;
  hostName: string;
  hostDir: string;
  netns: string;
  bootScript: string;
  /** Resolves true once sshd answers (the caller knows how to reach the host). */
  isSshReady: () => Promise<boolean>;
}

function writeCgroups(opts: SystemdHostStart): void {
  const paths = cgroupHierarchies().map((h) => join(h, 'tsinfra', opts.netns));
  for (const path of paths) recordObject(opts.stateDir, { type: 'cgroup', path });
  writeFileSync(join(opts.hostDir, 'cgroups'), paths.map((p) => `${p}\n`).join(''));
}

async function waitForSsh(opts: SystemdHostStart, proc: DetachedProcess, timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await opts.isSshReady())) {
    if (proc.hasExited()) throw new LabError(`${opts.hostName}: systemd-nspawn exited: ${consoleTail(opts.hostDir)}`);
    if (Date.now() > deadline) throw new LabError(`${opts.hostName}: sshd not answering after ${timeoutMs / 1000} s: ${consoleTail(opts.hostDir)}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Boots the host and returns the container's systemd (PID 1 inside) once sshd answers. */
export async function startSystemdHost(opts: SystemdHostStart): Promise<ProcessRef> {
  writeCgroups(opts);
  // nspawn cleans up after itself when its container ends; these remain only if nspawn itself is killed.
  for (const dir of ['propagate', 'unix-export']) recordObject(opts.stateDir, { type: 'path', path: join('/run/systemd/nspawn', dir, opts.netns) });
  const log = openSync(join(opts.hostDir, 'console.log'), 'a');
  try {
    const args = ['--mount', '--propagation', 'private', '--', '/bin/sh', opts.bootScript, opts.hostDir];
    const nspawn = spawnDetached('unshare', args, log, (ref) => recordObject(opts.stateDir, { type: 'process', ...ref, host: opts.hostName, role: 'nspawn' }));
    await waitForSsh(opts, nspawn);
  } finally {
    closeSync(log);
  }
  const init = namespaceInitIn(opts.netns);
  if (!init) throw new LabError(`${opts.hostName}: sshd answers but the container's init is gone`);
  recordObject(opts.stateDir, { type: 'process', ...init, host: opts.hostName, role: 'init' });
  return init;
}
