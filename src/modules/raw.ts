// raw: the text as is, as the whole script (the one module whose user text is not quoted: that is its point).
import { Type, type Static } from '@sinclair/typebox';
import { raw } from '../shell/script.js';
import { defineAction } from './define.js';
import { commandResult } from './command.js';

const RawArgs = Type.Object(
  {
    cmd: Type.String({ minLength: 1, description: 'Shell text sent as is to /bin/sh on the host' }),
  },
  { additionalProperties: false },
);
export type RawArgs = Static<typeof RawArgs>;

export const rawModule = defineAction({
  name: 'raw',
  summary: 'Send shell text as is (no quoting, no wrapper): for bootstrapping',
  args: RawArgs,
  normalize: (input) => (typeof input === 'string' ? { cmd: input } : input),
  checkMode: 'skip',
  controllerOnly: false,
  script: (a) => raw(a.cmd),
  async run(a, io) {
    return commandResult(await io.exec(raw(a.cmd)), a.cmd, false);
  },
});
