// debug: print a message or a variable.
import { Type, type Static } from '@sinclair/typebox';
import { TemplateError } from '../errors.js';
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

/** `var:` as Ansible's debug reads it: the expression's value, or its marker when a variable in it is undefined. */
function valueOf(expression: string, evaluate: (e: string) => unknown): unknown {
  try {
    return evaluate(expression);
  } catch (err) {
    if (err instanceof TemplateError && err.variable !== undefined) return 'VARIABLE IS NOT DEFINED!';
    throw err;
  }
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
    return { changed: false, failed: false, [a.var]: valueOf(a.var, (e) => io.evaluate(e)) };
  },
});
