// For an Ansible module tsinfra does not have: the module we do have that does the same job (by purpose, not by
// spelling: `firewalld` is nearest to `firewall`, not to `file`). One table, used by --syntax-check's message.
export const NEAREST_BY_PURPOSE: Readonly<Record<string, string>> = {
  firewalld: 'firewall',
  iptables_raw: 'iptables',
  apt_rpm: 'package',
  dnf: 'package',
  yum: 'package',
};
