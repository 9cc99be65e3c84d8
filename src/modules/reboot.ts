// reboot: Ansible's reboot action (lib/ansible/plugins/action/reboot.py, Linux path). Read the boot id, run
// `shutdown -r` (found along search_paths), then reconnect — a fresh connection each try, with backoff — until the
// boot id differs, and until the test command succeeds. The play then goes on over the new connection.
import { Type, type Static } from '@sinclair/typebox';
import { raw, sh } from '../shell/script.js';
import { defineAction, type ActionIO, type RegisteredResult } from './define.js';

const DEFAULT_SEARCH_PATHS = ['/sbin', '/bin', '/usr/sbin', '/usr/bin', '/usr/local/sbin'];

const RebootArgs = Type.Object(
  {
    reboot_timeout: Type.Integer({ default: 600, description: 'Seconds to wait for the host to come back, then for the test command' }),
    connect_timeout: Type.Optional(Type.Integer({ minimum: 1, description: 'Seconds one connection attempt may take while waiting (default: the connection\'s own)' })),
    test_command: Type.String({ default: 'whoami', description: 'Must succeed on the rebooted host before the task succeeds' }),
    pre_reboot_delay: Type.Integer({ default: 0, description: 'Seconds before the reboot, given to shutdown in whole minutes (under 60: now)' }),
    post_reboot_delay: Type.Integer({ default: 0, description: 'Seconds to wait after the reboot command before checking' }),
    msg: Type.String({ default: 'Reboot initiated by Ansible', description: 'The message shutdown broadcasts' }),
    search_paths: Type.Array(Type.String(), { default: DEFAULT_SEARCH_PATHS, description: 'Where the reboot command is looked for (a string: comma-separated)' }),
    boot_time_command: Type.String({ default: 'cat /proc/sys/kernel/random/boot_id', description: 'Prints something that changes at every boot' }),
    reboot_command: Type.Optional(Type.String({ minLength: 1, description: 'The command and its arguments (default: shutdown -r <delay in minutes> "<msg>"); a bare name is looked for along search_paths' })),
  },
  { additionalProperties: false },
);
export type RebootArgs = Static<typeof RebootArgs>;

/** Ansible's check_type_list: a string is split on commas. */
function normalizeRebootArgs(input: unknown): unknown {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return input;
  const a = input as Record<string, unknown>;
  return typeof a.search_paths === 'string' ? { ...a, search_paths: a.search_paths.split(',') } : a;
}

/** Python's repr of a list of strings, as Ansible's messages print search_paths. */
const pyList = (xs: readonly string[]) => `[${xs.map((x) => `'${x.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`).join(', ')}]`;

/** The reboot command line: the binary (its path found on the host) and its arguments, as Ansible builds them. */
export function rebootCommandParts(a: RebootArgs): { bin: string; args: string } {
  if (a.reboot_command !== undefined) {
    const space = a.reboot_command.indexOf(' ');
    return space < 0 ? { bin: a.reboot_command, args: '' } : { bin: a.reboot_command.slice(0, space), args: a.reboot_command.slice(space + 1) };
  }
  const minutes = Math.floor(Math.max(0, a.pre_reboot_delay) / 60);
  return { bin: 'shutdown', args: `-r ${minutes} "${a.msg}"` };
}

/** Prints the first `<dir>/<bin>` that exists (a symlink counts), as Ansible's find over search_paths gives it. */
export function findBinScript(bin: string, paths: readonly string[]) {
  return sh`for d in ${[...paths]}; do if [ -e "$d/"${bin} ] || [ -L "$d/"${bin} ]; then printf '%s\n' "$d/"${bin}; exit 0; fi; done; exit 1`;
}

class TimedOut extends Error {}

/** Ansible's do_until_success_or_timeout: try, and on failure sleep 2^n s (at most 12 s) until the deadline. */
async function untilSuccess(io: ActionIO, deadline: number, what: string, timeout: number, attempt: () => Promise<boolean>): Promise<void> {
  for (let fails = 0; io.now() < deadline; fails++) {
    if (await attempt().catch(() => false)) return;
    await io.sleep(Math.min(2 ** fails, 12) * 1000);
  }
  throw new TimedOut(`Timed out waiting for ${what} (timeout=${timeout})`);
}

export const reboot = defineAction({
  name: 'reboot',
  summary: 'Reboot the host and wait until it is back (a new boot id) and the test command succeeds',
  args: RebootArgs,
  normalize: normalizeRebootArgs,
  checkMode: 'run',
  controllerOnly: false,
  async run(a, io): Promise<RegisteredResult> {
    if (io.isLocal) return { changed: false, failed: true, elapsed: 0, rebooted: false, msg: 'Running reboot with local connection would reboot the control node.' };
    if (io.isCheck) return { changed: true, failed: false, elapsed: 0, rebooted: true };
    const bootId = async (timeoutMs?: number) => {
      const r = await io.exec(raw(a.boot_time_command), { timeoutMs });
      if (r.code !== 0) throw new Error(`reboot: failed to get host boot time info, rc: ${r.code}, stdout: ${r.stdout}, stderr: ${r.stderr}`);
      return r.stdout.trim();
    };
    let before: string;
    try {
      before = await bootId();
    } catch (err) {
      // Ansible's own key here is `reboot` (sic).
      return { changed: false, failed: true, reboot: false, msg: (err as Error).message };
    }
    const { bin, args } = rebootCommandParts(a);
    let path = bin;
    if (!bin.startsWith('/')) {
      const found = await io.exec(findBinScript(bin, a.search_paths));
      path = found.code === 0 ? found.stdout.split('\n')[0]! : '';
      if (!path) return { changed: false, failed: true, msg: `Unable to find command "${bin}" in search paths: ${pyList(a.search_paths)}` };
    }
    const timeoutMs = a.reboot_timeout * 1000;
    let rc: number | null = 0;
    let out = { stdout: '', stderr: '' };
    try {
      const r = await io.exec(raw(`${path} ${args}`), { timeoutMs });
      ({ code: rc } = r);
      out = r;
    } catch {
      // The connection went down with the host before the command could answer: that is the reboot (Ansible too).
      rc = 0;
    }
    const start = io.now();
    const elapsed = () => Math.floor((io.now() - start) / 1000);
    if (rc !== 0) {
      return { changed: false, failed: true, rebooted: false, elapsed: elapsed(), msg: `Reboot command failed. Error was: '${out.stdout.trim()}, ${out.stderr.trim()}'` };
    }
    if (a.post_reboot_delay > 0) await io.sleep(a.post_reboot_delay * 1000);
    try {
      const connectMs = (a.connect_timeout ?? 10) * 1000;
      let deadline = io.now() + timeoutMs;
      await untilSuccess(io, deadline, 'last boot time check', a.reboot_timeout, async () => {
        const left = deadline - io.now();
        if (!(await io.tryConnect(Math.max(1000, Math.min(connectMs, left))))) return false;
        const now = await bootId(Math.max(1000, left));
        return now !== '' && now !== before;
      });
      deadline = io.now() + timeoutMs;
      await untilSuccess(io, deadline, 'post-reboot test command', a.reboot_timeout, async () => {
        const r = await io.exec(raw(a.test_command), { timeoutMs: Math.max(1000, deadline - io.now()) });
        return r.code === 0;
      });
    } catch (err) {
      if (!(err instanceof TimedOut)) throw err;
      return { changed: false, failed: true, rebooted: true, elapsed: elapsed(), msg: err.message };
    }
    return { changed: true, failed: false, rebooted: true, elapsed: elapsed() };
  },
});
