// Value semantics of conditions: Python's truthiness and equality (what Ansible users expect), own-property lookups.
import { isDeepStrictEqual } from 'node:util';
import { Secret } from '../shell/secret.js';

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** A secret takes part in comparisons as its value; it is never printed. */
export function plain(value: unknown): unknown {
  if (value instanceof Secret) return value.reveal();
  if (Array.isArray(value)) return value.some((v) => v instanceof Secret || typeof v === 'object') ? value.map(plain) : value;
  if (isPlainObject(value)) return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}

/** false, null, 0, NaN, '', [] and {} are false; everything else is true. */
export function isTruthy(value: unknown): boolean {
  const v = plain(value);
  if (Array.isArray(v)) return v.length > 0;
  if (isPlainObject(v)) return Object.keys(v).length > 0;
  return Boolean(v);
}

export function isEqual(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(plain(a), plain(b));
}

export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'list';
  if (value instanceof Secret) return 'secret';
  if (isPlainObject(value)) return 'map';
  return typeof value;
}

/** The own data property `key` of a map, an item of a list (negative counts from the end) or a character. */
export function lookupKey(parent: unknown, key: string | number): unknown {
  if (typeof key === 'number') {
    if (!Number.isInteger(key)) return undefined;
    if (Array.isArray(parent) || typeof parent === 'string') return parent[key < 0 ? parent.length + key : key];
    key = String(key); // maps with numeric keys, as YAML writes them: {1: a}
  }
  if (parent === null || typeof parent !== 'object') return undefined;
  const desc = Object.getOwnPropertyDescriptor(parent, key);
  if (desc === undefined || !('value' in desc) || typeof desc.value === 'function') return undefined;
  return desc.value;
}

/** Up to `max` keys of a map, for hints. */
export function someKeys(value: unknown, max = 8): string | undefined {
  if (!isPlainObject(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length === 0) return undefined;
  return keys.slice(0, max).join(', ') + (keys.length > max ? ', …' : '');
}
