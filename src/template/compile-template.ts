// Compile once per distinct source text, render many times. Parse errors become TemplateFailures with a position.
import type Handlebars from 'handlebars';
import { templateEnv, KNOWN_HELPERS } from './environment.js';
import { translateJinjaFilters } from './jinja-filters.js';
import { rewriteAst, type TopHelper } from './rewrite-ast.js';
import { TemplateFailure } from './template-failure.js';

type Delegate = (vars: unknown, options?: Handlebars.RuntimeOptions) => string;

export interface CompiledTemplate {
  /** The text is exactly one `{{ … }}`, so renderValue keeps the value's type. */
  readonly isSingleExpression: boolean;
  readonly text: Delegate; // prints through __out
  value?: Delegate; // captures through __capture; compiled on first use
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
  if (/\{%/.test(source)) return 'Jinja statements are not supported: use {{#if x}}…{{/if}} and {{#each xs}}…{{/each}}';
  if (/\{\{[^}]*\|/.test(source)) return `this filter form does not translate: write helper calls, e.g. {{join (default xs (…)) ","}}`;
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

function build(source: string, top: TopHelper): { isSingle: boolean; delegate: Delegate } {
  const translated = translateJinjaFilters(source);
  let program: hbs.AST.Program;
  try {
    program = templateEnv.parse(translated);
  } catch (err) {
    throw syntaxFailure(err, source);
  }
  const isSingle = program.body.length === 1 && program.body[0]!.type === 'MustacheStatement';
  rewriteAst(program, top);
  return { isSingle, delegate: templateEnv.compile(program, COMPILE_OPTIONS) as Delegate };
}

export function compileTemplate(source: string): CompiledTemplate {
  const hit = cache.get(source);
  if (hit) return hit;
  const { isSingle, delegate } = build(source, '__out');
  const entry: CompiledTemplate = { isSingleExpression: isSingle, text: delegate };
  if (cache.size >= MAX_ENTRIES) cache.delete(cache.keys().next().value!);
  cache.set(source, entry);
  return entry;
}

/** The value-keeping variant of a single-expression template. */
export function valueDelegate(source: string, entry: CompiledTemplate): Delegate {
  entry.value ??= build(source, '__capture').delegate;
  return entry.value;
}
