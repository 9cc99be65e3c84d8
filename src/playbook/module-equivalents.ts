// For an Ansible module tsinfra does not have: the module we do have that does the same job (by purpose, not by
// spelling: `ufw` is nearest to `firewall`, not to `raw`). One table, used by --syntax-check's message.
export const NEAREST_BY_PURPOSE: Readonly<Record<string, string>> = {
  ufw: 'firewall',
  firewalld: 'firewall',
  iptables_raw: 'iptables',
  apt_rpm: 'package',
  dnf: 'package',
  yum: 'package',
  pip: 'command with pip (a venv: command: python3 -m venv …)',
  archive: 'command: tar -czf … with creates',
  synchronize: 'copy',
  reboot: 'command: reboot, then wait_for_connection',
};
