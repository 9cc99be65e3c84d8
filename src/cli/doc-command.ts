// `tsinfra doc MODULE` and `tsinfra doc --list` (ansible-doc): each argument's type, default, choices, aliases and
// whether it is required, read from the same TypeBox schema that validates the module's arguments, so the page
// cannot drift from what the validator accepts.
import type { Command } from 'commander';
import { UsageError } from '../errors.js';
import { KNOWN_COLLECTIONS, shortActionName } from '../playbook/module-catalog.js';
import { NEAREST_BY_PURPOSE } from '../playbook/module-equivalents.js';
import { getModule, moduleNames } from '../modules/registry.js';
import { ownValue } from '../own-keys.js';
import type { RegisterCommand } from './command-context.js';

type Schema = Record<string, unknown>;

/** A schema's type in Ansible's words (str, int, bool, list of str, dict…). */
function typeOf(s: Schema): string {
  const union = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (union) {
    if (union.every((u) => 'const' in u)) return typeOf({ type: typeof union[0]!.const });
    return [...new Set(union.map(typeOf))].join(' or ');
  }
  if ('const' in s) return typeOf({ type: typeof s.const });
  const type = s.type;
  if (Array.isArray(type)) return type.map((t) => typeOf({ type: t })).join(' or ');
  switch (type) {
    case 'string':
      return 'str';
    case 'integer':
      return 'int';
    case 'number':
      return 'float';
    case 'boolean':
      return 'bool';
    case 'array':
      return s.items ? `list of ${typeOf(s.items as Schema)}` : 'list';
    case 'object':
      return 'dict';
    case 'null':
      return 'none';
    default:
      return 'raw';
  }
}

/** The values an argument accepts when the schema lists them (enum, or a union of literals). */
function choicesOf(s: Schema): unknown[] | undefined {
  if (Array.isArray(s.enum)) return s.enum as unknown[];
  const union = (s.anyOf ?? s.oneOf) as Schema[] | undefined;
  if (union?.every((u) => 'const' in u)) return union.map((u) => u.const);
  if (s.type === 'array' && s.items) return choicesOf(s.items as Schema);
  return undefined;
}

export interface ArgumentDoc {
  name: string;
  type: string;
  required: boolean;
  default?: unknown;
  choices?: unknown[];
  aliases: string[];
  description?: string;
}

/** What `doc` shows for one module, or undefined when there is no such module. */
export function moduleDoc(name: string): { name: string; summary: string; names: string[]; arguments: ArgumentDoc[] } | undefined {
  const mod = getModule(shortActionName(name));
  if (!mod) return undefined;
  const schema = JSON.parse(JSON.stringify(mod.args)) as Schema; // TypeBox's symbols gone: plain JSON Schema
  const properties = (schema.properties ?? {}) as Record<string, Schema>;
  const required = new Set((schema.required ?? []) as string[]);
  const aliases = Object.entries(mod.aliases ?? {});
  const args = Object.keys(properties)
    .sort()
    .map((arg): ArgumentDoc => {
      const s = properties[arg]!;
      const choices = choicesOf(s);
      return {
        name: arg,
        type: typeOf(s),
        // A property TypeBox requires but that has a default is one the user may leave out.
        required: required.has(arg) && !('default' in s),
        ...('default' in s ? { default: s.default } : {}),
        ...(choices ? { choices } : {}),
        aliases: aliases.filter(([, canonical]) => canonical === arg).map(([alias]) => alias),
        ...(typeof s.description === 'string' ? { description: s.description } : {}),
      };
    });
  return { name: mod.name, summary: mod.summary, names: [mod.name, ...KNOWN_COLLECTIONS.map((p) => `${p}${mod.name}`)], arguments: args };
}

const show = (v: unknown) => (typeof v === 'string' ? v : JSON.stringify(v));

/** ansible-doc's layout, shortened: "= " marks a required argument, "- " an optional one. */
export function formatModuleDoc(doc: NonNullable<ReturnType<typeof moduleDoc>>): string {
  const lines = [`> ${doc.name.toUpperCase()}`, '', `  ${doc.summary}`, '', `  Answers to: ${doc.names.join(', ')}`, '', 'ARGUMENTS (= is required):'];
  for (const a of doc.arguments) {
    lines.push('', `${a.required ? '=' : '-'} ${a.name}`);
    if (a.description) lines.push(`        ${a.description}`);
    if (a.aliases.length > 0) lines.push(`        aliases: ${a.aliases.join(', ')}`);
    if (a.choices) lines.push(`        choices: [${a.choices.map(show).join(', ')}]`);
    if ('default' in a) lines.push(`        default: ${show(a.default)}`);
    lines.push(`        type: ${a.type}`);
  }
  return `${lines.join('\n')}\n`;
}

/** `doc --list`: each module and its summary, as ansible-doc -l. */
export function formatModuleList(): string {
  const names = moduleNames();
  const width = Math.max(...names.map((n) => n.length));
  return names.map((n) => `${n.padEnd(width)}  ${getModule(n)!.summary}`).join('\n') + '\n';
}

export const registerDocCommand: RegisterCommand = (program: Command) => {
  program
    .command('doc')
    .description("show a module's arguments (types, defaults, choices, aliases, required), as ansible-doc")
    .argument('[module]', 'module name, short or Ansible FQCN (ansible.builtin.copy)')
    .option('-l, --list', 'list every module with its summary')
    .action((name: string | undefined, o: { list?: boolean }) => {
      if (o.list) return void process.stdout.write(formatModuleList());
      if (name === undefined) throw new UsageError('give a module name, or --list', { hint: 'tsinfra doc --list' });
      const doc = moduleDoc(name);
      if (!doc) {
        const nearest = ownValue(NEAREST_BY_PURPOSE, shortActionName(name));
        throw new UsageError(`no module named ${JSON.stringify(name)}`, { hint: nearest ? `tsinfra has no ${shortActionName(name)}; the nearest is ${nearest}` : 'tsinfra doc --list' });
      }
      process.stdout.write(formatModuleDoc(doc));
    });
};
