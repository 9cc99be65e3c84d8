// Task keywords as checked values, and how inner levels fold over outer ones: conditions add up (all must hold),
// tags accumulate, vars merge (inner wins), environment layers stack, the rest is replaced by the inner value.
import type { ParsedNode } from 'yaml';
import type { TSchema } from '@sinclair/typebox';
import { checkConditions, checkValue, type Site } from './check-value.js';
import { InheritedKeywords } from './keywords.js';
import type { ConditionRef, EnvironmentLayer, Flag, TaskSettings } from './playbook-plan.js';
import { isTemplate, valueOf, type MapEntry } from './yaml-nodes.js';
import { ownValue } from '../own-keys.js';

/** A keyword whose value passed its check. */
export interface Checked {
  entry: MapEntry;
  value: unknown;
  /** Parsed conditions, for condition keywords. */
  conditions?: ConditionRef[];
}

export const CONDITION_KEYS: ReadonlySet<string> = new Set(['when', 'changed_when', 'failed_when', 'until']);
const LOCALHOST = new Set(['localhost', '127.0.0.1']);

/** Check each entry against its schema in `table`; returns the ones that passed (keys not in the table are skipped). */
export function checkKeywords(site: Site, entries: readonly MapEntry[], table: Record<string, TSchema>): Map<string, Checked> {
  const out = new Map<string, Checked>();
  for (const entry of entries) {
    const schema = ownValue(table, entry.key);
    if (!schema) continue;
    if (CONDITION_KEYS.has(entry.key)) {
      const conditions = checkConditions(site, entry.key, entry, schema);
      if (conditions) out.set(entry.key, { entry, value: valueOf(site.source, entry.node), conditions });
      continue;
    }
    if (!checkValue(site, entry.key, entry.node, schema, entry.keyNode)) continue;
    const value = valueOf(site.source, entry.node);
    if (entry.key === 'delegate_to' && typeof value === 'string' && !isTemplate(value) && !LOCALHOST.has(value.trim())) {
      site.problems.add(
        site.source.positionOfNode(entry.node),
        `${site.label}: delegate_to ${JSON.stringify(value)} is not supported: tsinfra only delegates to localhost (or 127.0.0.1)`,
        'to run a task on another host, put it in a play for that host',
      );
      continue;
    }
    out.set(entry.key, { entry, value });
  }
  return out;
}

/** Tags as a list of strings: "a, b" splits on commas as in Ansible; numbers become strings. */
export function tagList(value: unknown): string[] {
  const items = Array.isArray(value) ? value : [value];
  return items.flatMap((t) => String(t).split(',')).map((t) => t.trim()).filter((t) => t !== '');
}

export function emptySettings(): TaskSettings {
  return { when: [], tags: [], vars: {}, environment: [] };
}

/** The inheritable keywords among checked ones, as a TaskSettings fragment. */
export function ownSettings(checked: Map<string, Checked>): Partial<TaskSettings> {
  const own: Partial<TaskSettings> = {};
  const flag = (key: string) => checked.get(key)?.value as Flag | undefined;
  const when = checked.get('when')?.conditions;
  if (when) own.when = when;
  if (checked.has('tags')) own.tags = tagList(checked.get('tags')!.value);
  if (checked.has('vars')) own.vars = (checked.get('vars')!.value ?? {}) as Record<string, unknown>;
  if (checked.has('environment')) own.environment = [checked.get('environment')!.value as EnvironmentLayer];
  const flags: [keyof TaskSettings, string][] = [
    ['become', 'become'],
    ['ignoreErrors', 'ignore_errors'],
    ['noLog', 'no_log'],
    ['runOnce', 'run_once'],
    ['checkMode', 'check_mode'],
    ['diff', 'diff'],
  ];
  for (const [field, key] of flags) {
    const v = flag(key);
    if (v !== undefined && v !== null) (own as Record<string, unknown>)[field] = v;
  }
  const user = checked.get('become_user')?.value;
  if (typeof user === 'string') own.becomeUser = user;
  const delegate = checked.get('delegate_to')?.value;
  if (typeof delegate === 'string') own.delegateTo = delegate;
  return own;
}

/** `inner` over `outer`. */
export function foldSettings(outer: TaskSettings, inner: Partial<TaskSettings>): TaskSettings {
  const out: TaskSettings = {
    when: [...outer.when, ...(inner.when ?? [])],
    tags: [...new Set([...outer.tags, ...(inner.tags ?? [])])],
    vars: { ...outer.vars, ...(inner.vars ?? {}) },
    environment: stackEnvironment(outer.environment, inner.environment ?? []),
  };
  if (outer.params || inner.params) out.params = { ...outer.params, ...inner.params };
  const scalars = ['become', 'becomeUser', 'ignoreErrors', 'noLog', 'runOnce', 'delegateTo', 'checkMode', 'diff'] as const;
  for (const key of scalars) {
    const v = inner[key] ?? outer[key];
    if (v !== undefined) (out as unknown as Record<string, unknown>)[key] = v;
  }
  return out;
}

/** Layers in order; adjacent mappings are merged now, templates stay separate layers for the engine. */
function stackEnvironment(outer: EnvironmentLayer[], inner: EnvironmentLayer[]): EnvironmentLayer[] {
  const out = [...outer];
  for (const layer of inner) {
    const last = out[out.length - 1];
    if (typeof layer !== 'string' && last !== undefined && typeof last !== 'string') out[out.length - 1] = { ...last, ...layer };
    else out.push(layer);
  }
  return out;
}

/** Copy of the settings (so nodes never share mutable objects). */
export function cloneSettings(s: TaskSettings): TaskSettings {
  return foldSettings(s, {});
}

export const INHERITED_KEYS: ReadonlySet<string> = new Set(Object.keys(InheritedKeywords));

/** The position-bearing node for a keyword, for messages. */
export function nodeOf(checked: Checked): ParsedNode | null {
  return checked.entry.node ?? checked.entry.keyNode;
}
