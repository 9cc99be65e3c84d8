// Filters (`x | length`) and tests (`x is defined`) conditions may use. Looked up in Maps, never as properties, so
// no name can reach anything but these functions.
import { Secret } from '../shell/secret.js';
import { isPlainObject, isTruthy, typeName } from './values.js';

export type Fn = (input: unknown, args: unknown[]) => unknown;
interface Entry {
  fn: Fn;
  args: [min: number, max: number];
}

function text(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v instanceof Secret) return v.reveal();
  throw new Error(`expected text, got ${typeName(v)}`);
}

function toNumber(v: unknown, integer: boolean): number {
  if (typeof v === 'boolean') return v ? 1 : 0;
  if (typeof v === 'number') return integer ? Math.trunc(v) : v;
  if (typeof v === 'string' && /^\s*[-+]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][-+]?[0-9]+)?\s*$/.test(v)) {
    return integer ? Math.trunc(Number(v)) : Number(v);
  }
  throw new Error(`cannot convert ${typeName(v)} ${JSON.stringify(v)} to a number`);
}

// Ansible's `bool`: yes/on/true/1 and no/off/false/0; anything else is an error rather than a silent false.
const TRUE_WORDS = new Set(['yes', 'on', 'true', '1', 'y']);
const FALSE_WORDS = new Set(['no', 'off', 'false', '0', 'n', '']);

function toBool(v: unknown): boolean {
  if (typeof v === 'boolean') return v;
  if (v === null) return false;
  if (v === 0 || v === 1) return v === 1;
  if (typeof v === 'string') {
    const w = v.trim().toLowerCase();
    if (TRUE_WORDS.has(w)) return true;
    if (FALSE_WORDS.has(w)) return false;
  }
  throw new Error(`cannot read ${typeName(v)} ${JSON.stringify(v)} as true or false`);
}

function size(v: unknown): number {
  if (typeof v === 'string' || Array.isArray(v)) return v.length;
  if (isPlainObject(v)) return Object.keys(v).length;
  throw new Error(`expected text, a list or a map, got ${typeName(v)}`);
}

function item(v: unknown, which: 'first' | 'last'): unknown {
  if (!Array.isArray(v) && typeof v !== 'string') throw new Error(`expected a list, got ${typeName(v)}`);
  if (v.length === 0) throw new Error('the list is empty');
  return which === 'first' ? v[0] : v[v.length - 1];
}

function fallback(v: unknown, [def, orFalsy]: unknown[]): unknown {
  return v === undefined || v === null || (orFalsy === true && !isTruthy(v)) ? def : v;
}

export const FILTERS: ReadonlyMap<string, Entry> = new Map<string, Entry>([
  ['length', { fn: size, args: [0, 0] }],
  ['count', { fn: size, args: [0, 0] }],
  ['int', { fn: (v) => toNumber(v, true), args: [0, 0] }],
  ['float', { fn: (v) => toNumber(v, false), args: [0, 0] }],
  ['bool', { fn: toBool, args: [0, 0] }],
  ['string', { fn: (v) => (typeof v === 'string' ? v : v instanceof Secret ? v.reveal() : JSON.stringify(v)), args: [0, 0] }],
  ['lower', { fn: (v) => text(v).toLowerCase(), args: [0, 0] }],
  ['upper', { fn: (v) => text(v).toUpperCase(), args: [0, 0] }],
  ['trim', { fn: (v) => text(v).trim(), args: [0, 0] }],
  ['first', { fn: (v) => item(v, 'first'), args: [0, 0] }],
  ['last', { fn: (v) => item(v, 'last'), args: [0, 0] }],
  ['default', { fn: fallback, args: [1, 2] }],
  ['d', { fn: fallback, args: [1, 2] }],
]);

/** Filters and tests that accept an undefined input (everything else reports the undefined variable). */
export const LENIENT: ReadonlySet<string> = new Set(['default', 'd', 'defined', 'undefined']);

/** A registered task result: Ansible's flags (`changed`, `failed`, …) or tsinfra's `status`. */
function result(v: unknown, test: string): Record<string, unknown> {
  if (!isPlainObject(v)) throw new Error(`"${test}" tests a registered task result, got ${typeName(v)}`);
  return v;
}
function hasStatus(r: Record<string, unknown>, flag: string, ...statuses: string[]): boolean {
  return r[flag] === true || (typeof r.status === 'string' && statuses.includes(r.status));
}
const isFailed = (v: unknown, t: string) => hasStatus(result(v, t), 'failed', 'failed');
const isUnreachable = (v: unknown, t: string) => hasStatus(result(v, t), 'unreachable', 'unreachable');

const regexCache = new Map<string, RegExp>();
function regex(pattern: unknown, anchored: boolean): RegExp {
  const source = anchored ? `^(?:${text(pattern)})` : text(pattern);
  let re = regexCache.get(source);
  if (re === undefined) {
    try {
      re = new RegExp(source);
    } catch (err) {
      throw new Error(`bad pattern: ${(err as Error).message}`);
    }
    if (regexCache.size >= 1024) regexCache.clear();
    regexCache.set(source, re);
  }
  return re;
}

export const TESTS: ReadonlyMap<string, Entry> = new Map<string, Entry>([
  ['defined', { fn: (v) => v !== undefined, args: [0, 0] }],
  ['undefined', { fn: (v) => v === undefined, args: [0, 0] }],
  ['none', { fn: (v) => v === null, args: [0, 0] }],
  ['true', { fn: (v) => v === true, args: [0, 0] }],
  ['false', { fn: (v) => v === false, args: [0, 0] }],
  ['string', { fn: (v) => typeof v === 'string', args: [0, 0] }],
  ['number', { fn: (v) => typeof v === 'number', args: [0, 0] }],
  ['boolean', { fn: (v) => typeof v === 'boolean', args: [0, 0] }],
  ['mapping', { fn: (v) => isPlainObject(v), args: [0, 0] }],
  ['sequence', { fn: (v) => Array.isArray(v), args: [0, 0] }],
  ['changed', { fn: (v) => hasStatus(result(v, 'changed'), 'changed', 'changed'), args: [0, 0] }],
  ['failed', { fn: (v) => isFailed(v, 'failed'), args: [0, 0] }],
  ['succeeded', { fn: (v) => !isFailed(v, 'succeeded') && !isUnreachable(v, 'succeeded'), args: [0, 0] }],
  ['success', { fn: (v) => !isFailed(v, 'success') && !isUnreachable(v, 'success'), args: [0, 0] }],
  ['skipped', { fn: (v) => hasStatus(result(v, 'skipped'), 'skipped', 'skipped'), args: [0, 0] }],
  ['unreachable', { fn: (v) => isUnreachable(v, 'unreachable'), args: [0, 0] }],
  ['search', { fn: (v, [p]) => regex(p, false).test(text(v)), args: [1, 1] }],
  ['match', { fn: (v, [p]) => regex(p, true).test(text(v)), args: [1, 1] }],
]);
