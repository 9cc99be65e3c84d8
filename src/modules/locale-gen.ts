// locale_gen (community.general.locale_gen): a locale generated (or not). As community.general: the locale must be
// listed in /etc/locale.gen (Ubuntu: /usr/share/i18n/SUPPORTED), "present" means `locale -a` lists it (its charset
// spelled either way: .utf8 / .UTF-8), and the change uncomments (or comments out) its line in /etc/locale.gen and
// runs locale-gen; on Ubuntu (/var/lib/locales/supported.d) `locale-gen NAME`, or the line dropped and `--purge`.
import { Type, type Static } from '@sinclair/typebox';
import { raw, sh, type Script } from '../shell/script.js';
import { defineModule, PlanError, StringEnum, type Change } from './define.js';
import { fromBase64, parseKeyValues } from './lib/probe-output.js';
import { stateScript } from './lib/remote-file.js';

const LocaleGenArgs = Type.Object(
  {
    name: Type.String({ pattern: '^\\S+$', description: 'The locale, e.g. de_CH.UTF-8' }),
    state: StringEnum(['absent', 'present'], { default: 'present' }),
  },
  { additionalProperties: false },
);
export type LocaleGenArgs = Static<typeof LocaleGenArgs>;

export interface LocaleGenState {
  mode: 'debian' | 'ubuntu' | 'none';
  available: boolean;
  present: boolean;
}

export interface LocaleGenChange extends Change {
  op: 'generate' | 'remove';
  name: string;
  mode: 'debian' | 'ubuntu';
}

const NORMALIZE: [string, string][] = [
  ['.utf8', '.UTF-8'], ['.eucjp', '.EUC-JP'], ['.iso885915', '.ISO-8859-15'], ['.cp1251', '.CP1251'], ['.koi8r', '.KOI8-R'],
  ['.armscii8', '.ARMSCII-8'], ['.euckr', '.EUC-KR'], ['.gbk', '.GBK'], ['.gb18030', '.GB18030'], ['.euctw', '.EUC-TW'],
];

/** fix_case: `locale -a` may print the charset in either case. */
export function fixCase(name: string): string {
  return NORMALIZE.reduce((n, [s, r]) => n.split(s).join(r), name);
}

/** is_available on the text of /etc/locale.gen (debian) or /usr/share/i18n/SUPPORTED (ubuntu). */
export function isAvailable(name: string, list: string, mode: 'debian' | 'ubuntu'): boolean {
  const re = mode === 'ubuntu' ? /^(\S+_\S+) (\S+)\s*$/ : /^#?\s*(\S+_\S+) (\S+)\s*$/;
  return list.split('\n').some((l) => re.exec(l)?.[1] === name);
}

function probe(): Script {
  return stateScript([
    raw(`if [ -d /var/lib/locales/supported.d/ ]; then echo mode=ubuntu; tsi_l=/usr/share/i18n/SUPPORTED; elif [ -e /etc/locale.gen ]; then echo mode=debian; tsi_l=/etc/locale.gen; else echo mode=none; tsi_l=; fi`),
    raw(`if [ -n "$tsi_l" ]; then printf 'list_b64='; base64 -w0 < "$tsi_l"; echo; fi`),
    raw(`printf 'locales_b64='; { locale -a 2>/dev/null || true; } | base64 -w0; echo`),
  ]);
}

export const localeGen = defineModule({
  name: 'locale_gen',
  summary: 'A locale generated or removed (community.general.locale_gen)',
  args: LocaleGenArgs,
  probe,
  parse(r, a): LocaleGenState {
    const kv = parseKeyValues(r.stdout);
    const mode = (kv.get('mode') ?? 'none') as LocaleGenState['mode'];
    const list = fromBase64(kv.get('list_b64')).toString('utf8');
    const locales = fromBase64(kv.get('locales_b64')).toString('utf8').split('\n');
    return {
      mode,
      available: mode !== 'none' && isAvailable(a.name, list, mode),
      present: locales.some((l) => fixCase(l) === fixCase(a.name)),
    };
  },
  plan(a, s): LocaleGenChange[] {
    if (s.mode === 'none') throw new PlanError('locale_gen', '/etc/locale.gen and /var/lib/locales/supported.d/local are missing. Is the package "locales" installed?');
    if (!s.available) throw new PlanError('locale_gen', "The locale you've entered is not available on your system.");
    if (s.present === (a.state === 'present')) return [];
    return [{ op: a.state === 'present' ? 'generate' : 'remove', name: a.name, mode: s.mode }];
  },
  apply(_a, changes): Script {
    return stateScript(
      changes.map((c) => {
        if (c.mode === 'ubuntu') {
          if (c.op === 'generate') return sh`locale-gen ${c.name}`;
          return sh`tsi_n=${c.name}; f=/var/lib/locales/supported.d/local; awk -v n="$tsi_n" '$1 != n' "$f" > "$f.tsinfra" && cat "$f.tsinfra" > "$f" && rm -f "$f.tsinfra"; locale-gen --purge`;
        }
        // set_locale: re.sub('#{0,1}\s*NAME (?P<charset>.+)', 'NAME \g<charset>' or '# NAME …') on every line.
        const esc = c.name.replace(/[][\\.*^$/]/g, '\\$&');
        const expr = c.op === 'generate' ? `s/#\\{0,1\\}[[:space:]]*${esc} \\(..*\\)/${esc} \\1/` : `s/#\\{0,1\\}[[:space:]]*${esc} \\(..*\\)/# ${esc} \\1/`;
        return sh`sed -i -e ${expr} /etc/locale.gen && locale-gen >/dev/null`;
      }),
    );
  },
  describe: (c) => `${c.op === 'generate' ? 'generate' : 'remove'} locale ${c.name}`,
  result: (a, _s, _c, applied) => (applied || _c.length === 0 ? { name: a.name, msg: 'OK' } : {}),
});
