// `tsinfra PATTERN -m MODULE -a ARGS`, as `ansible PATTERN -m MODULE -a ARGS`: one task, run through the playbook
// engine as a one-task play built in memory (never a temp file: its arguments may hold secrets), printed as
// Ansible's ad-hoc callbacks print it. main.ts routes a first word that is no command, followed by -m/-a, here.
import { resolve } from 'node:path';
import { Option, type Command } from 'commander';
import { parseYaml } from '../config/yaml-source.js';
import { UsageError } from '../errors.js';
import type { HostTaskResult, Reporter } from '../engine/events.js';
import type { HostState } from '../engine/host-state.js';
import { runPlaybook } from '../engine/run-playbook.js';
import type { FileDiff } from '../modules/define.js';
import { loadPlaybookSource } from '../playbook/load-playbook.js';
import { registryCatalog } from '../playbook/registry-catalog.js';
import { formatAdHocDiff, formatAdHocModuleResult, shownResult } from '../report/ad-hoc-module-report.js';
import { redactText } from '../shell/secret.js';
import type { CommandContext } from './command-context.js';
import { commandSettings } from './command-settings.js';
import { exitCodeForRun } from './exit-codes.js';
import { parseExtraVars, withExtraVars } from './extra-vars.js';
import { addHostOptions, hostRunOptions, selectFromOptions, type HostOptions } from './host-options.js';
import { noHostsMatched, withHostSession } from './host-session.js';
import { secretsOf } from './secrets-of.js';
import { ensureVaultSecrets } from './vault-options.js';

interface AdHocModuleOptions extends HostOptions {
  moduleName: string;
  args?: string;
  extraVars?: string[];
  check?: boolean;
  diff?: boolean;
  oneLine?: boolean;
  verbose: number;
}

/** The variable the one task registers into: what the output shows. */
const RESULT_VAR = 'tsinfra_ad_hoc_result';
/** Where load errors point: the task comes from the command line. */
const AD_HOC_SOURCE = '(ad-hoc task from -m/-a)';

const collect = (v: string, prev: string[] = []) => [...prev, v];

/**
 * -a as Ansible's adhoc.py reads it: `{…}` that is JSON is a mapping (JSON only, so `{{ cmd }}` stays a template);
 * anything else stays the free-form/k=v text the task loader already parses as a playbook's `module: k=v` line.
 */
export function moduleArgsValue(args: string | undefined): unknown {
  const text = args?.trim() ?? '';
  if (text === '') return {};
  if (text.startsWith('{') && text.endsWith('}')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      // not JSON: k=v text, as Ansible falls back to parse_kv
    }
  }
  return args;
}

/** The one-task play Ansible's adhoc.py builds (`_play_ds`), registering its result. */
export function adHocPlay(pattern: string, module: string, args: string | undefined): unknown[] {
  return [{ name: 'Ansible Ad-Hoc', hosts: pattern, gather_facts: false, tasks: [{ name: module, [module]: moduleArgsValue(args), register: RESULT_VAR }] }];
}

/** What the host's result was when nothing was registered (unreachable, or an error before the module ran). */
function fallbackResult(r: HostTaskResult): Record<string, unknown> {
  if (r.status === 'unreachable') return { changed: false, msg: r.message ?? '', unreachable: true };
  return { changed: false, ...(r.status === 'failed' ? { failed: true } : {}), ...(r.message === undefined ? {} : { msg: r.message }) };
}

async function runAdHocModule(pattern: string, o: AdHocModuleOptions, ctx: CommandContext): Promise<void> {
  await ensureVaultSecrets(o); // -e @file and the inventory may hold vault data
  const extraVars = parseExtraVars(o.extraVars);
  const module = o.moduleName;
  if ((module === 'command' || module === 'shell') && !o.args?.trim()) {
    throw new UsageError(`no argument passed to ${module} module`, { hint: `give the command line with -a, e.g. tsinfra ${pattern} -m ${module} -a 'uptime'` });
  }
  const settings = commandSettings(o.verbose);
  const loadOptions = { rolesPath: settings.rolesPath, catalog: registryCatalog, extraVars, projectDir: process.cwd(), gatherFactsDefault: false };
  // JSON is YAML: the play is parsed from text in memory, with the loader's checks (module name, its arguments).
  const source = parseYaml(JSON.stringify(adHocPlay(pattern, module, o.args)), resolve(AD_HOC_SOURCE));
  const plan = await loadPlaybookSource(source, loadOptions);
  const selected = await selectFromOptions(pattern, o);
  if (noHostsMatched(pattern, selected, ctx)) return;
  const secrets = secretsOf(withExtraVars(selected, extraVars)); // -e may carry passwords too
  // Each host's result is printed as it comes, as `ansible` does: its registered value is in the engine's host state
  // by the time its host_result event is emitted.
  let states: ReadonlyMap<string, HostState> = new Map();
  const print = (r: HostTaskResult) => {
    const registered = states.get(r.host)?.runVars[RESULT_VAR] as Record<string, unknown> | undefined;
    const shown = registered ?? fallbackResult(r);
    const diff = o.diff && !o.json && !r.noLog ? formatAdHocDiff(shown.diff as FileDiff | undefined) : '';
    const censored = { censored: "the output has been hidden due to the fact that 'no_log: true' was specified for this result" };
    const line = o.json
      ? `${JSON.stringify({ host: r.host, status: r.status, result: r.noLog ? censored : shownResult(shown, module) })}\n`
      : r.noLog
        ? `${r.host} | ${r.status.toUpperCase()} => ${JSON.stringify(censored)}\n`
        : formatAdHocModuleResult({ host: r.host, status: r.status, module, registered: shown }, !!o.oneLine);
    process.stdout.write(redactText(diff + line, secrets));
  };
  const reporter: Reporter = { onEvent: (e) => void (e.type === 'host_result' && print(e.result)) };
  await withHostSession(async ({ pool, signal }) => {
    const summary = await runPlaybook(plan, {
      ...hostRunOptions(selected, o),
      extraVars,
      pool,
      reporter,
      verbosity: o.verbose,
      loadOptions,
      signal,
      onHostStates: (all) => (states = all),
    });
    ctx.setExitCode(exitCodeForRun({ failed: summary.failed.length, unreachable: summary.unreachable.length }));
  });
}

export function registerAdHocModuleCommand(program: Command, ctx: CommandContext): void {
  addHostOptions(
    program
      .command('adhoc')
      .description('run one module on the matched hosts, as `ansible`: tsinfra PATTERN -m MODULE -a ARGS (the word adhoc is optional)')
      .argument('<pattern>', 'host pattern: all, a group, a host, globs, a:b, a:&b, a:!b, ~regex'),
  )
    .addOption(new Option('-m, --module-name <module>', 'the module to run').default('command'))
    .option('-a, --args <args>', "the module's arguments: k=v words, the command line (command/shell), or {json}")
    .option('-e, --extra-vars <vars>', 'k=v, {json} or @file.yaml (repeatable; highest precedence)', collect)
    .option('-C, --check', "report what would change, change nothing (modules that cannot check are SKIPPED)")
    .option('-D, --diff', 'show file differences')
    .option('-o, --one-line', 'one line per host (Ansible\'s oneline callback)')
    .option('-v, --verbose', 'more output (repeatable)', (_: string, n: number) => n + 1, 0)
    .action((pattern: string, o: AdHocModuleOptions) => runAdHocModule(pattern, o, ctx));
}
