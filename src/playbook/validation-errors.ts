// Every problem a playbook has, reported at once: loaders collect ConfigErrors into Problems and the entry point
// throws one ValidationErrors listing them all.
import { ConfigError, TsinfraError, formatPosition, type SourcePosition } from '../errors.js';
import type { PlanWarning } from './playbook-plan.js';

/** One line per problem, each `file:line:column: message (hint: …)`. */
export class ValidationErrors extends TsinfraError {
  readonly problems: readonly ConfigError[];
  constructor(problems: readonly ConfigError[]) {
    // One line per problem, then its code frame when it has one.
    super('TSI_CONFIG', problems.map((p) => (p.frame ? `${p.describe().slice(0, -p.frame.length - 1).replace(/\n/g, ' ')}\n${p.frame}` : p.describe().replace(/\n/g, ' '))).join('\n'));
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

  /** The problems by file (in the order files were first reported), then line and column. */
  sorted(): ConfigError[] {
    const fileOrder = new Map<string, number>();
    for (const p of this.list) if (!fileOrder.has(p.position.file)) fileOrder.set(p.position.file, fileOrder.size);
    const key = (p: ConfigError) => [fileOrder.get(p.position.file)!, p.position.line ?? 0, p.position.column ?? 0];
    return [...this.list].sort((a, b) => {
      const ka = key(a);
      const kb = key(b);
      return ka[0]! - kb[0]! || ka[1]! - kb[1]! || ka[2]! - kb[2]!;
    });
  }

  /** Throws ValidationErrors when anything was collected. */
  throwIfAny(): void {
    if (this.list.length > 0) throw new ValidationErrors(this.sorted());
  }
}
