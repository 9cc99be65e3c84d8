// The entry point: a playbook file → a validated PlaybookPlan, or one ValidationErrors listing every problem.
import { resolve } from 'node:path';
import type { YamlSource } from '../config/yaml-source.js';
import { LoadContext, type LoadPlaybookOptions } from './load-context.js';
import { loadPlaybookFile } from './play-loader.js';
import type { PlaybookPlan, PlayPlan } from './playbook-plan.js';

export type { LoadPlaybookOptions } from './load-context.js';

/**
 * Load `path` with its imported playbooks, roles and task files, and check everything before any host is touched.
 * Throws ValidationErrors (code TSI_CONFIG) with every problem found, each at its file:line:column.
 */
export async function loadPlaybook(path: string, options: LoadPlaybookOptions): Promise<PlaybookPlan> {
  return loadFrom(new LoadContext(options), resolve(path));
}

/**
 * The same, from a playbook already parsed in memory (an ad-hoc run's one-task play): nothing is written to disk,
 * so secrets in its arguments never land in a file. `source.file` names it in errors and is its playbook directory's anchor.
 */
export async function loadPlaybookSource(source: YamlSource, options: LoadPlaybookOptions): Promise<PlaybookPlan> {
  const ctx = new LoadContext(options);
  ctx.provideYaml(source);
  return loadFrom(ctx, source.file);
}

async function loadFrom(ctx: LoadContext, file: string): Promise<PlaybookPlan> {
  const plays: PlayPlan[] = [];
  await loadPlaybookFile(ctx, file, { chain: [], vars: {}, tags: [] }, plays);
  ctx.problems.throwIfAny();
  const roles = Object.fromEntries([...ctx.roles.values()].map((r) => [r.key, r]));
  return { file, plays, roles, warnings: ctx.problems.warnings };
}
