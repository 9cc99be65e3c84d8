// A `template` task's `src` without a template in it, checked at load: the file must be where the engine will look
// for it (the role's templates/, the role, the playbook's templates/, the playbook's directory), and its text must
// compile (syntax, unknown filters, tests and statements). Otherwise each would fail on every host, mid-run.
import { readFileSync } from 'node:fs';
import { isAbsolute, join } from 'node:path';
import { TemplateError } from '../errors.js';
import { checkTemplate } from '../template/index.js';
import { isFile } from './load-context.js';
import type { NodeStart } from './task-build.js';
import type { Action } from './task-classify.js';
import { isTemplate, nodeAtPointer } from './yaml-nodes.js';

/** The template files already checked in this load, by path: a template used by many tasks is read once. */
const checked = new WeakMap<object, Map<string, string | undefined>>();

export function checkTemplateSource(n: NodeStart, action: Action, args: unknown): void {
  const { site, scope, ts } = n;
  const normalized = typeof args === 'string' ? scope.ctx.catalog.normalize?.(action.module!, args) : args;
  const src = (normalized as { src?: unknown } | null)?.src;
  if (typeof src !== 'string' || src === '' || isTemplate(src)) return;
  const target = nodeAtPointer(site.source, action.entry.node, '/src');
  const at = site.source.positionOfNode(target.complete ? target.node : action.entry.keyNode);
  const role = ts.role?.dir;
  const dirs = [...(role ? [join(role, 'templates'), role] : []), join(scope.playbookDir, 'templates'), scope.playbookDir];
  const looked = isAbsolute(src) ? [src] : [...new Set(dirs.map((d) => join(d, src)))];
  const file = looked.find(isFile);
  if (file === undefined) {
    site.problems.add(at, `${site.label}: template src ${JSON.stringify(src)} not found (looked for ${looked.map((l) => scope.ctx.display(l)).join(', ')})`);
    return;
  }
  let seen = checked.get(scope.ctx);
  if (!seen) checked.set(scope.ctx, (seen = new Map()));
  if (!seen.has(file)) seen.set(file, problemIn(file));
  const problem = seen.get(file);
  if (problem !== undefined) site.problems.add(at, `${site.label}: template src ${JSON.stringify(src)}: ${problem}`);
}

/** What keeps the template file from compiling, or undefined. */
function problemIn(file: string): string | undefined {
  try {
    checkTemplate(readFileSync(file, 'utf8'), { file });
    return undefined;
  } catch (err) {
    if (err instanceof TemplateError) return err.message;
    throw err;
  }
}
