// What helpers and the compiler throw inside handlebars. render.ts turns these into a TemplateError that names the
// file, task and position, which only it knows.

import type { TemplateLoc } from '../template-site.js';

export type { TemplateLoc } from '../template-site.js';

export class TemplateFailure extends Error {
  readonly loc?: TemplateLoc;
  readonly variable?: string;
  readonly hint?: string;
  constructor(message: string, options: { loc?: TemplateLoc; variable?: string; hint?: string } = {}) {
    super(message);
    this.name = 'TemplateFailure';
    this.loc = options.loc;
    this.variable = options.variable;
    this.hint = options.hint;
  }
}

/** Read the start position handlebars gives a helper in `options.loc`. */
export function locOf(options: unknown): TemplateLoc | undefined {
  const loc = (options as { loc?: { start?: { line?: unknown; column?: unknown } } } | undefined)?.loc?.start;
  if (typeof loc?.line !== 'number' || typeof loc.column !== 'number') return undefined;
  return { line: loc.line, column: loc.column };
}
