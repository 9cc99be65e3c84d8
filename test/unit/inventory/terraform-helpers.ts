// Shared by the Terraform inventory tests: fixture paths and small states written from code.
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Inventory } from '../../../src/inventory/types.js';

const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
export const TERRAFORM_FIXTURES = join(ROOT, 'test', 'fixtures', 'terraform');
export const HETZNER_YAML = join(ROOT, 'inventories', 'hetzner', 'hosts.yml');
export const REPO_ROOT = ROOT;

export const HCLOUD = 'provider["registry.terraform.io/hetznercloud/hcloud"]';
export const SCALEWAY = 'provider["registry.terraform.io/scaleway/scaleway"]';

export interface ResourceSpec {
  type: string;
  name: string;
  mode?: 'managed' | 'data';
  module?: string;
  provider?: string;
  /** Attributes of each instance; `index_key` and `deposed` go beside them. */
  instances: (Record<string, unknown> & { index_key?: number | string; deposed?: string })[];
}

/** The text of a version 4 state holding `resources` (pretty-printed like Terraform's). */
export function stateText(resources: ResourceSpec[], extra: Record<string, unknown> = {}): string {
  const state = {
    version: 4,
    terraform_version: '1.9.5',
    serial: 1,
    lineage: '00000000-0000-4000-8000-000000000000',
    outputs: {},
    ...extra,
    resources: resources.map((r) => ({
      ...(r.module ? { module: r.module } : {}),
      mode: r.mode ?? 'managed',
      type: r.type,
      name: r.name,
      provider: r.provider ?? (r.type.startsWith('hcloud') ? HCLOUD : SCALEWAY),
      instances: r.instances.map(({ index_key, deposed, ...attributes }) => ({
        ...(index_key === undefined ? {} : { index_key }),
        ...(deposed === undefined ? {} : { deposed }),
        schema_version: 0,
        attributes,
        sensitive_attributes: [],
      })),
    })),
  };
  return `${JSON.stringify(state, null, 2)}\n`;
}

/** An hcloud_server's attributes with the usual defaults. */
export function hcloudServer(attributes: Record<string, unknown>): Record<string, unknown> {
  return { id: '1', name: 'srv', ipv4_address: '', ipv6_address: '', labels: {}, location: 'nbg1', datacenter: 'nbg1-dc3', network: [], status: 'running', ...attributes };
}

/** Per host: its groups and ansible_host, for comparing two inventories of the same servers. */
export function groupsAndAddresses(inv: Inventory): Record<string, { groups: string[]; ansible_host: unknown }> {
  const out: Record<string, { groups: string[]; ansible_host: unknown }> = {};
  for (const host of inv.hosts.values()) out[host.name] = { groups: host.groups, ansible_host: host.vars.ansible_host };
  return out;
}

/** Per group other than all/ungrouped: its direct hosts. */
export function groupMembers(inv: Inventory): Record<string, string[]> {
  const out: Record<string, string[]> = {};
  for (const group of inv.groups.values()) if (group.name !== 'all') out[group.name] = group.hosts;
  return out;
}
