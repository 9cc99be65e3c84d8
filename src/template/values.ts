// Value semantics shared by the helpers. Truthiness is Python's (what Ansible users expect: [] and {} are false),
// and text output is defined once here so `{{x}}`, `join` and `to_json` agree on lists, maps, null and secrets.
import { isDeepStrictEqual } from 'node:util';
import { Secret } from '../shell/secret.js';

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object') return false;
  const proto = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/** false, null, undefined, 0, NaN, '', [] and {} are false; everything else is true. */
export function isTruthy(value: unknown): boolean {
  if (value instanceof Secret) return value.reveal() !== '';
  if (Array.isArray(value)) return value.length > 0;
  if (isPlainObject(value)) return Object.keys(value).length > 0;
  return Boolean(value);
}

/** Structural equality; secrets compare by their real value (two Secret objects have no visible fields). */
export function isEqual(a: unknown, b: unknown): boolean {
  return isDeepStrictEqual(revealDeep(a), revealDeep(b));
}

/** A copy with every Secret replaced by its value: rendered output goes to hosts, where the real value is needed. */
export function revealDeep(value: unknown): unknown {
  if (value instanceof Secret) return value.reveal();
  if (Array.isArray(value)) return value.map(revealDeep);
  if (isPlainObject(value)) {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[k] = revealDeep(v);
    return out;
  }
  return value;
}

/** A short type name for messages, in the YAML vocabulary users know. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'list';
  if (value instanceof Secret) return 'secret';
  if (isPlainObject(value)) return 'map';
  return typeof value;
}

/** How a value prints inside text: null is empty, lists and maps are JSON, secrets show their value. */
export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null) return '';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Secret) return value.reveal();
  if (Array.isArray(value) || isPlainObject(value)) return JSON.stringify(revealDeep(value));
  throw new TypeError(`cannot print a ${typeName(value)}`);
}
