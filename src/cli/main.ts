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
  doc: () => import('./doc-command.js').then((m) => m.registerDocCommand),
  config: () => import('./config-command.js').then((m) => m.registerConfigCommand),
  roles: () => import('./roles-command.js').then((m) => m.registerRolesCommand),
  vault: () => import('./vault-command.js').then((m) => m.registerVaultCommand),
  adhoc: () => import('./ad-hoc-module-command.js').then((m) => m.registerAdHocModuleCommand),
};
const ALIASES: Record<string, string> = { hosts: 'inventory', ping: 'shell' };

/**
 * `tsinfra PATTERN -m MODULE -a ARGS` (as `ansible`): with -m/-a anywhere and no command first, the words are an
 * ad-hoc run, its options before or after the pattern (`tsinfra -i inv -m ping all`, `tsinfra -i inv all -m ping`).
 */
export function withAdHocCommand(argv: string[]): string[] {
  const first = argv[2];
  if (first === undefined || Object.hasOwn(COMMANDS, first) || Object.hasOwn(ALIASES, first)) return argv;
  const isAdHoc = argv.slice(2).some((a) => /^(-[ma]|--args(=|$)|--module-name(=|$))/.test(a));
  return isAdHoc ? [...argv.slice(0, 2), 'adhoc', ...argv.slice(2)] : argv;
}

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
  argv = withAdHocCommand(argv);
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
      return ExitCode.usage; // as argparse: an unknown option or a missing argument exits 2
    }
    if (err instanceof TsinfraError) {
      const { maskVaultValues } = await import('../vault/mask-vault-values.js'); // no vault plaintext in an error
      process.stderr.write(maskVaultValues(`tsinfra: ${err.describe()}\n`));
      return exitCodeForError(err);
    }
    process.stderr.write(`tsinfra: unexpected error (a bug, please report it): ${(err as Error)?.stack ?? err}\n`);
    return ExitCode.unexpected;
  }
}
