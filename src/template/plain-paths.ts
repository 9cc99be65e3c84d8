// The common template, rendered without handlebars: text whose every `{{ … }}` is a plain variable path
// (`{{ item.port }}`, `{{ bench_dir }}/limits.conf`). Handlebars wraps every helper afresh on each render, which
// for a fleet of hosts rendering every task's args twice (read ahead, then run) was the controller's largest cost.
//
// Only the sure cases are answered here: each step an own data property (what the compiled template would find),
// no helper name, no literal word. Anything else, and any path that does not resolve, returns undefined and is
// rendered by handlebars, which reports errors exactly as before.
import { KNOWN_HELPERS } from './environment.js';
import { lookupStep } from './lookup-step.js';
import { toText } from './values.js';

const PATH = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*)\s*\}\}/g;
const LITERALS = new Set(['true', 'false', 'null', 'undefined', 'this', 'else']);

/** Literal text and paths, alternating: [text, path, text, …, text]. Null when the template is not plain. */
type Parts = (string | string[])[];
const parsed = new Map<string, Parts | null>();
const MAX_ENTRIES = 4096;

function parse(text: string): Parts | null {
  const parts: Parts = [];
  let last = 0;
  for (const m of text.matchAll(PATH)) {
    const path = m[1]!.split('.');
    if (LITERALS.has(path[0]!) || Object.hasOwn(KNOWN_HELPERS, path[0]!)) return null;
    parts.push(text.slice(last, m.index), path);
    last = m.index + m[0].length;
  }
  parts.push(text.slice(last));
  // Whatever is left must be plain text: no other mustache, no escape, no Jinja statement or comment.
  // Joined with NUL so that a brace touching a path (the triple-stash `{{{ x }}}`) shows as `{\0` or `\0}`.
  const literal = parts.filter((p) => typeof p === 'string').join('\0');
  return parts.length > 1 && !/\{\{|\}\}|\{%|\{#|\\|\{\0|\0\}/.test(literal) ? parts : null;
}

function partsOf(text: string): Parts | null {
  let p = parsed.get(text);
  if (p === undefined) {
    if (parsed.size >= MAX_ENTRIES) parsed.clear();
    parsed.set(text, (p = parse(text)));
  }
  return p;
}

function resolve(vars: Readonly<Record<string, unknown>>, path: readonly string[]): unknown {
  let cur: unknown = vars;
  for (const step of path) {
    cur = lookupStep(cur, step);
    if (cur === undefined) return undefined;
  }
  return cur;
}

/**
 * `{ value }` when `text` is plain and every path resolves: a lone `{{ path }}` keeps its value's type (as
 * renderValue does), anything else is text. Undefined: render it with handlebars.
 */
export function renderPlain(text: string, vars: Readonly<Record<string, unknown>>, keepType: boolean): { value: unknown } | undefined {
  const parts = partsOf(text);
  if (parts === null) return undefined;
  if (keepType && parts.length === 3 && parts[0] === '' && parts[2] === '') {
    const value = resolve(vars, parts[1] as string[]);
    return value === undefined ? undefined : { value };
  }
  let out = '';
  for (const part of parts) {
    if (typeof part === 'string') {
      out += part;
      continue;
    }
    const value = resolve(vars, part);
    if (value === undefined) return undefined;
    try {
      out += toText(value);
    } catch {
      return undefined; // not printable: handlebars says why
    }
  }
  return { value: out };
}
