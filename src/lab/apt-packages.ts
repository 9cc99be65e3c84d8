// The packages lab hosts can `apt-get install` without internet: served from the lab's local repository together
// with every dependency apt would install on an empty system (so minimal systemd hosts get them too).
// Add a package here when a role or test needs it; the repository is rebuilt when this list changes.
export const LAB_APT_PACKAGES: readonly string[] = [
  'sshguard',
  'iptables',
  'iptables-persistent',
  'netfilter-persistent',
  'python3',
  'sudo',
  'curl',
  'gnupg',
  'ca-certificates',
];
