// Helpers shared by Ansible's filters, tests and lookups: Python's conversions as Ansible applies them.
import { Secret } from '../../shell/secret.js';
import { JinjaRuntimeError, defined, isNumber, pyStr, toNumber, toStr } from '../values.js';

/** AnsibleFilterError / AnsibleError: the message as Ansible words it. */
export function ansibleError(message: string): JinjaRuntimeError {
  return new JinjaRuntimeError(message);
}

/** to_text(value, nonstring='simplerepr'): a str as is, anything else as str() prints it. Undefined raises. */
export function toText(value: unknown): string {
  defined(value);
  if (value instanceof Secret) return value.reveal();
  return pyStr(value);
}

/** Ansible's is_sequence: a list or tuple (not a str, not a dict). */
export function isSequence(value: unknown): value is unknown[] {
  defined(value);
  return Array.isArray(value);
}

/** ansible.module_utils.parsing.convert_bool.boolean(value, strict): the yes/no/on/off/1/0 family. */
export function convertBool(value: unknown, strict = true): boolean {
  defined(value);
  if (typeof value === 'boolean') return value;
  if (typeof value === 'string' || value instanceof Secret) {
    const v = toStr(value).toLowerCase().trim();
    if (['y', 'yes', 'on', '1', 'true', 't'].includes(v)) return true;
    if (['n', 'no', 'off', '0', 'false', 'f'].includes(v) || !strict) return false;
  } else if (isNumber(value)) {
    const n = toNumber(value);
    if (n === 1) return true;
    if (n === 0 || !strict) return false;
  } else if (!strict) {
    return false;
  }
  throw new TypeError(`The value '${pyStr(value)}' is not a valid boolean.`);
}

/** The definitions again under their collection names (ansible.builtin.quote), which templates may also write. */
export function qualified<T extends { name: string }>(defs: readonly T[], ...collections: string[]): T[] {
  return [...defs, ...collections.flatMap((c) => defs.map((d) => ({ ...d, name: `${c}.${d.name}` })))];
}
