// group_vars/ and host_vars/ beside an inventory source, found the way Ansible's host_group_vars plugin
// finds them: for a group or host NAME, the first of NAME (file or directory), NAME.yml, NAME.yaml,
// NAME.json wins; a directory's files (recursively, sorted by name) are read in order, later ones winning.
import { readdirSync, statSync } from 'node:fs';
import { extname, join } from 'node:path';
import { isMap, type ParsedNode } from 'yaml';
import { ConfigError } from '../errors.js';
import { describeNode, parseYaml, readConfigText } from '../config/yaml-source.js';
import type { InventoryBuilder } from './inventory-builder.js';
import { yamlVars } from './yaml-vars.js';

const VARS_EXTENSIONS = ['', '.yml', '.yaml', '.json'];

/**
 * Read `group_vars/` and `host_vars/` under `basedir` (missing directories are fine): beside an inventory source
 * (layer `file`) or beside the playbook (layer `play`, which Ansible ranks above them).
 */
export async function loadVarsFiles(basedir: string, builder: InventoryBuilder, layer: 'file' | 'play' = 'file'): Promise<void> {
  for (const kind of ['group_vars', 'host_vars'] as const) {
    const dir = join(basedir, kind);
    if (!(await isDirectory(dir))) continue;
    const what = kind === 'group_vars' ? 'group' : 'host';
    const entries = new Set(readdirSync(dir).filter((n) => !n.startsWith('.') && !n.endsWith('~')));
    const used = new Set<string>();
    for (const entity of kind === 'group_vars' ? builder.groupNames() : builder.hostNames()) {
      const candidates = VARS_EXTENSIONS.map((ext) => entity + ext).filter((n) => entries.has(n));
      if (candidates.length === 0) continue;
      candidates.forEach((n) => used.add(n));
      const [chosen, ...shadowed] = candidates.map((n) => join(dir, n));
      for (const path of shadowed) builder.warnings.push(`${path}: ignored because ${chosen} also defines ${what} "${entity}" (as in Ansible, the first one wins)`);
      const files = (await isDirectory(chosen!)) ? await varsFilesIn(chosen!) : [chosen!];
      for (const file of files) await loadVarsFile(file, builder, kind === 'group_vars' ? { group: entity } : { host: entity }, layer);
    }
    // A project's group_vars/ beside its playbooks often serves several inventories: no warning there.
    for (const name of [...entries].sort()) {
      if (!used.has(name) && layer === 'file') builder.warnings.push(`${join(dir, name)}: no ${what} of that name in the inventory; ignored`);
    }
  }
}

async function loadVarsFile(file: string, builder: InventoryBuilder, target: { group: string } | { host: string }, layer: 'file' | 'play'): Promise<void> {
  const source = parseYaml(await readConfigText(file), file); // a vault-encrypted file is decrypted there
  const top = source.doc.contents as ParsedNode | null;
  if (top === null || source.value === null || source.value === undefined) return; // empty file: no variables
  if (!isMap(top)) {
    throw new ConfigError(source.positionOfNode(top), `expected a mapping of variable names to values, found ${describeNode(top)}`);
  }
  for (const v of yamlVars(source, top)) {
    const site = { layer, at: v.at, valueAt: v.valueAt };
    if ('group' in target) builder.setGroupVar(target.group, v.name, v.value, site);
    else builder.setHostVar(target.host, v.name, v.value, site);
  }
}

/** The files of a vars directory, recursively and sorted by name, as Ansible reads them. */
async function varsFilesIn(dir: string): Promise<string[]> {
  const out: string[] = [];
  for (const name of readdirSync(dir).sort()) {
    if (name.startsWith('.') || name.endsWith('~')) continue;
    const path = join(dir, name);
    const ext = extname(name);
    if (await isDirectory(path)) {
      if (!ext) out.push(...(await varsFilesIn(path)));
    } else if (VARS_EXTENSIONS.includes(ext)) {
      out.push(path);
    }
  }
  return out;
}

async function isDirectory(path: string): Promise<boolean> {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
