// name → module, and argument validation with messages people can act on. Each args schema is compiled once,
// when this file loads.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import type { TObject, TSchema } from '@sinclair/typebox';
import type { AnyModule, ArgProblem } from './define.js';
import { apt } from './apt.js';
import { aptRepository } from './apt-repository.js';
import { aptKey } from './apt-key.js';
import { debconf } from './debconf.js';
import { getUrl } from './get-url.js';
import { mount } from './mount.js';
import { script } from './script.js';
import { packageModule } from './package.js';
import { setup } from './setup.js';
import { ping } from './ping.js';
import { stat } from './stat.js';
import { systemd, systemdService } from './systemd.js';
import { assert } from './assert.js';
import { authorizedKey } from './authorized-key.js';
import { blockinfile } from './blockinfile.js';
import { clusterApply } from './cluster-apply.js';
import { clusterHostsModule } from './cluster-hosts.js';
import { command } from './command.js';
import { configFile } from './config-file.js';
import { copy } from './copy.js';
import { debug } from './debug.js';
import { fail as failModule } from './fail.js';
import { file } from './file.js';
import { firewall } from './firewall/firewall.js';
import { hostname } from './hostname.js';
import { includeVars } from './include-vars.js';
import { iptables } from './iptables/iptables.js';
import { lineinfile } from './lineinfile.js';
import { rawModule } from './raw.js';
import { service } from './service.js';
import { setFact } from './set-fact.js';
import { shell } from './shell.js';
import { sysctl } from './sysctl.js';
import { template } from './template.js';
import { user } from './user.js';
import { waitFor } from './wait-for.js';
import { waitForConnection } from './wait-for-connection.js';
import { uri } from './uri/uri.js';
import { addHost, groupBy } from './add-host.js';
import { zerotier } from './zerotier/zerotier.js';
import { assemble } from './assemble.js';
import { cron } from './cron.js';
import { fetch } from './fetch.js';
import { find } from './find.js';
import { getent } from './getent.js';
import { group } from './group.js';
import { knownHosts } from './known-hosts.js';
import { replace } from './replace.js';
import { slurp } from './slurp.js';
import { tempfile } from './tempfile.js';
import { unarchive } from './unarchive.js';
import { alternatives } from './alternatives.js';
import { at } from './at.js';
import { capabilities } from './capabilities.js';
import { iniFile } from './ini-file.js';
import { localeGen } from './locale-gen.js';
import { modprobe } from './modprobe.js';
import { pamLimits } from './pam-limits.js';
import { patch } from './patch.js';
import { timezone } from './timezone.js';
import { serviceFacts } from './service-facts.js';
import { packageFacts } from './package-facts.js';
import { pause } from './pause.js';
import { git } from './git.js';
import { archive } from './archive.js';
import { make } from './make.js';
import { filesystem } from './filesystem.js';
import { pip } from './pip.js';
import { ufw } from './ufw/ufw.js';
import { reboot } from './reboot.js';
import { synchronize } from './synchronize.js';
import { asyncStatus } from './async-status.js';
import { ownValue } from '../own-keys.js';
import { parseKeyValueArgs } from './lib/key-value-args.js';

export const MODULES: readonly AnyModule[] = [
  apt,
  asyncStatus,
  aptRepository,
  aptKey,
  debconf,
  getUrl,
  mount,
  script,
  packageModule,
  setup,
  ping,
  stat,
  systemd,
  systemdService,
  assert,
  authorizedKey,
  blockinfile,
  clusterApply,
  clusterHostsModule,
  command,
  configFile,
  copy,
  debug,
  failModule,
  file,
  firewall,
  hostname,
  includeVars,
  iptables,
  lineinfile,
  rawModule,
  service,
  setFact,
  shell,
  sysctl,
  template,
  user,
  waitFor,
  waitForConnection,
  uri,
  addHost,
  groupBy,
  zerotier,
  assemble,
  cron,
  fetch,
  find,
  getent,
  group,
  knownHosts,
  replace,
  slurp,
  tempfile,
  unarchive,
  alternatives,
  at,
  capabilities,
  iniFile,
  localeGen,
  modprobe,
  pamLimits,
  patch,
  timezone,
  serviceFacts,
  packageFacts,
  pause,
  git,
  archive,
  make,
  filesystem,
  pip,
  reboot,
  synchronize,
  ufw,
] as AnyModule[];

// No meta-schema (validateSchema, meta off): the schemas are ours (TypeBox, checked by the registry tests), and
// compiling the meta-schema to check them cost every run ~30 ms.
const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: true, allowUnionTypes: true, verbose: true, validateSchema: false, meta: false });
ajv.addKeyword({ keyword: 'x-expected', schemaType: 'string' });
ajv.addKeyword({ keyword: 'x-octal-mode', schemaType: 'boolean' });

// Schemas compile on first use: a run pays only for the modules its playbook uses (ajv code is ~0.5 MB each).
class Entry {
  #validate?: ValidateFunction;
  constructor(readonly module: AnyModule) {}
  get validate(): ValidateFunction {
    return (this.#validate ??= ajv.compile(this.module.args));
  }
}

const registry = new Map<string, Entry>(MODULES.map((m) => [m.name, new Entry(m)]));

export function getModule(name: string): AnyModule | undefined {
  return registry.get(name)?.module;
}

/** The module names, sorted. */
export function moduleNames(): string[] {
  return [...registry.keys()].sort();
}

/** name → the args JSON Schema (plain JSON, for the editor schema file). */
export function moduleSchemas(): Record<string, Record<string, unknown>> {
  return Object.fromEntries(moduleNames().map((n) => [n, JSON.parse(JSON.stringify(registry.get(n)!.module.args))]));
}

export type ValidateResult<A = Record<string, unknown>> = { ok: true; args: A } | { ok: false; problems: ArgProblem[] };

/**
 * Validated args by module and input (JSON): fifty hosts rendering a task to the same args validate it once. The
 * args are deep-frozen, so the hosts that share them cannot change them under each other, and their identity can
 * key further memos (module-runner's probe scripts).
 */
const validated = new Map<string, ValidateResult>();
const VALIDATED_MAX = 4096;

/**
 * Check and normalise a task's raw module arguments (whatever YAML gave: object, free-form string, null).
 * On success `args` has defaults filled in, aliases renamed and Ansible-style scalars (`yes`, `"8080"`) converted
 * to the schema's types; for plain-data input it is frozen and shared with every equal input.
 */
export function validateArgs(moduleName: string, rawArgs: unknown): ValidateResult {
  const key = plainKey(moduleName, rawArgs);
  if (key === undefined) return validateFresh(moduleName, rawArgs);
  let result = validated.get(key);
  if (result) return result;
  result = validateFresh(moduleName, rawArgs);
  if (result.ok) deepFreeze(result.args);
  if (validated.size >= VALIDATED_MAX) validated.clear();
  validated.set(key, result);
  return result;
}

/** A key for plain data only (objects, arrays, strings, numbers, booleans, null); undefined for anything else. */
function plainKey(moduleName: string, value: unknown): string | undefined {
  try {
    return `${moduleName}\0${JSON.stringify(value, (_k, v: unknown) => {
      if (v === undefined || typeof v === 'function' || typeof v === 'bigint' || typeof v === 'symbol' || (typeof v === 'number' && !Number.isFinite(v))) throw NOT_PLAIN;
      if (typeof v === 'object' && v !== null && !Array.isArray(v) && Object.getPrototypeOf(v) !== Object.prototype && Object.getPrototypeOf(v) !== null) throw NOT_PLAIN;
      return v;
    })}`;
  } catch {
    return undefined;
  }
}
const NOT_PLAIN = new Error('not plain data');

/**
 * A copy of the maps and lists in `v` (the module may fill in defaults without touching the caller's data). Not
 * structuredClone: that refuses views such as `hostvars` and strips the class off values such as secrets.
 */
function copyData(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(copyData);
  if (typeof v === 'object' && v !== null && (Object.getPrototypeOf(v) === Object.prototype || Object.getPrototypeOf(v) === null)) {
    return Object.fromEntries(Object.keys(v).map((k) => [k, copyData((v as Record<string, unknown>)[k])]));
  }
  return v;
}

function deepFreeze<T>(v: T): T {
  if (typeof v === 'object' && v !== null && !Object.isFrozen(v)) {
    Object.freeze(v);
    for (const x of Object.values(v)) deepFreeze(x);
  }
  return v;
}

function validateFresh(moduleName: string, rawArgs: unknown): ValidateResult {
  const entry = registry.get(moduleName);
  if (!entry) {
    const near = closest(moduleName, moduleNames());
    return invalid([{ path: '', message: `unknown module '${moduleName}'${near ? ` (did you mean '${near}'?)` : ''}` }]);
  }
  const { module: mod, validate } = entry;
  let input: unknown = rawArgs === null || rawArgs === undefined ? {} : rawArgs;
  if (mod.normalize) input = mod.normalize(input);
  if (input === null || input === undefined) input = {};
  if (typeof input === 'string') {
    // Ansible's k=v form (`copy: src=a dest=/b`); a module with a free form of its own normalized it above
    try {
      input = parseKeyValueArgs(input);
    } catch (err) {
      return invalid([{ path: '', message: `${mod.name}: ${(err as Error).message}` }]);
    }
    const rest = (input as Record<string, unknown>)._raw_params;
    if (rest !== undefined) return invalid([{ path: '', message: `${mod.name}: expected name=value arguments, got ${JSON.stringify(rest)}` }]);
  }
  if (typeof input !== 'object' || Array.isArray(input)) {
    return invalid([{ path: '', message: `${mod.name}: arguments must be a mapping of names to values, got ${describeValue(input)}` }]);
  }
  const args = copyData(input) as Record<string, unknown>;
  const early: ArgProblem[] = [];
  for (const [alias, canonical] of Object.entries(mod.aliases ?? {})) {
    if (!(alias in args)) continue;
    if (canonical in args) early.push({ path: `/${alias}`, message: `${mod.name}: give either ${canonical} or ${alias}, not both` });
    else args[canonical] = args[alias];
    delete args[alias];
  }
  early.push(...coerceScalars(mod.name, mod.args, args));
  if (!validate(args) || early.length > 0) {
    const covered = new Set(early.map((p) => p.path));
    return invalid([...early, ...problemsFrom(mod, validate.errors ?? []).filter((p) => !covered.has(p.path))]);
  }
  const refined = mod.refine?.(args as never) ?? [];
  return refined.length > 0 ? invalid(refined) : { ok: true, args };
}

function invalid(problems: ArgProblem[]): ValidateResult {
  return { ok: false, problems };
}

// ---- Ansible-style scalars ----------------------------------------------------------------------------------

const TRUE = new Set(['yes', 'on', 'true', 'y', '1']);
const FALSE = new Set(['no', 'off', 'false', 'n', '0']);

function schemaTypes(s: TSchema | undefined): string[] {
  if (!s) return [];
  if (typeof s.type === 'string') return [s.type];
  if (Array.isArray(s.type)) return s.type as string[];
  if (Array.isArray(s.anyOf)) return (s.anyOf as TSchema[]).flatMap(schemaTypes);
  return [];
}

/** The mode a number was meant as: its own digits when they are octal (644 → "0644"), else its octal value (493 → "0755"). */
function quotedMode(value: number): string {
  const digits = /^[0-7]{1,4}$/.test(String(value)) ? String(value) : value.toString(8);
  return digits.length < 4 ? digits.padStart(4, '0') : digits;
}

/**
 * Top-level scalars in the types Ansible would accept: `yes`/`no` for booleans, numeric strings for numbers
 * (templates render to strings), numbers for strings. A number for an octal mode is refused: that is YAML's
 * 0644 → 644 trap, and guessing would be wrong.
 */
function coerceScalars(moduleName: string, schema: TObject, args: Record<string, unknown>): ArgProblem[] {
  const problems: ArgProblem[] = [];
  for (const [key, value] of Object.entries(args)) {
    const prop = ownValue(schema.properties, key) as TSchema | undefined;
    if (!prop) continue;
    const types = schemaTypes(prop);
    if (typeof value === 'number' && prop['x-octal-mode']) {
      problems.push({
        path: `/${key}`,
        message: `${moduleName}.${key} must be a quoted string: write ${key}: "${quotedMode(value)}" (unquoted, YAML reads it as the number ${value})`,
      });
    } else if (typeof value === 'string' && types.includes('boolean') && !types.includes('string')) {
      const v = value.trim().toLowerCase();
      if (TRUE.has(v)) args[key] = true;
      else if (FALSE.has(v)) args[key] = false;
    } else if (typeof value === 'string' && (types.includes('integer') || types.includes('number')) && !types.includes('string')) {
      if (/^\s*-?[0-9]+(\.[0-9]+)?\s*$/.test(value)) args[key] = Number(value);
    } else if ((typeof value === 'number' || typeof value === 'boolean') && types.includes('string') && !types.includes(typeof value)) {
      args[key] = String(value);
    } else if (typeof value === 'string' && types.includes('array') && !types.includes('string')) {
      args[key] = value.split(',').map((s) => s.trim()); // Ansible's list type reads "a,b" as ['a', 'b'], "a" as ['a']
    }
  }
  return problems;
}

// ---- ajv errors → sentences ---------------------------------------------------------------------------------

function label(moduleName: string, pointer: string): string {
  let out = moduleName;
  for (const seg of pointer.split('/').slice(1)) {
    const s = seg.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^[0-9]+$/.test(s) ? `[${s}]` : `.${s}`;
  }
  return out;
}

function article(type: string): string {
  const names: Record<string, string> = {
    string: 'a string',
    boolean: 'a boolean (true or false)',
    integer: 'a whole number',
    number: 'a number',
    array: 'a list',
    object: 'a mapping',
    null: 'null',
  };
  return names[type] ?? type;
}

function describeValue(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'a mapping' : `the ${typeof v} ${JSON.stringify(v)}`;
}

function problemsFrom(mod: AnyModule, errors: ErrorObject[]): ArgProblem[] {
  const unions = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf').map((e) => e.schemaPath);
  const out: ArgProblem[] = [];
  const seen = new Set<string>();
  // Unknown keys first: they usually explain the rest. A missing key that a misspelt one was meant to be
  // ("pth" → did you mean "path") is not reported twice.
  const ordered = [...errors].sort((a, b) => Number(b.keyword === 'additionalProperties') - Number(a.keyword === 'additionalProperties'));
  const meant = new Set<string>();
  for (const e of ordered) {
    if (unions.some((u) => e.schemaPath !== u && e.schemaPath.startsWith(u + '/'))) continue;
    const p = problemFrom(mod, e);
    if (e.keyword === 'required' && meant.has(p.path)) continue;
    const near = /\(did you mean '([^']+)'\?\)$/.exec(p.message);
    if (e.keyword === 'additionalProperties' && near) meant.add(`${e.instancePath}/${near[1]}`);
    const key = `${p.path}\0${p.message}`;
    if (!seen.has(key)) {
      seen.add(key);
      out.push(p);
    }
  }
  return out;
}

function problemFrom(mod: AnyModule, e: ErrorObject): ArgProblem {
  const params = e.params as Record<string, unknown>;
  const parent = (e.parentSchema ?? {}) as Record<string, unknown>;
  const path = e.instancePath;
  const what = label(mod.name, path);
  switch (e.keyword) {
    case 'required': {
      const p = `${path}/${String(params.missingProperty)}`;
      return { path: p, message: `${label(mod.name, p)} is required` };
    }
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      const known = Object.keys((parent.properties ?? {}) as object);
      if (path === '') known.push(...Object.keys(mod.aliases ?? {}));
      const near = closest(key, known);
      const where = path === '' ? `${mod.name}: unknown argument` : `${what}: unknown key`;
      return { path: `${path}/${key}`, message: `${where} '${key}'${near ? ` (did you mean '${near}'?)` : ''}` };
    }
    case 'enum':
      return { path, message: `${what} must be one of ${(params.allowedValues as unknown[]).join(', ')}` };
    case 'type':
      return { path, message: `${what} must be ${String(params.type).split(',').map(article).join(' or ')}, got ${describeValue(e.data)}` };
    case 'pattern':
      return { path, message: `${what} must be ${(parent['x-expected'] as string | undefined) ?? `text matching ${String(params.pattern)}`}` };
    case 'minLength':
      return { path, message: params.limit === 1 ? `${what} must not be empty` : `${what} must be at least ${params.limit} characters` };
    case 'maxLength':
      return { path, message: `${what} must be at most ${params.limit} characters` };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return { path, message: `${what} must be ${params.comparison} ${params.limit}` };
    case 'minItems':
      return { path, message: `${what} must have at least ${params.limit} item${params.limit === 1 ? '' : 's'}` };
    case 'anyOf':
    case 'oneOf': {
      const expected = parent['x-expected'] as string | undefined;
      const branches = ((parent[e.keyword] ?? []) as TSchema[]).flatMap(schemaTypes).map(article);
      return { path, message: `${what} must be ${expected ?? [...new Set(branches)].join(' or ')}, got ${describeValue(e.data)}` };
    }
    default:
      return { path, message: `${what} ${e.message ?? 'is invalid'}` };
  }
}

// ---- did you mean -------------------------------------------------------------------------------------------

/** The candidate within Levenshtein distance 2 (the nearest; ties go to the first listed), if any. */
export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = 3;
  for (const c of candidates) {
    const d = levenshtein(word, c);
    if (d < bestDistance) {
      best = c;
      bestDistance = d;
    }
  }
  return best;
}

export function levenshtein(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + cost);
    }
    prev = cur;
  }
  return prev[b.length]!;
}
