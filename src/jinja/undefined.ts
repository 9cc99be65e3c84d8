// Ansible's undefined: an error when used (printed, iterated, compared, tested for truth), except under `default`,
// `is defined` and `is undefined`. Attribute and item access on an undefined stays undefined, so
// `hostvars[h].ansible_default_ipv4.address | default('')` works when the fact is missing.

/** Why a name is undefined, for the message: the path as written and, when known, what its defined prefix has. */
export class UndefinedError extends Error {
  constructor(
    message: string,
    readonly variable: string,
    readonly hint?: string,
    readonly pos?: number,
  ) {
    super(message);
    this.name = 'UndefinedError';
  }
}

export class Undefined {
  constructor(
    readonly name: string, // the path as written: "a.b.c", "hostvars['x'].y"
    readonly hint?: string,
    readonly message?: string, // set for `x if c` without else and other undefineds with their own reason
    readonly pos?: number, // offset of the name in the template, for the error's position
    /** Jinja2's plain Undefined (what `x if c` without else gives): prints '', is false, but has no attributes. */
    readonly isLenient = false,
  ) {}

  /** The same undefined one step further down: `a.b` undefined gives `a.b.c` undefined. */
  attr(key: string | number): Undefined {
    if (this.isLenient) this.fail();
    const next = typeof key === 'number' ? `${this.name}[${key}]` : /^[A-Za-z_][A-Za-z0-9_]*$/.test(key) ? `${this.name}.${key}` : `${this.name}[${JSON.stringify(key)}]`;
    return new Undefined(next, this.hint, undefined, this.pos);
  }

  fail(): never {
    throw new UndefinedError(this.message ?? `undefined variable "${this.name}"`, this.name, this.hint, this.pos);
  }
}
