// What each host's firewall policy allows (the security role's variables, resolved for that host), and the verdict
// on each probe: from outside and from the private network only `security_public_tcp_ports` may be open; over the
// VPN anything may. An open port the policy does not allow is a violation; closed or filtered never is (nothing
// listens, or the firewall drops it).
import type { Finding, ProbeResult, VantageKind } from './audit-types.js';
import { isTemplated } from '../template/index.js';

export const POLICY_VARS = {
  publicPorts: 'security_public_tcp_ports',
  vpnCidr: 'security_vpn_cidr',
  vpnInterfaces: 'security_vpn_interfaces',
} as const;

export interface HostPolicy {
  publicPorts: number[];
  /** Absent when unset or still a template (e.g. `vpn_cidr` undefined for this host). */
  vpnCidr?: string;
  vpnInterfaces: string[];
}

export type PolicyResult = { policy: HostPolicy } | { problem: string };

function portOf(v: unknown): number | undefined {
  const n = typeof v === 'string' && /^\d+$/.test(v.trim()) ? Number(v) : v;
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 && n <= 65535 ? n : undefined;
}

/** Reads the policy from a host's resolved variables; a problem names the variable and what is wrong with it. */
export function readHostPolicy(vars: Readonly<Record<string, unknown>>): PolicyResult {
  const rawPorts = vars[POLICY_VARS.publicPorts];
  if (rawPorts === undefined) return { problem: `${POLICY_VARS.publicPorts} is not set` };
  if (!Array.isArray(rawPorts)) return { problem: `${POLICY_VARS.publicPorts} must be a list of TCP ports, found ${JSON.stringify(rawPorts)}` };
  const publicPorts: number[] = [];
  for (const p of rawPorts) {
    const port = portOf(p);
    if (port === undefined) return { problem: `${POLICY_VARS.publicPorts}: ${JSON.stringify(p)} is not a TCP port` };
    publicPorts.push(port);
  }
  const cidr = vars[POLICY_VARS.vpnCidr];
  const ifaces = vars[POLICY_VARS.vpnInterfaces];
  const vpnInterfaces = Array.isArray(ifaces) ? ifaces.filter((i): i is string => typeof i === 'string') : typeof ifaces === 'string' ? [ifaces] : [];
  const policy: HostPolicy = { publicPorts: [...new Set(publicPorts)].sort((a, b) => a - b), vpnInterfaces };
  if (typeof cidr === 'string' && cidr !== '' && !isTemplated(cidr)) policy.vpnCidr = cidr;
  return { policy };
}

export function isOpenAllowed(vantage: VantageKind, policy: HostPolicy, port: number): boolean {
  return vantage === 'vpn' || policy.publicPorts.includes(port);
}

export function judgeProbe(result: ProbeResult, policy: HostPolicy): Finding {
  const isAllowed = isOpenAllowed(result.vantage, policy, result.port);
  return { ...result, isAllowed, isViolation: result.state === 'open' && !isAllowed };
}
