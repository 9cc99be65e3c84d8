// The entry point: a playbook file → a validated PlaybookPlan, or one ValidationErrors listing every problem.
import { resolve } from 'node:path';
import { LoadContext, type LoadPlaybookOptions } from './load-context.js';
import { loadPlaybookFile } from './play-loader.js';
import type { PlaybookPlan, PlayPlan } from './playbook-plan.js';

export type { LoadPlaybookOptions } from './load-context.js';

/**
 * Load `path` with its imported playbooks, roles and task files, and check everything before any host is touched.
 * Throws ValidationErrors (code TSI_CONFIG) with every problem found, each at its file:line:column.
 */
export async function loadPlaybook(path: string, options: LoadPlaybookOptions): Promise<PlaybookPlan> {
  const ctx = new LoadContext(options);
  const file = resolve(path);
  const plays: PlayPlan[] = [];
  await loadPlaybookFile(ctx, file, { chain: [], vars: {}, tags: [] }, plays);
  ctx.problems.throwIfAny();
  const roles = Object.fromEntries([...ctx.roles.values()].map((r) => [r.key, r]));
  return { file, plays, roles, warnings: ctx.problems.warnings };
}
