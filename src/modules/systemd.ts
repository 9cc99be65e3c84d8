// systemd (also named systemd_service, as in ansible-core 2.15+): a unit started/stopped/restarted/reloaded, enabled
// at boot or not, masked or not, on a host whose PID 1 is systemd; Ansible's arguments and registered result (name,
// state, enabled, and status: `systemctl show` of the unit before the task changed it, as Ansible gives it).
// The probe reads it all in one exec; the plan is Ansible's order: daemon-reload, daemon-reexec, mask/unmask,
// enable/disable, state. What "running" and "on at boot" mean, and the systemctl command line, are shared with
// the service module (lib/systemd.ts).
//
// Unlike Ansible, daemon_reload and daemon_reexec change something only when it is needed, so a task asking for them
// stays idempotent: daemon-reload when systemd reports a unit changed on disk (NeedDaemonReload: the named unit
// always, as service does; with daemon_reload, any active unit), daemon-reexec when systemd's own binary was
// replaced (an upgrade: /proc/1/exe is "(deleted)"). Both then report changed; Ansible runs them every time and
// reports ok.
import { Type, type Static } from '@sinclair/typebox';
import { joinScripts, raw, sh, type Script } from '../shell/script.js';
import { defineModule, expecting, PlanError, StringEnum, type ArgProblem } from './define.js';
import { fromBase64 } from './lib/probe-output.js';
import { stateScript } from './lib/remote-file.js';
import {
  ENABLED_FOR_ANSIBLE,
  enableOp,
  parseSystemctlShow,
  stateOp,
  systemctlOp,
  systemctlWords,
  USER_RUNTIME_DIR,
  type SystemctlOptions,
} from './lib/systemd.js';

const SystemdArgs = Type.Object(
  {
    name: Type.Optional(
      expecting(Type.String({ pattern: '^[A-Za-z0-9_\\\\][A-Za-z0-9@_.:+\\\\-]*$' }), 'a unit name without glob characters (nginx, nginx.service, getty@tty1.service)'),
    ),
    state: Type.Optional(StringEnum(['started', 'stopped', 'restarted', 'reloaded'])),
    enabled: Type.Optional(Type.Boolean({ description: 'Start at boot' })),
    masked: Type.Optional(Type.Boolean({ description: 'Masked: cannot be started at all (works before the unit is installed)' })),
    force: Type.Optional(Type.Boolean({ description: 'systemctl --force: enable/mask over conflicting symbolic links' })),
    daemon_reload: Type.Boolean({ default: false, description: 'Reload systemd first, when a unit changed on disk' }),
    daemon_reexec: Type.Boolean({ default: false, description: "Re-execute systemd first, when its binary was replaced" }),
    scope: StringEnum(['system', 'user', 'global'], { default: 'system', description: "system, the login user's manager (user), or every user's (global)" }),
    no_block: Type.Boolean({ default: false, description: 'Do not wait for start/stop/… to finish (systemctl --no-block)' }),
  },
  { additionalProperties: false },
);
export type SystemdArgs = Static<typeof SystemdArgs>;

export interface SystemdState {
  /** PID 1 is systemd (/run/systemd/system exists); otherwise `pid1` is PID 1's name. */
  isBooted: boolean;
  pid1?: string;
  /** `systemctl show NAME`, as Ansible's `status` ({} without a name, or when show failed). */
  status: Record<string, string>;
  /** `systemctl is-enabled NAME`: enabled, disabled, static, masked, …; '' when it said nothing. */
  isEnabled: string;
  /** /etc/init.d/NAME exists (a SysV script systemd runs through its generator). */
  hasInitScript: boolean;
  /** daemon_reload: some active unit changed on disk. */
  isReloadNeeded: boolean;
  /** daemon_reexec: systemd's binary was replaced since it started. */
  isReexecNeeded: boolean;
}

export type SystemdChange =
  | { op: 'daemon_reload' }
  | { op: 'daemon_reexec' }
  | { op: 'mask' | 'unmask' | 'enable' | 'disable' | 'start' | 'stop' | 'restart' | 'reload'; name: string };

const options = (a: SystemdArgs): SystemctlOptions => ({ scope: a.scope, noBlock: a.no_block, force: a.force });

function probe(a: SystemdArgs): Script {
  const sc = systemctlWords({ scope: a.scope });
  const body: Script[] = [raw('  echo booted=1')];
  if (a.scope === 'user') body.push(USER_RUNTIME_DIR);
  if (a.name !== undefined) {
    body.push(
      sh`  printf 'is_enabled=%s\\n' "$(${sc} is-enabled -- "$n" 2>/dev/null </dev/null || true)"`,
      raw('  echo status_begin'),
      sh`  ${sc} show -- "$n" 2>/dev/null </dev/null || true`,
      raw('  echo status_end'),
      raw('  if [ -e "/etc/init.d/$n" ]; then echo init_script=1; fi'),
    );
  }
  if (a.daemon_reload) {
    // Active units only: an inactive one is loaded afresh when next needed, and all of them would cost ~0.5 s.
    body.push(sh`  case " $(${sc} show -p NeedDaemonReload --value -- '*' 2>/dev/null </dev/null | tr '\\n' ' ') " in *' yes '*) echo reload_needed=1 ;; esac`);
  }
  if (a.daemon_reexec) body.push(raw(`  case "$(readlink /proc/1/exe 2>/dev/null || true)" in *' (deleted)') echo reexec_needed=1 ;; esac`));
  return stateScript([
    a.name === undefined ? raw('n=') : sh`n=${a.name}`,
    raw('if [ -d /run/systemd/system ]; then'),
    joinScripts(body),
    raw('else'),
    raw(`  printf 'pid1_b64='; { cat /proc/1/comm 2>/dev/null || true; } | base64 -w0; echo`),
    raw('fi'),
  ]);
}

export function parseSystemd(stdout: string): SystemdState {
  const all = stdout.split('\n');
  const begin = all.indexOf('status_begin');
  const end = all.indexOf('status_end', begin + 1);
  const status = begin >= 0 && end > begin ? parseSystemctlShow(all.slice(begin + 1, end).join('\n')) : {};
  const flags = new Map<string, string>();
  for (const line of begin >= 0 && end > begin ? [...all.slice(0, begin), ...all.slice(end + 1)] : all) {
    const i = line.indexOf('=');
    if (i > 0 && !flags.has(line.slice(0, i))) flags.set(line.slice(0, i), line.slice(i + 1));
  }
  const state: SystemdState = {
    isBooted: flags.get('booted') === '1',
    status,
    isEnabled: (flags.get('is_enabled') ?? '').trim(),
    hasInitScript: flags.get('init_script') === '1',
    isReloadNeeded: flags.get('reload_needed') === '1',
    isReexecNeeded: flags.get('reexec_needed') === '1',
  };
  if (!state.isBooted) state.pid1 = fromBase64(flags.get('pid1_b64')).toString('utf8').trim();
  return state;
}

function plan(a: SystemdArgs, s: SystemdState): SystemdChange[] {
  if (!s.isBooted) {
    throw new PlanError('systemd', `the host was not booted with systemd (PID 1 is ${s.pid1 || 'not systemd'}): systemctl cannot manage units here`, {
      hint: 'the service module drives SysV init scripts on hosts without systemd',
    });
  }
  const out: SystemdChange[] = [];
  const name = a.name;
  const st = s.status;
  if (a.daemon_reload ? s.isReloadNeeded || st.NeedDaemonReload === 'yes' : st.NeedDaemonReload === 'yes') out.push({ op: 'daemon_reload' });
  if (a.daemon_reexec && s.isReexecNeeded) out.push({ op: 'daemon_reexec' });
  if (name === undefined) return out;

  const load = st.LoadState ?? '';
  const found = (load !== '' && load !== 'not-found') || s.hasInitScript || (a.scope === 'global' && s.isEnabled !== '');
  if (load !== '' && load !== 'not-found' && load !== 'masked' && st.LoadError !== undefined) {
    throw new PlanError('systemd', `error loading unit file '${name}': ${st.LoadError}`);
  }
  let isMasked = s.isEnabled === 'masked';
  if (a.masked !== undefined && a.masked !== isMasked) {
    out.push({ op: a.masked ? 'mask' : 'unmask', name });
    isMasked = a.masked;
  }
  const missing = () =>
    new PlanError('systemd', `no unit ${name} on the host${a.scope === 'system' ? '' : ` (${a.scope} scope)`}`, { hint: 'is the package installed, or the unit file written?' });
  const unmasked = out.some((c) => c.op === 'unmask');
  if (a.enabled !== undefined) {
    if (!found) throw missing();
    if (a.enabled && isMasked) throw new PlanError('systemd', `${name} is masked`, { hint: 'masked: false unmasks it' });
    // Just unmasked: what is-enabled says now is unknown until then; enable (a no-op when it already is).
    const op = unmasked && a.enabled ? 'enable' : enableOp(a.enabled, s.isEnabled);
    if (op) out.push({ op, name });
  }
  if (a.state !== undefined) {
    if (!found) throw missing();
    if (a.scope === 'global') throw new PlanError('systemd', 'state needs scope system or user: there is no global manager to start units in');
    if (isMasked && a.state !== 'stopped') throw new PlanError('systemd', `${name} is masked`, { hint: 'masked: false unmasks it' });
    if (st.ActiveState === undefined) {
      throw new PlanError('systemd', `cannot read the state of ${name} (systemctl${a.scope === 'user' ? ' --user' : ''} show said nothing)`, {
        hint: a.scope === 'user' ? "the user's systemd must be running: a login session, or loginctl enable-linger USER" : undefined,
      });
    }
    const op = stateOp(a.state, st.ActiveState);
    if (op) out.push({ op, name });
  }
  return out;
}

function apply(a: SystemdArgs, changes: readonly SystemdChange[]): Script {
  const o = options(a);
  const parts: Script[] = a.scope === 'user' ? [USER_RUNTIME_DIR] : [];
  for (const c of changes) {
    if (c.op === 'daemon_reload') parts.push(sh`${systemctlWords({ scope: a.scope })} daemon-reload </dev/null`);
    else if (c.op === 'daemon_reexec') parts.push(sh`${systemctlWords({ scope: a.scope })} daemon-reexec </dev/null`);
    else parts.push(systemctlOp(c.op, c.name, c.op === 'enable' || c.op === 'disable' || c.op === 'mask' || c.op === 'unmask' ? { ...o, noBlock: false } : { ...o, force: false }));
  }
  return stateScript(parts);
}

const VERBS = { mask: 'mask', unmask: 'unmask', enable: 'enable at boot', disable: 'disable at boot', start: 'start', stop: 'stop', restart: 'restart', reload: 'reload' };

function describe(c: SystemdChange): string {
  if (c.op === 'daemon_reload') return 'reload systemd (unit files changed on disk)';
  if (c.op === 'daemon_reexec') return 're-execute systemd (its binary was replaced)';
  return `${VERBS[c.op]} ${c.name}`;
}

/** Ansible's result keys: name, status, and state/enabled when asked for (their values after the task). */
function result(a: SystemdArgs, s: SystemdState, changes: readonly SystemdChange[]): Record<string, unknown> {
  const out: Record<string, unknown> = { name: a.name ?? null, status: s.status };
  if (a.enabled !== undefined) {
    const changed = changes.some((c) => c.op === 'enable' || c.op === 'disable');
    out.enabled = changed ? a.enabled : ENABLED_FOR_ANSIBLE.has(s.isEnabled);
  }
  if (a.state !== undefined) out.state = a.state === 'stopped' ? 'stopped' : 'started';
  return out;
}

function refine(a: SystemdArgs): ArgProblem[] {
  const out: ArgProblem[] = [];
  if (a.state === undefined && a.enabled === undefined && a.masked === undefined && !a.daemon_reload && !a.daemon_reexec) {
    out.push({ path: '', message: 'systemd needs one of state, enabled, masked, daemon_reload, daemon_reexec' });
  }
  for (const k of ['state', 'enabled', 'masked'] as const) {
    if (a[k] !== undefined && a.name === undefined) out.push({ path: '/name', message: `systemd: ${k} needs name` });
  }
  return out;
}

const spec = {
  summary: 'A systemd unit started/stopped/restarted/reloaded, enabled at boot, masked; daemon-reload/-reexec when needed',
  args: SystemdArgs,
  aliases: { service: 'name', unit: 'name', 'daemon-reload': 'daemon_reload', 'daemon-reexec': 'daemon_reexec' },
  refine,
  probe,
  parse: (r: { stdout: string }) => parseSystemd(r.stdout),
  plan,
  apply,
  describe,
  result,
};

export const systemd = defineModule({ name: 'systemd', ...spec });
/** The same module under ansible-core 2.15's name for it. */
export const systemdService = defineModule({ name: 'systemd_service', ...spec });
