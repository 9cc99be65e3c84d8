// SIGINT/SIGTERM: the first runs the cleanup (stop, close connections, report) and exits 99; a second exits at once.
import { killLocalCommands } from '../transport/local.js';
import { ExitCode } from './exit-codes.js';

export function onInterrupt(cleanup: (signal: NodeJS.Signals) => Promise<void>): () => void {
  let interrupted = false;
  const handler = (signal: NodeJS.Signals) => {
    if (interrupted) process.exit(ExitCode.interrupted);
    interrupted = true;
    process.stderr.write(`\ntsinfra: ${signal}: closing connections (again to quit at once)\n`);
    killLocalCommands(); // delegate_to: localhost commands, which no connection pool holds
    void cleanup(signal).finally(() => process.exit(ExitCode.interrupted));
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return () => {
    process.off('SIGINT', handler);
    process.off('SIGTERM', handler);
  };
}
