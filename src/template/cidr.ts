// IPv4/IPv6 CIDR arithmetic for the network helpers, on bigint so both families share one code path.

export interface Cidr {
  version: 4 | 6;
  address: bigint;
  prefix: number;
}

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

/** Parse `10.1.2.3/16` or `fd00::1/64`; throws an Error with a short reason. */
export function parseCidr(text: string): Cidr {
  const slash = text.indexOf('/');
  const addr = slash < 0 ? text : text.slice(0, slash);
  const prefixText = slash < 0 ? '' : text.slice(slash + 1);
  const version = addr.includes(':') ? 6 : 4;
  const address = version === 4 ? parseIpv4(addr) : parseIpv6(addr);
  const bits = version === 4 ? 32 : 128;
  if (address === undefined || !/^(0|[1-9][0-9]{0,2})$/.test(prefixText) || Number(prefixText) > bits) {
    throw new Error(`"${text}" is not a CIDR like 10.0.0.0/8 or fd00::/64`);
  }
  return { version, address, prefix: Number(prefixText) };
}

function bitsOf(c: Cidr): number {
  return c.version === 4 ? 32 : 128;
}

function maskOf(c: Cidr): bigint {
  const bits = BigInt(bitsOf(c));
  return ((1n << bits) - 1n) ^ ((1n << (bits - BigInt(c.prefix))) - 1n);
}

export function formatAddress(version: 4 | 6, value: bigint): string {
  if (version === 4) return [24n, 16n, 8n, 0n].map((s) => String((value >> s) & 0xffn)).join('.');
  const groups = Array.from({ length: 8 }, (_, i) => (value >> BigInt((7 - i) * 16)) & 0xffffn);
  // RFC 5952: compress the longest run (first on a tie) of two or more zero groups.
  let best = { start: -1, len: 0 };
  for (let i = 0; i < 8; ) {
    if (groups[i] !== 0n) {
      i++;
      continue;
    }
    let j = i;
    while (j < 8 && groups[j] === 0n) j++;
    if (j - i > best.len) best = { start: i, len: j - i };
    i = j;
  }
  const hex = groups.map((g) => g.toString(16));
  if (best.len < 2) return hex.join(':');
  return `${hex.slice(0, best.start).join(':')}::${hex.slice(best.start + best.len).join(':')}`;
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
  const size = 1n << BigInt(bitsOf(c) - c.prefix);
  if (size > BigInt(Number.MAX_SAFE_INTEGER)) throw new Error(`/${c.prefix} holds more addresses than a number can count`);
  return Number(size);
}
