// One connection per host for the whole run, opened on first use and shared by every task after it.
// A failed connect is retried (target.connectRetries times, exponential backoff) — only the connect: once a
// connection exists, a command that may have run is never re-run; a connection lost mid-command is unreachable.
// A connection found closed when a command asks for it (lost while idle) is replaced: that command has not started.
import pLimit from 'p-limit';
import { ConnectError } from '../errors.js';
import { log } from '../log.js';
import type { Connection, ConnectTarget } from './transport.js';
import { connectSsh } from './ssh/client.js';

export type Connector = (target: ConnectTarget) => Promise<Connection>;

export interface ConnectionPoolOptions {
  /** Wait before the first retry; doubled for each one after (default 500 ms: 0.5 s, 1 s, 2 s, …). */
  backoffMs?: number;
  /** For tests. */
  sleep?: (ms: number) => Promise<void>;
  /** Called before each retry (logs, tests). */
  onRetry?: (target: ConnectTarget, attempt: number, err: ConnectError) => void;
  /** SSH handshakes in progress at once (default HANDSHAKES_AT_ONCE). */
  handshakesAtOnce?: number;
}

/**
 * A handshake costs CPU at both ends (key exchange, sshd's fork and re-exec). Started all at once on hundreds of
 * hosts, each gets a sliver of the controller's CPU and many outlast the connect timeout (500 lab hosts on 2 cores:
 * 313 timed out). In waves, each finishes fast; the connect timeout counts from a handshake's own start.
 */
export const HANDSHAKES_AT_ONCE = 128;

/** Refusals that another attempt cannot fix: a wrong or changed host key, rejected credentials. */
export function isRetryableConnectError(err: unknown): err is ConnectError {
  return err instanceof ConnectError && err.level !== 'hostkey' && err.level !== 'auth';
}

/**
 * Which connection a target gets: one per host and way of logging in. A play var or `-e` that changes
 * ansible_user, ansible_host or ansible_port for some tasks gets its own connection, as Ansible's does.
 */
function poolKey(t: ConnectTarget): string {
  return [t.name, t.user, t.address, t.port, (t.privateKeyFiles ?? []).join(','), (t.jumps ?? []).map(poolKey).join(',')].join('\u0000');
}

export class ConnectionPool {
  /** By poolKey; each key starts with the host's name. */
  private readonly open = new Map<string, Promise<Connection>>();
  /** Connects that have completed (either way). */
  private readonly settled = new WeakSet<Promise<Connection>>();
  /** The connection each successful connect gave. */
  private readonly connected = new WeakMap<Promise<Connection>, Connection>();
  private readonly backoffMs: number;
  private readonly sleep: (ms: number) => Promise<void>;
  private readonly handshakes: ReturnType<typeof pLimit>;
  /** After closeAll: retries stop (the run is ending). */
  private isClosed = false;

  constructor(
    private readonly connector: Connector = connectSsh,
    private readonly options: ConnectionPoolOptions = {},
  ) {
    this.backoffMs = options.backoffMs ?? 500;
    this.sleep = options.sleep ?? ((ms) => new Promise((r) => setTimeout(r, ms)));
    this.handshakes = pLimit(options.handshakesAtOnce ?? HANDSHAKES_AT_ONCE);
  }

  get(target: ConnectTarget): Promise<Connection> {
    const key = poolKey(target);
    let c = this.open.get(key);
    const idle = c && this.connected.get(c);
    if (idle?.isOpen === false) {
      // Closed between commands (sshd restarted, our session killed, a NAT that forgot it). The caller's command has
      // not started, so a new connection runs it once; a command that was running on the old one failed on its own.
      log().info({ host: target.name }, 'connection closed while idle, reconnecting');
      idle.close().catch(() => undefined);
      this.open.delete(key);
      c = undefined;
    }
    if (!c) {
      c = this.connectWithRetries(target);
      this.open.set(key, c);
      const mine = c;
      c.then(
        (conn) => {
          this.settled.add(mine);
          this.connected.set(mine, conn);
        },
        () => {
          this.settled.add(mine);
          // A failed connect is not cached: a later get reconnects.
          if (this.open.get(key) === mine) this.open.delete(key);
        },
      );
    }
    return c;
  }

  private async connectWithRetries(target: ConnectTarget): Promise<Connection> {
    const retries = Math.max(0, target.connectRetries ?? 0);
    for (let attempt = 0; ; attempt++) {
      try {
        return await this.handshakes(() => (this.isClosed ? Promise.reject(new ConnectError(target.name, 'ssh', 'the run is ending')) : this.connector(target)));
      } catch (err) {
        if (attempt >= retries || this.isClosed || !isRetryableConnectError(err)) throw err;
        log().warn({ host: target.name, attempt: attempt + 1, retries, err: err.message }, 'connect failed, retrying');
        this.options.onRetry?.(target, attempt + 1, err);
        await this.sleep(this.backoffMs * 2 ** attempt);
      }
    }
  }

  /** Forget a host's connections (after one was lost), closing those still open. */
  async drop(name: string): Promise<void> {
    const mine = [...this.open].filter(([key]) => key.startsWith(`${name}\u0000`));
    for (const [key] of mine) this.open.delete(key);
    await Promise.all(mine.map(([, c]) => c.then((conn) => conn.close(), () => undefined)));
  }

  /**
   * Closes every open connection. A connect still in progress (a dead host can take the whole connect timeout) is
   * not waited for: it is closed as soon as it completes, so Ctrl-C never hangs on an unreachable host.
   */
  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    this.isClosed = true;
    await Promise.all(
      all.map((c) => {
        const closing = c.then((conn) => conn.close(), () => undefined);
        return this.settled.has(c) ? closing : undefined;
      }),
    );
  }
}
