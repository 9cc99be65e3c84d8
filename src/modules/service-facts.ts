// service_facts: the host's services as the fact `services`, as Ansible's ansible.builtin.service_facts gathers them:
// `service --status-all` (source sysv) where there is no chkconfig or rc-status, then, when PID 1 is systemd,
// `systemctl list-units` and `list-unit-files` (source systemd; a unit file not loaded gets its ActiveState from
// `systemctl show`). Read-only: one probe, composable in a read-ahead batch. Upstart, chkconfig, OpenRC, AIX and
// OpenBSD are not read (Debian hosts have none of them).
import { Type } from '@sinclair/typebox';
import { raw, type Script } from '../shell/script.js';
import { defineModule, type Change } from './define.js';
import { fromBase64, parseKeyValues } from './lib/probe-output.js';
import { stateScript } from './lib/remote-file.js';

const ServiceFactsArgs = Type.Object({}, { additionalProperties: false });

export interface ServiceFact {
  name: string;
  state: string;
  status?: string;
  source: 'sysv' | 'systemd';
}

export interface ServiceFactsState {
  sysv?: string;
  units?: string;
  unitFiles?: string;
  /** `name state` lines: ActiveState of unit files list-units did not show. */
  shown?: string;
}

const b64 = (key: string, command: string) => `printf '${key}='; { ${command}; } 2>/dev/null | base64 -w0; echo`;

function probe(): Script {
  return stateScript([
    raw('export LC_ALL=C LANG=C'),
    raw(
      'if command -v service >/dev/null 2>&1 && ! command -v chkconfig >/dev/null 2>&1 && ! command -v rc-status >/dev/null 2>&1; then ' +
        b64('sysv_b64', 'service --status-all </dev/null || true') + '; fi',
    ),
    raw('if grep -q systemd /proc/1/comm 2>/dev/null && command -v systemctl >/dev/null 2>&1; then'),
    raw('  tsi_units=$(systemctl list-units --no-pager --type service --all </dev/null 2>/dev/null || true)'),
    raw('  tsi_files=$(systemctl list-unit-files --no-pager --type service --all </dev/null 2>/dev/null || true)'),
    raw(`  ${b64('units_b64', 'printf \'%s\\n\' "$tsi_units"')}`),
    raw(`  ${b64('files_b64', 'printf \'%s\\n\' "$tsi_files"')}`),
    // The unit files list-units did not show: their ActiveState, one `systemctl show` each (as Ansible asks).
    raw(`  tsi_names=" $(printf '%s\\n' "$tsi_units" | awk '/\\.service/ { print ($1 == "\\342\\227\\217" ? $2 : $1) }' | tr '\\n' ' ')"`),
    raw(`  ${b64('shown_b64', `printf '%s\\n' "$tsi_files" | awk '/\\.service/ { print $1 }' | while read -r n; do case "$tsi_names" in *" $n "*) continue ;; esac; if s=$(systemctl show "$n" --property=ActiveState </dev/null 2>/dev/null) && [ -n "$s" ]; then printf '%s %s\\n' "$n" "\${s#ActiveState=}"; else printf '%s unknown\\n' "$n"; fi; done`)}`),
    raw('fi'),
  ]);
}

/** `service --status-all` → services (Ansible's `^\s*\[ (\+|-) \]\s+(.+)$`). */
export function parseSysvServices(out: string): Record<string, ServiceFact> {
  const services: Record<string, ServiceFact> = {};
  for (const m of out.matchAll(/^[ \t]*\[ (\+|-) \][ \t]+(.+)$/gm)) {
    const name = m[2]!.replace(/\s+$/, '');
    services[name] = { name, state: m[1] === '+' ? 'running' : 'stopped', source: 'sysv' };
  }
  return services;
}

const BAD_STATES = ['not-found', 'masked', 'failed'];

/** `systemctl list-units` and `list-unit-files` (and the ActiveState of unlisted unit files) → services, as Ansible reads them. */
export function parseSystemdServices(units: string, unitFiles: string, shown = ''): Record<string, ServiceFact> {
  const services: Record<string, ServiceFact> = {};
  const active = new Map(shown.split('\n').filter((l) => l.includes(' ')).map((l) => [l.slice(0, l.indexOf(' ')), l.slice(l.indexOf(' ') + 1)]));
  for (const line of units.split('\n').filter((l) => l.includes('.service'))) {
    let fields = line.trim().split(/\s+/);
    let status: string;
    // A bad state anywhere (the ● column shifts the fields by one).
    const bad = BAD_STATES.find((b) => fields.includes(b));
    if (bad !== undefined) {
      status = bad;
      fields = fields.slice(1);
    } else status = fields[2] ?? 'unknown';
    const name = fields[0]!;
    services[name] = { name, state: fields[3] === 'running' ? 'running' : 'stopped', status, source: 'systemd' };
  }
  for (const line of unitFiles.split('\n').filter((l) => l.includes('.service'))) {
    const [name, status] = line.trim().split(/\s+/);
    if (name === undefined || status === undefined) continue;
    const known = services[name];
    if (known === undefined) services[name] = { name, state: active.get(name) ?? 'unknown', status, source: 'systemd' };
    else if (!BAD_STATES.includes(known.status ?? '')) known.status = status;
  }
  return services;
}

function facts(s: ServiceFactsState): Record<string, unknown> {
  const services = {
    ...(s.sysv !== undefined ? parseSysvServices(s.sysv) : {}),
    ...(s.units !== undefined ? parseSystemdServices(s.units, s.unitFiles ?? '', s.shown) : {}),
  };
  if (Object.keys(services).length === 0) {
    return { skipped: true, msg: 'Failed to find any services. This can be due to privileges or some other configuration issue.' };
  }
  return { ansible_facts: { services } };
}

export const serviceFacts = defineModule({
  name: 'service_facts',
  summary: "The host's services (service --status-all, systemctl) as the fact `services`; never changes anything",
  args: ServiceFactsArgs,
  probe,
  parse(r): ServiceFactsState {
    const kv = parseKeyValues(r.stdout);
    const text = (k: string) => (kv.has(k) ? fromBase64(kv.get(k)).toString('utf8') : undefined);
    return { sysv: text('sysv_b64'), units: text('units_b64'), unitFiles: text('files_b64'), shown: text('shown_b64') };
  },
  plan: (): Change[] => [],
  apply: () => stateScript([]),
  describe: (c) => c.op,
  result: (_a, s) => facts(s),
});
