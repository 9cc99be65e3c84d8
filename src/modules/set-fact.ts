// set_fact: host variables from this point on. Values arrive already templated; the engine merges
// `ansible_facts` from the result into the host's vars.
import { Type, type Static } from '@sinclair/typebox';
import { defineAction, type ArgProblem } from './define.js';
import { splitWords } from './command.js';

const SetFactArgs = Type.Object(
  {
    cacheable: Type.Optional(Type.Boolean({ description: 'Accepted for Ansible compatibility (facts are not cached across runs)' })),
  },
  { additionalProperties: true, description: 'Any variable names with their values' },
);
export type SetFactArgs = Static<typeof SetFactArgs> & Record<string, unknown>;

const NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

export const setFact = defineAction({
  name: 'set_fact',
  summary: 'Set host variables for the rest of the run',
  args: SetFactArgs,
  checkMode: 'run',
  controllerOnly: true,
  normalize(input) {
    if (typeof input !== 'string') return input;
    // `set_fact: a=1 b="two words"`
    return Object.fromEntries(
      splitWords(input).map((w) => {
        const i = w.indexOf('=');
        return i < 0 ? [w, null] : [w.slice(0, i), w.slice(i + 1)];
      }),
    );
  },
  refine(a): ArgProblem[] {
    const out: ArgProblem[] = [];
    const names = Object.keys(a).filter((k) => k !== 'cacheable');
    if (names.length === 0) out.push({ path: '', message: 'set_fact needs at least one variable' });
    for (const k of names) if (!NAME.test(k)) out.push({ path: `/${k}`, message: `set_fact: '${k}' is not a valid variable name` });
    return out;
  },
  async run(a) {
    const facts = Object.fromEntries(Object.entries(a).filter(([k]) => k !== 'cacheable'));
    return { changed: false, failed: false, ansible_facts: facts };
  },
});
