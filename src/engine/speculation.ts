// Reading ahead: when a host needs one probe, the engine also runs the probes of the tasks that follow, in the same
// exec, and keeps their results. A later task whose probe is the same script (same text, same become user) takes
// its result instead of a round trip. Probes only read, so a result stays true until something may have changed
// the host: any apply or action exec clears every result (ProbeCache.clear), and the task probes again.
import type { ExecResult } from '../modules/define.js';
import { runScript, type Connection, type ScriptOptions } from '../transport/transport.js';
import { composeProbes } from './probe-batch.js';

/** How many probes a batch may read ahead: grows while they are used, shrinks when a change wastes them. */
const WINDOW = { initial: 16, min: 1, max: 32 };

export class ProbeCache {
  private readonly results = new Map<string, ExecResult>();
  /** Kept and not taken yet: wasted if the host changes first. */
  private readonly unused = new Set<string>();
  private window = WINDOW.initial;

  /** How many upcoming probes to read ahead now. */
  get readAhead(): number {
    return this.window;
  }

  /** A kept result for this exact script (it stays: two tasks reading the same file read the same). */
  take(key: string): ExecResult | undefined {
    const hit = this.results.get(key);
    if (!hit) return undefined;
    if (this.unused.delete(key)) this.window = Math.min(WINDOW.max, this.window * 2);
    return hit;
  }

  /** Keeps a result; `ahead` when it was read for a task still to come (its use makes the window grow). */
  keep(key: string, result: ExecResult, ahead = true): void {
    this.results.set(key, result);
    if (ahead) this.unused.add(key);
  }

  /** Something may have changed the host: what was read before no longer holds. */
  clear(): void {
    if (this.unused.size > 0) this.window = Math.max(WINDOW.min, this.window >> 2);
    this.results.clear();
    this.unused.clear();
  }
}

/** The cache key: the script as it will run, and who runs it. */
export function probeKey(becomeUser: string | undefined, text: string): string {
  return `${becomeUser ?? ''}\0${text}`;
}

/**
 * Runs the read-only script `text` together with the probes read `ahead` (one exec), keeps every result in
 * `probes`, and returns the result of `text`.
 */
export async function probeWithReadAhead(conn: Connection, text: string, options: ScriptOptions, probes: ProbeCache, ahead: readonly string[]): Promise<ExecResult> {
  const user = options.become?.user;
  const others = [...new Set(ahead)].filter((t) => t !== text);
  if (others.length === 0) {
    const alone = await runScript(conn, text, options);
    probes.keep(probeKey(user, text), alone, false);
    return alone;
  }
  const batch = composeProbes([text, ...others]);
  const [own, ...results] = batch.split(await runScript(conn, batch.text, options));
  if (own) probes.keep(probeKey(user, text), own, false);
  others.forEach((t, i) => results[i] && probes.keep(probeKey(user, t), results[i]));
  // The batch failed before the first probe finished: run it alone, as without reading ahead.
  return own ?? runScript(conn, text, options);
}
