// Which TCP ports the audit probes: every port some host's policy allows in public, a default list of ports that
// must never face the internet (Kubernetes control plane, CNI, databases), and the user's `--ports`.
import { UsageError } from '../errors.js';

/** Sensitive TCP ports: probed on every host from every vantage point unless the policy makes them public. */
export const SENSITIVE_PORTS: readonly number[] = [
  111, // rpcbind
  179, // BGP (Calico)
  2049, // NFS
  2379, // etcd client
  2380, // etcd peer
  3306, // MySQL / MariaDB
  4240, // Cilium health
  5432, // PostgreSQL
  5473, // Calico Typha
  6379, // Redis
  6443, // Kubernetes API
  6783, // Weave Net control
  8080, // HTTP alternative / insecure API servers
  9099, // Calico Felix health
  9100, // node exporter
  10249, // kube-proxy metrics
  10250, // kubelet API
  10255, // kubelet read-only
  10256, // kube-proxy health
  10257, // kube-controller-manager
  10259, // kube-scheduler
  30000, // first NodePort
];

const MAX_PORTS = 1024;

function portNumber(text: string, spec: string): number {
  const n = Number(text);
  if (!/^\d+$/.test(text) || !Number.isInteger(n) || n < 1 || n > 65535) {
    throw new UsageError(`--ports ${JSON.stringify(spec)}: ${JSON.stringify(text)} is not a TCP port (1-65535)`);
  }
  return n;
}

/** `--ports 8443,9000-9003` (repeatable) → sorted, unique port numbers. */
export function parsePortList(specs: readonly string[]): number[] {
  const out = new Set<number>();
  for (const spec of specs) {
    for (const part of spec.split(',').map((p) => p.trim()).filter(Boolean)) {
      const range = /^(\d+)-(\d+)$/.exec(part);
      if (!range) {
        out.add(portNumber(part, spec));
        continue;
      }
      const [from, to] = [portNumber(range[1]!, spec), portNumber(range[2]!, spec)];
      if (to < from) throw new UsageError(`--ports ${JSON.stringify(spec)}: the range ${part} runs backwards`);
      if (to - from >= MAX_PORTS) throw new UsageError(`--ports ${JSON.stringify(spec)}: the range ${part} has more than ${MAX_PORTS} ports`);
      for (let p = from; p <= to; p++) out.add(p);
    }
  }
  return sortPorts(out);
}

export function sortPorts(ports: Iterable<number>): number[] {
  return [...new Set(ports)].sort((a, b) => a - b);
}

/** The ports to probe: public ones of every host's policy, the sensitive defaults (unless left out) and extras. */
export function portsToProbe(o: { publicPorts: Iterable<number>; extra: readonly number[]; isDefaultsIncluded: boolean }): number[] {
  const ports = sortPorts([...o.publicPorts, ...(o.isDefaultsIncluded ? SENSITIVE_PORTS : []), ...o.extra]);
  if (ports.length > MAX_PORTS) throw new UsageError(`${ports.length} ports to probe: at most ${MAX_PORTS}`);
  return ports;
}
