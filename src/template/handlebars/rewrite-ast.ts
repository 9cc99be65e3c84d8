// Rewrites a parsed template so that every variable read goes through our own lookup helpers. Handlebars' strict
// mode alone is uneven: a missing `{{a.b.c}}` throws a bare TypeError, a missing helper argument or `{{#if x}}`
// condition is silently undefined, and its messages name only the last path segment. After this rewrite:
//   {{a.b}}            → {{__out (__value "a.b" "" this "a" "b")}}
//   {{join xs ","}}    → {{__out (join (__value "xs" "" this "xs") ",")}}
//   {{default x "y"}}  → {{__out (default (__maybe "x" "" this "x") "y")}}   (undefined allowed where it is the point)
// Handlebars itself resolves only the path's base (the context at a depth, an @data name or a block param), so
// `../`, `@root` and `as |item|` keep their meaning, and the rest of the path is own-property lookups (lookup-step.ts).
import { HELPERS } from './helpers.js';
import { TemplateFailure, type TemplateLoc } from './template-failure.js';

type Node = hbs.AST.Node;
type Expr = hbs.AST.Expression;
type Path = hbs.AST.PathExpression;

/** The block helpers templates may use; each takes exactly one argument. */
export const BLOCK_HELPERS: ReadonlySet<string> = new Set(['if', 'unless', 'each', 'with']);


function locOf(node: Node): TemplateLoc | undefined {
  return node.loc ? { line: node.loc.start.line, column: node.loc.start.column } : undefined;
}

function fail(node: Node, message: string, hint?: string): never {
  throw new TemplateFailure(message, { loc: locOf(node), hint });
}

function str(value: string, loc: hbs.AST.SourceLocation): hbs.AST.StringLiteral {
  return { type: 'StringLiteral', value, original: value, loc };
}

function path(parts: string[], options: { data?: boolean; depth?: number; original: string }, loc: hbs.AST.SourceLocation): Path {
  return { type: 'PathExpression', data: options.data ?? false, depth: options.depth ?? 0, parts, original: options.original, loc };
}

function sexpr(name: string, params: Expr[], loc: hbs.AST.SourceLocation, hash?: hbs.AST.Hash): hbs.AST.SubExpression {
  return { type: 'SubExpression', path: path([name], { original: name }, loc), params, hash: hash as hbs.AST.Hash, loc };
}

function isScoped(p: Path): boolean {
  return /^\.|^this\b/.test(p.original); // `this.x`, `./x`, `../x`: never a block param (handlebars' own rule)
}

class Rewriter {
  private readonly blockParams: string[][] = [];


  program(program: hbs.AST.Program): void {
    for (const stmt of program.body) this.statement(stmt);
  }

  private statement(stmt: hbs.AST.Statement): void {
    switch (stmt.type) {
      case 'ContentStatement':
      case 'CommentStatement':
        return;
      case 'MustacheStatement':
        return this.mustache(stmt as hbs.AST.MustacheStatement);
      case 'BlockStatement':
        return this.block(stmt as hbs.AST.BlockStatement);
      case 'PartialStatement':
      case 'PartialBlockStatement':
        return fail(stmt, 'partials ({{> name}}) are not supported');
      default:
        return fail(stmt, 'decorators are not supported');
    }
  }

  /** Every mustache prints one value through the top helper. Without arguments it is always a variable. */
  private mustache(m: hbs.AST.MustacheStatement): void {
    const hasArgs = m.params.length > 0 || m.hash !== undefined;
    let value: Expr;
    if (hasArgs) {
      if (m.path.type !== 'PathExpression') fail(m, 'a literal cannot take arguments');
      value = this.call({ type: 'SubExpression', path: m.path as Path, params: m.params, hash: m.hash, loc: m.loc });
    } else {
      value = m.path.type === 'PathExpression' ? this.lookup(m.path as Path, false) : m.path;
    }
    m.path = path(['__out'], { original: '__out' }, m.loc);
    m.params = [value];
    m.hash = undefined as unknown as hbs.AST.Hash;
  }

  private block(b: hbs.AST.BlockStatement): void {
    const name = this.helperName(b.path);
    if (name === undefined || !BLOCK_HELPERS.has(name)) {
      const shown = b.path.original;
      if (name !== undefined && HELPERS.has(name)) fail(b, `"${shown}" is not a block helper: write {{${shown} …}}, not {{#${shown} …}}`);
      fail(b, `unknown block helper "${shown}"`, 'block helpers: #if, #unless, #each, #with');
    }
    if (b.params.length !== 1) fail(b, `#${name} takes exactly one argument, got ${b.params.length}`);
    if (b.hash !== undefined) fail(b, `#${name} takes no name=value arguments`);
    const params = b.program?.blockParams;
    if (params?.length && name !== 'each' && name !== 'with') fail(b, `#${name} has no block parameters (as |x|)`);
    b.params = [this.value(b.params[0]!, false)];
    if (b.program) {
      this.blockParams.push(params ?? []);
      this.program(b.program);
      this.blockParams.pop();
    }
    if (b.inverse) this.program(b.inverse);
  }

  /** The helper name a path spells, when it can be one: a plain single name. */
  private helperName(p: Expr): string | undefined {
    if (p.type !== 'PathExpression') return undefined;
    const pe = p as Path;
    if (pe.data || pe.depth > 0 || pe.parts.length !== 1 || isScoped(pe)) return undefined;
    return pe.parts[0];
  }

  private call(s: hbs.AST.SubExpression): hbs.AST.SubExpression {
    const name = this.helperName(s.path);
    const spec = name === undefined ? undefined : HELPERS.get(name);
    if (spec === undefined) {
      const shown = s.path.original;
      if (name !== undefined && BLOCK_HELPERS.has(name)) fail(s, `"${name}" is a block helper: write {{#${name} x}}…{{/${name}}}`);
      fail(s, `unknown helper "${shown}"`, `helpers: ${[...HELPERS.keys()].join(', ')}`);
    }
    const n = s.params.length;
    if (n < spec.minArgs || n > spec.maxArgs) {
      const want = spec.minArgs === spec.maxArgs ? `${spec.minArgs}` : `${spec.minArgs} to ${spec.maxArgs}`;
      fail(s, `${spec.name} takes ${want} argument${want === '1' ? '' : 's'}, got ${n}`);
    }
    for (const pair of s.hash?.pairs ?? []) {
      if (spec.hashKeys !== 'any' && !spec.hashKeys?.includes(pair.key)) fail(pair, `${spec.name} has no option "${pair.key}"`);
      pair.value = this.value(pair.value, false);
    }
    s.params = s.params.map((p, i) => this.value(p, spec.lenient?.includes(i) ?? false));
    return s;
  }

  private value(e: Expr, lenient: boolean): Expr {
    if (e.type === 'PathExpression') return this.lookup(e as Path, lenient);
    if (e.type === 'SubExpression') return this.call(e as hbs.AST.SubExpression);
    return e; // string, number, boolean, null and undefined literals
  }

  /** `(__value "orig" "base label" base "seg"…)`, with the base resolved by handlebars and the rest by us. */
  private lookup(p: Path, lenient: boolean): hbs.AST.SubExpression {
    const loc = p.loc;
    const [first, ...rest] = p.parts;
    let base: Path;
    let label: string;
    let segs: string[];
    if (p.data) {
      label = `@${first}`;
      base = path([first!], { data: true, depth: p.depth, original: label }, loc);
      segs = rest;
    } else if (p.depth === 0 && first !== undefined && !isScoped(p) && this.blockParams.some((bp) => bp.includes(first))) {
      label = first;
      base = path([first], { original: first }, loc);
      segs = rest;
    } else {
      label = '../'.repeat(p.depth);
      base = path([], { depth: p.depth, original: p.depth > 0 ? label.slice(0, -1) : 'this' }, loc);
      segs = p.parts;
    }
    const name = p.original === '' ? 'this' : p.original;
    return sexpr(lenient ? '__maybe' : '__value', [str(name, loc), str(label, loc), base, ...segs.map((s) => str(s, loc))], loc);
  }
}

/** Rewrite `program` in place; throws TemplateFailure for helpers, blocks and partials we do not support. */
export function rewriteAst(program: hbs.AST.Program): void {
  new Rewriter().program(program);
}
