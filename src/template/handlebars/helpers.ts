// The helpers `.hbs` templates call, value first: `{{join xs ", "}}` is Jinja's `{{ xs | join(', ') }}`. Where the
// meaning is Jinja's, the helper is the registry's own filter (one copy of join, upper, indent…); `default` (which
// also replaces null), `to_json` (compact JSON for config files) and the comparison helpers are handlebars' own.
// Arity and hash keys are checked when a template compiles, not when it renders.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { stringify as yamlStringify } from 'yaml';
import { Secret } from '../../shell/secret.js';
import { cidrSize, netmask, networkAddress, parseCidr } from '../../net/cidr.js';
import { passwordHash } from '../../crypt/password-hash.js';
import { contains } from '../../jinja/operators.js';
import type { CallContext } from '../../jinja/registry.js';
import { FILTERS } from '../../jinja/tables.js';
import { pyLen } from '../../jinja/values.js';
import { renderState } from './render-state.js';
import { isEqual, isPlainObject, isTruthy, revealDeep, typeName } from './values.js';

export interface HelperSpec {
  name: string;
  minArgs: number;
  maxArgs: number;
  hashKeys?: readonly string[] | 'any';
  /** Argument positions where an undefined variable is a value (undefined), not an error. */
  lenient?: readonly number[];
  fn: (args: unknown[], hash: Record<string, unknown>) => unknown;
}

function text(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number') return String(value);
  if (value instanceof Secret) return value.reveal();
  throw new Error(`expected text, got ${typeName(value)}`);
}

function list(value: unknown): unknown[] {
  if (Array.isArray(value)) return value;
  throw new Error(`expected a list, got ${typeName(value)}`);
}

function count(value: unknown, what: string): number {
  if (typeof value === 'number' && Number.isInteger(value) && value >= 0) return value;
  throw new Error(`${what} must be a whole number, got ${typeName(value)}`);
}

function ordered(a: unknown, b: unknown): number {
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  if (typeof a === 'string' && typeof b === 'string') return a < b ? -1 : a > b ? 1 : 0;
  throw new Error(`cannot order ${typeName(a)} and ${typeName(b)}`);
}

/** A registry filter that needs nothing of the render (no lookups, no other filters). */
function filter(name: string, input: unknown, args: unknown[] = []): unknown {
  const f = FILTERS.get(name)!;
  return f.fn(NO_CONTEXT, input, args, {});
}

const NO_CONTEXT = new Proxy({} as CallContext, {
  get: (_t, key) => {
    throw new Error(`the handlebars helper needs the render context (${String(key)})`);
  },
});

function cidr(value: unknown) {
  return parseCidr(text(value));
}

// Jinja's scheme names: in the two-argument form these mean a scheme, not a salt.
const SCHEMES = new Set(['sha512', 'sha256', 'md5', 'blowfish', 'bcrypt', 'des']);

function defined(value: unknown): unknown {
  if (value === undefined) throw new Error('got an undefined value');
  return value;
}

const specs: HelperSpec[] = [
  // {{default vpn_port 51820}} → vpn_port, or 51820 when undefined or null; a third `true` also replaces '' / false / 0.
  {
    name: 'default',
    minArgs: 2,
    maxArgs: 3,
    lenient: [0],
    fn: ([v, fallback, orFalsy]) => (v === undefined || v === null || (orFalsy === true && !isTruthy(v)) ? fallback : v),
  },
  // {{#if (defined vpn_cidr)}}…{{/if}}
  { name: 'defined', minArgs: 1, maxArgs: 1, lenient: [0], fn: ([v]) => v !== undefined },
  // {{join dns_servers ", "}} → "1.1.1.1, 9.9.9.9"
  { name: 'join', minArgs: 1, maxArgs: 2, fn: ([xs, sep]) => filter('join', list(xs), sep === undefined ? [] : [text(sep)]) },
  // {{env "HOME"}} → the controller's $HOME; {{env "EDITOR" "vi"}} with a fallback when unset
  {
    name: 'env',
    minArgs: 1,
    maxArgs: 2,
    fn: ([name, fallback]) => {
      const value = (renderState().site.env ?? process.env)[text(name)];
      if (value !== undefined) return value;
      if (fallback !== undefined) return fallback;
      throw new Error(`environment variable ${text(name)} is not set (give a fallback: {{env "${text(name)}" "value"}})`);
    },
  },
  // {{file "keys/deploy.pub"}} → that controller file's text, trailing newlines dropped
  {
    name: 'file',
    minArgs: 1,
    maxArgs: 1,
    fn: ([path]) => {
      const site = renderState().site;
      const full = resolve(site.baseDir ?? dirname(site.file), text(path));
      try {
        return readFileSync(full, 'utf8').replace(/(\r?\n)+$/, '');
      } catch (err) {
        throw new Error(`cannot read ${full}: ${(err as NodeJS.ErrnoException).code ?? String(err)}`);
      }
    },
  },
  // {{password_hash user_password "s4lt"}} → $6$s4lt$…; Jinja's order {{password_hash pw "sha512" "s4lt"}} works too.
  // Without a salt the hash changes on every run. rounds=N sets glibc's rounds (default 5000). The salt may also be
  // an existing $6$ hash, whose salt and rounds are reused (to check a password against /etc/shadow).
  {
    name: 'password_hash',
    minArgs: 1,
    maxArgs: 3,
    hashKeys: ['rounds'],
    fn: ([pw, a, b], hash) => {
      const scheme = (typeof a === 'string' && SCHEMES.has(a)) || b !== undefined ? text(a) : undefined;
      if (scheme !== undefined && scheme !== 'sha512') throw new Error(`only sha512 is supported, got "${scheme}"`);
      const salt = scheme === undefined ? a : b;
      const rounds = hash.rounds === undefined ? undefined : count(hash.rounds, 'rounds');
      return passwordHash(text(pw), { salt: salt === undefined ? undefined : text(salt), rounds });
    },
  },
  // {{to_json ports}} → [80,443]; {{to_json config 2}} indents by 2
  {
    name: 'to_json',
    minArgs: 1,
    maxArgs: 2,
    fn: ([v, indent]) => JSON.stringify(revealDeep(defined(v)), null, indent === undefined ? undefined : count(indent, 'indent')),
  },
  // {{to_yaml users}} → block YAML, without the final newline
  { name: 'to_yaml', minArgs: 1, maxArgs: 1, fn: ([v]) => yamlStringify(revealDeep(defined(v)), { lineWidth: 0 }).replace(/\n$/, '') },
  // {{network "10.1.2.3/16"}} → 10.1.0.0
  { name: 'network', minArgs: 1, maxArgs: 1, fn: ([v]) => networkAddress(cidr(v)) },
  // {{netmask "10.1.2.3/16"}} → 255.255.0.0
  { name: 'netmask', minArgs: 1, maxArgs: 1, fn: ([v]) => netmask(cidr(v)) },
  // {{cidr_size "10.1.0.0/16"}} → 65536
  { name: 'cidr_size', minArgs: 1, maxArgs: 1, fn: ([v]) => cidrSize(cidr(v)) },
  // {{upper "ab"}} → AB, {{lower "AB"}} → ab, {{trim " a "}} → a
  { name: 'upper', minArgs: 1, maxArgs: 1, fn: ([v]) => filter('upper', text(v)) },
  { name: 'lower', minArgs: 1, maxArgs: 1, fn: ([v]) => filter('lower', text(v)) },
  { name: 'trim', minArgs: 1, maxArgs: 1, fn: ([v]) => filter('trim', text(v)) },
  // {{replace hostname "." "-"}} → every "." replaced (plain text, not a regex)
  { name: 'replace', minArgs: 3, maxArgs: 3, fn: ([v, from, to]) => filter('replace', text(v), [text(from), text(to)]) },
  // {{indent (to_yaml x) 4}} → lines after the first indented by 4 (a third `true` indents the first too); blank lines stay empty
  {
    name: 'indent',
    minArgs: 1,
    maxArgs: 3,
    fn: ([v, width, first]) => filter('indent', text(v), [width === undefined ? 4 : count(width, 'width'), first === true]),
  },
  // {{length users}} → items of a list, keys of a map, characters of text
  {
    name: 'length',
    minArgs: 1,
    maxArgs: 1,
    fn: ([v]) => {
      if (typeof v !== 'string' && !Array.isArray(v) && !isPlainObject(v)) throw new Error(`expected text, a list or a map, got ${typeName(v)}`);
      return pyLen(v);
    },
  },
  // {{lookup hostvars host}} → hostvars[host]; undefined when missing, so (default (lookup m k) "x") works
  {
    name: 'lookup',
    minArgs: 2,
    maxArgs: 2,
    fn: ([obj, key]) => {
      if (obj === null || typeof obj !== 'object') throw new Error(`expected a map or a list, got ${typeName(obj)}`);
      const k = typeof key === 'number' ? String(key) : text(key);
      const desc = Object.getOwnPropertyDescriptor(obj, k);
      return desc && 'value' in desc && typeof desc.value !== 'function' ? desc.value : undefined;
    },
  },
  // {{default users (list)}} → []; {{#each (list "a" "b")}}…{{/each}}. Jinja's [] and ['a'] translate to these.
  { name: 'list', minArgs: 0, maxArgs: 64, fn: (xs) => xs.map(defined) },
  // {{to_json (dict name="web" port=80)}} → {"name":"web","port":80}; Jinja's {} translates to (dict)
  { name: 'dict', minArgs: 0, maxArgs: 0, hashKeys: 'any', fn: (_, hash) => Object.fromEntries(Object.entries(hash).reverse()) }, // handlebars fills hashes last key first
  // {{#if (eq os "debian")}} · ne · lt · le · gt · ge
  { name: 'eq', minArgs: 2, maxArgs: 2, fn: ([a, b]) => isEqual(a, b) },
  { name: 'ne', minArgs: 2, maxArgs: 2, fn: ([a, b]) => !isEqual(a, b) },
  { name: 'lt', minArgs: 2, maxArgs: 2, fn: ([a, b]) => ordered(a, b) < 0 },
  { name: 'le', minArgs: 2, maxArgs: 2, fn: ([a, b]) => ordered(a, b) <= 0 },
  { name: 'gt', minArgs: 2, maxArgs: 2, fn: ([a, b]) => ordered(a, b) > 0 },
  { name: 'ge', minArgs: 2, maxArgs: 2, fn: ([a, b]) => ordered(a, b) >= 0 },
  // {{#if (and wg_enabled (not (eq role "bastion")))}} · or · not — true/false by Python truthiness
  { name: 'and', minArgs: 2, maxArgs: 16, fn: (xs) => xs.every(isTruthy) },
  { name: 'or', minArgs: 2, maxArgs: 16, fn: (xs) => xs.some(isTruthy) },
  { name: 'not', minArgs: 1, maxArgs: 1, fn: ([v]) => !isTruthy(v) },
  // {{#if (contains groups "web")}}: list membership, substring of text, key of a map
  {
    name: 'contains',
    minArgs: 2,
    maxArgs: 2,
    fn: ([container, item]) => {
      if (!Array.isArray(container) && typeof container !== 'string' && !isPlainObject(container)) throw new Error(`expected a list, text or a map, got ${typeName(container)}`);
      return contains(container, typeof container === 'string' ? text(item) : item);
    },
  },
];

export const HELPERS: ReadonlyMap<string, HelperSpec> = new Map(specs.map((s) => [s.name, s]));
