// The inventory entry point: files (YAML or INI), directories of them, and `host1,host2` lists, each with
// the group_vars/ and host_vars/ beside it — several sources merge in the order given, like repeated `-i`.
import { readdirSync, statSync } from 'node:fs';
import { dirname, extname, join, resolve } from 'node:path';
import { ConfigError, UsageError } from '../errors.js';
import { parseYaml, readConfigText } from '../config/yaml-source.js';
import { decryptVaultFile } from '../vault/keyring.js';
import { parseHostSpec, HostSpecError } from './host-range.js';
import { isBlankIni, parseIniInventory } from './ini-inventory.js';
import { InventoryBuilder } from './inventory-builder.js';
import { readTerraformInventory } from './terraform-inventory.js';
import type { Inventory } from './types.js';
import { loadVarsFiles } from './vars-files.js';
import { parseYamlInventory } from './yaml-inventory.js';

export type InventoryFormat = 'yaml' | 'ini';

const YAML_EXTENSIONS = ['.yml', '.yaml', '.json'];
// Ansible's directory loader skips these names outright.
const SKIPPED_IN_DIRECTORY = new Set(['group_vars', 'host_vars', 'vars_plugins']);

export interface LoadInventoryOptions {
  /** The playbook's directory: its group_vars/ and host_vars/ join the inventory, above the inventory's own. */
  playbookDir?: string;
}

/** Load one or more inventory sources (files, directories or comma-separated host lists) into one inventory. */
export async function loadInventory(pathOrPaths: string | readonly string[], options: LoadInventoryOptions = {}): Promise<Inventory> {
  const sources = typeof pathOrPaths === 'string' ? [pathOrPaths] : [...pathOrPaths];
  if (sources.length === 0) throw new UsageError('no inventory given', { hint: 'pass -i PATH or set TSINFRA_INVENTORY' });
  const builder = new InventoryBuilder();
  const basedirs: string[] = [];
  for (const source of sources) {
    const kind = await sourceKind(source);
    if (kind === 'hosts') {
      readHostList(source, builder);
    } else if (kind === 'directory') {
      const files = await inventoryFilesIn(source, builder);
      if (files.length === 0) {
        throw new ConfigError({ file: source }, 'no inventory files in this directory', {
          hint: 'inventory files end in .yml, .yaml, .json or .ini, or have no extension',
        });
      }
      for (const file of files) await loadInventoryFile(file, builder);
      basedirs.push(source);
    } else {
      await loadInventoryFile(source, builder);
      basedirs.push(dirname(source));
    }
  }
  // After every source, so group_vars can apply to groups declared in any of them; each directory once.
  const seen = new Set<string>();
  for (const dir of basedirs) {
    if (seen.has(resolve(dir))) continue;
    seen.add(resolve(dir));
    await loadVarsFiles(dir, builder);
  }
  // Beside the inventory too: read once, at the inventory's level (the same files at both levels change nothing).
  if (options.playbookDir !== undefined && !seen.has(resolve(options.playbookDir))) await loadVarsFiles(options.playbookDir, builder, 'play');
  return builder.build(sources);
}

/** YAML by extension, INI for `.ini`; otherwise by content (a `key:` line or `---` means YAML). */
export function detectInventoryFormat(file: string, text: string): InventoryFormat {
  const ext = extname(file).toLowerCase();
  if (YAML_EXTENSIONS.includes(ext)) return 'yaml';
  if (ext === '.ini') return 'ini';
  const first = text.split(/\r?\n/).find((l) => !/^\s*(?:[#;].*)?$/.test(l));
  if (first === undefined) return 'ini';
  return /^(?:---|%YAML|-\s|[^\s[=#;][^\s=]*:(?:\s|$))/.test(first) ? 'yaml' : 'ini';
}

async function sourceKind(source: string): Promise<'file' | 'directory' | 'hosts'> {
  try {
    return statSync(source).isDirectory() ? 'directory' : 'file';
  } catch {
    if (source.includes(',')) return 'hosts';
    throw new ConfigError({ file: source }, 'inventory not found (no such file or directory)', {
      hint: 'check the -i path (or TSINFRA_INVENTORY)',
    });
  }
}

async function loadInventoryFile(file: string, builder: InventoryBuilder): Promise<void> {
  const ext = extname(file).toLowerCase();
  if (ext === '.toml') throw new ConfigError({ file }, 'TOML inventories are not supported', { hint: 'convert it to YAML or INI' });
  const text = decryptVaultFile(await readConfigText(file), file); // Ansible reads vault-encrypted inventories too
  const top = { file, line: 1, column: 1 };
  if (text.startsWith('#!')) {
    throw new ConfigError(top, 'dynamic inventory scripts are not supported', { hint: 'save the script output as a static inventory' });
  }
  if (readTerraformInventory(file, text, builder)) return; // a Terraform state or `terraform output -json`, by content
  // Ansible only warns about an empty inventory file; an empty file is almost always a wrong path or a
  // truncated file, and running against zero hosts "successfully" hides that, so we stop.
  const empty = new ConfigError(top, 'inventory file is empty (no groups or hosts)', { hint: 'add hosts, or leave the file out' });
  if (detectInventoryFormat(file, text) === 'ini') {
    if (isBlankIni(text)) throw empty;
    parseIniInventory(text, file, builder);
    return;
  }
  const source = parseYaml(text, file);
  if (source.value === null || source.value === undefined) throw empty;
  parseYamlInventory(source, builder);
}

/** Inventory files in a directory, recursively, sorted by name, skipping what Ansible skips. */
async function inventoryFilesIn(dir: string, builder: InventoryBuilder): Promise<string[]> {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.') || name.endsWith('~') || SKIPPED_IN_DIRECTORY.has(name)) continue;
    const path = join(dir, name);
    const ext = extname(name).toLowerCase();
    if (statSync(path).isDirectory()) out.push(...(await inventoryFilesIn(path, builder)));
    else if (ext === '' || ext === '.ini' || YAML_EXTENSIONS.includes(ext)) out.push(path);
    else if (ext === '.toml') builder.warnings.push(`${path}: TOML inventories are not supported; skipped`);
  }
  return out;
}

// `-i web1,web2:2222,` as in Ansible's host_list plugin: every name is an ungrouped host.
function readHostList(source: string, builder: InventoryBuilder): void {
  const at = { file: `-i ${source}` };
  for (const entry of source.split(',').map((s) => s.trim()).filter(Boolean)) {
    let spec;
    try {
      spec = parseHostSpec(entry);
    } catch (err) {
      if (err instanceof HostSpecError) throw new ConfigError(at, `${JSON.stringify(entry)}: ${err.message}`);
      throw err;
    }
    for (const name of spec.names) {
      builder.addHost(name, 'ungrouped', at);
      if (spec.port !== undefined) builder.setHostVar(name, 'ansible_port', spec.port, { layer: 'inventory', at });
    }
  }
}
