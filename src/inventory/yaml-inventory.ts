// Ansible's YAML inventory: top-level keys are groups (usually just `all`), each a mapping of
// `hosts`, `vars` and `children`; children are groups of the same shape, hosts map to their variables.
// Where Ansible only warns and skips (unknown keys, non-mapping groups) we stop: those are typos.
import { isMap, isScalar, isSeq, type ParsedNode } from 'yaml';
import { ConfigError, type SourcePosition } from '../errors.js';
import { describeNode, entriesOf, type YamlEntry, type YamlSource } from '../config/yaml-source.js';
import { HostSpecError, parseHostSpec } from './host-range.js';
import type { InventoryBuilder } from './inventory-builder.js';
import { RESERVED_GROUP_NAMES } from './names.js';
import { derefNode, isNullNode, yamlVars } from './yaml-vars.js';

const GROUP_KEYS = ['hosts', 'vars', 'children'];
const TYPO_HINTS: Record<string, string> = {
  host: 'hosts',
  var: 'vars',
  variables: 'vars',
  child: 'children',
  groups: 'children',
};

/** Read one YAML inventory document into the builder. */
export function parseYamlInventory(source: YamlSource, builder: InventoryBuilder): void {
  const top = derefNode(source, source.doc.contents as ParsedNode | null);
  const entries = entriesOf(top);
  if (!entries) {
    throw new ConfigError(source.positionOfNode(top), `a YAML inventory must be a mapping of group names, found ${describeNode(top)}`, {
      hint: 'start with `all:` and put hosts, vars and children under it',
    });
  }
  for (const entry of entries) {
    if (entry.key === 'plugin') {
      throw new ConfigError(source.positionOfNode(entry.keyNode), 'inventory plugin configurations (plugin: ...) are not supported', {
        hint: 'list the hosts in a static inventory',
      });
    }
    if (RESERVED_GROUP_NAMES.has(entry.key)) {
      throw new ConfigError(source.positionOfNode(entry.keyNode), `unknown top-level key "${entry.key}": top-level keys are group names`, {
        hint: `put ${entry.key} under a group, usually all:`,
      });
    }
    readGroup(source, builder, entry);
  }
}

function readGroup(source: YamlSource, builder: InventoryBuilder, entry: YamlEntry): string {
  const name = entry.key;
  builder.addGroup(name, source.positionOfNode(entry.keyNode));
  const body = derefNode(source, entry.valueNode);
  if (isNullNode(body)) return name;
  const sections = entriesOf(body);
  if (!sections) {
    throw new ConfigError(source.positionOfNode(body), `group "${name}" must be a mapping with hosts, vars or children, found ${describeNode(body)}`);
  }
  for (const section of sections) {
    const value = derefNode(source, section.valueNode);
    if (!GROUP_KEYS.includes(section.key)) {
      const guess = TYPO_HINTS[section.key];
      throw new ConfigError(
        source.positionOfNode(section.keyNode),
        `unknown key "${section.key}" in group "${name}": expected hosts, vars or children`,
        { hint: guess ? `did you mean ${guess}?` : 'a child group goes under children:' },
      );
    }
    if (isNullNode(value)) continue;
    if (section.key === 'vars') readGroupVars(source, builder, name, value!);
    else if (section.key === 'children') {
      for (const child of sectionEntries(source, name, 'children', value!)) {
        const childName = readGroup(source, builder, child);
        builder.addChild(name, childName, source.positionOfNode(child.keyNode));
      }
    } else {
      for (const host of sectionEntries(source, name, 'hosts', value!)) readHost(source, builder, name, host);
    }
  }
  return name;
}

function readGroupVars(source: YamlSource, builder: InventoryBuilder, group: string, node: ParsedNode): void {
  if (!isMap(node)) {
    throw new ConfigError(source.positionOfNode(node), `vars of group "${group}" must be a mapping, found ${describeNode(node)}`);
  }
  for (const v of yamlVars(source, node)) {
    builder.setGroupVar(group, v.name, v.value, { layer: 'inventory', at: v.at, valueAt: v.valueAt });
  }
}

// Like Ansible, `hosts: web1` (a single name) is short for `hosts: {web1: }`.
function sectionEntries(source: YamlSource, group: string, section: string, node: ParsedNode): YamlEntry[] {
  if (isScalar(node) && typeof node.value === 'string') return [{ key: node.value, keyNode: node, valueNode: null }];
  const entries = entriesOf(node);
  if (entries) return entries;
  const hint = isSeq(node) ? `${section} is a mapping: write each name as \`name:\` on its own line, not as a list item` : undefined;
  throw new ConfigError(source.positionOfNode(node), `${section} of group "${group}" must be a mapping, found ${describeNode(node)}`, { hint });
}

function readHost(source: YamlSource, builder: InventoryBuilder, group: string, entry: YamlEntry): void {
  const keyAt = source.positionOfNode(entry.keyNode);
  const quoted = isScalar(entry.keyNode) && (entry.keyNode.type === 'QUOTE_DOUBLE' || entry.keyNode.type === 'QUOTE_SINGLE');
  const shifted = (index: number): SourcePosition => ({ ...keyAt, column: (keyAt.column ?? 1) + index + (quoted ? 1 : 0) });
  let spec;
  try {
    spec = parseHostSpec(entry.key);
  } catch (err) {
    if (err instanceof HostSpecError) throw new ConfigError(shifted(err.index), err.message);
    throw err;
  }
  const body = derefNode(source, entry.valueNode);
  if (!isNullNode(body) && !isMap(body)) {
    throw new ConfigError(source.positionOfNode(body), `host "${entry.key}" must map to its variables (or nothing), found ${describeNode(body)}`, {
      hint: 'write variables as `name: value` lines under the host',
    });
  }
  const vars = body && isMap(body) ? yamlVars(source, body) : [];
  for (const name of spec.names) {
    builder.addHost(name, group, keyAt);
    if (spec.port !== undefined) {
      builder.setHostVar(name, 'ansible_port', spec.port, { layer: 'inventory', at: shifted(spec.portIndex ?? 0) });
    }
    for (const v of vars) builder.setHostVar(name, v.name, v.value, { layer: 'inventory', at: v.at, valueAt: v.valueAt });
  }
}
