// Which action a task runs (a module, block, include, import or meta) and which of its keys are keywords for that
// action: unknown and misplaced keys, a task without a module or with two, are reported here. Building the node
// from the classified task is task-loader.ts's (and task-build.ts's) work.
import type { TSchema } from '@sinclair/typebox';
import type { SourcePosition } from '../errors.js';
import type { Site } from './check-value.js';
import { suggestion } from '../text/did-you-mean.js';
import {
  ACTIONS,
  BlockKeywords,
  HandlerKeywords,
  ImportKeywords,
  IncludeKeywords,
  MetaKeywords,
  TaskKeywords,
  UNSUPPORTED_KEYS,
  type SpecialAction,
} from './keywords.js';
import { moduleForKey, shortActionName } from './module-catalog.js';
import { checkKeywords, INHERITED_KEYS, type Checked } from './task-settings.js';
import type { MapEntry } from './yaml-nodes.js';
import { ownValue } from '../own-keys.js';
import { NEAREST_BY_PURPOSE } from './module-equivalents.js';

const ALL_TASK_KEYS: ReadonlySet<string> = new Set([
  ...Object.keys(HandlerKeywords),
  ...Object.keys(BlockKeywords),
  ...Object.keys(IncludeKeywords),
  ...Object.keys(ImportKeywords),
  ...Object.keys(MetaKeywords),
]);

export type ActionKind = SpecialAction | 'module';

export interface Action {
  entry: MapEntry;
  kind: ActionKind;
  module?: string;
}

export interface ClassifiedTask {
  action: Action;
  /** The keyword values checked against the action's table. */
  checked: Map<string, Checked>;
  /** The keyword entries allowed for this action (checked or not). */
  entries: MapEntry[];
}

/**
 * The task's one action and its keywords, checked; undefined (with the problems reported) when it has no action,
 * several, or one that handlers cannot use. `at` is the task's position, for "has no module".
 */
export function classifyTask(site: Site, at: SourcePosition, entries: readonly MapEntry[], moduleNames: ReadonlySet<string>, handlers: boolean): ClassifiedTask | undefined {
  const actions: Action[] = [];
  const keywords: MapEntry[] = [];
  let unknown = 0;
  for (const e of entries) {
    const short = shortActionName(e.key);
    if ((ACTIONS as readonly string[]).includes(short)) {
      actions.push({ entry: e, kind: short as SpecialAction });
      continue;
    }
    const module = moduleForKey(e.key, moduleNames);
    if (module !== undefined) {
      actions.push({ entry: e, kind: 'module', module });
      continue;
    }
    if (ALL_TASK_KEYS.has(e.key)) {
      keywords.push(e);
      continue;
    }
    unknown += 1;
    reportUnknownKey(site, e, moduleNames);
  }
  const { problems, label, source } = site;
  if (actions.length === 0) {
    if (unknown === 0) {
      const names = [...moduleNames].sort();
      problems.add(at, `${label} has no module: expected exactly one module key (${names.slice(0, 6).join(', ')}, …)`, `modules: ${names.join(', ')}`);
    }
    return undefined;
  }
  if (actions.length > 1) {
    const keys = actions.map((a) => a.entry.key);
    const what = actions.every((a) => a.kind === 'module') ? 'module keys' : 'actions';
    problems.add(
      source.positionOfNode(actions[1]!.entry.keyNode),
      `${label} has ${actions.length} ${what} (${keys.join(', ')}): a task runs exactly one module, block, include or import`,
      'split it into one task per module',
    );
    return undefined;
  }
  const action = actions[0]!;
  if (handlers && action.kind !== 'module' && action.kind !== 'import_tasks' && action.kind !== 'block') {
    problems.add(source.positionOfNode(action.entry.keyNode), `${label}: ${action.entry.key} cannot be used in handlers`, 'handlers are module tasks (import_tasks and block are allowed)');
    return undefined;
  }
  const table = tableFor(action.kind, handlers);
  const allowed: MapEntry[] = [];
  for (const e of keywords) {
    if (Object.hasOwn(table, e.key)) allowed.push(e);
    else reportMisplaced(site, e, action, handlers);
  }
  const checked = checkKeywords(site, allowed, table);
  return { action, checked, entries: allowed };
}

function tableFor(kind: ActionKind, handlers: boolean): Record<string, TSchema> {
  switch (kind) {
    case 'module':
      return handlers ? HandlerKeywords : TaskKeywords;
    case 'block':
      return BlockKeywords;
    case 'include_tasks':
    case 'include_role':
      return IncludeKeywords;
    case 'import_tasks':
    case 'import_role':
      return ImportKeywords;
    case 'meta':
      return MetaKeywords;
  }
}

function reportUnknownKey(site: Site, e: MapEntry, modules: ReadonlySet<string>): void {
  const at = site.source.positionOfNode(e.keyNode);
  if (e.key === 'import_playbook') {
    site.problems.add(at, `${site.label}: import_playbook belongs at the top level of a playbook, not in a task list`, 'move it out of the tasks, next to the plays');
    return;
  }
  const hint = ownValue(UNSUPPORTED_KEYS, e.key);
  if (hint !== undefined) {
    site.problems.add(at, `${site.label}: ${e.key} is not supported`, hint);
    return;
  }
  const short = shortActionName(e.key);
  const nearest = ownValue(NEAREST_BY_PURPOSE, short);
  if (nearest !== undefined) {
    site.problems.add(at, `${site.label}: tsinfra has no module "${e.key}"`, `nearest by purpose: ${nearest} (docs/modules.md)`);
    return;
  }
  if (short !== e.key || e.key.includes('.')) {
    site.problems.add(at, `${site.label}: unknown module "${e.key}"${suggestion(short, modules)}`, `modules: ${[...modules].sort().join(', ')}`);
    return;
  }
  site.problems.add(
    at,
    `${site.label}: unknown key "${e.key}"${suggestion(e.key, [...ALL_TASK_KEYS, ...modules, ...ACTIONS])}`,
    'expected a module name or a task keyword',
  );
}

function reportMisplaced(site: Site, e: MapEntry, action: Action, handlers: boolean): void {
  const at = site.source.positionOfNode(e.keyNode);
  const { key } = e;
  const a = action.entry.key;
  const add = (message: string, hint?: string) => site.problems.add(at, `${site.label}: ${message}`, hint);
  if (key === 'listen' && !handlers) return add('listen is only for handlers', 'a task names handlers with notify');
  if ((key === 'rescue' || key === 'always') && action.kind !== 'block') {
    return add(`${key} needs a block in the same task`, `put the tasks under block: and ${key}: beside it`);
  }
  const looping = key === 'loop' || key.startsWith('with_') || key === 'loop_control';
  switch (action.kind) {
    case 'include_tasks':
    case 'include_role':
      if (INHERITED_KEYS.has(key)) {
        return add(`${key} on ${a} would apply to the include only, not to the included tasks`, `put it under apply: in ${a}, or use ${a.replace('include', 'import')}, whose keywords pass down`);
      }
      return add(`${key} cannot be used with ${a}`);
    case 'import_tasks':
    case 'import_role':
      if (looping) return add(`${a} is static and cannot loop`, `use ${a.replace('import', 'include')} to loop`);
      return add(`${key} cannot be used with ${a}`);
    case 'block':
      if (looping) return add(`a block cannot loop`, 'loop over an include_tasks instead');
      return add(`${key} cannot be used on a block`, 'put it on the tasks inside the block');
    case 'meta':
      return add(`${key} cannot be used with meta`);
    case 'module':
      return add(`${key} is only for blocks`);
  }
}
