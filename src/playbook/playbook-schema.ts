// The editor JSON Schema (draft-07) for playbooks and task files, built from the same TypeBox definitions the loader
// validates with (keywords.ts) and, when given, the module argument schemas of the catalog. Editors using
// yaml-language-server pick it up with `# yaml-language-server: $schema=<path>/playbook.schema.json`.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname } from 'node:path';
import type { TProperties } from '@sinclair/typebox';
import {
  BlockKeywords,
  HandlerKeywords,
  ImportKeywords,
  ImportPlaybookKeywords,
  ImportRoleArgs,
  ImportTasksArgs,
  IncludeKeywords,
  IncludeRoleArgs,
  IncludeTasksArgs,
  MetaKeywords,
  MetaValue,
  PlayKeywords,
  RoleMetaKeywords,
  RoleRefKeywords,
  TaskKeywords,
} from './keywords.js';
import type { ModuleCatalog } from './module-catalog.js';

type Json = Record<string, unknown>;

const DRAFT_07 = 'http://json-schema.org/draft-07/schema#';
export const PLAYBOOK_SCHEMA_PATH = 'docs/schema/playbook.schema.json';

/** Plain JSON: TypeBox symbols dropped, x-items-ref turned into a $ref, other x-* annotations removed. */
function toJson(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJson);
  if (schema === null || typeof schema !== 'object') return schema;
  const src = schema as Json;
  const out: Json = {};
  for (const [k, v] of Object.entries(src)) {
    if (k.startsWith('x-')) continue;
    out[k] = toJson(v);
  }
  const ref = src['x-items-ref'];
  if (typeof ref === 'string') out.items = { $ref: `#/definitions/${ref}` };
  // A property with a default is filled in by the loader, so the file need not have it (TypeBox lists it).
  if (Array.isArray(out.required) && out.properties && typeof out.properties === 'object') {
    const props = out.properties as Record<string, Json>;
    out.required = (out.required as string[]).filter((k) => props[k]?.default === undefined);
    if ((out.required as string[]).length === 0) delete out.required;
  }
  return out;
}

const TEMPLATE_JSON: Json = { type: 'string', pattern: '\\{\\{' };

/**
 * Module arguments as editors should check them: any argument may be a template (rendered per host), and a list
 * argument may be a single value (the modules normalise `name: nginx` to `[nginx]`).
 */
function relaxArgs(schema: Json): Json {
  const props = schema.properties as Record<string, Json> | undefined;
  if (!props) return schema;
  const relaxed: Json = {};
  for (const [k, p] of Object.entries(props)) {
    const single = p.type === 'array' && p.items && typeof p.items === 'object' ? [p.items as Json] : [];
    relaxed[k] = { ...(p.description === undefined ? {} : { description: p.description }), anyOf: [p, ...single, TEMPLATE_JSON] };
  }
  return { ...schema, properties: relaxed };
}

function object(properties: TProperties, extra: Json = {}): Json {
  const props: Json = {};
  for (const [k, v] of Object.entries(properties)) props[k] = toJson(v);
  return { type: 'object', properties: props, additionalProperties: false, ...extra };
}

function withBuiltin(key: string): string[] {
  return [key, `ansible.builtin.${key}`];
}

/** The whole schema. Without a catalog, module keys are not listed (any extra key is then accepted). */
export function buildPlaybookSchema(catalog?: Pick<ModuleCatalog, 'names' | 'schemas'>): Json {
  const names = catalog ? catalog.names() : [];
  const argSchemas = catalog?.schemas?.() ?? {};
  const definitions: Json = {};
  const moduleProps: Json = {};
  for (const name of names) {
    const args = argSchemas[name];
    definitions[`args_${name}`] = args ? relaxArgs(toJson(args) as Json) : { type: 'object' };
    const value = { anyOf: [{ $ref: `#/definitions/args_${name}` }, { type: 'string' }, { type: 'null' }] };
    for (const key of withBuiltin(name)) moduleProps[key] = value;
  }
  const moduleTask = (keywords: TProperties): Json => {
    const base = object(keywords);
    const props = { ...(base.properties as Json), ...moduleProps };
    return {
      ...base,
      properties: props,
      ...(names.length > 0 ? { anyOf: names.flatMap(withBuiltin).map((k) => ({ required: [k] })) } : { additionalProperties: true }),
    };
  };
  const action = (keywords: TProperties, keys: string[], value: Json): Json => {
    const base = object(keywords);
    const props = { ...(base.properties as Json) };
    for (const k of keys) props[k] = value;
    return { ...base, properties: props, anyOf: keys.map((k) => ({ required: [k] })) };
  };
  Object.assign(definitions, {
    play: object(PlayKeywords, { required: ['hosts'] }),
    importPlaybook: object(ImportPlaybookKeywords, { required: ['import_playbook'] }),
    roleRef: { anyOf: [{ type: 'string', minLength: 1 }, object(RoleRefKeywords)] },
    roleMeta: object(RoleMetaKeywords),
    moduleTask: moduleTask(TaskKeywords),
    handler: moduleTask(HandlerKeywords),
    block: object(BlockKeywords, { required: ['block'] }),
    includeTasks: action(IncludeKeywords, withBuiltin('include_tasks'), { anyOf: [{ type: 'string', minLength: 1 }, object(IncludeTasksArgs, { required: ['file'] })] }),
    importTasks: action(ImportKeywords, withBuiltin('import_tasks'), { anyOf: [{ type: 'string', minLength: 1 }, object(ImportTasksArgs, { required: ['file'] })] }),
    includeRole: action(IncludeKeywords, withBuiltin('include_role'), object(IncludeRoleArgs, { required: ['name'] })),
    importRole: action(ImportKeywords, withBuiltin('import_role'), object(ImportRoleArgs, { required: ['name'] })),
    meta: action(MetaKeywords, withBuiltin('meta'), toJson(MetaValue) as Json),
    task: {
      anyOf: ['block', 'includeTasks', 'importTasks', 'includeRole', 'importRole', 'meta', 'moduleTask'].map((d) => ({ $ref: `#/definitions/${d}` })),
    },
    taskFile: { type: ['array', 'null'], items: { $ref: '#/definitions/task' } },
  });
  return {
    $schema: DRAFT_07,
    title: 'tsinfra playbook',
    description: 'A list of plays (and import_playbook entries). Generated from src/playbook/keywords.ts; do not edit.',
    type: 'array',
    items: { anyOf: [{ $ref: '#/definitions/importPlaybook' }, { $ref: '#/definitions/play' }] },
    definitions,
  };
}

/** A schema for task files (roles' tasks/*.yaml, imported files): a list of tasks. */
export function buildTaskFileSchema(catalog?: Pick<ModuleCatalog, 'names' | 'schemas'>): Json {
  const playbook = buildPlaybookSchema(catalog);
  return {
    $schema: DRAFT_07,
    title: 'tsinfra task file',
    description: 'A list of tasks. Generated from src/playbook/keywords.ts; do not edit.',
    type: ['array', 'null'],
    items: { $ref: '#/definitions/task' },
    definitions: playbook.definitions,
  };
}

/** Write the playbook schema (and the task file schema beside it). */
export async function writePlaybookSchema(file: string = PLAYBOOK_SCHEMA_PATH, catalog?: Pick<ModuleCatalog, 'names' | 'schemas'>): Promise<string[]> {
  await mkdir(dirname(file), { recursive: true });
  const tasksFile = file.replace(/playbook\.schema\.json$/, 'tasks.schema.json');
  await writeFile(file, JSON.stringify(buildPlaybookSchema(catalog), null, 2) + '\n');
  const written = [file];
  if (tasksFile !== file) {
    await writeFile(tasksFile, JSON.stringify(buildTaskFileSchema(catalog), null, 2) + '\n');
    written.push(tasksFile);
  }
  return written;
}
