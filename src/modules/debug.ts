// debug: print a message or a variable.
import { Type, type Static } from '@sinclair/typebox';
import { defineAction, type ArgProblem, type RegisteredResult } from './define.js';

const DebugArgs = Type.Object(
  {
    msg: Type.Optional(Type.Unknown({ description: 'What to print (already templated)' })),
    var: Type.Optional(Type.String({ minLength: 1, description: 'A variable name or path (a.b[0]) to print, not templated' })),
    verbosity: Type.Integer({ minimum: 0, default: 0, description: 'Print only with at least this many -v' }),
  },
  { additionalProperties: false },
);
export type DebugArgs = Static<typeof DebugArgs>;

const PATH = /^[A-Za-z_][A-Za-z0-9_]*(\.[A-Za-z_][A-Za-z0-9_]*|\[[0-9]+\]|\['[^']*'\]|\["[^"]*"\])*$/;

/** Looks up `a.b[0]['c']` in vars; undefined when any step is missing. */
export function lookupPath(vars: Readonly<Record<string, unknown>>, path: string): unknown {
  const steps = [...path.matchAll(/([A-Za-z_][A-Za-z0-9_]*)|\[([0-9]+)\]|\['([^']*)'\]|\["([^"]*)"\]/g)].map((m) => m[1] ?? m[2] ?? m[3] ?? m[4]!);
  let cur: unknown = vars;
  for (const step of steps) {
    if (cur === null || typeof cur !== 'object' || !Object.prototype.hasOwnProperty.call(cur, step)) return undefined;
    cur = (cur as Record<string, unknown>)[step];
  }
  return cur;
}

export const debug = defineAction({
  name: 'debug',
  summary: 'Print a message or the value of a variable',
  args: DebugArgs,
  checkMode: 'run',
  controllerOnly: true,
  refine(a): ArgProblem[] {
    return a.msg !== undefined && a.var !== undefined ? [{ path: '/var', message: 'debug takes msg or var, not both' }] : [];
  },
  async run(a, io): Promise<RegisteredResult> {
    if (io.verbosity < a.verbosity) return { changed: false, failed: false, skipped: true, skip_reason: 'verbosity threshold not met' };
    if (a.var === undefined) return { changed: false, failed: false, msg: a.msg === undefined ? 'Hello world!' : a.msg };
    const value = PATH.test(a.var) ? lookupPath(io.vars, a.var) : await io.evaluate(a.var);
    return { changed: false, failed: false, [a.var]: value === undefined ? 'VARIABLE IS NOT DEFINED!' : value };
  },
});
