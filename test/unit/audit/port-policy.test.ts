// The policy: read from a host's variables (the security role's, as its tasks see them) and applied to probes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { isOpenAllowed, judgeProbe, readHostPolicy, type HostPolicy } from '../../../src/audit/port-policy.js';
import { findPolicyRole, policyVarsResolver } from '../../../src/audit/policy-vars.js';
import { parsePortList, portsToProbe, SENSITIVE_PORTS } from '../../../src/audit/port-list.js';
import { resolveConnectTarget } from '../../../src/transport/connect-target.js';
import type { ProbeResult } from '../../../src/audit/audit-types.js';
import { inventoryOf } from '../inventory/inventory-helpers.js';

const REPO = join(import.meta.dirname, '../../..');
const policy: HostPolicy = { publicPorts: [22, 80, 443, 6443], vpnInterfaces: ['zt+'], vpnCidr: '10.147.17.0/24' };

test('readHostPolicy: ports (numbers or digit strings), VPN range and interfaces; problems named', () => {
  assert.deepEqual(readHostPolicy({ security_public_tcp_ports: [443, '22', 22], security_vpn_cidr: '10.0.0.0/8', security_vpn_interfaces: ['zt+'] }), {
    policy: { publicPorts: [22, 443], vpnCidr: '10.0.0.0/8', vpnInterfaces: ['zt+'] },
  });
  assert.deepEqual(readHostPolicy({ security_public_tcp_ports: [], security_vpn_cidr: '{{ vpn_cidr }}' }), { policy: { publicPorts: [], vpnInterfaces: [] } });
  assert.deepEqual(readHostPolicy({}), { problem: 'security_public_tcp_ports is not set' });
  assert.match((readHostPolicy({ security_public_tcp_ports: '22,80' }) as { problem: string }).problem, /must be a list/);
  assert.match((readHostPolicy({ security_public_tcp_ports: [22, 70000] }) as { problem: string }).problem, /70000 is not a TCP port/);
});

test('only public ports may be open from outside and the private network; anything over the VPN', () => {
  assert.equal(isOpenAllowed('outside', policy, 443), true);
  assert.equal(isOpenAllowed('outside', policy, 2379), false);
  assert.equal(isOpenAllowed('private', policy, 10250), false);
  assert.equal(isOpenAllowed('vpn', policy, 2379), true);
});

test('judgeProbe: an unexpected OPEN port is a violation; closed, filtered and unknown never are', () => {
  const probe = (p: Partial<ProbeResult>): ProbeResult => ({ host: 'm1', vantage: 'outside', from: 'controller', address: '203.0.113.1', port: 2379, state: 'open', ...p });
  assert.equal(judgeProbe(probe({}), policy).isViolation, true);
  assert.equal(judgeProbe(probe({ vantage: 'private' }), policy).isViolation, true);
  assert.equal(judgeProbe(probe({ vantage: 'vpn' }), policy).isViolation, false);
  assert.equal(judgeProbe(probe({ port: 22 }), policy).isViolation, false);
  for (const state of ['closed', 'filtered', 'unknown'] as const) assert.equal(judgeProbe(probe({ state }), policy).isViolation, false, state);
  assert.equal(judgeProbe(probe({ state: 'filtered', port: 443 }), policy).isAllowed, true, 'nothing listening on an allowed port is fine');
});

test("the security role's defaults < inventory vars, templates resolved as the role's tasks see them", async () => {
  const found = await findPolicyRole({ role: 'security', rolesPath: [], projectDir: REPO });
  assert.ok(found.role, `found in ${found.looked.join(', ')}`);
  const inv = await inventoryOf(
    `all:
  vars: { vpn_cidr: 10.147.17.0/24, ansible_user: root }
  children:
    masters:
      hosts:
        m1: { ansible_host: 203.0.113.1 }
        m2: { ansible_host: 203.0.113.2, security_public_tcp_ports: [22] }
    edge:
      vars: { security_public_tcp_ports: [22, 80, 443, 8443] }
      hosts: { e1: {} }
`,
    'hosts.yml',
  );
  const defaults = { hostKeyPolicy: 'strict' as const, connectTimeoutMs: 1000, sshConfig: [] };
  const varsOf = policyVarsResolver({ inventory: inv, role: found.role, targetOf: (h) => resolveConnectTarget(h, defaults), becomeOf: () => undefined });
  const p = (name: string) => readHostPolicy(varsOf(inv.hosts.get(name)!));
  assert.deepEqual(p('m1'), { policy: { publicPorts: [22, 80, 443, 6443], vpnCidr: '10.147.17.0/24', vpnInterfaces: ['zt+'] } });
  assert.deepEqual(p('m2'), { policy: { publicPorts: [22], vpnCidr: '10.147.17.0/24', vpnInterfaces: ['zt+'] } });
  assert.deepEqual(p('e1'), { policy: { publicPorts: [22, 80, 443, 8443], vpnCidr: '10.147.17.0/24', vpnInterfaces: ['zt+'] } });
  const missing = await findPolicyRole({ role: 'no-such-role', rolesPath: [], projectDir: REPO });
  assert.equal(missing.role, undefined);
  assert.ok(missing.looked.some((l) => l.endsWith('roles/no-such-role')));
});

test('ports: --ports lists and ranges; the probed set is public ∪ sensitive ∪ extra, sorted', () => {
  assert.deepEqual(parsePortList(['8443, 9000-9002', '22']), [22, 8443, 9000, 9001, 9002]);
  assert.throws(() => parsePortList(['0']), /not a TCP port/);
  assert.throws(() => parsePortList(['10-5']), /backwards/);
  assert.throws(() => parsePortList(['abc']), /not a TCP port/);
  const all = portsToProbe({ publicPorts: [22, 443], extra: [8443], isDefaultsIncluded: true });
  assert.deepEqual(all, [...new Set([22, 443, 8443, ...SENSITIVE_PORTS])].sort((a, b) => a - b));
  for (const p of [2379, 2380, 6443, 10250, 10257, 10259, 30000, 6783, 179, 5473, 8080]) assert.ok(all.includes(p), String(p));
  assert.deepEqual(portsToProbe({ publicPorts: [443, 22], extra: [], isDefaultsIncluded: false }), [22, 443]);
});
