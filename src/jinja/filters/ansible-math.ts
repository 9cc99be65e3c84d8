// Ansible's math filters (mathstuff.py): log, pow, root, human_readable, human_to_bytes.
import { bind, type FilterDef } from '../registry.js';
import { JinjaRuntimeError, isString, makeFloat, pyStr, pyTruthy, toNumber, toStr } from '../values.js';
import { formatFixed, pyRoundFloat } from '../python/numbers.js';
import { ansibleError } from './ansible-common.js';

/** A math-module result: ValueError where Python's math raises instead of returning NaN/inf. */
function mathResult(n: number, inputsFinite: boolean): number | ReturnType<typeof makeFloat> {
  if (Number.isNaN(n) && inputsFinite) throw new JinjaRuntimeError('math domain error');
  if (!Number.isFinite(n) && !Number.isNaN(n) && inputsFinite) throw new JinjaRuntimeError('math range error');
  return makeFloat(n);
}

function num(v: unknown, filter: string): number {
  try {
    return toNumber(v);
  } catch (err) {
    if (err instanceof JinjaRuntimeError) throw ansibleError(`${filter}() can only be used on numbers: must be real number, not ${isString(v) ? 'str' : typeof v}`);
    throw err;
  }
}

const SIZE_RANGES: [string, number][] = [['Y', 2 ** 80], ['Z', 2 ** 70], ['E', 2 ** 60], ['P', 2 ** 50], ['T', 2 ** 40], ['G', 2 ** 30], ['M', 2 ** 20], ['K', 2 ** 10], ['B', 1]];

function bytesToHuman(sizeIn: unknown, isbits: boolean, unit: unknown): string {
  const size = toNumber(sizeIn);
  const base = isbits ? 'bits' : 'Bytes';
  let suffix = '';
  let limit = 1;
  for ([suffix, limit] of SIZE_RANGES) {
    if ((unit === null && size >= limit) || (unit !== null && toStr(unit).toUpperCase() === suffix[0])) break;
  }
  suffix = limit !== 1 ? suffix + base[0] : base;
  return `${formatFixed(size / limit, 2)} ${suffix}`;
}

function humanToBytes(input: unknown, defaultUnit: unknown, isbits: boolean): number {
  const text = pyStr(input);
  const m = /^\s*(\d*\.?\d*)\s*([A-Za-z]+)?/.exec(text)!;
  const number = m[1]!;
  if (!/^(\d+\.?\d*|\.\d+)$/.test(number)) throw new Error('bad number');
  const n = Number(number);
  const unit = m[2] ?? (defaultUnit === null ? undefined : toStr(defaultUnit));
  if (unit === undefined) return pyRoundFloat(n, 0);
  const rangeKey = unit[0]!.toUpperCase();
  const entry = SIZE_RANGES.find(([k]) => k === rangeKey);
  if (!entry) throw new Error('bad unit');
  const unitClass = isbits ? 'b' : 'B';
  const unitClassName = isbits ? 'bit' : 'byte';
  if (unit.length > 1 && !unit.toLowerCase().includes(unitClassName) && unit[1] !== unitClass) throw new Error('bad unit class');
  return pyRoundFloat(n * entry[1], 0);
}

export const mathFilters: FilterDef[] = [
  {
    name: 'log',
    fn: (_ctx, input, args, kwargs) => {
      const { base } = bind('log', args, kwargs, ['base'], { base: Math.E });
      const x = num(input, 'log');
      const b = num(base, 'log');
      if (x <= 0 || b <= 0 || b === 1) throw new JinjaRuntimeError(b === 1 ? 'float division by zero' : 'math domain error');
      return makeFloat(b === 10 ? Math.log10(x) : Math.log(x) / Math.log(b));
    },
  },
  {
    name: 'pow',
    fn: (_ctx, input, args, kwargs) => {
      const { y } = bind('pow', args, kwargs, ['y']);
      const a = num(input, 'pow');
      const b = num(y, 'pow');
      return mathResult(a ** b, Number.isFinite(a) && Number.isFinite(b));
    },
  },
  {
    name: 'root',
    fn: (_ctx, input, args, kwargs) => {
      const { base } = bind('root', args, kwargs, ['base'], { base: 2 });
      const x = num(input, 'root');
      const b = num(base, 'root');
      if (b === 2) {
        if (x < 0) throw ansibleError('root() can only be used on numbers: math domain error');
        return makeFloat(Math.sqrt(x));
      }
      const r = x ** (1 / b);
      if (Number.isNaN(r)) throw ansibleError('root() can only be used on numbers: math domain error');
      return makeFloat(r);
    },
  },
  {
    name: 'human_readable',
    fn: (_ctx, input, args, kwargs) => {
      const b = bind('human_readable', args, kwargs, ['isbits', 'unit'], { isbits: false, unit: null });
      try {
        return bytesToHuman(input, pyTruthy(b.isbits), b.unit);
      } catch (err) {
        if (err instanceof JinjaRuntimeError) throw ansibleError(`human_readable() failed on bad input: ${err.message}`);
        throw err;
      }
    },
  },
  {
    name: 'human_to_bytes',
    fn: (_ctx, input, args, kwargs) => {
      const b = bind('human_to_bytes', args, kwargs, ['default_unit', 'isbits'], { default_unit: null, isbits: false });
      try {
        return humanToBytes(input, b.default_unit, pyTruthy(b.isbits));
      } catch (err) {
        if (err instanceof JinjaRuntimeError && err.message.startsWith('undefined')) throw err;
        throw ansibleError(`human_to_bytes() can't interpret following string: ${pyStr(input)}`);
      }
    },
  },
];
