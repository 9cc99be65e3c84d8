// What a host's probes returned, read ahead or not. A later task whose probe is the same script (same text, same
// become user) takes the result instead of a round trip. Probes only read, so a result stays true until something
// may have changed the host: any apply or action exec clears every result (ProbeCache.clear), and the task probes
// again.
import type { ExecResult } from '../../modules/define.js';

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
