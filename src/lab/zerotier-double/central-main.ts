// Entry point of the ZeroTier test double's server process: `node central-main.js <lab state dir>`.
// `lab up` starts it detached (zerotier-double.ts); it reads its config (and the API token) from the state dir.
import { runCentralServer } from './central-server.js';

const stateDir = process.argv[2];
if (!stateDir) {
  process.stderr.write('usage: central-main <lab state dir>\n');
  process.exit(2);
}
runCentralServer(stateDir).catch((err: unknown) => {
  process.stderr.write(`ZeroTier test double: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
