// What service (on systemd hosts) and systemd share: systemctl's state words, which of them mean running or on at
// boot, what `state:` and `enabled:` ask of a unit in a given state, and the systemctl command line.
import { raw, sh, type Script } from '../../shell/script.js';

/** ActiveState words (`systemctl is-active`) of a unit that runs or is getting there. */
export const RUNNING = new Set(['active', 'activating', 'reloading', 'refreshing']);
/** `systemctl is-enabled` words of units that are on at boot and can be turned off with disable. */
export const DISABLEABLE = new Set(['enabled', 'enabled-runtime', 'linked', 'linked-runtime', 'generated']);
/** Units systemctl cannot enable or disable (no [Install] section, aliases, …): left alone. */
export const FIXED = new Set(['static', 'indirect', 'alias', 'transient']);
/** `is-enabled` words that exit 0: what Ansible's systemd reports as `enabled: true` (alias and indirect aside). */
export const ENABLED_FOR_ANSIBLE = new Set(['enabled', 'enabled-runtime', 'static', 'generated', 'transient']);

export type UnitState = 'started' | 'stopped' | 'restarted' | 'reloaded';
export type RunOp = 'start' | 'stop' | 'restart' | 'reload';

/**
 * The operation `state:` asks of a unit whose ActiveState is `active`: started and stopped only when needed (a unit
 * that is deactivating is stopped, as Ansible does); restarted and reloaded always, as a start when it is not running.
 */
export function stateOp(state: UnitState, active: string): RunOp | undefined {
  const running = RUNNING.has(active);
  switch (state) {
    case 'started':
      return running ? undefined : 'start';
    case 'stopped':
      return running || active === 'deactivating' ? 'stop' : undefined;
    case 'restarted':
      return running ? 'restart' : 'start';
    case 'reloaded':
      return running ? 'reload' : 'start';
  }
}

/** The operation `enabled:` asks of a unit whose `is-enabled` says `isEnabled` (fixed units and masked ones: none). */
export function enableOp(enabled: boolean, isEnabled: string): 'enable' | 'disable' | undefined {
  if (FIXED.has(isEnabled)) return undefined;
  if (enabled) return DISABLEABLE.has(isEnabled) ? undefined : 'enable';
  return DISABLEABLE.has(isEnabled) ? 'disable' : undefined;
}

/** How systemctl is called: which manager (`--user`, `--global`) and Ansible's no_block and force. */
export interface SystemctlOptions {
  scope?: 'system' | 'user' | 'global';
  noBlock?: boolean;
  force?: boolean;
}

/** `systemctl [--user|--global] [--no-block] [--force]`: the words before the verb. */
export function systemctlWords(o: SystemctlOptions = {}): Script {
  return raw(`systemctl${o.scope && o.scope !== 'system' ? ` --${o.scope}` : ''}${o.noBlock ? ' --no-block' : ''}${o.force ? ' --force' : ''}`);
}

/** One systemctl operation on a unit, stdin closed (the script itself may be stdin). */
export function systemctlOp(op: string, unit: string, o: SystemctlOptions = {}): Script {
  return sh`${systemctlWords(o)} ${raw(op)} -- ${unit} </dev/null`;
}

/** `systemctl --user` reaches the user's manager through XDG_RUNTIME_DIR; a login over SSH may not have it set. */
export const USER_RUNTIME_DIR = raw('if [ -z "${XDG_RUNTIME_DIR:-}" ]; then XDG_RUNTIME_DIR=/run/user/$(id -u); export XDG_RUNTIME_DIR; fi');

/**
 * `systemctl show` output as Ansible's systemd module parses it into `status`: `Key=value` lines, values trimmed,
 * an `Exec…={ … }` value possibly spanning lines up to the closing brace.
 */
export function parseSystemctlShow(text: string): Record<string, string> {
  const out: Record<string, string> = {};
  let key: string | undefined;
  let multi: string[] = [];
  for (const line of text.split('\n')) {
    if (key === undefined) {
      const i = line.indexOf('=');
      if (i < 0) continue;
      const k = line.slice(0, i);
      const v = line.slice(i + 1);
      if (k.startsWith('Exec') && v.trimStart().startsWith('{') && !v.trimEnd().endsWith('}')) {
        key = k;
        multi = [v];
        continue;
      }
      out[k] = v.trim();
    } else {
      multi.push(line);
      if (line.trimEnd().endsWith('}')) {
        out[key] = multi.join('\n').trim();
        key = undefined;
        multi = [];
      }
    }
  }
  return out;
}
