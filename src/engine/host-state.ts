// Everything the engine knows about one host during a run: how to reach it, what it learned, how it fared.
import type { Host } from '../inventory/types.js';
import type { BecomeOptions, ConnectTarget } from '../transport/transport.js';
import { emptyCounts, type RecapCounts } from './events.js';
import type { Facts } from './facts.js';
import { ProbeCache } from './read-ahead/probe-cache.js';

/**
 * Bumped by every change to any host's facts or run vars. A task's variables built at one version hold until the
 * next (taskVars keeps them): any host, since a variable may be a template over another host's hostvars.
 */
let varsVersion = 0;

export function currentVarsVersion(): number {
  return varsVersion;
}

/** add_host / group_by changed the inventory: `groups`, `group_names` and host variables may differ now. */
export function noteInventoryChange(): void {
  varsVersion++;
}

export class HostState {
  readonly name: string;
  private gathered?: Facts;
  /** set_fact and register: the "set_fact and register" precedence level. Changed only through setRunVar/mergeRunVars. */
  readonly runVars: Readonly<Record<string, unknown>> = {};
  /** include_vars: its own level, below set_fact and register (Ansible's vars cache). Changed only through mergeIncludedVars. */
  readonly includedVars: Readonly<Record<string, unknown>> = {};
  /** taskVars' results for this host, by task, with the version they were built at. */
  readonly taskVarsCache = new WeakMap<object, { version: number; scope: object; vars: Record<string, unknown> }>();
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

  get facts(): Facts | undefined {
    return this.gathered;
  }

  set facts(facts: Facts | undefined) {
    this.gathered = facts;
    varsVersion++;
  }

  setRunVar(name: string, value: unknown): void {
    (this.runVars as Record<string, unknown>)[name] = value;
    varsVersion++;
  }

  mergeRunVars(values: Record<string, unknown>): void {
    Object.assign(this.runVars, values);
    varsVersion++;
  }

  mergeIncludedVars(values: Record<string, unknown>): void {
    Object.assign(this.includedVars, values);
    varsVersion++;
  }

  get isActive(): boolean {
    return !this.isFailed && !this.isUnreachable && !this.isEnded;
  }
}
