// include_vars: variables from a YAML/JSON file (or every file of a directory) on the controller, for this host from
// this task on. Found and read as Ansible's include_vars action does (plugins/action/include_vars.py); the engine
// merges `ansible_facts` from the result into the host's variables, as for set_fact.
import { Type, type Static } from '@sinclair/typebox';
import { defineAction, type ArgProblem, type RegisteredResult, type VarsFiles } from './define.js';
import { splitWords } from './command.js';

const IncludeVarsArgs = Type.Object(
  {
    file: Type.Optional(Type.String({ minLength: 1, description: 'The file, relative to the role\'s vars/ (or the task file, or the playbook)' })),
    dir: Type.Optional(Type.String({ minLength: 1, description: 'Every file of this directory (in a role: under its vars/), sorted' })),
    name: Type.Optional(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$', description: 'Put the variables under this one name' })),
    depth: Type.Optional(Type.Integer({ minimum: 0, description: 'With dir: how many directories to read (0: all)' })),
    files_matching: Type.Optional(Type.String({ description: 'With dir: only file names this regular expression finds' })),
    ignore_files: Type.Optional(Type.Union([Type.String(), Type.Array(Type.String())], { description: 'With dir: file names to skip (regular expressions)' })),
    extensions: Type.Optional(Type.Array(Type.String(), { description: 'With dir: valid extensions (default yaml, yml, json)' })),
    ignore_unknown_extensions: Type.Optional(Type.Boolean({ description: 'With dir: skip files with other extensions instead of failing' })),
    hash_behaviour: Type.Optional(Type.Union([Type.Literal('replace'), Type.Literal('merge')], { description: 'merge: combine mappings with the variables already set' })),
  },
  { additionalProperties: false },
);
export type IncludeVarsArgs = Static<typeof IncludeVarsArgs>;

const DIR_ARGS = ['dir', 'depth', 'files_matching', 'ignore_files', 'extensions', 'ignore_unknown_extensions'] as const;

function isMapping(v: unknown): v is Record<string, unknown> {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Ansible's combine_vars with merge: nested mappings combined, anything else replaced. */
function mergeDeep(a: unknown, b: unknown): unknown {
  if (!isMapping(a) || !isMapping(b)) return b;
  const out: Record<string, unknown> = { ...a };
  for (const [k, v] of Object.entries(b)) out[k] = k in out ? mergeDeep(out[k], v) : v;
  return out;
}

/** The files of `dir:` in Ansible's order: directories sorted by path (only the first `depth` of them), files sorted. */
function dirFiles(root: string, depth: number, files: VarsFiles): string[] {
  const dirs: string[] = [];
  const walk = (d: string) => {
    dirs.push(d);
    for (const sub of files.list(d)?.dirs ?? []) walk(`${d}/${sub}`);
  };
  walk(root);
  dirs.sort();
  return (depth > 0 ? dirs.slice(0, depth) : dirs).flatMap((d) => (files.list(d)?.files ?? []).sort().map((f) => `${d}/${f}`));
}

function loadDir(a: IncludeVarsArgs, files: VarsFiles): { data: Record<string, unknown>; included: string[] } | string {
  const root = files.dir(a.dir!);
  if (!files.list(root)) return `${a.dir} directory does not exist (looked for ${root})`;
  const matcher = a.files_matching === undefined ? undefined : new RegExp(a.files_matching);
  const ignore = typeof a.ignore_files === 'string' ? a.ignore_files.split(/\s+/).filter(Boolean) : (a.ignore_files ?? []);
  const extensions = a.extensions ?? ['yaml', 'yml', 'json'];
  const data: Record<string, unknown> = {};
  const included: string[] = [];
  for (const path of dirFiles(root, a.depth ?? 0, files)) {
    const name = path.slice(path.lastIndexOf('/') + 1);
    if (matcher && !matcher.test(name)) continue;
    if (ignore.some((p) => new RegExp(`${p}$`).test(name))) continue;
    const ext = /\.([^.]*)$/.exec(name)?.[1];
    if (ext === undefined || !extensions.includes(ext)) {
      if (a.ignore_unknown_extensions) continue;
      return `${path} does not have a valid extension: ${extensions.join(', ')}`;
    }
    const loaded = files.read(path) ?? {};
    if (!isMapping(loaded)) return `${path} must be stored as a dictionary/hash`;
    Object.assign(data, loaded);
    included.push(path);
  }
  return { data, included };
}

export const includeVars = defineAction({
  name: 'include_vars',
  summary: 'Set host variables from a YAML/JSON file or directory on the controller',
  args: IncludeVarsArgs,
  checkMode: 'run',
  controllerOnly: true,
  normalize(input) {
    if (typeof input !== 'string') return input;
    // `include_vars: vars/debian.yml`, or the k=v form `include_vars: file=x.yml name=cfg`
    if (!/^[A-Za-z_]+=/.test(input.trim())) return { file: input.trim() };
    return Object.fromEntries(splitWords(input).map((w) => [w.slice(0, w.indexOf('=')), w.slice(w.indexOf('=') + 1)]));
  },
  refine(a): ArgProblem[] {
    const dirArgs = DIR_ARGS.filter((k) => a[k] !== undefined);
    if (a.file !== undefined && dirArgs.length > 0) return [{ path: `/${dirArgs[0]}`, message: `include_vars: ${dirArgs[0]} is for dir:, and file: is given` }];
    if (a.file === undefined && a.dir === undefined) return [{ path: '', message: 'include_vars needs file: (or the file name as its value) or dir:' }];
    return [];
  },
  async run(a, io): Promise<RegisteredResult> {
    const files = io.varsFiles;
    if (!files) return { changed: false, failed: true, msg: 'include_vars can only run in a playbook' };
    let data: Record<string, unknown>;
    let included: string[];
    if (a.dir !== undefined) {
      const r = loadDir(a, files);
      if (typeof r === 'string') return { changed: false, failed: true, msg: r };
      ({ data, included } = r);
    } else {
      const file = files.find(a.file!);
      if (file === undefined) return { changed: false, failed: true, msg: `Could not find or access '${a.file}'` };
      const loaded = files.read(file) ?? {};
      if (!isMapping(loaded)) return { changed: false, failed: true, msg: `${file} must be stored as a dictionary/hash` };
      data = loaded;
      included = [file];
    }
    let facts: Record<string, unknown> = a.name === undefined ? data : { [a.name]: data };
    if (a.hash_behaviour === 'merge') facts = Object.fromEntries(Object.entries(facts).map(([k, v]) => [k, mergeDeep(io.vars[k], v)]));
    return { changed: false, failed: false, ansible_facts: facts, ansible_included_var_files: included };
  },
});
