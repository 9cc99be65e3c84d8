// What a lab hands to its users: an Ansible-compatible YAML inventory and an OpenSSH client config (`ssh -F`).
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import type { LabHost, LabInfo } from './lab-types.js';

/** The host private-only hosts are reached through: the first with a public address. */
export function jumpHostFor(info: LabInfo, host: LabHost): LabHost | undefined {
  if (host.publicAddress) return undefined;
  return info.hosts.find((h) => h.publicAddress);
}

/** Where the controller connects: the latency relay when the lab has one, else the host itself. */
export function connectAddress(info: LabInfo, host: LabHost): { address: string; port?: number } {
  if (info.latency && host.relayPort !== undefined) return { address: info.latency.relayAddress, port: host.relayPort };
  return { address: host.sshAddress };
}

function hostVars(info: LabInfo, host: LabHost): Record<string, string | number> {
  const target = connectAddress(info, host);
  const vars: Record<string, string | number> = { ansible_host: target.address };
  if (target.port !== undefined) vars.ansible_port = target.port;
  if (host.publicAddress) vars.public_ip = host.publicAddress;
  vars.private_ip = host.privateAddress;
  const jump = jumpHostFor(info, host);
  if (jump) vars.lab_jump_host = jump.name;
  return vars;
}

function allVars(info: LabInfo): Record<string, string | number> {
  return {
    ansible_user: 'root',
    ansible_ssh_private_key_file: info.privateKeyPath,
    tsinfra_known_hosts_file: info.knownHostsPath,
    lab_name: info.name,
    lab_kind: info.kind,
    lab_public_cidr: info.networks.public.cidr,
    lab_private_cidr: info.networks.private.cidr,
    lab_vpn_cidr: info.networks.vpn.cidr,
    controller_address: info.controllerAddress,
    lab_neighbour_address: info.neighbour.address,
    lab_apt_source: info.aptRepository.sourceLine,
    ...(info.latency ? { lab_latency_ms: info.latency.delayMs } : {}),
    // Production's names (inventories/hetzner), pointed at the lab: the VPN range, and the ZeroTier test double
    // (network, Central API stand-in, apt repository and key). zerotier_api_token is a secret (masked by name).
    vpn_cidr: info.networks.vpn.cidr,
    zerotier_network_id: info.zerotier.networkId,
    zerotier_api_url: info.zerotier.apiUrl,
    zerotier_api_token: info.zerotier.apiToken,
    zerotier_apt_repo: info.zerotier.aptRepoUrl,
    zerotier_apt_key_url: info.zerotier.aptKeyUrl,
    zerotier_apt_key: info.zerotier.aptKey,
  };
}

/** `all: {vars, hosts (ungrouped), children: {GROUP: {hosts: {NAME: vars}}}}`, groups in first-seen order. */
export function inventoryDocument(info: LabInfo): Record<string, unknown> {
  const children: Record<string, { hosts: Record<string, Record<string, string | number>> }> = {};
  const ungrouped: Record<string, Record<string, string | number>> = {};
  for (const host of info.hosts) {
    if (host.groups.length === 0) ungrouped[host.name] = hostVars(info, host);
    for (const g of host.groups) (children[g] ??= { hosts: {} }).hosts[host.name] = hostVars(info, host);
  }
  const all: Record<string, unknown> = { vars: allVars(info) };
  if (Object.keys(ungrouped).length > 0) all.hosts = ungrouped;
  if (Object.keys(children).length > 0) all.children = children;
  return { all };
}

export function writeInventory(info: LabInfo): void {
  const header = `# tsinfra lab ${info.name} (${info.kind}): written by \`tsinfra lab up\`, removed by \`tsinfra lab down\`.\n`;
  writeFileSync(info.inventoryPath, header + stringify(inventoryDocument(info)), { mode: 0o644 });
}

function quoted(path: string): string {
  return `"${path.replace(/(["\\])/g, '\\$1')}"`;
}

export function sshConfigText(info: LabInfo): string {
  const lines = [`# tsinfra lab ${info.name}: ssh -F ${info.sshConfigPath} HOST`];
  for (const host of info.hosts) {
    const target = connectAddress(info, host);
    lines.push(`Host ${host.name}`, `  HostName ${target.address}`);
    if (target.port !== undefined) lines.push(`  Port ${target.port}`);
    const jump = jumpHostFor(info, host);
    if (jump) lines.push(`  ProxyJump ${jump.name}`);
  }
  lines.push(
    'Host *',
    '  User root',
    `  IdentityFile ${quoted(info.privateKeyPath)}`,
    '  IdentitiesOnly yes',
    `  UserKnownHostsFile ${quoted(info.knownHostsPath)}`,
    '  GlobalKnownHostsFile /dev/null',
    '  StrictHostKeyChecking yes',
    '  UpdateHostKeys no',
    '  PasswordAuthentication no',
    '  ConnectTimeout 10',
    '  LogLevel ERROR',
  );
  return `${lines.join('\n')}\n`;
}

export function writeSshConfig(info: LabInfo): void {
  writeFileSync(info.sshConfigPath, sshConfigText(info), { mode: 0o644 });
}
