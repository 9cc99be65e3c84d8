// Task conditions: `when`, `changed_when`, `failed_when`, `until`. A condition is an expression string, true/false,
// or a YAML list of those that must all hold. The result must be true or false: a string such as "false" is an
// error rather than silently true (ansible-core 2.19 made the same choice).
import type { ParsedExpression } from './ast.js';
import { ConditionError, formatConditionSite, type ConditionSite } from './condition-error.js';
import { evaluateExpression, type ExprVars } from './evaluate.js';
import { ExprFailure } from './expr-failure.js';
import { parseExpression } from './parse.js';
import { typeName } from './values.js';

export type { ConditionSite } from './condition-error.js';
export type { ExprVars } from './evaluate.js';
export type ConditionInput = string | boolean | readonly (string | boolean)[];

const WRAPPED = /^\s*\{\{([\s\S]*)\}\}\s*$/;
const WRAPPED_WARNING = 'conditions are expressions already: drop the {{ }} around them';

/** The expression inside `{{ … }}`, which Ansible accepts with a warning. */
function unwrap(text: string): { text: string; wrapped: boolean } {
  const m = WRAPPED.exec(text);
  if (m && !m[1]!.includes('{{') && !m[1]!.includes('}}')) return { text: m[1]!.trim(), wrapped: true };
  return { text, wrapped: false };
}

function prefix(where: ConditionSite | undefined): string {
  return where === undefined ? '' : `${formatConditionSite(where)}: `;
}

function toError(err: unknown, expression: string, where: ConditionSite | undefined): ConditionError {
  if (err instanceof ExprFailure) {
    return new ConditionError(expression, `${prefix(where)}${err.message}`, { column: err.pos + 1, hint: err.hint });
  }
  throw err;
}

function items(condition: unknown, where: ConditionSite | undefined): (string | boolean)[] {
  const list = Array.isArray(condition) ? condition : [condition];
  for (const c of list) {
    if (typeof c !== 'string' && typeof c !== 'boolean') {
      throw new ConditionError(String(c), `${prefix(where)}a condition is an expression, true/false or a list of those, got ${typeName(c)}`);
    }
  }
  return list as (string | boolean)[];
}

function parse(text: string, where: ConditionSite | undefined): ParsedExpression {
  try {
    return parseExpression(text);
  } catch (err) {
    throw toError(err, text, where);
  }
}

/**
 * Parse a condition now, without evaluating it, so a playbook's syntax errors show at load time. Returns warnings
 * for people (e.g. a condition wrapped in `{{ }}`); throws a ConditionError (an ExpressionError) on bad syntax.
 */
export function checkCondition(condition: ConditionInput, where?: ConditionSite): string[] {
  const warnings: string[] = [];
  for (const c of items(condition, where)) {
    if (typeof c === 'boolean') continue;
    const { text, wrapped } = unwrap(c);
    if (wrapped) warnings.push(`${prefix(where)}${WRAPPED_WARNING}: ${c.trim()}`);
    parse(text, where);
  }
  return warnings;
}

/** Evaluate one expression to its value (not necessarily a boolean), e.g. for `until` debugging or tests. */
export function evaluateExpressionText(text: string, vars: ExprVars, where?: ConditionSite): unknown {
  const expr = unwrap(text).text;
  const parsed = parse(expr, where);
  try {
    return evaluateExpression(parsed, vars);
  } catch (err) {
    throw toError(err, expr, where);
  }
}

/** True when every item of the condition holds. Undefined variables, type errors and non-boolean results throw. */
export function evaluateCondition(condition: ConditionInput, vars: ExprVars, where?: ConditionSite): boolean {
  for (const c of items(condition, where)) {
    if (typeof c === 'boolean') {
      if (!c) return false;
      continue;
    }
    const expr = unwrap(c).text;
    const result = evaluateExpressionText(expr, vars, where);
    if (typeof result !== 'boolean') {
      const shown = typeof result === 'string' ? ` (${JSON.stringify(result.length > 40 ? `${result.slice(0, 40)}…` : result)})` : '';
      throw new ConditionError(expr, `${prefix(where)}the condition gave ${typeName(result)}${shown}, not true or false`, {
        hint: `compare it (x == "yes", x | length > 0) or convert it (x | bool)`,
      });
    }
    if (!result) return false;
  }
  return true;
}
