// Play output for people, in Ansible's shape: PLAY / TASK banners, one block per host result (printed whole, so
// blocks never interleave), --diff as a unified diff, then PLAY RECAP. Colours only on a terminal without NO_COLOR.
// On a terminal, a live line at the bottom names the hosts still running the current task; it is erased before
// each block and drawn again after it.
import type { HostTaskResult, RecapCounts, RemoteExec, Reporter, RunEvent, TaskRef } from '../engine/events.js';
import { formatDebugValue } from './debug-display.js';
import { NO_LOG_ITEM, NO_LOG_MESSAGE, type ReportOutput } from './play-json.js';
import { hideSecretLines, unifiedDiff, type DiffLineKind } from './unified-diff.js';
import { holdsSecretValue } from '../vault/mask-vault-values.js';

export interface PlayTextOptions {
  out: ReportOutput;
  /** Show file changes as unified diffs (--diff). */
  diff?: boolean;
  /** Task paths, skip reasons, command output of successful tasks, whole outputs of failed ones (-v; any level ≥ 1). */
  verbose?: boolean | number;
  /** Default: `out` is a terminal and NO_COLOR is unset. */
  color?: boolean;
  /** The live line. Default: `out` is a terminal. */
  live?: boolean;
  /** Banner width. Default: the terminal's width, else 80. */
  columns?: number;
  /** The clock of the live line's elapsed time (tests). */
  now?: () => number;
}

const C = {
  ok: 32,
  changed: 33,
  failed: 31,
  unreachable: 91,
  skipped: 36,
  rescued: 32,
  ignored: 95,
  dim: 2,
} as const;

const DIFF_COLOR: Record<DiffLineKind, number | undefined> = {
  header: 1,
  hunk: 36,
  context: undefined,
  removed: 31,
  added: 32,
  note: 2,
};

/** Lines of command output shown for a failure (all of them with -v). */
const TAIL_LINES = 10;
const ERASE_LINE = '\r\u001b[2K';

export function formatDuration(ms: number): string {
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)}s`;
  const totalSeconds = Math.round(ms / 1000);
  const h = Math.floor(totalSeconds / 3600);
  const m = Math.floor((totalSeconds % 3600) / 60);
  const s = totalSeconds % 60;
  return h > 0 ? `${h}h ${String(m).padStart(2, '0')}m ${String(s).padStart(2, '0')}s` : `${m}m ${String(s).padStart(2, '0')}s`;
}

/** Ansible's Display.banner: a blank line, the title and stars to the width. */
export function bannerText(title: string, columns: number): string {
  return `\n${title} ${'*'.repeat(Math.max(3, columns - title.length - 1))}\n`;
}

function taskTitle(task: TaskRef): string {
  const name = task.role ? `${task.role} : ${task.name}` : task.name;
  return `${task.isHandler ? 'RUNNING HANDLER' : 'TASK'} [${name}]`;
}

function lines(text: string): string[] {
  const all = text.split('\n');
  if (all[all.length - 1] === '') all.pop();
  return all;
}

const RECAP_KEYS: (keyof RecapCounts)[] = ['ok', 'changed', 'unreachable', 'failed', 'skipped', 'rescued', 'ignored'];

/** `<host> SCRIPT as root (sudo), rc=0, 0.012s:` then the script, indented, as -vvv shows Ansible's EXEC lines. */
function formatRemoteExec(e: RemoteExec): string {
  const who = e.become ? ` as ${e.become} (sudo)` : '';
  const head = `<${e.host}> SCRIPT${who}, rc=${e.rc ?? 'none'}, ${(e.durationMs / 1000).toFixed(3)}s${e.task ? ` (${e.task})` : ''}:`;
  return `${[head, ...lines(e.script.replace(/\n$/, '')).map((l) => `    ${l}`)].join('\n')}\n`;
}

export class PlayTextReporter implements Reporter {
  private readonly out: ReportOutput;
  private readonly isColor: boolean;
  private readonly isLive: boolean;
  private readonly fixedColumns: number | undefined;
  private readonly showDiff: boolean;
  private readonly isVerbose: boolean;
  /** -v count, as Ansible: 1 results, 2 playbook and task paths, 3 each remote script. */
  private readonly verbosity: number;
  private readonly now: () => number;
  private isCheck = false;
  /** (task id, host) pairs that have reported loop items: their final result is a summary. */
  private readonly looped = new Set<string>();
  private live: { title: string; hosts: string[]; pending: Set<string>; startedAt: number } | undefined;
  private isLiveShown = false;
  private timer: NodeJS.Timeout | undefined;

  constructor(options: PlayTextOptions) {
    this.out = options.out;
    const isTTY = options.out.isTTY === true;
    this.isColor = options.color ?? (isTTY && !process.env.NO_COLOR);
    this.isLive = options.live ?? isTTY;
    this.fixedColumns = options.columns;
    this.showDiff = options.diff ?? false;
    this.verbosity = Number(options.verbose ?? 0);
    this.isVerbose = this.verbosity > 0;
    this.now = options.now ?? Date.now;
  }

  onEvent(event: RunEvent): void {
    const text = this.format(event);
    if (event.type === 'task_start') this.startLive(event.task, event.hosts);
    else if (event.type === 'host_result' && event.result.item === undefined) this.live?.pending.delete(event.result.host);
    else if (event.type === 'play_end' || event.type === 'recap') this.stopLive();
    if (text) this.print(text);
    else if (this.isLive) this.drawLive();
  }

  close(): void {
    this.stopLive();
    if (this.isLiveShown) this.out.write(ERASE_LINE);
    this.isLiveShown = false;
  }

  /** Read each time: a terminal's width changes when it is resized. */
  private get columns(): number {
    return this.fixedColumns ?? (this.out.isTTY && this.out.columns ? this.out.columns : 80);
  }

  private paint(code: number | undefined, text: string): string {
    return this.isColor && code !== undefined && text !== '' ? `\u001b[${code}m${text}\u001b[0m` : text;
  }

  private banner(title: string): string {
    return bannerText(title, this.columns);
  }

  private format(event: RunEvent): string {
    switch (event.type) {
      case 'run_start':
        this.isCheck = event.check;
        return this.verbosity >= 2 ? `PLAYBOOK: ${event.playbook}\n` : '';
      case 'play_start':
        return this.banner(`PLAY [${event.play}]${this.isCheck ? ' [CHECK MODE]' : ''}`);
      case 'task_start':
        return this.banner(taskTitle(event.task)) + (this.verbosity >= 2 ? `task path: ${event.task.at}\n` : '');
      case 'remote_exec':
        return this.verbosity >= 3 ? formatRemoteExec(event) : '';
      case 'host_result':
        return this.formatResult(event.task, event.result);
      case 'play_end':
      case 'task_end':
        return '';
      case 'recap':
        return this.formatRecap(event);
    }
  }

  private formatResult(task: TaskRef, r: HostTaskResult): string {
    const key = `${task.id}\u0000${r.host}`;
    if (r.item !== undefined) this.looped.add(key);
    else if (this.looped.delete(key) && r.status !== 'failed' && r.status !== 'unreachable') {
      // The summary after a loop's items: the items said it all, unless the task as a whole failed.
      return '';
    }
    const color = C[r.status];
    const item = r.item === undefined ? undefined : r.noLog ? NO_LOG_ITEM : r.item;
    const isQuietSkip = r.status === 'skipped' && !this.isVerbose; // skip reasons only with -v, as Ansible
    let message = isQuietSkip ? undefined : r.message;
    if (r.noLog) {
      const hasOutput = r.message !== undefined || r.changes.length > 0 || !!r.stdout || !!r.stderr || !!r.diff;
      message = hasOutput && !isQuietSkip ? NO_LOG_MESSAGE : undefined;
    }
    // debug shows its value as Ansible does: `ok: [h] => {` and the indented JSON, flush left.
    const isDebug = r.debug !== undefined && !r.noLog;
    if (isDebug) message = formatDebugValue(r.debug);
    const [first, ...more] = message === undefined ? [] : lines(message);
    const arrow = first === undefined ? '' : ` => ${first}`;
    let head: string;
    if (r.status === 'unreachable') head = `fatal: [${r.host}]: UNREACHABLE!${arrow}`;
    else if (r.status === 'failed') head = `failed: [${r.host}]${item === undefined ? '' : ` (item=${item})`}${arrow}`;
    else {
      head = `${r.status === 'skipped' ? 'skipping' : r.status}: [${r.host}]${item === undefined ? '' : ` => (item=${item})`}`;
      head += arrow || (r.status === 'changed' && !r.noLog && r.changes.length > 0 ? ' =>' : '');
    }
    const out = [this.paint(color, head), ...more.map((line) => this.paint(color, isDebug ? line : `    ${line}`))];

    if (!r.noLog) {
      if (r.status === 'changed') for (const change of r.changes) out.push(this.paint(color, `    ${change}`));
      const isFailure = r.status === 'failed';
      if (isFailure || this.isVerbose) {
        if (this.isVerbose && r.rc !== undefined && r.rc !== null) out.push(this.paint(color, `    rc: ${r.rc}`));
        out.push(...this.outputSection('stdout', r.stdout, isFailure ? color : undefined));
        // A failure's message already ends with its stderr when that is short: say it once.
        const isStderrInMessage = !!r.stderr && !!message?.includes(r.stderr.trim());
        if (!isStderrInMessage) out.push(...this.outputSection('stderr', r.stderr, isFailure ? color : undefined));
      }
      if (this.showDiff && r.diff && r.status !== 'failed' && r.status !== 'unreachable') {
        const whole = unifiedDiff(r.diff.before, r.diff.after, { fromLabel: `before: ${r.diff.path}`, toLabel: `after: ${r.diff.path}` });
        const diff = hideSecretLines(whole, holdsSecretValue); // docs/secrets.md
        for (const d of diff) out.push(this.paint(DIFF_COLOR[d.kind], d.text));
      }
    }
    if (r.ignored && r.status === 'failed') out.push(this.paint(C.skipped, '...ignoring'));
    return `${out.join('\n')}\n`;
  }

  private outputSection(name: string, text: string | undefined, color: number | undefined): string[] {
    if (!text) return [];
    const all = lines(text);
    const shown = this.isVerbose ? all : all.slice(-TAIL_LINES);
    const title = shown.length < all.length ? `${name} (last ${shown.length} of ${all.length} lines):` : `${name}:`;
    return [this.paint(color, `    ${title}`), ...shown.map((l) => this.paint(color, `      ${l}`))];
  }

  private formatRecap(event: Extract<RunEvent, { type: 'recap' }>): string {
    const hosts = Object.entries(event.hosts);
    const hostWidth = Math.max(0, ...hosts.map(([h]) => h.length));
    const valueWidth = (k: keyof RecapCounts) => Math.max(4, ...hosts.map(([, c]) => String(c[k]).length));
    const widths = RECAP_KEYS.map(valueWidth);
    const rows = hosts.map(([host, counts]) => {
      const hostColor = counts.failed > 0 || counts.unreachable > 0 ? C.failed : counts.changed > 0 ? C.changed : C.ok;
      const cells = RECAP_KEYS.map((k, i) => {
        const cell = `${k}=${counts[k]}`;
        const pad = ' '.repeat(k.length + 1 + widths[i]! - cell.length);
        return (counts[k] > 0 ? this.paint(C[k], cell) : cell) + (i < RECAP_KEYS.length - 1 ? pad : '');
      });
      return `${this.paint(hostColor, host)}${' '.repeat(hostWidth - host.length)} : ${cells.join(' ')}`;
    });
    const ended = event.interrupted ? `interrupted by ${event.interrupted} after` : 'finished in';
    let text = this.banner('PLAY RECAP') + rows.map((r) => `${r}\n`).join('') + `\n${ended} ${formatDuration(event.durationMs)}${event.roundTrips === undefined ? '' : `, ${event.roundTrips} remote commands`}\n`;
    if (event.interrupted) text += 'the tasks still running then were cut and are not counted above; no task started after it\n';
    if (event.retryFile) text += `failed hosts written to ${event.retryFile} (re-run with --limit @${event.retryFile})\n`;
    return text;
  }

  // --- the live line ---------------------------------------------------------------------------------------------

  private print(text: string): void {
    if (!this.isLive) {
      this.out.write(text);
      return;
    }
    this.out.write((this.isLiveShown ? ERASE_LINE : '') + text + this.liveText());
    this.isLiveShown = this.liveText() !== '';
  }

  private drawLive(): void {
    const text = this.liveText();
    if (!text && !this.isLiveShown) return;
    this.out.write(ERASE_LINE + text);
    this.isLiveShown = text !== '';
  }

  private liveText(): string {
    if (!this.live || this.live.pending.size === 0) return '';
    const waiting = this.live.hosts.filter((h) => this.live!.pending.has(h));
    const done = this.live.hosts.length - waiting.length;
    const elapsed = formatDuration(this.now() - this.live.startedAt);
    const head = `  ${this.live.title} ${done}/${this.live.hosts.length} done, ${elapsed}; running on `;
    // One terminal line at most: a wrapped line could not be erased with one escape.
    const room = Math.max(10, this.columns - 1 - head.length);
    let list = '';
    for (let i = 0; i < waiting.length; i++) {
      const next = (list ? `${list}, ` : '') + waiting[i];
      const rest = waiting.length - i - 1;
      if (next.length + (rest > 0 ? ` +${rest} more`.length : 0) > room) {
        list = `${list || waiting[i]!.slice(0, room - 10)} +${waiting.length - i - (list ? 0 : 1)} more`;
        break;
      }
      list = next;
    }
    return this.paint(C.dim, (head + list).slice(0, this.columns - 1));
  }

  private startLive(task: TaskRef, hosts: string[]): void {
    if (!this.isLive) return;
    this.live = { title: taskTitle(task), hosts: [...hosts], pending: new Set(hosts), startedAt: this.now() };
    if (!this.timer) {
      this.timer = setInterval(() => this.drawLive(), 500);
      this.timer.unref();
    }
  }

  private stopLive(): void {
    this.live = undefined;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }
}
