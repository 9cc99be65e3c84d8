// One step of a variable path. Only own data properties of plain data are visible, so no template can reach a
// prototype, a constructor, a getter or a function: `constructor.constructor` is just an undefined variable.

/** The value of `key` in `parent`, or undefined when `parent` has no such own data property. */
export function lookupStep(parent: unknown, key: string): unknown {
  if (parent === null || typeof parent !== 'object') return undefined;
  const desc = Object.getOwnPropertyDescriptor(parent, key);
  if (desc === undefined || !('value' in desc)) return undefined;
  return typeof desc.value === 'function' ? undefined : desc.value;
}

/** Up to `max` keys of a map, for "did you mean" hints. */
export function someKeys(value: unknown, max = 8): string | undefined {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length === 0) return undefined;
  return keys.slice(0, max).join(', ') + (keys.length > max ? ', …' : '');
}
