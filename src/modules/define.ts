// The module contract. A module is either a *state* module (probe → parse → plan → apply: idempotent by
// construction, check mode for free) or an *action* (command, debug, wait_for, …: it just runs).
// Modules never see the transport or the engine: they build Scripts and the engine runs them.
import { Type, type Static, type TObject, type TSchema } from '@sinclair/typebox';
import { TsinfraError } from '../errors.js';
import type { Script } from '../shell/script.js';

/**
 * What one remote exec returned. Same shape as transport's ExecResult (redeclared here because modules never
 * import transport/): the engine passes its result straight in.
 */
export interface ExecResult {
  stdout: string;
  stderr: string;
  /** Exit code, or null when killed by a signal. */
  code: number | null;
  signal: string | null;
}

/** What `parse` receives when `probe` returned undefined (the module needs no remote facts). */
export const NO_PROBE: ExecResult = Object.freeze({ stdout: '', stderr: '', code: 0, signal: null });

/** The host is in a state the module cannot reach from (a directory where a file should be, …). */
export class PlanError extends TsinfraError {
  readonly module: string;
  constructor(module: string, message: string, options: { hint?: string; cause?: unknown } = {}) {
    super('TSI_PLAN', `${module}: ${message}`, options);
    this.module = module;
  }
}

/** One argument problem: `path` is a JSON pointer inside the module's args ('' for the args object itself). */
export interface ArgProblem {
  path: string;
  message: string;
}

/** One planned change: a plain value (secrets inside are `Secret`, which serialise as ***). */
export interface Change {
  readonly op: string;
}

/** A whole-file before/after for `--diff`. */
export interface FileDiff {
  path: string;
  before: string;
  after: string;
}

/** The Ansible-like value a task `register`s. Modules fill what applies; the engine may add timing. */
export interface RegisteredResult {
  changed: boolean;
  failed: boolean;
  skipped?: boolean;
  /** Usually a string; debug may carry any value. */
  msg?: unknown;
  rc?: number | null;
  stdout?: string;
  stderr?: string;
  stdout_lines?: string[];
  stderr_lines?: string[];
  /** State modules: one line per planned change (`describe`). */
  changes?: string[];
  diff?: FileDiff;
  /** set_fact: variables the engine merges into the host's vars. */
  ansible_facts?: Record<string, unknown>;
  [key: string]: unknown;
}

/** Controller-side services the engine gives to `prepare` (copy `src`, template rendering). */
export interface ControllerIO {
  /** Bytes of a controller file; the engine resolves relative paths (role files/, playbook dir). */
  readFile(path: string): Promise<Uint8Array>;
  /** A controller template rendered with the task's vars (handlebars, strict, noEscape). */
  renderTemplate(path: string): Promise<string>;
}

interface CommonSpec<S extends TObject> {
  name: string;
  summary: string;
  /** The arguments, written once: ajv validates them (registry) and Static<> types the handlers. */
  args: S;
  /** Alternative argument names, alias → canonical (`dest` → `path`); the registry renames before validating. */
  aliases?: Readonly<Record<string, string>>;
  /**
   * Reshape raw args before validation: the free-form string (`shell: echo hi`), comma lists, …
   * Gets whatever the task wrote (string, object, null); returns the args object to validate.
   */
  normalize?(raw: unknown): unknown;
  /** Cross-argument rules JSON Schema says badly (`content` or `src`, …); runs after the schema passed. */
  refine?(args: Static<S>): ArgProblem[];
}

export interface StateModuleSpec<S extends TObject, State, C extends Change, A extends Static<S> = Static<S>>
  extends CommonSpec<S> {
  /**
   * Optional controller-side step run after validation and before the probe, e.g. template renders `src`.
   * May read through `ctl` only; the engine calls it once per host (vars differ per host).
   */
  prepare?(args: Static<S>, ctl: ControllerIO): Promise<A>;
  /** A read-only script printing `key=value` lines, or undefined when no remote facts are needed. */
  probe(args: A): Script | undefined;
  /** Pure: the probe's output → the current state. Called only when the probe exited 0 (or NO_PROBE). */
  parse(result: ExecResult, args: A): State;
  /** Pure (no I/O, clock or randomness): what must change. [] means ok. Throws PlanError. */
  plan(args: A, state: State): C[];
  /** One script doing all the changes; called only with a non-empty `changes`. */
  apply(args: A, changes: readonly C[]): Script;
  /** One line for people, e.g. "install nginx". */
  describe(change: C): string;
  /** Whole-file before/after for --diff, when the module edits one file. */
  diff?(args: A, state: State, changes: readonly C[]): FileDiff | undefined;
  /** Extra registered fields (e.g. copy's backup_file), given the apply's result when it ran. */
  result?(args: A, state: State, changes: readonly C[], applied: ExecResult | undefined): Record<string, unknown>;
}

export type StateModule<S extends TObject = TObject, State = unknown, C extends Change = Change, A extends Static<S> = Static<S>> =
  StateModuleSpec<S, State, C, A> & { readonly kind: 'state' };

/** What a host's inventory variables say about reaching it over SSH: each field unset where they say nothing. */
export interface HostEndpoint {
  address?: string;
  port?: number;
  user?: string;
  privateKeyFile?: string;
}

/** Variable files on the controller, found as Ansible finds them for the task (include_vars). */
export interface VarsFiles {
  /**
   * A relative file looked up along the task's search path: its role, its file's directory, the playbook's, each as
   * `<dir>/vars/<path>` then `<dir>/<path>`. An absolute path as it is. Undefined when no such file exists.
   */
  find(path: string): string | undefined;
  /** `dir:` as Ansible resolves it: under the role's vars/ (or the role, for "vars/…") in a role, else beside the task file. */
  dir(path: string): string;
  /** A YAML or JSON file's data, read as Ansible reads it (YAML 1.1); throws on a syntax error, with file:line. */
  read(file: string): unknown;
  /** The names of a directory's files and subdirectories; undefined when it is not a directory. */
  list(dir: string): { files: string[]; dirs: string[] } | undefined;
}

/** How the controller's OpenSSH reaches the task's host, exactly as the task's own connection does. */
export interface SshRoute {
  address: string;
  port: number;
  user: string;
  privateKeyFiles: string[];
  /** OpenSSH `-o` options (separate argv words): host key policy, known_hosts, timeouts, jump hosts. */
  options: string[];
  /** The login uses a password (OpenSSH cannot be given one without a prompt). */
  hasPassword: boolean;
  /** The task's become user, when it becomes. */
  becomeUser?: string;
}

/** The controller side of an action that runs a program there (synchronize's rsync). */
export interface ControllerSide {
  /** A program's path on the controller's PATH (Ansible's get_bin_path); undefined when there is none. */
  program(name: string): string | undefined;
  /** A controller path as Ansible's actions find one: absolute (or `~`) as it is, else the first that exists of the role's files/, the role, the playbook's files/, the playbook's dir (that last one when none does). A trailing `/` stays. */
  path(path: string): string;
  /** Runs `argv` on the controller, no shell; resolves with the result whatever the exit code. */
  run(argv: readonly string[], options?: { timeoutMs?: number }): Promise<ExecResult>;
}

/** What an action may do. The engine implements it over the host's connection and the task's vars. */
export interface ActionIO {
  /**
   * Run a script on the host exactly like probe/apply scripts: `/bin/sh -s` (inside become when set) with
   * `script.text` verbatim on stdin — nothing prepended. Resolves with the result whatever the exit code;
   * rejects only when the host is unreachable (ConnectError) or on timeout.
   */
  exec(script: Script, options?: { timeoutMs?: number }): Promise<ExecResult>;
  /** The task's variables (host vars, facts, registered results), read-only. */
  readonly vars: Readonly<Record<string, unknown>>;
  /** Check mode (--check, or the task's own check_mode): report what would change, change nothing. */
  readonly isCheck: boolean;
  /** How the inventory says to reach one of its hosts, by name (the engine resolves it as it connects); undefined for an unknown host. */
  endpointOf(host: string): HostEndpoint | undefined;
  /** The value of an expression in the task's variables (`{{ expression }}` as Jinja2 gives it). */
  evaluate(expression: string): unknown;
  /** Whether a condition holds, exactly as a `when:` is decided (assert's `that`). */
  holds(condition: string): boolean;
  /** Drop the cached connection, open a fresh one and run `true`: true if that worked within timeoutMs. */
  tryConnect(timeoutMs: number): Promise<boolean>;
  /** The task runs on the controller itself (delegate_to: localhost): reboot refuses to. */
  readonly isLocal?: boolean;
  /** How OpenSSH reaches the host; absent where the engine has no SSH target (ad-hoc on localhost, engine fakes). */
  readonly ssh?: SshRoute;
  /** Programs and paths on the controller; absent where the engine offers none. */
  readonly controller?: ControllerSide;
  sleep(ms: number): Promise<void>;
  /** Milliseconds (Date.now on the controller); injected so tests control time. */
  now(): number;
  /** -v count: debug's `verbosity` compares against it. */
  readonly verbosity: number;
  /** Controller-side variable files (include_vars); absent where the engine has no task files (ad-hoc runs). */
  readonly varsFiles?: VarsFiles;
  /**
   * setup: gathers the host's facts again with the engine's facts script (as a play's fact gathering does, but as
   * the task's user), keeps them as the host's facts, and returns them as Ansible's setup reports them: `ansible_`
   * names, plus discovered_interpreter_python, gather_subset and module_setup. Absent where the engine has no hosts.
   */
  gatherFacts?(): Promise<Record<string, unknown>>;
}

/**
 * A module's work as a job the engine runs detached on the host (the `async` keyword): `script` runs with its
 * output captured, and the results file then holds `result`'s keys with the run's own (Ansible's async_wrapper).
 */
export interface AsyncJob {
  script: Script;
  /** The result's keys besides the run's: command's `changed` and `cmd`, a state module's planned changes. */
  result: Record<string, unknown>;
  /** Record rc, stdout and stderr (false: nothing ran that has output, e.g. a state module with no change). */
  output: boolean;
  /** Record start, end and delta, and `msg: ""` on success (command and shell). */
  timed: boolean;
  /** Strip trailing newlines from stdout and stderr (strip_empty_ends). */
  strip: boolean;
  /** A line the script prints alone to say it did nothing (creates/removes): the results file is then `result`. */
  skip?: { marker: string; result: Record<string, unknown> };
}

export interface ActionModuleSpec<S extends TObject> extends CommonSpec<S> {
  /** In check mode the engine either runs the action (it changes nothing) or reports it skipped. */
  checkMode: 'run' | 'skip';
  /** True when run never calls io.exec / io.tryConnect (debug, set_fact, assert, fail): no connection needed. */
  controllerOnly: boolean;
  /**
   * The read-only script `run` always execs first, when it has one (firewall and zerotier read the host's state).
   * Declaring it lets the engine run it ahead with other tasks' probes and hand `run` the result.
   */
  probe?(args: Static<S>): Script;
  /**
   * command, shell, raw: the one script `run` execs. The engine runs it ahead, and lets it leave what was read
   * ahead standing, only for a task its author declared read-only (`changed_when: false` and `check_mode: false`).
   */
  script?(args: Static<S>): Script;
  run(args: Static<S>, io: ActionIO): Promise<RegisteredResult>;
  /** The action as a detached job (`async:`); actions without it refuse async at load time. */
  asyncJob?(args: Static<S>): AsyncJob;
}

export type ActionModule<S extends TObject = TObject> = ActionModuleSpec<S> & { readonly kind: 'action' };

export function defineModule<S extends TObject, State, C extends Change, A extends Static<S> = Static<S>>(
  spec: StateModuleSpec<S, State, C, A>,
): StateModule<S, State, C, A> {
  return { kind: 'state', ...spec };
}

export function defineAction<S extends TObject>(spec: ActionModuleSpec<S>): ActionModule<S> {
  return { kind: 'action', ...spec };
}

/* eslint-disable @typescript-eslint/no-explicit-any */
/** Any state module, as the registry holds them (method parameters are bivariant, so every concrete module fits). */
export type AnyStateModule = StateModule<any, any, any, any>;
export type AnyActionModule = ActionModule<any>;
export type AnyModule = AnyStateModule | AnyActionModule;
/* eslint-enable @typescript-eslint/no-explicit-any */

// ---- helpers for the engine (pure) --------------------------------------------------------------------------

/** The registered result of a state module run: after plan (check mode, `applied` undefined) or after apply. */
export function stateResult(
  module: AnyStateModule,
  run: { args: unknown; state: unknown; changes: readonly Change[]; applied?: ExecResult; withDiff?: boolean },
): RegisteredResult {
  const { args, state, changes, applied } = run;
  const out: RegisteredResult = {
    changed: changes.length > 0,
    failed: false,
    changes: changes.map((c) => module.describe(c)),
  };
  if (run.withDiff && changes.length > 0) {
    const d = module.diff?.(args, state, changes);
    if (d) out.diff = d;
  }
  if (applied) Object.assign(out, outputFields(applied));
  if (module.result) {
    // A key the module's result sets to undefined is dropped (make and filesystem register no rc/stdout of their own scripts).
    for (const [k, v] of Object.entries(module.result(args, state, changes, applied))) {
      if (v === undefined) delete out[k];
      else out[k] = v;
    }
  }
  return out;
}

/** rc/stdout/stderr and their `_lines`, as Ansible registers them. */
export function outputFields(r: ExecResult): Pick<RegisteredResult, 'rc' | 'stdout' | 'stderr' | 'stdout_lines' | 'stderr_lines'> {
  return { rc: r.code, stdout: r.stdout, stderr: r.stderr, stdout_lines: lines(r.stdout), stderr_lines: lines(r.stderr) };
}

function lines(text: string): string[] {
  if (text === '') return [];
  const out = text.split('\n');
  if (out[out.length - 1] === '') out.pop();
  return out;
}

// ---- schema helpers shared by the modules -------------------------------------------------------------------

/** A string enum ajv reports as "must be one of a, b, c" (TypeBox's literal unions give one error per branch). */
export function StringEnum<const T extends readonly string[]>(values: T, options: { default?: T[number]; description?: string } = {}) {
  return Type.Unsafe<T[number]>({ type: 'string', enum: [...values], ...options });
}

/** Annotates a schema with the phrase used in error messages: "<arg> must be <expected>". */
export function expecting<T extends TSchema>(schema: T, expected: string): T {
  return { ...schema, 'x-expected': expected };
}
