// timezone (community.general.timezone): the system's time zone and whether the RTC keeps local time. As in
// community.general, a host where `timedatectl` works is set with it; elsewhere (containers, lab hosts) the Debian
// way: /etc/timezone, the /etc/localtime link and `dpkg-reconfigure tzdata`; the hardware clock through
// /etc/default/rcS and `hwclock --systohc`. One probe reads either; the plan compares the values community.general
// compares, and msg names what was edited or executed, as it does.
// Difference: the registered `diff` is --diff's text (name: before → after), not Ansible's always-present dict.
import { Type, type Static } from '@sinclair/typebox';
import { joinScripts, raw, sh, type Script } from '../shell/script.js';
import { defineModule, PlanError, StringEnum, type ArgProblem, type Change } from './define.js';
import { fromBase64, parseKeyValues } from './lib/probe-output.js';
import { stateScript } from './lib/remote-file.js';

const TimezoneArgs = Type.Object(
  {
    name: Type.Optional(Type.String({ pattern: '^[A-Za-z0-9_+./-]+$', description: 'The time zone, e.g. Europe/Paris' })),
    hwclock: Type.Optional(StringEnum(['local', 'UTC'], { description: 'Whether the hardware clock keeps UTC or local time' })),
  },
  { additionalProperties: false },
);
export type TimezoneArgs = Static<typeof TimezoneArgs>;

export interface TimezoneState {
  method: 'systemd' | 'files';
  /** Current values as community.general reads them ('n/a' when it cannot tell). */
  name?: string;
  hwclock?: string;
  zoneExists: boolean;
  /** files: lines of /etc/timezone and /etc/default/rcS that hold a value (they are replaced). */
  timezoneLines: number;
  rcsLines: number;
  hasDpkgReconfigure: boolean;
}

export interface TimezoneChange extends Change {
  op: 'set';
  key: 'name' | 'hwclock';
  from: string;
  to: string;
  method: 'systemd' | 'files';
  /** files: how many value lines the edit replaces (for msg); whether dpkg-reconfigure tzdata runs. */
  replaced: number;
  dpkg: boolean;
}

function probe(a: TimezoneArgs): Script {
  const parts: Script[] = [
    raw(`if command -v timedatectl >/dev/null 2>&1 && timedatectl >/dev/null 2>&1; then echo method=systemd; printf 'status_b64='; LC_ALL=C timedatectl status | base64 -w0; echo`),
    raw(`else echo method=files`),
    raw(`  for f in /etc/timezone /etc/default/rcS /etc/adjtime; do k=$(basename "$f" | tr -cd 'a-zA-Z' | tr 'A-Z' 'a-z'); if [ -f "$f" ]; then printf '%s_b64=' "$k"; base64 -w0 < "$f"; echo; fi; done`),
    raw(`  if [ -L /etc/localtime ]; then printf 'link_b64='; readlink /etc/localtime | tr -d '\\n' | base64 -w0; echo; if [ -e /etc/localtime ]; then echo link_ok=1; fi; fi`),
    raw(`  if command -v dpkg-reconfigure >/dev/null 2>&1; then echo dpkg=1; fi`),
  ];
  if (a.name !== undefined) parts.push(sh`  if [ ! -L /etc/localtime ] && cmp -s /etc/localtime /usr/share/zoneinfo/${a.name}; then echo localtime_same=1; fi`);
  parts.push(raw('fi'));
  if (a.name !== undefined) parts.push(sh`if [ -f /usr/share/zoneinfo/${a.name} ]; then echo zone_ok=1; fi`);
  return stateScript(parts);
}

const ZONE_LINE = /^(\S+)/m;

export function parseTimezone(stdout: string, a: TimezoneArgs): TimezoneState {
  const kv = parseKeyValues(stdout);
  const text = (k: string) => (kv.has(`${k}_b64`) ? fromBase64(kv.get(`${k}_b64`)).toString('utf8') : undefined);
  const s: TimezoneState = { method: kv.get('method') === 'systemd' ? 'systemd' : 'files', zoneExists: kv.get('zone_ok') === '1', timezoneLines: 0, rcsLines: 0, hasDpkgReconfigure: kv.get('dpkg') === '1' };
  if (s.method === 'systemd') {
    const status = text('status') ?? '';
    if (a.name !== undefined) s.name = /^\s*Time ?zone\s*:\s*(\S+)/m.exec(status)?.[1] ?? 'n/a';
    if (a.hwclock !== undefined) s.hwclock = /^\s*RTC in local TZ\s*:\s*(\S+)/m.exec(status)?.[1] === 'yes' ? 'local' : 'UTC';
    return s;
  }
  const timezone = text('timezone');
  const rcs = text('rcs');
  s.timezoneLines = (timezone?.match(/[^\n]*\n|[^\n]+$/g) ?? []).filter((l) => ZONE_LINE.test(l)).length;
  s.rcsLines = (rcs?.match(/[^\n]*\n|[^\n]+$/g) ?? []).filter((l) => /^UTC\s*=\s*(\S+)/.test(l)).length;
  if (a.name !== undefined) {
    let name = (timezone === undefined ? undefined : ZONE_LINE.exec(timezone)?.[1]) ?? 'n/a';
    if (name === a.name) {
      const link = text('link');
      if (link !== undefined) {
        const linked = kv.get('link_ok') === '1' ? /(?:\/(?:usr\/share|etc)\/zoneinfo\/)(.*)/.exec(link)?.[1] : undefined;
        if (linked === undefined) name = 'n/a';
        else if (linked !== a.name) name = linked;
      } else if (kv.get('localtime_same') !== '1') name = 'n/a';
    }
    s.name = name;
  }
  if (a.hwclock !== undefined) {
    const utc = rcs === undefined ? undefined : /^UTC\s*=\s*(\S+)/m.exec(rcs)?.[1];
    let value = utc === undefined ? 'n/a' : ['yes', 'on', 'true', '1', 'y'].includes(utc.toLowerCase()) ? 'UTC' : 'local';
    if (value === a.hwclock) {
      const adj = /^(UTC|LOCAL)$/m.exec(text('adjtime') ?? '')?.[1] ?? 'UTC';
      value = adj === 'UTC' ? 'UTC' : 'local';
    }
    s.hwclock = value;
  }
  return s;
}

function plan(a: TimezoneArgs, s: TimezoneState): TimezoneChange[] {
  if (a.name !== undefined && !s.zoneExists) throw new PlanError('timezone', `given timezone "${a.name}" is not available`);
  const out: TimezoneChange[] = [];
  for (const key of ['hwclock', 'name'] as const) {
    const want = a[key];
    if (want !== undefined && s[key] !== want) out.push({ op: 'set', key, from: s[key] ?? 'n/a', to: want, method: s.method, replaced: key === 'name' ? s.timezoneLines : s.rcsLines, dpkg: s.hasDpkgReconfigure });
  }
  return out;
}

/** community.general's _edit_file: the lines `re` matches replaced by one line where the first was (else at the top). */
function editFileScript(path: string, re: string, line: string): Script {
  return joinScripts([
    sh`tsi_f=${path}; tsi_re=${re}; tsi_line=${line}; tsi_tmp=$(mktemp "$tsi_f.XXXXXX")`,
    raw(
      `if [ -f "$tsi_f" ] && grep -q -- "$tsi_re" "$tsi_f"; then ` +
        `awk -v re="$tsi_re" -v line="$tsi_line" '$0 ~ re { if (!done) print line; done = 1; next } { print }' "$tsi_f" > "$tsi_tmp"; ` +
        `else { printf '%s\\n' "$tsi_line"; if [ -f "$tsi_f" ]; then cat -- "$tsi_f"; fi; } > "$tsi_tmp"; fi`,
    ),
    raw(`chmod 644 "$tsi_tmp"; mv -f -- "$tsi_tmp" "$tsi_f"; tsi_tmp=`),
  ]);
}

function applyChange(c: TimezoneChange): Script {
  if (c.method === 'systemd') {
    return c.key === 'name' ? sh`timedatectl set-timezone ${c.to}` : sh`timedatectl set-local-rtc ${c.to === 'local' ? 'yes' : 'no'}`;
  }
  if (c.key === 'name') {
    const parts = [editFileScript('/etc/timezone', '^[^[:space:]]', c.to)];
    if (c.dpkg) parts.push(sh`ln -sf /usr/share/zoneinfo/${c.to} /etc/localtime`, raw('DEBIAN_FRONTEND=noninteractive dpkg-reconfigure --frontend noninteractive tzdata >/dev/null 2>&1'));
    else parts.push(sh`cp --remove-destination /usr/share/zoneinfo/${c.to} /etc/localtime`);
    return joinScripts(parts);
  }
  return joinScripts([editFileScript('/etc/default/rcS', '^UTC[[:space:]]*=', `UTC=${c.to === 'local' ? 'no' : 'yes'}`), sh`hwclock --systohc ${c.to === 'local' ? '--localtime' : '--utc'}`]);
}

/** community.general's msg: what it edited, and the commands it logs. */
function messages(changes: readonly TimezoneChange[]): string[] {
  return changes.flatMap((c) => {
    if (c.method === 'systemd') return [`executed \`/usr/bin/timedatectl ${c.key === 'name' ? 'set-timezone' : 'set-local-rtc'} ${c.key === 'name' ? c.to : c.to === 'local' ? 'yes' : 'no'}\``];
    if (c.key === 'name') return [`Added 1 line and deleted ${c.replaced} line(s) on /etc/timezone`];
    return [`Added 1 line and deleted ${c.replaced} line(s) on /etc/default/rcS`, `executed \`/usr/sbin/hwclock --systohc ${c.to === 'local' ? '--localtime' : '--utc'}\``];
  });
}

export const timezone = defineModule({
  name: 'timezone',
  summary: 'The time zone and the hardware clock mode (community.general.timezone)',
  args: TimezoneArgs,
  aliases: { rtc: 'hwclock' },
  refine: (a): ArgProblem[] => (a.name === undefined && a.hwclock === undefined ? [{ path: '', message: 'timezone needs name or hwclock (or both)' }] : []),
  probe,
  parse: (r, a) => parseTimezone(r.stdout, a),
  plan,
  apply: (_a, changes) => stateScript(changes.map(applyChange)),
  describe: (c) => `${c.key}: ${c.from} → ${c.to}`,
  diff: (_a, _s, changes) => ({
    path: 'timezone',
    before: changes.map((c) => `${c.key}: ${c.from}\n`).join(''),
    after: changes.map((c) => `${c.key}: ${c.to}\n`).join(''),
  }),
  result: (_a, _s, changes, applied) => (applied && changes.length > 0 ? { msg: messages(changes).join('\n') } : {}),
});

