// Looking for secrets where a run could leave them: process command lines and environments sampled while it runs,
// and files written under the temp roots during it. Used by the secrets audits (secrets-audit, vault-play).
import { execFileSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { hostExec, type LabInfo } from './lab.js';

/** Runs `probe` every 100 ms until `until` settles; every distinct line it saw (so memory stays small). */
export async function sampleWhile(until: Promise<unknown>, probe: () => string | Promise<string>): Promise<string> {
  const seen = new Set<string>();
  let done = false;
  void until.finally(() => (done = true));
  do {
    for (const line of (await probe()).split('\n')) seen.add(line);
    await new Promise((r) => setTimeout(r, 100));
  } while (!done);
  return [...seen].join('\n');
}

/** Every process's command line on every lab host, as the host itself sees it (inside its namespaces). */
export async function hostProcessLists(lab: LabInfo): Promise<string> {
  let out = '';
  for (const h of lab.hosts) out += (await hostExec(lab, h.name, 'cat /proc/[0-9]*/cmdline 2>/dev/null | tr "\\0" " "; ps -eo args')).stdout;
  return out;
}

/**
 * Every process's command line and environment in this machine's /proc, one line each (`PID cmdline: …`,
 * `PID environ: …`). Namespace lab hosts' PID namespaces are children of ours (docs/lab.md), so this sees their
 * processes too: sshd, sudo and the scripts a play runs there.
 */
export function processSnapshot(): string {
  const lines: string[] = [];
  for (const pid of readdirSync('/proc')) {
    if (!/^\d+$/.test(pid)) continue;
    for (const what of ['cmdline', 'environ']) {
      try {
        lines.push(`${pid} ${what}: ${readFileSync(`/proc/${pid}/${what}`, 'latin1').replaceAll('\0', ' ').replaceAll('\n', '\\n')}`);
      } catch {
        /* exited meanwhile */
      }
    }
  }
  return lines.join('\n');
}

/**
 * Regular files under `roots` (on the root's own file system) modified since `sinceMs` and smaller than 8 MiB that
 * hold one of `needles`; `prune` paths are not looked into. find(1) walks: a large /root takes seconds in JS.
 */
export function filesWrittenWith(roots: string[], needles: string[], sinceMs: number, prune: string[] = []): string[] {
  const pruned = prune.flatMap((p, i) => [...(i > 0 ? ['-o'] : []), '-path', p]);
  const args = [...roots, '-xdev', ...(pruned.length > 0 ? ['(', ...pruned, ')', '-prune', '-o'] : []), '-type', 'f', '-newermt', `@${Math.floor(sinceMs / 1000)}`, '-size', '-8M', '-print0'];
  let list: string;
  try {
    list = execFileSync('find', args, { encoding: 'latin1', stdio: ['ignore', 'pipe', 'ignore'], maxBuffer: 64 * 1024 * 1024 });
  } catch (err) {
    list = String((err as { stdout?: string }).stdout ?? ''); // find exits 1 when a file vanished mid-walk
  }
  return list.split('\0').filter((path) => {
    if (path === '') return false;
    try {
      const text = readFileSync(path, 'latin1');
      return needles.some((n) => text.includes(n));
    } catch {
      return false; // vanished or unreadable mid-walk: not ours
    }
  });
}
