// `tsinfra shell PATTERN CMD` and `tsinfra ping PATTERN`.
import { Option, type Command } from 'commander';
import { runAdHoc, type AdHocResult } from '../engine/run-ad-hoc.js';
import { formatHostBlock, formatSummary, jsonHostLine, jsonSummaryLine, summarize } from '../report/ad-hoc-report.js';
import { secretsOf } from './secrets-of.js';
import { redactText } from '../shell/secret.js';
import type { CommandContext } from './command-context.js';
import { exitCodeForRun } from './exit-codes.js';
import { addHostOptions, selectFromOptions, type HostOptions, type SelectedHosts } from './host-options.js';
import { noHostsMatched, withHostSession } from './host-session.js';
import { parseExtraVars, withExtraVars } from './extra-vars.js';
import { ensureVaultSecrets } from './vault-options.js';

interface ShellOptions extends HostOptions {
  commandTimeout?: string;
  extraVars?: string[];
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

type Check = (selected: SelectedHosts) => (r: AdHocResult) => AdHocResult;

async function runCommand(pattern: string, command: string, o: ShellOptions, ctx: CommandContext, makeCheck?: Check): Promise<void> {
  await ensureVaultSecrets(o); // -e @file may hold vault data
  const extraVars = parseExtraVars(o.extraVars);
  const selected = withExtraVars(await selectFromOptions(pattern, o), extraVars);
  const check = makeCheck?.(selected);
  if (noHostsMatched(pattern, selected, ctx)) return;
  const secrets = secretsOf(selected);
  const started = Date.now();
  await withHostSession(async ({ pool, signal }) => {
    const results = await runAdHoc({
      hosts: selected.hosts.map((h) => ({ target: selected.targetOf(h), become: selected.becomeOf(h) })),
      command,
      forks: selected.forks,
      commandTimeoutMs: o.commandTimeout ? Number(o.commandTimeout) * 1000 : undefined,
      pool,
      signal,
      onResult: (raw) => {
        const r = check ? check(raw) : raw;
        const text = o.json ? jsonHostLine(r) : formatHostBlock(r);
        process.stdout.write(redactText(text, secrets));
      },
    });
    const final = check ? results.map(check) : results;
    const summary = summarize(final, Date.now() - started);
    process.stdout.write(o.json ? jsonSummaryLine(summary) : formatSummary(summary));
    ctx.setExitCode(exitCodeForRun(summary));
  });
}

export function registerAdHocCommands(program: Command, ctx: CommandContext): void {
  addHostOptions(
    program
      .command('shell')
      .description("run a shell command on every matched host in parallel, e.g. tsinfra shell all 'ip addr show zt+'")
      .argument('<pattern>', 'host pattern: all, a group, a host, globs, a:b, a:&b, a:!b, ~regex')
      .argument('<command>', 'shell command line, run by the login shell of the remote user'),
  )
    .addOption(new Option('--command-timeout <seconds>', 'kill the command after this long'))
    .option('-e, --extra-vars <vars>', 'k=v, {json} or @file.yaml: connection and become variables for every host (repeatable)', collect)
    .action((pattern: string, command: string, o: ShellOptions) => runCommand(pattern, command, o, ctx));

  addHostOptions(
    program
      .command('ping')
      .description('check that each matched host is reachable over SSH (and that become works, with --become)')
      .argument('<pattern>', 'host pattern'),
  )
    .option('-e, --extra-vars <vars>', 'k=v, {json} or @file.yaml: connection and become variables for every host (repeatable)', collect)
    .action((pattern: string, o: ShellOptions) =>
    // With become, prove we really are the target user: `id -un` must print it.
    runCommand(pattern, 'id -un', o, ctx, (selected) => {
      const expected = new Map(selected.hosts.map((h) => [h.name, selected.becomeOf(h)?.user ?? selected.targetOf(h).user]));
      return (r) => {
        if (r.status !== 'ok') return r;
        const user = r.stdout.trim();
        if (user !== expected.get(r.host)) return { ...r, status: 'failed', message: `logged in as ${user}, expected ${expected.get(r.host)}` };
        return { ...r, stdout: `pong (as ${user})\n`, stderr: '' };
      };
    }),
  );
}
