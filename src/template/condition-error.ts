// An ExpressionError that knows the column, and shows the expression with a caret under it to people.
import { ExpressionError, formatPosition, type SourcePosition } from '../errors.js';

/** Where a condition was written: the YAML position of the `when:` (or …) value, and the task's name. */
export interface ConditionSite extends SourcePosition {
  task?: string;
}

export function formatConditionSite(site: ConditionSite): string {
  return `${formatPosition(site)}${site.task === undefined ? '' : ` (task ${JSON.stringify(site.task)})`}`;
}

/** "  result.rc = 0\n            ^": the expression and a caret under `column` (1-based). */
export function caretLines(expression: string, column: number): string {
  return `  ${expression}\n  ${' '.repeat(Math.max(0, column - 1))}^`;
}

export class ConditionError extends ExpressionError {
  readonly column?: number; // 1-based, within the expression
  constructor(expression: string, message: string, options: { column?: number; hint?: string; cause?: unknown } = {}) {
    // One line for messages: a literal YAML block may hold newlines; spaces keep every column where it was.
    super(expression.replace(/[\r\n\t]/g, ' '), options.column === undefined ? message : `${message} at column ${options.column}`, options);
    this.column = options.column;
  }

  /** The one-line description, then the expression with a caret under the column. */
  override describe(): string {
    const line = super.describe();
    return this.column === undefined ? line : `${line}\n${caretLines(this.expression, this.column)}`;
  }
}
