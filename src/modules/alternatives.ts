// alternatives (community.general.alternatives): an alternative of a Debian alternatives group installed with its
// priority and followers, selected, back in auto mode, or removed; read with `update-alternatives --display`
// (one probe) and changed with --install / --set / --auto / --remove, in community.general's order and conditions.
import { Type, type Static } from '@sinclair/typebox';
import { raw, sh, type Script } from '../shell/script.js';
import { defineModule, PlanError, StringEnum, type Change } from './define.js';
import { fromBase64, parseKeyValues } from './lib/probe-output.js';
import { stateScript } from './lib/remote-file.js';

const Subcommand = Type.Object(
  { name: Type.String({ minLength: 1 }), path: Type.String({ minLength: 1 }), link: Type.String({ minLength: 1 }) },
  { additionalProperties: false },
);

const AlternativesArgs = Type.Object(
  {
    name: Type.String({ minLength: 1, description: 'The group, e.g. editor' }),
    path: Type.String({ minLength: 1, description: 'The alternative: the file the link points to' }),
    link: Type.Optional(Type.String({ minLength: 1, description: 'The generic link (needed to install a new group)' })),
    priority: Type.Optional(Type.Integer()),
    state: StringEnum(['present', 'selected', 'absent', 'auto'], { default: 'selected' }),
    subcommands: Type.Optional(Type.Array(Subcommand, { description: 'Followers (slaves): name, path, link' })),
  },
  { additionalProperties: false },
);
export type AlternativesArgs = Static<typeof AlternativesArgs>;
type Sub = Static<typeof Subcommand>;

export interface AlternativesState {
  mode?: string;
  currentPath?: string;
  currentLink?: string;
  alternatives: Record<string, { priority: number; subcommands: Sub[] }>;
  pathExists: boolean;
}

export type AlternativesChange = Change &
  ({ op: 'install'; link: string; name: string; path: string; priority: number; subcommands?: Sub[] } | { op: 'set' | 'remove'; name: string; path: string } | { op: 'auto'; name: string });

/** parse(): community.general's regexps over `update-alternatives --display NAME`. */
export function parseDisplay(text: string, wanted?: Sub[]): Omit<AlternativesState, 'pathExists'> {
  const s: Omit<AlternativesState, 'pathExists'> = { alternatives: {} };
  const mode = /\s-\s(?:status\sis\s)?(\w*)(?:\smode|.)$/m.exec(text);
  if (!mode) return s;
  s.mode = mode[1];
  s.currentPath = /^\s*link currently points to (.*)$/m.exec(text)?.[1];
  s.currentLink = /^\s*link \w+ is (.*)$/m.exec(text)?.[1];
  let links = new Map([...text.matchAll(/^\s*(?:slave|follower) (\S+) is (.*)$/gm)].map((m) => [m[1]!, m[2]!]));
  if (links.size === 0 && wanted) links = new Map(wanted.map((w) => [w.name, w.link]));
  for (const m of text.matchAll(/^(\/.*)\s-\s(?:family\s\S+\s)?priority\s(\d+)((?:\n\s+(?:slave|follower).*)*)/gm)) {
    s.alternatives[m[1]!] = {
      priority: Number(m[2]),
      subcommands: [...m[3]!.matchAll(/^\s+(?:slave|follower) (.*): (.*)$/gm)]
        .filter((x) => x[2] !== '(null)')
        .map((x) => ({ name: x[1]!, path: x[2]!, link: links.get(x[1]!) as string })),
    };
  }
  return s;
}

const sameSub = (a: Sub, b: Sub) => a.name === b.name && a.path === b.path && a.link === b.link;

export function planAlternatives(a: AlternativesArgs, s: AlternativesState): AlternativesChange[] {
  const out: AlternativesChange[] = [];
  const current = s.alternatives[a.path];
  if (a.state === 'absent') {
    if (current) out.push({ op: 'remove', name: a.name, path: a.path });
    return out;
  }
  const subsDiffer =
    a.subcommands !== undefined && current !== undefined &&
    (!current.subcommands.every((x) => a.subcommands!.some((y) => sameSub(x, y))) || !a.subcommands.every((y) => current.subcommands.some((x) => sameSub(x, y))));
  if (!current || (a.priority !== undefined && current.priority !== a.priority) || subsDiffer) {
    if (!s.pathExists) throw new PlanError('alternatives', `Specified path ${a.path} does not exist`);
    const link = a.link ?? s.currentLink;
    if (!link) throw new PlanError('alternatives', 'Needed to install the alternative, but unable to do so as we are missing the link');
    const c: AlternativesChange = { op: 'install', link, name: a.name, path: a.path, priority: a.priority ?? current?.priority ?? 50 };
    const subs = a.subcommands ?? (current?.subcommands.length ? current.subcommands : undefined);
    if (a.subcommands !== undefined && subs) c.subcommands = subs;
    out.push(c);
  }
  if (a.state === 'selected' && s.currentPath !== a.path) out.push({ op: 'set', name: a.name, path: a.path });
  if (a.state === 'auto' && s.mode === 'manual') out.push({ op: 'auto', name: a.name });
  return out;
}

const MESSAGES = {
  install: (c: { path: string; name: string }) => `Install alternative '${c.path}' for '${c.name}'.`,
  set: (c: { path: string; name: string }) => `Set alternative '${c.path}' for '${c.name}'.`,
  remove: (c: { path: string; name: string }) => `Remove alternative '${c.path}' from '${c.name}'.`,
  auto: (c: { name: string }) => `Set alternative to auto for '${c.name}'.`,
};

function describe(c: AlternativesChange): string {
  if (c.op === 'auto') return MESSAGES.auto(c);
  return MESSAGES[c.op](c);
}

export const alternatives = defineModule({
  name: 'alternatives',
  summary: 'An alternative installed, selected, in auto mode or removed (community.general.alternatives)',
  args: AlternativesArgs,
  aliases: { slaves: 'subcommands' },
  probe: (a) =>
    stateScript([
      sh`if tsi_d=$(LC_ALL=C update-alternatives --display ${a.name} 2>/dev/null); then printf 'display_b64='; printf '%s' "$tsi_d" | base64 -w0; echo; fi`,
      sh`if [ -e ${a.path} ]; then echo path_exists=1; fi`,
      raw(`command -v update-alternatives >/dev/null 2>&1 || { echo 'tsinfra: alternatives needs update-alternatives on the host' >&2; exit 3; }`),
    ]),
  parse(r, a): AlternativesState {
    const kv = parseKeyValues(r.stdout);
    return { ...parseDisplay(fromBase64(kv.get('display_b64')).toString('utf8'), a.subcommands), pathExists: kv.get('path_exists') === '1' };
  },
  plan: planAlternatives,
  apply: (_a, changes): Script =>
    stateScript(
      changes.map((c) => {
        if (c.op === 'install') {
          const subs = (c.subcommands ?? []).flatMap((x) => ['--slave', x.link, x.name, x.path]);
          return sh`LC_ALL=C update-alternatives --install ${c.link} ${c.name} ${c.path} ${String(c.priority)} ${subs} >/dev/null`;
        }
        if (c.op === 'auto') return sh`LC_ALL=C update-alternatives --auto ${c.name} >/dev/null`;
        return sh`LC_ALL=C update-alternatives ${c.op === 'set' ? '--set' : '--remove'} ${c.name} ${c.path} >/dev/null`;
      }),
    ),
  describe,
  result: (_a, _s, changes) => ({ msg: changes.map(describe).join(' ') }),
});
