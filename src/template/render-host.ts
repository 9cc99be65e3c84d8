// The controller-side services a render gets from its site: search paths for lookups and includes, the
// environment, and rendering another template file with the same variables. A class, not closures: one is made per
// render, in the hot path.
import { readFileSync, statSync } from 'node:fs';
import { dirname, isAbsolute, join } from 'node:path';
import type { TemplateAst } from '../jinja/ast.js';
import { compileTemplate, type RenderHost } from '../jinja/index.js';
import type { TemplateSite } from './template-site.js';

/** The directories searched for a relative path of `kind`, in order (the site's own, then its directory). */
export function searchPath(site: TemplateSite, kind: 'files' | 'templates' | 'vars'): string[] {
  const own = site.searchDirs?.[kind] ?? [];
  const base = site.baseDir ?? dirname(site.file);
  return [...own, base];
}

/** The first existing file for `name` along the search path; undefined when none exists. */
export function findFile(name: string, dirs: readonly string[]): string | undefined {
  const candidates = isAbsolute(name) ? [name] : dirs.map((d) => join(d, name));
  return candidates.find((c) => {
    try {
      return statSync(c).isFile();
    } catch {
      return false;
    }
  });
}

/** Renders a template file's text (the facade's renderText), for lookup('template'). */
export type FileRenderer = (text: string, vars: Readonly<Record<string, unknown>>, site: TemplateSite) => string;

/** One render's variables and site, as the Jinja engine's host: files, templates, environment. */
export class SiteRender implements RenderHost {
  constructor(
    readonly vars: Readonly<Record<string, unknown>>,
    readonly site: TemplateSite,
    private readonly renderText: FileRenderer,
  ) {}

  get host(): RenderHost {
    return this;
  }

  get env(): Readonly<Record<string, string | undefined>> {
    return this.site.env ?? process.env;
  }

  get commandDir(): string {
    return this.site.commandDir ?? this.site.baseDir ?? dirname(this.site.file);
  }

  searchPath(kind: 'files' | 'templates' | 'vars'): readonly string[] {
    return searchPath(this.site, kind);
  }

  renderFile(path: string, extra?: Readonly<Record<string, unknown>>): string {
    const dirs = searchPath(this.site, 'templates');
    const file = findFile(path, dirs);
    if (file === undefined) throw new Error(`the template ${path} was not found in ${dirs.join(', ')}`);
    const vars = extra ? { ...this.vars, ...extra } : this.vars;
    return this.renderText(readFileSync(file, 'utf8'), vars, { ...this.site, file, line: undefined, column: undefined });
  }

  loadTemplate(name: string): { file: string; ast: TemplateAst } | undefined {
    const file = findFile(name, searchPath(this.site, 'templates'));
    return file === undefined ? undefined : { file, ast: compileTemplate(readFileSync(file, 'utf8')).ast };
  }
}
