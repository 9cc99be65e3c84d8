// Output of ad-hoc runs. Text: one block per host, printed whole when the host finishes, so blocks never
// interleave. JSON: one object per host per line, then a summary object.
import type { AdHocResult } from '../engine/run-ad-hoc.js';

const useColor = () => process.stdout.isTTY && !process.env.NO_COLOR;
export const paint = (code: number, s: string) => (useColor() ? `\u001b[${code}m${s}\u001b[0m` : s);

const STATUS_WORD = { ok: 'SUCCESS', failed: 'FAILED', unreachable: 'UNREACHABLE' } as const;
const STATUS_COLOR = { ok: 32, failed: 31, unreachable: 35 } as const;

export interface AdHocSummary {
  ok: number;
  failed: number;
  unreachable: number;
  hosts: number;
  durationMs: number;
}

export function summarize(results: AdHocResult[], durationMs: number): AdHocSummary {
  const count = (s: AdHocResult['status']) => results.filter((r) => r.status === s).length;
  return { ok: count('ok'), failed: count('failed'), unreachable: count('unreachable'), hosts: results.length, durationMs };
}

export function formatHostBlock(r: AdHocResult): string {
  const head = `${r.host} | ${STATUS_WORD[r.status]}`;
  if (r.status === 'unreachable') return `${paint(STATUS_COLOR.unreachable, `${head}! =>`)} ${r.message ?? ''}\n`;
  const how = r.signal ? `signal=${r.signal}` : `rc=${r.rc}`;
  let text = `${paint(STATUS_COLOR[r.status], `${head} | ${how} >>`)}\n`;
  if (r.stdout) text += r.stdout.endsWith('\n') ? r.stdout : `${r.stdout}\n`;
  if (r.stderr) text += r.stderr.endsWith('\n') ? r.stderr : `${r.stderr}\n`;
  if (r.message && !r.stderr.includes(r.message)) text += `${r.message}\n`;
  return text;
}

export function formatSummary(s: AdHocSummary): string {
  const parts = [paint(32, `ok=${s.ok}`), paint(s.failed ? 31 : 0, `failed=${s.failed}`), paint(s.unreachable ? 35 : 0, `unreachable=${s.unreachable}`)];
  return `${s.hosts} hosts: ${parts.join(' ')} in ${(s.durationMs / 1000).toFixed(2)}s\n`;
}

export function jsonHostLine(r: AdHocResult): string {
  return `${JSON.stringify({ type: 'host', ...r })}\n`;
}

export function jsonSummaryLine(s: AdHocSummary): string {
  return `${JSON.stringify({ type: 'summary', ...s })}\n`;
}
