// A small CallContext for calling Ansible's filters, tests and lookups directly: dict keys and list indexes for
// attribute access, a fixed variable table, and a RenderHost over given directories and environment.
import type { CallContext, RenderHost } from '../../../src/jinja/registry.js';
import { Undefined } from '../../../src/jinja/undefined.js';
import { PyFloat, isMapping, pyRepr, tuple } from '../../../src/jinja/values.js';

export interface FakeOptions {
  vars?: Record<string, unknown>;
  env?: Record<string, string>;
  search?: Partial<Record<'files' | 'templates' | 'vars', string[]>>;
  render?: (path: string, extra?: Readonly<Record<string, unknown>>) => string;
}

export function fakeContext(o: FakeOptions = {}): CallContext {
  const vars = o.vars ?? {};
  const host: RenderHost = {
    searchPath: (kind) => o.search?.[kind] ?? [],
    env: o.env ?? {},
    renderFile: o.render ?? ((path) => `rendered ${path}`),
  };
  const getattr = (value: unknown, name: string | number): unknown => {
    if (value instanceof Undefined) return value.attr(name);
    if (Array.isArray(value) && typeof name === 'number') return name < value.length ? value[name] : new Undefined(String(name));
    if (isMapping(value) && Object.hasOwn(value, String(name))) return value[String(name)];
    return new Undefined(String(name));
  };
  return {
    getattr,
    test: () => {
      throw new Error('not in the fake context');
    },
    filter: () => {
      throw new Error('not in the fake context');
    },
    call: () => {
      throw new Error('not in the fake context');
    },
    resolve: (name) => (Object.hasOwn(vars, name) ? vars[name] : new Undefined(name)),
    variableNames: () => Object.keys(vars),
    host,
  };
}

/** Shorthands for oracle tables: an integral float, a tuple, an undefined name. */
export const F = (n: number) => new PyFloat(n);
export const T = <X extends unknown[]>(items: X) => tuple(items);
export const U = (name: string) => new Undefined(name);

/** pyRepr, escaping what Python's repr escapes and values.ts does not yet (\xa0, \u2028, ...). */
export function repr(value: unknown): string {
  return pyRepr(value).replace(/[\x7f-\xa0\xad\u2028\u2029\ufeff]/g, (c) => {
    const n = c.charCodeAt(0);
    return n < 0x100 ? `\\x${n.toString(16).padStart(2, '0')}` : `\\u${n.toString(16).padStart(4, '0')}`;
  });
}
