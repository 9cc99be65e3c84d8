// One connection per host for the whole run, opened on first use and shared by every task after it.
import type { Connection, ConnectTarget } from './transport.js';
import { connectSsh } from './ssh/client.js';

export type Connector = (target: ConnectTarget) => Promise<Connection>;

export class ConnectionPool {
  private readonly open = new Map<string, Promise<Connection>>();

  constructor(private readonly connector: Connector = connectSsh) {}

  get(target: ConnectTarget): Promise<Connection> {
    let c = this.open.get(target.name);
    if (!c) {
      c = this.connector(target);
      this.open.set(target.name, c);
      c.catch(() => this.open.delete(target.name)); // a failed connect is not cached: a retry reconnects
    }
    return c;
  }

  /** Forget a host's connection (after it was lost), closing it if it is still open. */
  async drop(name: string): Promise<void> {
    const c = this.open.get(name);
    this.open.delete(name);
    await c?.then((conn) => conn.close(), () => undefined);
  }

  async closeAll(): Promise<void> {
    const all = [...this.open.values()];
    this.open.clear();
    await Promise.all(all.map((c) => c.then((conn) => conn.close(), () => undefined)));
  }
}
