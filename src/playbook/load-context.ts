// State shared while one playbook loads: options, the problems found so far, parsed files, loaded roles, and the
// per-play bookkeeping (task ids, handlers, roles already run).
import { statSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';
import { ConfigError, type SourcePosition } from '../errors.js';
import { readYamlFile, type YamlSource } from '../config/yaml-source.js';
import { renderString, type TemplateVars } from '../template/index.js';
import { TemplateError } from '../errors.js';
import type { ModuleCatalog } from './module-catalog.js';
import type { HandlerNode, PlayPlan, RolePlan, TaskSettings } from './playbook-plan.js';
import { Problems } from './validation-errors.js';
import { isTemplate } from './yaml-nodes.js';

export interface LoadPlaybookOptions {
  /** Extra role directories, searched after `<playbook dir>/roles` and `<projectDir>/roles`. */
  rolesPath: string[];
  catalog: ModuleCatalog;
  /** --extra-vars: known when loading, so static import paths may use them. */
  extraVars?: Record<string, unknown>;
  /** The project root whose roles/ is searched; default the current directory. */
  projectDir?: string;
  /** gather_facts of a play that does not say (false when the settings' gathering is explicit). */
  gatherFactsDefault?: boolean;
}

export class LoadContext {
  readonly problems = new Problems();
  readonly catalog: ModuleCatalog;
  readonly moduleNames: ReadonlySet<string>;
  readonly rolesPath: string[];
  readonly projectDir: string;
  readonly extraVars: Record<string, unknown>;
  readonly gatherFactsDefault: boolean;
  /** Loaded roles by directory. */
  readonly roles = new Map<string, RolePlan>();
  private readonly sources = new Map<string, Promise<YamlSource | undefined>>();

  constructor(options: LoadPlaybookOptions) {
    this.catalog = options.catalog;
    this.moduleNames = new Set(options.catalog.names());
    this.rolesPath = options.rolesPath;
    this.projectDir = resolve(options.projectDir ?? process.cwd());
    this.extraVars = options.extraVars ?? {};
    this.gatherFactsDefault = options.gatherFactsDefault ?? true;
  }

  /** A path for people: relative to the project when inside it. */
  display(file: string): string {
    const rel = relative(this.projectDir, file);
    return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel) ? rel : file;
  }

  /** A source parsed elsewhere (in memory), served by readYaml as if read from `source.file`. */
  provideYaml(source: YamlSource): void {
    this.sources.set(source.file, Promise.resolve(source));
  }

  /** Parse a YAML file once; syntax errors and unreadable files become problems (undefined is returned). */
  readYaml(file: string): Promise<YamlSource | undefined> {
    let pending = this.sources.get(file);
    if (!pending) {
      pending = readYamlFile(file).catch((err: unknown) => {
        if (err instanceof ConfigError) {
          this.problems.push(err);
          return undefined;
        }
        throw err;
      });
      this.sources.set(file, pending);
    }
    return pending;
  }
}

/** Bookkeeping for one play while it loads. */
export class PlayScope {
  readonly ctx: LoadContext;
  readonly play: PlayPlan;
  readonly playbookDir: string;
  /** Variables a static path may use: play vars and loaded vars_files, then extra vars. */
  readonly loadVars: TemplateVars;
  /** Where the play's tasks start from: the play-level keywords every task inherits. */
  readonly base: TaskSettings;
  /** Roles already run in this play (directory + parameters), for deduplication. */
  readonly rolesRun = new Set<string>();
  /** Names and listen topics of handlers that failed to load: a notify of one is not a second problem. */
  readonly rejectedHandlers = new Set<string>();
  private taskCount = 0;
  private readonly idPrefix: string;
  private readonly handlerBuckets: [HandlerNode[], HandlerNode[], HandlerNode[]] = [[], [], []];
  private readonly handlerPositions = new Set<string>();

  constructor(options: { ctx: LoadContext; play: PlayPlan; playbookDir: string; loadVars: TemplateVars; base: TaskSettings; idPrefix?: string }) {
    this.ctx = options.ctx;
    this.idPrefix = options.idPrefix ?? `${options.play.index}.`;
    this.play = options.play;
    this.playbookDir = options.playbookDir;
    this.loadVars = options.loadVars;
    this.base = options.base;
  }

  nextTaskId(): string {
    this.taskCount += 1;
    return `${this.idPrefix}${this.taskCount}`;
  }

  /**
   * Record a handler once (a role imported twice brings its handlers once). Order: handlers of the roles in
   * `roles:`, then the play's own, then those of roles imported or included by tasks.
   */
  addHandler(handler: HandlerNode, from: 'roles' | 'play' | 'tasks'): void {
    const key = `${handler.at.file}:${handler.at.line}:${handler.at.column}`;
    if (this.handlerPositions.has(key)) return;
    this.handlerPositions.add(key);
    this.handlerBuckets[from === 'roles' ? 0 : from === 'play' ? 1 : 2].push(handler);
  }

  /** The handlers in order, with their final ids. */
  finishHandlers(): HandlerNode[] {
    const all = this.handlerBuckets.flat();
    all.forEach((h, i) => (h.id = `${this.play.index}.h${i + 1}`));
    return all;
  }

  useRole(key: string): void {
    if (!this.play.roles.includes(key)) this.play.roles.push(key);
  }

  /** A static path rendered now with the play's load-time variables (see renderStaticText). */
  staticPath(text: string, at: SourcePosition, what: string, label: string): string | undefined {
    return renderStaticText(this.ctx, this.loadVars, { text, at, what, label });
  }
}

/** Render a load-time text (a path, a role name) with `vars`; says why not when a variable is not known yet. */
export function tryRenderStatic(vars: TemplateVars, text: string, at: SourcePosition): { text: string } | { why: string } {
  if (!isTemplate(text)) return { text };
  try {
    const out = renderString(text, vars, { ...at });
    return isTemplate(out) ? { why: 'still holds a template after rendering' } : { text: out };
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    return { why: err.variable ? `uses "${err.variable}", which is not known when the playbook loads` : `cannot be rendered: ${err.message}` };
  }
}

/**
 * A path or name that must be known when the playbook loads (import_tasks, import_role, import_playbook): rendered
 * now with `vars` when it holds a template. Reports and returns undefined when that is not possible.
 */
export function renderStaticText(
  ctx: LoadContext,
  vars: TemplateVars,
  req: { text: string; at: SourcePosition; what: string; label: string },
): string | undefined {
  const result = tryRenderStatic(vars, req.text, req.at);
  if ('text' in result) return result.text;
  ctx.problems.add(
    req.at,
    `${req.label}: the ${req.what} ${JSON.stringify(req.text)} ${result.why}`,
    'static imports see only play vars, vars_files and --extra-vars; use include_tasks/include_role for anything else',
  );
  return undefined;
}

/** True when `path` is an existing regular file. */
export function isFile(path: string): boolean {
  try {
    return statSync(path).isFile();
  } catch {
    return false;
  }
}

export function isDirectory(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
