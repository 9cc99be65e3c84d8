// The playbook keywords, written once in TypeBox: the loader validates each keyword's value against these schemas
// (check-value.ts), Static<> types the validated values, and playbook-schema.ts writes the editor JSON Schema from
// the same objects. `x-expected` is the phrase in "become must be <expected>, got …".
// Lists of tasks and roles are walked by the loader itself; in the JSON Schema they point at #/definitions/…
// (`x-items-ref`).
import { Type, type Static, type TProperties, type TSchema } from '@sinclair/typebox';
import { META_ACTIONS } from './playbook-plan.js';

export const IDENTIFIER = '^[A-Za-z_][A-Za-z0-9_]*$';

function expect<T extends TSchema>(schema: T, expected: string, description?: string): T {
  return { ...schema, 'x-expected': expected, ...(description === undefined ? {} : { description }) };
}

function listOf<T extends TSchema>(ref: string, expected: string, description: string): T {
  return expect(Type.Array(Type.Unknown(), { 'x-items-ref': ref }), expected, description) as unknown as T;
}

function stringEnum<const T extends readonly string[]>(values: T, description: string) {
  return expect(Type.Unsafe<T[number]>({ type: 'string', enum: [...values] }), `one of ${values.join(', ')}`, description);
}

/** A string holding a `{{ template }}`: rendered per host by the engine. */
export const Template = Type.String({ pattern: '\\{\\{', description: 'a {{ template }}' });
const ALSO_TEMPLATE = ' (or a "{{ template }}")';

export const Flag = expect(Type.Union([Type.Boolean(), Template]), `true or false${ALSO_TEMPLATE}`);
export const Text = expect(Type.String(), 'a string');
export const NonEmptyText = expect(Type.String({ minLength: 1 }), 'a non-empty string');
export const Name = expect(Type.Union([Type.String(), Type.Number()]), 'a string', 'Shown in the output and used by --start-at-task');
export const VariableName = expect(Type.String({ pattern: IDENTIFIER }), 'a variable name (letters, digits and _, not starting with a digit)');

export const Condition = expect(
  Type.Union([Type.String(), Type.Boolean(), Type.Array(Type.Union([Type.String(), Type.Boolean()]))]),
  'an expression, true/false, or a list of those (all must hold)',
  'An expression (no {{ }}); a list means all must hold',
);

export const Tags = expect(
  Type.Union([Type.String(), Type.Number(), Type.Array(Type.Union([Type.String(), Type.Number()]))]),
  'a tag or a list of tags',
  'Tags for --tags/--skip-tags; "always" and "never" are special',
);

export const Vars = expect(
  Type.Record(Type.String({ pattern: IDENTIFIER }), Type.Unknown()),
  'a mapping of variable names to values',
  'Variables; names are letters, digits and _',
);

export const Environment = expect(
  Type.Union([Type.Record(Type.String({ pattern: IDENTIFIER }), Type.Union([Type.String(), Type.Number(), Type.Boolean()])), Template]),
  `a mapping of environment variable names (letters, digits, _) to strings${ALSO_TEMPLATE}`,
  'Environment variables for the remote commands',
);

export const LoopItems = expect(
  Type.Union([Type.Array(Type.Unknown()), Template]),
  'a list or a "{{ template }}" giving one',
  'Run the task once per item (the item is `item`, or loop_control.loop_var)',
);

/** `with_<lookup>`'s value: the lookup's terms, templated first (a string, a list or a mapping). */
export const LookupTerms = expect(
  Type.Union([Type.String(), Type.Array(Type.Unknown()), Type.Record(Type.String(), Type.Unknown())]),
  'a list, a string or a mapping (the terms of the lookup)',
  'Run the task once per item the lookup of this name returns for these terms',
);

/** `with_<name>` keywords besides with_items: each runs the lookup of that name (Ansible's loop_with). */
export const WITH_LOOKUPS = ['dict', 'first_found', 'fileglob', 'together', 'subelements', 'sequence', 'list', 'indexed_items', 'nested', 'flattened', 'lines'] as const;
const withLookups = Object.fromEntries(WITH_LOOKUPS.map((name) => [`with_${name}`, LookupTerms])) as Record<`with_${(typeof WITH_LOOKUPS)[number]}`, typeof LookupTerms>;

export const LoopControlKeywords = {
  label: expect(Type.String(), 'a string', 'What the output shows for each item'),
  loop_var: expect(Type.String({ pattern: IDENTIFIER }), 'a variable name', 'The name of the item variable (default item)'),
  index_var: expect(Type.String({ pattern: IDENTIFIER }), 'a variable name', 'A variable holding the item index (0-based)'),
} satisfies TProperties;
export const LoopControl = expect(Type.Partial(Type.Object(LoopControlKeywords, { additionalProperties: false })), 'a mapping (label, loop_var, index_var)');

export const HandlerNames = expect(
  Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }))]),
  'a handler name or a list of handler names',
);

export const Retries = expect(Type.Union([Type.Integer({ minimum: 0 }), Template]), `a whole number ≥ 0${ALSO_TEMPLATE}`);
export const Delay = expect(Type.Union([Type.Number({ minimum: 0 }), Template]), `a number of seconds ≥ 0${ALSO_TEMPLATE}`);
export const ModuleArgs = expect(Type.Record(Type.String(), Type.Unknown()), 'a mapping of module arguments');

export const TaskList = listOf<TSchema>('task', 'a list of tasks', 'Tasks, run in order');

/** Keywords a block, an import or `apply:` passes down to the tasks inside. */
export const InheritedKeywords = {
  when: Condition,
  tags: Tags,
  vars: Vars,
  become: expect(Flag, Flag['x-expected'] as string, 'Run with privilege escalation (sudo)'),
  become_user: expect(NonEmptyText, 'a user name', 'The user to become (default root)'),
  ignore_errors: expect(Flag, Flag['x-expected'] as string, 'Carry on when the task fails'),
  no_log: expect(Flag, Flag['x-expected'] as string, 'Hide arguments and results in the output'),
  run_once: expect(Flag, Flag['x-expected'] as string, 'Run on the first host of the batch only'),
  delegate_to: expect(NonEmptyText, 'localhost or 127.0.0.1', 'Run on the controller instead (localhost only)'),
  environment: Environment,
  check_mode: expect(Flag, Flag['x-expected'] as string, 'true: always check mode; false: always apply'),
  diff: expect(Flag, Flag['x-expected'] as string, 'Show file diffs for this task'),
} satisfies TProperties;

/** The keywords of a module task (besides its one module key). */
export const TaskKeywords = {
  name: Name,
  ...InheritedKeywords,
  args: ModuleArgs,
  loop: LoopItems,
  with_items: expect(LoopItems, LoopItems['x-expected'] as string, 'Like loop, flattening nested lists one level'),
  ...withLookups,
  loop_control: LoopControl,
  register: expect(VariableName, VariableName['x-expected'] as string, 'Save the result in this variable'),
  notify: expect(HandlerNames, HandlerNames['x-expected'] as string, 'Handlers to run at the end of the play when the task changed something'),
  changed_when: Condition,
  failed_when: Condition,
  until: expect(Condition, Condition['x-expected'] as string, 'Retry until this holds (with retries and delay)'),
  retries: Retries,
  delay: Delay,
  timeout: expect(Type.Union([Type.Integer({ minimum: 0 }), Template]), `a whole number of seconds ≥ 0${ALSO_TEMPLATE}`, 'Fail the task when it runs longer than this (0: no limit)'),
  async: expect(Type.Union([Type.Integer({ minimum: 0 }), Template]), `a whole number of seconds ≥ 0${ALSO_TEMPLATE}`, 'Run the task as a job on the host, detached from the connection, for at most this many seconds'),
  poll: expect(Type.Union([Type.Integer({ minimum: 0 }), Template]), `a whole number of seconds ≥ 0${ALSO_TEMPLATE}`, 'With async: seconds between checks of the job (default 15); 0 starts it and moves on (read it with async_status)'),
} satisfies TProperties;

/** Handlers are tasks that may also `listen` to topics. */
export const HandlerKeywords = {
  ...TaskKeywords,
  listen: expect(HandlerNames, 'a topic or a list of topics', 'Topics this handler answers to besides its name'),
} satisfies TProperties;

export const BlockKeywords = {
  name: Name,
  ...InheritedKeywords,
  block: TaskList,
  rescue: listOf<TSchema>('task', 'a list of tasks', 'Run when a task in block failed'),
  always: listOf<TSchema>('task', 'a list of tasks', 'Run after block (and rescue) whatever happened'),
} satisfies TProperties;

/** `apply:` of include_tasks/include_role: keywords the included tasks get. */
export const Apply = expect(Type.Partial(Type.Object(InheritedKeywords, { additionalProperties: false })), 'a mapping of task keywords');

export const IncludeTasksArgs = {
  file: expect(NonEmptyText, 'a file path', 'The task file (relative to the current file)'),
  apply: Apply,
} satisfies TProperties;

export const ImportTasksArgs = {
  file: IncludeTasksArgs.file,
} satisfies TProperties;

export const ImportRoleArgs = {
  name: expect(NonEmptyText, 'a role name', 'The role'),
  tasks_from: expect(NonEmptyText, 'a file name', 'tasks/<tasks_from> instead of tasks/main'),
  handlers_from: expect(NonEmptyText, 'a file name', 'handlers/<handlers_from> instead of handlers/main'),
  vars: Vars,
} satisfies TProperties;

export const IncludeRoleArgs = {
  ...ImportRoleArgs,
  apply: Apply,
} satisfies TProperties;

export const MetaValue = stringEnum(META_ACTIONS, 'flush_handlers runs notified handlers now');

/** Keywords allowed next to each action besides the module ones. */
export const IncludeKeywords = {
  name: Name,
  args: expect(Type.Partial(Type.Object({ apply: Apply }, { additionalProperties: false })), 'a mapping with apply:', 'apply: keywords for the included tasks (the same as apply: inside the action)'),
  when: Condition,
  tags: Tags,
  vars: Vars,
  loop: LoopItems,
  with_items: TaskKeywords.with_items,
  loop_control: LoopControl,
} satisfies TProperties;

export const ImportKeywords = {
  name: Name,
  ...InheritedKeywords,
} satisfies TProperties;

export const MetaKeywords = {
  name: Name,
  when: Condition,
  tags: Tags,
} satisfies TProperties;

/** Special action keys a task may have instead of a module. */
export const ACTIONS = ['block', 'include_tasks', 'import_tasks', 'include_role', 'import_role', 'meta'] as const;
export type SpecialAction = (typeof ACTIONS)[number];

export const RoleRefKeywords = {
  role: expect(NonEmptyText, 'a role name', 'The role (a name looked up in roles/, or a path)'),
  name: expect(NonEmptyText, 'a role name', 'Same as role'),
  vars: expect(Vars, Vars['x-expected'] as string, 'Role parameters (above role vars in precedence)'),
  when: Condition,
  tags: Tags,
  become: InheritedKeywords.become,
  become_user: InheritedKeywords.become_user,
  environment: Environment,
  ignore_errors: InheritedKeywords.ignore_errors,
  no_log: InheritedKeywords.no_log,
} satisfies TProperties;

const SerialItem = Type.Union([Type.Integer({ minimum: 1 }), Type.String({ pattern: '^\\s*(100|[1-9][0-9]?)(\\.[0-9]+)?\\s*%\\s*$' }), Template]);
export const Serial = expect(
  Type.Union([SerialItem, Type.Array(SerialItem, { minItems: 1 })]),
  'a number of hosts ≥ 1, a percentage such as "30%", or a list of those',
  'Run the play on this many hosts at a time (a list: batch sizes in order, the last repeating)',
);

export const PlayKeywords = {
  name: Name,
  hosts: expect(
    Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })]),
    'a host pattern or a list of host patterns',
    'Which inventory hosts the play runs on: a pattern such as "web:&prod"',
  ),
  vars: Vars,
  vars_prompt: expect(
    Type.Union([Type.Array(Type.Unknown()), Type.Record(Type.String(), Type.Unknown())]),
    'a list of mappings with name: and prompt:',
    'Variables asked for on the terminal before the play runs (not asked when given with -e)',
  ),
  vars_files: expect(
    Type.Array(Type.Union([Type.String({ minLength: 1 }), Type.Array(Type.String({ minLength: 1 }), { minItems: 1 })])),
    'a list of file paths (an item may be a list: the first that exists is used)',
    'YAML files of variables, relative to the playbook',
  ),
  become: InheritedKeywords.become,
  become_user: InheritedKeywords.become_user,
  gather_facts: expect(Flag, Flag['x-expected'] as string, 'Collect facts before the first task (default true)'),
  roles: listOf<TSchema>('roleRef', 'a list of roles', 'Roles to run after pre_tasks and before tasks'),
  pre_tasks: TaskList,
  tasks: TaskList,
  post_tasks: TaskList,
  handlers: listOf<TSchema>('handler', 'a list of handlers', 'Tasks run at the end of the play when notified'),
  strategy: stringEnum(['linear', 'free'] as const, 'linear: every host finishes a task before the next; free: hosts run ahead'),
  serial: Serial,
  max_fail_percentage: expect(
    Type.Union([Type.Number({ minimum: 0, maximum: 100 }), Template]),
    `a percentage 0-100${ALSO_TEMPLATE}`,
    'Stop the play when more than this share of the batch failed',
  ),
  any_errors_fatal: expect(Flag, Flag['x-expected'] as string, 'Stop the play for every host when one fails'),
  tags: Tags,
  environment: Environment,
  ignore_errors: InheritedKeywords.ignore_errors,
  no_log: InheritedKeywords.no_log,
} satisfies TProperties;

export const ImportPlaybookKeywords = {
  import_playbook: expect(NonEmptyText, 'a playbook file path', 'Another playbook whose plays run here'),
  name: Name,
  vars: Vars,
  tags: Tags,
} satisfies TProperties;

export const RoleMetaKeywords = {
  dependencies: listOf<TSchema>('roleRef', 'a list of roles', 'Roles run before this one'),
  allow_duplicates: expect(Type.Boolean(), 'true or false', 'Run this role again when listed again with the same parameters'),
  galaxy_info: expect(Type.Record(Type.String(), Type.Unknown()), 'a mapping', 'Ignored'),
  argument_specs: expect(Type.Record(Type.String(), Type.Unknown()), 'a mapping', 'Ignored'),
  collections: expect(Type.Array(Type.String()), 'a list of collection names', 'Ignored'),
} satisfies TProperties;

/**
 * Keys Ansible users write that tsinfra does not do: a clear "not supported" instead of "unknown key".
 * The value is the hint.
 */
export const UNSUPPORTED_KEYS: Readonly<Record<string, string>> = {
  remote_user: 'set ansible_user in the inventory',
  connection: 'set ansible_connection in the inventory (ssh or local)',
  become_method: 'tsinfra becomes with sudo',
  collections: 'write module names in full (ansible.builtin.apt) or short (apt)',
  module_defaults: 'repeat the arguments on each task, or use a YAML anchor',
  order: 'hosts run in inventory order',
  force_handlers: 'not supported yet',
  gather_subset: 'tsinfra gathers one fixed set of facts',
  action: 'write the module name as the key: `apt: {name: nginx}`',
  local_action: 'write the module as usual and add `delegate_to: localhost`',
  include: 'use include_tasks (dynamic) or import_tasks (static)',
  throttle: 'lower --forks instead',
  delegate_facts: 'only delegate_to: localhost is supported',
};

// The TypeScript types of validated keyword values, straight from the definitions above.
export type PlayKeywordValues = Static<ReturnType<typeof partialOf<typeof PlayKeywords>>>;
export type TaskKeywordValues = Static<ReturnType<typeof partialOf<typeof HandlerKeywords>>>;
export type BlockKeywordValues = Static<ReturnType<typeof partialOf<typeof BlockKeywords>>>;
export type RoleRefValues = Static<ReturnType<typeof partialOf<typeof RoleRefKeywords>>>;
export type IncludeRoleValues = Static<ReturnType<typeof partialOf<typeof IncludeRoleArgs>>>;
export type LoopControlValues = Static<typeof LoopControl>;

/** The object schema of a keyword table, every key optional and nothing else allowed. */
export function partialOf<P extends TProperties>(properties: P) {
  return Type.Partial(Type.Object(properties, { additionalProperties: false }));
}
