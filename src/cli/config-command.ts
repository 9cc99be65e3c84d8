// `tsinfra config dump`: every setting tsinfra reads from ansible.cfg and ANSIBLE_*, its value and where it came
// from, like `ansible-config dump` (and `--only-changed`).
import type { Command } from 'commander';
import { originText, type SettingOrigin } from '../settings/load-settings.js';
import { SETTING_DEFINITIONS, type SettingDefinition, type SettingName } from '../settings/setting-definitions.js';
import { commandSettings } from './command-settings.js';
import { addHostOptions, type HostOptions } from './host-options.js';

interface DumpOptions extends HostOptions {
  onlyChanged?: boolean;
  rolesPath?: string[];
  verbose: number;
}

/** The options that stand for a setting (host-options.ts and play-command.ts apply them the same way). */
const CLI_OPTIONS: { name: SettingName; flag: string; of: (o: DumpOptions) => unknown }[] = [
  { name: 'inventory', flag: '-i', of: (o) => (o.inventory?.length ? o.inventory : undefined) },
  { name: 'remoteUser', flag: '-u', of: (o) => o.user },
  { name: 'privateKeyFile', flag: '--private-key', of: (o) => o.privateKey },
  { name: 'forks', flag: '-f', of: (o) => (o.forks === undefined ? undefined : Number(o.forks)) },
  { name: 'rolesPath', flag: '--roles-path', of: (o) => o.rolesPath },
  { name: 'timeout', flag: '-T', of: (o) => (o.timeout === undefined ? undefined : Number(o.timeout)) },
  { name: 'become', flag: '-b', of: (o) => o.become },
  { name: 'becomeUser', flag: '--become-user', of: (o) => o.becomeUser },
  { name: 'becomeAskPass', flag: '-K', of: (o) => o.askBecomePass },
];

/** The name people know a setting by: the newest spelling in its first section (`[defaults] timeout`, not `[ssh_connection] timeout`). */
function primaryEntry(d: SettingDefinition): { key: string; section: string } {
  return d.ini.filter((e) => e.section === d.ini[0]!.section).at(-1)!;
}

/** A setting as the command runs with it: the command line, then $TSINFRA_INVENTORY, then the settings. */
function effective(name: SettingName, o: DumpOptions, value: unknown, origin: SettingOrigin): { value: unknown; origin: string } {
  const cli = CLI_OPTIONS.find((c) => c.name === name);
  const given = cli?.of(o);
  if (cli && given !== undefined) return { value: given, origin: `cli ${cli.flag}` };
  if (name === 'inventory' && process.env.TSINFRA_INVENTORY) return { value: [process.env.TSINFRA_INVENTORY], origin: 'env TSINFRA_INVENTORY' };
  return { value, origin: originText(origin) };
}

/** Python's repr for the values we hold, so a list reads as ansible-config prints it. */
function show(value: unknown): string {
  if (value === undefined) return 'None';
  if (typeof value === 'boolean') return value ? 'True' : 'False';
  if (Array.isArray(value)) return `[${value.map((v) => `'${String(v)}'`).join(', ')}]`;
  return String(value);
}

function dump(o: DumpOptions): void {
  const settings = commandSettings(o.verbose);
  const rows = SETTING_DEFINITIONS.map((d) => ({ ...primaryEntry(d), ansible: d.ansible ?? null, ...effective(d.name, o, settings[d.name], settings.origins[d.name]) })).filter(
    (r) => !o.onlyChanged || r.origin !== 'default',
  );
  if (o.json) {
    process.stdout.write(`${JSON.stringify({ configFile: settings.configFile ?? null, settings: rows.map((r) => ({ ...r, value: r.value ?? null })) })}\n`);
    return;
  }
  process.stdout.write(`config file: ${settings.configFile ?? 'none'}\n`);
  const width = Math.max(0, ...rows.map((r) => r.key.length));
  for (const r of rows) process.stdout.write(`${r.key.padEnd(width)} = ${show(r.value)}  (${r.origin})\n`);
}

export function registerConfigCommand(program: Command): void {
  const config = program.command('config').description('the settings tsinfra reads from ansible.cfg and ANSIBLE_* variables');
  addHostOptions(config.command('dump').description('every setting, its value and where it came from (default, file:line, env VARIABLE or cli OPTION)'))
    .option('--only-changed', 'only the settings not at their default')
    .option('--roles-path <dir>', 'as play --roles-path', (v: string, prev: string[] = []) => [...prev, v])
    .option('-v, --verbose', 'also list the keys and variables tsinfra does not read', (_: string, n: number) => n + 1, 0)
    .action((o: DumpOptions) => dump(o));
}
