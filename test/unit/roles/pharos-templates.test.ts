// The pharos role's templates render, from a cluster_hosts list and the role's defaults, configs that pass the
// tools' schemas (roles/pharos/files) — and the test doubles of pharos and k0sctl accept them, refuse broken ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse } from 'yaml';
import { validateConfig } from '../../../src/modules/config-file.js';
import type { ClusterHost } from '../../../src/modules/cluster-hosts.js';
import { renderText } from '../../../src/template/index.js';

const ROLE = join(import.meta.dirname, '../../../roles/pharos');
const DOUBLES = join(import.meta.dirname, '../../doubles');
const read = (p: string) => readFileSync(join(ROLE, p), 'utf8');

const HOSTS: ClusterHost[] = [
  ...[1, 2, 3].map((i): ClusterHost => ({
    name: `master${i}`, role: 'master', address: `203.0.113.1${i}`, private_address: `10.147.17.${i}`, private_interface: 'ztks575eoa',
    user: 'root', ssh_key_path: '/root/.ssh/id_ed25519', ssh_port: 22,
  })),
  ...[1, 2].map((i): ClusterHost => ({
    name: `worker${i}`, role: 'worker', address: `203.0.113.2${i}`, private_address: `10.147.17.2${i}`, private_interface: null,
    user: 'deploy', ssh_key_path: '~/.ssh/id rsa "x"', ssh_port: 2222,
  })),
];

function vars(over: Record<string, unknown> = {}): Record<string, unknown> {
  const defaults = parse(read('defaults/main.yaml'), { version: '1.1' }) as Record<string, unknown>;
  return { ...defaults, cluster_trusted_subnets: ['10.147.17.0/24'], cluster_hosts: HOSTS, ...over };
}

/** A `.hbs` template file renders as handlebars: the site is the template's own path. */
function render(file: string, over: Record<string, unknown> = {}): string {
  const path = join(ROLE, 'templates', file);
  return renderText(readFileSync(path, 'utf8'), vars(over), { file: path });
}

function check(text: string, schema: string): string[] {
  return validateConfig(text, { format: 'yaml', schemaText: read(`files/${schema}`), schemaName: schema, name: 'x' });
}

test('pharos-cluster.yml: 3 masters, 2 workers, VPN addresses, weave.trusted_subnets, valid', () => {
  const text = render('pharos-cluster.yml.hbs');
  assert.deepEqual(check(text, 'pharos-cluster.schema.json'), []);
  const doc = parse(text) as { hosts: Record<string, unknown>[]; network: Record<string, unknown>; api: { endpoint: string } };
  assert.deepEqual(doc.hosts.map((h) => h.role), ['master', 'master', 'master', 'worker', 'worker']);
  assert.deepEqual(doc.hosts.map((h) => h.private_address), ['10.147.17.1', '10.147.17.2', '10.147.17.3', '10.147.17.21', '10.147.17.22']);
  assert.equal(doc.hosts[0]!.private_interface, 'ztks575eoa');
  assert.equal('private_interface' in doc.hosts[3]!, false, 'no interface known: the key is left out');
  assert.equal(doc.hosts[4]!.ssh_key_path, '~/.ssh/id rsa "x"', 'quoted as a JSON string');
  assert.equal(doc.hosts[4]!.ssh_port, 2222);
  assert.equal('ssh_port' in doc.hosts[0]!, false);
  assert.deepEqual(doc.network, { provider: 'weave', service_cidr: '10.96.0.0/12', pod_network_cidr: '10.32.0.0/12', weave: { trusted_subnets: ['10.147.17.0/24'] } });
  assert.equal('trusted_subnets' in doc.network, false, 'never the v0.x top-level network.trusted_subnets');
  assert.equal(doc.api.endpoint, '203.0.113.11', 'default: the first master');
  assert.equal((parse(render('pharos-cluster.yml.hbs', { cluster_api_endpoint: 'k8s.example.com' })) as { api: { endpoint: string } }).api.endpoint, 'k8s.example.com');
  const calico = parse(render('pharos-cluster.yml.hbs', { cluster_network_provider: 'calico', cluster_addons: { 'ingress-nginx': { enabled: true } } })) as Record<string, Record<string, unknown>>;
  assert.equal('weave' in calico.network!, false);
  assert.deepEqual(calico.addons, { 'ingress-nginx': { enabled: true } });
});

test('k0sctl.yaml: controllers and workers, ssh, privateAddress, valid', () => {
  const text = render('k0sctl.yaml.hbs', { k0s_version: 'v1.33.4+k0s.0' });
  assert.deepEqual(check(text, 'k0sctl.schema.json'), []);
  const doc = parse(text) as { apiVersion: string; kind: string; spec: { hosts: Record<string, unknown>[]; k0s: Record<string, unknown> } };
  assert.equal(doc.apiVersion, 'k0sctl.k0sproject.io/v1beta1');
  assert.equal(doc.kind, 'Cluster');
  assert.deepEqual(doc.spec.hosts.map((h) => h.role), ['controller', 'controller', 'controller', 'worker', 'worker']);
  assert.deepEqual(doc.spec.hosts[0], { role: 'controller', ssh: { address: '203.0.113.11', user: 'root', port: 22, keyPath: '/root/.ssh/id_ed25519' }, privateAddress: '10.147.17.1', privateInterface: 'ztks575eoa' });
  assert.equal(doc.spec.k0s.version, 'v1.33.4+k0s.0');
  assert.equal('version' in (parse(render('k0sctl.yaml.hbs')) as typeof doc).spec.k0s, false);
});

test('the schemas catch the mistakes that matter, with the line and a hint', () => {
  const pharos = render('pharos-cluster.yml.hbs');
  const old = pharos.replace('  weave:\n', '  trusted_subnets: ["10.147.17.0/24"]\n  weave:\n');
  assert.deepEqual(check(old, 'pharos-cluster.schema.json'), [
    "41:3: network: unknown key 'trusted_subnets': it moved to network.weave.trusted_subnets in pharos 1.0 (the top-level place is from 0.x and ignored since)",
  ]);
  const bad = pharos.replace('role: worker', 'role: minion').replace('provider: "weave"', 'provider: "flannel"').replace('"10.147.17.0/24"', '"10.147.17.0"');
  assert.deepEqual(check(bad, 'pharos-cluster.schema.json'), [
    '25:11: hosts[3].role must be one of master, worker, got string "minion"',
    '38:13: network.provider must be one of weave, calico, custom, got string "flannel"',
    '43:23: network.weave.trusted_subnets[0] must be an IPv4 CIDR like 10.147.17.0/24, got string "10.147.17.0"',
  ]);
  assert.deepEqual(check(pharos.replace('"weave"', '"weave"\n  dns_replicas: 0').replace(/address: "203.0.113.11"/, 'address: "Master1"'), 'pharos-cluster.schema.json'), [
    '5:14: hosts[0].address must be an IPv4 address or a lower-case host name (pharos\' hostname_or_ip?), got string "Master1"',
    '39:17: network.dns_replicas must be >= 1',
  ]);
  assert.deepEqual(check('hosts:\n  - address: 1.2.3.4\n    role: worker\n', 'pharos-cluster.schema.json'), ['2:3: hosts: needs at least one host with role master (pharos: No master hosts defined)']);
  assert.deepEqual(check('hosts: [\n', 'pharos-cluster.schema.json').length, 1);
  assert.deepEqual(check('hosts:\n  - address: 1.2.3.4\n    role: master\n    bogus: 1\nnetwork:\n  firewalld: {enabled: true}\n  weave: {}\n  trusted_subnets: []\n  known_peers: []\n', 'pharos-cluster.schema.json'), [
    "4:5: hosts[0]: unknown key 'bogus'",
    "8:3: network: unknown key 'trusted_subnets': it moved to network.weave.trusted_subnets in pharos 1.0 (the top-level place is from 0.x and ignored since)",
    "9:3: network: unknown key 'known_peers' (did you mean network.weave.known_peers?)",
  ]);
  const k0s = render('k0sctl.yaml.hbs').replace('privateAddress: "10.147.17.1"', 'privateAddress: "zt0"');
  assert.deepEqual(check(k0s, 'k0sctl.schema.json'), ['16:23: spec.hosts[0].privateAddress must be an IP address (k0sctl: is.IP), got string "zt0"']);
  assert.deepEqual(check(render('k0sctl.yaml.hbs').replace(/controller/g, 'worker'), 'k0sctl.schema.json'), [
    '10:5: spec.hosts: needs at least one host with a controller role (k0sctl: no hosts with a controller role defined)',
  ]);
});

function runDouble(tool: string, args: string[], cwd: string, env: Record<string, string> = {}) {
  return spawnSync(join(DOUBLES, tool), args, { cwd, encoding: 'utf8', env: { ...process.env, CLUSTER_DOUBLE_DELAY_MS: '0', ...env } });
}

test('the test doubles: real-shaped output and arguments, recorded; an invalid or missing file fails', () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsinfra-doubles-'));
  try {
    const log = join(dir, 'calls.log');
    writeFileSync(join(dir, 'pharos-cluster.yml'), render('pharos-cluster.yml.hbs'));
    writeFileSync(join(dir, 'k0sctl.yaml'), render('k0sctl.yaml.hbs'));
    const up = runDouble('pharos', ['up', '-c', 'pharos-cluster.yml', '-y'], dir, { CLUSTER_DOUBLE_LOG: log });
    assert.equal(up.status, 0, up.stderr);
    assert.match(up.stdout, /^==> KONTENA PHAROS v3\.2\.1/);
    assert.match(up.stdout, /==> Cluster has been crafted!/);
    const noYes = runDouble('pharos', ['up', '-c', 'pharos-cluster.yml'], dir);
    assert.equal(noYes.status, 1);
    assert.match(noYes.stderr, /--yes required when running in non interactive mode/);
    const apply = runDouble('k0sctl', ['apply', '--config', 'k0sctl.yaml'], dir, { CLUSTER_DOUBLE_LOG: log });
    assert.equal(apply.status, 0, apply.stderr);
    assert.match(apply.stdout, /level=info msg="==> Running phase: Connect to hosts"/);
    const calls = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { tool: string; argv: string[]; exit: number; config: string });
    assert.deepEqual(calls.map((c) => [c.tool, c.argv, c.exit]), [['pharos', ['up', '-c', 'pharos-cluster.yml', '-y'], 0], ['k0sctl', ['apply', '--config', 'k0sctl.yaml'], 0]]);
    assert.equal(calls[0]!.config, join(dir, 'pharos-cluster.yml'));

    writeFileSync(join(dir, 'bad.yml'), 'hosts:\n  - address: 1.2.3.4\n    role: boss\n');
    const invalid = runDouble('pharos', ['up', '-c', 'bad.yml', '-y'], dir);
    assert.equal(invalid.status, 1);
    assert.match(invalid.stderr, /hosts\.0\.role: must be equal to one of the allowed values: master, worker/);
    const missing = runDouble('k0sctl', ['apply', '-c', 'nope.yaml'], dir);
    assert.equal(missing.status, 1);
    assert.match(missing.stdout + missing.stderr, /level=fatal msg="no configuration files found"/);
    assert.equal(runDouble('pharos', ['up', '--bogus'], dir).status, 1);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
