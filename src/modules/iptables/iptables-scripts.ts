// iptables, the remote half: the read-only probe, the unguarded apply, and the lock-out guard (save the table, arm a
// rollback that outlives the SSH session, apply; confirm over a new connection; look after a rollback). POSIX sh for
// dash; every value goes through the `sh` tag; fixed shell text uses raw().
//
// The guard's skeleton is firewall's (lockout-guard.ts), with its own directory per family, /run/tsinfra/iptables-v4
// and -v6; it saves and restores only the table the change is in.
import { joinScripts, raw, sh, type Script } from '../../shell/script.js';
import { afterRollbackScript, armAndApplyScript, confirmParts, IS_ARMED, rollbackScript as guardRollback } from '../lib/lockout-guard.js';
import { sharedName, sharedRead } from '../../shell/shared-read.js';
import { commandWords, headWords, isChainDeletion, ruleWords, savedLine, TOOLS, type IpVersion, type IptablesChange, type IptablesSpec, type Table } from './iptables-rules.js';

/** Where a guarded change keeps the saved table and its rollback (root-only, gone at reboot). */
export function guardDir(version: IpVersion): string {
  return `/run/tsinfra/iptables-${TOOLS[version].key}`;
}

/**
 * Read-only, always exits 0 and prints key=value lines: missing=1 when the command is not there; armed=<dir> for
 * every guard under /run/tsinfra (ours or firewall's) whose rollback is still armed; chain=1 (with the chain's
 * policy= (built-in chains) and rules= (how many) when the plan needs them), or chain=0 with chain_rc= and
 * chain_error= (base64); in rule mode
 * check= (0 present, 1 absent, else `-C` failed) and check_error= (base64) when it is not 0.
 *
 * The chain's listing is a shared read (one `-S` for every rule of a batch in that chain), and a rule whose printed
 * form is certain (savedLine) is looked up in it: a rule already there costs no process. Any other rule, and any
 * rule not found, is asked of `iptables -C`, which knows every match and target.
 */
export function iptablesProbe(spec: IptablesSpec): Script {
  const { bin } = TOOLS[spec.ip_version];
  // Plain -w (wait for the lock as long as it takes) whatever the task's `wait`: the same listing for every rule.
  const list = spec.chain === '' ? sh`${bin} -w -t ${spec.table} -S` : sh`${bin} -w -t ${spec.table} -S ${spec.chain}`;
  const v = sharedName(list.text);
  const parts: Script[] = [
    sharedRead(raw(`${v}=$(${list.text} 2>/dev/null); ${v}_rc=$?`)),
    raw('set -u'),
    sh`if ! command -v ${bin} >/dev/null 2>&1; then echo missing=1; exit 0; fi`,
    IS_ARMED,
    raw('for tsi_d in /run/tsinfra/*; do'),
    raw('  if [ -d "$tsi_d" ] && [ ! -e "$tsi_d/decided" ] && tsi_armed; then printf \'armed=%s\\n\' "${tsi_d##*/}"; fi'),
    raw('done'),
    raw(`if [ "$${v}_rc" -eq 0 ]; then`),
    raw('  echo chain=1'),
  ];
  // The policy and the rule count matter only to a policy and to an insert at rule_num; the shell reads the listing
  // a byte at a time to count it, so the other rules skip that.
  const chainOnly = spec.policy !== undefined || spec.flush === true || isChainDeletion(spec);
  if (chainOnly || (spec.action === 'insert' && spec.rule_num !== undefined)) {
    parts.push(
      raw('  tsi_n=0'),
      raw('  while read -r tsi_a tsi_b tsi_c tsi_rest; do'),
      raw('    case $tsi_a in -P) echo "policy=$tsi_c" ;; -A) tsi_n=$((tsi_n + 1)) ;; esac'),
      raw('  done <<TSI_LISTING'),
      raw(`$${v}`),
      raw('TSI_LISTING'),
      raw('  echo "rules=$tsi_n"'),
    );
  }
  if (!chainOnly) {
    const check = joinScripts([
      sh`    tsi_err=$(${bin} ${headWords(spec)} -C ${spec.chain} ${ruleWords(spec)} 2>&1 >/dev/null); tsi_rc=$?`,
      raw('    echo "check=$tsi_rc"'),
      raw('    if [ "$tsi_rc" -ne 0 ]; then printf \'check_error=%s\\n\' "$(printf \'%s\' "$tsi_err" | head -c 2000 | base64 -w0)"; fi'),
    ]);
    const line = savedLine(spec);
    if (line === undefined) parts.push(raw('  {'), check, raw('  }'));
    else {
      parts.push(
        raw("  tsi_nl='\n'"),
        raw(`  case "$tsi_nl$${v}$tsi_nl" in`),
        sh`    *"$tsi_nl"${line}"$tsi_nl"*) echo check=0 ;;`,
        raw('    *)'),
        check,
        raw('    ;;'),
        raw('  esac'),
      );
    }
  }
  parts.push(
    raw('else'),
    sh`  tsi_err=$(${list} 2>&1 >/dev/null); tsi_rc=$?`,
    raw('  printf \'chain=0\\nchain_rc=%s\\nchain_error=%s\\n\' "$tsi_rc" "$(printf \'%s\' "$tsi_err" | head -c 2000 | base64 -w0)"'),
    raw('fi'),
    raw('exit 0'),
  );
  return joinScripts(parts);
}

/** The changes' iptables commands, `iptables -w [N] -t TABLE -A|-I|-D|-P|-N|-X|-F CHAIN …`, joined by &&. */
function changeCommands(spec: IptablesSpec, changes: readonly IptablesChange[]): Script {
  return joinScripts(
    changes.map((c) => sh`${TOOLS[c.ip_version].bin} ${headWords(spec)} ${commandWords(c)}`),
    ' && ',
  );
}

/** Without the guard (changes that can only let more traffic through the filter table): one command each. */
export function directApply(spec: IptablesSpec, changes: readonly IptablesChange[]): Script {
  return joinScripts([raw('set -eu'), changeCommands(spec, changes)]);
}

/** Restores the saved table, waiting for the xtables lock where iptables-restore knows -w (1.6.2 and later). */
function restoreSaved(version: IpVersion): string {
  const { restore } = TOOLS[version];
  return `${restore} -w < "$tsi_d/saved" 2>/dev/null || ${restore} < "$tsi_d/saved"`;
}

/** The detached rollback: records its PID, sleeps, then (unless confirmed first) restores the saved table. */
export function rollbackScript(version: IpVersion, timeoutSeconds: number): string {
  const restore = [`if ${restoreSaved(version)}; then echo rolled-back; else echo restore-failed; fi > "$tsi_d/decided/by"`];
  return guardRollback({ dir: guardDir(version), module: 'iptables', restores: 'the saved table', timeoutSeconds, restore });
}

/**
 * The guarded apply, one exec (lockout-guard.ts): save the table, arm, run the iptables commands. A failed single
 * command changed nothing (each iptables command is atomic), so the rollback is disarmed at once and the exit is 4;
 * after a failed second command the saved table is restored first.
 * Prints armed=systemd|setsid and applied=1.
 */
export function armAndApply(spec: IptablesSpec, changes: readonly IptablesChange[], timeoutSeconds: number): Script {
  const change = changes[0]!;
  const version = change.ip_version;
  const { save } = TOOLS[version];
  const table: Table = change.table;
  const unit = `tsinfra-iptables-rollback-${TOOLS[version].key}`;
  return armAndApplyScript({
    dir: guardDir(version),
    refuse: sh`echo "tsinfra: an earlier guarded iptables change still awaits confirmation; its rollback fires within "${timeoutSeconds}"s" >&2`,
    prepare: [
      sh`${save} -t ${table} > "$tsi_d/saved"`,
      sh`if ! grep -qxF -- ${`*${table}`} "$tsi_d/saved"; then echo "tsinfra: "${save}" printed no "${table}" table; nothing was applied" >&2; rm -rf -- "$tsi_d"; exit 3; fi`,
    ],
    rollback: rollbackScript(version, timeoutSeconds),
    unit: sh`${unit}-"$$"`,
    description: 'tsinfra iptables rollback',
    apply: [
      joinScripts([raw('if '), changeCommands(spec, changes), raw('; then echo applied=1; exit 0; fi')], ''),
      // Several commands (-N then the rule): the first may have worked, so the saved table comes back.
      raw(`if mkdir "$tsi_d/decided" 2>/dev/null; then tsi_disarm; ${changes.length > 1 ? `${restoreSaved(version)} || true; ` : ''}echo apply-failed > "$tsi_d/decided/by"; rm -rf -- "$tsi_d"; fi`),
      raw('echo "tsinfra: the iptables command failed; nothing was changed" >&2'),
      raw('exit 4'),
    ],
  });
}

/** Over the NEW connection: confirm, disarm, clean up (lockout-guard.ts). Prints decided=confirmed or the rollback's word. */
export function confirmScript(version: IpVersion): Script {
  return joinScripts([raw('set -eu'), ...confirmParts(guardDir(version))]);
}

/** After the rollback was due: what decided (rolled-back, restore-failed, …; lockout-guard.ts), then the saved files go. */
export function afterRollback(version: IpVersion): Script {
  return afterRollbackScript(guardDir(version));
}
