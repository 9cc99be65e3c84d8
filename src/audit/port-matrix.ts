// The audit's output. For people: per host a table of ports × vantage points (open / closed / filtered), violations
// in capitals with a marker, then the list of violations naming host and port, and a one-line summary.
// `--json`: one object per host × vantage point × port, then a summary object.
import { paint } from '../report/ad-hoc-report.js';
import { VANTAGE_KINDS, type Finding, type VantageKind } from './audit-types.js';
import { POLICY_VARS } from './port-policy.js';
import type { PortAuditReport, VantageRun } from './run-port-audit.js';

export interface AuditSummary {
  hosts: number;
  ports: number;
  probes: number;
  open: number;
  closed: number;
  filtered: number;
  unknown: number;
  violations: number;
  /** Vantage points that failed, plus hosts whose addresses could not be read. */
  problems: number;
  durationMs: number;
}

export function summarizeAudit(r: PortAuditReport): AuditSummary {
  const count = (s: Finding['state']) => r.findings.filter((f) => f.state === s).length;
  return {
    hosts: r.hosts.length,
    ports: r.ports.length,
    probes: r.findings.length,
    open: count('open'),
    closed: count('closed'),
    filtered: count('filtered'),
    unknown: count('unknown'),
    violations: r.findings.filter((f) => f.isViolation).length,
    problems: r.vantages.filter((v) => v.status === 'failed').length + r.unreachable.length,
    durationMs: r.durationMs,
  };
}

const TITLE: Record<VantageKind, string> = { outside: 'outside', vpn: 'vpn', private: 'private' };
const TOWARDS: Record<VantageKind, string> = { outside: 'public addresses', vpn: 'VPN addresses', private: 'private addresses' };
const COLUMN = 12;

function describeRun(v: VantageRun): string {
  const how = v.source && v.source !== 'option' ? ` (${v.source})` : '';
  const failed = v.status === 'failed' ? `  ${paint(35, `FAILED: ${v.message ?? ''}`)}` : '';
  return `  ${TITLE[v.vantage].padEnd(8)} ${v.from}${how} → ${TOWARDS[v.vantage]}${failed}\n`;
}

function cell(f: Finding | undefined): string {
  if (!f) return paint(2, '-'.padEnd(COLUMN));
  if (f.isViolation) return paint(31, 'OPEN !!'.padEnd(COLUMN));
  if (f.state === 'unknown') return paint(35, '?'.padEnd(COLUMN));
  const text = f.state.padEnd(COLUMN);
  return f.state === 'open' ? paint(32, text) : text;
}

function hostBlock(r: PortAuditReport, host: PortAuditReport['hosts'][number], byKey: Map<string, Finding>, kinds: VantageKind[]): string {
  const addr = VANTAGE_KINDS.filter((k) => host.addresses[k]).map((k) => `${k === 'outside' ? 'public' : k} ${host.addresses[k]}`);
  let out = `${paint(1, host.host)}  ${addr.join('  ')}\n`;
  out += `  allowed open from outside and the private network (${POLICY_VARS.publicPorts}): ${host.policy.publicPorts.join(', ') || 'none'}\n`;
  for (const k of VANTAGE_KINDS) if (host.notProbed[k]) out += `  ${k}: not probed (${host.notProbed[k]})\n`;
  out += `  ${'port'.padEnd(7)}${kinds.map((k) => TITLE[k].padEnd(COLUMN)).join('')}`.trimEnd() + '\n';
  for (const port of r.ports) {
    const row = kinds.map((k) => byKey.get(`${host.host} ${k} ${port}`));
    const isBad = row.some((f) => f?.isViolation);
    const line = `  ${String(port).padEnd(7)}${row.map(cell).join('')}`.trimEnd();
    out += isBad ? `${line}  ${paint(31, '← VIOLATION')}\n` : `${line}\n`;
  }
  return out;
}

function violationLine(f: Finding, publicPorts: number[]): string {
  const via = f.vantage === 'outside' ? `from outside (controller → ${f.address})` : `from the ${f.vantage === 'vpn' ? 'VPN' : 'private network'} (${f.from} → ${f.address})`;
  return `  ${f.host}  port ${f.port}/tcp open ${via}: not in ${POLICY_VARS.publicPorts} [${publicPorts.join(', ')}]\n`;
}

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

export function formatSummaryLine(s: AuditSummary): string {
  const problems = s.problems ? `, ${paint(35, plural(s.problems, 'problem'))}` : '';
  const violations = paint(s.violations ? 31 : 32, plural(s.violations, 'violation'));
  return `${plural(s.hosts, 'host')} × ${plural(s.ports, 'port')}, ${plural(s.probes, 'probe')}: ${s.open} open, ${s.closed} closed, ${s.filtered} filtered, ${s.unknown} unknown; ${violations}${problems} in ${(s.durationMs / 1000).toFixed(1)}s\n`;
}

/** The whole report for people. */
export function formatPortMatrix(r: PortAuditReport): string {
  const kinds = VANTAGE_KINDS.filter((k) => r.vantages.some((v) => v.vantage === k));
  const byKey = new Map(r.findings.map((f) => [`${f.host} ${f.vantage} ${f.port}`, f]));
  let out = 'Port audit — vantage points:\n';
  for (const k of VANTAGE_KINDS) {
    for (const v of r.vantages) if (v.vantage === k) out += describeRun(v);
    if (r.skipped[k]) out += `  ${TITLE[k].padEnd(8)} ${paint(33, `skipped: ${r.skipped[k]}`)}\n`;
  }
  for (const u of r.unreachable) out += `  ${paint(35, `${u.host}: UNREACHABLE: ${u.message}`)}\n`;
  for (const host of r.hosts) out += `\n${hostBlock(r, host, byKey, kinds)}`;
  const violations = r.findings.filter((f) => f.isViolation);
  const policyOf = new Map(r.hosts.map((h) => [h.host, h.policy.publicPorts]));
  if (violations.length > 0) {
    out += `\n${paint(31, `VIOLATIONS (${violations.length}): ports open that the policy does not allow`)}\n`;
    for (const f of violations) out += violationLine(f, policyOf.get(f.host) ?? []);
  }
  return `${out}\n${formatSummaryLine(summarizeAudit(r))}`;
}

/** `--json`: one line per probe, then the summary (with the vantage points, skips and unreachable hosts). */
export function formatPortJson(r: PortAuditReport): string {
  const lines = r.findings.map((f) =>
    JSON.stringify({
      type: 'probe',
      host: f.host,
      vantage: f.vantage,
      from: f.from,
      address: f.address,
      port: f.port,
      state: f.state,
      allowed: f.isAllowed,
      violation: f.isViolation,
      ...(f.reason === undefined ? {} : { reason: f.reason }),
    }),
  );
  const { durationMs, ...counts } = summarizeAudit(r);
  const summary = {
    type: 'summary',
    counts,
    violations: r.findings.filter((f) => f.isViolation).map((f) => ({ host: f.host, vantage: f.vantage, from: f.from, address: f.address, port: f.port })),
    ports: r.ports,
    vantages: r.vantages,
    skipped: r.skipped,
    unreachable: r.unreachable,
    hosts: r.hosts.map((h) => ({ host: h.host, addresses: h.addresses, publicPorts: h.policy.publicPorts, notProbed: h.notProbed })),
    durationMs,
  };
  lines.push(JSON.stringify(summary));
  return `${lines.join('\n')}\n`;
}
