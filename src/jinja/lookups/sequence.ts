// lookup('sequence', 'start=1 end=5 format=node%02d') and the short form '[start-]end[/stride][:format]'.
import { ansibleError } from '../filters/ansible-common.js';
import { pyPercentFormat } from '../python/printf.js';
import type { LookupDef } from '../registry.js';
import { toStr } from '../values.js';

const SHORTCUT = /^((0?x?[0-9a-f]+)-)?(0?x?[0-9a-f]+)(\/(0?x?[0-9a-f]+))?(:(.+))?$/is;

/** Python's int(text, 0): 0x/0o/0b prefixes, underscores between digits, no leading zeros. */
function int0(text: string): number | undefined {
  const m = /^\s*([-+]?)(0[xX](?:_?[0-9a-fA-F])+|0[oO](?:_?[0-7])+|0[bB](?:_?[01])+|0(?:_?0)*|[1-9](?:_?[0-9])*)\s*$/.exec(text);
  if (!m) return undefined;
  const body = m[2]!.replace(/_/g, '');
  const n = /^0[xob]/i.test(body) ? Number(body.toLowerCase()) : Number(body);
  return m[1] === '-' ? -n : n;
}

/** Ansible's parse_kv for this lookup: whitespace-separated k=v words, quotes allowed around values. */
function parseKv(term: string): Record<string, string> {
  const out: Record<string, string> = {};
  const raw: string[] = [];
  for (const m of term.matchAll(/(?:[^\s"']+|"[^"]*"|'[^']*')+/g)) {
    const word = m[0];
    const eq = word.indexOf('=');
    if (eq > 0 && /^[A-Za-z_][A-Za-z0-9_]*$/.test(word.slice(0, eq))) out[word.slice(0, eq)] = word.slice(eq + 1).replace(/^(["'])(.*)\1$/s, '$2');
    else raw.push(word);
  }
  if (raw.length > 0) out._raw_params = raw.join(' ');
  return out;
}

function sequence(term: string): string[] {
  let start = 1;
  let end: number | undefined;
  let count: number | undefined;
  let stride = 1;
  let format = '%d';
  const parse = (name: string, text: string) => {
    const v = int0(text);
    if (v === undefined) throw ansibleError(`can't parse ${name}=${text} as integer`);
    return v;
  };
  const m = SHORTCUT.exec(term);
  if (m) {
    if (m[2] !== undefined) start = parse('start', m[2]);
    end = parse('end', m[3]!);
    if (m[5] !== undefined) stride = parse('stride', m[5]);
    if (m[7] !== undefined) format = m[7];
  } else {
    const args = parseKv(term);
    for (const k of ['start', 'end', 'count', 'stride'] as const) {
      if (args[k] === undefined) continue;
      const v = parse(k, args[k]);
      delete args[k];
      if (k === 'start') start = v;
      else if (k === 'end') end = v;
      else if (k === 'count') count = v;
      else stride = v;
    }
    if (args.format !== undefined) {
      format = args.format;
      delete args.format;
    }
    const rest = Object.keys(args);
    if (rest.length > 0) throw ansibleError(`unrecognized arguments to with_sequence: [${rest.map((k) => `'${k}'`).join(', ')}]`);
  }
  if (count === undefined && end === undefined) throw ansibleError('must specify count or end in with_sequence');
  if (count !== undefined && end !== undefined) throw ansibleError("can't specify both count and end in with_sequence");
  if (count !== undefined) {
    if (count !== 0) end = start + count * stride - 1;
    else start = end = stride = 0;
  }
  if (stride > 0 && end! < start) throw ansibleError('to count backwards make stride negative');
  if (stride < 0 && end! > start) throw ansibleError("to count forward don't make stride negative");
  if ((format.match(/%/g) ?? []).length !== 1) throw ansibleError(`bad formatting string: ${format}`);
  if (stride === 0) return [];
  const out: string[] = [];
  const stop = end! + (stride >= 0 ? 1 : -1);
  for (let i = start; stride > 0 ? i < stop : i > stop; i += stride) {
    try {
      out.push(pyPercentFormat(format, i));
    } catch {
      throw ansibleError(`problem formatting ${i} with '${format}'`);
    }
  }
  return out;
}

export const sequenceLookups: LookupDef[] = [{ name: 'sequence', fn: (_ctx, terms) => terms.flatMap((t) => sequence(toStr(t))) }];
