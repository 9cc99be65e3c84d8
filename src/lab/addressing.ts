// How a lab's slot becomes names and subnets. 10.99.0.0/16 is reserved for labs: 32 slots of a /21, each split
// into four /23s (public, private, vpn, spare), so several labs run side by side and each holds up to 500 hosts.
import { formatAddress } from '../net/cidr.js';

export const LAB_SLOTS = 32;
/** Hosts take offsets 11.. in each /23 (510 usable addresses; low offsets are for the controller and neighbours). */
export const MAX_HOSTS = 500;
const HOST_OFFSET = 10;
const CONTROLLER_OFFSET = 1;
const NEIGHBOUR_OFFSET = 2;
const PREFIX_LENGTH = 23;

export type NetworkRole = 'public' | 'private' | 'vpn';
const ROLE_BLOCK: Record<NetworkRole, number> = { public: 0, private: 1, vpn: 2 };
const ROLE_SUFFIX: Record<NetworkRole, string> = { public: 'pub', private: 'prv', vpn: 'vpn' };

function ipv4(n: number): string {
  return formatAddress(4, BigInt(n));
}

function networkBase(index: number, role: NetworkRole): number {
  // 10.99.0.0 + slot * 2048 + role * 512
  return ((10 << 24) | (99 << 16)) + index * 2048 + ROLE_BLOCK[role] * 512;
}

/** `tsi03`: every namespace and interface of the lab starts with it (`ip netns list | grep ^tsi` finds leftovers). */
export function labPrefix(index: number): string {
  return `tsi${String(index).padStart(2, '0')}`;
}

export function networkCidr(index: number, role: NetworkRole): string {
  return `${ipv4(networkBase(index, role))}/${PREFIX_LENGTH}`;
}

/** The first three octets' worth of a network, for spotting it in `ip route` output. */
export function networkAddress(index: number, role: NetworkRole): string {
  return ipv4(networkBase(index, role));
}

export function bridgeName(index: number, role: NetworkRole): string {
  return `${labPrefix(index)}-${ROLE_SUFFIX[role]}`;
}

/** 1-based host number → its address on a network (same last offset on every network). */
export function hostAddress(index: number, role: NetworkRole, hostNumber: number): string {
  return ipv4(networkBase(index, role) + HOST_OFFSET + hostNumber);
}

export function controllerAddress(index: number): string {
  return ipv4(networkBase(index, 'public') + CONTROLLER_OFFSET);
}

export function neighbourAddress(index: number): string {
  return ipv4(networkBase(index, 'private') + NEIGHBOUR_OFFSET);
}

export function withPrefixLength(address: string): string {
  return `${address}/${PREFIX_LENGTH}`;
}

/** Outer veth end on the controller, ≤ 15 chars: `tsi03-017p` (p public, r private, z vpn). */
export function vethName(index: number, hostNumber: number, role: NetworkRole): string {
  const letter = role === 'public' ? 'p' : role === 'private' ? 'r' : 'z';
  return `${labPrefix(index)}-${String(hostNumber).padStart(3, '0')}${letter}`;
}

/** Interface names inside a host: eth0 public, eth1 private (the common cloud layout). */
export const HOST_INTERFACE: Record<'public' | 'private', string> = { public: 'eth0', private: 'eth1' };

export function hostNetns(index: number, hostName: string): string {
  return `${labPrefix(index)}-${hostName}`;
}

export function neighbourNetns(index: number): string {
  return `${labPrefix(index)}-neighbour`;
}
