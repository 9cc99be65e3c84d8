// A playbook file: a list of plays and `import_playbook` entries. Each play's keywords are checked, its vars_files
// read, and its sections expanded in run order: pre_tasks, roles, tasks, post_tasks; then its handlers.
import { dirname, resolve } from 'node:path';
import type { ParsedNode } from 'yaml';
import { describeNode, type YamlSource } from '../config/yaml-source.js';
import type { Site } from './check-value.js';
import { suggestion } from '../text/did-you-mean.js';
import { ACTIONS, HandlerKeywords, ImportPlaybookKeywords, PlayKeywords, UNSUPPORTED_KEYS } from './keywords.js';
import { isFile, PlayScope, renderStaticText, tryRenderStatic, type LoadContext } from './load-context.js';
import { moduleForKey } from './module-catalog.js';
import { resolveNotify } from './notify-check.js';
import type { Flag, PlayPlan, Section, TaskNode, VarsFileRef } from './playbook-plan.js';
import { readVarsFile } from './role-loader.js';
import { parseRoleRef } from './role-ref.js';
import { parseVarsPrompt } from './vars-prompt.js';
import { expandRole, expandTaskListNode, handlerTasks } from './task-loader.js';
import type { TaskCursor, TaskScope } from './task-scope.js';
import { checkKeywords, emptySettings, foldSettings, ownSettings, tagList, type Checked } from './task-settings.js';
import { deref, isNull, isTemplate, mapEntries, seqItems, valueOf, type MapEntry } from './yaml-nodes.js';
import { ownValue } from '../own-keys.js';

/** What an import_playbook passes to the plays it imports. */
export interface PlaybookImport {
  /** Playbook files being imported (absolute), to refuse cycles. */
  chain: string[];
  vars: Record<string, unknown>;
  tags: string[];
}

/** Load the plays of `file` (and of the playbooks it imports) into `plays`. */
export async function loadPlaybookFile(ctx: LoadContext, file: string, imp: PlaybookImport, plays: PlayPlan[]): Promise<void> {
  const source = await ctx.readYaml(file);
  if (!source) return;
  const top = deref(source, source.doc.contents);
  const where = ctx.display(file);
  if (isNull(top)) {
    ctx.problems.add({ file, line: 1, column: 1 }, 'the playbook is empty: expected a list of plays');
    return;
  }
  const items = seqItems(source, top);
  if (!items) {
    const looksLikePlay = mapEntries(source, top)?.some((e) => e.key === 'hosts');
    ctx.problems.add(
      source.positionOfNode(top),
      `a playbook must be a list of plays, found ${describeNode(top)}`,
      looksLikePlay ? 'start the play with "- " (a list item): - hosts: all' : undefined,
    );
    return;
  }
  const cursor: TaskCursor = { source, file, count: 0 };
  for (const [i, item] of items.entries()) {
    const entries = mapEntries(source, item);
    if (!entries) {
      ctx.problems.add(source.positionOfNode(item), `play #${i + 1} in ${where} must be a mapping, found ${describeNode(item)}`);
      continue;
    }
    if (entries.some((e) => e.key === 'import_playbook')) await importPlaybook(ctx, source, entries, i + 1, imp, plays);
    else await loadPlay(ctx, { source, node: item!, entries, n: i + 1, imp, plays, cursor });
  }
}

async function importPlaybook(ctx: LoadContext, source: YamlSource, entries: MapEntry[], n: number, imp: PlaybookImport, plays: PlayPlan[]): Promise<void> {
  const file = source.file;
  const label = `import_playbook #${n} in ${ctx.display(file)}`;
  const site: Site = { source, problems: ctx.problems, label };
  let ok = true;
  for (const e of entries) {
    if (Object.hasOwn(ImportPlaybookKeywords, e.key)) continue;
    ok = false;
    ctx.problems.add(
      source.positionOfNode(e.keyNode),
      `${label}: unknown key "${e.key}"${suggestion(e.key, Object.keys(ImportPlaybookKeywords))}`,
      `next to import_playbook: ${Object.keys(ImportPlaybookKeywords).filter((k) => k !== 'import_playbook').join(', ')}`,
    );
  }
  const checked = checkKeywords(site, entries, ImportPlaybookKeywords);
  const target = checked.get('import_playbook');
  if (!target || !ok) return;
  const vars = { ...imp.vars, ...((checked.get('vars')?.value as Record<string, unknown> | undefined) ?? {}) };
  const at = source.positionOfNode(target.entry.node);
  const path = renderStaticText(ctx, { ...vars, ...ctx.extraVars }, { text: String(target.value), at, what: 'playbook path', label });
  if (path === undefined) return;
  const resolved = resolve(dirname(file), path);
  if (!isFile(resolved)) {
    ctx.problems.add(at, `${label}: playbook ${JSON.stringify(path)} not found (looked for ${ctx.display(resolved)})`);
    return;
  }
  const chain = [...imp.chain, file];
  if (chain.includes(resolved)) {
    const cycle = [...chain.slice(chain.indexOf(resolved)), resolved].map((f) => ctx.display(f));
    ctx.problems.add(at, `${label}: import_playbook cycle: ${cycle.join(' → ')}`);
    return;
  }
  const tags = [...imp.tags, ...(checked.has('tags') ? tagList(checked.get('tags')!.value) : [])];
  await loadPlaybookFile(ctx, resolved, { chain, vars, tags }, plays);
}

const TASK_ONLY_KEYS = new Set(Object.keys(HandlerKeywords).filter((k) => !Object.hasOwn(PlayKeywords, k)));

function reportUnknownPlayKey(ctx: LoadContext, site: Site, e: MapEntry): void {
  const at = site.source.positionOfNode(e.keyNode);
  const hint = ownValue(UNSUPPORTED_KEYS, e.key);
  if (hint !== undefined) {
    ctx.problems.add(at, `${site.label}: ${e.key} is not supported`, hint);
  } else if (TASK_ONLY_KEYS.has(e.key) || moduleForKey(e.key, ctx.moduleNames) !== undefined || (ACTIONS as readonly string[]).includes(e.key)) {
    ctx.problems.add(at, `${site.label}: "${e.key}" is a task key, not a play key`, 'put the task under tasks: (as a list item)');
  } else {
    ctx.problems.add(
      at,
      `${site.label}: unknown play key "${e.key}"${suggestion(e.key, Object.keys(PlayKeywords))}`,
      `play keys: ${Object.keys(PlayKeywords).join(', ')}`,
    );
  }
}

interface PlayInput {
  source: YamlSource;
  node: ParsedNode;
  entries: MapEntry[];
  /** The play's number in its file. */
  n: number;
  imp: PlaybookImport;
  plays: PlayPlan[];
  cursor: TaskCursor;
}

async function loadPlay(ctx: LoadContext, input: PlayInput): Promise<void> {
  const { source, node, entries, n, imp, plays, cursor } = input;
  const file = source.file;
  const playbookDir = dirname(file);
  const nameValue = valueOf(source, entries.find((e) => e.key === 'name')?.node ?? null);
  const name = typeof nameValue === 'string' || typeof nameValue === 'number' ? String(nameValue) : undefined;
  const label = name !== undefined && name.trim() !== '' ? `play ${JSON.stringify(name)}` : `play #${n} in ${ctx.display(file)}`;
  const site: Site = { source, problems: ctx.problems, label };
  const known: MapEntry[] = [];
  for (const e of entries) {
    if (Object.hasOwn(PlayKeywords, e.key)) known.push(e);
    else reportUnknownPlayKey(ctx, site, e);
  }
  const checked = checkKeywords(site, known, PlayKeywords);
  const at = source.positionOfNode(node);
  if (!entries.some((e) => e.key === 'hosts')) {
    ctx.problems.add(at, `${label}: hosts is required`, 'say which hosts the play runs on: hosts: all, a group, or a pattern such as "web:&prod"');
  }
  const hostsValue = checked.get('hosts')?.value;
  const vars = { ...((checked.get('vars')?.value as Record<string, unknown> | undefined) ?? {}), ...imp.vars };
  const varsPrompt = checked.has('vars_prompt') ? parseVarsPrompt(site, checked.get('vars_prompt')!.entry.node) : [];
  const varsFiles = await loadVarsFiles(ctx, site, checked.get('vars_files'), { ...vars, ...ctx.extraVars }, playbookDir);
  const loadVars = { ...vars, ...Object.assign({}, ...varsFiles.map((v) => v.loaded?.vars ?? {})), ...ctx.extraVars };
  const own = ownSettings(checked);
  const base = foldSettings(emptySettings(), {
    tags: [...imp.tags, ...(own.tags ?? [])],
    ...(own.environment ? { environment: own.environment } : {}),
    ...(own.become === undefined ? {} : { become: own.become }),
    ...(own.becomeUser === undefined ? {} : { becomeUser: own.becomeUser }),
    ...(own.ignoreErrors === undefined ? {} : { ignoreErrors: own.ignoreErrors }),
    ...(own.noLog === undefined ? {} : { noLog: own.noLog }),
  });
  const value = <T>(key: string) => checked.get(key)?.value as T | undefined;
  const serial = value<number | string | (number | string)[]>('serial');
  const play: PlayPlan = {
    index: plays.length + 1,
    ...(name === undefined ? {} : { name }),
    label,
    at,
    file,
    hosts: Array.isArray(hostsValue) ? hostsValue.join(',') : typeof hostsValue === 'string' ? hostsValue : '',
    ...(Array.isArray(hostsValue) ? { hostsList: hostsValue.map(String) } : {}),
    vars,
    ...(varsPrompt.length > 0 ? { varsPrompt } : {}),
    varsFiles,
    gatherFacts: value<Flag>('gather_facts') ?? ctx.gatherFactsDefault,
    ...(own.become === undefined ? {} : { become: own.become }),
    ...(own.becomeUser === undefined ? {} : { becomeUser: own.becomeUser }),
    strategy: value<'linear' | 'free'>('strategy') ?? 'linear',
    ...(serial === undefined ? {} : { serial: Array.isArray(serial) ? serial : [serial] }),
    ...(checked.has('max_fail_percentage') ? { maxFailPercentage: value<number | string>('max_fail_percentage')! } : {}),
    anyErrorsFatal: value<Flag>('any_errors_fatal') ?? false,
    ...(own.ignoreErrors === undefined ? {} : { ignoreErrors: own.ignoreErrors }),
    ...(own.noLog === undefined ? {} : { noLog: own.noLog }),
    tags: base.tags,
    environment: base.environment,
    tasks: [],
    handlers: [],
    roles: [],
    publicRoles: [],
  };
  const scope = new PlayScope({ ctx, play, playbookDir, loadVars, base });
  const scopeFor = (section: Section, handlers = false): TaskScope => ({
    settings: base,
    section,
    file,
    searchDirs: [playbookDir],
    chain: [file],
    roleStack: [],
    handlers,
  });
  const section = async (key: 'pre_tasks' | 'tasks' | 'post_tasks'): Promise<TaskNode[]> => {
    const c = checked.get(key);
    return c ? expandTaskListNode(scope, scopeFor(key), source, c.entry.node, cursor) : [];
  };
  const tasks: TaskNode[] = [...(await section('pre_tasks'))];
  const roles = checked.get('roles');
  for (const [i, item] of (seqItems(source, roles?.entry.node ?? null) ?? []).entries()) {
    const ref = parseRoleRef(site, item, `roles #${i + 1}`);
    if (!ref) continue;
    const { nodes } = await expandRole(scope, scopeFor('roles'), { name: ref.name, at: ref.at, label, params: ref.params, own: ref.own, dedupe: true });
    tasks.push(...nodes);
  }
  tasks.push(...(await section('tasks')), ...(await section('post_tasks')));
  const handlers = checked.get('handlers');
  if (handlers) {
    const nodes = await expandTaskListNode(scope, scopeFor('handlers', true), source, handlers.entry.node, cursor);
    for (const h of handlerTasks(nodes)) scope.addHandler(h, 'play');
  }
  play.tasks = tasks;
  play.handlers = scope.finishHandlers();
  for (const h of play.handlers) {
    if (h.name === undefined && h.listen === undefined) {
      ctx.problems.add(h.at, `${h.label} has neither name nor listen, so nothing can notify it`, 'give it a name: (what tasks write in notify:)');
    }
  }
  resolveNotify(play, play.tasks, Object.fromEntries([...ctx.roles.values()].map((r) => [r.key, r])), ctx.problems, scope.rejectedHandlers);
  plays.push(play);
}

/** vars_files: each item a path or a list of candidates (the first that exists). Files without templates load now. */
async function loadVarsFiles(ctx: LoadContext, site: Site, c: Checked | undefined, vars: Record<string, unknown>, playbookDir: string): Promise<VarsFileRef[]> {
  if (!c) return [];
  const out: VarsFileRef[] = [];
  for (const item of seqItems(site.source, c.entry.node) ?? []) {
    const value = valueOf(site.source, item);
    const candidates = (Array.isArray(value) ? value : [value]).map(String);
    const at = site.source.positionOfNode(item);
    const ref: VarsFileRef = { candidates, at };
    out.push(ref);
    const looked: string[] = [];
    let pending = false;
    for (const candidate of candidates) {
      if (isTemplate(candidate)) {
        // Rendered now when only play vars and --extra-vars are needed; otherwise read at run time.
        const rendered = tryRenderStatic(vars, candidate, at);
        if (!('text' in rendered)) {
          pending = true;
          break;
        }
        if (await loadCandidate(ctx, ref, resolve(playbookDir, rendered.text), looked)) break;
        continue;
      }
      if (await loadCandidate(ctx, ref, resolve(playbookDir, candidate), looked)) break;
    }
    if (!ref.loaded && !pending) {
      ctx.problems.add(
        at,
        `${site.label}: vars file ${candidates.map((x) => JSON.stringify(x)).join(' or ')} not found (looked for ${looked.map((l) => ctx.display(l)).join(', ')})`,
      );
    }
  }
  return out;
}

async function loadCandidate(ctx: LoadContext, ref: VarsFileRef, file: string, looked: string[]): Promise<boolean> {
  looked.push(file);
  if (!isFile(file)) return false;
  const vars = await readVarsFile(ctx, file, ctx.display(file));
  ref.loaded = { file, vars: vars ?? {} };
  return true;
}
