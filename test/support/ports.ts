// TCP probes for firewall tests: from the controller (node sockets), from inside a lab host or from the
// private-network neighbour (bash's /dev/tcp, which every lab host has). open = connected, closed = refused,
// filtered = no answer within the timeout.
import { connect } from 'node:net';
import { hostExec, neighbourExec, type LabInfo } from './lab.js';

export type PortState = 'open' | 'closed' | 'filtered';

export function probeFromController(address: string, port: number, timeoutMs = 700): Promise<PortState> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port });
    const done = (state: PortState) => {
      socket.destroy();
      resolve(state);
    };
    socket.setTimeout(timeoutMs, () => done('filtered'));
    socket.once('connect', () => done('open'));
    socket.once('error', (err: NodeJS.ErrnoException) => done(err.code === 'ECONNREFUSED' ? 'closed' : 'filtered'));
  });
}

/** One shell loop probing every port, printing `port state` lines. */
function probeScript(address: string, ports: number[]): string {
  return `for p in ${ports.join(' ')}; do
  if timeout 1 bash -c "exec 3<>/dev/tcp/${address}/$p" 2>/dev/null; then echo "$p open"
  elif [ $? -eq 124 ]; then echo "$p filtered"; else echo "$p closed"; fi
done`;
}

function parse(stdout: string): Map<number, PortState> {
  return new Map(stdout.trim().split('\n').filter(Boolean).map((l) => {
    const [p, s] = l.split(' ');
    return [Number(p), s as PortState];
  }));
}

export async function probeFromHost(lab: LabInfo, host: string, address: string, ports: number[]): Promise<Map<number, PortState>> {
  return parse((await hostExec(lab, host, probeScript(address, ports))).stdout);
}

export async function probeFromNeighbour(lab: LabInfo, address: string, ports: number[]): Promise<Map<number, PortState>> {
  return parse((await neighbourExec(lab, probeScript(address, ports))).stdout);
}

/**
 * Starts a TCP listener on every port inside a host (python3's http.server, detached) and waits until each one
 * listens (up to 15 s: python's start-up takes well over a second on a loaded machine).
 */
export async function listen(lab: LabInfo, host: string, ports: number[]): Promise<void> {
  const cmds = ports.map((p) => `setsid nohup python3 -m http.server ${p} --bind 0.0.0.0 >/dev/null 2>&1 &`).join('\n');
  const ready = ports.map((p) => `[ -n "$(ss -ltnH 'sport = :${p}')" ]`).join(' && ');
  await hostExec(lab, host, `${cmds}\nfor i in $(seq 150); do if ${ready}; then exit 0; fi; sleep 0.1; done\necho 'listeners not up after 15 s' >&2; exit 1`);
}
