// Terraform as an inventory source, recognised by content: a state file (`terraform.tfstate`, or any JSON
// holding `"version": 4` and `resources`), the output of `terraform output -json` (a map of output name to
// `{ value, type, sensitive }`), or the value of the tsinfra_hosts output alone (a JSON list of servers).
// Every other file is left to the YAML and INI readers; group_vars/ and host_vars/ apply as for any file.
import { basename, extname } from 'node:path';
import { ConfigError } from '../errors.js';
import type { InventoryBuilder } from './inventory-builder.js';
import { addTerraformHosts, type TerraformServer } from './terraform-hosts.js';
import { isObject, jsonSyntaxConfigError, JsonSyntaxError, parseJson, type JsonDocument } from './terraform-json.js';
import { HOSTS_OUTPUT, serversFromHostsValue, serversFromOutputs } from './terraform-outputs.js';
import { serversFromState } from './terraform-state.js';

export type TerraformKind = 'state' | 'outputs' | 'hosts';

const EXPECTED =
  'expected a Terraform state ("version": 4 and "resources"), the output of `terraform output -json`, ' +
  'or an Ansible inventory (groups with hosts, vars and children)';

/**
 * Read `file` into the builder when it is a Terraform file and return true; return false, having read
 * nothing, when it is not one, so the YAML and INI readers can have it. A `.tfstate` file must be a state.
 */
export function readTerraformInventory(file: string, text: string, builder: InventoryBuilder): boolean {
  const isStateName = /\.tfstate(?:\.backup)?$/i.test(basename(file));
  const body = text.replace(/^\uFEFF/, '').trimStart();
  if (!body.startsWith('{') && !body.startsWith('[')) {
    if (!isStateName) return false;
    const what = body === '' ? 'the file is empty' : 'the file is not JSON';
    throw new ConfigError({ file, line: 1, column: 1 }, `${what}: expected a Terraform state`, { hint: 'write it with `terraform state pull > FILE`' });
  }
  let doc: JsonDocument;
  try {
    doc = parseJson(text, file);
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    if (isStateName) throw jsonSyntaxConfigError(err, text, file, 'Terraform state');
    return false; // perhaps YAML in flow style; the YAML reader reports it
  }
  const kind = terraformKind(doc.value);
  if (kind === undefined) {
    if (isStateName) {
      throw new ConfigError(doc.positionOf([]), 'not a Terraform state: expected a JSON object with "version": 4 and "resources"');
    }
    // A .json file that Ansible could not read either (other files may still be INI or YAML).
    if (extname(file).toLowerCase() === '.json' && !isAnsibleShaped(doc.value)) {
      throw new ConfigError(doc.positionOf([]), `not an inventory: ${EXPECTED}`);
    }
    return false;
  }
  addTerraformHosts(terraformServers(doc, kind), builder);
  return true;
}

/** What a parsed JSON document is, as far as Terraform goes (undefined: not a Terraform file). */
export function terraformKind(value: unknown): TerraformKind | undefined {
  if (Array.isArray(value)) return value.length > 0 && value.every(isObject) ? 'hosts' : undefined;
  if (!isObject(value)) return undefined;
  const has = (key: string) => Object.hasOwn(value, key);
  // `terraform show -json` has no "version"; it is recognised to be turned away with a hint.
  if ((has('version') && (has('resources') || has('lineage') || has('terraform_version'))) || (has('format_version') && has('terraform_version'))) {
    return 'state';
  }
  const outputs = Object.values(value);
  const isOutput = (o: unknown) => isObject(o) && Object.hasOwn(o, 'value') && (Object.hasOwn(o, 'type') || Object.hasOwn(o, 'sensitive'));
  if (outputs.length > 0 && outputs.every(isOutput)) return 'outputs';
  return undefined;
}

function terraformServers(doc: JsonDocument, kind: TerraformKind): TerraformServer[] {
  if (kind === 'hosts') return serversFromHostsValue(doc, [], HOSTS_OUTPUT);
  if (kind === 'outputs') return serversFromOutputs(doc);
  const state = doc.value as Record<string, unknown>;
  if (Object.hasOwn(state, 'format_version')) {
    throw new ConfigError(doc.positionOf([]), 'this is the output of `terraform show -json`, not a Terraform state', {
      hint: 'pass the state itself (terraform.tfstate, or `terraform state pull > FILE`), or `terraform output -json`',
    });
  }
  // A tsinfra_hosts output in the state says which hosts there are; it replaces reading the resources.
  const outputs = state.outputs;
  if (isObject(outputs) && isObject(outputs[HOSTS_OUTPUT])) {
    return serversFromHostsValue(doc, ['outputs', HOSTS_OUTPUT, 'value'], `output ${HOSTS_OUTPUT}`);
  }
  return serversFromState(doc);
}

/** Top-level keys mapping to objects (or nothing), as groups do in an Ansible inventory. */
function isAnsibleShaped(value: unknown): boolean {
  return isObject(value) && Object.values(value).every((group) => group === null || isObject(group));
}
