// TCP probes for firewall tests: from the controller (node sockets), from inside a lab host or from the
// private-network neighbour (bash's /dev/tcp, which every lab host has). open = connected, closed = refused,
// filtered = no answer within the timeout.
import { connect } from 'node:net';
import { hostExec, neighbourExec, ok, type LabInfo } from './lab.js';

export type PortState = 'open' | 'closed' | 'filtered';

/** No answer in `timeoutMs` is tried again with 3 s before it reads filtered (a loaded machine can be that slow). */
export async function probeFromController(address: string, port: number, timeoutMs = 700): Promise<PortState> {
  const first = await connectOnce(address, port, timeoutMs);
  return first === 'filtered' ? connectOnce(address, port, 3000) : first;
}

function connectOnce(address: string, port: number, timeoutMs: number): Promise<PortState> {
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

/** Every port probed at once, each printing a `port state` line. No answer in 1 s is tried again with 3 s before it
 * reads filtered: on a loaded machine, starting bash under timeout can eat the first second. */
function probeScript(address: string, ports: number[]): string {
  return `attempt() {
  if timeout "$1" bash -c "exec 3<>/dev/tcp/${address}/$2" 2>/dev/null; then s=open
  elif [ $? -eq 124 ]; then s=filtered; else s=closed; fi
}
probe() {
  attempt 1 "$1"
  if [ "$s" = filtered ]; then attempt 3 "$1"; fi
  echo "$1 $s"
}
for p in ${ports.join(' ')}; do probe "$p" & done
wait`;
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
 * listens (up to 60 s: python's start-up takes seconds on a loaded machine). A listener that never comes up fails
 * here, not later as a port that looks filtered.
 */
export async function listen(lab: LabInfo, host: string, ports: number[]): Promise<void> {
  const cmds = ports.map((p) => `setsid nohup python3 -m http.server ${p} --bind 0.0.0.0 >/dev/null 2>&1 &`).join('\n');
  const ready = ports.map((p) => `[ -n "$(ss -ltnH 'sport = :${p}')" ]`).join(' && ');
  ok(await hostExec(lab, host, `${cmds}\nfor i in $(seq 600); do if ${ready}; then exit 0; fi; sleep 0.1; done\necho 'listeners on ${ports.join(' ')} not up after 60 s' >&2; exit 1`), 'listen');
}
