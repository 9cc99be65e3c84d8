// config_file: a configuration file another tool reads (pharos-cluster.yml, k0sctl.yaml, …), checked against that
// tool's JSON Schema before it is written. The content comes rendered (`src`, a template the engine renders, or
// `content`); `prepare` parses it (YAML 1.1 or JSON) and validates it with ajv, so an invalid file fails the task
// with every problem and its line — in check mode too — and is never written. From then on it is copy: probe the
// sha256, plan, write atomically (temp file in the same directory, then mv), `--diff`. Delegated to localhost it
// writes on the controller. A missing parent directory is created (mkdir -p) with the file.
import { createHash } from 'node:crypto';
import { posix } from 'node:path';
import { Type, type Static } from '@sinclair/typebox';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { isMap, isScalar, LineCounter, parseDocument, type Document } from 'yaml';
import { TsinfraError } from '../errors.js';
import { defineModule, StringEnum, type ArgProblem } from './define.js';
import {
  applyContent,
  backupFileResult,
  describeContent,
  diffContent,
  parseContentState,
  planContent,
  probeContent,
  type ContentChange,
  type ContentTarget,
} from './copy.js';
import { AbsPath, fileAttributes } from './lib/file-attributes.js';

const ConfigFileArgs = Type.Object(
  {
    dest: AbsPath('Path of the file (on the controller when the task has delegate_to: localhost)'),
    src: Type.Optional(Type.String({ minLength: 1, description: 'A template rendered by the engine (role templates/ or playbook dir)' })),
    content: Type.Optional(Type.String({ description: 'The content itself (already templated)' })),
    schema: Type.String({
      minLength: 1,
      description: 'A JSON Schema (draft-07) file on the controller (role files/, playbook dir, or an absolute path)',
    }),
    format: StringEnum(['yaml', 'json'], { default: 'yaml', description: 'How the content is parsed for validation (YAML 1.1)' }),
    ...fileAttributes(),
    backup: Type.Boolean({ default: false, description: 'Keep a copy of the old file as dest.PID.DATE@TIME~' }),
  },
  { additionalProperties: false },
);
export type ConfigFileArgs = Static<typeof ConfigFileArgs>;

/** After prepare: the text to write, already checked against the schema. */
export type CheckedConfigArgs = ConfigFileArgs & { rendered: string };

/** The content does not parse or does not match the schema: the file is left as it is. */
export class ConfigSchemaError extends TsinfraError {
  readonly problems: string[];
  constructor(message: string, problems: string[], hint?: string) {
    super('TSI_CONFIG', message, hint === undefined ? {} : { hint });
    this.problems = problems;
  }
}

// ---- validation (pure apart from compiling) -----------------------------------------------------------------

const compiled = new Map<string, ValidateFunction>();

/** One ajv per schema text: compiled once per run (the cache key is the schema's sha256). */
function validatorFor(schemaText: string, schemaName: string): ValidateFunction {
  const key = createHash('sha256').update(schemaText).digest('hex');
  const hit = compiled.get(key);
  if (hit) return hit;
  let schema: unknown;
  try {
    schema = JSON.parse(schemaText);
  } catch (err) {
    throw new ConfigSchemaError(`config_file: ${schemaName} is not JSON: ${(err as Error).message}`, []);
  }
  // strict: false so annotations (title, description, x-message) pass; formats are not bundled: use pattern.
  const ajv = new Ajv({ allErrors: true, strict: false, validateFormats: false, verbose: true });
  let validate: ValidateFunction;
  try {
    validate = ajv.compile(schema as object);
  } catch (err) {
    throw new ConfigSchemaError(`config_file: ${schemaName} is not a usable JSON Schema (draft-07): ${(err as Error).message}`, []);
  }
  compiled.set(key, validate);
  return validate;
}

/** `/hosts/0/role` → `hosts[0].role` (the way people write paths into YAML). */
export function dottedPath(pointer: string): string {
  let out = '';
  for (const seg of pointer.split('/').slice(1)) {
    const s = seg.replace(/~1/g, '/').replace(/~0/g, '~');
    out += /^[0-9]+$/.test(s) ? `[${s}]` : out === '' ? s : `.${s}`;
  }
  return out;
}

function segments(pointer: string): (string | number)[] {
  return pointer
    .split('/')
    .slice(1)
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^[0-9]+$/.test(s) ? Number(s) : s));
}

/**
 * What to say about an unknown key: the schema's own word when the object has `"x-moved": {"key": "…"}` (a key
 * that moved between versions of the tool), else the places one level down that have a key of that name.
 */
function unknownKeyNote(parent: Record<string, unknown>, key: string, at: string): string {
  const moved = parent['x-moved'] as Record<string, unknown> | undefined;
  if (moved && Object.hasOwn(moved, key) && typeof moved[key] === 'string') return `: ${moved[key] as string}`;
  const props = (parent.properties ?? {}) as Record<string, Record<string, unknown>>;
  const homes: string[] = [];
  for (const [name, sub] of Object.entries(props)) {
    const subProps = (sub?.properties ?? {}) as Record<string, unknown>;
    if (Object.hasOwn(subProps, key)) homes.push(at === '' ? `${name}.${key}` : `${at}.${name}.${key}`);
  }
  return homes.length > 0 ? ` (did you mean ${homes.join(' or ')}?)` : '';
}

function describeValue(v: unknown): string {
  if (Array.isArray(v)) return 'a list';
  if (v === null) return 'null';
  return typeof v === 'object' ? 'a mapping' : `${typeof v} ${JSON.stringify(v)}`;
}

function problemText(e: ErrorObject): string {
  const at = dottedPath(e.instancePath);
  const what = at === '' ? 'the file' : at;
  const params = e.params as Record<string, unknown>;
  const parent = (e.parentSchema ?? {}) as Record<string, unknown>;
  if (typeof parent['x-message'] === 'string') return `${what}: ${parent['x-message']}`;
  switch (e.keyword) {
    case 'required':
      return `${at === '' ? '' : `${at}.`}${String(params.missingProperty)} is required`;
    case 'additionalProperties': {
      const key = String(params.additionalProperty);
      return `${what}: unknown key '${key}'${unknownKeyNote(parent, key, at)}`;
    }
    case 'enum':
      return `${what} must be one of ${(params.allowedValues as unknown[]).join(', ')}, got ${describeValue(e.data)}`;
    case 'const':
      return `${what} must be ${JSON.stringify(params.allowedValue)}, got ${describeValue(e.data)}`;
    case 'type':
      return `${what} must be ${String(params.type)}, got ${describeValue(e.data)}`;
    case 'pattern': {
      const expected = typeof parent['x-expected'] === 'string' ? parent['x-expected'] : `text matching ${String(params.pattern)}`;
      return `${what} must be ${expected}, got ${describeValue(e.data)}`;
    }
    default:
      return `${what} ${e.message ?? 'is invalid'}`;
  }
}

/** `line:col` of the value at `pointer` or, given `key`, of that key inside it (an unknown key). */
function lineOf(doc: Document.Parsed, lines: LineCounter, pointer: string, key?: string): string {
  const path = segments(pointer);
  let node: unknown = path.length === 0 ? doc.contents : doc.getIn(path, true);
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((p) => isScalar(p.key) && String(p.key.value) === key);
    if (pair && isScalar(pair.key)) node = pair.key;
  }
  const offset = (node as { range?: readonly number[] | null } | null | undefined)?.range?.[0];
  if (offset === undefined) return '';
  const { line, col } = lines.linePos(offset);
  return `${line}:${col}`;
}

/**
 * The problems of `text` against a JSON Schema, each `path: what` (with `line:col` for YAML), [] when it is valid.
 * Parse errors come first and stop there.
 */
export function validateConfig(text: string, options: { format: 'yaml' | 'json'; schemaText: string; schemaName: string; name: string }): string[] {
  const validate = validatorFor(options.schemaText, options.schemaName);
  let data: unknown;
  let where: (pointer: string, key?: string) => string = () => '';
  if (options.format === 'json') {
    try {
      data = JSON.parse(text);
    } catch (err) {
      return [`not valid JSON: ${(err as Error).message}`];
    }
  } else {
    const lines = new LineCounter();
    // YAML 1.1: what Ruby's Psych (pharos) and the Go YAML libraries (k0sctl) read (`yes` is a boolean).
    const doc = parseDocument(text, { version: '1.1', lineCounter: lines, uniqueKeys: true, prettyErrors: false });
    if (doc.errors.length > 0) {
      return doc.errors.map((e) => {
        const pos = e.linePos?.[0];
        return `${pos ? `${pos.line}:${pos.col}: ` : ''}not valid YAML: ${e.message.split('\n')[0]}`;
      });
    }
    data = doc.toJS({ maxAliasCount: 1000 });
    where = (pointer, key) => lineOf(doc, lines, pointer, key);
  }
  if (validate(data)) return [];
  const errors = validate.errors ?? [];
  // A failed anyOf/oneOf/contains reports every branch's (item's) errors too: keep its own message only.
  const unions = errors.filter((e) => e.keyword === 'anyOf' || e.keyword === 'oneOf' || e.keyword === 'contains').map((e) => e.schemaPath);
  const seen = new Set<string>();
  const out: string[] = [];
  for (const e of errors) {
    if (unions.some((u) => e.schemaPath !== u && e.schemaPath.startsWith(`${u}/`))) continue;
    if (e.keyword === 'if') continue; // its `then` error says it
    const pos = where(e.instancePath, e.keyword === 'additionalProperties' ? String((e.params as { additionalProperty?: unknown }).additionalProperty) : undefined);
    const text = `${pos ? `${pos}: ` : ''}${problemText(e)}`;
    if (!seen.has(text)) {
      seen.add(text);
      out.push(text);
    }
  }
  return out;
}

// ---- the module ---------------------------------------------------------------------------------------------

function target(a: CheckedConfigArgs): ContentTarget {
  return { dest: a.dest, bytes: Buffer.from(a.rendered, 'utf8'), mode: a.mode, owner: a.owner, group: a.group, backup: a.backup, force: true };
}

export const configFile = defineModule({
  name: 'config_file',
  summary: "A tool's configuration file, validated against its JSON Schema before it is written (atomically, like copy)",
  args: ConfigFileArgs,
  refine(a): ArgProblem[] {
    const given = (['src', 'content'] as const).filter((k) => a[k] !== undefined);
    if (given.length === 1) return [];
    return [{ path: '', message: given.length === 0 ? 'config_file needs src or content' : 'config_file takes src or content, not both' }];
  },
  async prepare(a, ctl): Promise<CheckedConfigArgs> {
    const rendered = a.src !== undefined ? await ctl.renderTemplate(a.src) : (a.content ?? '');
    const schemaText = Buffer.from(await ctl.readFile(a.schema)).toString('utf8');
    const name = posix.basename(a.dest);
    const schemaName = posix.basename(a.schema);
    const problems = validateConfig(rendered, { format: a.format, schemaText, schemaName, name });
    if (problems.length > 0) {
      const shown = problems.slice(0, 8).join('; ');
      const more = problems.length > 8 ? `; and ${problems.length - 8} more` : '';
      throw new ConfigSchemaError(
        `config_file: ${name} does not match ${schemaName}, so ${a.dest} was left as it is: ${shown}${more}`,
        problems,
        a.src !== undefined ? `fix ${a.src} or the variables it uses; line:col point into the rendered ${name}` : undefined,
      );
    }
    return { ...a, rendered };
  },
  probe: (a: CheckedConfigArgs) => probeContent(target(a)),
  parse: (r) => parseContentState(r, 'config_file'),
  plan(a, s): ContentChange[] {
    // A missing directory is created with the file (mkdir -p), rather than being a plan error.
    const missingDir = s.stat.kind === 'none' && !s.dirExists;
    const changes = planContent('config_file', target(a), missingDir ? { ...s, dirExists: true } : s);
    return missingDir ? changes.map((c) => (c.op === 'write' ? { ...c, parents: true } : c)) : changes;
  },
  apply: (_a, changes) => applyContent(changes),
  describe: describeContent,
  diff: (a, s, changes) => diffContent(target(a), s, changes),
  result: (_a, _s, _c, applied) => backupFileResult(applied),
});
