// Value semantics of the handlebars helpers. Truthiness, equality and the secret-revealing copy are the Jinja value
// model's (Python's: [] and {} are false), so `.hbs` and `.j2` agree; only how a value prints inside a `.hbs` is
// its own: null is empty, lists and maps are compact JSON.
import { isMapping, revealDeep } from '../../jinja/values.js';
import { Secret } from '../../shell/secret.js';

export { isMapping as isPlainObject, pyEquals as isEqual, pyTruthy as isTruthy, revealDeep } from '../../jinja/values.js';

/** A short type name for messages, in the YAML vocabulary users know. */
export function typeName(value: unknown): string {
  if (value === null) return 'null';
  if (value === undefined) return 'undefined';
  if (Array.isArray(value)) return 'list';
  if (value instanceof Secret) return 'secret';
  if (isMapping(value)) return 'map';
  return typeof value;
}

/** How a value prints inside text: null is empty, lists and maps are JSON, secrets show their value. */
export function toText(value: unknown): string {
  if (typeof value === 'string') return value;
  if (value === null) return '';
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return String(value);
  if (value instanceof Secret) return value.reveal();
  if (Array.isArray(value) || isMapping(value)) return JSON.stringify(revealDeep(value));
  throw new TypeError(`cannot print a ${typeName(value)}`);
}
