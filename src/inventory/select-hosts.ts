// Ansible host patterns: `all`/`*`, names, globs, `~regex`, `a:b`/`a,b` (union), `a:&b` (intersection),
// `a:!b` (exclusion) and subscripts `group[0]`, `group[1:3]`. As in Ansible, unions are applied first,
// then intersections, then exclusions, whatever order they are written in; a pattern with only `&`/`!`
// terms starts from `all`. Results come back in inventory order without duplicates.
import { readFileSync, statSync } from 'node:fs';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import type { Host, Inventory } from './types.js';
import { globSource } from '../text/fnmatch.js';

export interface SelectHostsOptions {
  /** `--limit`: a second pattern the selection is intersected with; `@file` reads one host (or pattern) per line. */
  limit?: string | readonly string[];
  /** Base directory for relative `@file` paths (default: the current directory). */
  cwd?: string;
}

/** The hosts `pattern` selects (empty when nothing matches: callers warn, as Ansible does). */
export function selectHosts(inventory: Inventory, pattern: string | readonly string[], options: SelectHostsOptions = {}): Host[] {
  const terms = splitHostPattern(pattern);
  // Ansible reads an empty pattern as `all`; selecting every host by accident is worse than selecting none.
  if (terms.length === 0) return [];
  let selected = evaluatePatterns(inventory, terms);
  if (options.limit !== undefined && options.limit.length > 0) {
    const limit = evaluatePatterns(inventory, limitTerms(options.limit, options.cwd ?? process.cwd()));
    selected = new Set([...selected].filter((h) => limit.has(h)));
  }
  return [...inventory.hosts.values()].filter((h) => selected.has(h.name));
}

/** Split a pattern into terms the way Ansible does: on commas if there are any, else on colons outside `[...]`. */
export function splitHostPattern(pattern: string | readonly string[]): string[] {
  if (typeof pattern !== 'string') return pattern.flatMap((p) => splitHostPattern(p));
  let parts: string[];
  if (pattern.includes(',')) parts = pattern.split(',');
  else if (isSingleAddress(pattern.trim())) parts = [pattern];
  else parts = pattern.match(/(?:[^\s:[\]]|\[[^\]]*\])+/g) ?? [];
  return parts.map((p) => p.trim()).filter((p) => p.length > 0);
}

// `host:22` and IPv6 addresses contain colons that do not separate terms.
function isSingleAddress(p: string): boolean {
  const ipv6 = /^[0-9A-Fa-f:.]+$/.test(p) && (p.includes('::') || p.split(':').length === 8);
  return ipv6 || /^[^:\s[\]]+:[0-9]+$/.test(p) || /^\[[0-9A-Fa-f:.]+\](?::[0-9]+)?$/.test(p);
}

function evaluatePatterns(inventory: Inventory, terms: string[]): Set<string> {
  const plain = terms.filter((t) => !t.startsWith('&') && !t.startsWith('!'));
  const ordered = [
    ...(plain.length > 0 ? plain : ['all']),
    ...terms.filter((t) => t.startsWith('&')),
    ...terms.filter((t) => t.startsWith('!')),
  ];
  let result = new Set<string>();
  for (const term of ordered) {
    if (inventory.hosts.has(term)) {
      result.add(term);
      continue;
    }
    const op = term[0];
    const matched = new Set(matchTerm(inventory, op === '&' || op === '!' ? term.slice(1) : term));
    if (op === '&') result = new Set([...result].filter((h) => matched.has(h)));
    else if (op === '!') result = new Set([...result].filter((h) => !matched.has(h)));
    else for (const h of matched) result.add(h);
  }
  return result;
}

/** Host names one term matches, in inventory order (subscripts index into that order). */
function matchTerm(inventory: Inventory, term: string): string[] {
  const { expr, subscript } = splitSubscript(term);
  const matches = compileMatcher(expr, term);
  const groups = new Set([...inventory.groups.keys()].filter(matches));
  // Host names are tried when no group matched, or when the term is a glob or regex (Ansible's rule).
  const tryHosts = groups.size === 0 || expr.startsWith('~') || /[.?*[]/.test(expr);
  const hosts = [...inventory.hosts.values()]
    .filter((h) => h.groups.some((g) => groups.has(g)) || (tryHosts && matches(h.name)))
    .map((h) => h.name);
  return subscript ? applySubscript(hosts, subscript) : hosts;
}

interface Subscript {
  start: number;
  end?: number;
  isRange: boolean;
}

function splitSubscript(term: string): { expr: string; subscript?: Subscript } {
  if (term.startsWith('~')) return { expr: term };
  const m = /^(.+)\[(?:(-?[0-9]+)|([0-9]+):([0-9]*))\]$/.exec(term);
  if (!m) return { expr: term };
  if (m[2] !== undefined) return { expr: m[1]!, subscript: { start: Number(m[2]), isRange: false } };
  return { expr: m[1]!, subscript: { start: Number(m[3]), end: m[4] ? Number(m[4]) : undefined, isRange: true } };
}

// `[i]` is one host (negative counts from the end), `[a:b]` is inclusive, `[a:]` runs to the end.
function applySubscript(hosts: string[], s: Subscript): string[] {
  if (!s.isRange) {
    const host = hosts.at(s.start);
    return host === undefined ? [] : [host];
  }
  return hosts.slice(s.start, s.end === undefined ? undefined : s.end + 1);
}

function compileMatcher(expr: string, term: string): (name: string) => boolean {
  let re: RegExp;
  try {
    // `~` terms are Python regexes matched at the start of the name (re.match); globs must match whole names.
    re = expr.startsWith('~') ? new RegExp(`^(?:${expr.slice(1)})`, 's') : new RegExp(`^${globSource(expr)}$`, 's');
  } catch (err) {
    throw new UsageError(`invalid host pattern ${JSON.stringify(term)}: ${(err as Error).message}`);
  }
  return (name) => re.test(name);
}

function limitTerms(limit: string | readonly string[], cwd: string): string[] {
  return splitHostPattern(limit).flatMap((term) => (term.startsWith('@') ? readLimitFile(resolve(cwd, term.slice(1))) : [term]));
}

// A retry file or hand-written list: one host (or pattern) per line; blank lines and # comments skipped.
function readLimitFile(path: string): string[] {
  let text: string;
  try {
    if (statSync(path).isDirectory()) throw new UsageError(`--limit @${path}: is a directory, expected a file of host names`);
    text = readFileSync(path, 'utf8');
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`--limit @${path}: file not found`, { hint: 'the file lists one host name per line' });
  }
  return text
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}
