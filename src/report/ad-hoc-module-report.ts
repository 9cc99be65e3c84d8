// What `tsinfra PATTERN -m MODULE -a ARGS` prints per host, as Ansible's ad-hoc callbacks do: `minimal` (the default)
// and `oneline` (-o). The JSON is the registered result as the callback sees it: Ansible hands callbacks a clean copy
// without `failed`/`skipped` (TaskResult.clean_copy) and drops `invocation`, `diff`, `exception` and `_ansible_*` keys
// (CallbackBase._dump_results); keys sorted, pretty-printed with 4 spaces.
import type { TaskStatus } from '../engine/events.js';
import type { FileDiff } from '../modules/define.js';
import { holdsSecretValue } from '../vault/mask-vault-values.js';
import { hideSecretLines, unifiedDiff } from './unified-diff.js';

/** Modules whose result is shown as text, `rc=N >>` and their output (Ansible's MODULE_NO_JSON). */
const NO_JSON_MODULES = new Set(['command', 'shell', 'raw', 'ansible.builtin.command', 'ansible.builtin.shell', 'ansible.builtin.raw']);

/** Keys the callback never shows; `changes` is tsinfra's own list of planned changes (shown as text by `play`). */
const HIDDEN_KEYS = new Set(['failed', 'skipped', 'invocation', 'diff', 'exception', 'changes']);

export interface AdHocModuleResult {
  host: string;
  status: TaskStatus;
  module: string;
  /** The registered result (what `register` sees in a play). */
  registered: Record<string, unknown>;
}

/** What debug's result keeps when it has a `msg` (CallbackBase._clean_results: "msg should be alone"). */
const DEBUG_KEYS = new Set(['msg', 'exception', 'warnings', 'deprecations']);

/** The result as the callback shows it. */
export function shownResult(registered: Record<string, unknown>, module = ''): Record<string, unknown> {
  const isDebugMsg = (module === 'debug' || module === 'ansible.builtin.debug') && 'msg' in registered;
  return Object.fromEntries(
    Object.entries(registered).filter(([k, v]) => v !== undefined && !HIDDEN_KEYS.has(k) && !k.startsWith('_ansible_') && (!isDebugMsg || DEBUG_KEYS.has(k))),
  );
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const entries = Object.entries(value).filter(([, v]) => v !== undefined);
    return Object.fromEntries(entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([k, v]) => [k, sortKeys(v)]));
  }
  return value;
}

/** Python's json.dumps(sort_keys=True, indent=4, ensure_ascii=False); `oneLine`: indent=0 with the newlines removed. */
export function pythonJson(value: unknown, oneLine = false): string {
  const sorted = sortKeys(value);
  // JSON strings never hold a raw newline, so every newline here is layout.
  return oneLine ? JSON.stringify(sorted, null, 1).replace(/\n */g, '') : JSON.stringify(sorted, null, 4);
}

const text = (v: unknown): string => (v === undefined || v === null ? '' : String(v));

/** `host | CHANGED => {…}` and its kin, as the minimal callback (`oneLine`: the oneline callback) prints them. */
export function formatAdHocModuleResult(r: AdHocModuleResult, oneLine: boolean): string {
  const shown = shownResult(r.registered, r.module);
  if (r.status === 'skipped') return `${r.host} | SKIPPED\n`;
  if (r.status === 'unreachable') {
    return oneLine ? `${r.host} | UNREACHABLE!: ${text(shown.msg)}\n` : `${r.host} | UNREACHABLE! => ${pythonJson(shown)}\n`;
  }
  const failed = r.status === 'failed';
  // A command that never ran (no rc, e.g. a bad argument) is shown as JSON, as Ansible does with module_stderr.
  if (NO_JSON_MODULES.has(r.module) && !('module_stderr' in shown)) {
    const caption = failed ? 'FAILED' : r.status === 'changed' ? 'CHANGED' : 'SUCCESS';
    const rc = shown.rc ?? -1;
    if (oneLine) {
      const flat = (s: unknown) => text(s).replace(/\n/g, '\\n').replace(/\r/g, '\\r');
      const stderr = shown.stderr ? ` (stderr) ${flat(shown.stderr)}` : '';
      return `${r.host} | ${caption} | rc=${rc} | (stdout) ${flat(shown.stdout)}${stderr}\n`;
    }
    return `${r.host} | ${caption} | rc=${rc} >>\n${text(shown.stdout)}${text(shown.stderr)}${text(shown.msg)}\n`;
  }
  const caption = failed ? 'FAILED!' : r.status === 'changed' ? 'CHANGED' : 'SUCCESS';
  return `${r.host} | ${caption} => ${pythonJson(shown, oneLine)}\n`;
}

/** --diff: the file's unified diff (secret lines hidden), printed before the host's line as Ansible does. */
export function formatAdHocDiff(diff: FileDiff | undefined): string {
  if (!diff) return '';
  const lines = unifiedDiff(diff.before, diff.after, { fromLabel: `before: ${diff.path}`, toLabel: `after: ${diff.path}` });
  const shown = hideSecretLines(lines, holdsSecretValue);
  return shown.length === 0 ? '' : `${shown.map((d) => d.text).join('\n')}\n\n`;
}
