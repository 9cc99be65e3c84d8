// Jinja2's grammar, as its own parser.py has it: the same precedence (or < and < not < comparisons < + - < ~ <
// * / // % < ** < unary < postfix, filters and tests), the same statements, the same error wording where it helps.
import type { BinaryOp, Call, CompareOp, Expr, MacroParam, Stmt, Target, TemplateAst } from './ast.js';
import { tokenize, tokenizeExpression, type LexOptions, type Token } from './lexer.js';
import { JinjaSyntaxError } from './syntax-error.js';
import { makeFloat } from './values.js';

/** The name the filters of `{% filter %}` and `{% set x | f %}` read their input from. */
export const BLOCK_INPUT = '\0block';

const COMPARE: Record<string, CompareOp> = { '==': '==', '!=': '!=', '<': '<', '<=': '<=', '>': '>', '>=': '>=' };
const END_TAGS: Record<string, string[]> = {
  if: ['elif', 'else', 'endif'],
  for: ['else', 'endfor'],
};

export function parseTemplate(source: string, options: LexOptions): TemplateAst {
  const p = new Parser(tokenize(source, options));
  const body = p.subparse([]);
  return { body };
}

export function parseExpression(source: string): Expr {
  const p = new Parser(tokenizeExpression(source));
  const expr = p.expression();
  p.expectEof();
  return expr;
}

class Parser {
  private i = 0;
  constructor(private readonly tokens: Token[]) {}

  private get cur(): Token {
    return this.tokens[this.i]!;
  }
  private peek(n = 1): Token {
    return this.tokens[Math.min(this.i + n, this.tokens.length - 1)]!;
  }
  private next(): Token {
    const t = this.cur;
    if (t.type !== 'eof') this.i += 1;
    return t;
  }
  private isOp(value: string, t = this.cur): boolean {
    return t.type === 'operator' && t.value === value;
  }
  private isName(value: string, t = this.cur): boolean {
    return t.type === 'name' && t.value === value;
  }
  private skipOp(value: string): boolean {
    if (!this.isOp(value)) return false;
    this.next();
    return true;
  }
  private skipName(value: string): boolean {
    if (!this.isName(value)) return false;
    this.next();
    return true;
  }
  private describe(t: Token): string {
    if (t.type === 'eof') return 'end of template';
    if (t.type === 'block_end') return "end of statement block ('%}')";
    if (t.type === 'variable_end') return "end of print statement ('}}')";
    if (t.type === 'string') return 'string';
    return `'${t.value}'`;
  }
  private fail(message: string, t = this.cur, hint?: string): never {
    throw new JinjaSyntaxError(message, t.pos, hint);
  }
  private expectOp(value: string): Token {
    if (!this.isOp(value)) this.fail(`expected '${value}', got ${this.describe(this.cur)}`);
    return this.next();
  }
  private expectName(): Token {
    if (this.cur.type !== 'name') this.fail(`expected a name, got ${this.describe(this.cur)}`);
    return this.next();
  }
  private expectType(type: Token['type']): Token {
    if (this.cur.type !== type) this.fail(`expected ${type === 'block_end' ? "'%}'" : type === 'variable_end' ? "'}}'" : type}, got ${this.describe(this.cur)}`);
    return this.next();
  }
  expectEof(): void {
    if (this.cur.type !== 'eof') this.fail(`unexpected ${this.describe(this.cur)}`);
  }

  // ---- statements ----

  /** Statements until one of `endTags` opens a block tag (left unconsumed: the caller reads it). */
  subparse(endTags: string[]): Stmt[] {
    const body: Stmt[] = [];
    for (;;) {
      const t = this.cur;
      if (t.type === 'eof') {
        if (endTags.length) this.fail(`unexpected end of template: Jinja was looking for ${endTags.map((e) => `'${e}'`).join(' or ')}`);
        return body;
      }
      if (t.type === 'data') {
        this.next();
        body.push({ kind: 'output', pos: t.pos, text: t.value });
      } else if (t.type === 'variable_begin') {
        this.next();
        const expr = this.tuple({ withCondexpr: true });
        this.expectType('variable_end');
        body.push({ kind: 'print', pos: t.pos, expr });
      } else if (t.type === 'block_begin') {
        const name = this.peek();
        if (name.type === 'name' && endTags.includes(name.value)) return body;
        this.next();
        body.push(this.statement(t));
      } else this.fail(`unexpected ${this.describe(t)}`);
    }
  }

  private statement(begin: Token): Stmt {
    const t = this.cur;
    if (t.type !== 'name') this.fail('tag name expected', t);
    switch (t.value) {
      case 'if':
        return this.ifStmt(begin);
      case 'for':
        return this.forStmt(begin);
      case 'set':
        return this.setStmt(begin);
      case 'macro':
        return this.macroStmt(begin);
      case 'call':
        return this.callStmt(begin);
      case 'filter':
        return this.filterStmt(begin);
      case 'with':
        return this.withStmt(begin);
      case 'block':
        return this.blockStmt(begin);
      case 'autoescape':
        return this.autoescapeStmt(begin);
      case 'include':
        return this.includeStmt(begin);
      case 'import':
        return this.importStmt(begin);
      case 'from':
        return this.fromStmt(begin);
      case 'extends':
        this.fail('template inheritance ({% extends %}) is not supported', t, 'include the parts instead: {% include "base.j2" %}');
      // falls through: fail never returns
      default:
        this.fail(
          /^(end|elif$|else$)/.test(t.value)
            ? `unexpected '${t.value}'${openerHint(t.value)}`
            : `unknown tag '${t.value}'`,
          t,
          /^(do|break|continue)$/.test(t.value) ? `Ansible does not enable the extension that gives {% ${t.value} %}` : undefined,
        );
    }
  }

  /** `{% endX %}` or another end tag: consume the block tag and return its name. */
  private endTag(): string {
    this.expectType('block_begin');
    const name = this.expectName().value;
    return name;
  }

  private closeBlock(): void {
    this.expectType('block_end');
  }

  private ifStmt(begin: Token): Stmt {
    this.next(); // if
    const branches: { test: Expr; body: Stmt[] }[] = [];
    let test = this.tuple({ withCondexpr: false });
    this.closeBlock();
    for (;;) {
      const body = this.subparse(END_TAGS.if!);
      branches.push({ test, body });
      const tag = this.endTag();
      if (tag === 'elif') {
        test = this.tuple({ withCondexpr: false });
        this.closeBlock();
        continue;
      }
      if (tag === 'else') {
        this.closeBlock();
        const elseBody = this.subparse(['endif']);
        this.endTag();
        this.closeBlock();
        return { kind: 'if', pos: begin.pos, branches, else: elseBody };
      }
      this.closeBlock();
      return { kind: 'if', pos: begin.pos, branches };
    }
  }

  private forStmt(begin: Token): Stmt {
    this.next(); // for
    const target = this.assignTarget({ allowAttr: false, extraEnd: ['in'] });
    if (!this.skipName('in')) this.fail(`expected 'in', got ${this.describe(this.cur)}`);
    const iter = this.tuple({ withCondexpr: false, extraEnd: ['recursive'] });
    const filter = this.skipName('if') ? this.expression() : undefined;
    const recursive = this.skipName('recursive');
    this.closeBlock();
    const body = this.subparse(END_TAGS.for!);
    let elseBody: Stmt[] | undefined;
    if (this.endTag() === 'else') {
      this.closeBlock();
      elseBody = this.subparse(['endfor']);
      this.endTag();
    }
    this.closeBlock();
    return { kind: 'for', pos: begin.pos, target, iter, filter, recursive, body, else: elseBody };
  }

  private setStmt(begin: Token): Stmt {
    this.next(); // set
    const target = this.assignTarget({ allowAttr: true });
    if (this.skipOp('=')) {
      const value = this.tuple({ withCondexpr: true });
      this.closeBlock();
      return { kind: 'set', pos: begin.pos, target, value };
    }
    const filters = this.filterChain();
    this.closeBlock();
    const body = this.subparse(['endset']);
    this.endTag();
    this.closeBlock();
    return { kind: 'setblock', pos: begin.pos, target, body, filters };
  }

  private macroStmt(begin: Token): Stmt {
    this.next(); // macro
    const name = this.expectName().value;
    const params = this.signature();
    this.closeBlock();
    const start = this.i;
    const body = this.subparse(['endmacro']);
    const catches = this.catches(start);
    this.endTag();
    this.closeBlock();
    return { kind: 'macro', pos: begin.pos, name, params, body, catches };
  }

  private callStmt(begin: Token): Stmt {
    this.next(); // call
    const params = this.isOp('(') ? this.signature() : [];
    const call = this.expression();
    if (call.kind !== 'call') this.fail('expected a call', begin);
    this.closeBlock();
    const start = this.i;
    const body = this.subparse(['endcall']);
    const catches = this.catches(start);
    this.endTag();
    this.closeBlock();
    return { kind: 'callblock', pos: begin.pos, params, call, body, catches };
  }

  private filterStmt(begin: Token): Stmt {
    this.next(); // filter
    this.i -= 1; // filterChain expects to start at a '|'; the first filter follows the tag name directly
    this.tokens[this.i] = { type: 'operator', value: '|', pos: this.cur.pos };
    const filters = this.filterChain();
    this.closeBlock();
    const body = this.subparse(['endfilter']);
    this.endTag();
    this.closeBlock();
    return { kind: 'filterblock', pos: begin.pos, filters, body };
  }

  private withStmt(begin: Token): Stmt {
    this.next(); // with
    const assignments: { target: Target; value: Expr }[] = [];
    while (this.cur.type !== 'block_end') {
      if (assignments.length) this.expectOp(',');
      const target = this.assignTarget({ allowAttr: false });
      this.expectOp('=');
      assignments.push({ target, value: this.expression() });
    }
    this.closeBlock();
    const body = this.subparse(['endwith']);
    this.endTag();
    this.closeBlock();
    return { kind: 'with', pos: begin.pos, assignments, body };
  }

  private blockStmt(begin: Token): Stmt {
    this.next(); // block
    this.expectName();
    this.skipName('scoped');
    this.skipName('required');
    this.closeBlock();
    const body = this.subparse(['endblock']);
    this.endTag();
    if (this.cur.type === 'name') this.next();
    this.closeBlock();
    return { kind: 'scope', pos: begin.pos, body };
  }

  private autoescapeStmt(begin: Token): Stmt {
    this.next();
    this.expression();
    this.closeBlock();
    const body = this.subparse(['endautoescape']);
    this.endTag();
    this.closeBlock();
    return { kind: 'scope', pos: begin.pos, body };
  }

  private contextModifier(fallback: boolean): boolean {
    if ((this.isName('with') || this.isName('without')) && this.isName('context', this.peek())) {
      const w = this.next().value === 'with';
      this.next();
      return w;
    }
    return fallback;
  }

  private includeStmt(begin: Token): Stmt {
    this.next();
    const template = this.expression();
    let ignoreMissing = false;
    if (this.isName('ignore') && this.isName('missing', this.peek())) {
      this.next();
      this.next();
      ignoreMissing = true;
    }
    const withContext = this.contextModifier(true);
    this.closeBlock();
    return { kind: 'include', pos: begin.pos, template, ignoreMissing, withContext };
  }

  private importStmt(begin: Token): Stmt {
    this.next();
    const template = this.expression();
    if (!this.skipName('as')) this.fail(`expected 'as', got ${this.describe(this.cur)}`);
    const alias = this.expectName().value;
    const withContext = this.contextModifier(false);
    this.closeBlock();
    return { kind: 'import', pos: begin.pos, template, alias, withContext };
  }

  private fromStmt(begin: Token): Stmt {
    this.next();
    const template = this.expression();
    if (!this.skipName('import')) this.fail(`expected 'import', got ${this.describe(this.cur)}`);
    const names: { name: string; alias: string }[] = [];
    let withContext = false;
    for (;;) {
      if (names.length && !this.skipOp(',')) break;
      if ((this.isName('with') || this.isName('without')) && this.isName('context', this.peek())) break;
      if (this.cur.type !== 'name') break;
      const name = this.next().value;
      const alias = this.skipName('as') ? this.expectName().value : name;
      names.push({ name, alias });
    }
    withContext = this.contextModifier(false);
    this.closeBlock();
    return { kind: 'fromimport', pos: begin.pos, template, names, withContext };
  }

  /** Whether the tokens of a macro body since `start` name `varargs` or `kwargs`. */
  private catches(start: number): { varargs: boolean; kwargs: boolean } {
    const names = this.tokens.slice(start, this.i).filter((t) => t.type === 'name');
    return { varargs: names.some((t) => t.value === 'varargs'), kwargs: names.some((t) => t.value === 'kwargs') };
  }

  /** `(a, b=1, c='x')` of a macro or call block. */
  private signature(): MacroParam[] {
    this.expectOp('(');
    const params: MacroParam[] = [];
    while (!this.isOp(')')) {
      if (params.length) this.expectOp(',');
      const t = this.expectName();
      const def = this.skipOp('=') ? this.expression() : undefined;
      if (def === undefined && params.some((p) => p.default)) this.fail('non-default argument follows default argument', t);
      params.push({ name: t.value, default: def });
    }
    this.expectOp(')');
    return params;
  }

  /** `| f(args) | g` as a list of filter nodes reading BLOCK_INPUT. */
  private filterChain(): Expr[] {
    let node: Expr = { kind: 'name', pos: this.cur.pos, name: BLOCK_INPUT };
    const filters: Expr[] = [];
    while (this.isOp('|')) {
      node = this.filter(node, true);
      filters.push(node);
    }
    return filters.length ? [node] : [];
  }

  private assignTarget(o: { allowAttr: boolean; extraEnd?: string[] }): Target {
    const one = (): Target => {
      if (this.skipOp('(')) {
        const inner = this.targetList();
        this.expectOp(')');
        return inner;
      }
      const t = this.expectName();
      if (o.allowAttr && this.skipOp('.')) {
        const attr = this.expectName().value;
        return { kind: 'attr', pos: t.pos, object: t.value, attr };
      }
      if (['true', 'false', 'none', 'True', 'False', 'None'].includes(t.value)) this.fail(`can't assign to '${t.value}'`, t);
      return { kind: 'name', pos: t.pos, name: t.value };
    };
    const first = one();
    if (!this.isOp(',')) return first;
    const items = [first];
    while (this.skipOp(',')) {
      if (this.cur.type !== 'name' && !this.isOp('(')) break;
      if (o.extraEnd?.some((n) => this.isName(n))) break;
      items.push(one());
    }
    return { kind: 'tuple', pos: first.pos, items };
  }

  private targetList(): Target {
    const items: Target[] = [];
    const pos = this.cur.pos;
    while (!this.isOp(')')) {
      if (items.length) this.expectOp(',');
      if (this.isOp(')')) break;
      items.push(this.assignTarget({ allowAttr: false }));
    }
    return items.length === 1 && !this.isOp(',') ? items[0]! : { kind: 'tuple', pos, items };
  }

  // ---- expressions ----

  expression(withCondexpr = true): Expr {
    return withCondexpr ? this.condexpr() : this.or();
  }

  /** An expression, or several separated by commas (a tuple without parentheses), as Jinja's parse_tuple. */
  tuple(o: { withCondexpr: boolean; extraEnd?: string[]; explicitParens?: boolean }): Expr {
    const pos = this.cur.pos;
    const items: Expr[] = [];
    let isTuple = false;
    for (;;) {
      if (items.length) this.expectOp(',');
      if (this.isTupleEnd(o.extraEnd)) break;
      items.push(this.expression(o.withCondexpr));
      if (this.isOp(',')) isTuple = true;
      else break;
    }
    if (!isTuple) {
      if (items.length) return items[0]!;
      if (!o.explicitParens) this.fail(`expected an expression, got ${this.describe(this.cur)}`);
    }
    return { kind: 'tuple', pos, items };
  }

  private isTupleEnd(extraEnd?: string[]): boolean {
    const t = this.cur;
    if (t.type === 'variable_end' || t.type === 'block_end' || t.type === 'eof') return true;
    if (this.isOp(')')) return true;
    return extraEnd?.some((n) => this.isName(n)) ?? false;
  }

  private condexpr(): Expr {
    let expr = this.or();
    while (this.isName('if')) {
      const pos = this.next().pos;
      const test = this.or();
      const elseExpr = this.skipName('else') ? this.condexpr() : undefined;
      expr = { kind: 'cond', pos, test, then: expr, else: elseExpr };
    }
    return expr;
  }

  private or(): Expr {
    let left = this.and();
    while (this.isName('or')) {
      const pos = this.next().pos;
      left = { kind: 'or', pos, left, right: this.and() };
    }
    return left;
  }

  private and(): Expr {
    let left = this.not();
    while (this.isName('and')) {
      const pos = this.next().pos;
      left = { kind: 'and', pos, left, right: this.not() };
    }
    return left;
  }

  private not(): Expr {
    if (this.isName('not')) {
      const pos = this.next().pos;
      return { kind: 'not', pos, operand: this.not() };
    }
    return this.compare();
  }

  private compare(): Expr {
    const first = this.math1();
    const rest: { op: CompareOp; pos: number; right: Expr }[] = [];
    for (;;) {
      const t = this.cur;
      if (t.type === 'operator' && COMPARE[t.value]) {
        this.next();
        rest.push({ op: COMPARE[t.value]!, pos: t.pos, right: this.math1() });
      } else if (this.isName('in')) {
        this.next();
        rest.push({ op: 'in', pos: t.pos, right: this.math1() });
      } else if (this.isName('not') && this.isName('in', this.peek())) {
        this.next();
        this.next();
        rest.push({ op: 'notin', pos: t.pos, right: this.math1() });
      } else break;
    }
    return rest.length ? { kind: 'compare', pos: first.pos, first, rest } : first;
  }

  private binaryLevel(ops: string[], operand: () => Expr): Expr {
    let left = operand();
    while (this.cur.type === 'operator' && ops.includes(this.cur.value)) {
      const t = this.next();
      left = { kind: 'binary', pos: t.pos, op: t.value as BinaryOp, left, right: operand() };
    }
    return left;
  }

  private math1(): Expr {
    return this.binaryLevel(['+', '-'], () => this.concat());
  }

  private concat(): Expr {
    const first = this.math2();
    if (!this.isOp('~')) return first;
    const items = [first];
    while (this.skipOp('~')) items.push(this.math2());
    return { kind: 'concat', pos: first.pos, items };
  }

  private math2(): Expr {
    return this.binaryLevel(['*', '/', '//', '%'], () => this.pow());
  }

  private pow(): Expr {
    return this.binaryLevel(['**'], () => this.unary(true));
  }

  private unary(withFilter: boolean): Expr {
    const t = this.cur;
    let node: Expr;
    if (this.isOp('-')) {
      this.next();
      node = { kind: 'neg', pos: t.pos, operand: this.unary(false) };
    } else if (this.isOp('+')) {
      this.next();
      node = { kind: 'pos', pos: t.pos, operand: this.unary(false) };
    } else node = this.primary();
    node = this.postfix(node);
    return withFilter ? this.filterExpr(node) : node;
  }

  private primary(): Expr {
    const t = this.cur;
    if (t.type === 'name') {
      this.next();
      if (t.value === 'true' || t.value === 'True') return { kind: 'const', pos: t.pos, value: true };
      if (t.value === 'false' || t.value === 'False') return { kind: 'const', pos: t.pos, value: false };
      if (t.value === 'none' || t.value === 'None') return { kind: 'const', pos: t.pos, value: null };
      return { kind: 'name', pos: t.pos, name: t.value };
    }
    if (t.type === 'string') {
      let value = this.next().value;
      while (this.cur.type === 'string') value += this.next().value; // adjacent literals join, as in Python
      return { kind: 'const', pos: t.pos, value };
    }
    if (t.type === 'integer') {
      this.next();
      return { kind: 'const', pos: t.pos, value: parseInteger(t.value) };
    }
    if (t.type === 'float') {
      this.next();
      return { kind: 'const', pos: t.pos, value: makeFloat(Number(t.value)) };
    }
    if (this.isOp('(')) {
      this.next();
      const inner = this.tuple({ withCondexpr: true, explicitParens: true });
      this.expectOp(')');
      return inner;
    }
    if (this.isOp('[')) {
      this.next();
      const items: Expr[] = [];
      while (!this.isOp(']')) {
        if (items.length) this.expectOp(',');
        if (this.isOp(']')) break;
        items.push(this.expression());
      }
      this.expectOp(']');
      return { kind: 'list', pos: t.pos, items };
    }
    if (this.isOp('{')) {
      this.next();
      const items: { key: Expr; value: Expr }[] = [];
      while (!this.isOp('}')) {
        if (items.length) this.expectOp(',');
        if (this.isOp('}')) break;
        const key = this.expression();
        this.expectOp(':');
        items.push({ key, value: this.expression() });
      }
      this.expectOp('}');
      return { kind: 'dict', pos: t.pos, items };
    }
    const hint =
      this.isOp('=') ? 'compare with ==' : t.type === 'operator' && t.value === '!' ? "write 'not'" : t.type === 'operator' && t.value === '&' ? "write 'and'" : undefined;
    this.fail(`unexpected ${this.describe(t)}`, t, hint);
  }

  private postfix(node: Expr): Expr {
    for (;;) {
      if (this.isOp('.') || this.isOp('[')) node = this.subscript(node);
      else if (this.isOp('(')) node = this.callExpr(node);
      else return node;
    }
  }

  private filterExpr(node: Expr): Expr {
    for (;;) {
      if (this.isOp('|')) node = this.filter(node, false);
      else if (this.isName('is')) node = this.test(node);
      else if (this.isOp('(')) node = this.callExpr(node);
      else return node;
    }
  }

  private subscript(node: Expr): Expr {
    const t = this.next();
    if (t.value === '.') {
      const a = this.cur;
      if (a.type === 'name') {
        this.next();
        return { kind: 'getattr', pos: a.pos, object: node, attr: a.value };
      }
      if (a.type === 'integer') {
        this.next();
        return { kind: 'getitem', pos: a.pos, object: node, index: { kind: 'const', pos: a.pos, value: parseInteger(a.value) } };
      }
      this.fail('expected name or number', a);
    }
    // [ … ]: an index, a slice, or a tuple of them
    const parts: (Expr | { slice: [Expr | undefined, Expr | undefined, Expr | undefined] })[] = [];
    while (!this.isOp(']')) {
      if (parts.length) {
        this.expectOp(',');
        if (this.isOp(']')) break;
      }
      parts.push(this.subscribed());
    }
    this.expectOp(']');
    if (parts.length !== 1) this.fail('multi-dimensional subscripts are not supported', t);
    const p = parts[0]!;
    if ('slice' in p) {
      const [start, stop, step] = p.slice;
      return { kind: 'slice', pos: t.pos, object: node, start, stop, step };
    }
    return { kind: 'getitem', pos: t.pos, object: node, index: p };
  }

  private subscribed(): Expr | { slice: [Expr | undefined, Expr | undefined, Expr | undefined] } {
    let start: Expr | undefined;
    if (!this.isOp(':')) {
      start = this.expression();
      if (!this.isOp(':')) return start;
    }
    this.next(); // ':'
    const stop = !this.isOp(']') && !this.isOp(',') && !this.isOp(':') ? this.expression() : undefined;
    let step: Expr | undefined;
    if (this.skipOp(':')) step = !this.isOp(']') && !this.isOp(',') ? this.expression() : undefined;
    return { slice: [start, stop, step] };
  }

  private callArgs(): Call {
    this.expectOp('(');
    const call: Call = { args: [], kwargs: [] };
    let first = true;
    while (!this.isOp(')')) {
      if (!first) {
        this.expectOp(',');
        if (this.isOp(')')) break;
      }
      first = false;
      if (this.isOp('*') || this.isOp('**')) {
        const star = this.next().value;
        const value = this.expression();
        if (star === '*') call.star = value;
        else call.starstar = value;
      } else if (this.cur.type === 'name' && this.isOp('=', this.peek())) {
        const name = this.next().value;
        this.next();
        call.kwargs.push({ name, value: this.expression() });
      } else {
        if (call.kwargs.length) this.fail('positional argument after keyword argument');
        call.args.push(this.expression());
      }
    }
    this.expectOp(')');
    return call;
  }

  private callExpr(node: Expr): Expr {
    const pos = this.cur.pos;
    return { kind: 'call', pos, callee: node, call: this.callArgs() };
  }

  private dottedName(): { name: string; pos: number } {
    const t = this.expectName();
    let name = t.value;
    while (this.skipOp('.')) name += `.${this.expectName().value}`;
    return { name, pos: t.pos };
  }

  private filter(input: Expr, _inBlock: boolean): Expr {
    this.next(); // |
    const { name, pos } = this.dottedName();
    const call: Call = this.isOp('(') ? this.callArgs() : { args: [], kwargs: [] };
    return { kind: 'filter', pos, name, input, ...call };
  }

  private test(input: Expr): Expr {
    this.next(); // is
    const negated = this.skipName('not');
    const { name, pos } = this.dottedName();
    let call: Call = { args: [], kwargs: [] };
    const t = this.cur;
    if (this.isOp('(')) call = this.callArgs();
    else if (
      (t.type === 'name' || t.type === 'string' || t.type === 'integer' || t.type === 'float' || this.isOp('[') || this.isOp('{')) &&
      !this.isName('else') &&
      !this.isName('or') &&
      !this.isName('and')
    ) {
      if (this.isName('is')) this.fail('You cannot chain multiple tests with is');
      call = { args: [this.postfix(this.primary())], kwargs: [] };
    }
    return { kind: 'test', pos, name, input, negated, ...call };
  }
}

function parseInteger(text: string): number {
  const t = text.toLowerCase();
  if (t.startsWith('0x')) return parseInt(t.slice(2), 16);
  if (t.startsWith('0o')) return parseInt(t.slice(2), 8);
  if (t.startsWith('0b')) return parseInt(t.slice(2), 2);
  return Number(t);
}

function openerHint(tag: string): string {
  if (tag === 'elif' || tag === 'else' || tag === 'endif') return ": no open 'if' block";
  if (tag === 'endfor') return ": no open 'for' block";
  return '';
}
