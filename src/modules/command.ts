// command: run a program with arguments, no shell (words are quoted one by one). `creates`/`removes` make it
// conditional; the check happens in the same exec as the run.
import { randomBytes } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import { joinScripts, raw, sh, type Script } from '../shell/script.js';
import { secret } from '../shell/secret.js';
import { defineAction, outputFields, type ActionIO, type ArgProblem, type AsyncJob, type ExecResult, type RegisteredResult } from './define.js';
import { splitWords } from '../shell/split-words.js';

export { splitWords };

export const CommandArgs = Type.Object(
  {
    cmd: Type.Optional(Type.String({ minLength: 1, description: 'The command line; split into words like a shell would, without expanding anything' })),
    argv: Type.Optional(Type.Array(Type.String(), { minItems: 1, description: 'The program and its arguments, as a list' })),
    creates: Type.Optional(Type.String({ minLength: 1, description: 'Skip when this path (or glob with * and ?) exists' })),
    removes: Type.Optional(Type.String({ minLength: 1, description: 'Run only when this path (or glob) exists' })),
    chdir: Type.Optional(Type.String({ minLength: 1, description: 'Change into this directory first' })),
    stdin: Type.Optional(Type.String({ description: 'Text given to the command on standard input' })),
    stdin_add_newline: Type.Boolean({ default: true, description: 'Add a newline to stdin' }),
    strip_empty_ends: Type.Boolean({ default: true, description: 'Strip trailing newlines from stdout and stderr in the result' }),
  },
  { additionalProperties: false },
);
export type CommandArgs = Static<typeof CommandArgs>;

/** The keys a free-form line may carry as `key=value` words (Ansible: `command: make creates=/x`). */
export const FREE_FORM_KEYS = ['creates', 'removes', 'chdir'] as const;

/**
 * `shell: echo hi creates=/x` → `{ cmd: 'echo hi', creates: '/x' }`. Only unquoted words that start with one of
 * `keys` and `=` are taken out; their values may be quoted.
 */
export function parseFreeForm(line: string, keys: readonly string[] = FREE_FORM_KEYS): Record<string, string> {
  const out: Record<string, string> = {};
  const kept: string[] = [];
  for (const word of splitKeepingQuotes(line)) {
    const m = /^([a-z_]+)=(.*)$/s.exec(word.text);
    if (m && keys.includes(m[1]!) && !(m[1]! in out)) out[m[1]!] = unquote(m[2]!);
    else kept.push(word.raw);
  }
  return { ...out, cmd: kept.join('').trim() };
}

/** Words with the whitespace before them, so the rest of the line is rebuilt exactly. */
function splitKeepingQuotes(line: string): { text: string; raw: string }[] {
  const out: { text: string; raw: string }[] = [];
  let i = 0;
  while (i < line.length) {
    const start = i;
    while (i < line.length && /\s/.test(line[i]!)) i++;
    const wordStart = i;
    let quote: string | undefined;
    while (i < line.length && (quote !== undefined || !/\s/.test(line[i]!))) {
      const c = line[i]!;
      if (quote === undefined && (c === '"' || c === "'")) quote = c;
      else if (c === quote) quote = undefined;
      else if (c === '\\' && quote !== "'") i++;
      i++;
    }
    if (i > wordStart) out.push({ text: line.slice(wordStart, i), raw: line.slice(start, i) });
    else if (i > start) out.push({ text: '', raw: line.slice(start, i) });
  }
  return out;
}

function unquote(v: string): string {
  return splitWords(v).join(' ');
}

/** A free-form string → `{ cmd, ...key=value }`; objects pass through. */
export function normalizeFreeForm(raw: unknown): unknown {
  return typeof raw === 'string' ? parseFreeForm(raw) : raw;
}

/** A path where `*` and `?` stay globs and everything else is quoted. */
export function globWord(pattern: string): Script {
  const parts = pattern.split(/([*?])/).filter((p) => p !== '');
  return joinScripts(parts.map((p) => (p === '*' || p === '?' ? raw(p) : sh`${p}`)), '');
}

export interface RunOptions {
  creates?: string;
  removes?: string;
  chdir?: string;
  stdin?: string;
  stdinAddNewline?: boolean;
  /** Runs just before the program, after the creates/removes test (shell puts its command line in the environment). */
  prelude?: Script;
}

/**
 * The script for command/shell: cd, the creates/removes test (printing `skipMarker` when it skips), then the
 * program with stdin from the `stdin` text or /dev/null (never the rest of our own script).
 */
export function runScript(program: Script, o: RunOptions, skipMarker: string): Script {
  const parts: Script[] = [];
  if (o.chdir !== undefined) parts.push(sh`cd ${o.chdir} || exit 1`);
  if (o.creates !== undefined) parts.push(sh`set -- ${globWord(o.creates)}`, sh`if [ -e "$1" ] || [ -L "$1" ]; then echo ${skipMarker}; exit 0; fi`);
  if (o.removes !== undefined) parts.push(sh`set -- ${globWord(o.removes)}`, sh`if [ ! -e "$1" ] && [ ! -L "$1" ]; then echo ${skipMarker}; exit 0; fi`);
  if (o.prelude !== undefined) parts.push(o.prelude);
  if (o.stdin !== undefined) {
    const text = o.stdin + (o.stdinAddNewline === false ? '' : '\n');
    parts.push(sh`printf '%s' ${secret(Buffer.from(text).toString('base64'))} | base64 -d | ${program}`);
  } else {
    parts.push(sh`exec ${program} </dev/null`);
  }
  return joinScripts(parts);
}

/** Run, and shape the result like Ansible's command module. */
/** The arguments command and shell share (Ansible's names), as runCommand's options. */
export function sharedRunOptions(a: {
  creates?: string;
  removes?: string;
  chdir?: string;
  stdin?: string;
  stdin_add_newline: boolean;
  strip_empty_ends: boolean;
}): RunOptions & { strip: boolean } {
  return { creates: a.creates, removes: a.removes, chdir: a.chdir, stdin: a.stdin, stdinAddNewline: a.stdin_add_newline, strip: a.strip_empty_ends };
}

// Random, and the same for the whole run: a command's script is then the same text each time it is worked out,
// so a read-only check can be run ahead (read-ahead matches scripts by their text).
const SKIP_MARKER = `__tsinfra_skipped_${randomBytes(8).toString('hex')}__`;

/** The one script command and shell exec. */
export function commandScript(program: Script, o: RunOptions): Script {
  return runScript(program, o, SKIP_MARKER);
}

export async function runCommand(io: ActionIO, program: Script, o: RunOptions & { strip: boolean; cmd: unknown }): Promise<RegisteredResult> {
  const r = await io.exec(commandScript(program, o));
  if (r.code === 0 && r.stdout === `${SKIP_MARKER}\n`) return { changed: false, failed: false, skipped: false, ...skippedResult(o) };
  return commandResult(r, o.cmd, o.strip);
}

/** What command and shell report when creates/removes said not to run. */
function skippedResult(o: RunOptions & { cmd: unknown }): Record<string, unknown> {
  const why = o.creates !== undefined ? `${o.creates} exists` : `${o.removes} does not exist`;
  return { rc: 0, stdout: `skipped, since ${why}`, stderr: '', stdout_lines: [`skipped, since ${why}`], stderr_lines: [], cmd: o.cmd, msg: `Did not run command since ${why}` };
}

/** command and shell as a detached job (`async:`): the results file holds the keys Ansible's command module writes. */
export function commandJob(program: Script, o: RunOptions & { strip: boolean; cmd: unknown }): AsyncJob {
  const { stdout_lines: _o, stderr_lines: _e, ...skipped } = skippedResult(o);
  return {
    script: commandScript(program, o),
    result: { changed: true, cmd: o.cmd },
    output: true,
    timed: true,
    strip: o.strip,
    // Ansible's command module reports no times when it did not run.
    skip: { marker: SKIP_MARKER, result: { changed: false, ...skipped, start: null, end: null, delta: null } },
  };
}

export function commandResult(r: ExecResult, cmd: unknown, strip: boolean): RegisteredResult {
  const trimmed = strip ? { ...r, stdout: r.stdout.replace(/[\r\n]+$/, ''), stderr: r.stderr.replace(/[\r\n]+$/, '') } : r;
  const failed = r.code !== 0;
  const msg = r.signal ? `killed by signal ${r.signal}` : failed ? 'non-zero return code' : '';
  return { changed: true, failed, msg, cmd, ...outputFields(trimmed) };
}

export const command = defineAction({
  name: 'command',
  summary: 'Run a program with arguments (no shell: no pipes, redirections or variables)',
  args: CommandArgs,
  normalize: normalizeFreeForm,
  checkMode: 'skip',
  controllerOnly: false,
  refine(a): ArgProblem[] {
    if ((a.cmd === undefined) === (a.argv === undefined)) return [{ path: '', message: 'command needs either cmd (or the free-form line) or argv' }];
    if (a.cmd !== undefined) {
      try {
        splitWords(a.cmd);
      } catch (err) {
        return [{ path: '/cmd', message: `command.cmd has an ${(err as Error).message}` }];
      }
    }
    return [];
  },
  script: (a) => commandScript(sh`${a.argv ?? splitWords(a.cmd!)}`, sharedRunOptions(a)),
  async run(a, io) {
    const words = a.argv ?? splitWords(a.cmd!);
    return runCommand(io, sh`${words}`, { ...sharedRunOptions(a), cmd: a.argv ?? a.cmd });
  },
  // Ansible's command module registers the words it ran as `cmd` (its results file shows them).
  asyncJob(a) {
    const words = a.argv ?? splitWords(a.cmd!);
    return commandJob(sh`${words}`, { ...sharedRunOptions(a), cmd: words });
  },
});
