// Reading ahead: when a host needs one probe, the engine also runs the probes of the tasks that follow
// (upcomingProbes), in the same exec (composeProbes), and keeps every result in the host's ProbeCache.
import type { ExecResult } from '../../modules/define.js';
import { runScript, type Connection, type ScriptOptions } from '../../transport/transport.js';
import { composeProbes } from './probe-batch.js';
import { probeKey, type ProbeCache } from './probe-cache.js';

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
