// A CallContext for calling filters and tests directly: attribute access over dicts and lists, and dispatch to the
// filters and tests it is given (no runtime, no host).
import type { CallContext, FilterDef, RenderHost, TestDef } from '../../../src/jinja/registry.js';
import { isMapping, isString, pyTypeName, toStr, Undefined } from '../../../src/jinja/values.js';

export function fakeContext(filters: readonly FilterDef[], tests: readonly TestDef[], vars: Record<string, unknown> = {}): CallContext {
  const filterMap = new Map(filters.map((f) => [f.name, f]));
  const testMap = new Map(tests.map((t) => [t.name, t]));
  const ctx: CallContext = {
    getattr(value, name) {
      if (value instanceof Undefined) return value.attr(name);
      if (isMapping(value) && Object.hasOwn(value, String(name))) return value[String(name)];
      if ((Array.isArray(value) || isString(value)) && typeof name === 'number') {
        const items = Array.isArray(value) ? value : [...toStr(value)];
        const item = items[name < 0 ? items.length + name : name];
        if (item !== undefined) return item;
      }
      return new Undefined(String(name), undefined, `'${pyTypeName(value)} object' has no attribute '${name}'`);
    },
    test(name, value, args, kwargs = {}) {
      const t = testMap.get(name);
      if (t === undefined) throw new Error(`no test named '${name}'`);
      if (value instanceof Undefined && !t.acceptsUndefined) value.fail();
      return t.fn(ctx, value, args, kwargs);
    },
    filter(name, value, args, kwargs = {}) {
      const f = filterMap.get(name);
      if (f === undefined) throw new Error(`no filter named '${name}'`);
      if (value instanceof Undefined && !f.acceptsUndefined) value.fail();
      return f.fn(ctx, value, args, kwargs);
    },
    call() {
      throw new Error('fake context: call() is not supported');
    },
    resolve: (name) => (Object.hasOwn(vars, name) ? vars[name] : new Undefined(name)),
    variableNames: () => Object.keys(vars),
    get host(): RenderHost {
      throw new Error('fake context: no host');
    },
  };
  return ctx;
}
