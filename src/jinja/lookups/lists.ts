// The list-shaping lookups behind with_items, with_list, with_indexed_items, with_dict, with_together,
// with_nested, with_subelements, with_random_choice, with_flattened (community.general).
import { randomInt } from 'node:crypto';
import { ansibleError, convertBool } from '../filters/ansible-common.js';
import type { LookupDef } from '../registry.js';
import { isMapping, isString, isTuple, pyStr, toStr, tuple } from '../values.js';

/** LookupBase._flatten: lists and tuples opened one level. */
function flattenOnce(terms: unknown[]): unknown[] {
  return terms.flatMap((t) => (Array.isArray(t) ? t : [t]));
}

/** listify_lookup_plugin_terms for an already-evaluated term: a str or a non-list becomes a list of one. */
function listify(term: unknown): unknown[] {
  if (isString(term)) return [toStr(term).trim()];
  if (Array.isArray(term)) return term;
  if (isMapping(term)) return Object.keys(term);
  return [term];
}

function subelements(terms: unknown[]): unknown[] {
  const fail = (msg = '') => ansibleError(`subelements lookup expects a list of two or three items, ${msg}`);
  if (terms.length < 2 || terms.length > 3) throw fail();
  const first = isString(terms[0]) ? listify(terms[0]) : terms[0];
  if (!(Array.isArray(first) || isMapping(first)) || !isString(terms[1])) throw fail('first a dict or a list, second a string pointing to the subkey');
  const path = toStr(terms[1]).split('.');
  let elements: unknown[];
  if (isMapping(first)) {
    if (Object.hasOwn(first, 'skipped') && first.skipped !== false) return [];
    elements = Object.values(first);
  } else elements = first;
  const flags = terms.length === 3 ? terms[2] : {};
  if (!isMapping(flags) || Object.keys(flags).some((k) => k !== 'skip_missing')) throw fail("the optional third item must be a dict with flags ('skip_missing',)");
  const skipMissing = convertBool(flags.skip_missing ?? false, false);
  const out: unknown[] = [];
  for (const item of elements) {
    if (!isMapping(item)) throw ansibleError(`subelements lookup expects a dictionary, got '${pyStr(item)}'`);
    if (Object.hasOwn(item, 'skipped') && item.skipped !== false) continue;
    let sub: Record<string, unknown> = item;
    let list: unknown[] = [];
    let shown: Record<string, unknown> = item;
    for (let i = 0; i < path.length; i++) {
      const key = path[i]!;
      const last = key === path[path.length - 1]; // Ansible compares names, not positions
      if (!Object.hasOwn(sub, key)) {
        if (skipMissing) continue;
        throw ansibleError(`could not find '${key}' key in iterated item '${pyStr(sub)}'`);
      }
      const v = sub[key];
      if (!last) {
        if (!isMapping(v)) {
          if (skipMissing) continue;
          throw ansibleError(`the key ${key} should point to a dictionary, got '${pyStr(v)}'`);
        }
        sub = v;
      } else {
        if (!Array.isArray(v) || isTuple(v)) throw ansibleError(`the key ${key} should point to a list, got '${pyStr(v)}'`);
        list = v;
        // Ansible pops the list out of the item it hands back: the item comes without that key.
        const copy = { ...sub };
        delete copy[key];
        shown = sub === item ? copy : replaceAt(item, path.slice(0, i), copy);
      }
    }
    for (const v of list) out.push(tuple([shown, v]));
  }
  return out;
}

function replaceAt(root: Record<string, unknown>, path: string[], value: Record<string, unknown>): Record<string, unknown> {
  if (path.length === 0) return value;
  const [head, ...rest] = path as [string, ...string[]];
  return { ...root, [head]: replaceAt(root[head] as Record<string, unknown>, rest, value) };
}

/** community.general's flattened: nested lists opened fully; a 'None' or 'null' item ends the list. */
function flattened(terms: unknown[]): unknown[] {
  const out: unknown[] = [];
  for (let term of terms) {
    while (Array.isArray(term) && !isTuple(term) && term.length === 1) term = term[0];
    if (term === 'None' || term === 'null') break;
    if (Array.isArray(term) && !isTuple(term)) out.push(...flattened(term));
    else out.push(term);
  }
  return out;
}

/** community.general.flattened, also under its short name as Ansible resolves it. */
export const flattenedLookup: LookupDef = { name: 'flattened', fn: (_ctx, terms) => flattened(terms) };

export const listLookups: LookupDef[] = [
  { name: 'items', fn: (_ctx, terms) => flattenOnce(terms) },
  { name: 'list', fn: (_ctx, terms) => terms },
  { name: 'indexed_items', fn: (_ctx, terms) => flattenOnce(terms).map((x, i) => tuple([i, x])) },
  {
    name: 'dict',
    fn: (_ctx, terms) =>
      terms.flatMap((term) => {
        if (!isMapping(term)) throw ansibleError('with_dict expects a dict');
        return Object.entries(term).map(([key, value]) => ({ key, value }));
      }),
  },
  {
    name: 'together',
    fn: (_ctx, terms) => {
      const lists = terms.map(listify);
      if (lists.length === 0) throw ansibleError('with_together requires at least one element in each list');
      const n = Math.max(...lists.map((l) => l.length));
      return Array.from({ length: n }, (_, i) => flattenOnce(lists.map((l) => (i < l.length ? l[i] : null))));
    },
  },
  {
    name: 'nested',
    fn: (_ctx, terms) => {
      const lists = terms.map(listify);
      if (lists.length === 0) throw ansibleError('with_nested requires at least one element in the nested list');
      let result: unknown[] = lists[0]!;
      for (const next of lists.slice(1)) result = result.flatMap((x) => next.map((y) => flattenOnce([x, y])));
      return result.map((x) => {
        if (!Array.isArray(x) && !isString(x) && !isMapping(x)) throw ansibleError(`'${pyStr(x)}' object is not iterable`);
        return flattenOnce(Array.isArray(x) ? x : isString(x) ? [...toStr(x)] : Object.keys(x as object));
      });
    },
  },
  { name: 'subelements', fn: (_ctx, terms) => subelements(terms) },
  { name: 'random_choice', fn: (_ctx, terms) => (terms.length === 0 ? terms : [terms[randomInt(terms.length)]]) },
];

