// The registry's tables: Jinja2's builtins, then Ansible's, which replace a builtin of the same name as they do in
// ansible-core (unique, min, max, random, flatten…).
import { ansibleFilters } from './filters/ansible-filters.js';
import { jinjaFilters } from './filters/jinja-builtins.js';
import { lookups } from './lookups/index.js';
import { defineFilters, defineLookups, defineTests, type FilterDef, type TestDef } from './registry.js';
import { ansibleTests } from './tests/ansible-tests.js';
import { jinjaTests } from './tests/jinja-builtins.js';

function overriding<T extends { name: string }>(base: readonly T[], over: readonly T[]): T[] {
  const names = new Set(over.map((d) => d.name));
  return [...base.filter((d) => !names.has(d.name)), ...over];
}

export const FILTERS: ReadonlyMap<string, FilterDef> = defineFilters(overriding(jinjaFilters, ansibleFilters));
export const TESTS: ReadonlyMap<string, TestDef> = defineTests(overriding(jinjaTests, ansibleTests));
export const LOOKUPS = defineLookups(lookups);
