// Loads YAML while keeping every node's file:line:column, so loaders can point errors and
// variable origins at the exact place in the user's file. Shared by the inventory and playbook loaders.
import { readFileSync } from 'node:fs';
import {
  Document,
  LineCounter,
  isAlias,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  parseDocument,
  visit,
  type Alias,
  type Node,
  type Pair,
  type ParsedNode,
  type ScalarTag,
  type Tags,
  type YAMLError,
} from 'yaml';
import { ConfigError, type SourcePosition } from '../errors.js';
import { codeFrame } from '../text/code-frame.js';
import { decryptVaultFile, markVaultPlaintext, VaultValue } from '../vault/keyring.js';
import { isVaultText } from '../vault/vault-format.js';

export type YamlPath = readonly (string | number)[];

/** A YAML 1.1 file keeps Ansible's meaning; `%YAML 1.2` at the top of a file opts that file into 1.2. */
export type YamlVersion = '1.1' | '1.2';

export interface YamlSourceOptions {
  /** Default '1.1', the YAML PyYAML (and so Ansible) speaks: `yes`/`no` are booleans and `0644` is octal. */
  version?: YamlVersion;
}

/** One key/value entry of a mapping node, with the key as the user wrote it. */
export interface YamlEntry {
  /** The key's source text (`yes:` stays "yes", `0644:` stays "0644"), so names never change type. */
  key: string;
  keyNode: ParsedNode | null;
  /** The value node; null for `key:` with nothing after it. */
  valueNode: ParsedNode | null;
}

export interface YamlSource {
  readonly file: string;
  readonly doc: Document.Parsed;
  /** The whole document as plain data (null for an empty file). */
  readonly value: unknown;
  /** Where the value at `path` starts (the nearest existing parent when the path is missing). */
  positionOf(path: YamlPath): SourcePosition;
  /** Where the key of the entry at `path` starts (for sequence items, the item). */
  keyPositionOf(path: YamlPath): SourcePosition;
  /** Where a node (or a pair's key) starts; the top of the file when there is no node. */
  positionOfNode(node: unknown): SourcePosition;
  /** The node at `path`, or undefined. */
  nodeAt(path: YamlPath): ParsedNode | undefined;
  /** Plain data for a node (anchors and merge keys resolved against this document). */
  toJS(node: unknown): unknown;
  /** A ConfigError at the value (or, with `key: true`, the key) at `path`. */
  errorAt(path: YamlPath, message: string, options?: { key?: boolean; hint?: string }): ConfigError;
}


// PyYAML's YAML 1.1 resolver, which Ansible uses: `y`/`n` stay strings, `09` stays a string,
// `1e3` stays a string (floats need a dot and a signed exponent) and dates stay strings.
const PYYAML_TESTS: Record<string, RegExp> = {
  [/^(?:Y|y|[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/.source]: /^(?:[Yy]es|YES|[Tt]rue|TRUE|[Oo]n|ON)$/,
  [/^(?:N|n|[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/.source]: /^(?:[Nn]o|NO|[Ff]alse|FALSE|[Oo]ff|OFF)$/,
  [/^[-+]?[0-9][0-9_]*$/.source]: /^[-+]?(?:0|[1-9][0-9_]*)$/,
  [/^[-+]?(?:[0-9][0-9_]*)?(?:\.[0-9_]*)?[eE][-+]?[0-9]+$/.source]: /^[-+]?(?:[0-9][0-9_]*)?\.[0-9_]*[eE][-+][0-9]+$/,
};

// An inline `!vault` value stays encrypted until read (see parseYaml, which gives it its position and decrypts it
// at once when this run's vault secrets can).
const vaultTag: ScalarTag = {
  tag: '!vault',
  identify: (value) => value instanceof VaultValue,
  resolve: (text: string) => new VaultValue(text),
};

// `!unsafe` only tells Ansible not to template the string; the value itself is the string.
const unsafeTag: ScalarTag = { tag: '!unsafe', identify: () => false, resolve: (text: string) => text };

function adjustTags(tags: Tags): Tags {
  const adjusted: Tags = [];
  for (const tag of tags) {
    if (typeof tag === 'string') {
      adjusted.push(tag);
      continue;
    }
    if (tag.tag === 'tag:yaml.org,2002:timestamp') continue;
    const test = 'test' in tag && tag.test instanceof RegExp ? PYYAML_TESTS[tag.test.source] : undefined;
    adjusted.push(test ? ({ ...tag, test } as ScalarTag) : tag);
  }
  return [...adjusted, vaultTag, unsafeTag];
}

/** Parse YAML text; throws ConfigError (file:line:column) on syntax errors, duplicate keys and unknown tags. */
export function parseYaml(text: string, file: string, options: YamlSourceOptions = {}): YamlSource {
  // A whole vault-encrypted file (group_vars, vars_files, include_vars, -e @file...) is decrypted as Ansible's
  // loader does: with this run's secrets, at load.
  const isEncrypted = isVaultText(text);
  if (isEncrypted) {
    text = decryptVaultFile(text, file);
    markVaultPlaintext(text); // each of its lines too: an error's code frame may quote them
  }
  const lineCounter = new LineCounter();
  const doc = parseDocument(text, {
    version: options.version ?? '1.1', // YAML 1.1 as PyYAML reads it, so Ansible files keep their meaning (docs/inventory.md)
    lineCounter,
    prettyErrors: false,
    uniqueKeys: true,
    customTags: adjustTags,
    keepSourceTokens: false,
  });
  const at = (offset: number): SourcePosition => {
    const { line, col } = lineCounter.linePos(offset);
    return { file, line: Math.max(line, 1), column: Math.max(col, 1) };
  };
  const firstError = doc.errors[0];
  if (firstError) throw yamlSyntaxError(firstError, doc, text, at);
  const template = unquotedTemplateStart(doc);
  if (template !== undefined) {
    const pos = at(template);
    throw new ConfigError(pos, 'invalid YAML: a value that starts with "{{" must be quoted; unquoted, YAML reads it as a mapping', {
      hint: 'quote the whole value, e.g. "{{ item }}"',
      frame: codeFrame(text, pos.line!, pos.column!),
    });
  }
  const badTag = doc.warnings.find((w) => w.code === 'TAG_RESOLVE_FAILED');
  if (badTag) {
    const tag = /tag: (\S+)/.exec(badTag.message)?.[1] ?? 'tag';
    throw new ConfigError(at(badTag.pos[0]), `unknown YAML tag ${tag}`, { hint: 'tsinfra understands !vault and !unsafe' });
  }
  const badAlias = unresolvedAlias(doc);
  if (badAlias) {
    const pos = badAlias.range ? at(badAlias.range[0]) : { file, line: 1, column: 1 };
    throw new ConfigError(pos, `invalid YAML: alias *${badAlias.source} has no anchor &${badAlias.source} before it`, {
      hint: 'define the anchor (&name) earlier in the same file',
    });
  }
  revealVaultScalars(doc, at, isEncrypted);
  return makeSource(file, doc, at);
}

/**
 * Inline `!vault` values learn where they are and become their plaintext when the keyring can decrypt them (else they
 * stay VaultValues that fail, naming file:line, where they are used). Every string from a vault is remembered for
 * masking: each inline value, and each string of a whole encrypted file.
 */
function revealVaultScalars(doc: Document.Parsed, at: (offset: number) => SourcePosition, isEncrypted: boolean): void {
  visit(doc, {
    Scalar(key, node) {
      if (node.value instanceof VaultValue) {
        if (node.range) node.value.at = at(node.range[0]);
        const plaintext = node.value.tryReveal();
        if (plaintext !== undefined) node.value = plaintext;
      } else if (isEncrypted && key !== 'key' && typeof node.value === 'string') {
        markVaultPlaintext(node.value);
      }
    },
  });
}

// yaml parses `*name` without a matching `&name` but throws a bare ReferenceError when the value is read.
function unresolvedAlias(doc: Document.Parsed): Alias | undefined {
  let bad: Alias | undefined;
  visit(doc, {
    Alias(_key, node) {
      if (node.resolve(doc) === undefined) {
        bad = node;
        return visit.BREAK;
      }
      return undefined;
    },
  });
  return bad;
}

/** Read and parse a YAML file; a missing or unreadable file is a ConfigError naming it. */
export async function readYamlFile(file: string, options: YamlSourceOptions = {}): Promise<YamlSource> {
  return parseYaml(await readConfigText(file), file, options);
}

/**
 * Read a config file as UTF-8; a missing or unreadable file is a ConfigError naming it. Synchronously: config is read
 * while nothing else runs, and a read through the thread pool cost a turn of the event loop per file at start-up.
 */
export async function readConfigText(file: string): Promise<string> {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    const why = code === 'ENOENT' ? 'file not found' : code === 'EISDIR' ? 'is a directory, expected a file' : `cannot read file (${code ?? err})`;
    throw new ConfigError({ file }, why, { cause: err });
  }
}

/** The entries of a mapping node, or undefined when the node is not a mapping. */
export function entriesOf(node: unknown): YamlEntry[] | undefined {
  if (!isMap(node)) return undefined;
  return node.items.map((pair) => ({
    key: keyText(pair),
    keyNode: (isNode(pair.key) ? pair.key : null) as ParsedNode | null,
    valueNode: (isNode(pair.value) ? pair.value : null) as ParsedNode | null,
  }));
}

/** "a mapping", "a list", "a string", ... for messages like "expected a mapping, found a list". */
export function describeNode(node: unknown, value?: unknown): string {
  if (node === null || node === undefined) return 'nothing';
  if (isMap(node)) return 'a mapping';
  if (isSeq(node)) return 'a list';
  if (isAlias(node)) return 'an alias';
  if (isScalar(node)) {
    const v = value === undefined ? node.value : value;
    if (v === null) return 'null';
    if (typeof v === 'string') return `a string ("${v.length > 40 ? `${v.slice(0, 40)}…` : v}")`;
    if (typeof v === 'number') return `a number (${node.source ?? v})`;
    if (typeof v === 'boolean') return `a boolean (${node.source ?? v})`;
    return 'a scalar';
  }
  return 'a value';
}

function keyText(pair: Pair): string {
  const key = pair.key;
  if (isScalar(key)) return key.source ?? String(key.value);
  if (key === null || key === undefined) return '';
  return String(key);
}

function makeSource(file: string, doc: Document.Parsed, at: (offset: number) => SourcePosition): YamlSource {
  const top: SourcePosition = { file, line: 1, column: 1 };
  const positionOfNode = (node: unknown): SourcePosition => {
    const target = isPair(node) ? node.key : node;
    if (isNode(target) && target.range) return at(target.range[0]);
    return top;
  };
  // Walk the path; remember the deepest node reached and, for the last step, the pair.
  const walk = (path: YamlPath) => {
    let node: unknown = doc.contents;
    let deepest: unknown = node;
    let pair: Pair | undefined;
    let found = true;
    for (const step of path) {
      pair = undefined;
      let next: unknown;
      if (isMap(node)) {
        pair = node.items.find((p) => keyText(p) === String(step) || (isScalar(p.key) && p.key.value === step));
        next = pair?.value;
      } else if (isSeq(node) && typeof step === 'number') {
        next = node.items[step];
      }
      if (next === undefined && !pair) {
        found = false;
        break;
      }
      node = next;
      if (isNode(next)) deepest = next;
      else if (pair) deepest = pair;
    }
    return { node: found ? node : undefined, deepest, pair: found ? pair : undefined };
  };
  const positionOf = (path: YamlPath): SourcePosition => {
    const { node, deepest, pair } = walk(path);
    if (isNode(node)) return positionOfNode(node);
    return positionOfNode(pair ?? deepest);
  };
  const keyPositionOf = (path: YamlPath): SourcePosition => {
    const { node, deepest, pair } = walk(path);
    if (pair) return positionOfNode(pair.key);
    return positionOfNode(node ?? deepest);
  };
  return {
    file,
    doc,
    value: toJSChecked(() => doc.toJS({ maxAliasCount: 1000 }), top, doc, positionOfNode),
    positionOfNode,
    positionOf,
    keyPositionOf,
    nodeAt: (path) => {
      const { node } = walk(path);
      return isNode(node) ? (node as ParsedNode) : undefined;
    },
    toJS: (node) => (isNode(node) ? toJSChecked(() => node.toJS(doc, { maxAliasCount: 1000 }), positionOfNode(node), node, positionOfNode) : (node ?? null)),
    errorAt: (path, message, options = {}) =>
      new ConfigError(options.key ? keyPositionOf(path) : positionOf(path), message, { hint: options.hint }),
  };
}

// yaml throws a ReferenceError for aliases it will not expand (too many: a "billion laughs" document), and a plain
// Error for a merge key (`<<`) whose value is not a mapping: both are the document's fault, reported where they are.
function toJSChecked(convert: () => unknown, pos: SourcePosition, within: Node | Document, positionOfNode: (node: unknown) => SourcePosition): unknown {
  try {
    return convert();
  } catch (err) {
    if (err instanceof ReferenceError) throw new ConfigError(pos, `invalid YAML: ${plainReason(err.message)}`, { cause: err });
    if (err instanceof Error && /^Merge sources/.test(err.message)) {
      throw new ConfigError(positionOfNode(badMergeKey(within) ?? within), 'invalid YAML: a merge key (<<) must be followed by a mapping', {
        hint: 'write <<: *anchor, or <<: [*a, *b], where each anchor names a mapping',
        cause: err,
      });
    }
    throw err;
  }
}

/** The first `<<` key whose value is not a mapping, an alias or a list of those. */
function badMergeKey(within: Node | Document): unknown {
  let bad: unknown;
  visit(within, {
    Pair(_, pair) {
      if (!isScalar(pair.key) || pair.key.source !== '<<') return undefined;
      const sources = isSeq(pair.value) ? pair.value.items : [pair.value];
      if (sources.every((s) => isMap(s) || isAlias(s))) return undefined;
      bad = pair.key;
      return visit.BREAK;
    },
  });
  return bad;
}

function yamlSyntaxError(err: YAMLError, doc: Document.Parsed, text: string, at: (offset: number) => SourcePosition): ConfigError {
  const e = describeYamlError(err, doc, text, at);
  const { line, column } = e.position;
  return line === undefined ? e : new ConfigError(e.position, e.message.slice(e.message.indexOf(': ') + 2), { hint: e.hint, frame: codeFrame(text, line, column ?? 1) });
}

/**
 * Where the user must look, from where yaml noticed: yaml often reports the start of the line after the mistake
 * (an unclosed `[` is found at the next key) or the indentation before a token; Ansible (PyYAML) points at the
 * token itself.
 */
function errorOffset(err: YAMLError, text: string): number {
  let offset = err.pos[0];
  const lineStart = text.lastIndexOf('\n', offset - 1) + 1;
  // An unclosed flow collection: the line that lacks the bracket is the last one with content before this point.
  if (/end with a [\]}]/.test(err.message)) {
    let back = offset - 1;
    while (back > 0 && /\s/.test(text[back]!)) back--;
    return back + 1;
  }
  // `key: a: b`: the second `: ` is the mistake.
  if (err.code === 'BLOCK_AS_IMPLICIT_KEY' && /compact mappings/.test(err.message)) {
    const lineEnd = text.indexOf('\n', offset);
    const colon = text.slice(offset, lineEnd < 0 ? undefined : lineEnd).search(/:(\s|$)/);
    if (colon >= 0) return offset + colon;
  }
  if (err.code !== 'TAB_AS_INDENT' && /^[ \t]*$/.test(text.slice(lineStart, offset))) {
    while (offset < text.length && (text[offset] === ' ' || text[offset] === '\t')) offset++;
  }
  return offset;
}

function describeYamlError(err: YAMLError, doc: Document.Parsed, text: string, at: (offset: number) => SourcePosition): ConfigError {
  const pos = at(errorOffset(err, text));
  switch (err.code) {
    case 'MISSING_CHAR': {
      // yaml reports an unclosed quote where the file ends; the opening quote is what the user must fix.
      const open = unclosedQuoteStart(doc, err.pos[0]);
      if (open !== undefined) return new ConfigError(at(open), 'invalid YAML: this quoted string is never closed', { hint: 'add the closing quote' });
      return new ConfigError(pos, `invalid YAML: ${plainReason(err.message)}`);
    }
    case 'DUPLICATE_KEY': {
      const { name, first } = duplicateKeyInfo(doc, err.pos[0], text, at);
      return new ConfigError(pos, `duplicate key "${name}"${first ? ` (first defined at line ${first.line})` : ''}`, {
        hint: 'each key may appear only once in a mapping',
      });
    }
    case 'TAB_AS_INDENT':
      return new ConfigError(pos, 'invalid YAML: tabs are not allowed for indentation, use spaces');
    case 'MULTIPLE_DOCS':
      return new ConfigError(pos, 'invalid YAML: expected one document, found a second one (a second "---")');
    default:
      return new ConfigError(pos, `invalid YAML: ${plainReason(err.message)}`);
  }
}

/** `key: {{ x }}`: a flow mapping whose key is itself a mapping, which PyYAML refuses ("unacceptable key"). */
function unquotedTemplateStart(doc: Document.Parsed): number | undefined {
  let start: number | undefined;
  visit(doc, {
    Map(_key, node) {
      if (start === undefined && node.flow && node.items.some((p) => isMap(p.key) && (p.key as { flow?: boolean }).flow)) start = node.range?.[0];
    },
  });
  return start;
}

function unclosedQuoteStart(doc: Document.Parsed, end: number): number | undefined {
  let start: number | undefined;
  visit(doc, {
    Scalar(_key, node) {
      if ((node.type === 'QUOTE_DOUBLE' || node.type === 'QUOTE_SINGLE') && node.range?.[1] === end) start = node.range[0];
    },
  });
  return start;
}

function plainReason(message: string): string {
  const oneLine = message.split('\n')[0]!.replace(/ at line \d+, column \d+:?$/, '').trim();
  return oneLine.charAt(0).toLowerCase() + oneLine.slice(1);
}

// yaml reports the duplicate's offset; find that key and the earlier one with the same text.
function duplicateKeyInfo(doc: Document.Parsed, offset: number, text: string, at: (offset: number) => SourcePosition) {
  let found: { name: string; first?: SourcePosition } | undefined;
  const visit = (node: unknown): void => {
    if (found) return;
    if (isMap(node)) {
      const seen = new Map<string, Pair>();
      for (const pair of node.items) {
        const name = keyText(pair);
        const keyNode = pair.key as Node | null;
        if (isNode(keyNode) && keyNode.range?.[0] === offset) {
          const earlier = seen.get(name);
          found = { name, first: earlier && isNode(earlier.key) && earlier.key.range ? at(earlier.key.range[0]) : undefined };
          return;
        }
        if (!seen.has(name)) seen.set(name, pair);
        visit(pair.value);
      }
    } else if (isSeq(node)) {
      for (const item of node.items) visit(item);
    }
  };
  visit(doc.contents);
  return found ?? { name: text.slice(offset).split(/[:\n]/)[0]!.trim() };
}

