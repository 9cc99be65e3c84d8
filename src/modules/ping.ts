// ping: Ansible's connection test. One `true` over the connection (inside become when set): reaching the host is the
// test, as Ansible's ping proves it can run a module there. Returns `ping: data`; data=crash fails as Ansible raises.
import { Type } from '@sinclair/typebox';
import { sh } from '../shell/script.js';
import { defineAction, type RegisteredResult } from './define.js';

const PingArgs = Type.Object(
  { data: Type.String({ default: 'pong', description: 'What to return in `ping`; "crash" makes the task fail (as in Ansible)' }) },
  { additionalProperties: false },
);

export const ping = defineAction({
  name: 'ping',
  summary: 'Check that the host can be reached (and become works): returns ping: pong',
  args: PingArgs,
  checkMode: 'run',
  controllerOnly: false,
  async run(a, io): Promise<RegisteredResult> {
    const r = await io.exec(sh`true`);
    if (r.code !== 0) return { changed: false, failed: true, msg: `ping: the host ran \`true\` with exit ${r.code}: ${r.stderr.trim()}` };
    if (a.data === 'crash') return { changed: false, failed: true, msg: 'boom' };
    return { changed: false, failed: false, ping: a.data };
  },
});
