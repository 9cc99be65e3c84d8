// Runs a playbook through the real loader and engine against src/transport/fake.ts: no root, no sshd. The files
// (playbook, inventory, group_vars, roles…) are written to a temporary directory, loaded as `tsinfra play` loads
// them, and the run's events and summary come back with the fake, for assertions on what ran where.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { runPlaybook, type RunSummary } from '../../src/engine/run-playbook.js';
import type { HostTaskResult, RemoteExec, RunEvent } from '../../src/engine/events.js';
import type { VarsPrompter } from '../../src/engine/vars-prompt-answers.js';
import type { ConfirmTask } from '../../src/engine/task-step.js';
import { loadInventory } from '../../src/inventory/load.js';
import { loadPlaybook } from '../../src/playbook/load-playbook.js';
import { registryCatalog } from '../../src/playbook/registry-catalog.js';
import { filterPlanByTags } from '../../src/playbook/tag-filter.js';
import { quote } from '../../src/shell/quote.js';
import { FakeTransport, type FakeReply } from '../../src/transport/fake.js';

export interface FakePlayOptions {
  /** Relative path → content. `site.yaml` is the playbook and `inventory.yaml` the inventory unless named. */
  files: Record<string, string>;
  playbook?: string;
  inventory?: string;
  fake?: FakeTransport;
  check?: boolean;
  diff?: boolean;
  extraVars?: Record<string, unknown>;
  tags?: string[];
  skipTags?: string[];
  limit?: string;
  forks?: number;
  /** -v count; 3 or more makes the engine trace each remote script (collected in `traces`). */
  verbosity?: number;
  /** meta: refresh_inventory reads this file of `files` (the sources as they are by then); default: the inventory again. */
  refreshedInventory?: string;
  /** Answers vars_prompt (default: none, as without a terminal). */
  varsPrompter?: VarsPrompter;
  /** --step's question (default: none, every task runs). */
  confirmTask?: ConfirmTask;
}

export interface FakePlayRun {
  summary: RunSummary;
  events: RunEvent[];
  fake: FakeTransport;
  /** Each remote script a task ran, as -vvv shows it (secrets masked). */
  traces: RemoteExec[];
  /** Every host result, in the order reported; of one task (by name) when given. */
  results(task?: string): HostTaskResult[];
  /** The status of the task's result on the host (the task's own result, not a loop item's), or undefined when it did not run there. */
  status(task: string, host: string): string | undefined;
  /** Names of the tasks started, in order (handlers included). */
  tasksStarted(): string[];
}

/** An inventory of these hosts in group `all` (and, for `name@group`, in that group). */
export function inventoryOf(...hosts: string[]): string {
  const groups = new Map<string, string[]>();
  for (const spec of hosts) {
    const [name, group = 'ungrouped'] = spec.split('@') as [string, string?];
    groups.set(group, [...(groups.get(group) ?? []), name]);
  }
  const children = [...groups].map(([g, names]) => `    ${g}:\n      hosts:\n${names.map((n) => `        ${n}: {}\n`).join('')}`).join('');
  return `all:\n  children:\n${children}`;
}

/** What the file-reading probes (file, lineinfile, copy…) print for a regular file with this text, or for no file. */
export function fileProbeReply(content: string | undefined): FakeReply {
  if (content === undefined) return { stdout: 'kind=none\n' };
  const size = Buffer.byteLength(content);
  return { stdout: `kind=file\nmode=644\nuid=0\nuser=root\ngid=0\ngroup=root\nsize=${size}\ncontent_b64=${Buffer.from(content).toString('base64')}\n` };
}

/**
 * A text file on every host of the fake, per host: probes of `path` read it, and a write of it (the atomic write
 * of modules/lib/remote-file.ts) replaces it. Returns the contents by host, to check after a run.
 */
export function fakeFile(fake: FakeTransport, path: string, initial: string | undefined): Map<string, string | undefined> {
  const files = new Map<string, string | undefined>();
  const of = (host: string) => (files.has(host) ? files.get(host) : initial);
  fake.on(`p=${quote(path)}\n`, (call) => fileProbeReply(of(call.host)));
  fake.on(`tsi_dest=${quote(path)}\n`, (call) => {
    const b64 = /printf '%s' '?([A-Za-z0-9+/=]*)'? \| base64 -d > "\$tsi_tmp"/.exec(call.script)?.[1];
    if (b64 === undefined) return { rc: 2, stderr: 'fakeFile: no content in the write' };
    files.set(call.host, Buffer.from(b64, 'base64').toString('utf8'));
    return {};
  });
  return files;
}

export async function runFakePlay(o: FakePlayOptions): Promise<FakePlayRun> {
  const dir = mkdtempSync(join(tmpdir(), 'tsinfra-fake-play-'));
  try {
    for (const [path, text] of Object.entries(o.files)) {
      mkdirSync(dirname(join(dir, path)), { recursive: true });
      writeFileSync(join(dir, path), text);
    }
    const fake = o.fake ?? new FakeTransport();
    const extraVars = o.extraVars ?? {};
    const loadOptions = { rolesPath: [], catalog: registryCatalog, extraVars, projectDir: dir };
    const playbook = join(dir, o.playbook ?? 'site.yaml');
    let plan = await loadPlaybook(playbook, loadOptions);
    plan = filterPlanByTags(plan, { tags: o.tags, skipTags: o.skipTags });
    const inventory = await loadInventory(join(dir, o.inventory ?? 'inventory.yaml'), { playbookDir: dirname(playbook) });
    const events: RunEvent[] = [];
    const traces: RemoteExec[] = [];
    const pool = fake.pool();
    const summary = await runPlaybook(plan, {
      inventory,
      limit: o.limit,
      targetOf: (h) => fake.targetOf(h),
      becomeOf: () => undefined,
      forks: o.forks ?? 10,
      check: o.check ?? false,
      diff: o.diff ?? false,
      extraVars,
      pool,
      reporter: { onEvent: (e) => events.push(e) },
      verbosity: o.verbosity ?? 0,
      loadOptions,
      ...(o.varsPrompter ? { varsPrompter: o.varsPrompter } : {}),
      ...(o.confirmTask ? { confirmTask: o.confirmTask } : {}),
      onExec: (trace) => void (trace && traces.push(trace)),
      reloadInventory: () => loadInventory(join(dir, o.refreshedInventory ?? o.inventory ?? 'inventory.yaml'), { playbookDir: dirname(playbook) }),
    });
    await pool.closeAll();
    const hostResults = events.filter((e): e is Extract<RunEvent, { type: 'host_result' }> => e.type === 'host_result');
    return {
      summary,
      events,
      fake,
      traces,
      results: (task) => hostResults.filter((e) => task === undefined || e.task.name === task).map((e) => e.result),
      status: (task, host) => hostResults.filter((e) => e.task.name === task && e.result.host === host && e.result.item === undefined).at(-1)?.result.status,
      tasksStarted: () => events.flatMap((e) => (e.type === 'task_start' ? [e.task.name] : [])),
    };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
