// Shared by the playbook tests: fixture paths, loading with the fake catalog, throwaway projects on disk.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import assert from 'node:assert/strict';
import { loadPlaybook, type LoadPlaybookOptions } from '../../../src/playbook/load-playbook.js';
import type { PlaybookPlan, TaskNode } from '../../../src/playbook/playbook-plan.js';
import { ValidationErrors } from '../../../src/playbook/validation-errors.js';
import { fakeCatalog } from './fake-catalog.js';
import { tempDir } from '../../support/temp-dir.js';

export const FIXTURES = join(dirname(fileURLToPath(import.meta.url)), '..', '..', 'fixtures', 'playbooks');
export const GOOD = join(FIXTURES, 'good');
export const BAD = join(FIXTURES, 'bad');

export function load(path: string, options: Partial<LoadPlaybookOptions> = {}): Promise<PlaybookPlan> {
  return loadPlaybook(path, { rolesPath: [], catalog: fakeCatalog, projectDir: dirname(path), ...options });
}

export async function problemsOf(path: string, options: Partial<LoadPlaybookOptions> = {}): Promise<ValidationErrors> {
  try {
    await load(path, options);
  } catch (err) {
    assert.ok(err instanceof ValidationErrors, `expected ValidationErrors, got ${(err as Error)?.stack ?? err}`);
    return err;
  }
  assert.fail(`${path} loaded without problems`);
}

/** Write `files` (relative path → text) into a fresh temp directory and return its path. */
export function writeTree(files: Record<string, string>): string {
  const dir = tempDir('tsinfra-pb-');
  for (const [rel, text] of Object.entries(files)) {
    mkdirSync(dirname(join(dir, rel)), { recursive: true });
    writeFileSync(join(dir, rel), text);
  }
  return dir;
}

/** Every node depth first, with a path-like view for compact assertions. */
export function flat(nodes: readonly TaskNode[]): TaskNode[] {
  return nodes.flatMap((n) => [
    n,
    ...(n.kind === 'block' ? [...flat(n.block), ...flat(n.rescue), ...flat(n.always)] : []),
    ...((n.kind === 'include_tasks' || n.kind === 'include_role') && n.tasks ? flat(n.tasks) : []),
  ]);
}

export function byName(plan: PlaybookPlan, name: string): TaskNode {
  for (const play of plan.plays) {
    const found = flat(play.tasks).find((t) => t.name === name);
    if (found) return found;
  }
  assert.fail(`no task named ${name}`);
}
