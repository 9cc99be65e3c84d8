// Load-time checks beyond the grammar: every filter and test a template names must exist, so a typo fails
// `--syntax-check` at its position instead of on the host mid-run.
import type { Call, Expr, Stmt, TemplateAst } from './ast.js';
import { JinjaSyntaxError } from './syntax-error.js';
import { REFUSED_LOOKUPS } from './lookups/index.js';
import { FILTERS, LOOKUPS, TESTS } from './tables.js';

/** Nearest name by edit distance (≤ 2), for "did you mean". */
export type Suggest = (word: string, candidates: Iterable<string>) => string | undefined;

function visitCall(c: Call, visit: (e: Expr) => void): void {
  c.args.forEach(visit);
  c.kwargs.forEach((k) => visit(k.value));
  if (c.star) visit(c.star);
  if (c.starstar) visit(c.starstar);
}

function exprChildren(e: Expr, visit: (e: Expr) => void): void {
  switch (e.kind) {
    case 'list':
    case 'tuple':
    case 'concat':
      return e.items.forEach(visit);
    case 'dict':
      return e.items.forEach((i) => (visit(i.key), visit(i.value)));
    case 'getattr':
      return visit(e.object);
    case 'getitem':
      return (visit(e.object), visit(e.index));
    case 'slice':
      return [e.object, e.start, e.stop, e.step].forEach((x) => x && visit(x));
    case 'call':
      return (visit(e.callee), visitCall(e.call, visit));
    case 'filter':
    case 'test':
      return (visit(e.input), visitCall(e, visit));
    case 'binary':
    case 'and':
    case 'or':
      return (visit(e.left), visit(e.right));
    case 'compare':
      return (visit(e.first), e.rest.forEach((r) => visit(r.right)));
    case 'not':
    case 'neg':
    case 'pos':
      return visit(e.operand);
    case 'cond':
      return [e.test, e.then, e.else].forEach((x) => x && visit(x));
    default:
      return;
  }
}

function stmtExprs(s: Stmt, visit: (e: Expr) => void, body: (b: Stmt[]) => void): void {
  switch (s.kind) {
    case 'print':
      return visit(s.expr);
    case 'if':
      s.branches.forEach((b) => (visit(b.test), body(b.body)));
      return s.else && body(s.else);
    case 'for':
      visit(s.iter);
      if (s.filter) visit(s.filter);
      body(s.body);
      return s.else && body(s.else);
    case 'set':
      return visit(s.value);
    case 'setblock':
    case 'filterblock':
      s.filters.forEach(visit);
      return body(s.body);
    case 'macro':
      s.params.forEach((p) => p.default && visit(p.default));
      return body(s.body);
    case 'callblock':
      visit(s.call);
      return body(s.body);
    case 'with':
      s.assignments.forEach((a) => visit(a.value));
      return body(s.body);
    case 'scope':
      return body(s.body);
    case 'include':
    case 'import':
    case 'fromimport':
      return visit(s.template);
    default:
      return;
  }
}

/** lookup('name', …), query(…) and q(…) with a literal name must name a lookup we have. */
function checkLookup(e: Extract<Expr, { kind: 'call' }>, suggest: Suggest): void {
  if (e.callee.kind !== 'name' || !['lookup', 'query', 'q'].includes(e.callee.name)) return;
  const first = e.call.args[0];
  if (first?.kind !== 'const' || typeof first.value !== 'string' || LOOKUPS.has(first.value)) return;
  const name = first.value;
  const refused = REFUSED_LOOKUPS[name.replace(/^ansible\.builtin\./, '')];
  if (refused !== undefined) throw new JinjaSyntaxError(`lookup plugin '${name}' is not supported by tsinfra: ${refused}`, first.pos);
  const near = suggest(name, LOOKUPS.keys());
  throw new JinjaSyntaxError(`no lookup plugin named '${name}'`, first.pos, near ? `did you mean "${near}"?` : undefined);
}

/** Throw a JinjaSyntaxError at the first unknown filter, test or lookup. */
export function checkNames(root: TemplateAst | Expr, suggest: Suggest): void {
  const visit = (e: Expr): void => {
    if (e.kind === 'filter' && !FILTERS.has(e.name)) {
      const near = suggest(e.name, FILTERS.keys());
      throw new JinjaSyntaxError(`no filter named '${e.name}'`, e.pos, near ? `did you mean "${near}"?` : undefined);
    }
    if (e.kind === 'test' && !TESTS.has(e.name)) {
      const near = suggest(e.name, TESTS.keys());
      throw new JinjaSyntaxError(`no test named '${e.name}'`, e.pos, near ? `did you mean "${near}"?` : undefined);
    }
    if (e.kind === 'call') checkLookup(e, suggest);
    exprChildren(e, visit);
  };
  const body = (b: Stmt[]): void => b.forEach((s) => stmtExprs(s, visit, body));
  if ('body' in root) body(root.body);
  else visit(root);
}
