// What the playbook loader needs to know about modules. src/modules/registry.ts provides it (registry-catalog.ts);
// tests pass a small fake. Kept as an interface so the loader never depends on which modules exist.

export interface ArgProblem {
  /** JSON pointer inside the args ('' = the args as a whole). */
  path: string;
  message: string;
}

export type ArgsCheck = { ok: true; args: unknown } | { ok: false; problems: ArgProblem[] };

export interface ModuleCatalog {
  /** Module names ("apt", "copy", "set_fact", …). */
  names(): string[];
  /** Validate raw (unrendered) args: an object, a free-form string or null. */
  validate(name: string, args: unknown): ArgsCheck;
  /**
   * Reshape a free-form value (`shell: echo hi`) into the args object, without defaults, so `args:` can be
   * merged into it. Optional: without it such a task's args are `{ ...args, _raw_params: "echo hi" }`.
   */
  normalize?(name: string, raw: unknown): unknown;
  /** Alternative argument names, alias → canonical (`dest` → `path`): problems about `path` are about `dest` when that was written. */
  aliases?(name: string): Readonly<Record<string, string>>;
  /** Whether the module can run as a detached job (`async:`). Optional: without it every module can. */
  supportsAsync?(name: string): boolean;
  /** name → JSON Schema of the args, for the editor schema file. Optional. */
  schemas?(): Record<string, Record<string, unknown>>;
}

/** Collections whose modules map onto ours by their short name (`ansible.builtin.apt` → `apt`). */
export const KNOWN_COLLECTIONS = ['ansible.builtin.', 'ansible.legacy.', 'ansible.posix.', 'community.general.'] as const;

/** The short name for a key (`ansible.builtin.copy` → `copy`); the key itself when it has no known prefix. */
export function shortActionName(key: string): string {
  for (const prefix of KNOWN_COLLECTIONS) {
    if (key.startsWith(prefix) && key.length > prefix.length) return key.slice(prefix.length);
  }
  return key;
}

/** The catalog module a task key names, or undefined. */
export function moduleForKey(key: string, modules: ReadonlySet<string>): string | undefined {
  const short = shortActionName(key);
  return modules.has(short) ? short : undefined;
}
