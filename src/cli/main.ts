// Commander wiring only. The one place that maps errors to exit codes.
import { Command, CommanderError } from 'commander';
import { TsinfraError } from '../errors.js';
import type { RegisterCommand } from './command-context.js';
import { ExitCode, exitCodeForError, exitCodeHelp } from './exit-codes.js';
import { ownValue } from '../own-keys.js';
import { readFileSync } from 'node:fs';

const exitCodeOnPipeClose = 0;

type LoadCommand = () => Promise<RegisterCommand>;

// Each command's module is loaded only when that command runs: startup time is part of every ad-hoc run.
const COMMANDS: Record<string, LoadCommand> = {
  lab: () => import('./lab-command.js').then((m) => m.registerLabCommand),
  inventory: () => import('./inventory-commands.js').then((m) => m.registerInventoryCommands),
  shell: () => import('./ad-hoc-commands.js').then((m) => m.registerAdHocCommands),
  play: () => import('./play-command.js').then((m) => m.registerPlayCommand),
  passwd: () => import('./passwd-command.js').then((m) => m.registerPasswdCommand),
  audit: () => import('./audit-command.js').then((m) => m.registerAuditCommand),
  template: () => import('./template-command.js').then((m) => m.registerTemplateCommand),
};
const ALIASES: Record<string, string> = { hosts: 'inventory', ping: 'shell' };

function commandModulesFor(name: string | undefined): LoadCommand[] {
  const key = name === undefined ? undefined : ownValue(ALIASES, name) ?? name;
  const one = key === undefined ? undefined : ownValue(COMMANDS, key);
  return one ? [one] : Object.values(COMMANDS); // help, or an unknown command: load all for commander's message
}

/** The version in package.json (two levels up from dist/cli/ and from dist/bundle/ alike). */
function packageVersion(): string {
  return (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
}

export async function main(argv: string[]): Promise<number> {
  // `tsinfra ... | head` closes our stdout early: that is not an error.
  process.stdout.on('error', (err: NodeJS.ErrnoException) => {
    if (err.code === 'EPIPE') process.exit(exitCodeOnPipeClose);
    throw err;
  });
  const program = new Command('tsinfra')
    .description('Typed, fast, safe SSH orchestration')
    .version(packageVersion(), '-V, --version')
    .addHelpText('after', `\n${exitCodeHelp}`)
    .exitOverride()
    .showHelpAfterError();
  let exitCode: number = ExitCode.ok;
  const setExitCode = (code: number) => {
    exitCode = code;
  };
  const registrations = await Promise.all(commandModulesFor(argv[2]).map((load) => load()));
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
