// fail: stop this host with a message.
import { Type, type Static } from '@sinclair/typebox';
import { defineAction } from './define.js';

const FailArgs = Type.Object(
  {
    msg: Type.String({ default: 'Failed as requested from task' }),
  },
  { additionalProperties: false },
);
export type FailArgs = Static<typeof FailArgs>;

export const fail = defineAction({
  name: 'fail',
  summary: 'Fail the host with a message',
  args: FailArgs,
  checkMode: 'run',
  controllerOnly: true,
  normalize: (input) => (typeof input === 'string' ? { msg: input } : input),
  async run(a) {
    return { changed: false, failed: true, msg: a.msg };
  },
});
