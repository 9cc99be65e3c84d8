// The validated plan a playbook loads into: plain, JSON-serialisable data. Templates stay unrendered (the engine
// renders them per host); every inherited keyword (play, role reference, import, block) is already folded into
// each task, so the engine reads a task's own fields and nothing else.
import type { SourcePosition } from '../errors.js';
import type { VarsPrompt } from './vars-prompt.js';

/** true/false, or a template string the engine renders per host and reads as a boolean. */
export type Flag = boolean | string;

/** One condition as written (`when`, `changed_when`, `failed_when`, `until`): an expression or true/false. */
export interface ConditionRef {
  expr: string | boolean;
  /** Where it was written; pass it to evaluateCondition as the site. */
  at: SourcePosition;
}

/** `environment:` as written at one level: a mapping, or a template string that renders to one. */
export type EnvironmentLayer = Record<string, unknown> | string;

export type Section = 'pre_tasks' | 'roles' | 'tasks' | 'post_tasks' | 'handlers';

/** `meta:` actions tsinfra runs. */
export const META_ACTIONS = [
  'flush_handlers',
  'refresh_inventory',
  'noop',
  'end_play',
  'end_host',
  'end_batch',
  'clear_facts',
  'clear_host_errors',
  'reset_connection',
] as const;
export type MetaAction = (typeof META_ACTIONS)[number];

/** A task's effective keywords, with everything inherited from play, role reference, import and blocks folded in. */
export interface TaskSettings {
  /** All must hold, outermost first (play role reference, import, blocks, the task itself). [] = always. */
  when: ConditionRef[];
  /** Own and inherited tags, deduplicated, in order of appearance. */
  tags: string[];
  /** Role-reference vars, import vars, block vars, task vars (inner wins): the block and task vars level. */
  vars: Record<string, unknown>;
  /**
   * The `vars` of enclosing include_tasks and include_role (inner wins), also in `vars`: Ansible's "include params"
   * level, above set_fact and register.
   */
  params?: Record<string, unknown>;
  become?: Flag;
  becomeUser?: string;
  ignoreErrors?: Flag;
  noLog?: Flag;
  runOnce?: Flag;
  /** Only "localhost", "127.0.0.1" or a template (the engine checks what it renders to). */
  delegateTo?: string;
  checkMode?: Flag;
  diff?: Flag;
  /** Outermost first; the engine renders each and merges them in order (later keys win). */
  environment: EnvironmentLayer[];
}

interface NodeBase extends TaskSettings {
  /** Unique within the plan and stable for a given playbook: "<play>.<n>" ("2.14"), handlers "<play>.h<n>". */
  id: string;
  name?: string;
  /** For people: `task "Install packages"` or `task #3 in roles/common/tasks/main.yaml`. */
  label: string;
  at: SourcePosition;
  /** Key into PlaybookPlan.roles when the task comes from a role. */
  role?: string;
  /** The vars of the reference that runs the role (roles: … vars:, import_role vars:), below its vars/main. */
  roleVars?: Record<string, unknown>;
  section: Section;
}

export interface LoopSpec {
  /** A list as written, or a template string rendering to one; for a lookup, its terms (a mapping too). */
  items: unknown[] | string | Record<string, unknown>;
  at: SourcePosition;
  /** `with_items` flattens nested lists one level; `loop` does not. */
  flatten: boolean;
  /**
   * `with_<name>`: the lookup the engine runs with the rendered `items` as its terms, looping over what it returns
   * (Ansible's loop_with). `with_items` has none: its lookup, `items`, is `flatten`.
   */
  lookup?: string;
  /** For a lookup: where it looks for relative files, each base also with the subdirectory first (role, task file's directory, playbook directory). */
  lookupDirs?: string[];
  /** loop_control.loop_var, default "item". */
  loopVar: string;
  indexVar?: string;
  label?: string;
}

export interface NotifyRef {
  /** As written: a handler name, a `listen` topic, or "role : handler name". */
  name: string;
  at: SourcePosition;
  /** Ids of the handlers it names, in handler order; [] only for a templated name (resolved at run time). */
  handlers: string[];
}

export interface ModuleTask extends NodeBase {
  kind: 'task';
  /** tsinfra module name ("apt"), whatever the task wrote ("ansible.builtin.apt"). */
  module: string;
  /** The key as written in the task. */
  action: string;
  /** Unrendered arguments: the module's value merged over `args:` (inline wins), or a free-form string. */
  args: unknown;
  argsAt: SourcePosition;
  loop?: LoopSpec;
  register?: string;
  notify: NotifyRef[];
  changedWhen?: ConditionRef[];
  failedWhen?: ConditionRef[];
  /** `until` alone means retries 3, delay 5 (Ansible's defaults). */
  until?: ConditionRef[];
  /** With `until`, or alone (retry until the task succeeds, as ansible-core 2.16 does). */
  retries?: number | string;
  delay?: number | string;
  /** `timeout`: seconds the task may run before it fails (0 or absent: no limit). */
  timeout?: number | string;
  /** `async`: run as a detached job for at most this many seconds (0 or absent: run as usual). */
  async?: number | string;
  /** `poll`: seconds between reads of an async job (Ansible's default 15); 0: do not wait for it. */
  poll?: number | string;
  /** Handlers only: the topics it answers to besides its name. */
  listen?: string[];
}

/**
 * block/rescue/always. The block's own keywords are already folded into every child (children carry them), so
 * the engine only implements the control flow: run `block`; if a task in it fails, run `rescue`; always `always`.
 */
export interface BlockNode extends NodeBase {
  kind: 'block';
  block: TaskNode[];
  rescue: TaskNode[];
  always: TaskNode[];
}

/** Where and how a dynamic include loads at run time when it could not be loaded ahead (templated path). */
export interface IncludeContext {
  /** Directories a relative path is looked up in, in order. */
  searchDirs: string[];
  /** Keywords the included tasks inherit: the enclosing scope plus `apply:` (not the include's own when/tags). */
  inherit: TaskSettings;
  /** The include chain so far (absolute files), to refuse include cycles. */
  chain: string[];
}

/**
 * include_tasks: dynamic. Its own `when`, `tags` and `loop` apply to the include itself; the included tasks run
 * once per loop item with the loop variable bound. `tasks` is present when the path had no template and was
 * loaded and validated now; otherwise the engine renders `file` and calls loadDynamicInclude.
 */
export interface IncludeTasksNode extends NodeBase {
  kind: 'include_tasks';
  file: string;
  loop?: LoopSpec;
  tasks?: TaskNode[];
  context: IncludeContext;
}

/** include_role: dynamic, like include_tasks; `tasks` present when the role name had no template. */
export interface IncludeRoleNode extends NodeBase {
  kind: 'include_role';
  roleName: string;
  tasksFrom?: string;
  handlersFrom?: string;
  loop?: LoopSpec;
  /** The role's key in PlaybookPlan.roles, when loaded now. */
  includedRole?: string;
  tasks?: TaskNode[];
  context: IncludeContext;
}

export interface MetaNode extends NodeBase {
  kind: 'meta';
  action: MetaAction;
}

export type TaskNode = ModuleTask | BlockNode | IncludeTasksNode | IncludeRoleNode | MetaNode;

/** A handler is a module task (with `listen`); handlers are never filtered by tags. */
export type HandlerNode = ModuleTask;

export interface VarsFileRef {
  /** Paths as written (templates allowed): the first that exists is used (`- [a.yml, b.yml]` in Ansible). */
  candidates: string[];
  at: SourcePosition;
  /** The file read now, when a candidate without a template exists. */
  loaded?: { file: string; vars: Record<string, unknown> };
}

export interface PlayPlan {
  /** 1-based, counting plays from imported playbooks in order. */
  index: number;
  name?: string;
  label: string;
  at: SourcePosition;
  file: string;
  /** The host pattern; a YAML list is joined with ",". May be a template (render with play vars + extra vars). */
  hosts: string;
  /** `hosts:` written as a YAML list: its items (--list-hosts prints the pattern as Ansible's list). */
  hostsList?: string[];
  vars: Record<string, unknown>;
  /** Asked before the play runs (unless given with -e); the answers sit above `vars`, below `varsFiles`. */
  varsPrompt?: VarsPrompt[];
  varsFiles: VarsFileRef[];
  gatherFacts: Flag;
  become?: Flag;
  becomeUser?: string;
  strategy: 'linear' | 'free';
  /** Batch sizes in order, the last repeating: numbers of hosts, "30%" or templates. Absent: all hosts at once. */
  serial?: (number | string)[];
  maxFailPercentage?: number | string;
  anyErrorsFatal: Flag;
  ignoreErrors?: Flag;
  noLog?: Flag;
  tags: string[];
  environment: EnvironmentLayer[];
  /** pre_tasks, then roles (dependencies first), tasks, post_tasks; each node's `section` says which. */
  tasks: TaskNode[];
  /** Role handlers (in role order), then the play's own, then those of imported/included roles. */
  handlers: HandlerNode[];
  /** Keys of the roles this play uses, in first-use order. */
  roles: string[];
  /**
   * The role runs every task of the play sees the defaults and vars of, from the start (Ansible's play.get_roles()):
   * those of `roles:`, their dependencies and import_role, in load order, each with its reference's vars. An
   * include_role's are seen by its own tasks only.
   */
  publicRoles: { role: string; vars: Record<string, unknown> }[];
}

export interface RolePlan {
  key: string;
  name: string;
  dir: string;
  tasksDir: string;
  handlersDir: string;
  filesDir: string;
  templatesDir: string;
  defaults: Record<string, unknown>;
  defaultsFile?: string;
  vars: Record<string, unknown>;
  varsFile?: string;
  /** meta/main dependencies, by role key, in order. */
  dependencies: string[];
  allowDuplicates: boolean;
}

export interface PlanWarning {
  at: SourcePosition;
  message: string;
}

export interface PlaybookPlan {
  file: string;
  plays: PlayPlan[];
  roles: Record<string, RolePlan>;
  warnings: PlanWarning[];
}
