// iptables, the remote half: the read-only probe, the unguarded apply, and the lock-out guard (save the table, arm a
// rollback that outlives the SSH session, apply; confirm over a new connection; look after a rollback). POSIX sh for
// dash; every value goes through the `sh` tag; fixed shell text uses raw().
//
// The guard works like firewall's (firewall-scripts.ts) with its own directory per family, /run/tsinfra/iptables-v4
// and -v6, and it saves and restores only the table the change is in. It is written out here rather than shared:
// firewall's scripts are built around its iptables-restore fragments and its chain-named directory.
import { joinScripts, raw, sh, type Script } from '../shell/script.js';
import { commandWords, headWords, ruleWords, TOOLS, type IpVersion, type IptablesChange, type IptablesSpec, type Table } from './iptables-rules.js';

/** Where a guarded change keeps the saved table and its rollback (root-only, gone at reboot). */
export function guardDir(version: IpVersion): string {
  return `/run/tsinfra/iptables-${TOOLS[version].key}`;
}

/** Is the rollback recorded in "$tsi_d/pid" alive and ours (its command line names "$tsi_d/rollback.sh")? */
const IS_ARMED = raw(
  [
    'tsi_armed() {',
    '  tsi_pid=$(cat "$tsi_d/pid" 2>/dev/null || true)',
    '  [ -n "$tsi_pid" ] && [ -r "/proc/$tsi_pid/cmdline" ] && tr \'\\000\' \'\\n\' < "/proc/$tsi_pid/cmdline" | grep -qxF -- "$tsi_d/rollback.sh"',
    '}',
  ].join('\n'),
);

/** Kills the rollback (its process group: the sh and its sleep) after checking it is ours. */
const DISARM = raw(
  [
    'tsi_disarm() {',
    '  if tsi_armed; then kill -TERM "-$tsi_pid" 2>/dev/null || kill -TERM "$tsi_pid" 2>/dev/null || true; fi',
    '}',
  ].join('\n'),
);

function b64(text: string): string {
  return Buffer.from(text).toString('base64');
}

/**
 * Read-only, always exits 0 and prints key=value lines: missing=1 when the command is not there; armed=<dir> for
 * every guard under /run/tsinfra (ours or firewall's) whose rollback is still armed; chain=1 with the chain's
 * policy= (built-in chains) and rules= (how many), or chain=0 with chain_rc= and chain_error= (base64); in rule mode
 * check= (the exit code of `-C`) and check_error= (base64) when it is not 0.
 */
export function iptablesProbe(spec: IptablesSpec): Script {
  const { bin } = TOOLS[spec.ip_version];
  const head = headWords(spec);
  const parts: Script[] = [
    raw('set -u'),
    sh`if ! command -v ${bin} >/dev/null 2>&1; then echo missing=1; exit 0; fi`,
    IS_ARMED,
    raw('for tsi_d in /run/tsinfra/*; do'),
    raw('  if [ -d "$tsi_d" ] && [ ! -e "$tsi_d/decided" ] && tsi_armed; then printf \'armed=%s\\n\' "${tsi_d##*/}"; fi'),
    raw('done'),
    sh`if tsi_out=$(${bin} ${head} -S ${spec.chain} 2>/dev/null); then`,
    raw('  echo chain=1'),
    raw('  printf \'%s\\n\' "$tsi_out" | awk \'$1 == "-P" { print "policy=" $3 } $1 == "-A" { n++ } END { print "rules=" (n + 0) }\''),
  ];
  if (spec.policy === undefined) {
    parts.push(
      sh`  tsi_err=$(${bin} ${head} -C ${spec.chain} ${ruleWords(spec)} 2>&1 >/dev/null); tsi_rc=$?`,
      raw('  echo "check=$tsi_rc"'),
      raw('  if [ "$tsi_rc" -ne 0 ]; then printf \'check_error=%s\\n\' "$(printf \'%s\' "$tsi_err" | head -c 2000 | base64 -w0)"; fi'),
    );
  }
  parts.push(
    raw('else'),
    sh`  tsi_err=$(${bin} ${head} -S ${spec.chain} 2>&1 >/dev/null); tsi_rc=$?`,
    raw('  printf \'chain=0\\nchain_rc=%s\\nchain_error=%s\\n\' "$tsi_rc" "$(printf \'%s\' "$tsi_err" | head -c 2000 | base64 -w0)"'),
    raw('fi'),
    raw('exit 0'),
  );
  return joinScripts(parts);
}

/** The change's iptables command: `iptables -w [N] -t TABLE -A|-I|-D|-P CHAIN …`. */
function changeCommand(spec: IptablesSpec, change: IptablesChange): Script {
  return sh`${TOOLS[change.ip_version].bin} ${headWords(spec)} ${commandWords(change)}`;
}

/** Without the guard (a change that can only let more traffic through the filter table): one command. */
export function directApply(spec: IptablesSpec, change: IptablesChange): Script {
  return joinScripts([raw('set -eu'), changeCommand(spec, change)]);
}

/** Restores the saved table, waiting for the xtables lock where iptables-restore knows -w (1.6.2 and later). */
function restoreSaved(version: IpVersion): string {
  const { restore } = TOOLS[version];
  return `${restore} -w < "$tsi_d/saved" 2>/dev/null || ${restore} < "$tsi_d/saved"`;
}

/** The detached rollback: records its PID, sleeps, then (unless confirmed first) restores the saved table. */
export function rollbackScript(version: IpVersion, timeoutSeconds: number): string {
  return [
    '#!/bin/sh',
    '# tsinfra iptables rollback: restores the saved table unless the change is confirmed in time.',
    'PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin; export PATH',
    sh`tsi_d=${guardDir(version)}`.text,
    'echo $$ > "$tsi_d/pid.new" && mv -f "$tsi_d/pid.new" "$tsi_d/pid"',
    sh`sleep ${timeoutSeconds}`.text,
    'mkdir "$tsi_d/decided" 2>/dev/null || exit 0',
    `if ${restoreSaved(version)}; then echo rolled-back; else echo restore-failed; fi > "$tsi_d/decided/by"`,
    '',
  ].join('\n');
}

/**
 * The guarded apply, one exec: refuse while an earlier rollback of this family is armed; save the table; start the
 * rollback detached from this SSH session (systemd-run where systemd is PID 1, so logind cannot kill it with the
 * session; setsid elsewhere); wait until it has recorded its PID; run the one iptables command. A failed command
 * changed nothing (each iptables command is atomic), so the rollback is disarmed at once and the exit is 4.
 * Prints armed=systemd|setsid and applied=1.
 */
export function armAndApply(spec: IptablesSpec, change: IptablesChange, timeoutSeconds: number): Script {
  const version = change.ip_version;
  const { save } = TOOLS[version];
  const table: Table = change.table;
  const unit = `tsinfra-iptables-rollback-${TOOLS[version].key}`;
  return joinScripts([
    raw('set -eu'),
    raw('umask 077'),
    sh`tsi_d=${guardDir(version)}`,
    IS_ARMED,
    DISARM,
    raw('mkdir -p /run/tsinfra'),
    raw('if [ -d "$tsi_d" ]; then'),
    sh`  if [ ! -e "$tsi_d/decided" ] && tsi_armed; then echo "tsinfra: an earlier guarded iptables change still awaits confirmation; its rollback fires within "${timeoutSeconds}"s" >&2; exit 3; fi`,
    raw('  rm -rf -- "$tsi_d"'),
    raw('fi'),
    raw('mkdir -- "$tsi_d"'),
    sh`${save} -t ${table} > "$tsi_d/saved"`,
    sh`if ! grep -qxF -- ${`*${table}`} "$tsi_d/saved"; then echo "tsinfra: "${save}" printed no "${table}" table; nothing was applied" >&2; rm -rf -- "$tsi_d"; exit 3; fi`,
    sh`printf '%s' ${b64(rollbackScript(version, timeoutSeconds))} | base64 -d > "$tsi_d/rollback.sh"`,
    raw('if [ -d /run/systemd/system ] && command -v systemd-run >/dev/null 2>&1; then'),
    sh`  systemd-run --quiet --collect --unit=${unit}-"$$" --description='tsinfra iptables rollback' /bin/sh "$tsi_d/rollback.sh" </dev/null`,
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
    joinScripts([raw('if '), changeCommand(spec, change), raw('; then echo applied=1; exit 0; fi')], ''),
    raw('if mkdir "$tsi_d/decided" 2>/dev/null; then tsi_disarm; echo apply-failed > "$tsi_d/decided/by"; rm -rf -- "$tsi_d"; fi'),
    raw('echo "tsinfra: the iptables command failed; nothing was changed" >&2'),
    raw('exit 4'),
  ]);
}

/**
 * Over the NEW connection: confirm (mkdir is the lock the rollback also takes: whoever makes decided/ wins), disarm,
 * clean up. Prints decided=confirmed, or decided=<what the rollback wrote> when it was first.
 */
export function confirmScript(version: IpVersion): Script {
  return joinScripts([
    raw('set -eu'),
    sh`tsi_d=${guardDir(version)}`,
    IS_ARMED,
    DISARM,
    raw('if ! mkdir "$tsi_d/decided" 2>/dev/null; then printf \'decided=%s\\n\' "$(cat "$tsi_d/decided/by" 2>/dev/null || echo unknown)"; exit 0; fi'),
    raw('echo confirmed > "$tsi_d/decided/by"'),
    raw('tsi_disarm'),
    raw('echo decided=confirmed'),
    raw('rm -rf -- "$tsi_d"'),
  ]);
}

/**
 * After the rollback was due: what decided (rolled-back, restore-failed, …; `none` when nothing was armed), then the
 * saved files go. A rollback not yet fired (the host answered early) is waited for, up to 10 s, else `pending`.
 */
export function afterRollback(version: IpVersion): Script {
  return joinScripts([
    raw('set -u'),
    sh`tsi_d=${guardDir(version)}`,
    raw('tsi_i=0'),
    raw('while [ -d "$tsi_d" ] && [ ! -e "$tsi_d/decided/by" ] && [ "$tsi_i" -lt 100 ]; do sleep 0.1; tsi_i=$((tsi_i + 1)); done'),
    raw('if [ ! -d "$tsi_d" ]; then echo decided=none; elif [ ! -e "$tsi_d/decided/by" ]; then echo decided=pending; else printf \'decided=%s\\n\' "$(cat "$tsi_d/decided/by")"; rm -rf -- "$tsi_d"; fi'),
  ]);
}
