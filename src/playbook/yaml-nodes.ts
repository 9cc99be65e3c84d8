// Walking YAML nodes with their positions: aliases followed, merge keys (`<<: *defaults`) expanded, JSON
// pointers resolved to the node they point at. A thin layer over config/yaml-source.ts for the playbook loader.
import { isAlias, isMap, isScalar, isSeq, type ParsedNode } from 'yaml';
import type { SourcePosition } from '../errors.js';
import { entriesOf, type YamlSource } from '../config/yaml-source.js';
import { isTemplated } from '../template/index.js';

export interface MapEntry {
  key: string;
  keyNode: ParsedNode | null;
  /** The value node, alias followed; null for `key:` with nothing after it. */
  node: ParsedNode | null;
}

/** Follow an alias (`*name`) to the node it points at. */
export function deref(source: YamlSource, node: unknown): ParsedNode | null {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) return (node.resolve(source.doc) as ParsedNode | undefined) ?? null;
  return node as ParsedNode;
}

/** True for a missing value or an explicit null. */
export function isNull(node: ParsedNode | null): boolean {
  return node === null || (isScalar(node) && node.value === null);
}

/**
 * The entries of a mapping (undefined when the node is not one). Merge keys are expanded in place: the merged
 * mapping's entries first, then the explicit ones, an explicit key replacing a merged one of the same name.
 */
export function mapEntries(source: YamlSource, node: ParsedNode | null): MapEntry[] | undefined {
  const target = deref(source, node);
  const raw = entriesOf(target);
  if (!raw) return undefined;
  const merged: MapEntry[] = [];
  const explicit: MapEntry[] = [];
  for (const e of raw) {
    if (e.key === '<<') {
      const value = deref(source, e.valueNode);
      const sources = isSeq(value) ? value.items.map((i) => deref(source, i)) : [value];
      for (const s of sources) {
        for (const inner of mapEntries(source, s) ?? []) {
          if (!merged.some((m) => m.key === inner.key)) merged.push(inner);
        }
      }
    } else {
      explicit.push({ key: e.key, keyNode: e.keyNode, node: deref(source, e.valueNode) });
    }
  }
  return [...merged.filter((m) => !explicit.some((x) => x.key === m.key)), ...explicit];
}

/** The items of a sequence, aliases followed (undefined when the node is not a sequence). */
export function seqItems(source: YamlSource, node: ParsedNode | null): (ParsedNode | null)[] | undefined {
  const target = deref(source, node);
  if (!isSeq(target)) return undefined;
  return target.items.map((i) => deref(source, i));
}

export function isMapping(source: YamlSource, node: ParsedNode | null): boolean {
  return isMap(deref(source, node));
}

/** Plain data for a node. */
export function valueOf(source: YamlSource, node: ParsedNode | null): unknown {
  return node === null ? null : source.toJS(node);
}

export function positionOf(source: YamlSource, node: unknown): SourcePosition {
  return source.positionOfNode(node);
}

/** True when a string holds a template that the engine renders. */
export function isTemplate(value: unknown): boolean {
  return typeof value === 'string' && isTemplated(value);
}

/** True when the value is, or contains, a template string. */
export function containsTemplate(value: unknown): boolean {
  if (isTemplate(value)) return true;
  if (Array.isArray(value)) return value.some(containsTemplate);
  if (value !== null && typeof value === 'object') return Object.values(value).some(containsTemplate);
  return false;
}

export interface PointerTarget {
  /** The deepest node the pointer reaches. */
  node: ParsedNode | null;
  /** The key node of the last mapping step reached, when the pointer ends on a mapping entry. */
  keyNode: ParsedNode | null;
  /** True when the whole pointer resolved. */
  complete: boolean;
}

/** Follow a JSON pointer ("/a/0/b") from `node` through mappings and sequences. */
export function nodeAtPointer(source: YamlSource, node: ParsedNode | null, pointer: string): PointerTarget {
  let current = deref(source, node);
  let keyNode: ParsedNode | null = null;
  const steps = pointer === '' ? [] : pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  for (const step of steps) {
    const entries = mapEntries(source, current);
    if (entries) {
      const entry = entries.find((e) => e.key === step);
      if (!entry) return { node: current, keyNode, complete: false };
      keyNode = entry.keyNode;
      current = entry.node;
      continue;
    }
    const items = seqItems(source, current);
    if (items && /^[0-9]+$/.test(step) && Number(step) < items.length) {
      keyNode = null;
      current = items[Number(step)] ?? current;
      continue;
    }
    return { node: current, keyNode, complete: false };
  }
  return { node: current, keyNode, complete: true };
}

/** Values at or under a JSON pointer: is any step on the way (or the target) a template string? */
export function pointerCrossesTemplate(value: unknown, pointer: string): boolean {
  let current = value;
  if (isTemplate(current)) return true;
  const steps = pointer === '' ? [] : pointer.split('/').slice(1).map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'));
  for (const step of steps) {
    if (current === null || typeof current !== 'object') return false;
    current = (current as Record<string, unknown>)[step];
    if (isTemplate(current)) return true;
  }
  return containsTemplate(current);
}
