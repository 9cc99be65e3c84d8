// The `sh` tag: every interpolation is quoted, arrays become several words, secrets stay masked in logs.
import { quote } from './quote.js';
import { MASK, Secret } from './secret.js';

declare const scriptBrand: unique symbol;

/** A shell text whose every interpolated value was quoted. Build it only with `sh`, `raw` or `joinScripts`. */
export interface Script {
  readonly [scriptBrand]: true;
  /** What runs. */
  readonly text: string;
  /** What may be shown: secrets replaced by ******** (MASK). */
  readonly shown: string;
}

type Interpolation = string | number | Secret | Script | readonly (string | number | Secret)[];

function make(text: string, shown: string): Script {
  return { text, shown } as Script;
}

function isScript(v: unknown): v is Script {
  return typeof v === 'object' && v !== null && 'text' in v && 'shown' in v && !(v instanceof Secret);
}

function render(value: Interpolation): [string, string] {
  if (isScript(value)) return [value.text, value.shown];
  if (value instanceof Secret) return [quote(value.reveal()), MASK];
  if (Array.isArray(value)) {
    const parts = value.map((v) => render(v as string | number | Secret));
    return [parts.map((p) => p[0]).join(' '), parts.map((p) => p[1]).join(' ')];
  }
  const q = quote(String(value));
  return [q, q];
}

export function sh(strings: TemplateStringsArray, ...values: Interpolation[]): Script {
  let text = strings[0] ?? '';
  let shown = text;
  values.forEach((value, i) => {
    const [t, s] = render(value);
    const next = strings[i + 1] ?? '';
    text += t + next;
    shown += s + next;
  });
  return make(text, shown);
}

/** The one unquoted path: the text is used as is. Grep for raw( in reviews. */
export function raw(text: string): Script {
  return make(text, text);
}

export function joinScripts(scripts: readonly Script[], separator = '\n'): Script {
  return make(scripts.map((s) => s.text).join(separator), scripts.map((s) => s.shown).join(separator));
}
