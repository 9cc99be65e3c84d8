// The prepare playbook's acceptance checks, shared by the systemd and the namespace lab test files.
// Every check looks at the hosts independently of tsinfra (nsenter, sockets from the controller and neighbours).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { hostExec, ok, type LabInfo } from '../../support/lab.js';
import { jsonLines, tsinfra } from '../../support/cli.js';
import { listen, probeFromController, probeFromHost, probeFromNeighbour } from '../../support/ports.js';

export const PREPARE = join(import.meta.dirname, '../../../playbooks/prepare.yaml');
const PUBLIC = [22, 80, 443, 6443];
const PROBED = [22, 80, 443, 2379, 6443, 8080, 10250];

function recap(stdout: string): Record<string, Record<string, number>> {
  return jsonLines(stdout).find((e) => e.type === 'recap')!.hosts as Record<string, Record<string, number>>;
}

export function prepareChecks(getLab: () => LabInfo): void {
  test('prepare succeeds on every host; the second run reports changed=0', async () => {
    const lab = getLab();
    const first = await tsinfra(['play', PREPARE, '-i', lab.inventoryPath, '--json'], { timeoutMs: 600_000 });
    assert.equal(first.code, 0, first.stdout.slice(-4000) + first.stderr);
    const second = await tsinfra(['play', PREPARE, '-i', lab.inventoryPath, '--json'], { timeoutMs: 600_000 });
    assert.equal(second.code, 0, second.stdout.slice(-4000) + second.stderr);
    for (const [host, c] of Object.entries(recap(second.stdout))) assert.equal(c.changed, 0, `${host}: ${JSON.stringify(c)}`);
    assert.equal(Object.keys(recap(second.stdout)).length, lab.hosts.length);
  });

  test('ports: outside sees exactly 22/80/443/6443; the VPN sees 10250; the private network only the public ports', async () => {
    const lab = getLab();
    const [a, b] = lab.hosts;
    await listen(lab, a!.name, PROBED.filter((p) => p !== 22));
    const outside = Object.fromEntries(await Promise.all(PROBED.map(async (p) => [p, await probeFromController(a!.publicAddress!, p)])));
    assert.deepEqual(PROBED.filter((p) => outside[p] === 'open'), PUBLIC, JSON.stringify(outside));
    assert.equal(outside[10250], 'filtered');
    const vpnAddress = ok(await hostExec(lab, a!.name, "ip -4 -o addr show | awk '$2 ~ /^zt/ {print $4}' | cut -d/ -f1")).trim();
    assert.match(vpnAddress, /^\d+\.\d+\.\d+\.\d+$/, 'the host has a VPN address on a zt interface');
    const overVpn = await probeFromHost(lab, b!.name, vpnAddress, [10250, 2379]);
    assert.equal(overVpn.get(10250), 'open', 'over the VPN 10250 is reachable');
    const neighbour = await probeFromNeighbour(lab, a!.privateAddress, PROBED);
    assert.deepEqual(PROBED.filter((p) => neighbour.get(p) === 'open'), PUBLIC, JSON.stringify([...neighbour]));
  });

  test("a chain KUBE-TEST added by another tool survives a re-run, and so do sshguard's", async () => {
    const lab = getLab();
    const h = lab.hosts[1]!.name;
    ok(await hostExec(lab, h, 'iptables -N KUBE-TEST && iptables -A KUBE-TEST -s 192.0.2.1 -j RETURN && iptables -I INPUT 1 -j KUBE-TEST'));
    const before = ok(await hostExec(lab, h, "iptables-save -t filter | grep -E 'KUBE-TEST|sshguard' | sort"));
    const r = await tsinfra(['play', PREPARE, '-i', lab.inventoryPath, '--limit', h, '--json'], { timeoutMs: 600_000 });
    assert.equal(r.code, 0, r.stdout.slice(-3000) + r.stderr);
    assert.equal(recap(r.stdout)[h]!.changed, 0);
    const after = ok(await hostExec(lab, h, "iptables-save -t filter | grep -E 'KUBE-TEST|sshguard' | sort"));
    assert.equal(after, before);
    assert.match(after, /-A KUBE-TEST -s 192.0.2.1\/32 -j RETURN/);
    assert.match(after, /-A INPUT -j KUBE-TEST/);
  });

  test('sshguard runs with the VPN range whitelisted; sshd is keys-only', async () => {
    const lab = getLab();
    for (const h of lab.hosts) {
      assert.equal((await hostExec(lab, h.name, 'pgrep -x sshguard >/dev/null')).code, 0, `sshguard runs on ${h.name}`);
      assert.ok(ok(await hostExec(lab, h.name, 'cat /etc/sshguard/whitelist')).includes(lab.networks.vpn.cidr));
      const effective = ok(await hostExec(lab, h.name, '/usr/sbin/sshd -T 2>/dev/null | grep -Ei "^(passwordauthentication|permitrootlogin|kbdinteractiveauthentication) "'));
      assert.match(effective, /passwordauthentication no/);
      assert.match(effective, /permitrootlogin without-password|permitrootlogin prohibit-password/);
      assert.match(effective, /kbdinteractiveauthentication no/);
    }
  });

  test('a bad sshd option fails the task clearly and leaves sshd unchanged and running', async () => {
    const lab = getLab();
    const h = lab.hosts[2]!.name;
    const before = ok(await hostExec(lab, h, 'sha256sum /etc/ssh/sshd_config'));
    const r = await tsinfra(['play', PREPARE, '-i', lab.inventoryPath, '--limit', h, '-e', '{"security_sshd_options": [{"option": "PermitRootLogin", "value": "maybe-not"}]}'], { timeoutMs: 600_000 });
    assert.equal(r.code, 2, r.stdout.slice(-3000));
    assert.match(r.stdout, /sshd -t|validate/i);
    assert.equal(ok(await hostExec(lab, h, 'sha256sum /etc/ssh/sshd_config')), before, 'sshd_config unchanged');
    const ping = await tsinfra(['ping', h, '-i', lab.inventoryPath]);
    assert.equal(ping.code, 0, 'sshd still answers');
  });
}
