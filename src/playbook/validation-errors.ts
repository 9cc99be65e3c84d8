// Every problem a playbook has, reported at once: loaders collect ConfigErrors into Problems and the entry point
// throws one ValidationErrors listing them all.
import { ConfigError, TsinfraError, formatPosition, type SourcePosition } from '../errors.js';
import type { PlanWarning } from './playbook-plan.js';

/** One line per problem, each `file:line:column: message (hint: …)`. */
export class ValidationErrors extends TsinfraError {
  readonly problems: readonly ConfigError[];
  constructor(problems: readonly ConfigError[]) {
    super('TSI_CONFIG', problems.map((p) => p.describe().replace(/\n/g, ' ')).join('\n'));
    this.problems = problems;
  }
}

/** Collects problems and warnings; the same message at the same place is kept once (a file loaded twice). */
export class Problems {
  readonly list: ConfigError[] = [];
  readonly warnings: PlanWarning[] = [];
  private readonly seen = new Set<string>();
  private readonly seenWarnings = new Set<string>();

  add(at: SourcePosition, message: string, hint?: string): void {
    this.push(new ConfigError(at, message, hint === undefined ? {} : { hint }));
  }

  push(err: ConfigError): void {
    if (this.seen.has(err.message)) return;
    this.seen.add(err.message);
    this.list.push(err);
  }

  warn(at: SourcePosition, message: string): void {
    const key = `${formatPosition(at)}: ${message}`;
    if (this.seenWarnings.has(key)) return;
    this.seenWarnings.add(key);
    this.warnings.push({ at, message });
  }

  get count(): number {
    return this.list.length;
  }

  /** Throws ValidationErrors when anything was collected. */
  throwIfAny(): void {
    if (this.list.length > 0) throw new ValidationErrors(this.list);
  }
}
