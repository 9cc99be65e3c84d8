// Variable lookups: varnames (names matching Python regexes), vars (values by name, with default=).
import { ansibleError } from '../filters/ansible-common.js';
import { pyCompile, pySearch } from '../filters/py-regex.js';
import type { LookupDef } from '../registry.js';
import { Undefined } from '../undefined.js';
import { JinjaRuntimeError, isString, pyStr, pyTypeName, toStr } from '../values.js';

const typeRepr = (v: unknown) => `<class '${pyTypeName(v)}'>`;

export const varLookups: LookupDef[] = [
  {
    name: 'varnames',
    fn: (ctx, terms) => {
      const names = ctx.variableNames();
      const out: string[] = [];
      for (const term of terms) {
        if (!isString(term)) throw ansibleError(`Invalid setting identifier, "${pyStr(term)}" is not a string, it is a ${typeRepr(term)}`);
        let rx;
        try {
          rx = pyCompile(toStr(term));
        } catch (err) {
          if (err instanceof JinjaRuntimeError) throw ansibleError(`Unable to use "${toStr(term)}" as a search parameter: ${err.message}`);
          throw err;
        }
        for (const name of names) if (pySearch(rx, name)) out.push(name);
      }
      return out;
    },
  },
  {
    name: 'vars',
    fn: (ctx, terms, kwargs) => {
      const d = kwargs.default ?? null;
      return terms.map((term) => {
        if (!isString(term)) throw ansibleError(`Invalid setting identifier, "${pyStr(term)}" is not a string, its a ${typeRepr(term)}`);
        const name = toStr(term);
        let value = ctx.resolve(name);
        if (value instanceof Undefined) {
          // then hostvars[inventory_hostname][name], as Ansible looks
          const host = ctx.resolve('inventory_hostname');
          const hostvars = ctx.resolve('hostvars');
          if (!(host instanceof Undefined) && !(hostvars instanceof Undefined)) value = ctx.getattr(ctx.getattr(hostvars, pyStr(host)), name);
        }
        if (value instanceof Undefined) {
          if (d !== null) return d;
          return new Undefined(name, undefined, `No variable found with this name: ${name}`).fail(); // AnsibleUndefinedVariable
        }
        return value;
      });
    },
  },
];
