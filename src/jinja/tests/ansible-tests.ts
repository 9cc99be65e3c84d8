// Ansible's tests (ansible/plugins/test/core.py, files.py, mathstuff.py, uri.py). Result tests read Ansible's
// flags (failed, changed, skipped, unreachable) and, for a tsinfra result without them, its `status`.
import { lstatSync, statSync } from 'node:fs';
import { ansibleError, convertBool, qualified, toText } from '../filters/ansible-common.js';
import { hashKey } from '../filters/ansible-collections.js';
import { pathArg, pyJoin } from '../filters/ansible-paths.js';
import { pyCompile, pyFindall, pyMatch, pySearch } from '../filters/py-regex.js';
import { contains } from '../operators.js';
import { bind, type TestDef, type TestFn } from '../registry.js';
import { isInlineVaultValue } from '../../vault/keyring.js';
import { JinjaRuntimeError, PyFloat, isMapping, isString, iterate, pyEquals, pyRepr, pyStr, pyTruthy, pyTypeName, toStr } from '../values.js';

// --- task results ---

function resultDict(name: string, value: unknown): Record<string, unknown> {
  if (!isMapping(value)) throw ansibleError(`The '${name}' test expects a dictionary`);
  return value;
}

/** result.get(flag, False), or tsinfra's `status` when the flag is absent. */
function flag(name: string, value: unknown, key: string): boolean {
  const r = resultDict(name, value);
  if (Object.hasOwn(r, key)) return pyTruthy(r[key]);
  return r.status === key;
}

function changed(value: unknown): boolean {
  const r = resultDict('changed', value);
  if (Object.hasOwn(r, 'changed')) return pyTruthy(r.changed);
  // Loop results: changed when any item changed (Ansible looks only when the first item is a dict).
  const results = r.results;
  if (Array.isArray(results) && results.length === 0) throw new JinjaRuntimeError('list index out of range'); // results[0]
  if (Array.isArray(results) && isMapping(results[0])) {
    return results.some((x) => isMapping(x) && pyTruthy(x.changed ?? false));
  }
  return r.status === 'changed';
}

/** started/finished: `result[key] == 1`; a result without the key (not async) counts as true, as Ansible has it. */
function asyncFlag(name: string, value: unknown): boolean {
  const r = resultDict(name, value);
  return Object.hasOwn(r, name) ? pyEquals(r[name], 1) : true;
}

// --- regex ---

function regexTest(value: unknown, args: unknown[], kwargs: Record<string, unknown>, matchType?: string): boolean {
  const params = matchType === undefined ? ['pattern', 'ignorecase', 'multiline', 'match_type'] : ['pattern', 'ignorecase', 'multiline'];
  const b = bind(matchType ?? 'regex', args, kwargs, params, { pattern: '', ignorecase: false, multiline: false, match_type: 'search' });
  const rx = pyCompile(toStr(b.pattern), { ignorecase: pyTruthy(b.ignorecase), multiline: pyTruthy(b.multiline) });
  const text = toText(value);
  const type = matchType ?? toStr(b.match_type);
  if (type === 'search') return pySearch(rx, text) !== null;
  if (type === 'match') return pyMatch(rx, text) !== null;
  if (type === 'fullmatch') {
    const m = pyMatch(rx, text);
    return m !== null && m[0].length === text.length;
  }
  if (type === 'findall') return pyFindall(rx, text).length > 0;
  throw new JinjaRuntimeError(`regex test: match_type ${pyRepr(type)} is not one of search, match, fullmatch`);
}

// --- versions ---

type Cmp = -1 | 0 | 1;
const sign = (n: number): Cmp => (n < 0 ? -1 : n > 0 ? 1 : 0);

/** LooseVersion: runs of digits (as ints), runs of lowercase letters, and whatever lies between them. */
function looseParse(v: string): (number | string)[] {
  const parts: string[] = [];
  let last = 0;
  for (const m of v.matchAll(/\d+|[a-z]+|\./g)) {
    if (m.index! > last) parts.push(v.slice(last, m.index));
    parts.push(m[0]);
    last = m.index! + m[0].length;
  }
  if (last < v.length) parts.push(v.slice(last));
  return parts.filter((p) => p !== '' && p !== '.').map((p) => (/^\d+$/.test(p) ? Number(p) : p));
}

function looseCompare(a: string, b: string): Cmp {
  const x = looseParse(a);
  const y = looseParse(b);
  for (let i = 0; i < Math.min(x.length, y.length); i++) {
    const p = x[i]!;
    const q = y[i]!;
    if (p === q) continue;
    if (typeof p !== typeof q) {
      throw new JinjaRuntimeError(`'<' not supported between instances of '${typeof p === 'number' ? 'int' : 'str'}' and '${typeof q === 'number' ? 'int' : 'str'}'`);
    }
    return p < q ? -1 : 1;
  }
  return sign(x.length - y.length);
}

function strictParse(v: string): [number[], [string, number] | null] {
  const m = /^(\d+)\.(\d+)(\.(\d+))?([ab](\d+))?$/.exec(v);
  if (!m) throw new JinjaRuntimeError(`invalid version number '${v}'`);
  return [[Number(m[1]), Number(m[2]), Number(m[4] ?? 0)], m[5] ? [m[5][0]!, Number(m[6])] : null];
}

function tupleCompare(a: readonly (number | string)[], b: readonly (number | string)[]): Cmp {
  for (let i = 0; i < Math.min(a.length, b.length); i++) if (a[i] !== b[i]) return a[i]! < b[i]! ? -1 : 1;
  return sign(a.length - b.length);
}

function strictCompare(a: string, b: string): Cmp {
  const [va, pa] = strictParse(a);
  const [vb, pb] = strictParse(b);
  const c = tupleCompare(va, vb);
  if (c !== 0) return c;
  if (!pa && !pb) return 0;
  if (!pa) return 1;
  if (!pb) return -1;
  return tupleCompare(pa, pb);
}

const SEMVER = /^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)(?:-((?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*)(?:\.(?:0|[1-9]\d*|\d*[a-zA-Z-][0-9a-zA-Z-]*))*))?(?:\+([0-9a-zA-Z-]+(?:\.[0-9a-zA-Z-]+)*))?$/;

function semverCompare(a: string, b: string): Cmp {
  const parse = (v: string) => {
    const m = SEMVER.exec(v);
    if (!m) throw new JinjaRuntimeError(`invalid semantic version '${v}'`);
    const pre = m[4] ? m[4].split('.').map((x) => (/^\d+$/.test(x) ? Number(x) : x)) : [];
    return { core: [Number(m[1]), Number(m[2]), Number(m[3])], pre };
  };
  const x = parse(a);
  const y = parse(b);
  const c = tupleCompare(x.core, y.core);
  if (c !== 0) return c;
  if (x.pre.length === 0 || y.pre.length === 0) return x.pre.length === y.pre.length ? 0 : x.pre.length === 0 ? 1 : -1;
  for (let i = 0; i < Math.min(x.pre.length, y.pre.length); i++) {
    const p = x.pre[i]!;
    const q = y.pre[i]!;
    if (p === q) continue;
    if (typeof p !== typeof q) return typeof p === 'number' ? -1 : 1; // numeric identifiers sort first
    return p < q ? -1 : 1;
  }
  return sign(x.pre.length - y.pre.length);
}

const OPERATORS: Record<string, string> = {
  '==': 'eq', '=': 'eq', eq: 'eq', '<': 'lt', lt: 'lt', '<=': 'le', le: 'le', '>': 'gt', gt: 'gt', '>=': 'ge', ge: 'ge', '!=': 'ne', '<>': 'ne', ne: 'ne',
};
const VERSION_TYPES = ['loose', 'strict', 'semver', 'semantic', 'pep440'];

function versionCompare(value: unknown, args: unknown[], kwargs: Record<string, unknown>): boolean {
  const b = bind('version_compare', args, kwargs, ['version', 'operator', 'strict', 'version_type'], { operator: 'eq', strict: null, version_type: null });
  if (b.strict !== null && b.version_type !== null) throw ansibleError("Cannot specify both 'strict' and 'version_type'");
  if (!pyTruthy(value)) throw ansibleError('Input version value cannot be empty');
  if (!pyTruthy(b.version)) throw ansibleError('Version parameter to compare against cannot be empty');
  let compare = looseCompare;
  if (pyTruthy(b.strict)) compare = strictCompare;
  else if (pyTruthy(b.version_type)) {
    const t = toStr(b.version_type);
    if (!VERSION_TYPES.includes(t)) throw ansibleError(`Invalid version type (${t}). Must be one of ${VERSION_TYPES.map((x) => `'${x}'`).join(', ')}`);
    if (t === 'pep440') throw ansibleError('The pep440 version_type is not supported by tsinfra');
    compare = t === 'strict' ? strictCompare : t === 'loose' ? looseCompare : semverCompare;
  }
  const op = isString(b.operator) ? OPERATORS[toStr(b.operator)] : undefined;
  if (op === undefined) {
    throw ansibleError(`Invalid operator type (${pyStr(b.operator)}). Must be one of ${Object.keys(OPERATORS).map((x) => `'${x}'`).join(', ')}`);
  }
  let c: Cmp;
  try {
    c = compare(toText(value), toText(b.version));
  } catch (err) {
    if (err instanceof JinjaRuntimeError) throw ansibleError(`Version comparison failed: ${err.message}`);
    throw err;
  }
  return { eq: c === 0, ne: c !== 0, lt: c < 0, le: c <= 0, gt: c > 0, ge: c >= 0 }[op as 'eq'];
}

// --- sets, numbers ---

/** set(a) <= set(b): items must be hashable, as Python's set() needs. */
function hashSet(value: unknown): Set<string> {
  const out = new Set<string>();
  for (const item of iterate(value)) {
    const k = hashKey(item);
    if (k === undefined) throw new JinjaRuntimeError(`unhashable type: '${pyTypeName(item)}'`);
    out.add(k);
  }
  return out;
}

// --- files (controller-side, relative to the working directory) ---

function stat(p: string, follow = true) {
  try {
    return follow ? statSync(p) : lstatSync(p);
  } catch {
    return undefined;
  }
}

function isMount(p: string): boolean {
  const s = stat(p, false);
  if (!s || s.isSymbolicLink()) return false;
  const parent = stat(pyJoin(p, '..'), false);
  if (!parent) return false;
  return s.dev !== parent.dev || s.ino === parent.ino;
}

function sameFile(a: string, b: string): boolean {
  const x = stat(a);
  const y = stat(b);
  if (!x || !y) throw new JinjaRuntimeError(`[Errno 2] No such file or directory: '${!x ? a : b}'`);
  return x.dev === y.dev && x.ino === y.ino;
}

// --- uri ---

function uriScheme(value: unknown): string | undefined {
  if (!isString(value)) return undefined;
  const v = toStr(value);
  const m = /^([A-Za-z][A-Za-z0-9+.-]*):/.exec(v.replace(/^[\x00-\x20]+/, ''));
  return m ? m[1]!.toLowerCase() : '';
}

function isUri(value: unknown, schemes: unknown): boolean {
  const scheme = uriScheme(value);
  if (scheme === undefined) return false;
  return !pyTruthy(schemes) || contains(schemes, scheme);
}

// --- the table ---

const unary = (name: string, fn: (value: unknown) => boolean, accepts?: boolean): TestDef => ({
  name,
  ...(accepts ? { acceptsUndefined: true } : {}),
  fn: (_ctx, value, args, kwargs) => {
    bind(name, args, kwargs, []);
    return fn(value);
  },
});
const aliases = (names: string[], fn: TestFn): TestDef[] => names.map((name) => ({ name, fn }));
const pathTest = (names: string[], fn: (p: string) => boolean): TestDef[] =>
  names.map((name) => unary(name, (v) => fn(pathArg(v))));

const failed = (v: unknown) => flag('failed', v, 'failed');
const unreachable = (v: unknown) => flag('unreachable', v, 'unreachable');

const TESTS: TestDef[] = [
  ...['failed', 'failure'].map((n) => unary(n, failed)),
  ...['succeeded', 'success', 'successful'].map((n) => unary(n, (v) => !failed(v))),
  unary('unreachable', unreachable),
  unary('reachable', (v) => !unreachable(v)),
  ...['changed', 'change'].map((n) => unary(n, changed)),
  ...['skipped', 'skip'].map((n) => unary(n, (v) => flag('skipped', v, 'skipped'))),
  unary('finished', (v) => asyncFlag('finished', v)),
  unary('started', (v) => asyncFlag('started', v)),
  { name: 'match', fn: (_ctx, v, a, k) => regexTest(v, a, k, 'match') },
  { name: 'search', fn: (_ctx, v, a, k) => regexTest(v, a, k, 'search') },
  { name: 'regex', fn: (_ctx, v, a, k) => regexTest(v, a, k) },
  ...aliases(['version', 'version_compare'], (_ctx, v, a, k) => versionCompare(v, a, k)),
  unary('any', (v) => iterate(v).some(pyTruthy)),
  unary('all', (v) => iterate(v).every(pyTruthy)),
  {
    name: 'truthy',
    fn: (_ctx, v, a, k) => truthy(v, bind('truthy', a, k, ['convert_bool'], { convert_bool: false }).convert_bool),
  },
  {
    name: 'falsy',
    fn: (_ctx, v, a, k) => !truthy(v, bind('falsy', a, k, ['convert_bool'], { convert_bool: false }).convert_bool),
  },
  unary('vault_encrypted', isInlineVaultValue),
  ...['subset', 'issubset'].map((name): TestDef => ({
    name,
    fn: (_ctx, v, a, k) => {
      const other = hashSet(bind(name, a, k, ['b']).b);
      return [...hashSet(v)].every((x) => other.has(x));
    },
  })),
  ...['superset', 'issuperset'].map((name): TestDef => ({
    name,
    fn: (_ctx, v, a, k) => {
      const mine = hashSet(v);
      return [...hashSet(bind(name, a, k, ['b']).b)].every((x) => mine.has(x));
    },
  })),
  { name: 'contains', fn: (_ctx, v, a, k) => contains(v, bind('contains', a, k, ['value']).value) },
  ...['nan', 'isnan'].map((n) => unary(n, (v) => (typeof v === 'number' ? Number.isNaN(v) : v instanceof PyFloat ? Number.isNaN(v.value) : false))),
  ...pathTest(['directory', 'is_dir'], (p) => stat(p)?.isDirectory() ?? false),
  ...pathTest(['file', 'is_file'], (p) => stat(p)?.isFile() ?? false),
  ...pathTest(['link', 'is_link'], (p) => stat(p, false)?.isSymbolicLink() ?? false),
  ...pathTest(['exists'], (p) => stat(p) !== undefined),
  ...pathTest(['link_exists'], (p) => stat(p, false) !== undefined),
  ...pathTest(['abs', 'is_abs'], (p) => p.startsWith('/')),
  ...pathTest(['mount', 'is_mount'], isMount),
  ...['same_file', 'is_same_file'].map((name): TestDef => ({
    name,
    fn: (_ctx, v, a, k) => sameFile(pathArg(v), pathArg(bind(name, a, k, ['f2']).f2)),
  })),
  {
    name: 'uri',
    fn: (_ctx, v, a, k) => isUri(v, bind('uri', a, k, ['schemes'], { schemes: null }).schemes),
  },
  {
    name: 'url',
    fn: (_ctx, v, a, k) => {
      const { schemes } = bind('url', a, k, ['schemes'], { schemes: null });
      if (!isUri(v, schemes)) return false;
      const rest = toStr(v).replace(/^[\x00-\x20]+/, '').replace(/^[A-Za-z][A-Za-z0-9+.-]*:/, '');
      return (rest.startsWith('//') && rest.slice(2).split(/[/?#]/)[0] !== '') || uriScheme(v) === 'file';
    },
  },
  { name: 'urn', fn: (_ctx, v, a, k) => (bind('urn', a, k, []), isUri(v, ['urn'])) },
];

/** Ansible's tests, also as ansible.builtin.<name>. */
export const ansibleTests: TestDef[] = qualified(TESTS, 'ansible.builtin');

function truthy(value: unknown, convert: unknown): boolean {
  if (pyTruthy(convert)) {
    try {
      return convertBool(value);
    } catch (err) {
      if (!(err instanceof TypeError)) throw err;
    }
  }
  return pyTruthy(value);
}
