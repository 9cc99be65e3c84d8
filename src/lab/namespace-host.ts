// A namespace host: its own network, mount, UTS and PID namespaces over an overlay of the controller's root. Fast and
// light (a few MiB each), for scale; no systemd inside (`service NAME ...` uses /etc/init.d scripts).
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { LabError } from '../errors.js';
import { consoleTail, spawnDetached, waitForBoot } from './host-process.js';
import { recordObject } from './lab-state.js';
import { namespaceInitIn, type ProcessRef } from './process-identity.js';

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
mount -t sysfs -o ro sysfs "$r/sys"
mount -t tmpfs -o size=16m,mode=755,nosuid tsi-dev "$r/dev"
for n in "null 1 3" "zero 1 5" "full 1 7" "random 1 8" "urandom 1 9" "tty 5 0"; do
  set -- $n
  mknod -m 666 "$r/dev/$1" c "$2" "$3"
done
mkdir "$r/dev/pts" "$r/dev/shm"
mount -t devpts -o newinstance,ptmxmode=0666,mode=620,gid=5 devpts "$r/dev/pts"
mount -t tmpfs -o mode=1777,nosuid,nodev tsi-shm "$r/dev/shm"
ln -s pts/ptmx "$r/dev/ptmx"
ln -s /proc/self/fd "$r/dev/fd"
ln -s /proc/self/fd/0 "$r/dev/stdin"
ln -s /proc/self/fd/1 "$r/dev/stdout"
ln -s /proc/self/fd/2 "$r/dev/stderr"
mount -t tmpfs -o size=256m,mode=755,nosuid,nodev tsi-run "$r/run"
mkdir -m 1777 "$r/run/lock"
mkdir -m 755 "$r/run/sshd"
mount -t tmpfs -o size=1g,mode=1777,nosuid,nodev tsi-tmp "$r/tmp"
# The controller's secrets: root's home, lab state (keys), the project. Empty (root's home writable) inside.
mount -t tmpfs -o size=256m,mode=700 tsi-home "$r/root"
while IFS= read -r p; do
  if [ -d "$r$p" ] && [ "$p" != /root ]; then mount -t tmpfs -o size=1m,mode=755 tsi-hidden "$r$p"; fi
done < "$LAB_DIR/hidden-paths"
rm -f "$r"/etc/ssh/ssh_host_*
rm -rf "$r"/etc/apt/sources.list.d/*
find "$r/var/lib/apt/lists" -maxdepth 1 -type f -delete
mkdir -p "$r/srv/tsinfra-apt"
mount --bind -o ro "$APT_REPO" "$r/srv/tsinfra-apt"
cp -a "$APT_LISTS/." "$r/var/lib/apt/lists/"
cp -a "$d/seed/." "$r/"
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

export function writeNamespaceInit(stateDir: string): string {
  const path = join(stateDir, 'init-namespace.sh');
  writeFileSync(path, INIT_SCRIPT, { mode: 0o700 });
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
