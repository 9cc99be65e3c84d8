// Reads a YAML mapping of variables (a group's `vars:`, a host's entry, a group_vars file) into
// name/value pairs that keep where each name was written. Merge keys (`<<: *common`) are honoured.
import { isAlias, isMap, isScalar, type ParsedNode } from 'yaml';
import type { SourcePosition } from '../errors.js';
import { entriesOf, type YamlSource } from '../config/yaml-source.js';

export interface YamlVar {
  name: string;
  value: unknown;
  /** Where the name is written (for a merged-in variable: the `<<` key). */
  at: SourcePosition;
  valueAt: SourcePosition;
}

/** Follow an alias (`*name`) to the node it points at. */
export function derefNode(source: YamlSource, node: ParsedNode | null): ParsedNode | null {
  return isAlias(node) ? ((node.resolve(source.doc) as ParsedNode | undefined) ?? null) : node;
}

/** True for a missing value or an explicit null (`key:` or `key: ~`). */
export function isNullNode(node: ParsedNode | null): boolean {
  return node === null || (isScalar(node) && node.value === null);
}

/** The variables of a mapping node; the caller has checked that it is a mapping. */
export function yamlVars(source: YamlSource, node: ParsedNode): YamlVar[] {
  const target = derefNode(source, node);
  if (!isMap(target)) return [];
  const plain = source.toJS(target) as Record<string, unknown>;
  const entries = entriesOf(target) ?? [];
  const mergeEntry = entries.find((e) => e.key === '<<');
  const findEntry = (name: string) =>
    entries.find((e) => e.key !== '<<' && (e.key === name || (isScalar(e.keyNode) && String(e.keyNode.value) === name)));
  return Object.keys(plain).map((name) => {
    const entry = findEntry(name) ?? mergeEntry;
    const at = source.positionOfNode(entry?.keyNode ?? target);
    const valueAt = entry && entry !== mergeEntry && entry.valueNode ? source.positionOfNode(entry.valueNode) : at;
    return { name, value: plain[name], at, valueAt };
  });
}
