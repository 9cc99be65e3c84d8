// The basics of ansible.utils' ipaddr, ipv4 and ipv6 filters (the netaddr-backed family): validating and
// normalising addresses and networks and the common queries. Other queries (public, private, next_usable, a CIDR
// lookup ...) raise an error naming the query rather than answer differently from Ansible.
import { formatAddressInetNtop as formatAddress, parseCidr, type Cidr } from '../../net/cidr.js';
import { bind, type FilterDef } from '../registry.js';
import { JinjaRuntimeError, isString, isTuple, pyTruthy, pyTypeName, toStr } from '../values.js';
import { ansibleError } from './ansible-common.js';

interface Net extends Cidr {
  given: 'address' | 'network'; // Ansible's vtype: was a /prefix written?
}

/** Prefix length of a dotted netmask (255.255.255.0), or undefined when it is not one. */
function maskPrefix(mask: string): number | undefined {
  try {
    const { address } = parseCidr(`${mask}/32`);
    const bits = address.toString(2).padStart(32, '0');
    return /^1*0*$/.test(bits) ? bits.indexOf('0') < 0 ? 32 : bits.indexOf('0') : undefined;
  } catch {
    return undefined;
  }
}

/** netaddr.IPNetwork's reading of the common forms: a.b.c.d[/n|/mask], IPv6[/n], an int as an address. */
function parseNet(value: unknown): Net | undefined {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) {
    const version = value < 2 ** 32 ? 4 : 6;
    return { version, address: BigInt(value), prefix: version === 4 ? 32 : 128, given: 'address' };
  }
  if (!isString(value)) return undefined;
  const text = toStr(value).trim();
  const slash = text.indexOf('/');
  let addr = slash < 0 ? text : text.slice(0, slash);
  let prefix = slash < 0 ? undefined : text.slice(slash + 1);
  if (/^\d{1,3}(\.\d{1,3}){3}$/.test(addr)) addr = addr.split('.').map((o) => String(Number(o))).join('.'); // 001 is 1 here
  if (prefix !== undefined && prefix.includes('.')) {
    const p = maskPrefix(prefix);
    if (p === undefined) return undefined;
    prefix = String(p);
  }
  const bits = addr.includes(':') ? 128 : 32;
  try {
    const c = parseCidr(`${addr}/${prefix ?? bits}`);
    return { ...c, given: slash < 0 ? 'address' : 'network' };
  } catch {
    return undefined;
  }
}

// Addresses print as netaddr prints them (inet_ntop: an IPv4-mapped IPv6 tail stays dotted).
const bitsOf = (v: Net) => (v.version === 4 ? 32 : 128);
const size = (v: Net) => 1n << BigInt(bitsOf(v) - v.prefix);
const mask = (v: Net) => ((1n << BigInt(bitsOf(v))) - 1n) ^ (size(v) - 1n);
const networkAddress = (v: Net) => formatAddress(v.version, v.address & mask(v));
const netmask = (v: Net) => formatAddress(v.version, mask(v));
const ip = (v: Net) => formatAddress(v.version, v.address);
const cidr = (v: Net) => `${ip(v)}/${v.prefix}`;
const isNetworkAddress = (v: Net) => ip(v) === networkAddress(v);
const hasBroadcast = (v: Net) => size(v) > 2n;

const QUERIES: Record<string, (v: Net) => unknown> = {
  '': (v) => (v.given === 'address' ? ip(v) : cidr(v)),
  address: ipQuery,
  ip: ipQuery,
  broadcast: (v) => (hasBroadcast(v) ? formatAddress(v.version, v.address | (size(v) - 1n)) : null),
  cidr,
  host: (v) => (size(v) === 1n ? cidr(v) : !isNetworkAddress(v) || !hasBroadcast(v) ? cidr(v) : null),
  net: (v) => (size(v) > 1n && isNetworkAddress(v) ? `${networkAddress(v)}/${v.prefix}` : null),
  netmask: (v) => netmask(v),
  network: (v) => networkAddress(v),
  network_id: (v) => networkAddress(v),
  'network/prefix': (v) => `${networkAddress(v)}/${v.prefix}`,
  subnet: (v) => `${networkAddress(v)}/${v.prefix}`,
  network_netmask: (v) => `${networkAddress(v)} ${netmask(v)}`,
  prefix: (v) => v.prefix,
  size: (v) => {
    const n = size(v);
    if (n > BigInt(Number.MAX_SAFE_INTEGER)) throw ansibleError(`ipaddr: size ${n} is larger than tsinfra's integers hold`);
    return Number(n);
  },
  version: (v) => v.version,
};

function ipQuery(v: Net): string | null {
  if (size(v) === 1n || !isNetworkAddress(v) || !hasBroadcast(v)) return ip(v);
  return v.version === 6 ? ip(v) : null;
}

function ipaddr(value: unknown, query: string, version: 4 | 6 | undefined, alias: string): unknown {
  if (Array.isArray(value)) return value.map((x) => ipaddr(x, query, version, alias)).filter(pyTruthy);
  if (value === null || (!isString(value) && typeof value !== 'number' && typeof value !== 'boolean')) {
    throw ansibleError(`Unrecognized type <<class '${pyTypeName(value)}'>> for ${alias} filter <value>`);
  }
  if (!pyTruthy(value) || value === true) return false;
  const v = parseNet(value);
  if (!v) return false;
  if (version !== undefined && v.version !== version) return false;
  const fn = Object.hasOwn(QUERIES, query) ? QUERIES[query] : undefined;
  if (fn) return fn(v);
  if (/^-?\d+$/.test(query)) {
    // ipaddr(5): the fifth address of the network, with its prefix
    if (size(v) === 1n) return v.given === 'address' ? ip(v) : cidr(v);
    const n = BigInt(query);
    const base = v.address & ~(size(v) - 1n);
    const index = n < 0n ? size(v) + n : n;
    if (index < 0n || index >= size(v)) return false;
    return `${formatAddress(v.version, base + index)}/${v.prefix}`;
  }
  throw ansibleError(`${alias}: the query '${query}' is not supported by tsinfra`);
}

const netFilter = (name: string, version: 4 | 6 | undefined): FilterDef => ({
  name,
  fn: (_ctx, input, args, kwargs) => {
    const { query } = bind(name, args, kwargs, version === undefined ? ['query', 'version', 'alias'] : ['query'], { query: '', version: false, alias: name });
    if (isTuple(input)) throw new JinjaRuntimeError(`${name}: tuples are not supported`);
    return ipaddr(input, typeof query === 'number' ? String(query) : toStr(query), version, name);
  },
});

/** nthhost(n): the network's nth address (negative counts from the end), False past its size. */
function nthhost(value: unknown, query: unknown): unknown {
  const v = parseNet(value);
  if (!v) throw ansibleError(`nthhost: '${isString(value) ? toStr(value) : pyTypeName(value)}' is not an IP address or network`);
  const n = typeof query === 'number' && Number.isInteger(query) ? BigInt(query) : isString(query) && /^\s*[-+]?\d+\s*$/.test(toStr(query)) ? BigInt(toStr(query).trim()) : undefined;
  if (n === undefined || size(v) <= n) return false;
  const index = n < 0n ? size(v) + n : n;
  if (index < 0n) throw new JinjaRuntimeError('index out range for address range size!');
  return formatAddress(v.version, (v.address & mask(v)) + index);
}

export const netFilters: FilterDef[] = [
  netFilter('ipaddr', undefined),
  netFilter('ipv4', 4),
  netFilter('ipv6', 6),
  { name: 'nthhost', fn: (_ctx, input, args, kwargs) => nthhost(input, bind('nthhost', args, kwargs, ['query'], { query: '' }).query) },
];
