// Walks a parsed template or expression with Python semantics. Values flow lazily as in Jinja2: an undefined name is
// an Undefined object that fails only when used (printed, iterated, compared, tested for truth). No eval, Function
// or vm: names resolve to own data properties of the variables, and methods come from fixed tables (methods.ts).
import type { Call, Expr, MacroParam, Stmt, Target, TemplateAst } from './ast.js';
import { globalsFor } from './globals.js';
import { isDictMethod, methodOf } from './methods.js';
import { binary, contains, negate, slice } from './operators.js';
import { BLOCK_INPUT } from './parser.js';
import type { CallContext, RenderHost } from './registry.js';
import { FILTERS, TESTS } from './tables.js';
import {
  JinjaRuntimeError,
  DeferredValue,
  Namespace,
  NativeText,
  PyCallable,
  Undefined,
  UndefinedError,
  defined,
  dictSet,
  isMapping,
  isString,
  isUndefined,
  iterate,
  namedField,
  pyCompare,
  pyEquals,
  pyStr,
  pyTruthy,
  pyTypeName,
  toStr,
  tuple,
} from './values.js';

/** A failure while rendering, with the offset of the expression or statement that failed. */
export class RenderFailure extends Error {
  constructor(
    message: string,
    readonly pos: number,
    readonly hint?: string,
    readonly variable?: string,
  ) {
    super(message);
    this.name = 'RenderFailure';
  }
}

export interface RuntimeOptions {
  /** Ansible's finalize: a printed None is ''. Plain Jinja2 prints 'None'. */
  readonly noneAsEmpty: boolean;
  readonly host: RenderHost;
}

/** A variable scope: for bodies, macros and `with` get their own; `if` does not (as in Jinja2). */
class Scope {
  private own: Map<string, unknown> | undefined; // made on the first set: most scopes never hold a name
  constructor(
    readonly parent: Scope | undefined,
    readonly exports?: Map<string, unknown>, // the template's top level: what `import` takes
  ) {}
  get(name: string): unknown {
    for (let s: Scope | undefined = this; s; s = s.parent) if (s.own?.has(name)) return s.own.get(name);
    return MISSING;
  }
  set(name: string, value: unknown): void {
    (this.own ??= new Map()).set(name, value);
    this.exports?.set(name, value);
  }
}

const MISSING = Symbol('missing');

/** Filters whose output Ansible keeps as text when printed alone (NativeJinjaText). */
const NATIVE_TEXT_FILTERS = new Set(['string', 'to_json', 'to_nice_json', 'to_yaml', 'to_nice_yaml']);

/** What `{% import %}` gives: the template's macros and top-level variables as attributes. */
class TemplateModule {
  constructor(readonly attrs: Map<string, unknown>) {}
}

/** `loop` inside a for. */
class LoopState {
  private lastChanged: unknown[] | undefined;
  constructor(
    readonly items: unknown[],
    public index0: number,
    readonly depth0: number,
  ) {}
  attr(name: string): unknown {
    const n = this.items.length;
    const i = this.index0;
    switch (name) {
      case 'index':
        return i + 1;
      case 'index0':
        return i;
      case 'revindex':
        return n - i;
      case 'revindex0':
        return n - i - 1;
      case 'first':
        return i === 0;
      case 'last':
        return i === n - 1;
      case 'length':
        return n;
      case 'depth':
        return this.depth0 + 1;
      case 'depth0':
        return this.depth0;
      case 'previtem':
        return i > 0 ? this.items[i - 1] : new Undefined('loop.previtem', undefined, 'there is no previous item');
      case 'nextitem':
        return i < n - 1 ? this.items[i + 1] : new Undefined('loop.nextitem', undefined, 'there is no next item');
      case 'cycle':
        return new PyCallable('cycle', (args) => {
          if (args.length === 0) throw new JinjaRuntimeError('no items for cycling given');
          return args[i % args.length];
        });
      case 'changed':
        return new PyCallable('changed', (args) => {
          const same = this.lastChanged !== undefined && pyEquals(tuple([...this.lastChanged]), tuple([...args]));
          this.lastChanged = args;
          return !same;
        });
      default:
        return new Undefined(`loop.${name}`);
    }
  }
}

class Frame implements CallContext {
  constructor(
    readonly rt: Runtime,
    readonly scope: Scope,
  ) {}
  get host(): RenderHost {
    return this.rt.options.host;
  }
  getattr(value: unknown, name: string | number): unknown {
    return getattr(value, name, 'attr');
  }
  hasFilter(name: string): boolean {
    return FILTERS.has(name);
  }
  hasTest(name: string): boolean {
    return TESTS.has(name);
  }
  test(name: string, value: unknown, args: unknown[], kwargs: Record<string, unknown> = {}): boolean {
    const t = TESTS.get(name);
    if (t === undefined) throw new JinjaRuntimeError(`no test named '${name}'`);
    return t.fn(this, value, args, kwargs);
  }
  filter(name: string, value: unknown, args: unknown[], kwargs: Record<string, unknown> = {}): unknown {
    const f = FILTERS.get(name);
    if (f === undefined) throw new JinjaRuntimeError(`no filter named '${name}'`);
    if (isUndefined(value) && !f.acceptsUndefined) value.fail();
    return f.fn(this, value, args, kwargs);
  }
  call(callable: unknown, args: unknown[], kwargs: Record<string, unknown> = {}): unknown {
    if (isUndefined(callable)) callable.fail();
    if (!(callable instanceof PyCallable)) throw new JinjaRuntimeError(`'${pyTypeName(callable)}' object is not callable`);
    return callable.call(args, kwargs);
  }
  resolve(name: string): unknown {
    return this.rt.lookup(this.scope, name, -1);
  }
  variableNames(): string[] {
    return Object.keys(this.rt.vars);
  }
}

const IDENT = /^[A-Za-z_][A-Za-z0-9_]*$/;

function pathOf(object: string, key: string | number): string {
  if (typeof key === 'number') return `${object}[${key}]`;
  return IDENT.test(key) ? `${object}.${key}` : `${object}[${JSON.stringify(key)}]`;
}

function someKeys(value: Record<string, unknown>, max = 8): string {
  const keys = Object.keys(value);
  return keys.slice(0, max).join(', ') + (keys.length > max ? ', …' : '');
}

/** The own data property `key` of a map (never a getter or an inherited member). */
function ownValue(object: object, key: string): unknown {
  const d = Object.getOwnPropertyDescriptor(object, key);
  return d !== undefined && 'value' in d && typeof d.value !== 'function' ? d.value : MISSING;
}

/**
 * Jinja2's `x.name` (attribute first, then item) and `x[key]` (item first, then attribute). A missing key is an
 * Undefined named by its path, with a hint listing what the parent has.
 */
/** The path of a node as written, for messages: `hostvars['web1'].ip`. */
function labelOf(node: Expr | string): string {
  if (typeof node === 'string') return node;
  switch (node.kind) {
    case 'name':
      return node.name;
    case 'getattr':
      return `${labelOf(node.object)}.${node.attr}`;
    case 'getitem':
      return node.index.kind === 'const' ? pathOf(labelOf(node.object), node.index.value as string | number) : `${labelOf(node.object)}[…]`;
    default:
      return '…';
  }
}

/** The undefined `label.key`, with a hint listing what `value` has (the label is worked out only now). */
function missingAttr(value: unknown, key: string | number, written: Expr | string, pos: number | undefined): Undefined {
  const label = labelOf(written);
  const hint = isMapping(value) && Object.keys(value).length ? `"${label}" has: ${someKeys(value)}` : undefined;
  return new Undefined(pathOf(label, key), hint, undefined, pos);
}

const attrOf = (v: unknown, k: string | number): unknown => getattr(v, k, 'attr');

function methodNamed(value: unknown, key: string | number): PyCallable | undefined {
  return typeof key === 'string' ? methodOf(value, key, attrOf) : undefined;
}

export function getattr(value: unknown, key: string | number, order: 'attr' | 'item', label: Expr | string = '…', pos?: number): unknown {
  // The common case first: a key of a plain dict (`hostvars.web1.ip`), not shadowed by a dict method.
  if (typeof key === 'string' && isMapping(value) && !(order === 'attr' && isDictMethod(key))) {
    const v = ownValue(value, key);
    if (v !== MISSING) return v;
  }
  if (value instanceof Undefined) return value.attr(key);
  if (value instanceof Namespace) return Object.hasOwn(value.attrs, key) ? value.attrs[key] : missingAttr(value, key, label, pos);
  if (value instanceof TemplateModule) return value.attrs.has(String(key)) ? value.attrs.get(String(key)) : missingAttr(value, key, label, pos);
  if (value instanceof LoopState) return typeof key === 'string' ? value.attr(key) : missingAttr(value, key, label, pos);
  if (value instanceof RecursiveLoop) return typeof key === 'string' ? value.state.attr(key) : missingAttr(value, key, label, pos);
  const field = typeof key === 'string' ? namedField(value, key) : undefined;
  if (field) return field.value;
  if (order === 'attr') {
    const m = methodNamed(value, key);
    if (m) return m;
  }
  if (Array.isArray(value) || isString(value)) {
    if (typeof key === 'number' || typeof key === 'boolean') {
      const seq = Array.isArray(value) ? value : [...toStr(value)];
      const i = Number(key) < 0 ? seq.length + Number(key) : Number(key);
      if (Number.isInteger(i) && i >= 0 && i < seq.length) return seq[i];
    }
  } else if (isMapping(value)) {
    const v = ownValue(value, String(key));
    if (v !== MISSING) return v;
  }
  if (order === 'item') {
    const m = methodNamed(value, key);
    if (m) return m;
  }
  return missingAttr(value, key, label, pos);
}

export class Runtime {
  constructor(
    readonly vars: Readonly<Record<string, unknown>>,
    readonly options: RuntimeOptions,
  ) {}

  private globals: Map<string, unknown> | undefined; // made on first use: most renders call no global

  lookup(scope: Scope, name: string, pos: number): unknown {
    const local = scope.get(name);
    if (local !== MISSING) return local;
    const v = ownValue(this.vars, name);
    if (v instanceof DeferredValue) return v.resolve(this.vars);
    if (v !== MISSING && v !== undefined) return v;
    this.globals ??= new Map();
    let g = this.globals.get(name);
    if (g === undefined) {
      g = globalsFor(name, new Frame(this, scope));
      if (g !== undefined) this.globals.set(name, g);
    }
    if (g !== undefined) return g;
    return new Undefined(name, undefined, undefined, pos);
  }

  /** Render a whole template: the output nodes, each the printed value or template text. */
  render(ast: TemplateAst, extra?: Readonly<Record<string, unknown>>): unknown[] {
    const scope = new Scope(undefined);
    if (extra) for (const [k, v] of Object.entries(extra)) scope.set(k, v);
    const out: unknown[] = [];
    this.block(ast.body, scope, out);
    return out;
  }

  /** Evaluate one expression (a `when:` condition, `tsinfra template eval`). */
  evaluate(expr: Expr): unknown {
    return this.expr(expr, new Scope(undefined));
  }

  /** Python truthiness of one expression, as `{% if %}` reads it. */
  holds(expr: Expr): boolean {
    return this.truth(expr, new Scope(undefined));
  }

  // ---- statements ----

  block(body: Stmt[], scope: Scope, out: unknown[]): void {
    for (const s of body) this.stmt(s, scope, out);
  }

  private renderToString(body: Stmt[], scope: Scope): string {
    const out: unknown[] = [];
    this.block(body, scope, out);
    return out.map((v) => pyStr(v)).join('');
  }

  private stmt(s: Stmt, scope: Scope, out: unknown[]): void {
    switch (s.kind) {
      case 'output':
        out.push(s.text);
        return;
      case 'print': {
        const v = this.expr(s.expr, scope);
        if (v instanceof Undefined) out.push(this.fail(s.expr.pos, () => pyStr(v)));
        else if (v === null && this.options.noneAsEmpty) out.push('');
        else if (typeof v === 'string' && s.expr.kind === 'filter' && NATIVE_TEXT_FILTERS.has(s.expr.name)) out.push(new NativeText(v));
        else out.push(v);
        return;
      }
      case 'if': {
        for (const b of s.branches) {
          if (this.truth(b.test, scope)) return this.block(b.body, scope, out);
        }
        if (s.else) this.block(s.else, scope, out);
        return;
      }
      case 'for':
        return this.forLoop(s, scope, out, 0);
      case 'set':
        return this.assign(s.target, this.expr(s.value, scope), scope, s.pos);
      case 'setblock': {
        let text: unknown = this.renderToString(s.body, new Scope(scope));
        if (s.filters.length) text = this.applyBlockFilters(s.filters, text, scope);
        return this.assign(s.target, text, scope, s.pos);
      }
      case 'macro':
        scope.set(s.name, this.macro(s.name, s.params, s.body, scope, s.catches));
        return;
      case 'callblock': {
        const caller = this.macro('caller', s.params, s.body, scope, s.catches);
        const c = s.call as Extract<Expr, { kind: 'call' }>;
        const callee = this.expr(c.callee, scope);
        const { args, kwargs } = this.callArgs(c.call, scope);
        out.push(this.fail(s.pos, () => new Frame(this, scope).call(callee, args, { ...kwargs, caller })));
        return;
      }
      case 'filterblock':
        out.push(this.applyBlockFilters(s.filters, this.renderToString(s.body, scope), scope));
        return;
      case 'with': {
        const inner = new Scope(scope);
        const values = s.assignments.map((a) => this.expr(a.value, scope));
        s.assignments.forEach((a, i) => this.assign(a.target, values[i], inner, s.pos));
        return this.block(s.body, inner, out);
      }
      case 'scope':
        return this.block(s.body, scope, out);
      case 'include': {
        const loaded = this.loadTemplate(s.template, scope, s.pos, s.ignoreMissing);
        if (!loaded) return;
        const inner = s.withContext ? new Scope(scope) : new Scope(undefined);
        this.block(loaded.ast.body, inner, out);
        return;
      }
      case 'import':
      case 'fromimport': {
        const loaded = this.loadTemplate(s.template, scope, s.pos, false)!;
        const exports = new Map<string, unknown>();
        const inner = new Scope(s.withContext ? scope : undefined, exports);
        this.block(loaded.ast.body, inner, []);
        if (s.kind === 'import') scope.set(s.alias, new TemplateModule(exports));
        else for (const n of s.names) scope.set(n.alias, exports.has(n.name) ? exports.get(n.name) : new Undefined(n.name, undefined, `the template ${loaded.file} does not export '${n.name}'`));
        return;
      }
    }
  }

  private loadTemplate(nameExpr: Expr, scope: Scope, pos: number, ignoreMissing: boolean): { ast: TemplateAst; file: string } | undefined {
    const name = this.expr(nameExpr, scope);
    const names = Array.isArray(name) ? name : [name];
    for (const n of names) {
      const loaded = this.fail(pos, () => this.options.host.loadTemplate?.(toStr(n)));
      if (loaded) return loaded;
    }
    if (ignoreMissing) return undefined;
    throw new RenderFailure(`template not found: ${names.map((n) => pyStr(n)).join(', ')}`, pos);
  }

  private applyBlockFilters(filters: Expr[], input: unknown, scope: Scope): unknown {
    const inner = new Scope(scope);
    inner.set(BLOCK_INPUT, input);
    return this.expr(filters[0]!, inner);
  }

  private forLoop(s: Extract<Stmt, { kind: 'for' }>, scope: Scope, out: unknown[], depth0: number, override?: unknown): void {
    const source = override === undefined ? this.expr(s.iter, scope) : override;
    let items = this.fail(s.iter.pos, () => iterate(source));
    if (s.filter) {
      const filter = s.filter;
      items = items.filter((item) => {
        const inner = new Scope(scope);
        this.assign(s.target, item, inner, s.pos);
        return this.truth(filter, inner);
      });
    }
    if (items.length === 0) {
      if (s.else) this.block(s.else, scope, out);
      return;
    }
    const recurse = s.recursive
      ? (next: unknown) => {
          const sub: unknown[] = [];
          this.forLoop(s, scope, sub, depth0 + 1, next);
          return sub.map((v) => pyStr(v)).join('');
        }
      : undefined;
    const loop = new LoopState(items, 0, depth0);
    const loopValue = recurse ? new RecursiveLoop(loop, recurse) : loop;
    for (let i = 0; i < items.length; i++) {
      loop.index0 = i;
      const inner = new Scope(scope);
      inner.set('loop', loopValue);
      this.assign(s.target, items[i], inner, s.pos);
      this.block(s.body, inner, out);
    }
  }

  private assign(target: Target, value: unknown, scope: Scope, pos: number): void {
    if (target.kind === 'name') return scope.set(target.name, value);
    if (target.kind === 'attr') {
      const ns = this.lookup(scope, target.object, target.pos);
      if (!(ns instanceof Namespace)) throw new RenderFailure(`cannot assign attribute on non-namespace object '${target.object}'`, target.pos);
      ns.attrs[target.attr] = value;
      return;
    }
    const items = this.fail(pos, () => iterate(value));
    if (items.length !== target.items.length) {
      throw new RenderFailure(
        items.length > target.items.length ? `too many values to unpack (expected ${target.items.length})` : `not enough values to unpack (expected ${target.items.length}, got ${items.length})`,
        pos,
      );
    }
    target.items.forEach((t, i) => this.assign(t, items[i], scope, pos));
  }

  private macro(name: string, params: MacroParam[], body: Stmt[], defScope: Scope, catches: { varargs: boolean; kwargs: boolean }): PyCallable {
    return new PyCallable(name, (args, kwargs) => {
      const inner = new Scope(defScope);
      const rest = { ...kwargs };
      const caller = rest.caller;
      delete rest.caller;
      if (args.length > params.length && !catches.varargs) {
        throw new JinjaRuntimeError(`macro '${name}' takes not more than ${params.length} argument(s)`);
      }
      const unknown = Object.keys(rest).find((k) => !params.some((p) => p.name === k));
      if (unknown !== undefined && !catches.kwargs) throw new JinjaRuntimeError(`macro '${name}' takes no keyword argument '${unknown}'`);
      params.forEach((p, i) => {
        let v: unknown;
        if (i < args.length) v = args[i];
        else if (Object.hasOwn(rest, p.name)) v = rest[p.name];
        else v = p.default ? this.expr(p.default, inner) : new Undefined(p.name, undefined, `parameter '${p.name}' was not provided`);
        delete rest[p.name];
        inner.set(p.name, v);
      });
      inner.set('varargs', args.slice(params.length));
      inner.set('kwargs', rest);
      if (caller !== undefined) inner.set('caller', caller);
      return this.renderToString(body, inner);
    });
  }

  // ---- expressions ----

  /** Run `fn`; a failure inside gets `pos` unless it already has a position of its own. */
  private fail<T>(pos: number, fn: () => T): T {
    try {
      return fn();
    } catch (err) {
      throw this.located(err, pos);
    }
  }

  private located(err: unknown, pos: number): Error {
    if (err instanceof RenderFailure) return err;
    if (err instanceof UndefinedError) return new RenderFailure(err.message, err.pos ?? pos, err.hint, err.variable);
    if (err instanceof JinjaRuntimeError) return new RenderFailure(err.message, pos, err.hint);
    return err as Error;
  }

  truth(node: Expr, scope: Scope): boolean {
    return this.truthOf(this.expr(node, scope), node.pos);
  }

  expr(node: Expr, scope: Scope): unknown {
    try {
      return this.eval(node, scope);
    } catch (err) {
      throw this.located(err, node.pos);
    }
  }

  private eval(node: Expr, scope: Scope): unknown {
    switch (node.kind) {
      case 'const':
        return node.value;
      case 'name':
        return this.lookup(scope, node.name, node.pos);
      case 'list':
        return node.items.map((i) => this.expr(i, scope));
      case 'tuple':
        return tuple(node.items.map((i) => this.expr(i, scope)));
      case 'dict': {
        const out: Record<string, unknown> = {};
        for (const { key, value } of node.items) dictSet(out, pyStr(defined(this.expr(key, scope))), this.expr(value, scope));
        return out;
      }
      case 'getattr':
        return getattr(this.expr(node.object, scope), node.attr, 'attr', node.object, start(node));
      case 'getitem': {
        const obj = this.expr(node.object, scope);
        let key = this.expr(node.index, scope);
        if (isUndefined(key)) key.fail();
        if (typeof key === 'boolean') key = key ? 1 : 0;
        if (typeof key !== 'string' && typeof key !== 'number') {
          if (Array.isArray(key) || isMapping(key)) throw new JinjaRuntimeError(`unhashable type: '${pyTypeName(key)}'`);
          key = pyStr(key);
        }
        return getattr(obj, key as string | number, 'item', node.object, start(node));
      }
      case 'slice': {
        return slice(this.expr(node.object, scope), this.optional(node.start, scope), this.optional(node.stop, scope), this.optional(node.step, scope));
      }
      case 'call': {
        const callee = this.expr(node.callee, scope);
        const { args, kwargs } = this.callArgs(node.call, scope);
        return new Frame(this, scope).call(callee, args, kwargs);
      }
      case 'filter':
        return this.filter(node, scope);
      case 'test':
        return this.test(node, scope);
      case 'binary':
        return binary(node.op, this.expr(node.left, scope), this.expr(node.right, scope));
      case 'concat':
        return node.items.map((i) => pyStr(this.expr(i, scope))).join('');
      case 'compare': {
        let left = this.expr(node.first, scope);
        for (const r of node.rest) {
          const right = this.expr(r.right, scope);
          let holds: boolean;
          try {
            holds = compare(r.op, left, right);
          } catch (err) {
            throw this.located(err, r.pos);
          }
          if (!holds) return false;
          left = right;
        }
        return true;
      }
      case 'and': {
        const l = this.expr(node.left, scope);
        return this.truthOf(l, node.left.pos) ? this.expr(node.right, scope) : l;
      }
      case 'or': {
        const l = this.expr(node.left, scope);
        return this.truthOf(l, node.left.pos) ? l : this.expr(node.right, scope);
      }
      case 'not':
        return !this.truth(node.operand, scope);
      case 'neg':
      case 'pos':
        return negate(this.expr(node.operand, scope), node.kind === 'neg' ? -1 : 1);
      case 'cond':
        if (this.truth(node.test, scope)) return this.expr(node.then, scope);
        return node.else
          ? this.expr(node.else, scope)
          : new Undefined('', undefined, 'the inline if-expression evaluated to false and no else section was defined', node.pos, true);
    }
  }

  private optional(node: Expr | undefined, scope: Scope): unknown {
    return node ? this.expr(node, scope) : null;
  }

  /** Python truthiness of a value already computed; a failure (an undefined) is reported at `pos`. */
  private truthOf(value: unknown, pos: number): boolean {
    try {
      return pyTruthy(value);
    } catch (err) {
      throw this.located(err, pos);
    }
  }

  private callArgs(call: Call, scope: Scope): { args: unknown[]; kwargs: Record<string, unknown> } {
    const args = call.args.map((a) => this.expr(a, scope));
    const kwargs: Record<string, unknown> = {};
    for (const k of call.kwargs) dictSet(kwargs, k.name, this.expr(k.value, scope));
    if (call.star) args.push(...iterate(this.expr(call.star, scope)));
    if (call.starstar) {
      const more = this.expr(call.starstar, scope);
      if (!isMapping(more)) throw new JinjaRuntimeError('argument after ** must be a mapping');
      for (const [k, v] of Object.entries(more)) dictSet(kwargs, k, v);
    }
    return { args, kwargs };
  }

  private filter(node: Extract<Expr, { kind: 'filter' }>, scope: Scope): unknown {
    const f = FILTERS.get(node.name);
    if (f === undefined) throw new RenderFailure(`no filter named '${node.name}'`, node.pos);
    const input = this.expr(node.input, scope);
    const { args, kwargs } = this.callArgs(node, scope);
    if (isUndefined(input) && !f.acceptsUndefined) throw this.located(failure(input), node.input.pos);
    try {
      return f.fn(new Frame(this, scope), input, args, kwargs);
    } catch (err) {
      throw this.located(err, node.pos);
    }
  }

  private test(node: Extract<Expr, { kind: 'test' }>, scope: Scope): boolean {
    const t = TESTS.get(node.name);
    if (t === undefined) throw new RenderFailure(`no test named '${node.name}'`, node.pos);
    const input = this.expr(node.input, scope);
    const { args, kwargs } = this.callArgs(node, scope);
    let r: boolean;
    try {
      r = t.fn(new Frame(this, scope), input, args, kwargs);
    } catch (err) {
      throw this.located(err, node.pos);
    }
    return node.negated ? !r : r;
  }
}

/** `loop` of a recursive for: callable as `loop(children)`, otherwise the same attributes. */
class RecursiveLoop extends PyCallable {
  constructor(
    readonly state: LoopState,
    recurse: (items: unknown) => string,
  ) {
    super('loop', (args) => recurse(args[0]));
  }
}

/** The error an undefined raises when used. */
function failure(u: Undefined): unknown {
  try {
    return u.fail();
  } catch (err) {
    return err;
  }
}

/** Where a path starts (`a` of `a.b[0]`): an undefined attribute is reported there, where the path is written. */
function start(node: Expr): number {
  return node.kind === 'getattr' || node.kind === 'getitem' ? start(node.object) : node.pos;
}

function compare(op: string, a: unknown, b: unknown): boolean {
  switch (op) {
    case '==':
      return pyEquals(a, b);
    case '!=':
      return !pyEquals(a, b);
    case 'in':
      return contains(b, a);
    case 'notin':
      return !contains(b, a);
    case '<':
      return pyCompare(a, b) < 0;
    case '<=':
      return pyCompare(a, b) <= 0;
    case '>':
      return pyCompare(a, b) > 0;
    default:
      return pyCompare(a, b) >= 0;
  }
}
