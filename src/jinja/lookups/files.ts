// File lookups: file (contents), template (rendered), first_found (a path), fileglob (paths).
import { readFileSync, statSync } from 'node:fs';
import { ansibleError, convertBool } from '../filters/ansible-common.js';
import { pyBasename, pyDirname, pyGlob, pyJoin } from '../filters/ansible-paths.js';
import { pyLstrip, pyRstrip } from '../python/text.js';
import type { CallContext, LookupDef } from '../registry.js';
import { Undefined } from '../undefined.js';
import { isMapping, isString, pyStr, pyTruthy, toStr } from '../values.js';
import { findInSearchPath } from './search.js';
import { ansibleTemplateVars } from '../template-vars.js';

function readText(path: string, term: string): string {
  try {
    return new TextDecoder('utf-8', { fatal: true }).decode(readFileSync(path));
  } catch {
    throw ansibleError(`could not locate file in lookup: ${term}`);
  }
}

/** An option of type list: a str is split on commas (and stripped), as Ansible's config types do. */
function listOption(v: unknown): unknown[] {
  if (v === null || v === undefined) return [];
  if (isString(v)) return toStr(v).split(',').map((s) => s.trim());
  return Array.isArray(v) ? v : [v];
}

/** first_found's _split_on: every str split on any of `chars`, lists walked. */
function splitOn(terms: unknown, chars: string): string[] {
  if (terms instanceof Undefined) return []; // Ansible skips a name that fails to template
  if (isString(terms)) {
    const out = [''];
    for (const c of toStr(terms)) {
      if (chars.includes(c)) out.push('');
      else out[out.length - 1] += c;
    }
    return out;
  }
  return (Array.isArray(terms) ? terms : [terms]).flatMap((t) => splitOn(t, chars));
}

function firstFoundSearch(terms: unknown[], kwargs: Record<string, unknown>): { search: string[]; skip: boolean } {
  let search: string[] = [];
  let skip = false;
  for (const term of terms) {
    let options: Record<string, unknown>;
    if (isMapping(term)) options = term;
    else if (isString(term)) options = kwargs;
    else if (Array.isArray(term)) {
      const inner = firstFoundSearch(term, kwargs);
      search.push(...inner.search);
      skip = inner.skip;
      continue;
    } else throw ansibleError(`Invalid term supplied, can handle string, mapping or list of strings but got: <class '${term === null ? 'NoneType' : typeof term}'> for ${pyStr(term)}`);
    const files = splitOn(listOption(options.files), ',;');
    const paths = splitOn(listOption(options.paths), ',:;');
    skip = options.skip === undefined ? false : convertBool(options.skip, false);
    if (paths.length > 0) {
      for (const p of paths) for (const f of files) search.push(pyJoin(p, f));
    } else if (files.length > 0) {
      search = files; // as Ansible: a term's files replace what earlier terms gathered
    } else {
      search.push(toStr(term));
    }
  }
  return { search, skip };
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

function fileglob(ctx: CallContext, term: string): string[] {
  const file = pyBasename(term);
  let dirs: (string | undefined)[];
  if (file !== term) dirs = [findInSearchPath(ctx, 'files', pyDirname(term))];
  else dirs = [...ctx.host.searchPath('files')];
  for (const dir of dirs) {
    if (!dir) continue;
    const found = pyGlob(pyJoin(dir, file)).filter(isFile);
    if (found.length > 0) return found;
  }
  return [];
}

export const fileLookups: LookupDef[] = [
  {
    name: 'file',
    fn: (ctx, terms, kwargs) => {
      const lstrip = pyTruthy(kwargs.lstrip ?? false);
      const rstrip = pyTruthy(kwargs.rstrip ?? true);
      return terms.map((term) => {
        const name = toStr(term);
        const path = findInSearchPath(ctx, 'files', name);
        if (path === undefined) throw ansibleError(`could not locate file in lookup: ${name}`);
        let text = readText(path, name);
        if (lstrip) text = pyLstrip(text);
        if (rstrip) text = pyRstrip(text);
        return text;
      });
    },
  },
  {
    name: 'template',
    fn: (ctx, terms, kwargs) => {
      for (const k of ['variable_start_string', 'variable_end_string', 'comment_start_string', 'comment_end_string']) {
        if (kwargs[k] !== undefined && kwargs[k] !== null) throw ansibleError(`template lookup: ${k} is not supported by tsinfra`);
      }
      const extra = kwargs.template_vars ?? {};
      if (!isMapping(extra)) throw ansibleError('template_vars must be a dict');
      return terms.map((term) => {
        const name = toStr(term);
        const path = findInSearchPath(ctx, 'templates', name);
        if (path === undefined) throw ansibleError(`the template file ${name} could not be found for the lookup`);
        // As Ansible's lookup: the task's vars, then its template vars (ansible_managed, …), then template_vars.
        return ctx.host.renderFile(path, { ...ansibleTemplateVars(name, path), ...extra });
      });
    },
  },
  {
    name: 'first_found',
    fn: (ctx, terms, kwargs) => {
      const { search, skip } = firstFoundSearch(terms, kwargs);
      for (const fn of search) {
        const path = findInSearchPath(ctx, 'files', fn);
        if (path !== undefined) return [path];
      }
      if (skip) return [];
      throw ansibleError('No file was found when using first_found.');
    },
  },
  { name: 'fileglob', fn: (ctx, terms) => terms.flatMap((t) => fileglob(ctx, toStr(t))) },
];
