// Compile once per distinct source text, render many times. Parse errors become TemplateFailures with a position.
import type Handlebars from 'handlebars';
import { templateEnv, KNOWN_HELPERS } from './environment.js';
import { rewriteAst } from './rewrite-ast.js';
import { TemplateFailure } from './template-failure.js';

type Delegate = (vars: unknown, options?: Handlebars.RuntimeOptions) => string;

export interface CompiledTemplate {
  readonly text: Delegate;
}

const MAX_ENTRIES = 4096; // templates come from playbooks and roles, so this bounds memory, not the hit rate
const cache = new Map<string, CompiledTemplate>();

const COMPILE_OPTIONS = {
  noEscape: true, // we write config files and commands, not HTML
  strict: true, // a backstop: every path already goes through __value (rewrite-ast.ts)
  knownHelpers: KNOWN_HELPERS,
  knownHelpersOnly: true,
};

function tokenName(token: string): string {
  const names: Record<string, string> = { EOF: 'end of template', INVALID: 'character', CLOSE: '"}}"', CLOSE_BLOCK_PARAMS: '"|"', OPEN: '"{{"' };
  return names[token] ?? token.toLowerCase().replace(/_/g, ' ');
}

function hintFor(source: string): string | undefined {
  if (/\{%/.test(source)) return 'this is a handlebars (.hbs) template: use {{#if x}}…{{/if}} and {{#each xs}}…{{/each}}, or name the file .j2 for Jinja2';
  if (/\{\{[^}]*\|/.test(source)) return `this is a handlebars (.hbs) template: write helper calls, e.g. {{join (default xs (list)) ","}}, or name the file .j2 for Jinja2`;
  if (/\{\{[^}]*\.[0-9]/.test(source)) return 'index a list with xs.[0]';
  return undefined;
}

/** A handlebars parse error as a TemplateFailure: "syntax error on line 2: unexpected "}}"". */
function syntaxFailure(err: unknown, source: string): TemplateFailure {
  const e = err as Error & { lineNumber?: number; column?: number };
  const msg = e.message ?? String(err);
  const m = /^(?:Parse|Lexical) error on line (\d+)[:.]/.exec(msg);
  const got = /got '([A-Z_]+)'/.exec(msg)?.[1];
  const unclosed = got === 'INVALID' && source.lastIndexOf('{{') > source.lastIndexOf('}}');
  const what = unclosed ? '"{{" is not closed' : got ? `unexpected ${tokenName(got)}` : m ? 'unrecognized text' : msg.split('\n')[0]!.replace(/ - \d+:\d+$/, '');
  // Handlebars' own exceptions carry line and column; the parser's only a line, which goes into the message.
  if (typeof e.lineNumber === 'number') {
    return new TemplateFailure(`syntax error: ${what}`, { loc: { line: e.lineNumber, column: e.column ?? 0 }, hint: hintFor(source) });
  }
  return new TemplateFailure(`syntax error${m ? ` on line ${m[1]}` : ''}: ${what}`, { hint: hintFor(source) });
}

function build(source: string): Delegate {
  let program: hbs.AST.Program;
  try {
    program = templateEnv.parse(source);
  } catch (err) {
    throw syntaxFailure(err, source);
  }
  rewriteAst(program);
  return templateEnv.compile(program, COMPILE_OPTIONS) as Delegate;
}

export function compileTemplate(source: string): CompiledTemplate {
  const hit = cache.get(source);
  if (hit) return hit;
  const entry: CompiledTemplate = { text: build(source) };
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(source, entry);
  return entry;
}
