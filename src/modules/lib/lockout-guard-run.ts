// The lock-out guard, the controller half shared by firewall and iptables: one exec arms the rollback and applies,
// a NEW connection (ActionIO.tryConnect) runs the confirmation, and anything else (cut off, connection lost,
// confirmed too late) means waiting for the rollback, proving the host answers again and failing the task. The
// remote scripts come from each module (built on lockout-guard.ts); only the words differ between them.
import type { ActionIO, ExecResult, RegisteredResult } from '../define.js';
import { parseKeyValues } from './probe-output.js';
import type { Script } from '../../shell/script.js';

export interface GuardWords {
  /** Starts every message: 'firewall', 'iptables'. */
  module: string;
  /** What a rollback leaves; starts with 'the previous rules are restored' (firewall adds that nothing was persisted). */
  restored: string;
  /** The failure when the arm-and-apply exec exits non-zero. */
  notApplied: string;
  /** When the rollback wrote something other than rolled-back, e.g. 'the rollback did not report back'. */
  unreported: string;
}

export type RollbackWhy = 'cut-off' | 'too-late' | 'lost';

/** The first sentence of a rolled-back task's message. */
export function rollbackHead(w: GuardWords, why: RollbackWhy, timeoutSeconds?: number): string {
  const reason =
    why === 'cut-off'
      ? 'it cut the controller off (a new SSH connection failed after applying)'
      : why === 'too-late'
        ? `the new SSH connection worked, but only after rollback_timeout (${timeoutSeconds}s)`
        : 'the connection was lost while applying';
  return `${w.module} change rolled back: ${reason}; ${w.restored}${why === 'too-late' ? ' (raise rollback_timeout)' : ''}`;
}

export interface GuardedRun {
  words: GuardWords;
  timeoutSeconds: number;
  armAndApply: Script;
  confirm: Script;
  confirmTimeoutMs: number;
  afterRollback: Script;
  /** The command to check the rules by hand when no rollback was recorded (iptables-save). */
  saveTool: string;
  /** The module's failed result for a script that exited non-zero. */
  failure: (what: string, r: ExecResult, extra: Partial<RegisteredResult>) => RegisteredResult;
  /** decided=confirmed but the confirming exec then failed: what failed (firewall: persisting). Unset: not confirmed. */
  afterConfirmFailed?: string;
  /** Whose rc/stdout/stderr a confirmed result carries: firewall's confirmation persists, iptables' apply is the command. */
  output: 'armed' | 'confirmed';
}

async function reachableAgain(io: ActionIO): Promise<boolean> {
  for (let attempt = 0; attempt < 3; attempt++) {
    if (await io.tryConnect(5000)) return true;
    await io.sleep(1000);
  }
  return false;
}

/** After the rollback was due: reconnect (proof the host answers), read what decided, build the failed result. */
async function reportRollback(g: GuardedRun, io: ActionIO, base: RegisteredResult, why: RollbackWhy, deadline: number): Promise<RegisteredResult> {
  const wait = deadline - io.now() + 1500;
  if (wait > 0) await io.sleep(wait);
  const back = await reachableAgain(io);
  const head = rollbackHead(g.words, why, g.timeoutSeconds);
  const m = g.words.module;
  if (!back) {
    return {
      ...base,
      changed: true,
      failed: true,
      guard: 'unconfirmed',
      msg: `${head.replace('; the previous rules are restored', '; the rollback was due to restore the previous rules')}. The host still does not answer a new SSH connection: check it from its console`,
    };
  }
  let decided = 'unknown';
  try {
    const r = await io.exec(g.afterRollback, { timeoutMs: 30_000 });
    decided = parseKeyValues(r.stdout).get('decided') ?? 'unknown';
  } catch {
    /* reported below as unknown */
  }
  if (decided === 'none') {
    return { ...base, changed: true, failed: true, guard: 'unknown', msg: `${m}: the connection was lost while applying and no rollback was recorded on the host: check its rules (${g.saveTool})` };
  }
  if (decided !== 'rolled-back') {
    return { ...base, changed: true, failed: true, guard: decided, msg: `${m}: the change was not confirmed and ${g.words.unreported} (${decided}); check the host's rules` };
  }
  return { ...base, changed: false, failed: true, guard: 'rolled-back', msg: `${head}. A new SSH connection works again.` };
}

/** Arm and apply, then confirm over a new connection (or wait for the rollback). `base` is the planned result. */
export async function guardedRun(io: ActionIO, base: RegisteredResult, g: GuardedRun): Promise<RegisteredResult> {
  const T = g.timeoutSeconds * 1000;
  const deadline = io.now() + T;
  let armed: ExecResult;
  try {
    armed = await io.exec(g.armAndApply, { timeoutMs: T + 30_000 });
  } catch {
    return reportRollback(g, io, base, 'lost', deadline);
  }
  if (armed.code !== 0) return g.failure(g.words.notApplied, armed, { ...base, changed: false });
  // Leave a quarter of the window (at least a second) to disarm over the new connection.
  const remaining = deadline - io.now();
  const connectMs = Math.max(500, Math.round(remaining - Math.max(1000, T / 4)));
  const confirmStart = io.now();
  if (!(await io.tryConnect(connectMs))) return reportRollback(g, io, base, 'cut-off', deadline);
  let confirmed: ExecResult;
  try {
    confirmed = await io.exec(g.confirm, { timeoutMs: g.confirmTimeoutMs });
  } catch {
    return reportRollback(g, io, base, 'lost', deadline);
  }
  const decided = parseKeyValues(confirmed.stdout).get('decided');
  if (decided === 'rolled-back') return reportRollback(g, io, base, 'too-late', deadline);
  if (decided === 'confirmed' && confirmed.code !== 0 && g.afterConfirmFailed !== undefined) return g.failure(g.afterConfirmFailed, confirmed, { ...base, changed: true });
  if (decided !== 'confirmed' || confirmed.code !== 0) {
    return g.failure(`the change could not be confirmed (${decided ?? 'no answer'}); the armed rollback restores the previous rules within ${g.timeoutSeconds}s`, confirmed, { ...base, changed: true });
  }
  const out = g.output === 'armed' ? armed : confirmed;
  return { ...base, guard: 'confirmed', confirm_ms: io.now() - confirmStart, rc: out.code, stdout: out.stdout, stderr: out.stderr };
}
