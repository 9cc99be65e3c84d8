// `tsinfra play PLAYBOOK -i INV`: load and validate everything first, then run.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { Command } from 'commander';
import { TsinfraError, UsageError, formatPosition } from '../errors.js';
import { ignoredVarNotes } from '../engine/connection-vars.js';
import { runPlaybook } from '../engine/run-playbook.js';
import { loadPlaybook } from '../playbook/load-playbook.js';
import { registryCatalog } from '../playbook/registry-catalog.js';
import { filterPlanByTags } from '../playbook/tag-filter.js';
import { startAtTask } from '../playbook/start-at-task.js';
import { createPlayReporter } from '../report/play-reporter.js';
import { TaskProfileReporter } from '../report/task-profile.js';
import { ConnectionPool } from '../transport/connection-pool.js';
import { traceSshNegotiation } from '../transport/ssh/client.js';
import type { CommandContext } from './command-context.js';
import { ExitCode, exitCodeForRun } from './exit-codes.js';
import { addHostOptions, hostRunOptions, selectFromOptions, type HostOptions } from './host-options.js';
import { onInterrupt } from './interrupt.js';
import { terminalPrompter } from './terminal-prompt.js';
import { stdinStepPrompt } from './step-prompt.js';
import { parseExtraVars } from './extra-vars.js';
import { listPlaybook } from './list-playbook.js';
import { ensureVaultSecrets } from './vault-options.js';
import { commandSettings } from './command-settings.js';
import type { Settings } from '../settings/load-settings.js';

interface PlayOptions extends HostOptions {
  check?: boolean;
  diff?: boolean;
  tags?: string[];
  skipTags?: string[];
  startAtTask?: string;
  extraVars?: string[];
  rolesPath?: string[];
  verbose: number;
  commandTimeout?: string;
  syntaxCheck?: boolean;
  listHosts?: boolean;
  listTasks?: boolean;
  listTags?: boolean;
  /** --profile: the slowest tasks after the recap (profile_tasks); settings may default it. */
  profile?: boolean;
  /** --step: confirm each task on stdin (engine/task-step.ts). */
  step?: boolean;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

function commandTimeoutOf(v: string | undefined): number | undefined {
  if (v === undefined) return undefined;
  const n = Number(v);
  if (!Number.isFinite(n) || n <= 0 || v.trim() === '') throw new UsageError(`--command-timeout must be a positive number of seconds, got ${JSON.stringify(v)}`);
  return n * 1000;
}

/** retry_files_enabled / retry_files_save_path from the settings; tsinfra writes them by default. */
function writeRetryFile(playbook: string, hosts: string[], settings: Settings): string | undefined {
  if (hosts.length === 0 || !settings.retryFilesEnabled) return undefined;
  const dir = settings.retryFilesSavePath ?? join(homedir(), '.tsinfra', 'retry');
  mkdirSync(dir, { recursive: true });
  const file = join(dir, `${basename(playbook).replace(/\.ya?ml$/, '')}.retry`);
  writeFileSync(file, `${hosts.join('\n')}\n`);
  return file;
}

async function play(playbookPath: string, o: PlayOptions, ctx: CommandContext): Promise<void> {
  await ensureVaultSecrets(o); // before anything is loaded: -e @file, the playbook and the inventory may hold vault data
  const extraVars = parseExtraVars(o.extraVars);
  const playbook = resolve(playbookPath);
  // As ansible-playbook, a missing playbook is a plain error (exit 1), not a parse error.
  if (!existsSync(playbook)) throw new TsinfraError('TSI_NOT_FOUND', `${playbookPath}: file not found`);
  const settings = commandSettings(o.verbose);
  const loadOptions = { rolesPath: o.rolesPath ?? settings.rolesPath, catalog: registryCatalog, extraVars, projectDir: process.cwd(), gatherFactsDefault: settings.gatherFactsDefault };
  let plan = await loadPlaybook(playbook, loadOptions);
  for (const w of plan.warnings) process.stderr.write(`tsinfra: warning: ${formatPosition(w.at)}: ${w.message}\n`);
  // Always: without --tags the selection is `all`, which still leaves out `never` tasks (as in Ansible).
  plan = filterPlanByTags(plan, { tags: o.tags, skipTags: o.skipTags });
  if (o.startAtTask) plan = startAtTask(plan, o.startAtTask);
  const selected = await selectFromOptions('all', o, { playbookDir: dirname(playbook) });
  if (o.verbose > 0) {
    const varSets = [...[...selected.inventory.hosts.values()].map((h) => h.vars), ...plan.plays.map((p) => p.vars), extraVars];
    for (const note of ignoredVarNotes(varSets)) process.stderr.write(`tsinfra: note: ${note}\n`);
  }
  if (selected.hosts.length === 0 && selected.inventory.hosts.size > 0) {
    throw new TsinfraError('TSI_NO_HOSTS', 'the inventory and --limit leave no host to target', { hint: 'tsinfra hosts PATTERN -i INV shows what a pattern selects' });
  }
  const commandTimeoutMs = commandTimeoutOf(o.commandTimeout);
  if (o.listHosts || o.listTasks || o.listTags) {
    const list = { hosts: o.listHosts, tasks: o.listTasks, tags: o.listTags, inventory: selected.inventory, limit: o.limit, extraVars };
    process.stdout.write(listPlaybook(playbookPath, plan, list));
    return;
  }
  if (o.syntaxCheck) {
    process.stdout.write(`playbook: ${playbookPath}: ok (${plan.plays.length} plays)\n`);
    return;
  }
  const json = !!o.json || settings.json;
  const step = o.step ? stdinStepPrompt(json) : undefined;
  const played = createPlayReporter({ json, diff: !!o.diff, verbose: o.verbose, out: process.stdout });
  // With --json, the task_end events carry the same times.
  const reporter = (o.profile ?? settings.profile) && !json ? new TaskProfileReporter(played, process.stdout) : played;
  const pool = new ConnectionPool();
  if (o.verbose >= 4) traceSshNegotiation((host, line) => process.stderr.write(`<${host}> SSH: ${line}\n`));
  // The first SIGINT/SIGTERM: no task starts after it, closed connections cut the commands running, and the run
  // ends with the recap of what finished, then exit 99 (onInterrupt waits for `reported`).
  const interruption = new AbortController();
  let markReported!: () => void;
  const reported = new Promise<void>((resolve) => (markReported = resolve));
  const stop = onInterrupt(async (signal) => {
    interruption.abort(signal);
    await Promise.all([pool.closeAll(), reported]);
  });
  const started = Date.now();
  let roundTrips = 0;
  try {
    reporter.onEvent({ type: 'run_start', playbook: playbookPath, check: !!o.check, diff: !!o.diff, hosts: selected.inventory.hosts.size });
    const summary = await runPlaybook(plan, {
      ...hostRunOptions(selected, o),
      reloadInventory: async () => (await selectFromOptions('all', o, { playbookDir: dirname(playbook) })).inventory,
      extraVars,
      pool,
      reporter,
      verbosity: o.verbose,
      commandTimeoutMs,
      onExec: (trace) => {
        roundTrips++;
        // -vvv: each remote script; not after an interrupt's recap, which is the run's last word.
        if (trace && o.verbose >= 3 && !interruption.signal.aborted) reporter.onEvent({ type: 'remote_exec', ...trace });
      },
      loadOptions,
      signal: interruption.signal,
      varsPrompter: terminalPrompter(json ? process.stderr : process.stdout),
      ...(step ? { confirmTask: step.confirmTask } : {}),
    });
    const retryFile = writeRetryFile(playbookPath, [...summary.failed, ...summary.unreachable], settings);
    const interrupted = interruption.signal.aborted ? String(interruption.signal.reason) : undefined;
    const hosts = Object.fromEntries([...summary.hosts].map(([n, h]) => [n, h.counts]));
    reporter.onEvent({ type: 'recap', hosts, durationMs: Date.now() - started, retryFile, roundTrips, ...(interrupted ? { interrupted } : {}) });
    ctx.setExitCode(interrupted ? ExitCode.interrupted : step?.isInputEnded ? ExitCode.hostFailed : exitCodeForRun({ failed: summary.failed.length, unreachable: summary.unreachable.length }));
  } finally {
    reporter.close?.();
    // Interrupted, the handler stays until its exit: a second signal still quits at once.
    if (!interruption.signal.aborted) stop();
    markReported();
    await pool.closeAll();
  }
}

export function registerPlayCommand(program: Command, ctx: CommandContext): void {
  addHostOptions(
    program
      .command('play')
      .description('run a playbook: validate everything, then apply it to the hosts in parallel')
      .argument('<playbook>', 'playbook YAML file'),
  )
    .option('-C, --check', "report what would change, change nothing")
    .option('-D, --diff', 'show file differences')
    .option('-t, --tags <tags>', 'only tasks with these tags (comma-separated, repeatable)', collect)
    .option('--skip-tags <tags>', 'skip tasks with these tags', collect)
    .option('--start-at-task <name>', 'start at the first task with this name')
    .option('-e, --extra-vars <vars>', 'k=v, {json} or @file.yaml (repeatable; highest precedence)', collect)
    .option('--roles-path <dir>', 'extra directory to find roles in (repeatable; default roles_path in ansible.cfg)', collect)
    .option('--command-timeout <seconds>', 'kill any one remote command after this long')
    .option('--syntax-check', 'validate the playbook and inventory, run nothing')
    .option('--list-hosts', "list each play's hosts, run nothing (as ansible-playbook)")
    .option('--list-tasks', 'list the tasks that would run (after --tags/--skip-tags), run nothing')
    .option('--list-tags', "list each play's tags, run nothing")
    .option('--profile', 'after the recap, the slowest tasks and their wall time (as profile_tasks)')
    .option('--step', 'confirm each task before it runs: y(es), n(o, the default), c(ontinue without asking); read from stdin')
    .option('-v, --verbose', 'more output (repeatable)', (_: string, n: number) => n + 1, 0)
    .action(async (playbook: string, o: PlayOptions) => {
      await play(playbook, o, ctx);
    });
}
