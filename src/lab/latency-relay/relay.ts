// The lab's latency relay (`lab up --latency-ms N`): one process on the controller listens on one port per host
// on the controller's public address and forwards each connection to that host's sshd, holding every chunk for N ms
// in each direction. Chunks leave in the order they came (one FIFO per direction); TCP_NODELAY on both sockets, so
// the only added delay is ours. This kernel has no netem: this is how "hosts 100 ms away" is simulated.
import { createServer, connect, type Server, type Socket } from 'node:net';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface RelayRoute {
  host: string;
  listenPort: number;
  targetAddress: string;
  targetPort: number;
}

export interface RelayConfig {
  listenAddress: string;
  delayMs: number;
  routes: RelayRoute[];
}

export const RELAY_DIR = 'latency-relay';

export function relayConfigPath(stateDir: string): string {
  return join(stateDir, RELAY_DIR, 'config.json');
}

export function relayReadyPath(stateDir: string): string {
  return join(stateDir, RELAY_DIR, 'ready');
}

export function relayLogPath(stateDir: string): string {
  return join(stateDir, RELAY_DIR, 'relay.log');
}

/** Copies `from` to `to`, each chunk (and the end or reset of the stream) delivered `delayMs` after it arrived, in order. */
function delayedPipe(from: Socket, to: Socket, delayMs: number): void {
  const queue: { due: number; item: Buffer | 'end' | 'reset' }[] = [];
  let timer: NodeJS.Timeout | undefined;
  const arm = (): void => {
    if (!timer && queue.length > 0) timer = setTimeout(drain, Math.max(0, queue[0]!.due - performance.now()));
  };
  function drain(): void {
    timer = undefined;
    const now = performance.now();
    while (queue.length > 0 && queue[0]!.due <= now) {
      const { item } = queue.shift()!;
      if (to.destroyed) return;
      if (item === 'end') to.end();
      else if (item === 'reset') to.destroy();
      else to.write(item);
    }
    arm();
  }
  const push = (item: Buffer | 'end' | 'reset'): void => {
    queue.push({ due: performance.now() + delayMs, item });
    arm();
  };
  from.on('data', (chunk: Buffer) => push(chunk));
  from.on('end', () => push('end'));
  from.on('close', () => {
    if (!from.readableEnded) push('reset');
  });
}

function relayConnection(client: Socket, route: RelayRoute, delayMs: number): void {
  client.setNoDelay(true);
  const upstream = connect({ host: route.targetAddress, port: route.targetPort, noDelay: true });
  upstream.setNoDelay(true);
  // An error closes the socket it happened on; the other side learns of it (delayed) through delayedPipe.
  client.on('error', () => client.destroy());
  upstream.on('error', () => upstream.destroy());
  delayedPipe(client, upstream, delayMs);
  delayedPipe(upstream, client, delayMs);
}

function listen(server: Server, port: number, address: string): Promise<void> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen({ port, host: address }, () => {
      server.off('error', reject);
      resolve();
    });
  });
}

export async function runRelay(stateDir: string): Promise<void> {
  const config = JSON.parse(readFileSync(relayConfigPath(stateDir), 'utf8')) as RelayConfig;
  for (const route of config.routes) {
    const server = createServer({ noDelay: true }, (socket) => relayConnection(socket, route, config.delayMs));
    await listen(server, route.listenPort, config.listenAddress);
  }
  writeFileSync(relayReadyPath(stateDir), `ready ${process.pid}\n`);
  process.stderr.write(`latency relay: ${config.routes.length} hosts on ${config.listenAddress}, ${config.delayMs} ms each way\n`);
}
