// Edits of a text file computed on the controller: the probe returns the whole file, a pure function makes the
// new text, and the write replaces the file atomically. So plans are pure and --diff is exact.
// Used by lineinfile, blockinfile, sysctl and authorized_key.
import { joinScripts, raw, sh, type Script } from '../../shell/script.js';
import { PlanError, type ExecResult, type FileDiff } from '../define.js';
import { asText, fromBase64, parseKeyValues } from './probe-output.js';
import {
  applyFileChanges,
  contentProbe,
  describeAttr,
  describeWrite,
  parseContent,
  parseStat,
  planAttributes,
  planWrite,
  sha256,
  stateScript,
  statOf,
  type AttrChange,
  type FileStat,
  type WriteChange,
} from './remote-file.js';

export interface EditTarget {
  path: string;
  /** Create the file when it is missing (otherwise a missing file is a PlanError, unless the edit is a no-op). */
  create: boolean;
  mode?: string;
  owner?: string;
  group?: string;
  backup?: boolean;
  validate?: string;
}

export interface EditState {
  stat: FileStat;
  /** Where the edit goes: the path, or the file a symbolic link at the path points to. */
  realPath: string;
  /** The current text; undefined when the file does not exist. */
  text?: string;
}

export type EditChange = WriteChange | AttrChange;

/** The probe part for one file (prefix its keys when a probe reads several). Follows a symbolic link. */
export function editProbe(path: string, prefix = ''): Script {
  return joinScripts([sh`${raw(prefix)}p=${path}`, editOf(prefix)]);
}

/** editProbe for a path already in the shell variable `<prefix>p` (e.g. computed on the host). */
export function editOf(prefix = ''): Script {
  const v = `${prefix}p`;
  return joinScripts([
    raw(
      `if [ -L "$${v}" ]; then ${v}=$(readlink -f -- "$${v}"); ` +
        `printf '${prefix}real_b64='; printf '%s' "$${v}" | base64 -w0; echo; fi`,
    ),
    statOf(prefix),
    contentProbe(prefix),
  ]);
}

export function probeEdit(path: string): Script {
  return stateScript([editProbe(path)]);
}

export function parseEditFrom(kv: Map<string, string>, module: string, path: string, prefix = ''): EditState {
  const stat = parseStat(kv, module, prefix);
  const real = kv.get(`${prefix}real_b64`);
  const state: EditState = { stat, realPath: real === undefined ? path : fromBase64(real).toString('utf8') };
  if (stat.kind === 'file') {
    const bytes = parseContent(kv, prefix) ?? Buffer.alloc(0);
    const text = asText(bytes);
    if (text === undefined) throw new PlanError(module, `${path} is not a text file`);
    state.text = text;
  } else if (stat.kind !== 'none') {
    throw new PlanError(module, `${path} is a ${stat.kind === 'other' ? 'special file' : stat.kind}, not a regular file`);
  }
  return state;
}

export function parseEdit(r: ExecResult, module: string, path: string): EditState {
  return parseEditFrom(parseKeyValues(r.stdout), module, path);
}

/**
 * `edit` maps the current text ('' for a missing file) to the wanted text. A missing file stays missing when
 * the edit leaves the text empty-equal, and is an error when it would need creating and `create` is false.
 */
export function planEdit(module: string, t: EditTarget, s: EditState, edit: (text: string) => string): EditChange[] {
  const exists = s.stat.kind === 'file';
  const before = s.text ?? '';
  const after = edit(before);
  const attrs = { mode: t.mode, owner: t.owner, group: t.group };
  if (!exists) {
    if (after === before) return [];
    if (!t.create) throw new PlanError(module, `${t.path} does not exist`, { hint: 'set create: true to create it' });
    return [{ ...planWrite(s.realPath, Buffer.from(after, 'utf8'), s.stat, { ...attrs, validate: t.validate }), parents: true }];
  }
  const attrChanges = planAttributes(s.realPath, s.stat, attrs);
  if (after === before) return attrChanges;
  const write = planWrite(s.realPath, Buffer.from(after, 'utf8'), s.stat, { ...attrs, backup: t.backup, validate: t.validate }, sha256(before));
  return [write, ...attrChanges];
}

export function applyEdit(changes: readonly EditChange[]): Script {
  return stateScript(applyFileChanges(changes));
}

export function describeEdit(c: EditChange): string {
  return c.op === 'write' ? describeWrite(c) : describeAttr(c);
}

export function diffEdit(s: EditState, changes: readonly EditChange[]): FileDiff | undefined {
  const w = changes.find((c): c is WriteChange => c.op === 'write');
  if (!w) return undefined;
  return { path: w.path, before: s.text ?? '', after: Buffer.from(w.content, 'base64').toString('utf8') };
}

// ---- lines --------------------------------------------------------------------------------------------------

/** A text as lines (without their "\n") and whether the last line ended with one. */
export interface Lines {
  lines: string[];
  finalNewline: boolean;
}

export function toLines(text: string): Lines {
  if (text === '') return { lines: [], finalNewline: true };
  const lines = text.split('\n');
  const finalNewline = lines[lines.length - 1] === '';
  if (finalNewline) lines.pop();
  return { lines, finalNewline };
}

export function fromLines(l: Lines): string {
  if (l.lines.length === 0) return '';
  return l.lines.join('\n') + (l.finalNewline ? '\n' : '');
}

/**
 * A Python `re` pattern (what Ansible playbooks hold) as a JS RegExp: named groups `(?P<n>…)`, `(?P=n)`.
 * Throws SyntaxError when the pattern is invalid.
 */
export function pythonRegExp(pattern: string): RegExp {
  const js = pattern.replace(/\(\?P<([A-Za-z_][A-Za-z0-9_]*)>/g, '(?<$1>').replace(/\(\?P=([A-Za-z_][A-Za-z0-9_]*)\)/g, '\\k<$1>');
  return new RegExp(js);
}

/** A problem for the registry when a regexp argument does not compile. */
export function regexpProblem(module: string, key: string, pattern: string | undefined): { path: string; message: string }[] {
  if (pattern === undefined || ['EOF', 'BOF'].includes(pattern)) return [];
  try {
    pythonRegExp(pattern);
    return [];
  } catch (err) {
    return [{ path: `/${key}`, message: `${module}.${key} is not a valid regular expression: ${(err as Error).message}` }];
  }
}
