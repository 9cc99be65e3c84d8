// The audit's output for a fixed report: the matrix for people (violations marked and listed), and --json.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { Finding } from '../../../src/audit/audit-types.js';
import { formatPortJson, formatPortMatrix, summarizeAudit } from '../../../src/audit/port-matrix.js';
import type { PortAuditReport } from '../../../src/audit/run-port-audit.js';

process.env.NO_COLOR = '1';

const policy = { publicPorts: [22, 443], vpnInterfaces: ['zt+'] };

function f(host: string, vantage: Finding['vantage'], port: number, state: Finding['state'], isViolation = false): Finding {
  const from = vantage === 'outside' ? 'controller' : vantage === 'vpn' ? 'm1' : 'netns:tsi00-neighbour';
  const address = `${vantage === 'outside' ? '203.0.113' : vantage === 'vpn' ? '10.147.17' : '192.168.0'}.${host.slice(1)}`;
  return { host, vantage, from, address, port, state, isAllowed: vantage === 'vpn' || policy.publicPorts.includes(port), isViolation, ...(state === 'unknown' ? { reason: 'x' } : {}) };
}

const report: PortAuditReport = {
  ports: [22, 2379],
  hosts: [
    { host: 'm1', addresses: { outside: '203.0.113.1', private: '192.168.0.1' }, policy, notProbed: { vpn: 'it is the only VPN member' } },
    { host: 'm2', addresses: { outside: '203.0.113.2', vpn: '10.147.17.2', private: '192.168.0.2' }, policy, notProbed: {} },
  ],
  vantages: [
    { vantage: 'outside', from: 'controller', status: 'ok', probes: 4, durationMs: 5 },
    { vantage: 'vpn', from: 'm1', source: 'default', status: 'ok', probes: 2, durationMs: 5 },
    { vantage: 'private', from: 'netns:tsi00-neighbour', source: 'lab', status: 'ok', probes: 4, durationMs: 5 },
  ],
  skipped: {},
  findings: [
    f('m1', 'outside', 22, 'open'),
    f('m1', 'outside', 2379, 'filtered'),
    f('m1', 'private', 22, 'open'),
    f('m1', 'private', 2379, 'filtered'),
    f('m2', 'outside', 22, 'open'),
    f('m2', 'outside', 2379, 'open', true),
    f('m2', 'vpn', 22, 'open'),
    f('m2', 'vpn', 2379, 'open'),
    f('m2', 'private', 22, 'closed'),
    f('m2', 'private', 2379, 'unknown'),
  ],
  unreachable: [],
  durationMs: 1234,
};

test('the matrix: a table per host, violations in capitals with a marker, then listed by host and port', () => {
  assert.equal(
    formatPortMatrix(report),
    `Port audit — vantage points:
  outside  controller → public addresses
  vpn      m1 (default) → VPN addresses
  private  netns:tsi00-neighbour (lab) → private addresses

m1  public 203.0.113.1  private 192.168.0.1
  allowed open from outside and the private network (security_public_tcp_ports): 22, 443
  vpn: not probed (it is the only VPN member)
  port   outside     vpn         private
  22     open        -           open
  2379   filtered    -           filtered

m2  public 203.0.113.2  vpn 10.147.17.2  private 192.168.0.2
  allowed open from outside and the private network (security_public_tcp_ports): 22, 443
  port   outside     vpn         private
  22     open        open        closed
  2379   OPEN !!     open        ?  ← VIOLATION

VIOLATIONS (1): ports open that the policy does not allow
  m2  port 2379/tcp open from outside (controller → 203.0.113.2): not in security_public_tcp_ports [22, 443]

2 hosts × 2 ports, 10 probes: 6 open, 1 closed, 2 filtered, 1 unknown; 1 violation in 1.2s
`,
  );
});

test('skipped vantage points and unreachable hosts are said up front', () => {
  const text = formatPortMatrix({ ...report, skipped: { private: 'no private-network vantage point' }, unreachable: [{ host: 'm3', message: 'connect ECONNREFUSED' }] });
  assert.match(text, /^ {2}private {2}skipped: no private-network vantage point$/m);
  assert.match(text, /^ {2}m3: UNREACHABLE: connect ECONNREFUSED$/m);
});

test('--json: one object per host × vantage × port, then a summary naming the violations', () => {
  const lines = formatPortJson(report).trimEnd().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines.length, report.findings.length + 1);
  assert.deepEqual(lines[5], { type: 'probe', host: 'm2', vantage: 'outside', from: 'controller', address: '203.0.113.2', port: 2379, state: 'open', allowed: false, violation: true });
  assert.equal(lines[9]!.reason, 'x');
  const summary = lines.at(-1)!;
  assert.equal(summary.type, 'summary');
  assert.deepEqual(summary.counts, { hosts: 2, ports: 2, probes: 10, open: 6, closed: 1, filtered: 2, unknown: 1, violations: 1, problems: 0 });
  assert.deepEqual(summary.violations, [{ host: 'm2', vantage: 'outside', from: 'controller', address: '203.0.113.2', port: 2379 }]);
  assert.deepEqual(summary.ports, [22, 2379]);
});

test('summarizeAudit counts failed vantage points and unreachable hosts as problems', () => {
  const s = summarizeAudit({ ...report, vantages: [...report.vantages, { vantage: 'vpn', from: 'm2', status: 'failed', probes: 2, durationMs: 1 }], unreachable: [{ host: 'm3', message: 'x' }] });
  assert.equal(s.problems, 2);
});
