// Checks one keyword's value against its TypeBox definition (keywords.ts) and reports a problem at the exact
// node: "task "x": become must be true or false, got a string ("maybe")". Nested keyword tables (loop_control,
// apply) get per-key positions and did-you-mean; variable mappings get per-name checks.
import { Ajv, type ValidateFunction } from 'ajv';
import { isMap, type ParsedNode } from 'yaml';
import type { TSchema } from '@sinclair/typebox';
import { describeNode, type YamlSource } from '../config/yaml-source.js';
import { checkCondition } from '../template/index.js';
import { ExpressionError } from '../errors.js';
import { suggestion } from '../text/did-you-mean.js';
import { IDENTIFIER } from './keywords.js';
import type { ConditionRef } from './playbook-plan.js';
import type { Problems } from './validation-errors.js';
import { isNull, mapEntries, seqItems, valueOf, type MapEntry } from './yaml-nodes.js';
import { ownValue } from '../own-keys.js';

const ajv = new Ajv({ allErrors: false, strict: true, allowUnionTypes: true, validateSchema: false, meta: false }); // our own schemas: see registry.ts
ajv.addKeyword({ keyword: 'x-expected', schemaType: 'string' });
ajv.addKeyword({ keyword: 'x-items-ref', schemaType: 'string' });
const compiled = new WeakMap<TSchema, ValidateFunction>();

/** True when `value` matches `schema` (compiled once per schema object). */
export function matchesSchema(schema: TSchema, value: unknown): boolean {
  let validate = compiled.get(schema);
  if (!validate) {
    validate = ajv.compile(schema);
    compiled.set(schema, validate);
  }
  return validate(value) as boolean;
}

/** Where problems go and whom they are about ('task "Install"', 'play #2 in site.yml'). */
export interface Site {
  source: YamlSource;
  problems: Problems;
  label: string;
}

const IDENT = new RegExp(IDENTIFIER);

function expectedOf(schema: TSchema): string {
  return (schema['x-expected'] as string | undefined) ?? 'a valid value';
}

/** The Record branch of a schema (itself, or inside a union), for per-name checks of a mapping. */
function recordOf(schema: TSchema): TSchema | undefined {
  if (schema.patternProperties) return schema;
  if (Array.isArray(schema.anyOf)) return (schema.anyOf as TSchema[]).find((s) => s.patternProperties !== undefined);
  return undefined;
}

/** An object schema listing its keys (loop_control, apply, include args), checked key by key. */
function tableOf(schema: TSchema): Record<string, TSchema> | undefined {
  return schema.type === 'object' && schema.properties && schema.additionalProperties === false
    ? (schema.properties as Record<string, TSchema>)
    : undefined;
}

function hintFor(key: string, value: unknown): string | undefined {
  if ((key === 'loop' || key === 'with_items') && typeof value === 'string' && /^[A-Za-z_][A-Za-z0-9_.]*$/.test(value)) {
    return `to loop over the variable ${value}, write ${key}: "{{ ${value} }}"`;
  }
  return undefined;
}

/**
 * Check the value of `key` (shown as `name`, e.g. "loop_control.label") against `schema`. Reports and returns
 * false when it does not match.
 */
export function checkValue(site: Site, name: string, node: ParsedNode | null, schema: TSchema, keyNode?: ParsedNode | null): boolean {
  const { source, problems, label } = site;
  const at = source.positionOfNode(node ?? keyNode ?? null);
  // `tasks:`, `handlers:`, `vars:` … with nothing after them mean "none", as in Ansible.
  if (isNull(node) && (schema['x-items-ref'] !== undefined || schema.patternProperties !== undefined)) return true;
  const table = tableOf(schema);
  if (table && isMap(node)) return checkTable(site, name, node, table);
  const record = recordOf(schema);
  if (record && isMap(node)) return checkRecord(site, name, node, record);
  const value = valueOf(source, node);
  if (matchesSchema(schema, value)) return true;
  const items = listItemsOf(schema);
  const nodes = items && seqItems(source, node);
  if (items && nodes) {
    // Point at the first item that is wrong rather than at the whole list.
    const i = nodes.findIndex((n) => !matchesSchema(items, valueOf(source, n)));
    if (i >= 0) {
      const bad = nodes[i] ?? null;
      problems.add(source.positionOfNode(bad ?? node), `${label}: ${name}[${i}] must be ${expectedOf(schema)}, got ${describeNode(bad)}`);
      return false;
    }
  }
  const near = typeof value === 'string' ? enumSuggestion(schema, value) : '';
  problems.add(at, `${label}: ${name} must be ${expectedOf(schema)}, got ${describeNode(node, value)}${near}`, hintFor(name, value));
  return false;
}

/** The item schema of a list (the schema itself, or its list branch), unless the loader walks the items itself. */
function listItemsOf(schema: TSchema): TSchema | undefined {
  const branches = Array.isArray(schema.anyOf) ? (schema.anyOf as TSchema[]) : [schema];
  const list = branches.find((b) => b.type === 'array' && b.items && b['x-items-ref'] === undefined);
  return list?.items as TSchema | undefined;
}

function enumSuggestion(schema: TSchema, value: string): string {
  const values = Array.isArray(schema.enum) ? (schema.enum as unknown[]).filter((v): v is string => typeof v === 'string') : [];
  return values.length > 0 ? suggestion(value, values) : '';
}

/** Each key of a nested keyword table: unknown keys (with did-you-mean) and each value. */
export function checkTable(site: Site, name: string, node: ParsedNode, table: Record<string, TSchema>): boolean {
  let ok = true;
  for (const e of mapEntries(site.source, node) ?? []) {
    const schema = ownValue(table, e.key);
    if (!schema) {
      site.problems.add(
        site.source.positionOfNode(e.keyNode),
        `${site.label}: unknown ${name} key "${e.key}"${suggestion(e.key, Object.keys(table))}`,
        `expected ${Object.keys(table).join(', ')}`,
      );
      ok = false;
      continue;
    }
    ok = checkValue(site, `${name}.${e.key}`, e.node, schema, e.keyNode) && ok;
  }
  return ok;
}

function checkRecord(site: Site, name: string, node: ParsedNode, record: TSchema): boolean {
  const keySchema = Object.values(record.patternProperties as Record<string, TSchema>)[0];
  const keyPattern = Object.keys(record.patternProperties as object)[0];
  const isVariableNames = keyPattern === IDENTIFIER;
  let ok = true;
  for (const e of mapEntries(site.source, node) ?? []) {
    if (isVariableNames && !IDENT.test(e.key)) {
      site.problems.add(
        site.source.positionOfNode(e.keyNode),
        `${site.label}: invalid ${name === 'environment' ? 'environment variable' : 'variable'} name "${e.key}" in ${name}`,
        'names are letters, digits and _, and do not start with a digit',
      );
      ok = false;
      continue;
    }
    if (keySchema && !matchesSchema(keySchema, valueOf(site.source, e.node))) {
      const expected = name === 'environment' ? 'a string, number or boolean' : expectedOf(keySchema);
      site.problems.add(
        site.source.positionOfNode(e.node ?? e.keyNode),
        `${site.label}: ${name}.${e.key} must be ${expected}, got ${describeNode(e.node)}`,
      );
      ok = false;
    }
  }
  return ok;
}

/**
 * A condition keyword (`when`, `changed_when`, …): check its shape, then each expression's syntax (checkCondition),
 * each at its own position. Returns the conditions, or undefined when the value is not one.
 */
export function checkConditions(site: Site, name: string, entry: MapEntry, schema: TSchema): ConditionRef[] | undefined {
  if (!checkValue(site, name, entry.node, schema, entry.keyNode)) return undefined;
  const { source, problems, label } = site;
  const items = seqItems(source, entry.node) ?? [entry.node];
  const out: ConditionRef[] = [];
  let ok = true;
  for (const item of items) {
    const expr = valueOf(source, item) as string | boolean;
    const at = source.positionOfNode(item ?? entry.keyNode);
    try {
      for (const w of checkCondition(expr)) problems.warn(at, `${label}: ${name}: ${w}`);
    } catch (err) {
      if (!(err instanceof ExpressionError)) throw err;
      problems.add(at, `${label}: ${name}: ${err.message}`, err.hint);
      ok = false;
      continue;
    }
    out.push({ expr, at });
  }
  return ok ? out : undefined;
}
