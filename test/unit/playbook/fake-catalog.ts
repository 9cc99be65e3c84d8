// A small module catalog for the loader tests, shaped like src/modules/registry.ts's API: a few modules with
// TypeBox argument schemas, free-form command/shell, aliases, octal modes refused as numbers.
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { Type, type TObject } from '@sinclair/typebox';
import type { ArgProblem, ModuleCatalog } from '../../../src/playbook/module-catalog.js';

const Mode = Type.String({ pattern: '^0?[0-7]{3}$' });
const Str = Type.String({ minLength: 1 });
const enumOf = (...values: string[]) => Type.Unsafe<string>({ type: 'string', enum: values });

interface FakeModule {
  args: TObject;
  aliases?: Record<string, string>;
  freeForm?: boolean;
}

const MODULES: Record<string, FakeModule> = {
  apt: {
    args: Type.Object(
      {
        name: Type.Optional(Type.Union([Str, Type.Array(Str)])),
        state: Type.Optional(enumOf('present', 'absent', 'latest')),
        update_cache: Type.Optional(Type.Boolean()),
        cache_valid_time: Type.Optional(Type.Integer({ minimum: 0 })),
      },
      { additionalProperties: false },
    ),
    aliases: { pkg: 'name' },
  },
  copy: {
    args: Type.Object(
      { src: Type.Optional(Str), content: Type.Optional(Type.String()), dest: Str, mode: Type.Optional(Mode), owner: Type.Optional(Str) },
      { additionalProperties: false },
    ),
  },
  file: {
    args: Type.Object(
      { path: Str, state: Type.Optional(enumOf('file', 'directory', 'absent', 'touch', 'link')), mode: Type.Optional(Mode), owner: Type.Optional(Str) },
      { additionalProperties: false },
    ),
    aliases: { dest: 'path' },
  },
  template: {
    args: Type.Object({ src: Str, dest: Str, mode: Type.Optional(Mode) }, { additionalProperties: false }),
  },
  service: {
    args: Type.Object(
      { name: Str, state: Type.Optional(enumOf('started', 'stopped', 'restarted', 'reloaded')), enabled: Type.Optional(Type.Boolean()) },
      { additionalProperties: false },
    ),
  },
  command: {
    args: Type.Object({ cmd: Str, chdir: Type.Optional(Str), creates: Type.Optional(Str) }, { additionalProperties: false }),
    freeForm: true,
  },
  shell: {
    args: Type.Object({ cmd: Str, chdir: Type.Optional(Str), creates: Type.Optional(Str), executable: Type.Optional(Str) }, { additionalProperties: false }),
    freeForm: true,
  },
  debug: {
    args: Type.Object({ msg: Type.Optional(Type.Unknown()), var: Type.Optional(Str) }, { additionalProperties: false }),
  },
  set_fact: { args: Type.Object({}, { additionalProperties: true }) },
  lineinfile: {
    args: Type.Object(
      { path: Str, line: Type.Optional(Type.String()), regexp: Type.Optional(Type.String()), state: Type.Optional(enumOf('present', 'absent')) },
      { additionalProperties: false },
    ),
  },
  user: {
    args: Type.Object({ name: Str, groups: Type.Optional(Type.Array(Str)), shell: Type.Optional(Str) }, { additionalProperties: false }),
  },
  sysctl: {
    args: Type.Object({ name: Str, value: Type.Union([Type.String(), Type.Number()]) }, { additionalProperties: false }),
  },
};

const ajv = new Ajv({ allErrors: true, strict: false, allowUnionTypes: true });
const validators = new Map<string, ValidateFunction>(Object.entries(MODULES).map(([n, m]) => [n, ajv.compile(m.args)]));

function normalize(name: string, raw: unknown): unknown {
  if (MODULES[name]?.freeForm && typeof raw === 'string') return { cmd: raw };
  return raw;
}

function problemOf(name: string, e: ErrorObject): ArgProblem {
  const params = e.params as Record<string, unknown>;
  const dotted = name + e.instancePath.replace(/\//g, '.');
  switch (e.keyword) {
    case 'required':
      return { path: `${e.instancePath}/${String(params.missingProperty)}`, message: `${name}.${String(params.missingProperty)} is required` };
    case 'additionalProperties':
      return { path: `${e.instancePath}/${String(params.additionalProperty)}`, message: `${name}: unknown argument '${String(params.additionalProperty)}'` };
    case 'enum':
      return { path: e.instancePath, message: `${dotted} must be one of ${(params.allowedValues as string[]).join(', ')}` };
    default:
      return { path: e.instancePath, message: `${dotted} ${e.message ?? 'is invalid'}` };
  }
}

export const fakeCatalog: ModuleCatalog = {
  names: () => Object.keys(MODULES).sort(),
  normalize,
  validate(name, rawArgs) {
    const mod = MODULES[name];
    const validate = validators.get(name);
    if (!mod || !validate) return { ok: false, problems: [{ path: '', message: `unknown module '${name}'` }] };
    let args = normalize(name, rawArgs ?? {});
    if (args === null || typeof args !== 'object' || Array.isArray(args)) {
      return { ok: false, problems: [{ path: '', message: `${name}: arguments must be a mapping of names to values` }] };
    }
    args = structuredClone(args);
    const obj = args as Record<string, unknown>;
    for (const [alias, canonical] of Object.entries(mod.aliases ?? {})) {
      if (alias in obj) {
        obj[canonical] = obj[alias];
        delete obj[alias];
      }
    }
    const early: ArgProblem[] = [];
    for (const [k, v] of Object.entries(obj)) {
      if (k === 'mode' && typeof v === 'number') early.push({ path: '/mode', message: `${name}.mode must be a quoted string: write mode: "0${v}"` });
      if (v === 'yes' || v === 'no') obj[k] = v === 'yes';
    }
    if (early.length > 0) return { ok: false, problems: early };
    if (validate(obj)) return { ok: true, args: obj };
    return { ok: false, problems: (validate.errors ?? []).map((e) => problemOf(name, e)) };
  },
  // As the registry: command, shell and the state modules; not the controller-side ones.
  supportsAsync: (name) => !['copy', 'template', 'debug', 'set_fact'].includes(name),
  schemas: () => Object.fromEntries(Object.entries(MODULES).map(([n, m]) => [n, JSON.parse(JSON.stringify(m.args)) as Record<string, unknown>])),
};
