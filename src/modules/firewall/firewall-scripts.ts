// firewall, the remote half: the probe, the guarded apply (save, arm a rollback that outlives the SSH session,
// apply), the confirmation (disarm, then persist), the unguarded apply, and the look after a rollback.
// The guard's skeleton is shared with iptables (lockout-guard.ts); here is what firewall saves, applies and restores.
// Everything is POSIX sh for dash; every value goes through the `sh` tag; fixed shell text uses raw().
import { joinScripts, raw, sh, type Script } from '../../shell/script.js';
import { stateScript } from '../lib/remote-file.js';
import { restoreFragment, type Family, type FirewallChange } from './firewall-rules.js';
import { afterRollbackScript, armAndApplyScript, confirmParts, IS_ARMED, rollbackScript as guardRollback } from '../lib/lockout-guard.js';

const TOOLS: Record<Family, { save: string; restore: string; key: string }> = {
  ipv4: { save: 'iptables-save', restore: 'iptables-restore', key: 'v4' },
  ipv6: { save: 'ip6tables-save', restore: 'ip6tables-restore', key: 'v6' },
};

/** Where one chain's guarded change keeps its saved rules and its rollback (root-only, gone at reboot). */
export function guardDir(chain: string): string {
  return `/run/tsinfra/firewall-${chain}`;
}

/** systemd unit name of the rollback on hosts where systemd is PID 1. */
export function rollbackUnit(chain: string): string {
  return `tsinfra-firewall-rollback-${chain}`;
}

const PERSIST_FILE: Record<Family, string> = { ipv4: '/etc/iptables/rules.v4', ipv6: '/etc/iptables/rules.v6' };

/**
 * Read-only: the filter table of each managed family (base64 of `iptables-save -t filter`), the persisted rules
 * files, whether netfilter-persistent is installed and whether an earlier change still awaits confirmation.
 */
export function firewallProbe(chain: string, families: readonly Family[]): Script {
  const parts: Script[] = [
    raw('set -u'),
    sh`tsi_d=${guardDir(chain)}`,
    IS_ARMED,
    raw(
      [
        'tsi_dump() {',
        '  if ! command -v "$2" >/dev/null 2>&1; then echo "$1_missing=1"; return 0; fi',
        '  if tsi_out=$("$2" -t filter 2>/dev/null); then',
        '    printf \'%s=%s\\n\' "$1" "$(printf \'%s\\n\' "$tsi_out" | base64 -w0)"',
        '  else',
        '    printf \'%s_error=%s\\n\' "$1" "$("$2" -t filter 2>&1 >/dev/null | head -c 2000 | base64 -w0)"',
        '  fi',
        '}',
        'tsi_file() {',
        '  if [ -f "$2" ]; then printf \'%s=%s\\n\' "$1" "$(base64 -w0 < "$2")"; fi',
        '}',
      ].join('\n'),
    ),
  ];
  for (const f of families) parts.push(sh`tsi_dump ${TOOLS[f].key} ${TOOLS[f].save}`, sh`tsi_file ${`p${TOOLS[f].key.slice(1)}`} ${PERSIST_FILE[f]}`);
  parts.push(
    raw('if command -v netfilter-persistent >/dev/null 2>&1; then echo nfp=1; fi'),
    raw('if [ -d "$tsi_d" ] && [ ! -e "$tsi_d/decided" ] && tsi_armed; then echo armed=1; fi'),
    raw('exit 0'),
  );
  return joinScripts(parts);
}

/** `iptables-restore --test` then (unless testOnly) the real `--noflush` restore, of one family's fragment. */
function restoreCommands(family: Family, fragment: string, mode: 'test' | 'apply'): Script {
  const b64 = Buffer.from(fragment).toString('base64');
  const flags = mode === 'test' ? ['--test', '--noflush'] : ['--noflush'];
  return sh`printf '%s' ${b64} | base64 -d | ${TOOLS[family].restore} ${flags}`;
}

/** Saves the whole ruleset where iptables-persistent keeps it: `netfilter-persistent save`, or the files ourselves. */
export function persistScript(how: 'netfilter-persistent' | 'files', families: readonly Family[]): Script {
  if (how === 'netfilter-persistent') {
    return raw(
      'if ! tsi_out=$(netfilter-persistent save </dev/null 2>&1); then printf \'%s\\n\' "$tsi_out" >&2; echo \'tsinfra: netfilter-persistent save failed\' >&2; exit 5; fi',
    );
  }
  const parts: Script[] = [raw('mkdir -p /etc/iptables')];
  for (const f of families) {
    parts.push(
      raw('tsi_tmp=$(mktemp /etc/iptables/.tsinfra.XXXXXX)'),
      sh`${TOOLS[f].save} > "$tsi_tmp"`,
      raw('chmod 0640 "$tsi_tmp"'),
      sh`mv -f -- "$tsi_tmp" ${PERSIST_FILE[f]}`,
      raw('tsi_tmp='),
    );
  }
  return joinScripts(parts);
}

function persistOf(changes: readonly FirewallChange[]): Script[] {
  return changes.flatMap((c) => (c.op === 'persist' ? [persistScript(c.how, c.families)] : []));
}

function fragments(changes: readonly FirewallChange[], families: readonly Family[]): [Family, string][] {
  return families.flatMap((f) => {
    const text = restoreFragment(f, changes);
    return text === undefined ? [] : [[f, text] as [Family, string]];
  });
}

/** Without the guard (confirm: false, or only persisting): test, apply, persist. One exec. */
export function directApply(changes: readonly FirewallChange[], families: readonly Family[]): Script {
  const frags = fragments(changes, families);
  return stateScript([
    ...frags.map(([f, text]) => restoreCommands(f, text, 'test')),
    ...frags.map(([f, text]) => restoreCommands(f, text, 'apply')),
    ...persistOf(changes),
  ]);
}

/** The detached rollback: records its PID, sleeps, then (unless confirmed first) restores the saved filter tables. */
export function rollbackScript(chain: string, families: readonly Family[], timeoutSeconds: number): string {
  const restore = [...families.map((f) => `${TOOLS[f].restore} < "$tsi_d/saved.${TOOLS[f].key}"`), 'echo rolled-back > "$tsi_d/decided/by"'];
  return guardRollback({ dir: guardDir(chain), module: 'firewall', restores: 'the saved filter tables', timeoutSeconds, restore });
}

/**
 * The guarded apply, one exec (lockout-guard.ts): test the fragments, save the filter tables, arm, apply. If
 * applying fails, restore at once and disarm. Prints armed=systemd|setsid and applied=1.
 */
export function armAndApply(o: { chain: string; families: readonly Family[]; changes: readonly FirewallChange[]; timeoutSeconds: number }): Script {
  const frags = fragments(o.changes, o.families);
  return armAndApplyScript({
    dir: guardDir(o.chain),
    refuse: sh`echo "tsinfra: an earlier firewall change on this chain still awaits confirmation; its rollback fires within "${o.timeoutSeconds}"s" >&2`,
    prepare: [
      ...frags.map(([f, text]) => restoreCommands(f, text, 'test')),
      ...o.families.map((f) => sh`${TOOLS[f].save} -t filter > "$tsi_d/saved."${TOOLS[f].key}`),
    ],
    rollback: rollbackScript(o.chain, o.families, o.timeoutSeconds),
    unit: sh`${rollbackUnit(o.chain)}`,
    description: 'tsinfra firewall rollback',
    apply: [
      raw('tsi_applied() {'),
      ...(frags.length === 0 ? [raw('  true')] : frags.map(([f, text]) => joinScripts([raw('  '), restoreCommands(f, text, 'apply'), raw(' || return 1')], ''))),
      raw('}'),
      raw('if tsi_applied; then echo applied=1; exit 0; fi'),
      raw('if mkdir "$tsi_d/decided" 2>/dev/null; then'),
      raw('  tsi_disarm'),
      ...o.families.map((f) => sh`  ${TOOLS[f].restore} < "$tsi_d/saved."${TOOLS[f].key}`),
      raw('  echo apply-failed > "$tsi_d/decided/by"'),
      raw('fi'),
      raw('echo "tsinfra: applying the rules failed; the previous rules are restored" >&2'),
      raw('exit 4'),
    ],
  });
}

/**
 * Over the NEW connection: confirm (mkdir is the lock the rollback also takes: whoever makes decided/ wins),
 * disarm, persist, clean up. Prints decided=confirmed, or decided=<what the rollback wrote> when it was first.
 */
export function confirmAndPersist(chain: string, changes: readonly FirewallChange[]): Script {
  return stateScript([raw('umask 077'), ...confirmParts(guardDir(chain), persistOf(changes))]);
}

/** After the rollback was due: what decided (lockout-guard.ts), then the saved files go. */
export function afterRollback(chain: string): Script {
  return afterRollbackScript(guardDir(chain));
}
