// A value that must never be shown, and the one way tsinfra hides secrets in text: every masking path (reporters,
// logs, ad-hoc output, inventory, error messages) writes the same marker, MASK, through redactText/secretNeedles.
export const MASK = '********';
// Shorter values would mask ordinary words everywhere (the floor of every by-value mask).
export const MIN_SECRET_LENGTH = 4;

export class Secret {
  readonly #value: string;
  constructor(value: string) {
    this.#value = value;
  }
  /** The real value: only for stdin of a remote command or a hash function. */
  reveal(): string {
    return this.#value;
  }
  toString(): string {
    return MASK;
  }
  toJSON(): string {
    return MASK;
  }
  [Symbol.for('nodejs.util.inspect.custom')](): string {
    return MASK;
  }
}

export function secret(value: string): Secret {
  return new Secret(value);
}

/**
 * The texts that give each secret away, longest first (so a secret is masked whole before any of its lines): the
 * secret as is and without its final newline, JSON-escaped (--json), base64-encoded, and each of its lines (a
 * multi-line key shows up a line at a time in a diff or an error). A secret itself is always a needle; its derived
 * pieces only from MIN_SECRET_LENGTH characters up (a line `}` is no secret).
 */
export function secretNeedles(secrets: Iterable<string>): string[] {
  const out = new Set<string>();
  const whole = new Set<string>();
  for (const s of secrets) {
    if (s.length > 0) whole.add(s);
    for (const form of [s, s.replace(/\r?\n$/, '')]) {
      out.add(form);
      out.add(JSON.stringify(form).slice(1, -1));
      out.add(Buffer.from(form).toString('base64').replace(/=+$/, ''));
    }
    for (const line of s.split(/\r?\n/)) {
      const text = line.trim();
      out.add(text);
      out.add(JSON.stringify(text).slice(1, -1));
    }
  }
  const needles = [...out].filter((n) => n.length >= MIN_SECRET_LENGTH);
  return [...new Set([...whole, ...needles])].sort((a, b) => b.length - a.length);
}

/** `text` with every needle (from secretNeedles) replaced by MASK. */
export function redactNeedles(text: string, needles: readonly string[]): string {
  let out = text;
  for (const n of needles) if (out.includes(n)) out = out.split(n).join(MASK);
  return out;
}

/** Replace every secret (and its escaped, base64 and per-line forms) in a text we did not build ourselves. */
export function redactText(text: string, secrets: Iterable<string>): string {
  return redactNeedles(text, secretNeedles(secrets));
}
