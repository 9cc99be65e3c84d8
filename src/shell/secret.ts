// A value that must never be shown: it quotes like a string in scripts but prints as *** everywhere else.
const MASK = '***';

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

/** Replace every occurrence of each secret in a text (for output we did not build ourselves, e.g. stderr). */
export function redactText(text: string, secrets: Iterable<string>): string {
  let out = text;
  for (const s of secrets) if (s.length > 0) out = out.split(s).join(MASK);
  return out;
}
