// The cluster step on 5 namespace lab hosts, after prepare.yaml: playbooks/cluster.yaml writes pharos-cluster.yml
// (or k0sctl.yaml) on the controller from the inventory, with the VPN addresses really assigned on the hosts, valid
// against the tool's schema, and runs the tool — here the TEST DOUBLES in test/doubles (PATH first), which check
// the file against the same schema and record their arguments. The second run changes nothing and runs nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parse } from 'yaml';
import { hostExec, ok, startLab } from '../../support/lab.js';
import { jsonLines, tsinfra, type CliResult } from '../../support/cli.js';

const ROOT = join(import.meta.dirname, '../../..');
const PREPARE = join(ROOT, 'playbooks/prepare.yaml');
const CLUSTER = join(ROOT, 'playbooks/cluster.yaml');
const DOUBLES = join(ROOT, 'test/doubles');
const SCHEMAS = join(ROOT, 'roles/pharos/files');

const lab = await startLab({ kind: 'namespace', hosts: 5 });
const work = mkdtempSync(join(tmpdir(), 'tsinfra-cluster-'));
after(() => rmSync(work, { recursive: true, force: true }));

interface Call {
  tool: string;
  argv: string[];
  exit: number;
  config?: string;
}

/** A fresh config dir and the environment that puts the doubles first on PATH and logs their calls there. */
function scene(name: string, options: { doubles?: boolean } = {}) {
  const dir = join(work, name);
  const log = join(dir, 'calls.log');
  const env: NodeJS.ProcessEnv = {
    PATH: options.doubles === false ? '/usr/local/bin:/usr/bin:/bin:/usr/sbin:/sbin' : `${DOUBLES}:${process.env.PATH}`,
    CLUSTER_DOUBLE_LOG: log,
    CLUSTER_DOUBLE_DELAY_MS: '1',
  };
  return {
    dir,
    play: (args: string[] = [], extraEnv: NodeJS.ProcessEnv = {}) =>
      tsinfra(['play', CLUSTER, '-i', lab.inventoryPath, '--json', '-e', `cluster_config_dir=${dir}`, ...args], { env: { ...env, ...extraEnv }, timeoutMs: 600_000 }),
    calls: (): Call[] => (existsSync(log) ? readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Call) : []),
  };
}

function recap(r: CliResult): Record<string, Record<string, number>> {
  return jsonLines(r.stdout).find((e) => e.type === 'recap')!.hosts as Record<string, Record<string, number>>;
}

function totalChanged(r: CliResult): number {
  return Object.values(recap(r)).reduce((n, c) => n + c.changed!, 0);
}

function messages(r: CliResult): string {
  return jsonLines(r.stdout)
    .filter((e) => e.type === 'host_result')
    .map((e) => String((e.result as { message?: string }).message ?? ''))
    .join('\n');
}

function validate(schema: string, data: unknown): string {
  const v = new Ajv({ allErrors: true, strict: false }).compile(JSON.parse(readFileSync(join(SCHEMAS, schema), 'utf8')) as object);
  return v(data) ? '' : JSON.stringify(v.errors);
}

/** Each host's VPN interface and IPv4 address, read inside the host (nsenter), not through tsinfra. */
async function vpnOf(host: string): Promise<{ iface: string; ip: string }> {
  const out = ok(await hostExec(lab, host, 'ip -4 -o addr show'));
  const m = /^\d+:\s+(zt\S+)\s+inet\s+([0-9.]+)\//m.exec(out);
  assert.ok(m, `${host} has a zt interface with an IPv4 address:\n${out}`);
  return { iface: m[1]!, ip: m[2]! };
}

const publicOf = (name: string) => lab.hosts.find((h) => h.name === name)!.sshAddress;
const MASTERS = ['master1', 'master2', 'master3'];
const WORKERS = ['worker1', 'worker2'];

before(async () => {
  const r = await tsinfra(['play', PREPARE, '-i', lab.inventoryPath, '--json'], { timeoutMs: 600_000 });
  assert.equal(r.code, 0, r.stdout.slice(-4000) + r.stderr);
});

test('pharos: pharos-cluster.yml with the real VPN addresses, valid, applied once; the second run changes nothing', async () => {
  const s = scene('pharos');
  const first = await s.play();
  assert.equal(first.code, 0, first.stdout.slice(-4000) + first.stderr);
  const file = join(s.dir, 'pharos-cluster.yml');
  const doc = parse(readFileSync(file, 'utf8')) as {
    hosts: { address: string; private_address: string; private_interface: string; role: string; user: string; ssh_key_path: string }[];
    network: Record<string, unknown> & { weave?: { trusted_subnets?: string[] } };
    api: { endpoint: string };
  };
  assert.equal(validate('pharos-cluster.schema.json', doc), '');
  assert.deepEqual(doc.hosts.map((h) => [h.address, h.role]), [...MASTERS.map((n) => [publicOf(n), 'master']), ...WORKERS.map((n) => [publicOf(n), 'worker'])]);
  for (const [i, name] of [...MASTERS, ...WORKERS].entries()) {
    const vpn = await vpnOf(name);
    assert.equal(doc.hosts[i]!.private_address, vpn.ip, `${name}: private_address is the address on its VPN interface`);
    assert.equal(doc.hosts[i]!.private_interface, vpn.iface);
    assert.equal(doc.hosts[i]!.user, 'root');
    assert.equal(doc.hosts[i]!.ssh_key_path, lab.privateKeyPath);
  }
  assert.deepEqual(doc.network.weave, { trusted_subnets: [lab.networks.vpn.cidr] });
  assert.equal('trusted_subnets' in doc.network, false, 'not the old top-level network.trusted_subnets');
  assert.equal(doc.network.provider, 'weave');
  assert.equal(doc.api.endpoint, publicOf('master1'));
  assert.deepEqual(s.calls().map((c) => [c.tool, c.argv, c.exit]), [['pharos', ['up', '-c', file, '-y'], 0]]);
  assert.match(first.stderr, /^\[pharos\] ==> KONTENA PHAROS v3\.2\.1/m);
  assert.match(first.stderr, /^\[pharos\] ==> Cluster has been crafted!/m);
  assert.ok(existsSync(join(s.dir, '.pharos-cluster.yml.applied')));

  const second = await s.play();
  assert.equal(second.code, 0, second.stdout.slice(-3000) + second.stderr);
  assert.equal(totalChanged(second), 0, JSON.stringify(recap(second)));
  assert.equal(Object.keys(recap(second)).length, 5);
  assert.equal(s.calls().length, 1, 'pharos did not run again');
  assert.doesNotMatch(second.stderr, /\[pharos\]/);

  // A change in check mode: reported with the command, nothing written, nothing run.
  const before = readFileSync(file, 'utf8');
  const check = await s.play(['--check', '-e', 'cluster_api_endpoint=k8s.example.com']);
  assert.equal(check.code, 0, check.stdout.slice(-3000) + check.stderr);
  assert.match(check.stdout, /would run: \S*pharos up -c \S*pharos-cluster\.yml -y/);
  assert.equal(readFileSync(file, 'utf8'), before);
  assert.equal(s.calls().length, 1);

  const always = await s.play(['-e', 'cluster_apply=always']);
  assert.equal(always.code, 0, always.stdout.slice(-3000) + always.stderr);
  assert.equal(s.calls().length, 2, 'cluster_apply=always runs it again');
});

test('k0sctl: k0sctl.yaml with controllers, workers and VPN addresses, valid, applied once', async () => {
  const s = scene('k0sctl');
  const first = await s.play(['-e', 'cluster_tool=k0sctl']);
  assert.equal(first.code, 0, first.stdout.slice(-4000) + first.stderr);
  const file = join(s.dir, 'k0sctl.yaml');
  const doc = parse(readFileSync(file, 'utf8')) as { apiVersion: string; kind: string; spec: { hosts: { role: string; ssh: { address: string; keyPath: string }; privateAddress: string; privateInterface: string }[] } };
  assert.equal(validate('k0sctl.schema.json', doc), '');
  assert.equal(doc.apiVersion, 'k0sctl.k0sproject.io/v1beta1');
  assert.equal(doc.kind, 'Cluster');
  assert.deepEqual(doc.spec.hosts.map((h) => [h.ssh.address, h.role]), [...MASTERS.map((n) => [publicOf(n), 'controller']), ...WORKERS.map((n) => [publicOf(n), 'worker'])]);
  for (const [i, name] of [...MASTERS, ...WORKERS].entries()) {
    const vpn = await vpnOf(name);
    assert.equal(doc.spec.hosts[i]!.privateAddress, vpn.ip);
    assert.equal(doc.spec.hosts[i]!.privateInterface, vpn.iface);
  }
  assert.deepEqual(s.calls().map((c) => [c.tool, c.argv, c.exit]), [['k0sctl', ['apply', '--config', file], 0]]);
  assert.match(first.stderr, /^\[k0sctl\] level=info msg="==> Running phase: Connect to hosts"/m);
  assert.equal(existsSync(join(s.dir, 'pharos-cluster.yml')), false, 'only the chosen tool\'s file');

  const second = await s.play(['-e', 'cluster_tool=k0sctl']);
  assert.equal(second.code, 0, second.stdout.slice(-3000) + second.stderr);
  assert.equal(totalChanged(second), 0, JSON.stringify(recap(second)));
  assert.equal(s.calls().length, 1, 'k0sctl did not run again');
});

test('a missing binary fails clearly, saying how to install it; the config is written, the apply retried later', async () => {
  const s = scene('missing', { doubles: false });
  const pharos = await s.play();
  assert.equal(pharos.code, 2, pharos.stdout.slice(-3000) + pharos.stderr);
  assert.match(messages(pharos), /pharos was not found on PATH: pharos \(kontena\/pharos-cluster\) was archived in 2020 .*k0sctl.*https:\/\/github\.com\/k0sproject\/k0sctl\/releases/);
  assert.ok(existsSync(join(s.dir, 'pharos-cluster.yml')));
  assert.equal(existsSync(join(s.dir, '.pharos-cluster.yml.applied')), false);
  const k0sctl = await s.play(['-e', 'cluster_tool=k0sctl']);
  assert.equal(k0sctl.code, 2);
  assert.match(messages(k0sctl), /k0sctl was not found on PATH: install k0sctl from https:\/\/github\.com\/k0sproject\/k0sctl\/releases/);
  // With the tool back on PATH, the unchanged config is applied now: it never was.
  const withTools = scene('missing');
  const r = await withTools.play();
  assert.equal(r.code, 0, r.stdout.slice(-3000) + r.stderr);
  assert.deepEqual(withTools.calls().map((c) => c.tool), ['pharos']);
});

test('an invalid config is refused before it is written; a failed apply is retried on the next run', async () => {
  const s = scene('invalid');
  const bad = await s.play(['-e', 'cluster_network_provider=flannel']);
  assert.equal(bad.code, 2, bad.stdout.slice(-3000) + bad.stderr);
  assert.match(messages(bad), /pharos-cluster\.yml does not match pharos-cluster\.schema\.json, so .* was left as it is: \d+:\d+: network\.provider must be one of weave, calico, custom, got string "flannel"/);
  assert.equal(existsSync(join(s.dir, 'pharos-cluster.yml')), false);
  assert.equal(s.calls().length, 0);

  const failing = await s.play([], { CLUSTER_DOUBLE_FAIL: '1' });
  assert.equal(failing.code, 2);
  assert.match(messages(failing), /pharos up -c \S+\/pharos-cluster\.yml -y exited 1: ==> Error: the cluster could not be crafted/);
  const retried = await s.play();
  assert.equal(retried.code, 0, retried.stdout.slice(-3000) + retried.stderr);
  assert.deepEqual(s.calls().map((c) => c.exit), [1, 0], 'the config did not change, but it had not been applied: pharos ran again');
  assert.equal(totalChanged(await s.play()), 0);
});
