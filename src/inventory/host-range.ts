// Host entries as Ansible writes them: `web[01:20].example.com`, `db-[a:f]`, `web[01:20:2]`, `host:2222`,
// `[2001:db8::1]:2222`. Ansible silently yields nothing for `web[05:01]`; we call it an error instead.

export class HostSpecError extends Error {
  /** 0-based index in the entry the problem points at. */
  readonly index: number;
  constructor(message: string, index: number) {
    super(message);
    this.index = index;
  }
}

export interface HostSpec {
  names: string[];
  port?: number;
  /** 0-based index of the port digits, for errors about the port. */
  portIndex?: number;
}

const LETTERS = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'; // Python's string.ascii_letters order
const MAX_HOSTS = 100_000;

/** Split `entry` into host names (ranges expanded) and an optional port. */
export function parseHostSpec(entry: string): HostSpec {
  if (entry.length === 0) throw new HostSpecError('empty host name', 0);
  const bracketed = /^\[([0-9A-Fa-f:.]+(?:%[\w.-]+)?)\](?::(.*))?$/.exec(entry);
  if (bracketed && countColons(bracketed[1]!) >= 2) {
    const portText = bracketed[2];
    const portIndex = bracketed[1]!.length + 3;
    return portText === undefined ? { names: [bracketed[1]!] } : { names: [bracketed[1]!], port: parsePort(portText, portIndex), portIndex };
  }
  const colons = topLevelColons(entry);
  if (colons.length === 1) {
    const at = colons[0]!;
    const portText = entry.slice(at + 1);
    if (portText === '') throw new HostSpecError(`"${entry}" ends with ':', which must be followed by a port`, at);
    return { names: expandHostRange(entry.slice(0, at)), port: parsePort(portText, at + 1), portIndex: at + 1 };
  }
  // Two or more colons outside brackets: an IPv6 address, which has no port unless bracketed.
  return { names: colons.length > 1 ? [entry] : expandHostRange(entry) };
}

/** A port number 1-65535 written in decimal. */
export function parsePort(text: string, index = 0): number {
  if (!/^[0-9]+$/.test(text)) throw new HostSpecError(`bad port "${text}": expected a number 1-65535`, index);
  const port = Number(text);
  if (port < 1 || port > 65535) throw new HostSpecError(`bad port ${text}: expected a number 1-65535`, index);
  return port;
}

/** Expand every `[begin:end]` or `[begin:end:step]` range in a host name. */
export function expandHostRange(name: string, offset = 0): string[] {
  const open = name.indexOf('[');
  if (open < 0) return [name];
  const close = name.indexOf(']', open);
  if (close < 0) throw new HostSpecError(`host range "${name.slice(open)}" has no closing ]`, offset + open);
  const head = name.slice(0, open);
  const tail = name.slice(close + 1);
  const values = rangeValues(name.slice(open + 1, close), offset + open);
  if (values.length > MAX_HOSTS) throw new HostSpecError(`host range "${name}" expands to more than ${MAX_HOSTS} hosts`, offset + open);
  return values.flatMap((v) => expandHostRange(`${head}${v}${tail}`, offset));
}

function rangeValues(inner: string, index: number): string[] {
  const bounds = inner.split(':');
  if (bounds.length !== 2 && bounds.length !== 3) {
    throw new HostSpecError(`bad host range "[${inner}]": expected [begin:end] or [begin:end:step]`, index);
  }
  const begin = bounds[0] || '0';
  const end = bounds[1]!;
  if (end === '') throw new HostSpecError(`bad host range "[${inner}]": the end is missing`, index);
  const stepText = bounds[2] ?? '1';
  if (!/^[0-9]+$/.test(stepText) || Number(stepText) === 0) {
    throw new HostSpecError(`bad host range "[${inner}]": the step must be a positive number`, index);
  }
  const step = Number(stepText);
  const isLetter = (s: string) => s.length === 1 && LETTERS.includes(s);
  if (isLetter(begin) && isLetter(end)) {
    const from = LETTERS.indexOf(begin);
    const to = LETTERS.indexOf(end);
    if (from > to) throw new HostSpecError(`bad host range "[${inner}]": ${begin} comes after ${end}`, index);
    const out: string[] = [];
    for (let i = from; i <= to; i += step) out.push(LETTERS[i]!);
    return out;
  }
  if (!/^[0-9]+$/.test(begin) || !/^[0-9]+$/.test(end)) {
    throw new HostSpecError(`bad host range "[${inner}]": the bounds must both be numbers or both single letters`, index);
  }
  // A leading zero asks for zero-padding to the width of the bounds, which must then match.
  const width = begin.length > 1 && begin.startsWith('0') ? begin.length : 0;
  if (width && end.length !== width) {
    throw new HostSpecError(`bad host range "[${inner}]": zero-padded bounds must have the same width`, index);
  }
  const from = Number(begin);
  const to = Number(end);
  if (from > to) throw new HostSpecError(`bad host range "[${inner}]": ${begin} is after ${end}`, index);
  if ((to - from) / step >= MAX_HOSTS) throw new HostSpecError(`bad host range "[${inner}]": more than ${MAX_HOSTS} hosts`, index);
  const out: string[] = [];
  for (let i = from; i <= to; i += step) out.push(String(i).padStart(width, '0'));
  return out;
}

function countColons(s: string): number {
  return s.split(':').length - 1;
}

/** Indexes of `:` that are not inside a `[...]` range. */
function topLevelColons(entry: string): number[] {
  const out: number[] = [];
  let depth = 0;
  for (let i = 0; i < entry.length; i++) {
    const c = entry[i];
    if (c === '[') depth++;
    else if (c === ']') depth = Math.max(0, depth - 1);
    else if (c === ':' && depth === 0) out.push(i);
  }
  return out;
}
