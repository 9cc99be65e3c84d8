// Ansible's path filters: os.path and ntpath functions on the controller (core.py), and fileglob.
import { existsSync, opendirSync, realpathSync, statSync } from 'node:fs';
import { posix } from 'node:path';
import { bind, type CallContext, type FilterDef } from '../registry.js';
import { JinjaRuntimeError, defined, isString, pyTypeName, toStr, tuple } from '../values.js';
import { ansibleError } from './ansible-common.js';
import { fnmatchRegExp } from '../../text/fnmatch.js';

/** A glob for one path segment: `*` and `?` never cross a `/`. */
const segmentRegExp = (pattern: string): RegExp => new RegExp(fnmatchRegExp(pattern, '[^/]').source, 's');

/** An os.path argument: a str, else Python's TypeError. */
export function pathArg(v: unknown): string {
  if (isString(v)) return toStr(v);
  defined(v);
  throw new JinjaRuntimeError(`expected str, bytes or os.PathLike object, not ${pyTypeName(v)}`);
}

export function pyBasename(p: string): string {
  return p.slice(p.lastIndexOf('/') + 1);
}

export function pyDirname(p: string): string {
  const head = p.slice(0, p.lastIndexOf('/') + 1);
  return head && !/^\/+$/.test(head) ? head.replace(/\/+$/, '') : head;
}

/** os.path.join */
export function pyJoin(first: string, ...rest: string[]): string {
  let out = first;
  for (const b of rest) {
    if (b.startsWith('/')) out = b;
    else if (out === '' || out.endsWith('/')) out += b;
    else out += `/${b}`;
  }
  return out;
}

/** os.path.normpath (posix): keeps a leading '//' as Python does. */
export function pyNormpath(p: string): string {
  if (p === '') return '.';
  const initial = p.startsWith('/') ? (p.startsWith('//') && !p.startsWith('///') ? 2 : 1) : 0;
  const parts: string[] = [];
  for (const c of p.split('/')) {
    if (c === '' || c === '.') continue;
    if (c !== '..' || (initial === 0 && parts.length === 0) || (parts.length > 0 && parts[parts.length - 1] === '..')) parts.push(c);
    else if (parts.length > 0) parts.pop();
  }
  const out = '/'.repeat(initial) + parts.join('/');
  return out || '.';
}

export function pyExpanduser(p: string, home: string | undefined): string {
  if (!p.startsWith('~')) return p;
  const slash = p.indexOf('/', 1);
  const user = p.slice(1, slash < 0 ? undefined : slash);
  if (user !== '' || home === undefined) return p; // ~user needs the password database: left as written
  const h = home.replace(/\/+$/, '') || '/';
  return h + (slash < 0 ? '' : p.slice(slash));
}

/** os.path.realpath (non-strict): symlinks resolved as far as the path exists. */
export function pyRealpath(p: string): string {
  const abs = pyNormpath(posix.isAbsolute(p) ? p : pyJoin(process.cwd(), p));
  const parts = abs.split('/').filter(Boolean);
  for (let i = parts.length; i >= 0; i--) {
    const prefix = `/${parts.slice(0, i).join('/')}`;
    try {
      const real = realpathSync(prefix);
      return pyNormpath(pyJoin(real, ...parts.slice(i)));
    } catch {
      /* shorter prefix */
    }
  }
  return abs;
}

function splitext(p: string): [string, string] {
  const sep = p.lastIndexOf('/');
  const dot = p.lastIndexOf('.');
  if (dot > sep) {
    for (let i = sep + 1; i < dot; i++) if (p[i] !== '.') return [p.slice(0, dot), p.slice(dot)];
  }
  return [p, ''];
}

// ntpath, for the win_* filters.
function ntSplitdrive(p: string): [string, string] {
  const n = p.replace(/\//g, '\\');
  if (n.startsWith('\\\\') && n[2] !== '\\') {
    const i = n.indexOf('\\', 2);
    if (i < 0) return [p, ''];
    let j = n.indexOf('\\', i + 1);
    if (j === i + 1) return ['', p];
    if (j < 0) j = p.length;
    return [p.slice(0, j), p.slice(j)];
  }
  return p[1] === ':' ? [p.slice(0, 2), p.slice(2)] : ['', p];
}

function ntSplit(p: string): [string, string] {
  const [d, rest] = ntSplitdrive(p);
  let i = rest.length;
  while (i > 0 && !'/\\'.includes(rest[i - 1]!)) i--;
  const head = rest.slice(0, i);
  const tail = rest.slice(i);
  const trimmed = head.replace(/[/\\]+$/, '') || head;
  return [d + trimmed, tail];
}

const MAGIC = /[*?[]/;

/** A directory's names in the order the OS lists them (os.scandir's order; readdirSync would sort them). */
function dirOrder(dir: string): string[] {
  const names: string[] = [];
  try {
    const d = opendirSync(dir);
    try {
      for (let e = d.readSync(); e !== null; e = d.readSync()) names.push(e.name);
    } finally {
      d.closeSync();
    }
  } catch {
    /* unreadable: no matches, as glob */
  }
  return names;
}

/** glob.glob(pattern) relative to the controller's working directory, in directory order as Python gives it. */
export function pyGlob(pattern: string): string[] {
  const absolute = pattern.startsWith('/');
  const segments = pattern.split('/').filter((s, i) => s !== '' || i === 0);
  let found: string[] = [absolute ? '/' : ''];
  for (const seg of absolute ? segments.slice(1) : segments) {
    const next: string[] = [];
    for (const base of found) {
      const dir = base === '' ? '.' : base;
      if (!MAGIC.test(seg)) {
        const candidate = base === '' ? seg : pyJoin(base, seg);
        if (existsSync(candidate)) next.push(candidate);
        continue;
      }
      const names = dirOrder(dir);
      const re = segmentRegExp(seg);
      for (const name of names) {
        if (name.startsWith('.') && !seg.startsWith('.')) continue;
        if (re.test(name)) next.push(base === '' ? name : pyJoin(base, name));
      }
    }
    found = next;
  }
  return found.filter((f) => f !== '' && f !== '/');
}

function isFile(p: string): boolean {
  try {
    return statSync(p).isFile();
  } catch {
    return false;
  }
}

type PathFn = (p: string, ctx: CallContext) => unknown;
const unary = (name: string, fn: PathFn): FilterDef => ({
  name,
  fn: (ctx, input, args, kwargs) => {
    bind(name, args, kwargs, []);
    return fn(pathArg(input), ctx);
  },
});

export const pathFilters: FilterDef[] = [
  unary('basename', pyBasename),
  unary('dirname', pyDirname),
  unary('expanduser', (p, ctx) => pyExpanduser(p, ctx.host.env.HOME)),
  unary('realpath', pyRealpath),
  unary('splitext', (p) => tuple(splitext(p))),
  unary('win_basename', (p) => ntSplit(p)[1]),
  unary('win_dirname', (p) => ntSplit(p)[0]),
  unary('win_splitdrive', (p) => tuple(ntSplitdrive(p))),
  unary('fileglob', (p) => pyGlob(p).filter(isFile)),
  {
    name: 'relpath',
    fn: (_ctx, input, args, kwargs) => {
      const { start } = bind('relpath', args, kwargs, ['start'], { start: '.' });
      const p = pathArg(input);
      if (p === '') throw new JinjaRuntimeError('no path specified');
      const from = pyNormpath(pyJoin(process.cwd(), pathArg(start)));
      const to = pyNormpath(pyJoin(process.cwd(), p));
      return posix.relative(from, to) || '.';
    },
  },
  {
    name: 'path_join',
    fn: (_ctx, input, args, kwargs) => {
      bind('path_join', args, kwargs, []);
      if (isString(input)) return toStr(input);
      if (!Array.isArray(input)) throw ansibleError(`|path_join expects string or sequence, got <class '${pyTypeName(input)}'> instead.`);
      if (input.length === 0) throw new JinjaRuntimeError("join() missing 1 required positional argument: 'a'");
      const parts = input.map((p) => pathArg(p));
      return pyJoin(parts[0]!, ...parts.slice(1));
    },
  },
];

