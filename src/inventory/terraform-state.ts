// Servers from a Terraform state (format version 4, written by Terraform 0.12 and later and by OpenTofu):
// `resources[]` of `mode: managed`, each with `instances[]` whose `attributes` are the provider's. Hetzner
// Cloud (`hcloud_server`, private addresses from `hcloud_server_network` or the server's `network` blocks)
// and Scaleway (`scaleway_instance_server`, the older `scaleway_server`) servers become hosts.
import { ConfigError, type SourcePosition } from '../errors.js';
import { addressVars, type Located, type TerraformGroup, type TerraformServer } from './terraform-hosts.js';
import { isObject, type JsonDocument, type JsonPath } from './terraform-json.js';

type Attributes = Record<string, unknown>;

interface Instance {
  /** `hcloud_server.master[0]`, `module.k8s.scaleway_instance_server.node["a"]`. */
  address: string;
  attributes: Attributes;
  /** Path of the attributes object in the document. */
  path: JsonPath;
}

type ServerReader = (doc: JsonDocument, instance: Instance, context: StateContext) => TerraformServer;

interface StateContext {
  /** hcloud server id → its addresses in private networks, from hcloud_server_network resources. */
  hcloudNetworkIps: Map<string, Located<string>[]>;
}

/** The resource types that are servers, and how each becomes a host. */
const SERVER_READERS = new Map<string, ServerReader>([
  ['hcloud_server', readHcloudServer],
  ['scaleway_instance_server', readScalewayServer],
  ['scaleway_server', readScalewayServer],
]);

/** The hcloud labels whose value names the server's group. */
export const GROUP_LABELS = ['role', 'group'] as const;

/** Read the servers of a state (already known to look like one: `version`, `resources`, ...). */
export function serversFromState(doc: JsonDocument): TerraformServer[] {
  const state = doc.value as Record<string, unknown>;
  if (state.version !== 4) {
    const older = typeof state.version === 'number' && state.version < 4;
    throw new ConfigError(doc.positionOf(['version']), `Terraform state format version ${JSON.stringify(state.version)} is not supported: expected version 4`, {
      hint: older
        ? 'this state was written by Terraform 0.11 or older; any apply with Terraform 0.12 or later upgrades it'
        : 'tsinfra reads format version 4 (Terraform 0.12 and later, OpenTofu)',
    });
  }
  if (!Array.isArray(state.resources)) {
    throw new ConfigError(doc.positionOf(['resources']), 'a Terraform state needs a "resources" list');
  }
  const instances = managedInstances(doc, state.resources);
  const context: StateContext = { hcloudNetworkIps: hcloudNetworkIps(doc, instances) };
  const servers: TerraformServer[] = [];
  for (const instance of instances) {
    const read = SERVER_READERS.get(instance.type);
    if (read) servers.push(read(doc, instance, context));
  }
  if (servers.length === 0) throw noServers(doc, instances);
  return servers;
}

function noServers(doc: JsonDocument, instances: (Instance & { type: string })[]): ConfigError {
  const at = doc.positionOf(['resources']);
  if (instances.length === 0) {
    return new ConfigError(at, 'this Terraform state has no resources', { hint: 'is it the right workspace, and has `terraform apply` run?' });
  }
  const types = [...new Set(instances.map((i) => i.type))];
  const listed = types.length > 6 ? `${types.slice(0, 6).join(', ')}, ...` : types.join(', ');
  return new ConfigError(at, `no servers in this Terraform state: its resources (${listed}) include no ${[...SERVER_READERS.keys()].join(', ')}`, {
    hint: 'for servers of other providers, export them in a tsinfra_hosts output (see docs/inventory.md, "Terraform")',
  });
}

/** Every instance of every managed resource (data sources and deposed objects are not servers of this state). */
function managedInstances(doc: JsonDocument, resources: unknown[]): (Instance & { type: string })[] {
  const out: (Instance & { type: string })[] = [];
  resources.forEach((resource, r) => {
    const at = (...rest: JsonPath) => doc.positionOf(['resources', r, ...rest]);
    if (!isObject(resource)) throw new ConfigError(at(), 'a resource must be an object with type, name and instances');
    if (resource.mode === 'data') return;
    const { type, name } = resource;
    if (typeof type !== 'string' || typeof name !== 'string') throw new ConfigError(at(), 'a resource needs a "type" and a "name"');
    if (!Array.isArray(resource.instances)) throw new ConfigError(at('instances'), `${type}.${name}: "instances" must be a list`);
    const base = `${typeof resource.module === 'string' && resource.module ? `${resource.module}.` : ''}${type}.${name}`;
    resource.instances.forEach((instance, i) => {
      if (!isObject(instance)) throw new ConfigError(at('instances', i), `${base}: an instance must be an object`);
      if (instance.deposed !== undefined) return; // an old object waiting to be destroyed (create_before_destroy)
      const key = instance.index_key;
      const address = key === undefined ? base : `${base}[${JSON.stringify(key)}]`;
      if (!isObject(instance.attributes)) {
        throw new ConfigError(at('instances', i), `${address}: the instance has no "attributes" object`, {
          hint: 'attributes_flat is the pre-0.12 layout; apply with a current Terraform to upgrade the state',
        });
      }
      out.push({ type, address, attributes: instance.attributes, path: ['resources', r, 'instances', i, 'attributes'] });
    });
  });
  return out;
}

function hcloudNetworkIps(doc: JsonDocument, instances: (Instance & { type: string })[]): Map<string, Located<string>[]> {
  const out = new Map<string, Located<string>[]>();
  for (const { type, attributes, path } of instances) {
    if (type !== 'hcloud_server_network') continue;
    const serverId = attributes.server_id;
    const ip = text(attributes.ip);
    if ((typeof serverId !== 'number' && typeof serverId !== 'string') || !ip) continue;
    const list = out.get(String(serverId)) ?? [];
    list.push({ value: ip, at: doc.positionOf([...path, 'ip']) });
    out.set(String(serverId), list);
  }
  return out;
}

function readHcloudServer(doc: JsonDocument, instance: Instance, context: StateContext): TerraformServer {
  const { attributes: a, path } = instance;
  const attr = (key: string) => located(doc, a, path, key);
  const server = serverNamed(doc, instance);

  // Private addresses: the server's own network blocks first, then hcloud_server_network attachments.
  const privateIps: Located<string>[] = [];
  if (Array.isArray(a.network)) {
    a.network.forEach((block, i) => {
      const ip = isObject(block) ? text(block.ip) : undefined;
      if (ip) privateIps.push({ value: ip, at: doc.positionOf([...path, 'network', i, 'ip']) });
    });
  }
  const id = typeof a.id === 'string' || typeof a.id === 'number' ? String(a.id) : undefined;
  if (id !== undefined) privateIps.push(...(context.hcloudNetworkIps.get(id) ?? []));

  server.vars.push(...addressVars({ ipv4: attr('ipv4_address'), ipv6: attr('ipv6_address'), privateIp: privateIps[0] }));
  server.vars.push(['provider', { value: 'hcloud', at: typePosition(doc, instance) }]);
  for (const key of ['location', 'datacenter'] as const) {
    const value = attr(key);
    if (value) server.vars.push([key, value]);
  }
  if (isObject(a.labels)) {
    const labels = a.labels;
    server.vars.push(['labels', { value: { ...labels }, at: doc.positionOf([...path, 'labels']) }]);
    for (const label of GROUP_LABELS) {
      const value = text(labels[label]);
      if (value) server.groups.push({ name: value, at: doc.positionOf([...path, 'labels', label]), from: `label "${label}"`, isOptional: false });
    }
  }
  return server;
}

function readScalewayServer(doc: JsonDocument, instance: Instance): TerraformServer {
  const { attributes: a, path } = instance;
  const attr = (key: string) => located(doc, a, path, key);
  const server = serverNamed(doc, instance);

  // public_ips (current provider) lists IPv4 and routed IPv6 addresses; public_ip is the deprecated single one.
  const publicIps = addressList(doc, a, path, 'public_ips');
  const ipv4 = publicIps.find((ip) => !ip.value.includes(':')) ?? attr('public_ip');
  const ipv6 = publicIps.find((ip) => ip.value.includes(':')) ?? attr('ipv6_address') ?? attr('public_ipv6');
  const privateIps = addressList(doc, a, path, 'private_ips');
  const privateIp = privateIps.find((ip) => !ip.value.includes(':')) ?? privateIps[0] ?? attr('private_ip');

  server.vars.push(...addressVars({ ipv4, ipv6, privateIp }));
  server.vars.push(['provider', { value: 'scaleway', at: typePosition(doc, instance) }]);
  const zone = attr('zone');
  if (zone) server.vars.push(['location', zone]);
  if (Array.isArray(a.tags)) {
    const tags = a.tags.filter((t): t is string => typeof t === 'string');
    server.vars.push(['tags', { value: tags, at: doc.positionOf([...path, 'tags']) }]);
    a.tags.forEach((tag, i) => {
      if (typeof tag === 'string' && tag !== '') server.groups.push(tagGroup(tag, doc.positionOf([...path, 'tags', i])));
    });
  }
  return server;
}

/** Each Scaleway tag names a group; tags that cannot (`env:prod`) are skipped with a warning. */
export function tagGroup(tag: string, at: SourcePosition): TerraformGroup {
  return { name: tag, at, from: 'tag', isOptional: true };
}

function serverNamed(doc: JsonDocument, instance: Instance): TerraformServer {
  const name = text(instance.attributes.name);
  const at = doc.positionOf([...instance.path, 'name']);
  if (!name) throw new ConfigError(at, `${instance.address}: the server has no name`, { hint: 'host names come from the servers\' names' });
  return { name, address: instance.address, at, groups: [], vars: [] };
}

/** Where the instance's resource type is written (the provider is known from it). */
function typePosition(doc: JsonDocument, instance: Instance) {
  return doc.positionOf([...instance.path.slice(0, 2), 'type']);
}

/** A non-empty string attribute with its position. */
function located(doc: JsonDocument, attributes: Attributes, path: JsonPath, key: string): Located<string> | undefined {
  const value = text(attributes[key]);
  return value === undefined ? undefined : { value, at: doc.positionOf([...path, key]) };
}

/** `[{ address: ... }, ...]` (Scaleway's public_ips, private_ips) as located strings. */
function addressList(doc: JsonDocument, attributes: Attributes, path: JsonPath, key: string): Located<string>[] {
  const list = attributes[key];
  if (!Array.isArray(list)) return [];
  const out: Located<string>[] = [];
  list.forEach((item, i) => {
    const value = isObject(item) ? text(item.address) : undefined;
    if (value) out.push({ value, at: doc.positionOf([...path, key, i, 'address']) });
  });
  return out;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}
