// Recursive-descent parser for conditions, precedence lowest first (Jinja's order, which Ansible users know):
//   or → and → not → comparison (== != < <= > >= in, not in) → unary minus → postfix (.a [i] | filter  is test)
// So `not a and b` is `(not a) and b`, and `not x is defined` is `not (x is defined)`. ASTs are cached by text.
import type { CompareOp, ExprNode, ParsedExpression } from './ast.js';
import { ExprFailure } from './expr-failure.js';
import { tokenize, type Token } from './tokenize.js';

const LITERAL_WORDS: Record<string, boolean | null> = { true: true, True: true, false: false, False: false, none: null, None: null, null: null };
const COMPARE_OPS = new Set(['==', '!=', '<', '<=', '>', '>=']);

function describe(t: Token): string {
  if (t.kind === 'eof') return 'end of condition';
  if (t.kind === 'str') return 'a string';
  if (t.kind === 'num') return `number ${t.value}`;
  return `"${t.value}"`;
}

class Parser {
  private i = 0;
  constructor(private readonly toks: Token[]) {}

  private peek(offset = 0): Token {
    return this.toks[Math.min(this.i + offset, this.toks.length - 1)]!;
  }
  private isOp(value: string): boolean {
    const t = this.peek();
    return t.kind === 'op' && t.value === value;
  }
  private isWord(value: string, offset = 0): boolean {
    const t = this.peek(offset);
    return t.kind === 'name' && t.value === value;
  }
  private take(): Token {
    const t = this.peek();
    if (t.kind !== 'eof') this.i++;
    return t;
  }
  private unexpected(t: Token = this.peek(), hint?: string): ExprFailure {
    return new ExprFailure(`unexpected ${describe(t)}`, t.pos, hint);
  }
  private expectOp(value: string): Token {
    if (!this.isOp(value)) throw this.unexpected(this.peek(), `expected "${value}"`);
    return this.take();
  }

  whole(): ExprNode {
    if (this.peek().kind === 'eof') throw new ExprFailure('empty condition', 0);
    const node = this.or();
    const t = this.peek();
    if (t.kind !== 'eof') {
      const hint = t.kind === 'op' && t.value === '(' ? 'calls are not supported: use a filter, e.g. x | length' : undefined;
      throw this.unexpected(t, hint);
    }
    return node;
  }

  private or(): ExprNode {
    let left = this.and();
    while (this.isWord('or')) {
      this.take();
      const right = this.and();
      left = { kind: 'or', left, right, pos: left.pos, end: right.end };
    }
    return left;
  }

  private and(): ExprNode {
    let left = this.not();
    while (this.isWord('and')) {
      this.take();
      const right = this.not();
      left = { kind: 'and', left, right, pos: left.pos, end: right.end };
    }
    return left;
  }

  private not(): ExprNode {
    if (this.isWord('not')) {
      const t = this.take();
      const operand = this.not();
      return { kind: 'not', operand, pos: t.pos, end: operand.end };
    }
    return this.comparison();
  }

  private compareOp(): CompareOp | undefined {
    const t = this.peek();
    if (t.kind === 'op' && COMPARE_OPS.has(t.value)) return t.value as CompareOp;
    if (this.isWord('in')) return 'in';
    if (this.isWord('not') && this.isWord('in', 1)) return 'not in';
    return undefined;
  }

  /** Chains like Python: `1 < x <= 5` is `1 < x and x <= 5`. */
  private comparison(): ExprNode {
    const first = this.unary();
    const rest: { op: CompareOp; pos: number; right: ExprNode }[] = [];
    for (let op = this.compareOp(); op !== undefined; op = this.compareOp()) {
      const pos = this.take().pos;
      if (op === 'not in') this.take();
      rest.push({ op, pos, right: this.unary() });
    }
    if (rest.length === 0) return first;
    return { kind: 'compare', first, rest, pos: first.pos, end: rest[rest.length - 1]!.right.end };
  }

  private unary(): ExprNode {
    if (this.isOp('-')) {
      const t = this.take();
      const operand = this.unary();
      return { kind: 'neg', operand, pos: t.pos, end: operand.end };
    }
    return this.postfix();
  }

  private args(): ExprNode[] {
    if (!this.isOp('(')) return [];
    this.take();
    const out: ExprNode[] = [];
    if (this.isOp(')')) {
      this.take();
      return out;
    }
    for (;;) {
      out.push(this.or());
      if (this.isOp(',')) {
        this.take();
        continue;
      }
      this.expectOp(')');
      return out;
    }
  }

  private name(what: string): Token {
    const t = this.peek();
    if (t.kind !== 'name') throw this.unexpected(t, `expected ${what}`);
    return this.take();
  }

  private postfix(): ExprNode {
    let node = this.primary();
    for (;;) {
      if (this.isOp('.')) {
        this.take();
        const t = this.peek();
        // a.0 is Jinja's spelling of a[0]
        const key = t.kind === 'num' && Number.isInteger(t.value) ? String(t.value) : String(this.name('a name after "."').value);
        if (t.kind === 'num') this.take();
        node = { kind: 'member', object: node, key, pos: node.pos, end: t.end };
      } else if (this.isOp('[')) {
        this.take();
        const index = this.or();
        const close = this.expectOp(']');
        node = { kind: 'index', object: node, index, pos: node.pos, end: close.end };
      } else if (this.isOp('|')) {
        this.take();
        const n = this.name('a filter name');
        const args = this.args();
        node = { kind: 'filter', name: String(n.value), namePos: n.pos, input: node, args, pos: node.pos, end: this.toks[this.i - 1]!.end };
      } else if (this.isWord('is')) {
        this.take();
        const negate = this.isWord('not');
        if (negate) this.take();
        const n = this.name('a test name, e.g. "is defined"');
        const args = this.args();
        node = { kind: 'test', name: String(n.value), namePos: n.pos, negate, input: node, args, pos: node.pos, end: this.toks[this.i - 1]!.end };
      } else {
        return node;
      }
    }
  }

  private primary(): ExprNode {
    const t = this.take();
    switch (t.kind) {
      case 'num':
      case 'str':
        return { kind: 'literal', value: t.value, pos: t.pos, end: t.end };
      case 'name': {
        if (Object.hasOwn(LITERAL_WORDS, t.value)) return { kind: 'literal', value: LITERAL_WORDS[t.value]!, pos: t.pos, end: t.end };
        if (['and', 'or', 'not', 'in', 'is'].includes(t.value)) throw this.unexpected(t, 'expected a value');
        return { kind: 'var', name: t.value, pos: t.pos, end: t.end };
      }
      case 'op':
        if (t.value === '(') {
          const inner = this.or();
          const close = this.expectOp(')');
          return { ...inner, pos: t.pos, end: close.end };
        }
        if (t.value === '[') {
          const items: ExprNode[] = [];
          while (!this.isOp(']')) {
            items.push(this.or());
            if (!this.isOp(',')) break;
            this.take();
          }
          const close = this.expectOp(']');
          return { kind: 'list', items, pos: t.pos, end: close.end };
        }
        throw this.unexpected(t, 'expected a value');
      default:
        throw this.unexpected(t, 'expected a value');
    }
  }
}

const MAX_ENTRIES = 4096; // conditions come from playbooks: this bounds memory, not the hit rate
const cache = new Map<string, ParsedExpression>();

/** Parse a condition (without any `{{ }}`); throws ExprFailure with the offset of the problem. */
export function parseExpression(text: string): ParsedExpression {
  const hit = cache.get(text);
  if (hit) return hit;
  const parsed: ParsedExpression = { text, root: new Parser(tokenize(text)).whole() };
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(text, parsed);
  return parsed;
}
