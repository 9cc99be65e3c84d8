// `tsinfra template render FILE` and `tsinfra template eval EXPR`: try templates and expressions without a play or a
// host (Ansible needs an ad-hoc run for that). Errors exit 4 with the position, as at load time.
import { readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import type { Inventory } from '../inventory/types.js';
import { containsTemplate } from '../engine/variables.js';
import { DeferredValue, PyFloat } from '../jinja/values.js';
import { evaluateCondition, renderText, renderValue } from '../template/index.js';
import type { RegisterCommand } from './command-context.js';
import { parseExtraVars } from './extra-vars.js';
import { addInventoryOption, loadFromFlags, type InventoryFlags } from './inventory-options.js';

interface TemplateFlags extends InventoryFlags {
  extraVars: string[];
  host?: string;
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

/** A host's variables as a task would see them before facts: inventory, the magic names, then extra vars. */
function hostVariables(inventory: Inventory, name: string): Record<string, unknown> {
  const host = inventory.hosts.get(name);
  if (!host) throw new UsageError(`no host named ${JSON.stringify(name)} in the inventory`, { hint: 'tsinfra hosts all -i ... lists them' });
  const groups: Record<string, string[]> = {};
  for (const h of inventory.hosts.values()) for (const g of h.groups) (groups[g] ??= []).push(h.name);
  return {
    ...host.vars,
    inventory_hostname: host.name,
    inventory_hostname_short: host.name.split('.')[0],
    group_names: host.groups.filter((g) => g !== 'all' && g !== 'ungrouped'),
    groups,
  };
}

async function variables(flags: TemplateFlags): Promise<Record<string, unknown>> {
  const extra = parseExtraVars(flags.extraVars);
  if (flags.host !== undefined) return lazy({ ...hostVariables(await loadFromFlags(flags), flags.host), ...extra });
  if (flags.inventory.length > 0) throw new UsageError('-i needs --host NAME: whose variables to use');
  return lazy(extra);
}

/** Variables whose values are templates render when read, as in a play (`a: "{{ b }}-x"`). */
function lazy(vars: Record<string, unknown>): Record<string, unknown> {
  for (const [k, v] of Object.entries(vars)) {
    if (containsTemplate(v)) vars[k] = new DeferredValue(v, (now) => renderValue(v, now, { file: `<variable ${k}>` }));
  }
  return vars;
}

/** JSON for a template value: integral floats as numbers, secrets masked (Secret's own toJSON). */
const toJson = (value: unknown) => JSON.stringify(value, (_k, v: unknown) => (v instanceof PyFloat ? v.value : v));

function withOptions(cmd: Command): Command {
  addInventoryOption(cmd);
  return cmd
    .option('-e, --extra-vars <vars>', 'k=v, {json} or @file.yaml (repeatable; highest precedence)', collect, [])
    .option('--host <name>', "use this inventory host's variables (with -i)");
}

export const registerTemplateCommand: RegisterCommand = (program) => {
  const template = program.command('template').description('render a template or evaluate an expression on the controller, touching no host');
  withOptions(template.command('render').description('print what the template module would write for FILE (.j2 Jinja2, .hbs handlebars)'))
    .argument('<file>', 'the template file')
    .action(async (file: string, flags: TemplateFlags) => {
      const path = resolve(file);
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (err) {
        throw new UsageError(`${file}: cannot read the template (${(err as NodeJS.ErrnoException).code ?? err})`);
      }
      const dir = dirname(path);
      process.stdout.write(renderText(text, await variables(flags), { file: path, searchDirs: { templates: [dir], files: [dir] } }));
    });
  withOptions(template.command('eval').description('print, as one line of JSON, the value {{ EXPR }} gives as a task argument'))
    .argument('<expression>', 'a Jinja2 expression, without {{ }}')
    .option('--when', 'print true or false as a when: condition would')
    .action(async (expression: string, flags: TemplateFlags & { when?: boolean }) => {
      const vars = await variables(flags);
      const site = { file: '<expression>', line: 1, column: 1 };
      const value = flags.when ? evaluateCondition(expression, vars, site) : renderValue(`{{ ${expression} }}`, vars, site);
      process.stdout.write(`${toJson(value) ?? 'null'}\n`);
    });
};
