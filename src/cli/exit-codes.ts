// Exit codes as ansible-playbook 2.14 really gives them (measured against Debian's ansible-core, see
// test/integration/cli/exit-codes.test.ts), so wrappers and CI scripts port unchanged. Two differ from Ansible's
// documentation: an unreachable host exits 4 (the task queue manager's RUN_UNREACHABLE_HOSTS, which also wins over a
// failed host), and a command line the parser rejects (unknown option, missing argument) exits 2, as argparse does.
import { TsinfraError } from '../errors.js';

export const ExitCode = {
  ok: 0, // success, or the play's hosts matched nothing
  error: 1, // an error not covered below (a missing playbook, --limit leaving no host)
  hostFailed: 2, // one or more hosts failed
  usage: 2, // the command line did not parse (argparse's exit code)
  hostUnreachable: 4, // one or more hosts were unreachable
  parseError: 4, // a file could not be parsed or validated
  badOptions: 5, // options that parse but do not fit (Ansible's AnsibleOptionsError)
  interrupted: 99, // the user interrupted the run
  unexpected: 250, // a bug: an error we did not anticipate
} as const;

export const exitCodeHelp = `Exit codes (as ansible-playbook 2.14 gives them):
  0    success (or the play's hosts matched nothing)
  1    error (e.g. the playbook is missing, or --limit leaves no host)
  2    one or more hosts failed; or the command line did not parse
  4    one or more hosts were unreachable (wins over failed); or a parse or validation error in an input file
  5    bad or incomplete command-line options
  99   interrupted (SIGINT/SIGTERM)
  250  unexpected error (a bug: please report it)`;

export function exitCodeForError(err: unknown): number {
  if (!(err instanceof TsinfraError)) return ExitCode.unexpected;
  switch (err.code) {
    case 'TSI_CONFIG':
    case 'TSI_ARGS':
    case 'TSI_TEMPLATE':
    case 'TSI_EXPRESSION':
      return ExitCode.parseError;
    case 'TSI_USAGE':
      return ExitCode.badOptions;
    case 'TSI_UNREACHABLE':
      return ExitCode.hostUnreachable;
    case 'TSI_INTERRUPTED':
      return ExitCode.interrupted;
    default:
      return ExitCode.error;
  }
}

/** For a run over many hosts: unreachable beats failed, as ansible-playbook's strategy returns it. */
export function exitCodeForRun(counts: { failed: number; unreachable: number }): number {
  if (counts.unreachable > 0) return ExitCode.hostUnreachable;
  if (counts.failed > 0) return ExitCode.hostFailed;
  return ExitCode.ok;
}
