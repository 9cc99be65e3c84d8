// ufw, the remote half: the read-only probe (what community.general reads before it runs anything), the apply (the
// task's ufw commands, then the state again) and check mode's dry run. POSIX sh for dash; every value goes through
// the `sh` tag; fixed shell text uses raw().
import { joinScripts, raw, sh, type Script } from '../../shell/script.js';
import type { UfwCommand } from './ufw-rules.js';

/** The user rules files community.general greps for `### tuple` lines (old and new ufw layouts). */
export const USER_RULES_FILES = ['/lib/ufw/user.rules', '/lib/ufw/user6.rules', '/etc/ufw/user.rules', '/etc/ufw/user6.rules', '/var/lib/ufw/user.rules', '/var/lib/ufw/user6.rules'];

/** Prints status=<base64> and rules=<base64>: `ufw status verbose` and the tuples, read as community.general reads them. */
const READ_STATE = [
  raw('tsi_st=$(LANG=C ufw status verbose 2>&1); tsi_rc=$?'),
  raw('printf \'status_rc=%s\\nstatus=%s\\n\' "$tsi_rc" "$(printf \'%s\' "$tsi_st" | base64 -w0)"'),
  sh`printf 'rules=%s\n' "$(grep -h '^### tuple' ${USER_RULES_FILES} 2>/dev/null | base64 -w0)"`,
];

/**
 * Read-only, exits 0: ufw= and grep= (their paths; ufw= empty when ufw is not installed), status_rc=, status=,
 * rules= (base64), input_policy= (DEFAULT_INPUT_POLICY of /etc/default/ufw: the incoming default while inactive).
 */
export function ufwProbe(): Script {
  return joinScripts([
    raw('set -u'),
    raw('PATH=$PATH:/usr/sbin:/sbin; export PATH'),
    raw('printf \'ufw=%s\\ngrep=%s\\n\' "$(command -v ufw || true)" "$(command -v grep || true)"'),
    raw('command -v ufw >/dev/null 2>&1 || exit 0'),
    ...READ_STATE,
    raw('printf \'input_policy=%s\\n\' "$(sed -n \'s/^DEFAULT_INPUT_POLICY="\\{0,1\\}\\([A-Z]*\\)"\\{0,1\\}.*/\\1/p\' /etc/default/ufw 2>/dev/null | tail -n 1)"'),
    raw('exit 0'),
  ]);
}

/** One command's run: on failure, failed=<index>, out= and err= (base64) and the exit. */
function runCommand(c: UfwCommand, i: number): Script {
  return joinScripts([
    sh`LANG=C ufw ${c.words} >"$tsi_t/out" 2>"$tsi_t/err"; tsi_rc=$?`,
    raw('if [ "$tsi_rc" -ne 0 ]; then'),
    raw(`  printf 'failed=${i}\\nrc=%s\\nout=%s\\nerr=%s\\n' "$tsi_rc" "$(base64 -w0 < "$tsi_t/out")" "$(base64 -w0 < "$tsi_t/err")"`),
    raw('  rm -rf -- "$tsi_t"; exit 0'),
    raw('fi'),
    raw(`printf 'out${i}=%s\\n' "$(base64 -w0 < "$tsi_t/out")"`),
  ]);
}

/** The task's commands in order, stopping at the first that fails (as community.general does), then the state again. */
export function ufwApply(commands: readonly UfwCommand[]): Script {
  return joinScripts([
    raw('set -u'),
    raw('PATH=$PATH:/usr/sbin:/sbin; export PATH'),
    raw('tsi_t=$(mktemp -d)'),
    ...commands.map(runCommand),
    raw('rm -rf -- "$tsi_t"'),
    ...READ_STATE,
    raw('exit 0'),
  ]);
}

/** Check mode: the rule and logging commands under --dry-run (read-only, as community.general runs them); out<i>= each. */
export function ufwDryRun(commands: readonly UfwCommand[]): Script {
  return joinScripts([raw('set -u'), raw('PATH=$PATH:/usr/sbin:/sbin; export PATH'), raw('tsi_t=$(mktemp -d)'), ...commands.map(runCommand), raw('rm -rf -- "$tsi_t"'), raw('exit 0')]);
}
