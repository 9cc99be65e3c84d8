// `tsinfra passwd USER PATTERN`: set USER's password on every matched host, idempotently (same password → ok).
import { closeSync, existsSync, writeSync } from 'node:fs';
import type { Command } from 'commander';
import { rotatePasswords, type RotateResult } from '../engine/rotate-password.js';
import { UsageError } from '../errors.js';
import { formatPasswdLine, formatPasswdSummary, passwdJsonLine, passwdJsonSummaryLine, summarizePasswd } from '../report/passwd-report.js';
import type { Secret } from '../shell/secret.js';
import type { BecomeOptions } from '../transport/transport.js';
import type { CommandContext } from './command-context.js';
import { exitCodeForRun } from './exit-codes.js';
import { addHostOptions, selectFromOptions, type HostOptions, type SelectedHosts } from './host-options.js';
import { noHostsMatched, withHostSession } from './host-session.js';
import { GENERATED_LENGTH, openTerminal, readNewPassword, writeSecretFile, type PasswordSource } from './new-password.js';
import { secretsOf } from './secrets-of.js';

interface PasswdOptions extends HostOptions {
  passwordStdin?: boolean;
  generate?: boolean;
  length?: string;
  output?: string;
  check?: boolean;
}

// POSIX portable user names (plus Samba's trailing $). Above all: no ':' or newline, which would break the
// `user:hash` line chpasswd reads.
const USER_NAME = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,31}\$?$/;

function passwordSourceOf(o: PasswdOptions): PasswordSource {
  if (o.passwordStdin && o.generate) throw new UsageError('give --password-stdin or --generate, not both');
  if (!o.generate && (o.length !== undefined || o.output !== undefined)) throw new UsageError('--length and --output go with --generate');
  if (o.passwordStdin) return { kind: 'stdin' };
  if (!o.generate) return { kind: 'prompt' };
  const length = o.length === undefined ? GENERATED_LENGTH.default : Number(o.length);
  if (!Number.isInteger(length) || length < GENERATED_LENGTH.min || length > GENERATED_LENGTH.max) {
    throw new UsageError(`--length must be a whole number from ${GENERATED_LENGTH.min} to ${GENERATED_LENGTH.max}, got ${JSON.stringify(o.length)}`);
  }
  return o.output === undefined ? { kind: 'generate', length } : { kind: 'generate', length, output: o.output };
}

/** Changing a password needs root: a login user other than root becomes root even without --become. */
function hostsOf(selected: SelectedHosts) {
  return selected.hosts.map((h) => {
    const target = selected.targetOf(h);
    const become: BecomeOptions | undefined =
      selected.becomeOf(h) ?? (target.user === 'root' ? undefined : { user: 'root', password: selected.defaults.becomePassword });
    return { target, become };
  });
}

async function runPasswd(user: string, pattern: string, o: PasswdOptions, ctx: CommandContext): Promise<void> {
  const source = passwordSourceOf(o);
  if (!USER_NAME.test(user)) throw new UsageError(`${JSON.stringify(user)} is not a valid user name`);
  const check = !!o.check;
  const generated = source.kind === 'generate' ? source : undefined;
  // A generated password must have somewhere to go before any host takes it: check that first.
  if (generated?.output !== undefined && existsSync(generated.output)) {
    throw new UsageError(`${generated.output} already exists: refusing to overwrite it`, { hint: 'give --output a new file name' });
  }
  const selected = await selectFromOptions(pattern, o);
  if (noHostsMatched(pattern, selected, ctx)) return;
  const tty = generated && generated.output === undefined && !check ? openTerminal('--generate shows the password once') : undefined;
  let isTaken = false; // some host now has the generated password
  let isShown = false;
  let shownPassword: Secret | undefined; // set once read: what `show` may show
  const show = () => {
    if (tty === undefined || isShown || !isTaken || shownPassword === undefined) return;
    isShown = true;
    writeSync(tty, `\nGenerated password for ${user} (shown only this once: store it now):\n\n    ${shownPassword.reveal()}\n\n`);
  };
  // Interrupted after a host took the password: still show it, or it would be lost.
  process.once('exit', show);
  try {
    const password = await readNewPassword(source, user);
    shownPassword = password;
    if (generated?.output !== undefined) {
      if (check) process.stderr.write(`--check: ${generated.output} not written (nothing changes)\n`);
      else writeSecretFile(generated.output, password); // before any host takes it, so it cannot be lost
    } else if (generated && check) {
      process.stderr.write('--check: the generated password is not shown (nothing changes)\n');
    }
    // Results hold no secret by construction (remote text in them was masked by the engine): printed as they are.
    const print = (text: string) => process.stdout.write(text);
    const started = Date.now();
    await withHostSession(async ({ pool, signal }) => {
      const results = await rotatePasswords({
        hosts: hostsOf(selected),
        user,
        password,
        check,
        forks: selected.forks,
        pool,
        signal,
        secrets: secretsOf(selected),
        onResult: (r: RotateResult) => {
          if (r.status === 'changed' || r.status === 'ok') isTaken = true;
          print(o.json ? passwdJsonLine(r) : formatPasswdLine(r));
        },
      });
      const summary = summarizePasswd(results, Date.now() - started, check);
      print(o.json ? passwdJsonSummaryLine(summary) : formatPasswdSummary(summary));
      ctx.setExitCode(exitCodeForRun(summary));
    });
    if (tty !== undefined && !isTaken) process.stderr.write('tsinfra: no host took the generated password: it is not shown and not kept\n');
  } finally {
    show();
    process.off('exit', show);
    if (tty !== undefined) closeSync(tty);
  }
}

export function registerPasswdCommand(program: Command, ctx: CommandContext): void {
  addHostOptions(
    program
      .command('passwd')
      .description(
        "set a user's password on every matched host: hashed here (SHA-512 crypt), compared with each host's current " +
          'hash (same password → ok, nothing written), set with chpasswd -e on stdin. Asked twice without echo unless ' +
          '--password-stdin or --generate; never taken from the command line or the environment',
      )
      .argument('<user>', 'the account, e.g. root')
      .argument('<pattern>', 'host pattern: all, a group, a host, globs, a:b, a:&b, a:!b, ~regex'),
  )
    .option('--password-stdin', 'read the new password from the first line of stdin')
    .option('--generate', 'generate a random password; shown once on the terminal at the end (or see --output)')
    .option('--length <n>', `with --generate: its length (${GENERATED_LENGTH.min}-${GENERATED_LENGTH.max}, default ${GENERATED_LENGTH.default})`)
    .option('--output <file>', 'with --generate: write it to this new file (mode 600; never overwrites) instead of showing it')
    .option('-C, --check', 'report which hosts would change, change nothing')
    .action((user: string, pattern: string, o: PasswdOptions) => runPasswd(user, pattern, o, ctx));
}
