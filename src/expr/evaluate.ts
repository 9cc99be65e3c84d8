// Evaluates a parsed condition against variables. There is no eval, Function or vm anywhere: the AST is walked by
// hand, variables are own data properties (values.ts), and filters and tests come from fixed tables (filters.ts).
import type { CompareOp, ExprNode, ParsedExpression } from './ast.js';
import { ExprFailure } from './expr-failure.js';
import { FILTERS, LENIENT, TESTS } from './filters.js';
import { isEqual, isPlainObject, isTruthy, lookupKey, plain, someKeys, typeName } from './values.js';

export type ExprVars = Readonly<Record<string, unknown>>;

/** A path that resolved to nothing. It travels up until something needs the value, which then reports it. */
class Missing {
  constructor(
    readonly node: ExprNode, // the whole path as far as it was written
    readonly found?: { node: ExprNode; value: unknown }, // its longest defined prefix, for the hint
  ) {}
}

// Words YAML 1.1 read as booleans; YAML 1.2 (what we parse) reads them as text, so here they are variable names.
const YAML11_WORDS = new Set(['yes', 'no', 'on', 'off', 'Yes', 'No', 'On', 'Off', 'YES', 'NO']);

class Evaluator {
  constructor(
    private readonly text: string,
    private readonly vars: ExprVars,
  ) {}

  private source(node: ExprNode): string {
    return this.text.slice(node.pos, node.end);
  }

  /** The value of `node`; a Missing becomes the "undefined variable" error. */
  value(node: ExprNode): unknown {
    const v = this.resolve(node);
    if (!(v instanceof Missing)) return v;
    const name = this.source(v.node);
    let hint: string | undefined;
    if (v.node.kind === 'var' && YAML11_WORDS.has(v.node.name)) hint = `YAML reads ${v.node.name} as text here: write true or false`;
    else if (v.found && someKeys(v.found.value)) hint = `"${this.source(v.found.node)}" has: ${someKeys(v.found.value)}`;
    else hint = `check it first (${name} is defined and …) or give a fallback (${name} | default(…))`;
    throw new ExprFailure(`undefined variable "${name}"`, v.node.pos, hint);
  }

  /** Like value(), but undefined stays a Missing (for `is defined` and `| default`). */
  resolve(node: ExprNode): unknown {
    switch (node.kind) {
      case 'literal':
        return node.value;
      case 'list':
        return node.items.map((i) => this.value(i));
      case 'var': {
        const v = lookupKey(this.vars, node.name);
        return v === undefined ? new Missing(node) : v;
      }
      case 'member':
      case 'index': {
        const object = this.resolve(node.object);
        if (object instanceof Missing) return new Missing(node, object.found);
        const key = node.kind === 'member' ? node.key : this.key(node.index);
        const v = lookupKey(object, key);
        return v === undefined ? new Missing(node, { node: node.object, value: object }) : v;
      }
      case 'not':
        return !this.truth(node.operand);
      case 'and':
        return this.truth(node.left) && this.truth(node.right);
      case 'or':
        return this.truth(node.left) || this.truth(node.right);
      case 'neg': {
        const v = this.value(node.operand);
        if (typeof v !== 'number') throw new ExprFailure(`cannot negate ${typeName(v)}`, node.pos);
        return -v;
      }
      case 'compare':
        return this.compare(node);
      case 'filter':
      case 'test':
        return this.call(node);
    }
  }

  private key(node: ExprNode): string | number {
    const k = this.value(node);
    if (typeof k === 'string' || (typeof k === 'number' && Number.isInteger(k))) return k;
    throw new ExprFailure(`an index must be text or a whole number, got ${typeName(k)}`, node.pos);
  }

  private truth(node: ExprNode): boolean {
    return isTruthy(this.value(node));
  }

  private compare(node: Extract<ExprNode, { kind: 'compare' }>): boolean {
    let left = this.value(node.first);
    for (const { op, pos, right: rightNode } of node.rest) {
      const right = this.value(rightNode);
      if (!compareOne(op, left, right, pos)) return false;
      left = right;
    }
    return true;
  }

  private call(node: Extract<ExprNode, { kind: 'filter' | 'test' }>): unknown {
    const table = node.kind === 'filter' ? FILTERS : TESTS;
    const entry = table.get(node.name);
    if (entry === undefined) {
      throw new ExprFailure(`unknown ${node.kind} "${node.name}"`, node.namePos, `${node.kind}s: ${[...table.keys()].join(', ')}`);
    }
    const [min, max] = entry.args;
    if (node.args.length < min || node.args.length > max) {
      const want = min === max ? `${min}` : `${min} to ${max}`;
      throw new ExprFailure(`${node.name} takes ${want} argument${want === '1' ? '' : 's'}, got ${node.args.length}`, node.namePos);
    }
    const raw = LENIENT.has(node.name) ? this.resolve(node.input) : this.value(node.input);
    const input = raw instanceof Missing ? undefined : raw;
    const args = node.args.map((a) => this.value(a));
    let out: unknown;
    try {
      out = entry.fn(input, args);
    } catch (err) {
      throw new ExprFailure(`${node.name}: ${(err as Error).message}`, node.namePos);
    }
    return node.kind === 'test' && node.negate ? !out : out;
  }
}

function compareOne(op: CompareOp, a: unknown, b: unknown, pos: number): boolean {
  switch (op) {
    case '==':
      return isEqual(a, b);
    case '!=':
      return !isEqual(a, b);
    case 'in':
      return contains(b, a, pos);
    case 'not in':
      return !contains(b, a, pos);
    default: {
      const x = plain(a);
      const y = plain(b);
      const same = (typeof x === 'number' && typeof y === 'number') || (typeof x === 'string' && typeof y === 'string');
      if (!same) {
        throw new ExprFailure(`cannot compare ${typeName(a)} with ${typeName(b)} using ${op}`, pos, 'convert first, e.g. x | int');
      }
      const xs = x as number | string;
      const ys = y as number | string;
      return op === '<' ? xs < ys : op === '<=' ? xs <= ys : op === '>' ? xs > ys : xs >= ys;
    }
  }
}

function contains(container: unknown, item: unknown, pos: number): boolean {
  const c = plain(container);
  if (Array.isArray(c)) return c.some((x) => isEqual(x, item));
  const i = plain(item);
  if (typeof c === 'string') {
    if (typeof i !== 'string') throw new ExprFailure(`"in" text needs text on the left, got ${typeName(item)}`, pos);
    return c.includes(i);
  }
  if (isPlainObject(c)) return typeof i === 'string' && Object.hasOwn(c, i);
  throw new ExprFailure(`"in" needs a list, text or a map on the right, got ${typeName(container)}`, pos);
}

/** The value of a parsed expression; throws ExprFailure (undefined variable, type error) with an offset. */
export function evaluateExpression(parsed: ParsedExpression, vars: ExprVars): unknown {
  return new Evaluator(parsed.text, vars).value(parsed.root);
}
