// setup: gather the host's facts again mid-play (after installing a package, changing the hostname, adding an
// address), as Ansible's setup module does. The engine runs its facts script (one exec, the one a play's fact
// gathering runs) and keeps the result as the host's facts, so `ansible_facts` and every `ansible_*` variable are
// current afterwards; the registered `ansible_facts` holds Ansible's names (`ansible_distribution`, …), narrowed by
// `filter` (fnmatch patterns, Ansible's rules). gather_subset, gather_timeout and fact_path are accepted: tsinfra
// always gathers its one full set (one round trip whatever the subset), reads /etc/ansible/facts.d, and reports
// gather_subset as given.
import { fnmatchRegExp } from '../text/fnmatch.js';
import { Type, type Static } from '@sinclair/typebox';
import { defineAction, type ArgProblem, type RegisteredResult } from './define.js';

const StringList = (description: string, fallback: string[]) => Type.Array(Type.String(), { default: fallback, description });

const SetupArgs = Type.Object(
  {
    gather_subset: StringList('Accepted for Ansible compatibility: tsinfra gathers all its facts in one exec', ['all']),
    filter: StringList('Only the facts whose names match one of these fnmatch patterns (ansible_ is implied)', []),
    gather_timeout: Type.Integer({ minimum: 0, default: 10, description: 'Accepted for Ansible compatibility (the task timeout applies)' }),
    fact_path: Type.String({ default: '/etc/ansible/facts.d', description: 'Local facts (ansible_local): only the default is supported' }),
  },
  { additionalProperties: false },
);
export type SetupArgs = Static<typeof SetupArgs>;

/** Ansible's AnsibleFactCollector._filter: per pattern, each fact it matches, trying `ansible_<pattern>` too. */
export function filterFacts(facts: Record<string, unknown>, patterns: readonly string[]): Record<string, unknown> {
  if (patterns.length === 0 || (patterns.length === 1 && (patterns[0] === '' || patterns[0] === '*'))) return { ...facts };
  const out: Record<string, unknown> = {};
  for (const p of patterns) {
    const direct = fnmatchRegExp(p);
    const prefixed = /^(ansible_|facter|ohai)/.test(p) ? undefined : fnmatchRegExp(`ansible_${p}`);
    for (const [k, v] of Object.entries(facts)) if (p === '' || direct.test(k) || prefixed?.test(k)) out[k] = v;
  }
  return out;
}

const commaList = (v: unknown) => (typeof v === 'string' ? v.split(',').map((s) => s.trim()).filter((s) => s !== '') : v);

export const setup = defineAction({
  name: 'setup',
  summary: "Gather the host's facts again (ansible_facts, ansible_*), optionally registering only those matching filter",
  args: SetupArgs,
  checkMode: 'run',
  controllerOnly: false,
  normalize(input) {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) return input;
    const o = { ...(input as Record<string, unknown>) };
    if ('gather_subset' in o) o.gather_subset = commaList(o.gather_subset);
    // One pattern may hold a comma (a [,] class): filter is split only when it is a list, as in Ansible.
    if (typeof o.filter === 'string') o.filter = [o.filter];
    return o;
  },
  refine(a): ArgProblem[] {
    return a.fact_path.replace(/\/+$/, '') === '/etc/ansible/facts.d'
      ? []
      : [{ path: '/fact_path', message: 'setup: only fact_path /etc/ansible/facts.d is supported (tsinfra reads local facts from there)' }];
  },
  async run(a, io): Promise<RegisteredResult> {
    if (!io.gatherFacts) return { changed: false, failed: true, msg: 'setup: this run cannot gather facts (no host connection)' };
    const all = await io.gatherFacts();
    const facts = filterFacts({ ...all, gather_subset: [...a.gather_subset] }, a.filter);
    return { changed: false, failed: false, ansible_facts: facts };
  },
});
