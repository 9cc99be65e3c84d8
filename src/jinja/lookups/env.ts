// lookup('env', 'HOME', default=''): the controller's environment.
import { ansibleError } from '../filters/ansible-common.js';
import { pySplit } from '../python/text.js';
import type { LookupDef } from '../registry.js';
import { Undefined } from '../undefined.js';
import { JinjaRuntimeError, pyTypeName, toStr } from '../values.js';

export const envLookups: LookupDef[] = [
  {
    name: 'env',
    fn: (ctx, terms, kwargs) => {
      const d = Object.hasOwn(kwargs, 'default') ? kwargs.default : '';
      return terms.map((term) => {
        if (typeof term !== 'string') throw new JinjaRuntimeError(`'${pyTypeName(term)}' object has no attribute 'split'`);
        const name = pySplit(toStr(term), null, -1)[0];
        if (name === undefined) throw new JinjaRuntimeError('list index out of range');
        const value = Object.hasOwn(ctx.host.env, name) ? ctx.host.env[name] : undefined;
        if (value !== undefined) return value;
        if (d instanceof Undefined) throw ansibleError(`The "env" lookup, found an undefined variable: ${name}`);
        return d;
      });
    },
  },
];
