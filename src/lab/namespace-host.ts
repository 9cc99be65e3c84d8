// A namespace host: its own network, mount, UTS and PID namespaces over an overlay of the controller's root. Fast and
// light (a few MiB each), for scale; no systemd inside (`service NAME ...` uses /etc/init.d scripts).
import { closeSync, mkdirSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from '../errors.js';
import { consoleTail, spawnDetached, waitForBoot } from './host-process.js';
import { recordObject } from './lab-state.js';
import { namespaceInitIn, type ProcessRef } from './process-identity.js';
import { runTool } from './run-tool.js';

// PID 1 of the host, run by sh in fresh mount/UTS/PID namespaces inside the host's netns. It builds the root
// (overlay over /, fresh /proc /sys /dev /run /tmp, controller secrets hidden), pivots into it, starts sshd the
// classic way and becomes a reaper. Every mount lives in this mount namespace: it all goes when the host dies.
const INIT_SCRIPT = `#!/bin/sh
set -eu
d=$1
. "$d/host.env"
exec 3>>"$d/status"
trap 'echo failed >&3' EXIT
hostname "$HOST_NAME"
m=$d/mnt
mount -t tmpfs -o size=4g,mode=755 tsi-host "$m"
mkdir "$m/upper" "$m/work" "$m/root"
mount -t overlay -o lowerdir=/,upperdir="$m/upper",workdir="$m/work" tsi-root "$m/root"
r=$m/root
mount -t proc proc "$r/proc"
# Kernel-wide sysctls are the controller's: read-only. net.* belongs to the host's own network namespace.
mount --bind "$r/proc/sys/net" "$r/proc/sys/net"
mount --rbind -o ro "$r/proc/sys" "$r/proc/sys"
mount -t sysfs -o ro sysfs "$r/sys"
# /dev and /run start from skeletons made once per lab: one cp instead of a dozen mknod/ln/mkdir per host.
mount -t tmpfs -o size=16m,mode=755,nosuid tsi-dev "$r/dev"
cp -a "$LAB_DIR/skel/dev/." "$r/dev/"
mount -t devpts -o newinstance,ptmxmode=0666,mode=620,gid=5 devpts "$r/dev/pts"
mount -t tmpfs -o mode=1777,nosuid,nodev tsi-shm "$r/dev/shm"
mount -t tmpfs -o size=256m,mode=755,nosuid,nodev tsi-run "$r/run"
cp -a "$LAB_DIR/skel/run/." "$r/run/"
mount -t tmpfs -o size=1g,mode=1777,nosuid,nodev tsi-tmp "$r/tmp"
# The controller's secrets: root's home, lab state (keys), the project. Empty (root's home writable) inside.
mount -t tmpfs -o size=256m,mode=700 tsi-home "$r/root"
while IFS= read -r p; do
  if [ -d "$r$p" ] && [ "$p" != /root ]; then mount -t tmpfs -o size=1m,mode=755 tsi-hidden "$r$p"; fi
done < "$LAB_DIR/hidden-paths"
# The controller's host keys and apt sources give way to the host's own (from its seed).
rm -rf "$r"/etc/ssh/ssh_host_* "$r"/etc/apt/sources.list.d/*
find "$r/var/lib/apt/lists" -maxdepth 1 -type f -delete
# man-db/auto-update off (Debian's own switch): its trigger otherwise re-indexes the controller's man pages, seconds
# of CPU on every package install in every host. The systemd rootfs has no man-db.
rm -f "$r/var/lib/man-db/auto-update"
cp -a "$APT_LISTS/." "$r/var/lib/apt/lists/"
cp -a "$d/seed/." "$r/"
mount --bind -o ro "$APT_REPO" "$r/srv/tsinfra-apt"
cd "$r"
pivot_root . .
umount -l .
cd /
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
/usr/sbin/sshd
trap - EXIT
echo ready >&3
exec 3>&-
exec perl -e '$0 = "tsinfra-lab-init"; $SIG{TERM} = sub { exit 0 }; while (1) { sleep 1 if waitpid(-1, 0) < 0 }'
`;

// Device nodes need mknod(1) (node has no mknod): one small script, once per lab.
const SKELETON_SCRIPT = `set -eu
umask 022
cd "$1"
mkdir -p dev/pts dev/shm run
mknod -m 666 dev/null c 1 3
mknod -m 666 dev/zero c 1 5
mknod -m 666 dev/full c 1 7
mknod -m 666 dev/random c 1 8
mknod -m 666 dev/urandom c 1 9
mknod -m 666 dev/tty c 5 0
ln -s pts/ptmx dev/ptmx
ln -s /proc/self/fd dev/fd
ln -s /proc/self/fd/0 dev/stdin
ln -s /proc/self/fd/1 dev/stdout
ln -s /proc/self/fd/2 dev/stderr
mkdir -m 1777 run/lock
mkdir -m 755 run/sshd
`;

/** Writes the init script and the /dev and /run skeletons; returns the script's path. */
export async function prepareNamespaceBoot(stateDir: string): Promise<string> {
  const path = join(stateDir, 'init-namespace.sh');
  writeFileSync(path, INIT_SCRIPT, { mode: 0o700 });
  const skel = join(stateDir, 'skel');
  mkdirSync(skel, { mode: 0o755 });
  await runTool('/bin/sh', ['-c', SKELETON_SCRIPT, 'sh', skel]);
  return path;
}

export interface NamespaceHostStart {
  stateDir: string;
  hostName: string;
  hostDir: string;
  netns: string;
  initScript: string;
}

/** Boots the host and returns its PID 1 once sshd listens. */
export async function startNamespaceHost(opts: NamespaceHostStart): Promise<ProcessRef> {
  const log = openSync(join(opts.hostDir, 'console.log'), 'a');
  const args = [`--net=/run/netns/${opts.netns}`, '--', 'unshare', '--mount', '--uts', '--pid', '--fork', '--propagation', 'private', '--', '/bin/sh', opts.initScript, opts.hostDir];
  try {
    const wrapper = spawnDetached('nsenter', args, log, (ref) => recordObject(opts.stateDir, { type: 'process', ...ref, host: opts.hostName, role: 'wrapper' }));
    await waitForBoot(opts.hostDir, wrapper, opts.hostName);
  } finally {
    closeSync(log);
  }
  const init = namespaceInitIn(opts.netns);
  if (!init) throw new LabError(`${opts.hostName}: booted but its init is gone: ${consoleTail(opts.hostDir)}`);
  recordObject(opts.stateDir, { type: 'process', ...init, host: opts.hostName, role: 'init' });
  return init;
}
