// Ad-hoc runs (`tsinfra shell`, `tsinfra ping`): one command on many hosts in parallel, bounded by --forks.
// Each host's failure stays its own: an unreachable host never stops the others.
import { CommandError, ConnectError, TsinfraError } from '../errors.js';
import { log } from '../log.js';
import type { ConnectionPool } from '../transport/connection-pool.js';
import type { BecomeOptions, ConnectTarget } from '../transport/transport.js';
import { forEachHost } from './for-each-host.js';

export type AdHocStatus = 'ok' | 'failed' | 'unreachable';

export interface AdHocResult {
  host: string;
  status: AdHocStatus;
  rc: number | null;
  signal: string | null;
  stdout: string;
  stderr: string;
  /** Why it failed or could not be reached. */
  message?: string;
  durationMs: number;
}

export interface AdHocHost {
  target: ConnectTarget;
  become?: BecomeOptions;
}

export interface AdHocOptions {
  hosts: AdHocHost[];
  command: string;
  stdin?: string;
  forks: number;
  commandTimeoutMs?: number;
  pool: ConnectionPool;
  /** Called as each host finishes, so output appears as soon as it is known. */
  onResult?: (result: AdHocResult) => void;
  signal?: AbortSignal;
}

async function runOnHost(h: AdHocHost, o: AdHocOptions): Promise<AdHocResult> {
  const started = Date.now();
  const host = h.target.name;
  const base = { host, rc: null, signal: null, stdout: '', stderr: '' };
  const hostLog = log().child({ host });
  try {
    if (o.signal?.aborted) throw new ConnectError(host, 'ssh', 'run interrupted before connecting');
    const conn = await o.pool.get(h.target);
    hostLog.debug({ command: o.command }, 'exec');
    const r = await conn.exec(o.command, { become: h.become, stdin: o.stdin, timeoutMs: o.commandTimeoutMs });
    const status: AdHocStatus = r.code === 0 ? 'ok' : 'failed';
    hostLog.info({ rc: r.code, signal: r.signal }, 'done');
    return { ...base, status, rc: r.code, signal: r.signal, stdout: r.stdout, stderr: r.stderr, durationMs: Date.now() - started };
  } catch (err) {
    const durationMs = Date.now() - started;
    if (err instanceof ConnectError) {
      hostLog.warn({ reason: err.level, err: err.message }, 'unreachable');
      return { ...base, status: 'unreachable', message: err.describe(), durationMs };
    }
    if (err instanceof CommandError) {
      hostLog.warn({ err: err.message }, 'failed');
      return { ...base, status: 'failed', rc: err.exitCode, signal: err.signal, stdout: err.stdout, stderr: err.stderr, message: err.message, durationMs };
    }
    if (err instanceof TsinfraError) return { ...base, status: 'failed', message: err.describe(), durationMs };
    throw err;
  }
}

export async function runAdHoc(o: AdHocOptions): Promise<AdHocResult[]> {
  return forEachHost(o.hosts, (h) => runOnHost(h, o), { forks: o.forks, onResult: o.onResult });
}
