// wait_for_connection: wait until the host answers over SSH again (after a reboot, a network change, …).
import { Type, type Static } from '@sinclair/typebox';
import { defineAction } from './define.js';

const WaitForConnectionArgs = Type.Object(
  {
    delay: Type.Integer({ minimum: 0, default: 0, description: 'Seconds before the first try' }),
    sleep: Type.Integer({ minimum: 1, default: 1, description: 'Seconds between tries' }),
    timeout: Type.Integer({ minimum: 1, default: 600, description: 'Seconds before failing' }),
    connect_timeout: Type.Integer({ minimum: 1, default: 5, description: 'Seconds one try may take' }),
  },
  { additionalProperties: false },
);
export type WaitForConnectionArgs = Static<typeof WaitForConnectionArgs>;

export const waitForConnection = defineAction({
  name: 'wait_for_connection',
  summary: 'Wait until the host is reachable over SSH again',
  args: WaitForConnectionArgs,
  checkMode: 'run',
  controllerOnly: false,
  async run(a, io) {
    const start = io.now();
    if (a.delay > 0) await io.sleep(a.delay * 1000);
    const deadline = start + (a.delay + a.timeout) * 1000;
    for (;;) {
      const remaining = deadline - io.now();
      if (await io.tryConnect(Math.max(1, Math.min(a.connect_timeout * 1000, remaining)))) {
        return { changed: false, failed: false, elapsed: Math.round((io.now() - start) / 1000) };
      }
      if (io.now() + a.sleep * 1000 >= deadline) {
        const elapsed = Math.round((io.now() - start) / 1000);
        return { changed: false, failed: true, elapsed, msg: `timed out waiting for connection after ${elapsed}s` };
      }
      await io.sleep(a.sleep * 1000);
    }
  },
});
