// Commander wiring only. The one place that maps errors to exit codes.
import { Command, CommanderError } from 'commander';
import { TsinfraError } from '../errors.js';
import { ExitCode, exitCodeForError, exitCodeHelp } from './exit-codes.js';

const exitCodeOnPipeClose = 0;

export async function main(argv: string[]): Promise<number> {
  // `tsinfra ... | head` closes our stdout early: that is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(exitCodeOnPipeClose);
    throw err;
  });
  const program = new Command('tsinfra')
    .description('Typed, fast, safe SSH orchestration')
    .addHelpText('after', `\n${exitCodeHelp}`)
    .exitOverride()
    .showHelpAfterError();
  let exitCode: number = ExitCode.ok;
  const setExitCode = (code: number) => {
    exitCode = code;
  };
  const registrations = await Promise.all([
    import('./lab-command.js').then((m) => m.registerLabCommand),
    import('./inventory-commands.js').then((m) => m.registerInventoryCommands),
    import('./ad-hoc-commands.js').then((m) => m.registerAdHocCommands),
  ]);
  for (const register of registrations) register(program, { setExitCode });
  try {
    await program.parseAsync(argv);
    return exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.exitCode === 0) return ExitCode.ok;
      return ExitCode.badOptions;
    }
    if (err instanceof TsinfraError) {
      process.stderr.write(`tsinfra: ${err.describe()}\n`);
      return exitCodeForError(err);
    }
    process.stderr.write(`tsinfra: unexpected error (a bug, please report it): ${(err as Error)?.stack ?? err}\n`);
    return ExitCode.unexpected;
  }
}
