// What the tokenizer, parser and evaluator throw: a message and an offset. condition.ts adds the site and caret.

export class ExprFailure extends Error {
  readonly pos: number; // 0-based offset into the expression
  readonly hint?: string;
  constructor(message: string, pos: number, hint?: string) {
    super(message);
    this.name = 'ExprFailure';
    this.pos = pos;
    this.hint = hint;
  }
}
