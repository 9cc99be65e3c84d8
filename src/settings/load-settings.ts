// tsinfra's effective settings and where each came from: ANSIBLE_* environment over ansible.cfg over tsinfra's
// default. Command-line options win over all three: the commands use a setting only for an option not given. Types are read as Ansible's
// ensure_type reads them (lib/ansible/config/manager.py), paths in the cfg resolve against the cfg's directory.
import { readFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { HostKeyPolicy } from '../transport/transport.js';
import { findConfigFile, type ConfigFileSources } from './find-config-file.js';
import { iniValue, parseIniFile, type IniFile } from './ini-file.js';
import { IGNORED_KEYS, SETTING_DEFINITIONS, type SettingDefinition, type SettingName, type SettingValues } from './setting-definitions.js';
import { resolveSettingPath } from './setting-path.js';
import { parseSshArgs, type SshArgOptions } from './ssh-args.js';
import { settingsError } from './settings-error.js';

export type SettingOrigin = { kind: 'default' } | { kind: 'file'; file: string; line: number } | { kind: 'env'; variable: string };

export interface Settings extends Readonly<SettingValues> {
  configFile?: string;
  origins: Readonly<Record<SettingName, SettingOrigin>>;
  /** For stderr, always (e.g. the world-writable working directory). */
  warnings: string[];
  /** For stderr once at -v: keys and variables we do not read, and why. */
  notes: string[];
  ssh: SshArgOptions;
  /** The host-key policy the settings ask for; undefined leaves ours (strict, or ~/.ssh/config's). */
  hostKeyPolicy?: HostKeyPolicy;
  /** The connect timeout: ssh_args' ConnectTimeout, else `timeout`. */
  connectTimeoutSec: number;
  /** stdout_callback = json. */
  json: boolean;
  /** callbacks_enabled names profile_tasks: `play` prints the slowest tasks after the recap (as --profile). */
  profile: boolean;
  /** A play without gather_facts gathers unless gathering = explicit. */
  gatherFactsDefault: boolean;
}

export function originText(o: SettingOrigin): string {
  if (o.kind === 'file') return `${o.file}:${o.line}`;
  if (o.kind === 'env') return `env ${o.variable}`;
  return 'default';
}

const TRUE_WORDS = new Set(['y', 'yes', 'on', '1', 'true', 't']);

/** Python's ansible unquote: one pair of matching outer quotes goes. */
function unquote(s: string): string {
  return s.length > 1 && (s[0] === '"' || s[0] === "'") && s.at(-1) === s[0] && s.at(-2) !== '\\' ? s.slice(1, -1) : s;
}

type Convert = (raw: string, baseDir: string) => SettingValues[SettingName];

function converter(d: SettingDefinition, s: ConfigFileSources): Convert {
  const path = (p: string, baseDir: string) => resolveSettingPath(p, { baseDir, env: s.env, home: s.home, cwd: s.cwd });
  switch (d.type) {
    case 'bool': // Ansible's boolean(strict=False): anything not true-ish is false
      return (raw) => TRUE_WORDS.has(raw.trim().toLowerCase());
    case 'int':
      return (raw) => {
        if (!/^\s*[+-]?\d+(_\d+)*\s*$/.test(raw)) throw new Error(`expected a whole number, got ${JSON.stringify(raw)}`);
        return Number(raw.trim().replaceAll('_', ''));
      };
    case 'list':
      return (raw) => raw.split(',').map((x) => unquote(x.trim()));
    case 'path':
      return (raw, baseDir) => path(raw, baseDir);
    case 'pathlist':
      return (raw, baseDir) => raw.split(',').map((x) => path(x.trim(), baseDir));
    case 'pathspec':
      return (raw, baseDir) => raw.split(':').map((x) => path(x, baseDir));
    case 'string':
      return (raw) => unquote(raw);
  }
}

interface Resolved {
  value: SettingValues[SettingName];
  origin: SettingOrigin;
}

function resolveOne(d: SettingDefinition, ini: IniFile | undefined, s: ConfigFileSources): Resolved {
  // Within a source the last entry found wins (Ansible's _loop_entries).
  let raw: string | undefined;
  let origin: SettingOrigin = { kind: 'default' };
  for (const variable of d.env) {
    const v = s.env[variable];
    if (v !== undefined) [raw, origin] = [v, { kind: 'env', variable }];
  }
  if (raw === undefined && ini) {
    for (const { section, key } of d.ini) {
      const entry = iniValue(ini, section, key);
      if (entry) [raw, origin] = [entry.value, { kind: 'file', file: ini.file, line: entry.line }];
    }
  }
  if (raw === undefined) return { value: d.default, origin };
  const baseDir = origin.kind === 'file' ? dirname(origin.file) : s.cwd;
  let value: SettingValues[SettingName];
  try {
    value = converter(d, s)(raw, baseDir);
  } catch (err) {
    // An empty variable of a non-string type means "unset", as in Ansible.
    if (origin.kind === 'env' && raw === '') return { value: d.default, origin: { kind: 'default' } };
    return fail(d, origin, (err as Error).message);
  }
  if (d.choices && typeof value === 'string' && !d.choices.includes(value)) {
    return fail(d, origin, `expected one of ${d.choices.join(', ')}, got ${JSON.stringify(value)}`);
  }
  return { value, origin };
}

function fail(d: SettingDefinition, origin: SettingOrigin, message: string): never {
  const key = d.ini.at(-1)!.key;
  if (origin.kind === 'file') throw settingsError({ file: origin.file, line: origin.line, column: 1 }, `${key}: ${message}`);
  throw settingsError(undefined, `${originText(origin).replace(/^env /, '')}: ${message}`);
}

/** Keys of the cfg and ANSIBLE_* variables we do not read, said once at -v. */
function notesAbout(ini: IniFile | undefined, env: Record<string, string | undefined>): string[] {
  const known = new Set(SETTING_DEFINITIONS.flatMap((d) => d.ini.map((e) => `${e.section}\0${e.key}`)));
  const knownEnv = new Set(['ANSIBLE_CONFIG', ...SETTING_DEFINITIONS.flatMap((d) => d.env)]);
  const ignored: string[] = [];
  const unknown: string[] = [];
  const sections = ini ? [...ini.sections, ['DEFAULT', ini.defaults] as const] : [];
  for (const [section, entries] of sections) {
    for (const [key, entry] of entries) {
      if (known.has(`${section}\0${key}`)) continue;
      const where = `[${section}] ${key} (${ini!.file}:${entry.line})`;
      if (IGNORED_KEYS[key]) ignored.push(`${where}: ${IGNORED_KEYS[key]}`);
      else unknown.push(where);
    }
  }
  for (const variable of Object.keys(env).sort()) {
    if (!variable.startsWith('ANSIBLE_') || knownEnv.has(variable)) continue;
    const key = variable.slice('ANSIBLE_'.length).toLowerCase().replace(/^ssh_/, '');
    if (IGNORED_KEYS[key]) ignored.push(`${variable}: ${IGNORED_KEYS[key]}`);
    else unknown.push(variable);
  }
  const notes = ignored.map((i) => `not honoured: ${i}`);
  if (unknown.length > 0) notes.push(`settings tsinfra does not read: ${unknown.join(', ')}`);
  return notes;
}

export function loadSettings(s: ConfigFileSources): Settings {
  const found = findConfigFile(s);
  let ini: IniFile | undefined;
  if (found.file) {
    let text: string;
    try {
      text = readFileSync(found.file, 'utf8');
    } catch (err) {
      throw settingsError({ file: found.file }, `cannot read: ${(err as NodeJS.ErrnoException).code ?? err}`);
    }
    ini = parseIniFile(text, found.file);
  }
  const values: Partial<Record<SettingName, unknown>> = {};
  const origins: Partial<Record<SettingName, SettingOrigin>> = {};
  for (const d of SETTING_DEFINITIONS) {
    const r = resolveOne(d, ini, s);
    values[d.name] = r.value;
    origins[d.name] = r.origin;
  }
  const v = values as SettingValues;
  const warnings = [...found.warnings];
  if (v.becomeMethod !== 'sudo') {
    warnings.push(`become_method ${JSON.stringify(v.becomeMethod)} (${originText(origins.becomeMethod!)}): tsinfra becomes with sudo only, and uses sudo`);
  }
  const ssh = parseSshArgs(v.sshArgs);
  const notes = notesAbout(ini, s.env);
  if (ssh.ignored.length > 0) notes.push(`ssh_args options tsinfra does not use: ${ssh.ignored.join(' ')}`);
  for (const p of ssh.problems) warnings.push(`ssh_args (${originText(origins.sshArgs!)}): ${p}; ignored`);
  if (v.hostKeyChecking === false && !ssh.hostKeyPolicy) {
    notes.push(`host_key_checking = False (${originText(origins.hostKeyChecking!)}): host-key policy accept-new — unknown keys are recorded, changed keys are still refused (--host-key-policy off to skip checking)`);
  }
  const callbacks = v.callbacksEnabled.map((c) => c.replace(/^ansible\.posix\./, ''));
  return {
    ...v,
    configFile: found.file,
    origins: origins as Record<SettingName, SettingOrigin>,
    warnings,
    notes,
    ssh,
    hostKeyPolicy: ssh.hostKeyPolicy ?? (v.hostKeyChecking === false ? 'accept-new' : undefined),
    connectTimeoutSec: ssh.connectTimeoutSec ?? v.timeout,
    json: ['json', 'ansible.posix.json'].includes(v.stdoutCallback),
    profile: callbacks.includes('profile_tasks'),
    gatherFactsDefault: v.gathering !== 'explicit',
  };
}
