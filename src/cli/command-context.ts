// What main() hands to each command's register function.
import type { Command } from 'commander';

export interface CommandContext {
  /** A command that finishes normally sets the process exit code here (see exit-codes.ts). */
  setExitCode(code: number): void;
}

export type RegisterCommand = (program: Command, ctx: CommandContext) => void;
