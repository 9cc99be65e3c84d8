// The `tsinfra_hosts` output convention, for `terraform output -json` files and for servers of providers the
// state reader does not know. Its value is a list of servers, or a map of server name to server, where a
// server is `{ name, ipv4, ipv6, private_ip, groups, labels, tags, location, datacenter, provider, vars }`
// (all optional but the name) or, in a map, just its address. docs/inventory.md has the details.
import { ConfigError } from '../errors.js';
import { addressVars, type Located, type TerraformServer } from './terraform-hosts.js';
import { isObject, type JsonDocument, type JsonPath } from './terraform-json.js';
import { GROUP_LABELS, tagGroup } from './terraform-state.js';

/** The output whose value lists the hosts. */
export const HOSTS_OUTPUT = 'tsinfra_hosts';

const STRING_FIELDS = ['ipv4', 'ipv6', 'private_ip', 'location', 'datacenter', 'provider'] as const;
const FIELDS = new Set<string>(['name', ...STRING_FIELDS, 'groups', 'labels', 'tags', 'vars']);

/** Servers from a `terraform output -json` document: the value of its tsinfra_hosts output. */
export function serversFromOutputs(doc: JsonDocument): TerraformServer[] {
  const outputs = doc.value as Record<string, unknown>;
  if (!Object.hasOwn(outputs, HOSTS_OUTPUT)) {
    const names = Object.keys(outputs);
    const listed = names.length > 8 ? `${names.slice(0, 8).join(', ')}, ...` : names.join(', ');
    throw new ConfigError(doc.positionOf([]), `no ${HOSTS_OUTPUT} output among the Terraform outputs (${listed})`, {
      hint: `add an output "${HOSTS_OUTPUT}" listing the servers (see docs/inventory.md, "Terraform"), or pass the state file`,
    });
  }
  return serversFromHostsValue(doc, [HOSTS_OUTPUT, 'value'], `output ${HOSTS_OUTPUT}`);
}

/** Servers from the value at `path`: a list of server objects, or a map of name to server object or address. */
export function serversFromHostsValue(doc: JsonDocument, path: JsonPath, what: string): TerraformServer[] {
  const value = valueAt(doc.value, path);
  const entries: { key?: string; item: unknown; path: JsonPath; address: string }[] = [];
  if (Array.isArray(value)) {
    value.forEach((item, i) => entries.push({ item, path: [...path, i], address: `${what}[${i}]` }));
  } else if (isObject(value)) {
    for (const [key, item] of Object.entries(value)) entries.push({ key, item, path: [...path, key], address: `${what}[${JSON.stringify(key)}]` });
  } else {
    throw new ConfigError(doc.positionOf(path), `${what} must be a list of servers or a map of server names to servers, found ${describe(value)}`);
  }
  if (entries.length === 0) {
    throw new ConfigError(doc.positionOf(path), `${what} lists no servers`, { hint: 'has `terraform apply` run, and is it the right workspace?' });
  }
  return entries.map((e) => readEntry(doc, e.item, e.path, e.address, e.key));
}

function readEntry(doc: JsonDocument, item: unknown, path: JsonPath, address: string, key: string | undefined): TerraformServer {
  const at = (...rest: JsonPath) => doc.positionOf([...path, ...rest]);
  // In a map, a server may be just its address: { master1 = "203.0.113.11" }.
  if (key !== undefined && typeof item === 'string') {
    const ip = { value: item, at: at() };
    const vars = item.trim() === '' ? [] : addressVars(item.includes(':') ? { ipv6: ip } : { ipv4: ip });
    return { name: key, address, at: doc.positionOf(path), groups: [], vars };
  }
  if (!isObject(item)) {
    throw new ConfigError(at(), `${address}: a server must be an object with a name and addresses, found ${describe(item)}`, {
      hint: 'for example { name = s.name, ipv4 = s.ipv4_address, groups = ["web"] }',
    });
  }
  for (const field of Object.keys(item)) {
    if (!FIELDS.has(field)) {
      throw new ConfigError(doc.keyPositionOf([...path, field]), `${address}: unknown field "${field}"`, {
        hint: `a server may have ${[...FIELDS].join(', ')}; put other variables under vars`,
      });
    }
  }
  const str = (field: string): Located<string> | undefined => {
    const value = item[field];
    if (value === null || value === undefined) return undefined;
    if (typeof value !== 'string') throw new ConfigError(at(field), `${address}: ${field} must be a string, found ${describe(value)}`);
    return value.trim() === '' ? undefined : { value: value.trim(), at: at(field) };
  };
  const strings = (field: string): Located<string>[] => {
    const value = item[field];
    if (value === null || value === undefined) return [];
    if (!Array.isArray(value) || value.some((v) => typeof v !== 'string')) {
      throw new ConfigError(at(field), `${address}: ${field} must be a list of strings, found ${describe(value)}`);
    }
    return (value as string[]).map((v, i) => ({ value: v, at: at(field, i) })).filter((v) => v.value !== '');
  };
  const mapping = (field: string): Record<string, unknown> | undefined => {
    const value = item[field];
    if (value === null || value === undefined) return undefined;
    if (!isObject(value)) throw new ConfigError(at(field), `${address}: ${field} must be a map, found ${describe(value)}`);
    return value;
  };

  const name = key !== undefined && (item.name === undefined || item.name === null) ? { value: key, at: at() } : str('name');
  if (!name) throw new ConfigError(at(), `${address}: the server has no name`, { hint: 'give each server a name field' });
  const server: TerraformServer = { name: name.value, address, at: name.at, groups: [], vars: [] };

  server.vars.push(...addressVars({ ipv4: str('ipv4'), ipv6: str('ipv6'), privateIp: str('private_ip') }));
  for (const field of ['location', 'datacenter', 'provider'] as const) {
    const value = str(field);
    if (value) server.vars.push([field, value]);
  }
  for (const group of strings('groups')) server.groups.push({ name: group.value, at: group.at, from: 'group', isOptional: false });
  const labels = mapping('labels');
  if (labels) {
    server.vars.push(['labels', { value: { ...labels }, at: at('labels') }]);
    for (const label of GROUP_LABELS) {
      const value = labels[label];
      if (typeof value === 'string' && value !== '') {
        server.groups.push({ name: value, at: at('labels', label), from: `label "${label}"`, isOptional: false });
      }
    }
  }
  if (item.tags !== undefined && item.tags !== null) {
    const tags = strings('tags');
    server.vars.push(['tags', { value: tags.map((t) => t.value), at: at('tags') }]);
    for (const tag of tags) server.groups.push(tagGroup(tag.value, tag.at));
  }
  for (const [name, value] of Object.entries(mapping('vars') ?? {})) server.vars.push([name, { value, at: at('vars', name) }]);
  return server;
}

function valueAt(root: unknown, path: JsonPath): unknown {
  let node = root;
  for (const step of path) node = node !== null && typeof node === 'object' ? (node as Record<string | number, unknown>)[step] : undefined;
  return node;
}

function describe(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'a map';
  if (typeof value === 'string') return `a string (${JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)})`;
  return `${typeof value === 'number' ? 'a number' : `a ${typeof value}`} (${String(value)})`;
}
