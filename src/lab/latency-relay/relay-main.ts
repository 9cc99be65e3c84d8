// Entry point of the lab's latency relay process: `node relay-main.js <lab state dir>` (started by start-relay.ts).
import { runRelay } from './relay.js';

const stateDir = process.argv[2];
if (!stateDir) {
  process.stderr.write('usage: relay-main <lab state dir>\n');
  process.exit(2);
}
runRelay(stateDir).catch((err: unknown) => {
  process.stderr.write(`latency relay: ${(err as Error).stack ?? String(err)}\n`);
  process.exit(1);
});
