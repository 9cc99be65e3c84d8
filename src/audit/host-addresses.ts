// A host's VPN address, read from the host itself: one `ip -4 -o addr show` round trip, then the address on a VPN
// interface (the policy's `security_vpn_interfaces`, iptables-style names: `zt+` is every name starting with zt),
// preferring one inside `security_vpn_cidr`.
import { isAddressInCidr } from '../net/cidr.js';
import { raw, type Script } from '../shell/script.js';

export const ADDRESS_SCRIPT: Script = raw('ip -4 -o addr show');

export interface InterfaceAddress {
  iface: string;
  address: string;
}

/** `4: ztabc123de    inet 10.147.17.5/24 brd … scope global ztabc123de\ …` → { iface, address }. */
export function parseAddressLines(stdout: string): InterfaceAddress[] {
  const out: InterfaceAddress[] = [];
  for (const line of stdout.split('\n')) {
    const m = /^\d+:\s+(\S+)\s+inet\s+(\d{1,3}(?:\.\d{1,3}){3})\//.exec(line);
    if (m) out.push({ iface: m[1]!.replace(/@.*$/, ''), address: m[2]! });
  }
  return out;
}

/** iptables' interface names: a trailing `+` matches any name with that prefix. */
export function matchesInterface(iface: string, patterns: readonly string[]): boolean {
  return patterns.some((p) => (p.endsWith('+') ? iface.startsWith(p.slice(0, -1)) : iface === p));
}

export interface VpnMatch {
  interfaces: readonly string[];
  cidr?: string;
}

/** The VPN address: on a VPN interface (inside the VPN range if one is), else any address inside the VPN range. */
export function pickVpnAddress(addresses: readonly InterfaceAddress[], vpn: VpnMatch): string | undefined {
  const inRange = (a: InterfaceAddress) => vpn.cidr !== undefined && isAddressInCidr(a.address, vpn.cidr);
  const onVpn = addresses.filter((a) => matchesInterface(a.iface, vpn.interfaces));
  return (onVpn.find(inRange) ?? onVpn[0] ?? addresses.find(inRange))?.address;
}
