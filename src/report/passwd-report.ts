// Output of `tsinfra passwd`. Text: one line per host as it finishes (`master1 | CHANGED | password for root
// updated`), then a summary line. JSON: one object per host per line, then a summary object. Results never hold
// the password or a hash (see engine/rotate-password.ts), so nothing here needs to mask them.
import type { RotateResult, RotateStatus } from '../engine/rotate-password.js';
import { paint } from './ad-hoc-report.js';

const STATUS_WORD: Record<RotateStatus, string> = { ok: 'OK', changed: 'CHANGED', failed: 'FAILED', unreachable: 'UNREACHABLE' };
const STATUS_COLOR: Record<RotateStatus, number> = { ok: 32, changed: 33, failed: 31, unreachable: 35 };

export interface PasswdSummary {
  ok: number;
  changed: number;
  failed: number;
  unreachable: number;
  hosts: number;
  durationMs: number;
  /** --check: `changed` counts hosts that would change. */
  check: boolean;
}

export function summarizePasswd(results: readonly RotateResult[], durationMs: number, check: boolean): PasswdSummary {
  const count = (s: RotateStatus) => results.filter((r) => r.status === s).length;
  return { ok: count('ok'), changed: count('changed'), failed: count('failed'), unreachable: count('unreachable'), hosts: results.length, durationMs, check };
}

export function formatPasswdLine(r: RotateResult): string {
  return `${paint(STATUS_COLOR[r.status], `${r.host} | ${STATUS_WORD[r.status]}`)} | ${r.message}\n`;
}

export function formatPasswdSummary(s: PasswdSummary): string {
  const cell = (name: keyof typeof STATUS_COLOR, n: number) => (n > 0 ? paint(STATUS_COLOR[name], `${name}=${n}`) : `${name}=${n}`);
  const parts = [cell('ok', s.ok), cell('changed', s.changed), cell('failed', s.failed), cell('unreachable', s.unreachable)];
  const tail = s.check ? ' (check mode: nothing was changed)' : '';
  return `${s.hosts} hosts: ${parts.join(' ')} in ${(s.durationMs / 1000).toFixed(2)}s${tail}\n`;
}

export function passwdJsonLine(r: RotateResult): string {
  return `${JSON.stringify({ type: 'host', ...r })}\n`;
}

export function passwdJsonSummaryLine(s: PasswdSummary): string {
  return `${JSON.stringify({ type: 'summary', ...s })}\n`;
}
