// service: a service started/stopped (or restarted/reloaded) and enabled at boot or not.
// The probe detects the init system: systemd when /run/systemd/system exists (systemctl), otherwise SysV
// scripts (`service NAME …`, /etc/init.d, update-rc.d) — as on containers and our lab hosts.
import { Type, type Static } from '@sinclair/typebox';
import { raw, sh, type Script } from '../shell/script.js';
import { defineModule, expecting, PlanError, StringEnum, type ArgProblem } from './define.js';
import { parseKeyValues } from './lib/probe-output.js';
import { stateScript } from './lib/remote-file.js';
import { enableOp, stateOp, systemctlOp } from './lib/systemd.js';

const ServiceArgs = Type.Object(
  {
    name: expecting(Type.String({ pattern: '^[A-Za-z0-9_][A-Za-z0-9@_.:+-]*$' }), 'a service name (nginx, ssh, getty@tty1)'),
    state: Type.Optional(StringEnum(['started', 'stopped', 'restarted', 'reloaded'])),
    enabled: Type.Optional(Type.Boolean({ description: 'Start at boot' })),
    daemon_reload: Type.Boolean({
      default: false,
      description: 'systemd: accepted for Ansible compatibility; tsinfra reloads whenever systemd reports the unit changed on disk',
    }),
  },
  { additionalProperties: false },
);
export type ServiceArgs = Static<typeof ServiceArgs>;

export interface ServiceState {
  init: 'systemd' | 'sysv';
  /** systemd LoadState (loaded, not-found, masked, …); sysv: loaded when /etc/init.d/NAME exists. */
  load: string;
  /** systemd ActiveState words (active, inactive, failed, activating, …); sysv: active or inactive. */
  active: string;
  /** `systemctl is-enabled` words (enabled, disabled, static, masked, …); sysv: enabled or disabled. */
  enabled: string;
  needReload: boolean;
}

export type ServiceChange =
  | { op: 'daemon_reload' }
  | { op: 'enable' | 'disable'; name: string; init: ServiceState['init'] }
  | { op: 'start' | 'stop' | 'restart' | 'reload'; name: string; init: ServiceState['init'] };

function probe(a: ServiceArgs): Script {
  return stateScript([
    sh`n=${a.name}`,
    raw(
      [
        'if [ -d /run/systemd/system ]; then',
        '  echo init=systemd',
        `  printf 'load=%s\\n' "$(systemctl show -p LoadState --value -- "$n" 2>/dev/null || true)"`,
        `  printf 'active=%s\\n' "$(systemctl is-active -- "$n" 2>/dev/null || true)"`,
        `  printf 'enabled=%s\\n' "$(systemctl is-enabled -- "$n" 2>/dev/null || true)"`,
        `  printf 'need_reload=%s\\n' "$(systemctl show -p NeedDaemonReload --value -- "$n" 2>/dev/null || true)"`,
        'else',
        '  echo init=sysv',
        '  if [ -x "/etc/init.d/$n" ]; then echo load=loaded; else echo load=not-found; fi',
        '  if [ -x "/etc/init.d/$n" ] && { if command -v service >/dev/null 2>&1; then service "$n" status; else "/etc/init.d/$n" status; fi; } >/dev/null 2>&1 </dev/null; then echo active=active; else echo active=inactive; fi',
        '  en=disabled; for f in /etc/rc[2345].d/S[0-9][0-9]"$n"; do if [ -e "$f" ]; then en=enabled; fi; done; echo "enabled=$en"',
        'fi',
      ].join('\n'),
    ),
  ]);
}

export function parseService(stdout: string): ServiceState {
  const kv = parseKeyValues(stdout);
  const init = kv.get('init');
  if (init !== 'systemd' && init !== 'sysv') throw new PlanError('service', `unexpected probe output: init=${init ?? ''}`);
  return {
    init,
    load: kv.get('load') ?? '',
    active: (kv.get('active') ?? '').split('\n')[0]!,
    enabled: kv.get('enabled') ?? '',
    needReload: kv.get('need_reload') === 'yes',
  };
}

function plan(a: ServiceArgs, s: ServiceState): ServiceChange[] {
  const name = a.name;
  const { init } = s;
  if (s.load === 'not-found' || s.load === '') {
    throw new PlanError('service', `no service ${name} on the host`, { hint: init === 'sysv' ? `no /etc/init.d/${name}` : 'is the package installed?' });
  }
  const out: ServiceChange[] = [];
  if (init === 'systemd' && s.needReload) out.push({ op: 'daemon_reload' });
  if (a.enabled !== undefined) {
    if (a.enabled && s.enabled === 'masked') throw new PlanError('service', `${name} is masked`, { hint: `systemctl unmask ${name}` });
    const op = enableOp(a.enabled, s.enabled);
    if (op) out.push({ op, name, init });
  }
  if (a.state !== undefined && s.load === 'masked' && a.state !== 'stopped') {
    throw new PlanError('service', `${name} is masked`, { hint: `systemctl unmask ${name}` });
  }
  const op = a.state === undefined ? undefined : stateOp(a.state, s.active);
  if (op) out.push({ op, name, init });
  return out;
}

const SYSV_RUN = raw(
  'tsi_service() { if command -v service >/dev/null 2>&1; then service "$1" "$2"; else "/etc/init.d/$1" "$2"; fi; }',
);

/** Seconds `status` gets to report running: after the start/restart/reload, then after each of two more starts. */
export const SYSV_SETTLE_SECONDS = [4, 3, 3];

/**
 * SysV start/restart/reload, then make sure the service runs. Init scripts race: a restart's new daemon can die at
 * startup while the old one is still exiting, and start returns before the daemon is up (under load, 72 of 200
 * hosts were left with sshguard stopped). So poll `status` (about 10 s in all) and start again while it stays
 * stopped; "running" must still hold a second later, since a daemon that dies at startup runs for a moment.
 * A failed start/restart only fails the task when the service never comes up. (systemctl waits by itself.)
 */
const SYSV_ENSURE_RUNNING = raw(
  [
    'tsi_running() { tsi_service "$1" status >/dev/null 2>&1 </dev/null; }',
    'tsi_wait_running() {', // NAME SECONDS; counts 0.2 s ticks
    '  tsi_i=0',
    '  while [ "$tsi_i" -lt "$(($2 * 5))" ]; do',
    '    if tsi_running "$1"; then sleep 1; if tsi_running "$1"; then return 0; fi; tsi_i=$((tsi_i + 5)); fi',
    '    sleep 0.2; tsi_i=$((tsi_i + 1))',
    '  done',
    '  return 1',
    '}',
    'tsi_service_running() {', // NAME OP
    '  tsi_rc=0; tsi_service "$1" "$2" </dev/null || tsi_rc=$?',
    '  tsi_starts=0',
    `  for tsi_wait in ${SYSV_SETTLE_SECONDS.join(' ')}; do`,
    '    if [ "$tsi_starts" -gt 0 ]; then echo "tsinfra: $1 is not running after $2, starting it again" >&2; tsi_service "$1" start </dev/null || tsi_rc=$?; fi',
    '    if tsi_wait_running "$1" "$tsi_wait"; then return 0; fi',
    '    tsi_starts=$((tsi_starts + 1))',
    '  done',
    // Last, and short: the task's message shows the end of stderr.
    `  tsi_status=$(tsi_service "$1" status 2>&1 </dev/null | tail -n 3 | tr '\\n' ' ' | cut -c 1-100 || true)`,
    `  echo "tsinfra: $1 is not running after $2 (exit $tsi_rc) and $((tsi_starts - 1)) more starts in ${SYSV_SETTLE_SECONDS.reduce((x, y) => x + y)} s; service $1 status: \${tsi_status:-(no output)}" >&2`,
    '  exit 1',
    '}',
  ].join('\n'),
);

/** The ops after which the service must be running. */
const RUNS = new Set<ServiceChange['op']>(['start', 'restart', 'reload']);

function apply(_a: ServiceArgs, changes: readonly ServiceChange[]): Script {
  const parts: Script[] = [];
  if (changes.some((c) => c.op !== 'daemon_reload' && c.init === 'sysv')) parts.push(SYSV_RUN);
  if (changes.some((c) => c.op !== 'daemon_reload' && c.init === 'sysv' && RUNS.has(c.op))) parts.push(SYSV_ENSURE_RUNNING);
  for (const c of changes) {
    if (c.op === 'daemon_reload') parts.push(raw('systemctl daemon-reload'));
    else if (c.init === 'systemd') parts.push(systemctlOp(c.op, c.name));
    else if (c.op === 'enable') parts.push(sh`update-rc.d ${c.name} defaults </dev/null`, sh`update-rc.d ${c.name} enable </dev/null`);
    else if (c.op === 'disable') parts.push(sh`update-rc.d ${c.name} disable </dev/null`);
    else if (RUNS.has(c.op)) parts.push(sh`tsi_service_running ${c.name} ${c.op}`);
    else parts.push(sh`tsi_service ${c.name} ${c.op} </dev/null`);
  }
  return stateScript(parts);
}

function describe(c: ServiceChange): string {
  if (c.op === 'daemon_reload') return 'reload systemd (unit files changed on disk)';
  const verb = { enable: 'enable at boot', disable: 'disable at boot', start: 'start', stop: 'stop', restart: 'restart', reload: 'reload' }[c.op];
  return `${verb} ${c.name}`;
}

export const service = defineModule({
  name: 'service',
  summary: 'A service running or stopped, enabled at boot or not (systemd, or SysV init scripts)',
  args: ServiceArgs,
  aliases: { service: 'name' },
  refine(a): ArgProblem[] {
    return a.state === undefined && a.enabled === undefined ? [{ path: '', message: 'service needs state or enabled' }] : [];
  },
  probe,
  parse: (r) => parseService(r.stdout),
  plan,
  apply,
  describe,
});
