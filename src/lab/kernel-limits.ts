// Every lab host runs as root on the controller's one kernel, so per-user kernel limits are shared by all of
// them. The default of 128 inotify instances per user runs out at about 120 hosts: `journalctl -f` (sshguard's
// log reader on Debian) then fails with "Insufficient watch descriptors available" and sshguard exits. Lab up
// raises that limit; it never lowers it, and leaves it raised (a limit, not a resource: nothing is held).
import { readFileSync, writeFileSync } from 'node:fs';

const INOTIFY_INSTANCES = '/proc/sys/fs/inotify/max_user_instances';

/** Makes room for `hosts` more lab hosts; says so through `progress` when it changes the limit. */
export function raiseKernelLimits(hosts: number, progress: (message: string) => void): void {
  const want = Math.max(8192, 16 * hosts);
  const now = Number(readFileSync(INOTIFY_INSTANCES, 'utf8').trim());
  if (now >= want) return;
  writeFileSync(INOTIFY_INSTANCES, `${want}\n`);
  progress(`lab: raised fs.inotify.max_user_instances from ${now} to ${want} (lab hosts share the controller's per-user limits)`);
}
