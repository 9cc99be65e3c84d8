// Ansible's list and dict filters (core.py, mathstuff.py): combine, flatten, dict2items, unique and the set
// family, zip/product/permutations, subelements, random/shuffle.
import { Secret } from '../../shell/secret.js';
import { contains } from '../operators.js';
import { bind, type CallContext, type FilterDef } from '../registry.js';
import { Undefined } from '../undefined.js';
import { defined, dictSet, isMapping, isString, isTuple, iterate, JinjaRuntimeError, pyEquals, PyFloat, pyRepr, pyStr, pyTruthy, pyTypeName, toNumber, toStr, tuple } from '../values.js';
import { ansibleError, isSequence } from './ansible-common.js';
import { jsonDumps } from './py-json.js';
import { pyShuffle, seededRandom, systemRandom, type PyRandom } from './py-random.js';

/** A key equal for values Python's set() treats as equal (1 == 1.0 == True), or undefined when unhashable. */
export function hashKey(value: unknown, lower = false): string | undefined {
  defined(value);
  if (value === null) return 'N';
  if (typeof value === 'boolean') return `n${value ? 1 : 0}`;
  if (typeof value === 'number') return `n${value}`;
  if (value instanceof PyFloat) return `n${value.value}`;
  if (typeof value === 'string' || value instanceof Secret) {
    const s = toStr(value);
    return `s${lower ? s.toLowerCase() : s}`;
  }
  if (Array.isArray(value) && isTuple(value)) {
    const parts = value.map((v) => hashKey(v));
    return parts.some((p) => p === undefined) ? undefined : `t(${parts.map((p) => `${p!.length}:${p}`).join('')})`;
  }
  return undefined;
}

function unhashable(value: unknown): JinjaRuntimeError {
  return new JinjaRuntimeError(`unhashable type: '${pyTypeName(value)}'`);
}

/** Ansible's unique: Jinja's set-based unique (case-insensitive unless asked), falling back to == for lists and dicts. */
function unique(ctx: CallContext, input: unknown, caseSensitive: unknown, attribute: unknown): unknown[] {
  const items = iterate(input);
  const strict = caseSensitive === false || (attribute !== null && pyTruthy(attribute));
  try {
    const seen = new Set<string>();
    const out: unknown[] = [];
    for (const item of items) {
      const keyValue = attribute === null ? item : attrPath(ctx, item, attribute);
      const k = hashKey(keyValue, !pyTruthy(caseSensitive));
      if (k === undefined) throw unhashable(keyValue);
      if (!seen.has(k)) {
        seen.add(k);
        out.push(item);
      }
    }
    return out;
  } catch (err) {
    if (!(err instanceof JinjaRuntimeError) || !err.message.startsWith('unhashable')) throw err;
    if (strict) {
      throw ansibleError(`Jinja2's unique filter failed and we cannot fall back to Ansible's version as it does not support the parameters supplied. ${err.message}`);
    }
  }
  const out: unknown[] = [];
  for (const item of items) if (!out.some((x) => pyEquals(x, item))) out.push(item);
  return out;
}

/** Jinja's make_attrgetter: "a.b.0" walks keys, digit parts are indexes. */
function attrPath(ctx: CallContext, item: unknown, attribute: unknown): unknown {
  const parts = typeof attribute === 'number' ? [attribute] : toStr(attribute).split('.').map((p) => (/^[0-9]+$/.test(p) ? Number(p) : p));
  let v = item;
  for (const p of parts) v = ctx.getattr(v, p);
  return v;
}

/** The set family: str and tuple inputs are Python-hashable, so Ansible uses set(); lists go through unique. */
function setOp(ctx: CallContext, a: unknown, b: unknown, op: 'union' | 'intersect' | 'difference' | 'symmetric_difference'): unknown[] {
  const hashable = (v: unknown) => isString(v) || isTuple(v);
  const xs = iterate(a);
  const ys = iterate(b);
  const has = (list: unknown[], x: unknown) => list.some((y) => pyEquals(x, y));
  if (hashable(a) && hashable(b)) {
    // Python returns a set here (unordered); we keep first-appearance order.
    const u = unique(ctx, [...xs, ...ys], true, null);
    const pick = { union: () => u, intersect: () => u.filter((x) => has(xs, x) && has(ys, x)), difference: () => u.filter((x) => has(xs, x) && !has(ys, x)), symmetric_difference: () => u.filter((x) => has(xs, x) !== has(ys, x)) };
    return pick[op]();
  }
  switch (op) {
    case 'union': {
      if (!Array.isArray(a) || !Array.isArray(b) || isTuple(a) !== isTuple(b)) {
        throw new JinjaRuntimeError(Array.isArray(a) ? `can only concatenate ${pyTypeName(a)} (not "${pyTypeName(b)}") to ${pyTypeName(a)}` : `unsupported operand type(s) for +: '${pyTypeName(a)}' and '${pyTypeName(b)}'`);
      }
      return unique(ctx, [...a, ...b], true, null);
    }
    case 'intersect':
      return unique(ctx, xs.filter((x) => contains(b, x)), true, null);
    case 'difference':
      return unique(ctx, xs.filter((x) => !contains(b, x)), true, null);
    default: {
      const isect = setOp(ctx, a, b, 'intersect');
      return setOp(ctx, a, b, 'union').filter((x) => !isect.some((y) => pyEquals(x, y)));
    }
  }
}

/** Ansible's flatten: lists and tuples opened `levels` deep, None/'None'/'null' dropped unless skip_nulls=False. */
export function flatten(items: unknown, levels: number | null, skipNulls: boolean): unknown[] {
  const out: unknown[] = [];
  for (const el of iterate(items)) {
    if (skipNulls && (defined(el) === null || el === 'None' || el === 'null')) continue; // `in (None, ...)` compares: undefined raises
    if (Array.isArray(el)) {
      if (levels === null) out.push(...flatten(el, null, skipNulls));
      else if (levels >= 1) out.push(...flatten(el, Math.trunc(levels) - 1, skipNulls));
      else out.push(el);
    } else out.push(el);
  }
  return out;
}

function dumpsOrStr(v: unknown): string {
  try {
    return jsonDumps(v);
  } catch {
    return pyStr(v);
  }
}

/** ansible.utils.vars.merge_hash: y's keys over x's, dicts merged when recursive, lists per list_merge. */
export function mergeHash(x: unknown, y: unknown, recursive: boolean, listMerge: string): Record<string, unknown> {
  if (!['replace', 'keep', 'append', 'prepend', 'append_rp', 'prepend_rp'].includes(listMerge)) {
    throw ansibleError("merge_hash: 'list_merge' argument can only be equal to 'replace', 'keep', 'append', 'prepend', 'append_rp' or 'prepend_rp'");
  }
  if (!isMapping(x) || !isMapping(y)) {
    throw ansibleError(`failed to combine variables, expected dicts but got a '${pyTypeName(x)}' and a '${pyTypeName(y)}': \n${dumpsOrStr(x)}\n${dumpsOrStr(y)}`);
  }
  if (Object.keys(x).length === 0 || pyEquals(x, y)) return { ...y };
  const out: Record<string, unknown> = { ...x };
  for (const [k, yv] of Object.entries(y)) {
    if (!Object.hasOwn(out, k)) {
      dictSet(out, k, yv);
      continue;
    }
    const xv = out[k];
    if (isMapping(xv) && isMapping(yv)) {
      dictSet(out, k, recursive ? mergeHash(xv, yv, recursive, listMerge) : yv);
    } else if (Array.isArray(xv) && !isTuple(xv) && Array.isArray(yv) && !isTuple(yv)) {
      const notIn = (list: unknown[], other: unknown[]) => list.filter((z) => !other.some((w) => pyEquals(z, w)));
      if (listMerge === 'replace') dictSet(out, k, yv);
      else if (listMerge === 'append') dictSet(out, k, [...xv, ...yv]);
      else if (listMerge === 'prepend') dictSet(out, k, [...yv, ...xv]);
      else if (listMerge === 'append_rp') dictSet(out, k, [...notIn(xv, yv), ...yv]);
      else if (listMerge === 'prepend_rp') dictSet(out, k, [...yv, ...notIn(xv, yv)]);
    } else dictSet(out, k, yv);
  }
  return out;
}

/** recursive_check_defined: an undefined anywhere inside is the undefined error. */
function checkDefined(v: unknown): void {
  defined(v);
  if (Array.isArray(v)) v.forEach(checkDefined);
  else if (isMapping(v)) Object.values(v).forEach(checkDefined);
}

function combine(input: unknown, args: unknown[], kwargs: Record<string, unknown>): unknown {
  const { recursive = false, list_merge = 'replace', ...rest } = kwargs;
  if (Object.keys(rest).length > 0) throw ansibleError("'recursive' and 'list_merge' are the only valid keyword arguments");
  const dicts = flatten([input, ...args], 1, true);
  checkDefined(dicts);
  if (dicts.length === 0) return {};
  if (dicts.length === 1) return dicts[0];
  let result = dicts[dicts.length - 1];
  for (let i = dicts.length - 2; i >= 0; i--) result = mergeHash(dicts[i], result, pyTruthy(recursive), toStr(list_merge));
  return result;
}

function subelements(input: unknown, args: unknown[], kwargs: Record<string, unknown>): unknown[] {
  const b = bind('subelements', args, kwargs, ['subelements', 'skip_missing'], { skip_missing: false });
  let elements: unknown[];
  if (isMapping(input)) elements = Object.values(input);
  else if (Array.isArray(input) && !isTuple(input)) elements = [...input];
  else throw ansibleError('obj must be a list of dicts or a nested dict');
  let path: unknown[];
  if (Array.isArray(b.subelements) && !isTuple(b.subelements)) path = [...b.subelements];
  else if (isString(b.subelements)) path = toStr(b.subelements).split('.');
  else throw ansibleError('subelements must be a list or a string');
  const out: unknown[] = [];
  for (const el of elements) {
    let values: unknown = el;
    for (const key of path) {
      const found = lookupKey(values, key);
      if (found === MISSING) {
        if (pyTruthy(b.skip_missing)) {
          values = [];
          break;
        }
        throw ansibleError(`could not find ${pyRepr(key)} key in iterated item ${pyRepr(values)}`);
      }
      if (found === NOT_SUBSCRIPTABLE) throw ansibleError(`the key ${pyStr(key)} should point to a dictionary, got '${pyStr(values)}'`);
      values = found;
    }
    if (!Array.isArray(values) || isTuple(values)) throw ansibleError(`the key ${pyRepr(path[path.length - 1])} should point to a list, got ${pyRepr(values)}`);
    for (const v of values) out.push(tuple([el, v]));
  }
  return out;
}

const MISSING = Symbol('missing');
const NOT_SUBSCRIPTABLE = Symbol('not subscriptable');
/** values[key] as Python does it for dicts; lists and strings need int keys (else a TypeError). */
function lookupKey(container: unknown, key: unknown): unknown {
  if (isMapping(container)) {
    const k = isString(key) ? toStr(key) : pyStr(key);
    return Object.hasOwn(container, k) ? container[k] : MISSING;
  }
  return NOT_SUBSCRIPTABLE;
}

function randomFilter(input: unknown, args: unknown[], kwargs: Record<string, unknown>): unknown {
  const b = bind('random', args, kwargs, ['start', 'step', 'seed'], { start: null, step: null, seed: null });
  const r: PyRandom = b.seed === null ? systemRandom : seededRandom(b.seed);
  if ((typeof input === 'number' && Number.isInteger(input)) || typeof input === 'boolean') {
    const end = Number(input);
    const start = pyTruthy(b.start) ? toNumber(b.start) : 0;
    const step = pyTruthy(b.step) ? toNumber(b.step) : 1;
    return randrange(r, start, end, step);
  }
  if (Array.isArray(input) || isString(input) || isMapping(input)) {
    if (pyTruthy(b.start) || pyTruthy(b.step)) throw ansibleError('start and step can only be used with integer values');
    const items = Array.isArray(input) ? input : isString(input) ? [...toStr(input)] : undefined;
    if (items === undefined) throw new JinjaRuntimeError('KeyError: random choice from a dict');
    if (items.length === 0) throw new JinjaRuntimeError('Cannot choose from an empty sequence');
    return items[r.below(items.length)];
  }
  throw ansibleError('random can only be used on sequences and integers');
}

function randrange(r: PyRandom, start: number, stop: number, step: number): number {
  const width = stop - start;
  if (step === 1) {
    if (width > 0) return start + r.below(width);
    throw new JinjaRuntimeError(`empty range for randrange() (${start}, ${stop}, ${width})`);
  }
  if (step === 0) throw new JinjaRuntimeError('zero step for randrange()');
  const n = step > 0 ? Math.floor((width + step - 1) / step) : Math.floor((width + step + 1) / step);
  if (n <= 0) throw new JinjaRuntimeError('empty range for randrange()');
  return start + step * r.below(n);
}

/** itertools.product(*lists, repeat=n) */
function product(lists: unknown[][], repeat: number): unknown[] {
  const pools: unknown[][] = [];
  for (let i = 0; i < repeat; i++) pools.push(...lists);
  let result: unknown[][] = [[]];
  for (const pool of pools) result = result.flatMap((r) => pool.map((x) => [...r, x]));
  return result.map((r) => tuple(r));
}

function permutations(items: unknown[], r: number): unknown[] {
  if (r > items.length) return [];
  const out: unknown[] = [];
  const walk = (prefix: number[]) => {
    if (prefix.length === r) {
      out.push(tuple(prefix.map((i) => items[i])));
      return;
    }
    for (let i = 0; i < items.length; i++) if (!prefix.includes(i)) walk([...prefix, i]);
  };
  walk([]);
  return out;
}

function combinations(items: unknown[], r: number): unknown[] {
  const out: unknown[] = [];
  const walk = (start: number, chosen: unknown[]) => {
    if (chosen.length === r) {
      out.push(tuple([...chosen]));
      return;
    }
    for (let i = start; i < items.length; i++) walk(i + 1, [...chosen, items[i]]);
  };
  if (r <= items.length) walk(0, []);
  return out;
}

function rekeyOnMember(input: unknown, args: unknown[], kwargs: Record<string, unknown>): Record<string, unknown> {
  const b = bind('rekey_on_member', args, kwargs, ['key', 'duplicates'], { duplicates: 'error' });
  const duplicates = toStr(b.duplicates);
  if (duplicates !== 'error' && duplicates !== 'overwrite') throw ansibleError(`duplicates parameter to rekey_on_member has unknown value: ${duplicates}`);
  const items = isMapping(input) ? Object.values(input) : Array.isArray(input) ? input : undefined;
  if (!items) throw ansibleError('Type is not a valid list, set, or dict');
  const out: Record<string, unknown> = {};
  for (const item of items) {
    if (!isMapping(item)) throw ansibleError('List item is not a valid dict');
    const k = isString(b.key) ? toStr(b.key) : pyStr(b.key);
    if (!Object.hasOwn(item, k)) throw ansibleError(`Key ${k} was not found`);
    const keyElem = pyStr(item[k]);
    if (Object.hasOwn(out, keyElem) && pyTruthy(out[keyElem])) {
      if (duplicates === 'error') throw ansibleError(`Key ${keyElem} is not unique, cannot correctly turn into dict`);
    }
    out[keyElem] = item;
  }
  return out;
}

function positionalLists(input: unknown, args: unknown[]): unknown[][] {
  return [input, ...args].map((x) => iterate(x));
}

export const collectionFilters: FilterDef[] = [
  { name: 'combine', fn: (_ctx, input, args, kwargs) => combine(input, args, kwargs) },
  {
    name: 'flatten',
    fn: (_ctx, input, args, kwargs) => {
      const b = bind('flatten', args, kwargs, ['levels', 'skip_nulls'], { levels: null, skip_nulls: true });
      return flatten(input, b.levels === null ? null : toNumber(b.levels), pyTruthy(b.skip_nulls));
    },
  },
  {
    name: 'dict2items',
    fn: (_ctx, input, args, kwargs) => {
      const b = bind('dict2items', args, kwargs, ['key_name', 'value_name'], { key_name: 'key', value_name: 'value' });
      if (!isMapping(input)) throw ansibleError(`dict2items requires a dictionary, got <class '${pyTypeName(input)}'> instead.`);
      const kn = toStr(b.key_name);
      const vn = toStr(b.value_name);
      return Object.entries(input).map(([k, v]) => (kn === vn ? { [kn]: v } : { [kn]: k, [vn]: v }));
    },
  },
  {
    name: 'items2dict',
    fn: (_ctx, input, args, kwargs) => {
      const b = bind('items2dict', args, kwargs, ['key_name', 'value_name'], { key_name: 'key', value_name: 'value' });
      if (!isSequence(input)) throw ansibleError(`items2dict requires a list, got <class '${pyTypeName(input)}'> instead.`);
      const kn = isString(b.key_name) ? toStr(b.key_name) : pyStr(b.key_name);
      const vn = isString(b.value_name) ? toStr(b.value_name) : pyStr(b.value_name);
      const out: Record<string, unknown> = {};
      for (const item of input) {
        if (!isMapping(item)) throw ansibleError(`items2dict requires a list of dictionaries, got ${pyRepr(input)} instead.`);
        if (!Object.hasOwn(item, kn) || !Object.hasOwn(item, vn)) {
          throw ansibleError(`items2dict requires each dictionary in the list to contain the keys '${kn}' and '${vn}', got ${pyRepr(input)} instead.`);
        }
        const k = item[kn];
        const key = isString(k) ? toStr(k) : pyStr(k);
        dictSet(out, key, item[vn]);
      }
      return out;
    },
  },
  {
    name: 'extract',
    fn: (ctx, input, args, kwargs) => {
      const b = bind('extract', args, kwargs, ['container', 'morekeys'], { morekeys: null });
      const keys = b.morekeys === null ? [input] : Array.isArray(b.morekeys) && !isTuple(b.morekeys) ? [input, ...b.morekeys] : [input, b.morekeys];
      let v = b.container;
      for (const k of keys) {
        if (v instanceof Undefined) return v;
        v = ctx.getattr(v, typeof k === 'number' ? k : isString(k) ? toStr(k) : pyStr(k));
      }
      return v;
    },
  },
  { name: 'subelements', fn: (_ctx, input, args, kwargs) => subelements(input, args, kwargs) },
  {
    name: 'unique',
    fn: (ctx, input, args, kwargs) => {
      const b = bind('unique', args, kwargs, ['case_sensitive', 'attribute'], { case_sensitive: null, attribute: null });
      return unique(ctx, input, b.case_sensitive, b.attribute);
    },
  },
  ...(['union', 'intersect', 'difference', 'symmetric_difference'] as const).map(
    (op): FilterDef => ({
      name: op,
      fn: (ctx, input, args, kwargs) => {
        const { b } = bind(op, args, kwargs, ['b']);
        return setOp(ctx, input, b, op);
      },
    }),
  ),
  {
    name: 'zip',
    fn: (_ctx, input, args, kwargs) => {
      const { strict = false, ...rest } = kwargs;
      if (Object.keys(rest).length > 0) throw new JinjaRuntimeError(`zip() got an unexpected keyword argument '${Object.keys(rest)[0]}'`);
      const lists = positionalLists(input, args);
      const n = Math.min(...lists.map((l) => l.length));
      if (pyTruthy(strict) && lists.some((l) => l.length !== n)) throw new JinjaRuntimeError('zip() arguments have different lengths');
      return Array.from({ length: n }, (_, i) => tuple(lists.map((l) => l[i])));
    },
  },
  {
    name: 'zip_longest',
    fn: (_ctx, input, args, kwargs) => {
      const { fillvalue = null, ...rest } = kwargs;
      if (Object.keys(rest).length > 0) throw new JinjaRuntimeError('zip_longest() got an unexpected keyword argument');
      const lists = positionalLists(input, args);
      const n = Math.max(...lists.map((l) => l.length));
      return Array.from({ length: n }, (_, i) => tuple(lists.map((l) => (i < l.length ? l[i] : fillvalue))));
    },
  },
  {
    name: 'product',
    fn: (_ctx, input, args, kwargs) => {
      const { repeat = 1, ...rest } = kwargs;
      if (Object.keys(rest).length > 0) throw new JinjaRuntimeError('product() got an unexpected keyword argument');
      return product(positionalLists(input, args), toNumber(repeat));
    },
  },
  {
    name: 'permutations',
    fn: (_ctx, input, args, kwargs) => {
      const b = bind('permutations', args, kwargs, ['r'], { r: null });
      const items = iterate(input);
      return permutations(items, b.r === null ? items.length : toNumber(b.r));
    },
  },
  {
    name: 'combinations',
    fn: (_ctx, input, args, kwargs) => {
      const { r } = bind('combinations', args, kwargs, ['r']);
      return combinations(iterate(input), toNumber(r));
    },
  },
  { name: 'random', fn: (_ctx, input, args, kwargs) => randomFilter(input, args, kwargs) },
  {
    name: 'shuffle',
    fn: (_ctx, input, args, kwargs) => {
      const { seed } = bind('shuffle', args, kwargs, ['seed'], { seed: null });
      let items: unknown[];
      try {
        items = [...iterate(input)];
      } catch {
        return input; // Ansible swallows the error and hands the input back
      }
      return pyShuffle(seed !== null && pyTruthy(seed) ? seededRandom(seed) : systemRandom, items);
    },
  },
  { name: 'rekey_on_member', fn: (_ctx, input, args, kwargs) => rekeyOnMember(input, args, kwargs) },
];

