// yaml.dump as Ansible calls it (AnsibleDumper over libyaml's C emitter, allow_unicode=True): the same scalar
// styles (plain unless YAML 1.1 would read the text back as another type, then 'single', then "double"), the same
// line folding at `width`, flow style for collections of scalars when default_flow_style is None, sorted keys,
// &id001 anchors for a list or dict that appears twice. A port of the emitter's decisions, not a reimplementation.
import { parseAllDocuments, isAlias, isMap, isScalar, isSeq, type Pair } from 'yaml';
import { Secret } from '../../shell/secret.js';
import { defined, dictSet, floatRepr, isMapping, JinjaRuntimeError, PyFloat, pyStr, pyTypeName } from '../values.js';
import { codePointCompare } from './py-json.js';

export interface YamlDumpOptions {
  indent?: number;
  width?: number;
  defaultFlowStyle?: boolean | null; // null: flow for collections holding only scalars
  sortKeys?: boolean;
  explicitStart?: boolean;
  explicitEnd?: boolean;
}

type YNode =
  | { kind: 'scalar'; tag: 'str' | 'other'; value: string; anchor?: string }
  | { kind: 'seq'; items: YNode[]; flow: boolean; anchor?: string }
  | { kind: 'map'; pairs: [YNode, YNode][]; flow: boolean; anchor?: string }
  | { kind: 'alias'; anchor: string };

// PyYAML's YAML 1.1 implicit resolvers: a str that reads back as one of these must be quoted.
const IMPLICIT: [string, RegExp][] = [
  ['bool', /^(?:yes|Yes|YES|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF)$/],
  ['float', /^(?:[-+]?(?:[0-9][0-9_]*)\.[0-9_]*(?:[eE][-+][0-9]+)?|\.[0-9][0-9_]*(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/],
  ['int', /^(?:[-+]?0b[0-1_]+|[-+]?0[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$/],
  ['merge', /^(?:<<)$/],
  ['null', /^(?:~|null|Null|NULL|)$/],
  ['timestamp', /^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$/],
  ['value', /^(?:=)$/],
];

/** The tag a plain scalar with this text would resolve to (Python's `$` also matches before a final newline). */
export function resolveImplicit(text: string): string {
  const t = text.endsWith('\n') ? text.slice(0, -1) : text;
  for (const [tag, re] of IMPLICIT) if (re.test(t) || re.test(text)) return tag;
  return 'str';
}

function representFloat(n: number): string {
  if (Number.isNaN(n)) return '.nan';
  if (n === Infinity) return '.inf';
  if (n === -Infinity) return '-.inf';
  const r = floatRepr(n).toLowerCase();
  return !r.includes('.') && r.includes('e') ? r.replace('e', '.0e') : r;
}

function represent(value: unknown, o: YamlDumpOptions): YNode {
  const nodes = new Map<object, YNode>();
  const flowDefault = o.defaultFlowStyle === undefined ? null : o.defaultFlowStyle;
  const walk = (v: unknown): YNode => {
    defined(v);
    if (v === null) return { kind: 'scalar', tag: 'other', value: 'null' };
    if (typeof v === 'string') return { kind: 'scalar', tag: 'str', value: v };
    if (v instanceof Secret) return { kind: 'scalar', tag: 'str', value: v.reveal() };
    if (typeof v === 'boolean') return { kind: 'scalar', tag: 'other', value: v ? 'true' : 'false' };
    if (typeof v === 'number') return { kind: 'scalar', tag: 'other', value: Number.isInteger(v) ? String(v) : representFloat(v) };
    if (v instanceof PyFloat) return { kind: 'scalar', tag: 'other', value: representFloat(v.value) };
    if (!Array.isArray(v) && !isMapping(v)) throw new JinjaRuntimeError(`cannot represent an object: ${pyTypeName(v)}`);
    const known = nodes.get(v);
    if (known) return known;
    if (Array.isArray(v)) {
      const node: YNode = { kind: 'seq', items: [], flow: false };
      nodes.set(v, node);
      node.items = v.map(walk);
      node.flow = flowDefault ?? node.items.every((n) => n.kind === 'scalar');
      return node;
    }
    const node: YNode = { kind: 'map', pairs: [], flow: false };
    nodes.set(v, node);
    const keys = Object.keys(v);
    if (o.sortKeys ?? true) keys.sort(codePointCompare);
    node.pairs = keys.map((k) => [walk(k), walk(v[k])]);
    node.flow = flowDefault ?? node.pairs.every(([a, b]) => a.kind === 'scalar' && b.kind === 'scalar');
    return node;
  };
  const root = walk(value);
  // Anchors: a collection reached twice gets id001, id002… in the order its second reference is met.
  const seen = new Set<YNode>();
  let last = 0;
  const anchor = (n: YNode): void => {
    if (n.kind === 'scalar' || n.kind === 'alias') return;
    if (seen.has(n)) {
      n.anchor ??= `id${String(++last).padStart(3, '0')}`;
      return;
    }
    seen.add(n);
    if (n.kind === 'seq') n.items.forEach(anchor);
    else n.pairs.forEach(([k, x]) => (anchor(k), anchor(x)));
  };
  anchor(root);
  return root;
}

const isBreak = (c: string | undefined) => c === '\r' || c === '\n' || c === '\x85' || c === '\u2028' || c === '\u2029';
const isBlankZ = (c: string | undefined) => c === undefined || c === ' ' || c === '\t' || isBreak(c) || c === '\0';

function isPrintable(c: string): boolean {
  const n = c.codePointAt(0)!;
  return n === 0x0a || (n >= 0x20 && n <= 0x7e) || (n >= 0xa0 && n <= 0xd7ff) || (n >= 0xe000 && n <= 0xfffd && n !== 0xfeff);
}

interface Analysis {
  empty: boolean;
  multiline: boolean;
  flowPlain: boolean;
  blockPlain: boolean;
  singleQuoted: boolean;
}

/** libyaml's yaml_emitter_analyze_scalar, with allow_unicode on. */
function analyze(text: string): Analysis {
  const s = [...text];
  if (s.length === 0) return { empty: true, multiline: false, flowPlain: false, blockPlain: true, singleQuoted: true };
  let block = false;
  let flow = false;
  let lineBreaks = false;
  let special = false;
  let leadingSpace = false;
  let leadingBreak = false;
  let trailingSpace = false;
  let trailingBreak = false;
  let breakSpace = false;
  let spaceBreak = false;
  let prevSpace = false;
  let prevBreak = false;
  if (text.startsWith('---') || text.startsWith('...')) block = flow = true;
  let precededByWs = true;
  let followedByWs = isBlankZ(s[1]);
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (i === 0) {
      if ('#,[]{}&*!|>\'"%@`'.includes(c)) flow = block = true;
      if (c === '?' || c === ':') {
        flow = true;
        if (followedByWs) block = true;
      }
      if (c === '-' && followedByWs) flow = block = true;
    } else {
      if (',?[]{}'.includes(c)) flow = true;
      if (c === ':') {
        flow = true;
        if (followedByWs) block = true;
      }
      if (c === '#' && precededByWs) flow = block = true;
    }
    if (!isPrintable(c)) special = true;
    if (isBreak(c)) lineBreaks = true;
    if (c === ' ') {
      if (i === 0) leadingSpace = true;
      if (i === s.length - 1) trailingSpace = true;
      if (prevBreak) breakSpace = true;
      prevSpace = true;
      prevBreak = false;
    } else if (isBreak(c)) {
      if (i === 0) leadingBreak = true;
      if (i === s.length - 1) trailingBreak = true;
      if (prevSpace) spaceBreak = true;
      prevSpace = false;
      prevBreak = true;
    } else {
      prevSpace = prevBreak = false;
    }
    precededByWs = isBlankZ(c);
    followedByWs = isBlankZ(s[i + 2]);
  }
  let flowPlain = true;
  let blockPlain = true;
  let singleQuoted = true;
  if (leadingSpace || leadingBreak || trailingSpace || trailingBreak) flowPlain = blockPlain = false;
  if (breakSpace) flowPlain = blockPlain = singleQuoted = false;
  if (spaceBreak || special) flowPlain = blockPlain = singleQuoted = false;
  if (lineBreaks) flowPlain = blockPlain = false;
  if (flow) flowPlain = false;
  if (block) blockPlain = false;
  return { empty: false, multiline: lineBreaks, flowPlain, blockPlain, singleQuoted };
}

const ESCAPES: Record<string, string> = {
  '\0': '0', '\x07': 'a', '\b': 'b', '\t': 't', '\n': 'n', '\v': 'v', '\f': 'f', '\r': 'r', '\x1b': 'e',
  '"': '"', '\\': '\\', '\x85': 'N', '\xa0': '_', '\u2028': 'L', '\u2029': 'P',
};

class Emitter {
  out = '';
  column = 0;
  whitespace = true;
  indention = true;
  indent = -1;
  indents: number[] = [];
  flowLevel = 0;
  private readonly emitted = new Set<YNode>();
  constructor(
    readonly bestIndent: number,
    readonly bestWidth: number,
  ) {}

  put(s: string): void {
    this.out += s;
    this.column += [...s].length;
  }
  putBreak(): void {
    this.out += '\n';
    this.column = 0;
  }
  writeBreakChar(c: string): void {
    this.out += c; // \n, or the other break characters written as themselves
    this.column = 0;
  }
  writeIndicator(ind: string, needWhitespace: boolean, isWhitespace = false, isIndention = false): void {
    if (needWhitespace && !this.whitespace) this.put(' ');
    this.put(ind);
    this.whitespace = isWhitespace;
    this.indention = this.indention && isIndention;
  }
  writeIndent(): void {
    const indent = this.indent >= 0 ? this.indent : 0;
    if (!this.indention || this.column > indent || (this.column === indent && !this.whitespace)) this.putBreak();
    while (this.column < indent) this.put(' ');
    this.whitespace = true;
    this.indention = true;
  }
  increaseIndent(flow: boolean, indentless: boolean): void {
    this.indents.push(this.indent);
    if (this.indent < 0) this.indent = flow ? this.bestIndent : 0;
    else if (!indentless) this.indent += this.bestIndent;
  }

  checkSimpleKey(n: YNode): boolean {
    let length = n.kind !== 'alias' && n.anchor ? n.anchor.length : 0;
    if (n.kind === 'alias') length = n.anchor.length;
    else if (n.kind === 'scalar') {
      if (analyze(n.value).multiline) return false;
      length += Buffer.byteLength(n.value, 'utf8');
    } else if (n.kind === 'seq' ? n.items.length > 0 : n.pairs.length > 0) return false;
    return length <= 128;
  }

  node(n: YNode, ctx: { mapping?: boolean; simpleKey?: boolean } = {}): void {
    if (n.kind === 'alias') {
      this.writeIndicator(`*${n.anchor}`, true);
      if (ctx.simpleKey) this.put(' ');
      return;
    }
    if (n.anchor && this.emitted.has(n)) {
      this.writeIndicator(`*${n.anchor}`, true);
      if (ctx.simpleKey) this.put(' ');
      return;
    }
    this.emitted.add(n);
    if (n.anchor) this.writeIndicator(`&${n.anchor}`, true);
    if (n.kind === 'scalar') {
      this.scalar(n, !!ctx.simpleKey);
      return;
    }
    const empty = n.kind === 'seq' ? n.items.length === 0 : n.pairs.length === 0;
    const flow = this.flowLevel > 0 || n.flow || empty;
    if (n.kind === 'seq') {
      if (flow) this.flowSequence(n.items);
      else this.blockSequence(n.items, !!ctx.mapping);
    } else if (flow) this.flowMapping(n.pairs);
    else this.blockMapping(n.pairs);
  }

  flowSequence(items: YNode[]): void {
    this.writeIndicator('[', true, true);
    this.increaseIndent(true, false);
    this.flowLevel++;
    items.forEach((item, i) => {
      if (i > 0) this.writeIndicator(',', false);
      if (this.column > this.bestWidth) this.writeIndent();
      this.node(item);
    });
    this.flowLevel--;
    this.indent = this.indents.pop()!;
    this.writeIndicator(']', false);
  }

  flowMapping(pairs: [YNode, YNode][]): void {
    this.writeIndicator('{', true, true);
    this.increaseIndent(true, false);
    this.flowLevel++;
    pairs.forEach(([k, v], i) => {
      if (i > 0) this.writeIndicator(',', false);
      if (this.column > this.bestWidth) this.writeIndent();
      if (this.checkSimpleKey(k)) {
        this.node(k, { mapping: true, simpleKey: true });
        this.writeIndicator(':', false);
      } else {
        this.writeIndicator('?', true);
        this.node(k, { mapping: true });
        if (this.column > this.bestWidth) this.writeIndent();
        this.writeIndicator(':', true);
      }
      this.node(v, { mapping: true });
    });
    this.flowLevel--;
    this.indent = this.indents.pop()!;
    this.writeIndicator('}', false);
  }

  blockSequence(items: YNode[], mappingContext: boolean): void {
    this.increaseIndent(false, mappingContext && !this.indention);
    for (const item of items) {
      this.writeIndent();
      this.writeIndicator('-', true, false, true);
      this.node(item);
    }
    this.indent = this.indents.pop()!;
  }

  blockMapping(pairs: [YNode, YNode][]): void {
    this.increaseIndent(false, false);
    for (const [k, v] of pairs) {
      this.writeIndent();
      if (this.checkSimpleKey(k)) {
        this.node(k, { mapping: true, simpleKey: true });
        this.writeIndicator(':', false);
      } else {
        this.writeIndicator('?', true, false, true);
        this.node(k, { mapping: true });
        this.writeIndent();
        this.writeIndicator(':', true, false, true);
      }
      this.node(v, { mapping: true });
    }
    this.indent = this.indents.pop()!;
  }

  scalar(n: YNode & { kind: 'scalar' }, simpleKey: boolean): void {
    const a = analyze(n.value);
    let style: 'plain' | 'single' | 'double' = 'plain';
    if (simpleKey && a.multiline) style = 'double';
    if (style === 'plain') {
      if ((this.flowLevel > 0 && !a.flowPlain) || (this.flowLevel === 0 && !a.blockPlain)) style = 'single';
      if (a.empty && (this.flowLevel > 0 || simpleKey)) style = 'single';
      if (n.tag === 'str' && resolveImplicit(n.value) !== 'str') style = 'single';
    }
    if (style === 'single' && !a.singleQuoted) style = 'double';
    this.increaseIndent(true, false);
    const breaks = !simpleKey;
    if (style === 'plain') this.plain(n.value, breaks);
    else if (style === 'single') this.singleQuoted(n.value, breaks);
    else this.doubleQuoted(n.value, breaks);
    this.indent = this.indents.pop()!;
  }

  plain(text: string, allowBreaks: boolean): void {
    const s = [...text];
    if (!this.whitespace && (s.length > 0 || this.flowLevel > 0)) this.put(' ');
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < s.length; i++) {
      const c = s[i]!;
      if (c === ' ') {
        if (allowBreaks && !spaces && this.column > this.bestWidth && s[i + 1] !== ' ') this.writeIndent();
        else this.put(c);
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === '\n') this.putBreak();
        this.writeBreakChar(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        this.put(c);
        this.indention = false;
        spaces = breaks = false;
      }
    }
    this.whitespace = false;
    this.indention = false;
  }

  singleQuoted(text: string, allowBreaks: boolean): void {
    const s = [...text];
    this.writeIndicator("'", true);
    let spaces = false;
    let breaks = false;
    for (let i = 0; i < s.length; i++) {
      const c = s[i]!;
      if (c === ' ') {
        if (allowBreaks && !spaces && this.column > this.bestWidth && i !== 0 && i !== s.length - 1 && s[i + 1] !== ' ') this.writeIndent();
        else this.put(c);
        spaces = true;
      } else if (isBreak(c)) {
        if (!breaks && c === '\n') this.putBreak();
        this.writeBreakChar(c);
        this.indention = true;
        breaks = true;
      } else {
        if (breaks) this.writeIndent();
        if (c === "'") this.put("'");
        this.put(c);
        this.indention = false;
        spaces = breaks = false;
      }
    }
    if (breaks) this.writeIndent();
    this.writeIndicator("'", false);
  }

  doubleQuoted(text: string, allowBreaks: boolean): void {
    const s = [...text];
    this.writeIndicator('"', true);
    let spaces = false;
    for (let i = 0; i < s.length; i++) {
      const c = s[i]!;
      if (!isPrintable(c) || c === '\ufeff' || isBreak(c) || c === '"' || c === '\\') {
        const esc = Object.hasOwn(ESCAPES, c) ? ESCAPES[c] : undefined;
        const cp = c.codePointAt(0)!;
        const hex = cp.toString(16).toUpperCase();
        this.put(`\\${esc ?? (cp <= 0xff ? `x${hex.padStart(2, '0')}` : cp <= 0xffff ? `u${hex.padStart(4, '0')}` : `U${hex.padStart(8, '0')}`)}`);
        spaces = false;
      } else if (c === ' ') {
        if (allowBreaks && !spaces && this.column > this.bestWidth && i !== 0 && i !== s.length - 1) {
          this.writeIndent();
          if (s[i + 1] === ' ') this.put('\\');
        } else this.put(c);
        spaces = true;
      } else {
        this.put(c);
        spaces = false;
      }
    }
    this.writeIndicator('"', false);
  }
}

/** yaml.dump(value, Dumper=AnsibleDumper, allow_unicode=True, ...). */
export function yamlDump(value: unknown, o: YamlDumpOptions = {}): string {
  const root = represent(value, o);
  const indent = o.indent !== undefined && o.indent >= 2 && o.indent <= 9 ? o.indent : 2;
  let width = o.width ?? 80;
  if (width >= 0 && width <= indent * 2) width = 80;
  if (width < 0) width = Number.MAX_SAFE_INTEGER;
  const e = new Emitter(indent, width);
  if (o.explicitStart) e.writeIndicator('---', true);
  e.node(root, {});
  e.writeIndent();
  if (o.explicitEnd) {
    e.writeIndicator('...', true);
    e.writeIndent();
  }
  return e.out;
}

// Loading: the `yaml` package parses (failsafe schema, so every scalar stays text) and PyYAML's SafeConstructor
// rules turn plain scalars into values: YAML 1.1 booleans (yes/no/on/off), octal 010, 0b/0x, 1_000, 1:20
// sexagesimal, '1e3' stays a str, merge keys (<<) put merged keys first. Timestamps stay text (no date type here).

function constructInt(text: string): number {
  let v = text.replace(/_/g, '');
  let sign = 1;
  if (v[0] === '-') sign = -1;
  if (v[0] === '-' || v[0] === '+') v = v.slice(1);
  if (v === '0') return 0;
  if (v.startsWith('0b')) return sign * parseInt(v.slice(2), 2);
  if (v.startsWith('0x')) return sign * parseInt(v.slice(2), 16);
  if (v.startsWith('0')) return sign * parseInt(v, 8);
  if (v.includes(':')) return sign * v.split(':').reduce((acc, d) => acc * 60 + Number(d), 0);
  return sign * Number(v);
}

function constructFloat(text: string): number | PyFloat {
  let v = text.replace(/_/g, '').toLowerCase();
  let sign = 1;
  if (v[0] === '-') sign = -1;
  if (v[0] === '-' || v[0] === '+') v = v.slice(1);
  if (v === '.inf') return sign * Infinity;
  if (v === '.nan') return NaN;
  const n = v.includes(':') ? v.split(':').reduce((acc, d) => acc * 60 + Number(d), 0) : Number(v);
  const out = sign * n;
  return Number.isInteger(out) ? new PyFloat(out) : out;
}

function constructScalar(text: string, tag: string): unknown {
  switch (tag) {
    case 'bool':
      return ['yes', 'true', 'on'].includes(text.toLowerCase());
    case 'int':
      return constructInt(text);
    case 'float':
      return constructFloat(text);
    case 'null':
      return null;
    default:
      return text; // str, timestamp (as its text), value, merge
  }
}

const TAGS: Record<string, string> = {
  'tag:yaml.org,2002:str': 'str', 'tag:yaml.org,2002:int': 'int', 'tag:yaml.org,2002:float': 'float',
  'tag:yaml.org,2002:bool': 'bool', 'tag:yaml.org,2002:null': 'null', 'tag:yaml.org,2002:timestamp': 'timestamp',
  'tag:yaml.org,2002:map': 'map', 'tag:yaml.org,2002:seq': 'seq',
};

/** Our dicts have str keys only: a key YAML reads as an int, bool or None is kept as Python's str() of it. */
function keyText(key: unknown): string {
  return typeof key === 'string' ? key : pyStr(key);
}

function construct(node: unknown, doc: import('yaml').Document, made: Map<unknown, unknown>): unknown {
  if (node === null || node === undefined) return null;
  if (isAlias(node)) {
    const target = node.resolve(doc);
    if (!made.has(target)) throw new JinjaRuntimeError(`found undefined alias ${node.source}`);
    return made.get(target);
  }
  const explicit = (node as { tag?: string }).tag;
  if (explicit !== undefined && explicit !== '!' && !Object.hasOwn(TAGS, explicit)) {
    throw new JinjaRuntimeError(`could not determine a constructor for the tag '${explicit}'`);
  }
  if (isScalar(node)) {
    const text = String(node.value ?? '');
    let tag = explicit !== undefined ? (explicit === '!' ? 'str' : TAGS[explicit]!) : node.type === 'PLAIN' ? resolveImplicit(text) : 'str';
    if (tag === 'map' || tag === 'seq') tag = 'str';
    const v = constructScalar(text, tag);
    made.set(node, v);
    return v;
  }
  if (isSeq(node)) {
    const out: unknown[] = [];
    made.set(node, out);
    for (const item of node.items) out.push(construct(item, doc, made));
    return out;
  }
  if (isMap(node)) {
    const out: Record<string, unknown> = {};
    made.set(node, out);
    const merged: Record<string, unknown>[] = [];
    const own: [string, unknown][] = [];
    for (const pair of node.items as Pair[]) {
      const k = pair.key;
      if (isScalar(k) && k.type === 'PLAIN' && k.value === '<<' && (k as { tag?: string }).tag === undefined) {
        const v = construct(pair.value, doc, made);
        const sources = Array.isArray(v) ? v : [v];
        for (const s of sources) {
          if (!isMapping(s)) throw new JinjaRuntimeError('while constructing a mapping: expected a mapping for merging');
        }
        merged.push(...(sources as Record<string, unknown>[]).reverse());
        continue;
      }
      own.push([keyText(construct(k, doc, made)), construct(pair.value, doc, made)]);
    }
    // PyYAML: merged keys come first (later sources win over earlier ones, the mapping's own keys over all).
    const mergedOut: Record<string, unknown> = {};
    for (const m of merged.reverse()) for (const [k, v] of Object.entries(m)) if (!Object.hasOwn(mergedOut, k)) mergedOut[k] = v;
    for (const [k, v] of Object.entries(mergedOut)) dictSet(out, k, v);
    for (const [k, v] of own) {
      if (Object.hasOwn(out, k)) delete out[k];
      dictSet(out, k, v);
    }
    return out;
  }
  throw new JinjaRuntimeError('unexpected YAML node');
}

/** yaml.safe_load_all: one value per document (an empty stream gives none; an empty document gives None). */
export function yamlLoadAll(text: string): unknown[] {
  const docs = parseAllDocuments(text, { schema: 'failsafe', version: '1.1', uniqueKeys: false, strict: false });
  if (!Array.isArray(docs)) throw new JinjaRuntimeError('could not parse YAML');
  return docs.map((doc) => {
    const err = doc.errors[0];
    if (err) throw new JinjaRuntimeError(`YAML error: ${err.message}`);
    return construct(doc.contents, doc, new Map());
  });
}

/** yaml.safe_load: the first document, None for an empty stream. */
export function yamlLoad(text: string): unknown {
  const docs = yamlLoadAll(text);
  if (docs.length > 1) throw new JinjaRuntimeError('expected a single document in the stream, but found another document');
  return docs.length === 0 ? null : docs[0];
}
