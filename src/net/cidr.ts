// IPv4/IPv6 addresses and CIDR networks, on bigint so both families share one code path: the one copy of this
// arithmetic (template helpers `network`/`netmask`/`cidr_size`, the firewall and iptables modules, the audit's VPN
// address, the lab's ZeroTier stand-in).
//
// Two parsers of networks, because their callers differ:
//   parseCidr     strict `address/prefix`, throws with a short reason (template helpers: a bad value is an error)
//   parseNetwork  lenient: a bare address is a host network, host bits are cleared, undefined when invalid
//                 (module arguments, validated with their own message); its text is iptables-save's
// Two formatters, because IPv6 has two customary spellings:
//   formatAddress          RFC 5952, hex groups only (`::ffff:a01:203`)
//   formatAddressInetNtop  glibc's inet_ntop, and so iptables-save: an IPv4-mapped tail stays dotted (`::ffff:10.1.2.3`)

export type IpVersion = 4 | 6;
export type IpFamily = 'ipv4' | 'ipv6';

export interface IpAddress {
  version: IpVersion;
  value: bigint;
}

export interface Cidr {
  version: IpVersion;
  address: bigint;
  prefix: number;
}

/** A network as iptables-save prints it after `-s`: network address (host bits cleared) and prefix length. */
export interface Network {
  family: IpFamily;
  text: string;
  prefix: number;
}

// ---- addresses ------------------------------------------------------------------------------------------------

const IPV4_OCTET = /^(0|[1-9][0-9]{0,2})$/; // no leading zeros: "010" means 8 to inet_aton and 10 to people

function parseIpv4(text: string): bigint | undefined {
  const parts = text.split('.');
  if (parts.length !== 4) return undefined;
  let out = 0n;
  for (const p of parts) {
    if (!IPV4_OCTET.test(p) || Number(p) > 255) return undefined;
    out = (out << 8n) | BigInt(p);
  }
  return out;
}

function parseGroups(text: string, mayEndInIpv4: boolean): bigint[] | undefined {
  if (text === '') return [];
  const out: bigint[] = [];
  const parts = text.split(':');
  for (let i = 0; i < parts.length; i++) {
    const p = parts[i]!;
    if (mayEndInIpv4 && i === parts.length - 1 && p.includes('.')) {
      const v4 = parseIpv4(p); // embedded IPv4 tail, e.g. ::ffff:10.0.0.1
      if (v4 === undefined) return undefined;
      out.push(v4 >> 16n, v4 & 0xffffn);
    } else if (/^[0-9a-fA-F]{1,4}$/.test(p)) {
      out.push(BigInt(`0x${p}`));
    } else {
      return undefined;
    }
  }
  return out;
}

/** Eight 16-bit groups as one number. Accepts `::` once and a dotted IPv4 tail (`::ffff:10.0.0.1`); no zone (`%eth0`). */
function parseIpv6(text: string): bigint | undefined {
  const halves = text.split('::');
  if (halves.length > 2) return undefined;
  const head = parseGroups(halves[0]!, halves.length === 1);
  const tail = halves.length === 2 ? parseGroups(halves[1]!, true) : [];
  if (head === undefined || tail === undefined) return undefined;
  const missing = 8 - head.length - tail.length;
  if (halves.length === 2 ? missing < 1 : missing !== 0) return undefined;
  const groups = [...head, ...Array<bigint>(missing).fill(0n), ...tail];
  return groups.reduce((acc, g) => (acc << 16n) | g, 0n);
}

/** `10.1.2.3` or `fd00::1` (no prefix); undefined when it is neither. */
export function parseIpAddress(text: string): IpAddress | undefined {
  const version = text.includes(':') ? 6 : 4;
  const value = version === 4 ? parseIpv4(text) : parseIpv6(text);
  return value === undefined ? undefined : { version, value };
}

export function addressBits(version: IpVersion): 32 | 128 {
  return version === 4 ? 32 : 128;
}

/** IPv6 text with the longest run (the first on a tie) of two or more zero groups compressed. */
function formatIpv6(value: bigint, dottedIpv4Tail: boolean): string {
  const groups = Array.from({ length: 8 }, (_, i) => Number((value >> BigInt((7 - i) * 16)) & 0xffffn));
  let best = { start: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0) j++;
    if (j - i > best.len) best = { start: i, len: j - i };
    i = j;
  }
  if (best.len < 2) best = { start: -1, len: 0 };
  // inet_ntop writes an IPv4-compatible (::a.b.c.d) or IPv4-mapped (::ffff:a.b.c.d) address with a dotted tail.
  const dotted = dottedIpv4Tail && best.start === 0 && (best.len === 6 || (best.len === 5 && groups[5] === 0xffff));
  const hex = groups.map((g) => g.toString(16));
  const tail = dotted ? [...hex.slice(best.start + best.len, 6), formatAddress(4, value & 0xffffffffn)] : hex.slice(best.start + best.len);
  if (best.start === -1) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${tail.join(':')}`;
}

/** `10.1.2.3`; IPv6 as RFC 5952 writes it (lower case, longest zero run compressed, hex groups only). */
export function formatAddress(version: IpVersion, value: bigint): string {
  if (version === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
  return formatIpv6(value, false);
}

/** As glibc's inet_ntop writes it, and so iptables-save and `ip addr`: like formatAddress, but `::ffff:10.0.0.1`. */
export function formatAddressInetNtop(version: IpVersion, value: bigint): string {
  return version === 4 ? formatAddress(4, value) : formatIpv6(value, true);
}

// ---- networks -------------------------------------------------------------------------------------------------

/** Parse `10.1.2.3/16` or `fd00::1/64` (the prefix is required); throws an Error with a short reason. */
export function parseCidr(text: string): Cidr {
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  const prefixText = slash < 0 ? '' : text.slice(slash + 1);
  const ip = parseIpAddress(addr);
  if (ip === undefined || !/^(0|[1-9][0-9]{0,2})$/.test(prefixText) || Number(prefixText) > addressBits(ip.version)) {
    throw new Error(`"${text}" is not a CIDR like 10.0.0.0/8 or fd00::/64`);
  }
  return { version: ip.version, address: ip.value, prefix: Number(prefixText) };
}

function maskOf(c: Cidr): bigint {
  const bits = BigInt(addressBits(c.version));
  return ((1n << bits) - 1n) ^ ((1n << (bits - BigInt(c.prefix))) - 1n);
}

/** `10.1.2.3/16` → `10.1.0.0` */
export function networkAddress(c: Cidr): string {
  return formatAddress(c.version, c.address & maskOf(c));
}

/** `10.1.2.3/16` → `255.255.0.0` */
export function netmask(c: Cidr): string {
  return formatAddress(c.version, maskOf(c));
}

/** `10.1.2.3/16` → 65536: the number of addresses in the network. */
export function cidrSize(c: Cidr): number {
  const size = 1n << BigInt(addressBits(c.version) - c.prefix);
  if (size > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`/${c.prefix} holds more addresses than a number can count`);
  return Number(size);
}

/** The network's address plus `offset`: `10.99.4.0/23`, 11 → `10.99.4.11`. */
export function addressAtOffset(c: Cidr, offset: number): string {
  return formatAddress(c.version, (c.address & maskOf(c)) + BigInt(offset));
}

/** `10.1.2.3/8` → 10.0.0.0/8, `fd00:0::1/8` → fd00::/8, a bare address → /32 or /128. Undefined when invalid. */
export function parseNetwork(input: string): Network | undefined {
  const m = /^([^/]+)(?:\/([0-9]{1,3}))?$/.exec(input.trim());
  if (!m) return undefined;
  const ip = parseIpAddress(m[1]!);
  if (!ip) return undefined;
  const bits = addressBits(ip.version);
  const prefix = m[2] === undefined ? bits : Number(m[2]);
  if (prefix > bits) return undefined;
  const c: Cidr = { version: ip.version, address: ip.value, prefix };
  const family = ip.version === 4 ? 'ipv4' : 'ipv6';
  return { family, text: `${formatAddressInetNtop(ip.version, ip.value & maskOf(c))}/${prefix}`, prefix };
}

// ---- membership -----------------------------------------------------------------------------------------------

/** Whether the address lies in the network, its network and broadcast addresses included; false when either is invalid. */
export function isAddressInCidr(address: string, cidr: string): boolean {
  let net: Cidr;
  try {
    net = parseCidr(cidr);
  } catch {
    return false;
  }
  const ip = parseIpAddress(address);
  if (ip === undefined || ip.version !== net.version) return false;
  const mask = maskOf(net);
  return (ip.value & mask) === (net.address & mask);
}

/**
 * Whether an IPv4 address is one a host of the network may hold: inside it, but neither its network nor its broadcast
 * address (so never for a /31 or /32). False for IPv6 and for anything unparsable.
 */
export function isHostAddressInCidr(address: string, cidr: string): boolean {
  if (!isAddressInCidr(address, cidr)) return false;
  const net = parseCidr(cidr);
  if (net.version !== 4) return false;
  const value = parseIpAddress(address)!.value;
  const first = net.address & maskOf(net);
  return value > first && value < first + BigInt(cidrSize(net)) - 1n;
}
