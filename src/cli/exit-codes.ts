// Exit codes follow ansible-playbook's documented return codes, so wrappers and CI scripts port unchanged.
import { TsinfraError } from '../errors.js';

export const ExitCode = {
  ok: 0, // success, or no hosts matched
  error: 1, // an error not covered below
  hostFailed: 2, // one or more hosts failed
  hostUnreachable: 3, // one or more hosts were unreachable
  parseError: 4, // a file could not be parsed or validated
  badOptions: 5, // bad or incomplete command-line options
  interrupted: 99, // the user interrupted the run
  unexpected: 250, // a bug: an error we did not anticipate
} as const;

export const exitCodeHelp = `Exit codes (as ansible-playbook):
  0    success (or no hosts matched)
  1    error
  2    one or more hosts failed
  3    one or more hosts were unreachable
  4    parse or validation error in an input file
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

/** For a run over many hosts: failed beats unreachable, as in ansible-playbook. */
export function exitCodeForRun(counts: { failed: number; unreachable: number }): number {
  if (counts.failed > 0) return ExitCode.hostFailed;
  if (counts.unreachable > 0) return ExitCode.hostUnreachable;
  return ExitCode.ok;
}
