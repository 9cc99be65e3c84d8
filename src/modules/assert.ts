// assert: conditions that must hold, each decided exactly as a `when:` is (io.holds).
import { Type, type Static } from '@sinclair/typebox';
import { defineAction } from './define.js';

const AssertArgs = Type.Object(
  {
    that: Type.Array(Type.String({ minLength: 1 }), { minItems: 1, description: 'Conditions (one string or a list)' }),
    fail_msg: Type.Optional(Type.String({ description: 'The message when a condition is false' })),
    success_msg: Type.Optional(Type.String()),
    quiet: Type.Boolean({ default: false, description: 'No message on success' }),
  },
  { additionalProperties: false },
);
export type AssertArgs = Static<typeof AssertArgs>;

export const assert = defineAction({
  name: 'assert',
  summary: 'Fail unless every condition holds',
  args: AssertArgs,
  aliases: { msg: 'fail_msg' },
  checkMode: 'run',
  controllerOnly: true,
  normalize(input) {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) return input;
    const o = input as Record<string, unknown>;
    return typeof o.that === 'string' ? { ...o, that: [o.that] } : o;
  },
  async run(a, io) {
    for (const condition of a.that) {
      if (!io.holds(condition)) {
        return { changed: false, failed: true, assertion: condition, evaluated_to: false, msg: a.fail_msg ?? 'Assertion failed' };
      }
    }
    return a.quiet ? { changed: false, failed: false } : { changed: false, failed: false, msg: a.success_msg ?? 'All assertions passed' };
  },
});
