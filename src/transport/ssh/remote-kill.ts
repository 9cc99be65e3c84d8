// Stopping on the host what an interrupted run started there. Closing the channel is not enough: a command that
// does not read its stdin (`sleep 15`) outlives the run, and a signal sent over the channel is not reliable
// (OpenSSH honours it only from 7.9, and sudo stands between us and the command). So every command we start prints
// its pid on its first line (`entryLine`), and on interrupt one more exec signals the process group of each:
// TERM first, so the scripts' traps remove their temp files, then KILL whatever is left a second later.
import { quote } from '../../shell/quote.js';

/** The command that prints `<marker> <pid>` then becomes `command` (same pid), so we know what to kill. */
export function withEntryLine(command: string, marker: string): string {
  return `/bin/sh -c ${quote(`echo ${marker} $$; exec /bin/sh -c "$1"`)} tsinfra ${quote(command)}`;
}

/** Where the line `<marker> <pid>\n` ends in `text` (decoded as latin1 so indexes are bytes), and the pid. */
export function findEntryLine(text: string, marker: string): { pid: number; end: number } | undefined {
  const at = text.indexOf(`${marker} `);
  if (at < 0) return undefined;
  const nl = text.indexOf('\n', at);
  if (nl < 0) return undefined;
  return { pid: Number(text.slice(at + marker.length + 1, nl)), end: nl + 1 };
}

/**
 * A script that signals the process group of each pid (read from /proc, or `ps` where there is no /proc), never
 * group 0 or 1, and waits up to a second for them to go before it kills what is left.
 */
export function killGroupsScript(pids: number[]): string {
  const list = pids.filter((p) => Number.isInteger(p) && p > 1).join(' ');
  return [
    `gs=; for p in ${list}; do`,
    `  g=$(sed 's/.*) //' /proc/$p/stat 2>/dev/null | cut -d' ' -f3)`,
    `  [ -n "$g" ] || g=$(ps -o pgid= -p $p 2>/dev/null | tr -d ' ')`,
    `  if [ "\${g:-0}" -gt 1 ] 2>/dev/null; then gs="$gs $g"; kill -TERM -$g 2>/dev/null; fi`,
    'done',
    '[ -n "$gs" ] || exit 0',
    // A zombie waits for its parent, maybe forever: groups of zombies only are gone too (read from /proc, slower).
    'alive() { cat /proc/[0-9]*/stat 2>/dev/null | awk -v gs="$gs" \'BEGIN { n = split(gs, a, " "); for (i = 1; i <= n; i++) g[a[i]] = 1 } { sub(/.*\\) /, ""); if ($1 != "Z" && ($3 in g)) print $3 }\' | sort -u; }',
    'for i in 1 2 3 4 5 6 7 8 9 10; do',
    '  left=; for g in $gs; do kill -0 -$g 2>/dev/null && left="$left $g"; done',
    '  [ -z "$left" ] && exit 0',
    '  if [ $i -gt 2 ] && [ -z "$(alive)" ]; then exit 0; fi',
    '  sleep 0.1',
    'done',
    'for g in $left; do kill -KILL -$g 2>/dev/null; done',
    'exit 0',
    '',
  ].join('\n');
}
