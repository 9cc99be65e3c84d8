// Ansible's rules for a string in a task argument (ansible-core 2.14's Templar.template, jinja2_native off):
// a lone `{{ name }}` of a bool or number keeps it; otherwise the output is text, turned back into a list, dict or
// bool when it looks like one; trailing newlines of the input are kept.
import { parsePythonLiteral } from '../inventory/python-literal.js';
import { ANSIBLE_SETTINGS, compileTemplate, nodesToText, renderNodes, type RenderHost } from '../jinja/index.js';
import { NativeText, PyFloat, isMapping, isNumber, isTuple } from '../jinja/values.js';
import { Secret } from '../shell/secret.js';
import type { TemplateAst } from '../jinja/ast.js';

const SINGLE_VAR = /^\{\{\s*(\w*)\s*\}\}$/;
const ARG_SETTINGS = { ...ANSIBLE_SETTINGS, rawStringsInVariables: true };

/** Ansible's is_possibly_template: the text has a Jinja start marker. */
export function isTemplated(value: unknown): value is string {
  return typeof value === 'string' && (value.includes('{{') || value.includes('{%') || value.includes('{#'));
}

/** Plain data Python's repr and literal_eval give back unchanged (so the text round trip can be skipped). */
function survivesLiteralEval(v: unknown): boolean {
  if (v === null || typeof v === 'boolean' || typeof v === 'string' || v instanceof Secret || v instanceof PyFloat) return true;
  if (typeof v === 'number') return Number.isFinite(v);
  if (Array.isArray(v)) return v.every(survivesLiteralEval);
  if (isMapping(v)) return Object.values(v).every(survivesLiteralEval);
  return false;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}

function trailingNewlines(s: string): number {
  let n = 0;
  while (n < s.length && s.charCodeAt(s.length - 1 - n) === 10) n++;
  return n;
}

/** ansible_eval_concat: one node keeps a list or dict; text that reads as a list, dict or bool becomes one. */
function concat(nodes: unknown[]): unknown {
  if (nodes.length === 0) return '';
  if (nodes.length === 1) {
    const only = nodes[0];
    if (only instanceof NativeText) return only.text;
    if (only instanceof Secret) return only; // a whole-expression secret stays one (its text goes to the host)
    if ((Array.isArray(only) && !isTuple(only)) || isMapping(only)) {
      if (survivesLiteralEval(only)) return only;
    }
  }
  const text = nodesToText(nodes);
  if (text.startsWith('{') || text.startsWith('[') || text === 'True' || text === 'False') {
    const literal = parsePythonLiteral(text);
    if (literal.ok) return literal.value;
    const json = parseJson(text); // Ansible's literal reading accepts JSON's true, false and null too
    if (json !== undefined) return json;
  }
  return text;
}

export interface ArgRender {
  readonly vars: Readonly<Record<string, unknown>>;
  readonly host: RenderHost;
  loadTemplate(name: string): { ast: TemplateAst; file: string } | undefined;
}

/** The value of one templated string in a task argument. Throws the engine's failures (offsets into `text`). */
export function renderArgument(text: string, r: ArgRender): unknown {
  const single = SINGLE_VAR.exec(text);
  if (single && Object.hasOwn(r.vars, single[1]!)) {
    const v = r.vars[single[1]!];
    if (typeof v === 'boolean' || isNumber(v) || v === null) return v;
  }
  // escape_backslashes applies only when the text has both a backslash and `{{`
  const settings = text.includes('\\') ? ARG_SETTINGS : ANSIBLE_SETTINGS;
  const nodes = renderNodes(compileTemplate(text, settings), r.vars, { noneAsEmpty: true, host: r.host });
  const out = concat(nodes);
  if (typeof out === 'string' && text.endsWith('\n')) {
    const missing = trailingNewlines(text) - trailingNewlines(out);
    if (missing > 0) return out + '\n'.repeat(missing);
  }
  return out;
}

/** A template file as the `template` module renders it: text, None printed as '', trailing newlines kept. */
export function renderFileText(text: string, r: ArgRender): string {
  const template = compileTemplate(text, ANSIBLE_SETTINGS);
  const out = nodesToText(renderNodes(template, r.vars, { noneAsEmpty: true, host: r.host }));
  const body = text.slice(template.headerLength);
  const missing = trailingNewlines(body) - trailingNewlines(out);
  return missing > 0 ? out + template.settings.newlineSequence.repeat(missing) : out;
}
