// Broken Terraform inventories stop with one ConfigError naming the file (and line:column where there is
// one) and saying what was expected.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { configErrorOf, writeTree } from './inventory-helpers.js';
import { hcloudServer, stateText } from './terraform-helpers.js';

/** The error loading `text` saved as `name`, with the temp directory stripped from its message. */
async function errorOf(name: string, text: string) {
  const dir = writeTree({ [name]: text });
  const err = await configErrorOf(join(dir, name));
  assert.equal(err.code, 'TSI_CONFIG');
  assert.equal(err.position.file, join(dir, name));
  return { message: err.message.slice(dir.length + 1), hint: err.hint, line: err.position.line, column: err.position.column };
}

/** Line and column (1-based) of the first occurrence of `needle` in `text`. */
function whereIs(text: string, needle: string, nth = 0): { line: number; column: number } {
  let at = -1;
  for (let i = 0; i <= nth; i++) at = text.indexOf(needle, at + 1);
  assert.notEqual(at, -1, needle);
  const before = text.slice(0, at).split('\n');
  return { line: before.length, column: before.at(-1)!.length + 1 };
}

test('a .tfstate file must be a JSON state', async () => {
  assert.equal((await errorOf('terraform.tfstate', '')).message, 'terraform.tfstate:1:1: the file is empty: expected a Terraform state');
  assert.equal((await errorOf('x.tfstate', 'all:\n  hosts:\n')).message, 'x.tfstate:1:1: the file is not JSON: expected a Terraform state');
  const syntax = await errorOf('terraform.tfstate', '{\n  "version": 4,\n  "resources": [\n    {"type": "hcloud_server",}\n  ]\n}\n');
  assert.equal(syntax.message, 'terraform.tfstate:4:30: Terraform state: invalid JSON: expected a "key", found "}"');
  const other = await errorOf('terraform.tfstate.backup', '{"all": {"hosts": {"a": null}}}');
  assert.equal(other.message, 'terraform.tfstate.backup:1:1: not a Terraform state: expected a JSON object with "version": 4 and "resources"');
});

test('a JSON file that is neither Terraform nor an inventory says what was expected', async () => {
  const expected =
    'not an inventory: expected a Terraform state ("version": 4 and "resources"), the output of `terraform output -json`, or an Ansible inventory (groups with hosts, vars and children)';
  assert.equal((await errorOf('hosts.json', '{"name": "web1", "ip": "192.0.2.1"}')).message, `hosts.json:1:1: ${expected}`);
  assert.equal((await errorOf('hosts.json', '\n  [1, 2]')).message, `hosts.json:2:3: ${expected}`);
  assert.equal((await errorOf('hosts.JSON', '{"a": [1]}')).message, `hosts.JSON:1:1: ${expected}`);
});

test('only format version 4 states are read', async () => {
  const text = '{\n  "version": 3,\n  "terraform_version": "0.11.14",\n  "serial": 4,\n  "lineage": "x",\n  "modules": []\n}\n';
  const err = await errorOf('terraform.tfstate', text);
  assert.equal(err.message, 'terraform.tfstate:2:14: Terraform state format version 3 is not supported: expected version 4');
  assert.match(err.hint!, /Terraform 0\.11 or older; any apply with Terraform 0\.12 or later upgrades it/);
});

test('terraform show -json output is turned away with a hint', async () => {
  const err = await errorOf('show.json', JSON.stringify({ format_version: '1.0', terraform_version: '1.9.5', values: { root_module: {} } }));
  assert.equal(err.message, 'show.json:1:1: this is the output of `terraform show -json`, not a Terraform state');
  assert.match(err.hint!, /terraform state pull/);
});

test('a state without servers lists what it has', async () => {
  const text = stateText([
    { type: 'hcloud_network', name: 'n', instances: [{ id: '1', ip_range: '10.0.0.0/16' }] },
    { type: 'aws_instance', name: 'web', instances: [{ id: 'i-1', public_ip: '192.0.2.1' }] },
  ]);
  const err = await errorOf('terraform.tfstate', text);
  assert.equal(
    err.message,
    `terraform.tfstate:${whereIs(text, '[').line}:${whereIs(text, '[').column}: no servers in this Terraform state: its resources (hcloud_network, aws_instance) include no hcloud_server, scaleway_instance_server, scaleway_server`,
  );
  assert.match(err.hint!, /tsinfra_hosts output/);
  const empty = await errorOf('terraform.tfstate', stateText([]));
  assert.match(empty.message, /this Terraform state has no resources$/);
  assert.match(empty.hint!, /right workspace/);
});

test('a server without a name, and two servers of the same name', async () => {
  const nameless = stateText([{ type: 'hcloud_server', name: 'n', instances: [hcloudServer({ name: '', index_key: 0 })] }]);
  const err = await errorOf('terraform.tfstate', nameless);
  const at = whereIs(nameless, '""', 0);
  assert.equal(err.message, `terraform.tfstate:${at.line}:${at.column}: hcloud_server.n[0]: the server has no name`);

  const twice = stateText([
    { type: 'hcloud_server', name: 'a', instances: [hcloudServer({ id: '1', name: 'web' })] },
    { type: 'hcloud_server', name: 'b', module: 'module.x', instances: [hcloudServer({ id: '2', name: 'web', index_key: 'k' })] },
  ]);
  const dup = await errorOf('terraform.tfstate', twice);
  const second = whereIs(twice, '"web"', 1);
  assert.equal(dup.message, `terraform.tfstate:${second.line}:${second.column}: two servers are named "web": hcloud_server.a and module.x.hcloud_server.b["k"]`);
});

test('a group label that cannot name a group is an error at the label', async () => {
  const text = stateText([{ type: 'hcloud_server', name: 'n', instances: [hcloudServer({ name: 'a', labels: { role: 'hosts' } })] }]);
  const err = await errorOf('terraform.tfstate', text);
  const at = whereIs(text, '"hosts"');
  assert.equal(err.message, `terraform.tfstate:${at.line}:${at.column}: label "role" of server a: "hosts" is a reserved word and cannot name a group`);
});

test('malformed resources point at the resource', async () => {
  const text = '{\n  "version": 4,\n  "resources": [\n    {"mode": "managed", "type": "hcloud_server", "name": "n", "instances": [{"attributes_flat": {}}]}\n  ]\n}\n';
  const err = await errorOf('terraform.tfstate', text);
  const at = whereIs(text, '{"attributes_flat"');
  assert.equal(err.message, `terraform.tfstate:${at.line}:${at.column}: hcloud_server.n: the instance has no "attributes" object`);
  const noList = await errorOf('terraform.tfstate', '{"version": 4, "resources": {}}');
  assert.equal(noList.message, 'terraform.tfstate:1:29: a Terraform state needs a "resources" list');
});

test('terraform output -json without a tsinfra_hosts output names the outputs it has', async () => {
  const err = await errorOf('out.json', JSON.stringify({ ip: { sensitive: false, type: 'string', value: '192.0.2.1' }, id: { sensitive: false, type: 'number', value: 3 } }));
  assert.equal(err.message, 'out.json:1:1: no tsinfra_hosts output among the Terraform outputs (ip, id)');
  assert.match(err.hint!, /add an output "tsinfra_hosts"/);
});

test('tsinfra_hosts entries are checked field by field', async () => {
  const outputs = (value: unknown) => `${JSON.stringify({ tsinfra_hosts: { sensitive: false, type: 'dynamic', value } }, null, 2)}\n`;
  const cases: [unknown, string, string][] = [
    [[{ name: 'a', ip: '192.0.2.1' }], '"ip"', 'output tsinfra_hosts[0]: unknown field "ip"'],
    [[{ name: 'a', groups: 'web' }], '"web"', 'output tsinfra_hosts[0]: groups must be a list of strings, found a string ("web")'],
    [[{ name: 'a', ipv4: 1 }], '1\n', 'output tsinfra_hosts[0]: ipv4 must be a string, found a number (1)'],
    [[{ name: 'a', vars: [] }], '[]', 'output tsinfra_hosts[0]: vars must be a map, found a list'],
    [[{ ipv4: '192.0.2.1' }], '{\n', 'output tsinfra_hosts[0]: the server has no name'],
    [['web1'], '"web1"', 'output tsinfra_hosts[0]: a server must be an object with a name and addresses, found a string ("web1")'],
    [[{ name: 'a', groups: ['bad group'] }], '"bad group"', 'group of server a: invalid group name "bad group": use letters, digits, "_", "-" and "." only'],
    [[], '[]', 'output tsinfra_hosts lists no servers'],
    ['web1', '"web1"', 'output tsinfra_hosts must be a list of servers or a map of server names to servers, found a string ("web1")'],
  ];
  for (const [value, needle, message] of cases) {
    const text = outputs(value);
    const err = await errorOf('out.json', text);
    // The value's position: the needle's first occurrence after the "value" key.
    const valueAt = text.indexOf('"value"');
    const at = whereIs(text.slice(0, valueAt).replace(/[^\n]/g, ' ') + text.slice(valueAt), needle);
    assert.equal(err.message, `out.json:${at.line}:${at.column}: ${message}`, JSON.stringify(value));
  }
});
