// Lookups and writes keyed by user text. A plain object answers `toString` or `constructor` from its prototype,
// and assigning `__proto__` replaces the prototype: user keys must only ever reach own properties.

/** The value stored under `key` itself, never one inherited from Object.prototype. */
export function ownValue<T>(table: Readonly<Record<string, T>>, key: string): T | undefined {
  return Object.hasOwn(table, key) ? table[key] : undefined;
}

/** Stores `value` under `key` as an own, enumerable property, even when the key is "__proto__". */
export function setOwn(target: Record<string, unknown>, key: string, value: unknown): void {
  Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
}
