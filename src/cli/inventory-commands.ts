// `tsinfra hosts PATTERN` (ansible --list-hosts) and `tsinfra inventory --host H | --list` (ansible-inventory).
import { UsageError } from '../errors.js';
import { selectHosts } from '../inventory/load.js';
import { inventoryList } from '../inventory/inventory-list.js';
import { inventoryGraph } from '../inventory/inventory-graph.js';
import { isSecretName, maskSecrets } from '../inventory/mask-secrets.js';
import { MASK } from '../shell/secret.js';
import type { Host } from '../inventory/types.js';
import type { RegisterCommand } from './command-context.js';
import { addInventoryOption, loadFromFlags, type InventoryFlags } from './inventory-options.js';

const collect = (value: string, previous: string[] = []) => [...previous, value];
const print = (text: string) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`);

export const registerInventoryCommands: RegisterCommand = (program) => {
  addInventoryOption(
    program
      .command('hosts')
      .description('list the hosts a pattern selects, one per line (like ansible PATTERN --list-hosts)')
      .argument('[pattern]', 'host pattern: all, names, groups, globs, ~regex, a:b, a:&b, a:!b, group[0]', 'all'),
  )
    .option('-l, --limit <pattern>', 'further limit the hosts to this pattern (or @file with one host per line)', collect, [])
    .option('--json', 'print a JSON array of host names')
    .action(async (pattern: string, flags: InventoryFlags & { limit: string[]; json?: boolean }) => {
      const inventory = await loadFromFlags(flags);
      const hosts = selectHosts(inventory, pattern, { limit: flags.limit.join(',') });
      if (hosts.length === 0) {
        const limited = flags.limit.length > 0 ? ` with --limit ${flags.limit.join(',')}` : '';
        process.stderr.write(`tsinfra: warning: no hosts matched pattern ${JSON.stringify(pattern)}${limited}\n`);
      }
      const names = hosts.map((h) => h.name);
      if (flags.json) print(JSON.stringify(names));
      else if (names.length > 0) print(names.join('\n'));
    });

  addInventoryOption(
    program
      .command('inventory')
      .description("show one host's merged variables and where each was set (--host), everything as ansible-inventory --list JSON (--list), or the group tree (--graph)")
      .argument('[group]', 'with --graph: the group to start at (default all)'),
  )
    .option('--host <name>', "the host's variables, with the file:line each one comes from")
    .option('--playbook-dir <dir>', 'add the group_vars/ and host_vars/ beside a playbook in DIR (as ansible-inventory)')
    .option('--list', 'all groups and hosts as JSON (the shape of ansible-inventory --list)')
    .option('--graph', 'the groups and hosts as a tree (as ansible-inventory --graph)')
    .option('--vars', 'with --graph: show variables too')
    .option('--json', 'machine-readable output for --host')
    .action(async (group: string | undefined, flags: InventoryFlags & { host?: string; list?: boolean; graph?: boolean; vars?: boolean; json?: boolean }) => {
      if ([flags.host, flags.list, flags.graph].filter(Boolean).length !== 1) throw new UsageError('give exactly one of --host NAME, --list or --graph');
      const inventory = await loadFromFlags(flags);
      if (flags.graph) {
        const graph = inventoryGraph(inventory, group ?? 'all', { vars: flags.vars });
        if (graph === undefined) throw new UsageError(`no group named ${JSON.stringify(group)}: --graph starts at a group`);
        print(graph);
        return;
      }
      if (flags.list) {
        print(JSON.stringify(inventoryList(inventory), null, 2));
        return;
      }
      const host = inventory.hosts.get(flags.host!);
      if (!host) throw new UsageError(`no host named ${JSON.stringify(flags.host)} in the inventory`, { hint: 'tsinfra hosts all -i ... lists them' });
      print(flags.json ? JSON.stringify(hostJson(host), null, 2) : hostText(host));
    });
};

function hostJson(host: Host): Record<string, unknown> {
  return { host: host.name, groups: host.groups, vars: maskSecrets(host.vars), origins: host.origins };
}

/** A table: name, value as JSON (so 22 and "22" differ), and where it was set. */
function hostText(host: Host): string {
  const masked = maskSecrets(host.vars);
  const names = Object.keys(masked).sort();
  const rows = names.map((name) => [name, isSecretName(name) ? MASK : JSON.stringify(masked[name]), host.origins[name] ?? '']);
  const lines = [`host ${host.name} (groups: ${host.groups.join(', ')})`];
  if (rows.length === 0) return [...lines, '(no variables)'].join('\n');
  const widths = [0, 1].map((col) => Math.min(48, Math.max(...rows.map((r) => r[col]!.length), col === 0 ? 8 : 5)));
  const pad = (s: string, w: number) => (s.length >= w ? s : s + ' '.repeat(w - s.length));
  lines.push(`${pad('VARIABLE', widths[0]!)}  ${pad('VALUE', widths[1]!)}  FROM`);
  for (const [name, value, origin] of rows) lines.push(`${pad(name!, widths[0]!)}  ${pad(value!, widths[1]!)}  ${origin}`);
  return lines.join('\n');
}
