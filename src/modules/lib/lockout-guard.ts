// The lock-out guard, the remote half shared by firewall and iptables: a guard directory under /run/tsinfra holds
// what was saved, the rollback script and its PID; the rollback outlives the SSH session (systemd-run, else setsid)
// and restores unless a second connection confirms first. Whoever makes "$tsi_d/decided" (mkdir is the lock) wins
// and writes what it did to decided/by. Each module brings only what differs: what is saved and restored, the
// directory, the unit name and the messages. POSIX sh for dash; fixed shell text uses raw().
import { joinScripts, raw, sh, type Script } from '../../shell/script.js';

/** Is the rollback recorded in "$tsi_d/pid" alive and ours (its command line names "$tsi_d/rollback.sh")? */
export const IS_ARMED = raw(
  [
    'tsi_armed() {',
    '  tsi_pid=$(cat "$tsi_d/pid" 2>/dev/null || true)',
    '  [ -n "$tsi_pid" ] && [ -r "/proc/$tsi_pid/cmdline" ] && tr \'\\000\' \'\\n\' < "/proc/$tsi_pid/cmdline" | grep -qxF -- "$tsi_d/rollback.sh"',
    '}',
  ].join('\n'),
);

/** Kills the rollback (its process group: the sh and its sleep) after checking it is ours. */
export const DISARM = raw(
  [
    'tsi_disarm() {',
    '  if tsi_armed; then kill -TERM "-$tsi_pid" 2>/dev/null || kill -TERM "$tsi_pid" 2>/dev/null || true; fi',
    '}',
  ].join('\n'),
);

/**
 * The detached rollback: records its PID, sleeps, then (unless confirmed first) runs `restore`, whose lines
 * restore what was saved and write the outcome to "$tsi_d/decided/by".
 */
export function rollbackScript(o: { dir: string; module: string; restores: string; timeoutSeconds: number; restore: readonly string[] }): string {
  return [
    '#!/bin/sh',
    `# tsinfra ${o.module} rollback: restores ${o.restores} unless the change is confirmed in time.`,
    'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin; export PATH',
    sh`tsi_d=${o.dir}`.text,
    'echo $$ > "$tsi_d/pid.new" && mv -f "$tsi_d/pid.new" "$tsi_d/pid"',
    sh`sleep ${o.timeoutSeconds}`.text,
    'mkdir "$tsi_d/decided" 2>/dev/null || exit 0',
    ...o.restore,
    '',
  ].join('\n');
}

export interface ArmOptions {
  dir: string;
  /** The refusal while an earlier rollback in `dir` is armed: a command writing to stderr (exit 3 follows). */
  refuse: Script;
  /** Run in the fresh guard directory before arming: test what will be applied, save what the rollback restores. */
  prepare: readonly Script[];
  /** The rollback script's text (rollbackScript). */
  rollback: string;
  /** systemd-run's --unit= value. */
  unit: Script;
  description: string;
  /** Run once the rollback is armed: apply, print applied=1 and exit 0; else undo, disarm and exit 4. */
  apply: readonly Script[];
}

/**
 * The guarded apply, one exec: refuse while an earlier rollback is armed; prepare; start the rollback detached from
 * this SSH session (systemd-run where systemd is PID 1, so logind cannot kill it with the session; setsid
 * elsewhere); wait until it has recorded its PID; apply. Prints armed=systemd|setsid.
 */
export function armAndApplyScript(o: ArmOptions): Script {
  return joinScripts([
    raw('set -eu'),
    raw('umask 077'),
    sh`tsi_d=${o.dir}`,
    IS_ARMED,
    DISARM,
    raw('mkdir -p /run/tsinfra'),
    raw('if [ -d "$tsi_d" ]; then'),
    joinScripts([raw('  if [ ! -e "$tsi_d/decided" ] && tsi_armed; then '), o.refuse, raw('; exit 3; fi')], ''),
    raw('  rm -rf -- "$tsi_d"'),
    raw('fi'),
    raw('mkdir -- "$tsi_d"'),
    ...o.prepare,
    sh`printf '%s' ${Buffer.from(o.rollback).toString('base64')} | base64 -d > "$tsi_d/rollback.sh"`,
    raw('if [ -d /run/systemd/system ] && command -v systemd-run >/dev/null 2>&1; then'),
    sh`  systemd-run --quiet --collect --unit=${o.unit} --description=${o.description} /bin/sh "$tsi_d/rollback.sh" </dev/null`,
    raw('  echo armed=systemd'),
    raw('else'),
    raw('  setsid /bin/sh "$tsi_d/rollback.sh" </dev/null >/dev/null 2>&1 &'),
    raw('  echo armed=setsid'),
    raw('fi'),
    raw('tsi_i=0'),
    raw('until [ -s "$tsi_d/pid" ] && tsi_armed; do'),
    raw('  tsi_i=$((tsi_i + 1))'),
    raw('  if [ "$tsi_i" -gt 200 ]; then echo "tsinfra: the rollback did not start; nothing was applied" >&2; exit 3; fi'),
    raw('  sleep 0.05'),
    raw('done'),
    ...o.apply,
  ]);
}

/**
 * Over the NEW connection, without a prologue (the caller adds its own): confirm (whoever makes decided/ wins),
 * disarm, run `then` (firewall persists), clean up. Prints decided=confirmed, or decided=<what the rollback wrote>
 * when it was first.
 */
export function confirmParts(dir: string, then: readonly Script[] = []): Script[] {
  return [
    sh`tsi_d=${dir}`,
    IS_ARMED,
    DISARM,
    raw('if ! mkdir "$tsi_d/decided" 2>/dev/null; then printf \'decided=%s\\n\' "$(cat "$tsi_d/decided/by" 2>/dev/null || echo unknown)"; exit 0; fi'),
    raw('echo confirmed > "$tsi_d/decided/by"'),
    raw('tsi_disarm'),
    raw('echo decided=confirmed'),
    ...then,
    raw('rm -rf -- "$tsi_d"'),
  ];
}

/**
 * After the rollback was due: what decided (rolled-back, …; `none` when nothing was armed), then the saved files
 * go. A rollback not yet fired (the host answered early) is waited for, up to 10 s, and is otherwise `pending`.
 */
export function afterRollbackScript(dir: string): Script {
  return joinScripts([
    raw('set -u'),
    sh`tsi_d=${dir}`,
    raw('tsi_i=0'),
    raw('while [ -d "$tsi_d" ] && [ ! -e "$tsi_d/decided/by" ] && [ "$tsi_i" -lt 100 ]; do sleep 0.1; tsi_i=$((tsi_i + 1)); done'),
    raw('if [ ! -d "$tsi_d" ]; then echo decided=none; elif [ ! -e "$tsi_d/decided/by" ]; then echo decided=pending; else printf \'decided=%s\\n\' "$(cat "$tsi_d/decided/by")"; rm -rf -- "$tsi_d"; fi'),
  ]);
}
