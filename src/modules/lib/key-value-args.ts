// Ansible's `k=v` free-form arguments (`copy: src=a dest=/b mode=0644`), read as its parse_kv reads them: words
// split on whitespace outside quotes and `{{ }}`/`{% %}`/`{# #}`, each split at its first unescaped `=`, the value
// unquoted and its escapes decoded. Values stay text, as in Ansible; words without `=` are `_raw_params`.

const ESCAPES: Record<string, string> = { n: '\n', t: '\t', r: '\r', a: '\x07', b: '\b', f: '\f', v: '\v', '\\': '\\', "'": "'", '"': '"' };

/**
 * The sequences parse_kv decodes (splitter.py's _ESCAPE_SEQUENCE_RE): \n, \t, \xNN, \uNNNN, quotes. No octal: a
 * backreference such as `replace='\1'` stays as written.
 */
function decodeEscapes(s: string): string {
  return s.replace(/\\(U[0-9a-fA-F]{8}|u[0-9a-fA-F]{4}|x[0-9a-fA-F]{2}|[\\'"abfnrtv])/g, (_all, e: string) => {
    if (e.length === 1 && Object.hasOwn(ESCAPES, e)) return ESCAPES[e]!;
    return String.fromCodePoint(parseInt(e.slice(1), 16));
  });
}

/** Words of an argument string: whitespace splits them except inside quotes and template blocks. */
export function splitArgs(text: string): string[] {
  const words: string[] = [];
  let cur = '';
  let quote: string | undefined;
  let depth = 0; // inside {{ }}, {% %} or {# #}
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    const two = text.slice(i, i + 2);
    if (quote === undefined && /^\{[{%#]$/.test(two)) {
      depth++;
      cur += two;
      i++;
      continue;
    }
    if (depth > 0 && quote === undefined && /^[}%#]\}$/.test(two)) {
      depth--;
      cur += two;
      i++;
      continue;
    }
    if (c === '\\' && i + 1 < text.length) {
      cur += c + text[i + 1];
      i++;
      continue;
    }
    if (quote !== undefined) {
      if (c === quote) quote = undefined;
      cur += c;
      continue;
    }
    if (c === '"' || c === "'") {
      quote = c;
      cur += c;
      continue;
    }
    if (/\s/.test(c) && depth === 0) {
      if (cur !== '') words.push(cur);
      cur = '';
      continue;
    }
    cur += c;
  }
  if (quote !== undefined) throw new Error(`no closing quotation (${quote}): quote the whole line, or use a mapping`);
  if (cur !== '') words.push(cur);
  return words;
}

function unquote(v: string): string {
  return v.length >= 2 && (v[0] === '"' || v[0] === "'") && v.at(-1) === v[0] ? v.slice(1, -1) : v;
}

/** `src=a dest="/b c"` → `{ src: 'a', dest: '/b c' }`; words without `=` are joined into `_raw_params`. */
export function parseKeyValueArgs(text: string): Record<string, unknown> {
  const options: Record<string, unknown> = {};
  const rawParams: string[] = [];
  for (const word of splitArgs(text)) {
    const decoded = decodeEscapes(word);
    const eq = decoded.search(/(?<!\\)=/);
    if (eq <= 0) {
      rawParams.push(eq === 0 ? word : decoded.replace(/\\=/g, '='));
      continue;
    }
    options[decoded.slice(0, eq).trim()] = unquote(decoded.slice(eq + 1).trim());
  }
  if (rawParams.length > 0) options._raw_params = rawParams.join(' ');
  return options;
}
