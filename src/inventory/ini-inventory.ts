// Ansible's INI inventory, parsed the way Ansible's own ini plugin reads it (it is not INI: the `ini`
// package mangles host lines). Values are typed like Ansible types them: see parseIniValue.
import { ConfigError, type SourcePosition } from '../errors.js';
import { HostSpecError, parseHostSpec } from './host-range.js';
import type { InventoryBuilder } from './inventory-builder.js';
import { parseIniValue } from './python-literal.js';
import { ShellWordsError, splitShellWords, type ShellWord } from './shell-words.js';

type SectionKind = 'hosts' | 'vars' | 'children';

const SECTION = /^\[([^:\]\s]+)(?::(\w+))?\]\s*(?:#.*)?$/;
const CHILD_LINE = /^([^:\]\s]+)\s*(?:#.*)?$/;
// Lines starting with `[` that are host entries rather than broken section headers.
const HOST_LIKE = [/^\[[0-9A-Fa-f.%]*:[0-9A-Fa-f:.%]*:[0-9A-Fa-f:.%]*\]/, /^\[[^\]\s]*:[^\]\s]*\][^\s\]]/];

interface Pending {
  at: SourcePosition;
  parent?: string;
}

/** True when the text holds nothing but blank lines and comments. */
export function isBlankIni(text: string): boolean {
  return text.split(/\r?\n|\r/).every((l) => /^\s*(?:[#;].*)?$/.test(l));
}

/** Read one INI inventory file into the builder. */
export function parseIniInventory(text: string, file: string, builder: InventoryBuilder): void {
  const pendingChildren = new Map<string, Pending[]>();
  const pendingVars = new Map<string, Pending>();
  let group = 'ungrouped';
  let kind: SectionKind = 'hosts';

  const lines = text.split(/\r?\n|\r/);
  lines.forEach((line, index) => {
    const lineNo = index + 1;
    const indent = line.length - line.trimStart().length;
    const trimmed = line.trim();
    const at = (offset = indent): SourcePosition => ({ file, line: lineNo, column: offset + 1 });
    if (trimmed === '' || trimmed.startsWith('#') || trimmed.startsWith(';')) return;

    if (trimmed.startsWith('[') && !HOST_LIKE.some((re) => re.test(trimmed))) {
      const m = SECTION.exec(trimmed);
      if (!m) {
        throw new ConfigError(at(), `invalid section header ${JSON.stringify(trimmed)}: expected [group], [group:vars] or [group:children]`, {
          hint: 'group names cannot contain spaces, ":" or "]"',
        });
      }
      const name = m[1]!;
      const tag = m[2] ?? 'hosts';
      if (tag !== 'hosts' && tag !== 'vars' && tag !== 'children') {
        throw new ConfigError(at(indent + name.length + 2), `unknown section type ":${tag}" in [${name}:${tag}]`, {
          hint: 'use [group], [group:vars] or [group:children]',
        });
      }
      const known = builder.hasGroup(name);
      builder.addGroup(name, at(indent + 1));
      group = name;
      kind = tag;
      if (kind === 'vars') {
        if (!known && !pendingChildren.has(name) && !pendingVars.has(name)) pendingVars.set(name, { at: at(indent + 1) });
      } else {
        pendingVars.delete(name);
        resolvePendingChildren(name, pendingChildren, builder);
      }
      return;
    }

    if (kind === 'hosts') readHostLine(line, { file, lineNo, group, builder });
    else if (kind === 'vars') readVarLine(trimmed, indent, { file, lineNo, group, builder });
    else readChildLine(trimmed, at(), { group, builder, pendingChildren });
  });

  // As in Ansible: [x:vars] and [x:children] entries must name groups declared somewhere.
  const unresolved = [
    ...[...pendingVars].map(([name, p]) => ({
      at: p.at,
      message: `[${name}:vars] is for group "${name}", which is never declared`,
      hint: `declare it with [${name}] or [${name}:children], or fix the name`,
    })),
    ...[...pendingChildren].flatMap(([name, list]) =>
      list.map((p) => ({
        at: p.at,
        message: `unknown child group "${name}" in [${p.parent}:children]`,
        hint: `declare it with [${name}] (it may be empty) or fix the name`,
      })),
    ),
  ].sort((a, b) => (a.at.line ?? 0) - (b.at.line ?? 0));
  const first = unresolved[0];
  if (first) throw new ConfigError(first.at, first.message, { hint: first.hint });
}

function resolvePendingChildren(name: string, pending: Map<string, Pending[]>, builder: InventoryBuilder): void {
  const waiting = pending.get(name);
  if (!waiting) return;
  pending.delete(name);
  for (const p of waiting) builder.addChild(p.parent!, name, p.at);
}

interface LineContext {
  file: string;
  lineNo: number;
  group: string;
  builder: InventoryBuilder;
}

function readHostLine(line: string, ctx: LineContext): void {
  const at = (index: number): SourcePosition => ({ file: ctx.file, line: ctx.lineNo, column: index + 1 });
  let words: ShellWord[];
  try {
    words = splitShellWords(line);
  } catch (err) {
    if (err instanceof ShellWordsError) throw new ConfigError(at(err.index), `bad host line: ${err.message}`);
    throw err;
  }
  const [entry, ...assignments] = words;
  if (!entry) return; // only a comment after all
  if (entry.text === '---') {
    throw new ConfigError(at(entry.start), 'this looks like a YAML file, not an INI inventory', {
      hint: 'name YAML inventories *.yml or *.yaml',
    });
  }
  let spec;
  try {
    spec = parseHostSpec(entry.text);
  } catch (err) {
    if (err instanceof HostSpecError) throw new ConfigError(at(entry.start + err.index), err.message);
    throw err;
  }
  const vars = assignments.map((word) => {
    const eq = word.text.indexOf('=');
    if (eq < 0) {
      throw new ConfigError(at(word.start), `expected key=value after the host name, got ${JSON.stringify(word.text)}`, {
        hint: 'quote values with spaces: key="a b"',
      });
    }
    if (eq === 0) throw new ConfigError(at(word.start), `missing variable name before "=" in ${JSON.stringify(word.text)}`);
    return { key: word.text.slice(0, eq), value: parseIniValue(word.text.slice(eq + 1)), at: at(word.start) };
  });
  for (const name of spec.names) {
    ctx.builder.addHost(name, ctx.group, at(entry.start));
    if (spec.port !== undefined) {
      ctx.builder.setHostVar(name, 'ansible_port', spec.port, { layer: 'inventory', at: at(entry.start + (spec.portIndex ?? 0)) });
    }
    for (const v of vars) ctx.builder.setHostVar(name, v.key, v.value, { layer: 'inventory', at: v.at });
  }
}

// In [group:vars] everything after the first "=" is the value (no shell splitting; comments are not stripped
// unless the value is a Python literal, which may end in a `#` comment).
function readVarLine(trimmed: string, indent: number, ctx: LineContext): void {
  const at = (offset: number): SourcePosition => ({ file: ctx.file, line: ctx.lineNo, column: indent + offset + 1 });
  const eq = trimmed.indexOf('=');
  if (eq < 0) {
    throw new ConfigError(at(0), `expected key=value in [${ctx.group}:vars], got ${JSON.stringify(trimmed)}`, {
      hint: 'hosts go in [group], child groups in [group:children]',
    });
  }
  const key = trimmed.slice(0, eq).trim();
  if (key === '') throw new ConfigError(at(0), `missing variable name before "=" in [${ctx.group}:vars]`);
  if (/\s/.test(key)) throw new ConfigError(at(0), `variable name ${JSON.stringify(key)} contains spaces`);
  const rawValue = trimmed.slice(eq + 1);
  const valueOffset = eq + 1 + (rawValue.length - rawValue.trimStart().length);
  ctx.builder.setGroupVar(ctx.group, key, parseIniValue(rawValue.trim()), { layer: 'inventory', at: at(0), valueAt: at(valueOffset) });
}

function readChildLine(
  trimmed: string,
  at: SourcePosition,
  ctx: { group: string; builder: InventoryBuilder; pendingChildren: Map<string, Pending[]> },
): void {
  const m = CHILD_LINE.exec(trimmed);
  if (!m) {
    throw new ConfigError(at, `expected a group name in [${ctx.group}:children], got ${JSON.stringify(trimmed)}`, {
      hint: 'list one child group per line; hosts go in [group]',
    });
  }
  const child = m[1]!;
  if (ctx.builder.hasGroup(child)) {
    ctx.builder.addChild(ctx.group, child, at);
    return;
  }
  const list = ctx.pendingChildren.get(child) ?? [];
  list.push({ at, parent: ctx.group });
  ctx.pendingChildren.set(child, list);
}
