// What every ad-hoc style command does around its work on hosts: warn (exit 0) when the pattern matched nothing;
// one connection pool for the run, closed at the end; on SIGINT/SIGTERM stop starting hosts and close connections.
// Shared by `tsinfra shell`/`ping` and `tsinfra passwd`.
import { ConnectionPool } from '../transport/connection-pool.js';
import type { CommandContext } from './command-context.js';
import { ExitCode } from './exit-codes.js';
import type { SelectedHosts } from './host-options.js';
import { onInterrupt } from './interrupt.js';

export interface HostSession {
  pool: ConnectionPool;
  /** Aborted on SIGINT/SIGTERM: hosts not yet started are reported unreachable. */
  signal: AbortSignal;
}

/** True, after a warning and exit code 0 (as Ansible), when no host matched: the caller then stops. */
export function noHostsMatched(pattern: string, selected: SelectedHosts, ctx: CommandContext): boolean {
  if (selected.hosts.length > 0) return false;
  process.stderr.write(`[WARNING]: no hosts matched ${JSON.stringify(pattern)}\n`);
  ctx.setExitCode(ExitCode.ok);
  return true;
}

export async function withHostSession<T>(work: (session: HostSession) => Promise<T>): Promise<T> {
  const pool = new ConnectionPool();
  const abort = new AbortController();
  const stopInterrupt = onInterrupt(async () => {
    abort.abort();
    await pool.closeAll();
  });
  try {
    return await work({ pool, signal: abort.signal });
  } finally {
    stopInterrupt();
    await pool.closeAll();
  }
}
