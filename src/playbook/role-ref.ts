// A reference to a role, in a play's `roles:` or a role's meta `dependencies:`: a name, or a mapping with
// `role:` (or `name:`), `vars:` (the role's parameters) and keywords its tasks inherit.
import type { ParsedNode } from 'yaml';
import type { SourcePosition } from '../errors.js';
import { describeNode } from '../config/yaml-source.js';
import type { Site } from './check-value.js';
import { suggestion } from '../text/did-you-mean.js';
import { RoleRefKeywords, UNSUPPORTED_KEYS } from './keywords.js';
import type { TaskSettings } from './playbook-plan.js';
import { checkKeywords, ownSettings } from './task-settings.js';
import { mapEntries, valueOf } from './yaml-nodes.js';
import { ownValue } from '../own-keys.js';

export interface RoleRef {
  name: string;
  at: SourcePosition;
  /** For messages: `role "common"`. */
  label: string;
  params: Record<string, unknown>;
  /** Keywords the role's tasks inherit (when, tags, become, …), without vars. */
  own: Partial<TaskSettings>;
}

/** Parse one item of a roles list; `what` names it when it has no name ("roles #2 in play \"web\""). */
export function parseRoleRef(site: Site, node: ParsedNode | null, what: string): RoleRef | undefined {
  const { source, problems } = site;
  const at = source.positionOfNode(node);
  const value = valueOf(source, node);
  if (typeof value === 'string' && value.trim() !== '') {
    return { name: value.trim(), at, label: `role ${JSON.stringify(value.trim())}`, params: {}, own: {} };
  }
  const entries = mapEntries(source, node);
  if (!entries) {
    problems.add(at, `${site.label}: ${what} must be a role name or a mapping with role:, got ${describeNode(node)}`);
    return undefined;
  }
  const nameEntries = entries.filter((e) => e.key === 'role' || e.key === 'name');
  const nameValue = nameEntries[0] ? valueOf(source, nameEntries[0].node) : undefined;
  const label = typeof nameValue === 'string' ? `role ${JSON.stringify(nameValue)}` : `${site.label}: ${what}`;
  const inner: Site = { ...site, label };
  let ok = true;
  for (const e of entries) {
    if (Object.hasOwn(RoleRefKeywords, e.key)) continue;
    ok = false;
    const hint = ownValue(UNSUPPORTED_KEYS, e.key);
    problems.add(
      source.positionOfNode(e.keyNode),
      hint === undefined
        ? `${label}: unknown role key "${e.key}"${suggestion(e.key, Object.keys(RoleRefKeywords))}`
        : `${label}: ${e.key} is not supported on a role`,
      hint ?? `expected ${Object.keys(RoleRefKeywords).join(', ')}; role parameters go under vars:`,
    );
  }
  if (nameEntries.length > 1) {
    problems.add(source.positionOfNode(nameEntries[1]!.keyNode), `${label}: give role: or name:, not both`);
    return undefined;
  }
  if (nameEntries.length === 0) {
    if (ok) problems.add(at, `${label} needs role: (the role name)`);
    return undefined;
  }
  const checked = checkKeywords(inner, entries, RoleRefKeywords);
  if (!checked.has(nameEntries[0]!.key) || !ok) return undefined;
  const { vars, ...own } = ownSettings(checked);
  return {
    name: String(nameValue).trim(),
    at: source.positionOfNode(nameEntries[0]!.node),
    label,
    params: vars ?? {},
    own,
  };
}
