// requirements.yml as ansible-galaxy reads it (cli/galaxy.py _parse_requirements_file and
// playbook/role/requirement.py role_yaml_parse): a list of roles, or `{roles: [...], collections: [...]}`; each role a
// string `src[,version[,name]]` or a mapping with src/scm/version/name.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { ConfigError, type SourcePosition } from '../errors.js';
import { readYamlFile, type YamlSource } from '../config/yaml-source.js';

export interface RoleRequirement {
  name: string;
  src: string;
  /** 'git', or undefined for a tarball or a local path. */
  scm?: string;
  /** '' when not given (ansible-galaxy writes it so into .galaxy_install_info). */
  version: string;
  at: SourcePosition;
}

export interface Requirements {
  roles: RoleRequirement[];
  /** How many collections the file lists: we do not install them. */
  collections: number;
}

/** The name ansible-galaxy derives from a src (RoleRequirement.repo_url_to_role_name). */
export function roleNameFromSrc(src: string): string {
  if (!src.includes('://') && !src.includes('@')) return src;
  let tail = src.split('/').at(-1)!;
  if (tail.endsWith('.git')) tail = tail.slice(0, -4);
  if (tail.endsWith('.tar.gz')) tail = tail.slice(0, -7);
  return tail.split(',')[0]!;
}

/** `scm+src` splits into its scm and src, and github https URLs are git, as role_yaml_parse does. */
function splitScm(src: string): { scm?: string; src: string } {
  if (src.includes('github.com') && src.includes('http') && !src.includes('+') && !src.endsWith('.tar.gz')) src = `git+${src}`;
  const plus = src.indexOf('+');
  return plus < 0 ? { src } : { scm: src.slice(0, plus), src: src.slice(plus + 1) };
}

function fromString(line: string, at: SourcePosition): RoleRequirement {
  const parts = line.trim().split(',');
  if (parts.length > 3) throw new ConfigError(at, `invalid role line "${line}": expected src[,version[,name]]`);
  const [raw, version = '', given] = parts as [string, string?, string?];
  const name = given ?? roleNameFromSrc(raw);
  return { name, ...splitScm(raw), version, at };
}

function fromMapping(src: YamlSource, path: (string | number)[], entry: Record<string, unknown>): RoleRequirement {
  const at = src.positionOf(path);
  for (const key of Object.keys(entry)) {
    if (key === 'include') throw src.errorAt([...path, key], '"include:" of another requirements file is not supported', { key: true, hint: 'list its roles in this file' });
  }
  const text = (key: string): string | undefined => {
    const v = entry[key];
    if (v === undefined || v === null) return undefined;
    if (typeof v === 'string') return v;
    // `version: 1.0` is a float to YAML: keep it as written, not as "1"
    if (typeof v === 'number') return (src.nodeAt([...path, key]) as { source?: string } | undefined)?.source ?? String(v);
    throw src.errorAt([...path, key], `expected a string for "${key}"`);
  };
  // name, role, scm, src and version are read; other keys are dropped, as role_yaml_parse drops them
  const roleName = text('role');
  if (roleName?.includes(',')) throw src.errorAt([...path, 'role'], `invalid old style role requirement: ${roleName}`);
  const given = text('src') ?? text('name') ?? roleName;
  if (given === undefined) throw new ConfigError(at, 'a role needs "src:" (a git URL, a tarball or a local path)');
  const split = splitScm(given);
  const scm = split.scm ?? text('scm'); // `git+URL` wins over scm:, as in role_yaml_parse
  const name = text('name') ?? roleName ?? roleNameFromSrc(split.src);
  return { name, src: split.src, scm, version: text('version') ?? '', at };
}

/** The roles of a list; `keep` drops some before their names are checked. */
function rolesOf(src: YamlSource, path: (string | number)[], list: unknown, keep: (r: RoleRequirement) => boolean = () => true): RoleRequirement[] {
  if (list === null || list === undefined) return [];
  if (!Array.isArray(list)) throw src.errorAt(path, 'expected a list of roles');
  return list.flatMap((item, i) => {
    const at = src.positionOf([...path, i]);
    let role: RoleRequirement;
    if (typeof item === 'string') role = fromString(item, at);
    else if (item && typeof item === 'object' && !Array.isArray(item)) role = fromMapping(src, [...path, i], item as Record<string, unknown>);
    else throw src.errorAt([...path, i], 'expected a role: a string "src[,version[,name]]" or a mapping with "src:"');
    if (!keep(role)) return [];
    // the name becomes ROLES_PATH/NAME: a path would install outside roles_path (a local path src needs name:)
    if (role.name.includes('/') || role.name === '..' || role.name === '.' || role.name === '') {
      throw new ConfigError(at, `role name "${role.name}" is not a directory name`, { hint: 'give the role a "name:"' });
    }
    return [role];
  });
}

/**
 * What an installed role asks ansible-galaxy to install too: its meta/main.yml `dependencies` and its
 * meta/requirements.yml, parsed like requirements.yml. A dependency with no "." in its name or src and no scm is left
 * out, as ansible-galaxy leaves it (a role expected in roles_path, not something to fetch).
 */
export async function roleDependencies(roleDir: string): Promise<RoleRequirement[]> {
  const fetchable = (r: RoleRequirement) => r.name.includes('.') || r.src.includes('.') || r.scm !== undefined;
  const out: RoleRequirement[] = [];
  const meta = ['meta/main.yml', 'meta/main.yaml'].map((f) => join(roleDir, f)).find((f) => existsSync(f));
  if (meta) {
    const src = await readYamlFile(meta);
    const deps = src.value && typeof src.value === 'object' ? (src.value as Record<string, unknown>).dependencies : undefined;
    out.push(...rolesOf(src, ['dependencies'], deps ?? [], fetchable));
  }
  const requirements = ['meta/requirements.yml', 'meta/requirements.yaml'].map((f) => join(roleDir, f)).find((f) => existsSync(f));
  if (requirements) {
    const src = await readYamlFile(requirements);
    out.push(...rolesOf(src, [], src.value ?? [], fetchable));
  }
  return out;
}

export async function readRequirements(file: string): Promise<Requirements> {
  if (!/\.ya?ml$/.test(file)) throw new ConfigError({ file }, 'invalid role requirements file: it must end with .yml or .yaml');
  const src = await readYamlFile(file);
  const value = src.value;
  if (value === null || value === undefined) throw new ConfigError({ file }, 'no requirements found in the file');
  if (Array.isArray(value)) return { roles: rolesOf(src, [], value), collections: 0 };
  if (typeof value !== 'object') throw src.errorAt([], 'expected a list of roles, or a mapping with "roles:" and "collections:"');
  const top = value as Record<string, unknown>;
  for (const key of Object.keys(top)) {
    if (key !== 'roles' && key !== 'collections') throw src.errorAt([key], `unknown key "${key}": expected "roles" or "collections"`, { key: true });
  }
  const collections = top.collections;
  if (collections !== undefined && collections !== null && !Array.isArray(collections)) throw src.errorAt(['collections'], 'expected a list of collections');
  return { roles: rolesOf(src, ['roles'], top.roles), collections: Array.isArray(collections) ? collections.length : 0 };
}
