// `when`, `changed_when`, `failed_when`, `until` as ansible-core 2.14 evaluates them: a condition is true/false, an
// expression, or a list of those that must all hold. A templated condition is rendered first; the expression is then
// read as Jinja2's `{% if … %}` reads it, with Python truthiness (a non-empty string is true).
import { ANSIBLE_SETTINGS, expressionHolds, compileTemplate, nodesToText, renderNodes, type CompiledTemplate } from '../jinja/index.js';
import { checkNames } from '../jinja/check.js';
import { pyTruthy, pyTypeName } from '../jinja/values.js';
import { didYouMean } from '../text/did-you-mean.js';
import { ConditionError, formatConditionSite, type ConditionSite } from './condition-error.js';
import { isTemplated, renderArgument, type ArgRender } from './task-argument.js';
import { jinjaFailure } from './template-failure.js';

export type { ConditionSite } from './condition-error.js';
export type ConditionInput = string | boolean | readonly (string | boolean)[];

const OPEN = '{% if ';
const WRAPPED_WARNING = 'conditional statements should not include jinja2 templating delimiters such as {{ }} or {% %} (drop the {{ }}: a condition is an expression already)';


function prefix(where: ConditionSite | undefined): string {
  return where === undefined ? '' : `${formatConditionSite(where)}: `;
}

function items(condition: unknown, where: ConditionSite | undefined): (string | boolean)[] {
  const list = Array.isArray(condition) ? condition : [condition];
  for (const c of list) {
    if (typeof c !== 'string' && typeof c !== 'boolean') {
      throw new ConditionError(String(c), `${prefix(where)}a condition is an expression, true/false or a list of those, got ${pyTypeName(c)}`);
    }
  }
  return list as (string | boolean)[];
}

const conditions = new Map<string, CompiledTemplate>();

/** The condition inside Ansible's `{% if … %} True {% else %} False {% endif %}`, compiled once. */
function compiled(expression: string): CompiledTemplate {
  let hit = conditions.get(expression);
  if (hit === undefined) {
    hit = compileTemplate(`${OPEN}${expression} %} True {% else %} False {% endif %}`, ANSIBLE_SETTINGS);
    if (conditions.size >= 4096) conditions.clear(); // conditions come from playbooks: this bounds memory only
    conditions.set(expression, hit);
  }
  return hit;
}

function toError(err: unknown, expression: string, where: ConditionSite | undefined): Error {
  const f = jinjaFailure(err);
  if (f === undefined) return err as Error;
  if (f.pos === undefined) return new ConditionError(expression, `${prefix(where)}${f.message}`, { hint: f.hint, cause: err });
  // Offsets are into `{% if <expression> %}…`: past the expression is its end.
  const column = Math.min(Math.max(0, f.pos - OPEN.length), expression.length) + 1;
  const message = f.message.replace(/end of statement block \('%\}'\)|'%\}'/g, 'end of condition');
  return new ConditionError(expression, `${prefix(where)}${message}`, { column, hint: f.hint, cause: err });
}


const DEFINED_TEST = /(hostvars\[.+\]|[\w_]+)\s+(not\s+is|is|is\s+not)\s+(defined|undefined)/g;

/**
 * ansible-core's rescue of an undefined variable in a condition: when the condition also tests that variable with
 * `is (not) defined`/`undefined`, that test decides (`x == 1 or x is not defined` holds when x is missing).
 */
function decidedByDefinedTest(err: unknown, expression: string): boolean | undefined {
  const f = jinjaFailure(err);
  if (f?.variable === undefined || !/^[\w_]+$/.test(f.variable)) return undefined;
  for (const [, name, logic, state] of expression.matchAll(DEFINED_TEST)) {
    if (name!.replace(/'/g, '"') !== f.variable) continue;
    const shouldExist = logic!.includes('not') !== (state === 'defined');
    return !shouldExist;
  }
  return undefined;
}

/**
 * `True` or `False` as Ansible's wrapper template prints it. When the condition parsed as the one `if` test it
 * should be (it nearly always does), only that test is evaluated; a condition that broke out of the wrapper
 * (`x %}…{% if y`) is rendered whole, as Ansible would.
 */
function conditionText(t: CompiledTemplate, r: ArgRender): string {
  const [first, ...rest] = t.ast.body;
  if (rest.length === 0 && first?.kind === 'if' && first.branches.length === 1 && first.else) {
    return expressionHolds(first.branches[0]!.test, r.vars, { noneAsEmpty: true, host: r.host }) ? 'True' : 'False';
  }
  return nodesToText(renderNodes(t, r.vars, { noneAsEmpty: true, host: r.host })).trim();
}

/** Parse every condition now, without evaluating, so syntax errors show at load time. Returns warnings. */
export function checkCondition(condition: ConditionInput, where?: ConditionSite): string[] {
  const warnings: string[] = [];
  for (const c of items(condition, where)) {
    if (typeof c === 'boolean') continue;
    if (isTemplated(c)) {
      warnings.push(`${prefix(where)}${WRAPPED_WARNING}: ${c.trim()}`);
      continue; // its text is known only after rendering
    }
    try {
      checkNames(compiled(c).ast, didYouMean);
    } catch (err) {
      throw toError(err, c, where);
    }
  }
  return warnings;
}

/** True when every item holds. Undefined variables and bad syntax throw a ConditionError. */
export function evaluateConditionWith(condition: ConditionInput, r: ArgRender, where?: ConditionSite): boolean {
  for (const c of items(condition, where)) {
    if (typeof c === 'boolean') {
      if (!c) return false;
      continue;
    }
    if (c === '') continue; // an empty condition holds, as in Ansible
    let expression = c;
    if (isTemplated(c)) {
      let rendered: unknown;
      try {
        rendered = renderArgument(c, r); // Ansible templates a templated condition first
      } catch (err) {
        throw toError(err, c, where);
      }
      if (typeof rendered !== 'string') {
        if (!pyTruthy(rendered)) return false;
        continue;
      }
      if (rendered === '') return false;
      expression = rendered;
    }
    let text: string;
    try {
      text = conditionText(compiled(expression), r);
    } catch (err) {
      const decided = decidedByDefinedTest(err, expression);
      if (decided === undefined) throw toError(err, expression, where);
      text = decided ? 'True' : 'False';
    }
    if (text === 'False') return false;
    if (text !== 'True') throw new ConditionError(expression, `${prefix(where)}unable to evaluate conditional`);
  }
  return true;
}
