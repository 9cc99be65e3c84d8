// modprobe (community.general.modprobe): a kernel module loaded (or not), and with `persistent` loaded at boot:
// /etc/modules-load.d/NAME.conf names it, /etc/modprobe.d/NAME.conf holds its params as `options NAME k=v` lines
// (earlier `options NAME …` lines elsewhere are commented out). One probe reads /proc/modules, modules.builtin and
// both directories; the plan is community.general's, the files are edited on the controller.
// Differences, on purpose: a host whose kernel has no loadable modules (no /proc/modules, e.g. a container) counts as
// "nothing loaded" instead of failing, so `state: absent` and `persistent` still work there, and modprobe(8) is only
// needed when something must be loaded or unloaded; commented-out lines keep their line breaks (Ansible's
// '\n'.join(readlines()) doubles them).
import { Type, type Static } from '@sinclair/typebox';
import { posix } from 'node:path';
import { raw, sh, type Script } from '../shell/script.js';
import { defineModule, expecting, StringEnum, type Change } from './define.js';
import { fromBase64 } from './lib/probe-output.js';
import { planWrite, stateScript, writeScript, type WriteChange } from './lib/remote-file.js';

const MODULES_LOAD = '/etc/modules-load.d';
const MODPROBE_D = '/etc/modprobe.d';

const ModprobeArgs = Type.Object(
  {
    name: expecting(Type.String({ pattern: '^[A-Za-z0-9_.-]+$' }), 'a kernel module name'),
    state: StringEnum(['absent', 'present'], { default: 'present' }),
    params: Type.String({ default: '', description: 'Module parameters, e.g. "numdummies=2"' }),
    persistent: StringEnum(['disabled', 'present', 'absent'], { default: 'disabled', description: 'Load at boot (modules-load.d, modprobe.d)' }),
  },
  { additionalProperties: false },
);
export type ModprobeArgs = Static<typeof ModprobeArgs>;

export interface ModprobeState {
  loaded: boolean;
  /** path → text of the regular files in /etc/modules-load.d and /etc/modprobe.d. */
  files: Record<string, string>;
}

export type ModprobeChange = ({ op: 'load' | 'unload'; name: string; params: string } & Change) | (WriteChange & { why: string });

const escapeRe = (s: string) => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function probe(a: ModprobeArgs): Script {
  return stateScript([
    raw(`if [ -r /proc/modules ]; then printf 'proc_b64='; cut -d' ' -f1 /proc/modules | base64 -w0; echo; fi`),
    raw(`tsi_b=/lib/modules/$(uname -r)/modules.builtin`),
    sh`if [ -r "$tsi_b" ]; then printf 'builtin_b64='; { grep -F -- ${`/${a.name}.ko`} "$tsi_b" || true; } | base64 -w0; echo; fi`,
    sh`for f in ${MODULES_LOAD}/* ${MODPROBE_D}/*; do if [ -f "$f" ] && [ ! -L "$f" ]; then printf 'file=%s:%s\n' "$(printf '%s' "$f" | base64 -w0)" "$(base64 -w0 < "$f")"; fi; done`,
  ]);
}

export function parseModprobe(stdout: string, a: Pick<ModprobeArgs, 'name'>): ModprobeState {
  const files: Record<string, string> = {};
  let proc = '';
  let builtin = '';
  for (const line of stdout.split('\n')) {
    if (line.startsWith('proc_b64=')) proc = fromBase64(line.slice(9)).toString('utf8');
    else if (line.startsWith('builtin_b64=')) builtin = fromBase64(line.slice(12)).toString('utf8');
    else if (line.startsWith('file=')) {
      const [path, text] = line.slice(5).split(':');
      files[fromBase64(path).toString('utf8')] = fromBase64(text).toString('utf8');
    }
  }
  const name = a.name.replace(/-/g, '_');
  const loaded = proc.split('\n').includes(name) || builtin.split('\n').some((l) => l.trimEnd().endsWith(`/${a.name}.ko`));
  return { loaded, files };
}

const inDir = (dir: string, files: Record<string, string>) => Object.keys(files).filter((p) => posix.dirname(p) === dir).sort();
const linesOf = (text: string) => text.match(/[^\n]*\n|[^\n]+$/g) ?? ([] as string[]);

export function planModprobe(a: ModprobeArgs, s: ModprobeState): ModprobeChange[] {
  const out: ModprobeChange[] = [];
  if (a.state === 'present' && !s.loaded) out.push({ op: 'load', name: a.name, params: a.params });
  if (a.state === 'absent' && s.loaded) out.push({ op: 'unload', name: a.name, params: '' });

  const findModule = new RegExp(`^ *${escapeRe(a.name)} *(?:[#;].*)?\\n?$`);
  const findParams = new RegExp(`^options ${escapeRe(a.name)} \\w+=\\S+ *(?:[#;].*)?\\n?$`);
  const getParams = new RegExp(`^options ${escapeRe(a.name)} (\\w+=\\S+) *(?:[#;].*)?\\n?$`);
  const loadFiles = inDir(MODULES_LOAD, s.files);
  const optionFiles = inDir(MODPROBE_D, s.files);
  const persistently = loadFiles.some((f) => linesOf(s.files[f]!).some((l) => findModule.test(l)));
  const permanent = new Set(optionFiles.flatMap((f) => linesOf(s.files[f]!).flatMap((l) => getParams.exec(l)?.[1] ?? [])));
  const wanted = new Set(a.params.split(/\s+/).filter(Boolean));
  const paramsSet = wanted.size === permanent.size && [...wanted].every((p) => permanent.has(p));

  const write = (path: string, text: string, why: string) => {
    out.push({ ...planWrite(path, Buffer.from(text, 'utf8'), { kind: 'none' }, {}), parents: true, why });
  };
  const commentOut = (files: string[], re: RegExp, why: string) => {
    for (const f of files) {
      const lines = linesOf(s.files[f]!);
      if (lines.some((l) => re.test(l))) write(f, lines.map((l) => (re.test(l) ? `#${l}` : l)).join(''), why);
    }
  };
  if (a.persistent === 'present' && !(persistently && paramsSet)) {
    if (!persistently) write(posix.join(MODULES_LOAD, `${a.name}.conf`), `${a.name}\n`, `load ${a.name} at boot`);
    if (!paramsSet) {
      commentOut(optionFiles, findParams, `comment out old options of ${a.name}`);
      const text = [...wanted].map((p) => `options ${a.name} ${p}`).join('\n') + '\n';
      write(posix.join(MODPROBE_D, `${a.name}.conf`), text, `set options of ${a.name}: ${a.params}`);
    }
  } else if (a.persistent === 'absent' && (persistently || permanent.size > 0)) {
    if (persistently) commentOut(loadFiles, findModule, `do not load ${a.name} at boot`);
    if (permanent.size > 0) commentOut(optionFiles, findParams, `comment out the options of ${a.name}`);
  }
  return mergeWrites(out);
}

/** Two edits of one file (old options commented out, then the file rewritten): the last one wins. */
function mergeWrites(changes: ModprobeChange[]): ModprobeChange[] {
  const last = new Map<string, number>();
  changes.forEach((c, i) => c.op === 'write' && last.set(c.path, i));
  return changes.filter((c, i) => c.op !== 'write' || last.get(c.path) === i);
}

export const modprobe = defineModule({
  name: 'modprobe',
  summary: 'A kernel module loaded or unloaded, and loaded at boot (community.general.modprobe)',
  args: ModprobeArgs,
  probe,
  parse: (r, a) => parseModprobe(r.stdout, a),
  plan: planModprobe,
  apply: (_a, changes) =>
    stateScript(
      changes.map((c) => {
        if (c.op === 'load') return sh`modprobe -- ${c.name} ${c.params.split(/\s+/).filter(Boolean)}`;
        if (c.op === 'unload') return sh`modprobe -r -- ${c.name}`;
        return writeScript(c as WriteChange);
      }),
    ),
  describe: (c) => (c.op === 'write' ? `${c.why} (${c.path})` : `${c.op} ${c.name}${c.params ? ` ${c.params}` : ''}`),
  result: (a) => ({ name: a.name, params: a.params, state: a.state }),
});
