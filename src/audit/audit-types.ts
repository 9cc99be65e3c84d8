// The port audit's vocabulary, shared by the script generator, the runners, the policy and the report.

/** open = connected, closed = refused, filtered = no answer in time (or unreachable): nmap's words. */
export type PortState = 'open' | 'closed' | 'filtered';

/** `unknown`: the vantage point could not probe (unreachable, script failed); `reason` says why. */
export type ProbeState = PortState | 'unknown';

/**
 * Where a probe comes from, which decides the address probed and the policy applied:
 * - outside: the controller itself, to each host's public address (the internet's view);
 * - vpn: a VPN member host, to each other host's VPN address;
 * - private: a machine on the provider's private network that is not on the VPN, to each host's private address.
 */
export type VantageKind = 'outside' | 'vpn' | 'private';

export const VANTAGE_KINDS: readonly VantageKind[] = ['outside', 'vpn', 'private'];

/** One host to probe from a vantage point: the inventory name and the address to connect to. */
export interface ProbeTarget {
  host: string;
  address: string;
}

export interface ProbeResult {
  host: string;
  vantage: VantageKind;
  /** Who probed: `controller`, an inventory host, or `netns:NAME`. */
  from: string;
  address: string;
  port: number;
  state: ProbeState;
  reason?: string;
}

/** A probe judged against the host's policy. */
export interface Finding extends ProbeResult {
  /** The policy lets this port be open from this vantage point. */
  isAllowed: boolean;
  /** Open although the policy does not allow it. */
  isViolation: boolean;
}
