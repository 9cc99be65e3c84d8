// Everything the engine knows about one host during a run: how to reach it, what it learned, how it fared.
import type { Host } from '../inventory/types.js';
import type { BecomeOptions, ConnectTarget } from '../transport/transport.js';
import { emptyCounts, type RecapCounts } from './events.js';
import type { Facts } from './facts.js';
import { ProbeCache } from './speculation.js';

export class HostState {
  readonly name: string;
  facts?: Facts;
  /** set_fact and register: the "set_fact and register" precedence level. */
  readonly runVars: Record<string, unknown> = {};
  /** Handler ids notified by a change, waiting for the next flush. */
  readonly notified = new Set<string>();
  /** Stopped for the rest of the play: a failed task (not ignored) or unreachable. */
  isFailed = false;
  isUnreachable = false;
  /** end_host: stops quietly, not a failure. */
  isEnded = false;
  readonly counts: RecapCounts = emptyCounts();
  /** Probe results read ahead, valid until something may have changed the host. */
  readonly probes = new ProbeCache();

  constructor(
    readonly host: Host,
    readonly target: ConnectTarget,
    readonly become: BecomeOptions | undefined,
  ) {
    this.name = host.name;
  }

  get isActive(): boolean {
    return !this.isFailed && !this.isUnreachable && !this.isEnded;
  }
}
