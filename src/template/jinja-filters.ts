// Accepts the Jinja filter form users bring from Ansible, `{{ x | default('y') | join(',') }}`, by rewriting it to
// helper calls, `{{ join (default x "y") "," }}`, before handlebars parses the text. This is safe: outside block
// openers an unquoted `|` is a handlebars syntax error, so no valid handlebars mustache changes meaning. Anything
// the small grammar below does not cover is left alone, and handlebars reports it.
import { HELPERS } from './helpers.js';
import { TemplateFailure, type TemplateLoc } from './template-failure.js';

// Jinja/Ansible filter names that are spelled differently here. to_nice_json gets Ansible's indent of 4.
const ALIASES: Record<string, string> = { d: 'default', count: 'length', to_nice_json: 'to_json', to_nice_yaml: 'to_yaml' };
const IPADDR_QUERIES: Record<string, string> = { network: 'network', netmask: 'netmask', size: 'cidr_size' };
const NAMESPACES = /^ansible\.(?:builtin|utils|netcommon)\./;

type Tok =
  | { kind: 'ident'; text: string; pos: number }
  | { kind: 'num'; text: string; pos: number }
  | { kind: 'str'; value: string; pos: number }
  | { kind: 'punct'; text: string; pos: number };

function tokenize(src: string): Tok[] | undefined {
  const out: Tok[] = [];
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (/\s/.test(c)) {
      i++;
    } else if (/[A-Za-z_]/.test(c)) {
      const m = /^[A-Za-z_][A-Za-z0-9_]*/.exec(src.slice(i))![0];
      out.push({ kind: 'ident', text: m, pos: i });
      i += m.length;
    } else if (/[0-9]/.test(c) || (c === '-' && /[0-9]/.test(src[i + 1] ?? ''))) {
      const m = /^-?[0-9]+(?:\.[0-9]+)?/.exec(src.slice(i))![0];
      out.push({ kind: 'num', text: m, pos: i });
      i += m.length;
    } else if (c === "'" || c === '"') {
      let value = '';
      let j = i + 1;
      for (; j < src.length && src[j] !== c; j++) {
        const ch = src[j]!;
        const next = src[j + 1];
        if (ch === '\\' && (next === c || next === '\\')) {
          value += next;
          j++;
        } else {
          value += ch;
        }
      }
      if (j >= src.length) return undefined;
      out.push({ kind: 'str', value, pos: i });
      i = j + 1;
    } else if ('|(),.[]={}'.includes(c)) {
      out.push({ kind: 'punct', text: c, pos: i });
      i++;
    } else {
      return undefined;
    }
  }
  return out;
}

class Decline extends Error {}

/** A recursive-descent reader over one mustache's tokens; throws Decline when the text is not this grammar. */
class Reader {
  i = 0;
  jinjaOnly = false; // saw syntax that handlebars would reject or misread (brackets, numeric segments)
  constructor(private readonly toks: Tok[]) {}

  peek(): Tok | undefined {
    return this.toks[this.i];
  }
  isPunct(text: string): boolean {
    const t = this.peek();
    return t?.kind === 'punct' && t.text === text;
  }
  next(): Tok {
    const t = this.toks[this.i++];
    if (t === undefined) throw new Decline();
    return t;
  }
  expectPunct(text: string): void {
    if (!this.isPunct(text)) throw new Decline();
    this.i++;
  }

  /** value := literal | path | '[' [value (',' value)*] ']' | '{' '}' */
  value(): string {
    if (this.isPunct('[')) return this.list();
    if (this.isPunct('{')) {
      this.i++;
      this.expectPunct('}');
      return '(dict)';
    }
    const t = this.next();
    if (t.kind === 'str') return hbString(t.value);
    if (t.kind === 'num') return t.text;
    if (t.kind !== 'ident') throw new Decline();
    if (t.text === 'true' || t.text === 'True') return 'true';
    if (t.text === 'false' || t.text === 'False') return 'false';
    if (t.text === 'none' || t.text === 'None' || t.text === 'null') return 'null';
    const segs = [t.text];
    for (;;) {
      if (this.isPunct('.')) {
        this.i++;
        const s = this.next();
        if (s.kind === 'num' && /^[0-9]+$/.test(s.text)) this.jinjaOnly = true;
        else if (s.kind !== 'ident') throw new Decline();
        segs.push(s.text);
      } else if (this.isPunct('[')) {
        this.i++;
        const s = this.next();
        if (s.kind === 'str') segs.push(s.value);
        else if (s.kind === 'num' && /^[0-9]+$/.test(s.text)) segs.push(s.text);
        else throw new Decline();
        this.expectPunct(']');
        this.jinjaOnly = true;
      } else {
        break;
      }
    }
    return segs.map((s, k) => (k > 0 && !/^[A-Za-z_][A-Za-z0-9_]*$/.test(s) ? segmentLiteral(s) : s)).join('.');
  }

  list(): string {
    this.expectPunct('[');
    const items: string[] = [];
    while (!this.isPunct(']')) {
      items.push(this.value());
      if (!this.isPunct(',')) break;
      this.i++;
    }
    this.expectPunct(']');
    return `(${['list', ...items].join(' ')})`;
  }

  /** args := '(' [arg (',' arg)*] ')' where arg := value | name '=' value */
  args(): { positional: string[]; named: string[] } {
    const positional: string[] = [];
    const named: string[] = [];
    if (!this.isPunct('(')) return { positional, named };
    this.i++;
    if (this.isPunct(')')) {
      this.i++;
      return { positional, named };
    }
    for (;;) {
      const t = this.peek();
      const after = this.toks[this.i + 1];
      if (t?.kind === 'ident' && after?.kind === 'punct' && after.text === '=') {
        this.i += 2;
        named.push(`${t.text}=${this.value()}`);
      } else {
        if (named.length > 0) throw new Decline();
        positional.push(this.value());
      }
      if (this.isPunct(',')) {
        this.i++;
        continue;
      }
      this.expectPunct(')');
      return { positional, named };
    }
  }

  /** filter name, dotted names allowed for ansible.utils.ipaddr and friends */
  filterName(): { name: string; pos: number } {
    const first = this.next();
    if (first.kind !== 'ident') throw new Decline();
    let name = first.text;
    while (this.isPunct('.')) {
      this.i++;
      const t = this.next();
      if (t.kind !== 'ident') throw new Decline();
      name += `.${t.text}`;
    }
    return { name: name.replace(NAMESPACES, ''), pos: first.pos };
  }
}

function hbString(value: string): string {
  // handlebars reads \" as a quote and leaves every other backslash alone, so only these two cannot be written.
  if (value.endsWith('\\') || value.includes('\\"')) throw new Decline();
  return `"${value.replace(/"/g, '\\"')}"`;
}

function segmentLiteral(seg: string): string {
  if (seg.includes(']')) throw new Decline();
  return `[${seg}]`;
}

/** One filter applied to `input`: the helper call text, or a TemplateFailure for a filter we do not have. */
function applyFilter(input: string, r: Reader, at: (pos: number) => TemplateLoc): string {
  const { name: raw, pos } = r.filterName();
  const { positional, named } = r.args();
  if (raw === 'ipaddr') {
    const query = positional.length === 1 ? IPADDR_QUERIES[positional[0]!.slice(1, -1)] : undefined;
    if (!query) throw new TemplateFailure(`ipaddr: only ipaddr('network'), ipaddr('netmask') and ipaddr('size') translate`, { loc: at(pos) });
    return `${query} ${input}`;
  }
  const name = ALIASES[raw] ?? raw;
  if (!HELPERS.has(name)) {
    throw new TemplateFailure(`unknown filter "${raw}"`, {
      loc: at(pos),
      hint: `filters here: ${[...HELPERS.keys()].join(', ')}`,
    });
  }
  if (raw === 'to_nice_json' && positional.length === 0) positional.push('4');
  return [name, input, ...positional, ...named].join(' ');
}

/** Translate one mustache body (between the braces and strip marks), or return undefined to leave it alone. */
function translateBody(body: string, at: (pos: number) => TemplateLoc): string | undefined {
  const toks = tokenize(body);
  if (toks === undefined) return undefined;
  const r = new Reader(toks);
  try {
    const head = toks[0];
    if (head?.kind === 'ident' && HELPERS.has(head.text) && !toks.some((t) => t.kind === 'punct' && t.text === '|')) return undefined;
    let expr = r.value();
    let filters = 0;
    while (r.isPunct('|')) {
      r.i++;
      const call = applyFilter(expr, r, at);
      expr = r.isPunct('|') ? `(${call})` : call;
      filters++;
    }
    if (r.i !== toks.length || (filters === 0 && !r.jinjaOnly)) return undefined;
    return expr;
  } catch (err) {
    if (err instanceof Decline) return undefined;
    throw err;
  }
}

function locAt(source: string, offset: number): TemplateLoc {
  const before = source.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - (before.lastIndexOf('\n') + 1) };
}

/** End of the mustache opened at `start` (index just past its `}}`), skipping quoted strings; -1 when unclosed. */
function closeOf(source: string, start: number): number {
  let quote: string | undefined;
  for (let i = start; i < source.length - 1; i++) {
    const c = source[i]!;
    if (quote) {
      if (c === '\\') i++;
      else if (c === quote) quote = undefined;
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (c === '}' && source[i + 1] === '}') {
      return i + 2;
    }
  }
  return -1;
}

/** The source with every Jinja-filter mustache rewritten to helper calls; other text unchanged. */
export function translateJinjaFilters(source: string): string {
  if (!source.includes('|') && !source.includes('[') && !/\.[0-9]/.test(source)) return source;
  let out = '';
  let from = 0;
  for (let open = source.indexOf('{{', from); open >= 0; open = source.indexOf('{{', from)) {
    const kind = source[open + 2] ?? '';
    if (source[open - 1] === '\\' || '{#/^!>&*'.includes(kind) || /^[~-]?\s*else\b/.test(source.slice(open + 2))) {
      // escaped, a block, comment, partial, raw or else: never translated. Comments may hold "}}", so skip them whole.
      const end = kind === '!' && source.startsWith('{{!--', open) ? source.indexOf('--}}', open) : -1;
      const next = end >= 0 ? end + 4 : closeOf(source, open + 2);
      if (next < 0) break;
      out += source.slice(from, next);
      from = next;
      continue;
    }
    const close = closeOf(source, open + 2);
    if (close < 0) break;
    const inner = source.slice(open + 2, close - 2);
    const m = /^([~-]?)([\s\S]*?)([~-]?)$/.exec(inner)!;
    const bodyStart = open + 2 + m[1]!.length;
    const translated = translateBody(m[2]!, (pos) => locAt(source, bodyStart + pos));
    out += source.slice(from, open);
    out += translated === undefined ? source.slice(open, close) : `{{${m[1] ? '~' : ''} ${translated} ${m[3] ? '~' : ''}}}`;
    from = close;
  }
  return out + source.slice(from);
}
