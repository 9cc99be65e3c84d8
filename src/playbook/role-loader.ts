// Finding a role and reading its parts: defaults/main, vars/main (a file or a directory), meta/main (dependencies, allow_duplicates).
// Its tasks and handlers are expanded by expandRole (task-loader.ts). A role directory is read once per load.
import { readdirSync } from 'node:fs';
import { basename, dirname, extname, isAbsolute, join, resolve } from 'node:path';
import type { ParsedNode } from 'yaml';
import { describeNode, type YamlSource } from '../config/yaml-source.js';
import { checkValue, type Site } from './check-value.js';
import { suggestion } from '../text/did-you-mean.js';
import { RoleMetaKeywords, Vars } from './keywords.js';
import { isDirectory, isFile, type LoadContext } from './load-context.js';
import type { RolePlan } from './playbook-plan.js';
import { deref, isNull, mapEntries, seqItems, valueOf } from './yaml-nodes.js';
import { ownValue } from '../own-keys.js';

export interface LoadedRole {
  plan: RolePlan;
  /** meta/main's dependencies, as YAML nodes in their file. */
  dependencies: { source: YamlSource; nodes: (ParsedNode | null)[] } | undefined;
}

const EXTENSIONS = ['.yaml', '.yml', ''];

/**
 * `<dir>/<base>` with .yaml, .yml or no extension (a base that has an extension is taken as is). When both
 * .yaml and .yml exist, .yaml wins and a warning says so.
 */
export function findVariant(ctx: LoadContext, dir: string, base: string): string | undefined {
  const exts = /\.(ya?ml|json)$/.test(base) ? [''] : EXTENSIONS;
  const found = exts.map((ext) => join(dir, base + ext)).filter(isFile);
  if (found.length > 1 && found[0]!.endsWith('.yaml') && found[1]!.endsWith('.yml')) {
    ctx.problems.warn({ file: found[1]! }, `ignored: ${ctx.display(found[0]!)} is used instead`);
  }
  return found[0];
}

/** Where a role name is looked up, in order: beside the playbook, the project's roles/, then rolesPath. */
export function roleCandidates(ctx: LoadContext, playbookDir: string, name: string): string[] {
  if (name.includes('/') || isAbsolute(name)) return [resolve(playbookDir, name)];
  const dirs = [join(playbookDir, 'roles'), join(ctx.projectDir, 'roles'), ...ctx.rolesPath.map((p) => resolve(ctx.projectDir, p))];
  return [...new Set(dirs.map((d) => resolve(d, name)))];
}

export function findRole(ctx: LoadContext, playbookDir: string, name: string): { dir?: string; looked: string[] } {
  const looked = roleCandidates(ctx, playbookDir, name);
  return { dir: looked.find(isDirectory), looked };
}

/** ` (did you mean "x"?)` when a role directory where `name` was looked for has a close name, else ''. */
export function roleSuggestion(looked: string[], name: string): string {
  const near = new Set<string>();
  for (const dir of new Set(looked.map((l) => dirname(l)))) {
    try {
      for (const e of readdirSync(dir, { withFileTypes: true })) if (e.isDirectory()) near.add(e.name);
    } catch {
      /* a roles directory that does not exist has nothing near */
    }
  }
  return suggestion(basename(name), near);
}

const loaded = new WeakMap<LoadContext, Map<string, Promise<LoadedRole>>>();

/** Read a role's defaults, vars and meta once per load. */
export function loadRole(ctx: LoadContext, dir: string, name: string): Promise<LoadedRole> {
  let cache = loaded.get(ctx);
  if (!cache) {
    cache = new Map();
    loaded.set(ctx, cache);
  }
  let pending = cache.get(dir);
  if (!pending) {
    pending = readRole(ctx, dir, name);
    cache.set(dir, pending);
  }
  return pending;
}

function roleKey(ctx: LoadContext, dir: string, name: string): string {
  const taken = [...ctx.roles.values()].some((r) => r.key === name && r.dir !== dir);
  return taken ? ctx.display(dir) : name;
}

async function readRole(ctx: LoadContext, dir: string, name: string): Promise<LoadedRole> {
  const roleName = basename(name);
  const plan: RolePlan = {
    key: roleKey(ctx, dir, roleName),
    name: roleName,
    dir,
    tasksDir: join(dir, 'tasks'),
    handlersDir: join(dir, 'handlers'),
    filesDir: join(dir, 'files'),
    templatesDir: join(dir, 'templates'),
    defaults: {},
    vars: {},
    dependencies: [],
    allowDuplicates: false,
  };
  ctx.roles.set(dir, plan);
  const defaults = await readRoleVars(ctx, join(dir, 'defaults'), `role "${roleName}" defaults`);
  if (defaults.file) plan.defaultsFile = defaults.file;
  plan.defaults = defaults.vars;
  const vars = await readRoleVars(ctx, join(dir, 'vars'), `role "${roleName}" vars`);
  if (vars.file) plan.varsFile = vars.file;
  plan.vars = vars.vars;
  let dependencies: LoadedRole['dependencies'];
  const metaFile = findVariant(ctx, join(dir, 'meta'), 'main');
  if (metaFile) {
    const source = await ctx.readYaml(metaFile);
    if (source) dependencies = readMeta(ctx, source, plan);
  }
  return { plan, dependencies };
}

/**
 * A role's defaults or vars: `main.yaml`/`main.yml`, else (as Ansible does) every file of a `main/` directory, merged
 * in sorted order with the later file winning. `file` is the main file, or the directory.
 */
async function readRoleVars(ctx: LoadContext, dir: string, what: string): Promise<{ file?: string; vars: Record<string, unknown> }> {
  const file = findVariant(ctx, dir, 'main');
  if (file) return { file, vars: (await readVarsFile(ctx, file, what)) ?? {} };
  const mainDir = join(dir, 'main');
  if (!isDirectory(mainDir)) return { vars: {} };
  const vars: Record<string, unknown> = {};
  for (const f of varsDirFiles(mainDir)) Object.assign(vars, await readVarsFile(ctx, f, what));
  return { file: mainDir, vars };
}

/** Ansible's vars directory listing: sorted, recursive, .yml/.yaml/.json or no extension, no hidden or ~ files. */
function varsDirFiles(dir: string): string[] {
  return readdirSync(dir)
    .sort()
    .flatMap((name) => {
      if (name.startsWith('.') || name.endsWith('~')) return [];
      const path = join(dir, name);
      const ext = extname(name);
      if (!ext && isDirectory(path)) return varsDirFiles(path);
      return isFile(path) && ['', '.yml', '.yaml', '.json'].includes(ext) ? [path] : [];
    });
}

/** A YAML file of variables (vars_files, role defaults/vars): a mapping of valid names, or empty. */
export async function readVarsFile(ctx: LoadContext, file: string, what: string): Promise<Record<string, unknown> | undefined> {
  const source = await ctx.readYaml(file);
  if (!source) return undefined;
  const top = deref(source, source.doc.contents);
  if (isNull(top)) return {};
  const site: Site = { source, problems: ctx.problems, label: what };
  if (!mapEntries(source, top)) {
    ctx.problems.add(source.positionOfNode(top), `${what}: expected a mapping of variable names to values, found ${describeNode(top)}`);
    return undefined;
  }
  if (!checkValue(site, ctx.display(file), top, Vars)) return undefined;
  return valueOf(source, top) as Record<string, unknown>;
}

function readMeta(ctx: LoadContext, source: YamlSource, plan: RolePlan): LoadedRole['dependencies'] {
  const top = deref(source, source.doc.contents);
  if (isNull(top)) return undefined;
  const label = `role "${plan.name}" meta`;
  const entries = mapEntries(source, top);
  if (!entries) {
    ctx.problems.add(source.positionOfNode(top), `${label}: expected a mapping (dependencies, allow_duplicates, galaxy_info), found ${describeNode(top)}`);
    return undefined;
  }
  const site: Site = { source, problems: ctx.problems, label };
  let nodes: (ParsedNode | null)[] = [];
  for (const e of entries) {
    const schema = ownValue(RoleMetaKeywords as Record<string, (typeof RoleMetaKeywords)[keyof typeof RoleMetaKeywords]>, e.key);
    if (!schema) {
      ctx.problems.add(
        source.positionOfNode(e.keyNode),
        `${label}: unknown key "${e.key}"${suggestion(e.key, Object.keys(RoleMetaKeywords))}`,
        `expected ${Object.keys(RoleMetaKeywords).join(', ')}`,
      );
      continue;
    }
    if (isNull(e.node) && e.key === 'dependencies') continue;
    if (!checkValue(site, e.key, e.node, schema, e.keyNode)) continue;
    if (e.key === 'allow_duplicates') plan.allowDuplicates = valueOf(source, e.node) === true;
    if (e.key === 'dependencies') nodes = seqItems(source, e.node) ?? [];
  }
  return { source, nodes };
}
