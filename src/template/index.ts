// The one templating facade the rest of tsinfra calls. Jinja2 (src/jinja) for YAML strings, `.j2` files and
// conditions, with Ansible's rules for what a task argument's value is; handlebars only for `.hbs` files.
import { extname } from 'node:path';
import { TemplateError } from '../errors.js';
import { compileExpression, compileTemplate, evaluateExpression } from '../jinja/index.js';
import { defined, pyStr } from '../jinja/values.js';
import { Secret } from '../shell/secret.js';
import { checkCondition, evaluateConditionWith, type ConditionInput, type ConditionSite } from './condition.js';
import { checkHandlebars, renderHandlebars } from './handlebars/render-handlebars.js';
import { SiteRender } from './render-host.js';
import { isTemplated, renderArgument, renderFileText, type ArgRender } from './task-argument.js';
import { jinjaFailure, toTemplateError } from './template-failure.js';
import { formatSite, type TemplateSite } from './template-site.js';

export { checkCondition, isTemplated };
export { OMIT } from '../jinja/globals.js';
export { ansibleTemplateVars, ANSIBLE_MANAGED } from '../jinja/template-vars.js';
export type { ConditionInput, ConditionSite, TemplateSite };
export type TemplateVars = Readonly<Record<string, unknown>>;

function argRender(vars: TemplateVars, site: TemplateSite): ArgRender {
  return new SiteRender(vars, site, renderText);
}

function renderLeaf(text: string, vars: TemplateVars, site: TemplateSite): unknown {
  if (!isTemplated(text)) return text;
  try {
    return renderArgument(text, argRender(vars, site));
  } catch (err) {
    throw toTemplateError(err, text, site);
  }
}

/**
 * Render every string inside `value` (nested lists and maps; keys are not rendered) as Ansible renders task
 * arguments: `"{{ ports }}"` stays a list, `"{{ n }}"` of a number stays a number, `"{{ n + 1 }}"` is text.
 * Parts with nothing to render are returned as they are (the same object).
 */
export function renderValue(value: unknown, vars: TemplateVars, site: TemplateSite): unknown {
  if (typeof value === 'string') return renderLeaf(value, vars, site);
  if (Array.isArray(value)) {
    let changed = false;
    const out = value.map((v) => {
      const r = renderValue(v, vars, site);
      changed ||= r !== v;
      return r;
    });
    return changed ? out : value;
  }
  if (value !== null && typeof value === 'object' && !(value instanceof Secret) && Object.getPrototypeOf(value) === Object.prototype) {
    let changed = false;
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      const r = renderValue(v, vars, site);
      changed ||= r !== v;
      out[k] = r;
    }
    return changed ? out : value;
  }
  return value;
}

/** A task argument rendered to text (names, paths, hosts patterns). */
export function renderString(text: string, vars: TemplateVars, site: TemplateSite): string {
  const v = renderLeaf(text, vars, site);
  return typeof v === 'string' ? v : pyStr(v);
}

/** A template file's text as the `template` module writes it: `.hbs` is handlebars, anything else Jinja2. */
export function renderText(text: string, vars: TemplateVars, site: TemplateSite): string {
  if (extname(site.file) === '.hbs') return renderHandlebars(text, vars, site);
  try {
    return renderFileText(text, argRender(vars, site));
  } catch (err) {
    throw toTemplateError(err, text, site);
  }
}

/** True when every item of the condition holds (Ansible 2.14's evaluation: Python truthiness). */
export function evaluateCondition(condition: ConditionInput, vars: TemplateVars, site?: ConditionSite): boolean {
  return evaluateConditionWith(condition, argRender(vars, site ?? { file: '<condition>' }), site);
}

/** The value of a bare expression (`assert`'s `that`, `tsinfra template eval --raw`). */
export function evaluateExpressionText(text: string, vars: TemplateVars, site: TemplateSite): unknown {
  try {
    const r = new SiteRender(vars, site, renderText);
    const value = evaluateExpression(compileExpression(text), vars, { noneAsEmpty: true, host: r });
    return defined(value); // an undefined result is the undefined error, as Ansible's fail_on_undefined
  } catch (err) {
    throw toTemplateError(err, text, site);
  }
}

const TRUE_WORDS = new Set(['y', 'yes', 'on', '1', 'true', 't']);

/** A templatable true/false keyword (any_errors_fatal, gather_facts…) read as Ansible's boolean() reads it. */
export function readFlag(value: unknown, vars: TemplateVars, site: TemplateSite): boolean {
  const v = renderValue(value, vars, site);
  if (typeof v === 'boolean') return v;
  if (typeof v === 'number') return v === 1;
  if (typeof v === 'string') return TRUE_WORDS.has(v.trim().toLowerCase());
  return false;
}

/**
 * Parse a template now (load time): a YAML string, a `.j2` or `.hbs` file's text. Syntax errors and unknown filters,
 * tests and statements throw the TemplateError a render would, with the position.
 */
export function checkTemplate(text: string, site: TemplateSite): void {
  if (site.line === undefined && extname(site.file) === '.hbs') return checkHandlebars(text, site);
  if (!isTemplated(text)) return;
  try {
    compileTemplate(text); // compiling checks every filter and test name too
  } catch (err) {
    throw toTemplateError(err, text, site);
  }
}

/** What is wrong with a YAML string's template, without the site (load-time checks add their own position). */
export function templateProblem(text: string): { message: string; hint?: string } | undefined {
  try {
    checkTemplate(text, { file: '', line: 1, column: 1 });
    return undefined;
  } catch (err) {
    if (!(err instanceof TemplateError)) throw err;
    return { message: err.message.replace(/^:1:1: /, ''), hint: err.hint };
  }
}

/**
 * Ansible's `with_<name>` loops: the lookup `name` run with `terms` (already rendered), as query() would run it.
 * Its results are the loop's items. A lookup that fails is a TemplateError at the site.
 */
export function runLookup(name: string, terms: readonly unknown[], vars: TemplateVars, site: TemplateSite): unknown[] {
  const termVars = Object.fromEntries(terms.map((t, i) => [`__tsinfra_term${i}`, t]));
  const text = `query(__tsinfra_lookup${Object.keys(termVars).map((k) => `, ${k}`).join('')})`;
  try {
    const r = argRender(vars, site);
    const items = evaluateExpression(compileExpression(text), { ...vars, ...termVars, __tsinfra_lookup: name }, { noneAsEmpty: true, host: r.host });
    return Array.isArray(items) ? items : [items];
  } catch (err) {
    const f = jinjaFailure(err);
    if (f === undefined) throw err;
    throw new TemplateError(formatSite(site), `with_${name}: ${f.message}`, { variable: f.variable, hint: f.hint, cause: err });
  }
}
