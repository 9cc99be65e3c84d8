// synchronize (ansible.posix): rsync on the controller, to the host (push) or from it (pull), over OpenSSH aimed as
// our own connection is (address, port, user, keys, known_hosts, host key policy, timeouts, jump hosts). The rsync
// command line is ansible.posix's, flag for flag; `changed` comes from rsync's itemized output as there.
import { Type, type Static } from '@sinclair/typebox';
import { splitWords } from './command.js';
import { defineAction, StringEnum, type ArgProblem, type RegisteredResult, type SshRoute } from './define.js';

const optionalBool = (description: string) => Type.Optional(Type.Boolean({ description }));

const SynchronizeArgs = Type.Object(
  {
    src: Type.String({ minLength: 1, description: 'Path on the source side (the controller for push); a relative path is found in files/' }),
    dest: Type.String({ minLength: 1, description: 'Path on the destination side (the host for push)' }),
    mode: StringEnum(['push', 'pull'] as const, { default: 'push', description: 'push: controller → host; pull: host → controller' }),
    delete: Type.Boolean({ default: false, description: 'Delete files in dest that src lacks (--delete-after)' }),
    recursive: optionalBool('Recurse into directories (default: as archive)'),
    archive: Type.Boolean({ default: true, description: 'rsync --archive: recursive, links, perms, times, owner, group' }),
    checksum: Type.Boolean({ default: false, description: 'Compare files by checksum, not size and time' }),
    compress: Type.Boolean({ default: true, description: 'Compress the transfer' }),
    existing_only: Type.Boolean({ default: false, description: 'Update only files dest already has (--existing)' }),
    dirs: Type.Boolean({ default: false, description: 'Transfer directories without recursing (--dirs)' }),
    links: optionalBool('Copy symlinks as symlinks (default: as archive)'),
    copy_links: Type.Boolean({ default: false, description: 'Copy what symlinks point to (--copy-links)' }),
    perms: optionalBool('Keep permissions (default: as archive)'),
    times: optionalBool('Keep modification times (default: as archive)'),
    owner: optionalBool('Keep the owner (default: as archive; needs root on the receiving side)'),
    group: optionalBool('Keep the group (default: as archive)'),
    rsync_opts: Type.Array(Type.String(), { default: [], description: 'More rsync options, each split as a shell would (a string: comma-separated)' }),
    rsync_path: Type.Optional(Type.String({ description: 'The rsync command on the host (default: rsync, or sudo -u <become_user> rsync with become)' })),
    rsync_timeout: Type.Integer({ minimum: 0, default: 0, description: 'rsync --timeout in seconds (0: none)' }),
    dest_port: Type.Optional(Type.Integer({ minimum: 1, maximum: 65535, description: "The host's SSH port (default: the connection's)" })),
    private_key: Type.Optional(Type.String({ minLength: 1, description: "The key to log in with (default: the connection's keys)" })),
    set_remote_user: Type.Boolean({ default: true, description: 'Put the login user in the remote path (user@host:path)' }),
    ssh_connection_multiplexing: Type.Boolean({ default: false, description: 'Let ssh use a ControlMaster (without it: -S none)' }),
    use_ssh_args: Type.Boolean({ default: false, description: "Add the host's ansible_ssh_common_args and ansible_ssh_extra_args to ssh" }),
    verify_host: Type.Boolean({ default: false, description: "Accepted for Ansible's playbooks: the host key is always checked as tsinfra's connection checks it" }),
    partial: Type.Boolean({ default: false, description: 'Keep partially transferred files (--partial)' }),
    delay_updates: Type.Boolean({ default: true, description: 'Put updated files in place at the end (--delay-updates)' }),
    link_dest: Type.Optional(Type.Array(Type.String(), { description: 'Hard-link unchanged files from these directories (--link-dest)' })),
  },
  { additionalProperties: false },
);
export type SynchronizeArgs = Static<typeof SynchronizeArgs>;

const CHANGED = '<<CHANGED>>';

/** Ansible's list coercion for rsync_opts and link_dest: a string is comma-separated. */
function normalizeSynchronizeArgs(input: unknown): unknown {
  if (!input || typeof input !== 'object' || Array.isArray(input)) return input;
  const a = { ...(input as Record<string, unknown>) };
  for (const k of ['rsync_opts', 'link_dest']) if (typeof a[k] === 'string') a[k] = (a[k] as string).split(',');
  return a;
}

/** `user@host:path` as ansible.posix writes it ([user@host]:path for an IPv6 address; rsync:// as it is). */
export function remotePath(host: string, path: string, user: string | undefined): string {
  if (path.startsWith('rsync://')) return path;
  const prefix = user ? `${user}@` : '';
  return host.includes(':') ? `[${prefix}${host}]:${path}` : `${prefix}${host}:${path}`;
}

/** A path that names another host (`host:path`, `rsync://`) or is absolute stays as written (the action's _get_absolute_path). */
const isAsWritten = (p: string) => p.includes(':') || p.startsWith('/');

/** One piece of the rsync command: the arguments rsync gets, and how Ansible's `cmd` shows them (shell-quoted). */
interface Arg {
  args: string[];
  shown: string;
}
/** Python's shlex.quote, which Ansible's `cmd` shows (`'"'"'` for a quote inside). */
export function pyQuote(s: string): string {
  if (s === '') return "''";
  return /^[\w@%+=:,./-]+$/u.test(s) ? s : `'${s.replace(/'/g, `'"'"'`)}'`;
}
const plain = (arg: string): Arg => ({ args: [arg], shown: arg });
/** `--name=value` with the value quoted, as the module writes it: `'--rsh=%s' % shlex_quote(...)`. */
const option = (name: string, value: string): Arg => ({ args: [`${name}=${value}`], shown: `${name}=${pyQuote(value)}` });
const quoted = (arg: string): Arg => ({ args: [arg], shown: pyQuote(arg) });

export interface RsyncInputs {
  /** The controller's rsync and ssh (their paths). */
  rsync: string;
  ssh: string;
  /** The source and destination, already resolved (controller paths found, the remote side as user@host:path). */
  src: string;
  dest: string;
  route: Pick<SshRoute, 'port' | 'privateKeyFiles' | 'options' | 'becomeUser'>;
  isCheck: boolean;
  /** Extra ssh text (use_ssh_args), appended to the --rsh command as is. */
  sshArgs?: string;
}

/** The rsync command, argument for argument as ansible.posix's synchronize module builds it. */
export function rsyncCommand(a: SynchronizeArgs, x: RsyncInputs): { argv: string[]; cmd: string } {
  const out: Arg[] = [plain(x.rsync)];
  const flag = (on: boolean | undefined, ...names: string[]) => on && out.push(...names.map(plain));
  flag(a.delay_updates, '--delay-updates', '-F');
  flag(a.compress, '--compress');
  if (a.rsync_timeout) out.push(plain(`--timeout=${a.rsync_timeout}`));
  flag(x.isCheck, '--dry-run');
  flag(a.delete, '--delete-after');
  flag(a.existing_only, '--existing');
  flag(a.checksum, '--checksum');
  flag(a.copy_links, '--copy-links');
  // With --archive only an explicit false counts (--no-…); without it only an explicit true (--…).
  const parts = ['recursive', 'links', 'perms', 'times', 'owner', 'group'] as const;
  if (a.archive) {
    out.push(plain('--archive'));
    for (const p of parts) flag(a[p] === false, `--no-${p}`);
  } else for (const p of parts) flag(a[p] === true, `--${p}`);
  flag(a.dirs, '--dirs');
  const isRemote = (p: string) => p.includes(':') && !p.startsWith('rsync://');
  // The module joins rsync_opts into its command line unquoted, and run_command splits that line as a shell would.
  const opts = a.rsync_opts.map((o): Arg => ({ args: splitWords(o), shown: o }));
  if ((isRemote(x.src) || isRemote(x.dest)) && !a.rsync_opts.some((o) => o.includes('--rsh'))) {
    const keys = a.private_key !== undefined ? [a.private_key] : x.route.privateKeyFiles;
    const ssh = [x.ssh, ...(a.ssh_connection_multiplexing ? [] : ['-S', 'none']), ...keys.flatMap((k) => ['-i', k]), '-o', `Port=${a.dest_port ?? x.route.port}`, ...x.route.options];
    const rsh = ssh.map(pyQuote).join(' ') + (x.sshArgs ? ` ${x.sshArgs}` : '');
    out.push(option('--rsh', rsh));
  }
  // Become on the host, as the action does it: rsync there under sudo (unless rsync_path says otherwise).
  const rsyncPath = a.rsync_path ?? (x.route.becomeUser !== undefined ? `sudo -u ${x.route.becomeUser} rsync` : undefined);
  if (rsyncPath !== undefined) out.push(option('--rsync-path', rsyncPath));
  out.push(...opts);
  flag(a.partial, '--partial');
  if (a.link_dest?.length) {
    // -vv: rsync does not count a new hard link as a change otherwise.
    out.push(plain('-H'), plain('-vv'), ...a.link_dest.map((d) => plain(`--link-dest=${d}`)));
  }
  out.push(option('--out-format', `${CHANGED}%i %n%L`), quoted(x.src), quoted(x.dest));
  return { argv: out.flatMap((o) => o.args), cmd: out.map((o) => o.shown).join(' ') };
}

/** changed, msg and stdout_lines from rsync's output, as the module reads them. */
export function rsyncOutcome(stdout: string, hasLinkDest: boolean): { changed: boolean; msg: string; stdout_lines: string[] } {
  // With link_dest, -vv prints lines for unchanged files too: a leading '.' in the itemized flags is "no change".
  const changed = hasLinkDest ? !stdout.includes(`${CHANGED}.`) : stdout.includes(CHANGED);
  const msg = stdout.split(CHANGED).join('');
  return { changed, msg, stdout_lines: msg.split('\n').filter((l) => l !== '') };
}

function refine(a: SynchronizeArgs): ArgProblem[] {
  if (a.src.startsWith('rsync://') && a.dest.startsWith('rsync://')) return [{ path: '', message: 'either src or dest must be a localhost' }];
  return [];
}

export const synchronize = defineAction({
  name: 'synchronize',
  summary: 'rsync a tree between the controller and the host (push or pull), over the host\'s SSH settings',
  args: SynchronizeArgs,
  normalize: normalizeSynchronizeArgs,
  refine,
  checkMode: 'run',
  controllerOnly: false,
  async run(a, io): Promise<RegisteredResult> {
    const route = io.ssh;
    const controller = io.controller;
    if (!route || !controller) return { changed: false, failed: true, msg: 'synchronize needs an SSH host and the controller: this run has neither' };
    if (route.hasPassword && !a.rsync_opts.some((o) => o.includes('--rsh'))) {
      return { changed: false, failed: true, msg: `synchronize: ${route.user}@${route.address} logs in with a password, which the controller's ssh cannot be given without a prompt: use a key (ansible_ssh_private_key_file)` };
    }
    const rsyncName = typeof io.vars.ansible_rsync_path === 'string' && io.vars.ansible_rsync_path ? io.vars.ansible_rsync_path : 'rsync';
    const rsync = controller.program(rsyncName);
    const ssh = controller.program('ssh');
    const missing = !rsync ? rsyncName : !ssh ? 'ssh' : undefined;
    if (missing) return { changed: false, failed: true, msg: `Failed to find required executable "${missing}" on the controller's PATH (${process.env.PATH ?? ''})` };
    const user = a.set_remote_user ? route.user : undefined;
    const local = (p: string) => (isAsWritten(p) ? p : controller.path(p));
    const remote = (p: string) => remotePath(route.address, p, user);
    const [src, dest] = a.mode === 'pull' ? [remote(a.src), local(a.dest)] : [local(a.src), remote(a.dest)];
    const sshArgs = a.use_ssh_args ? [io.vars.ansible_ssh_common_args, io.vars.ansible_ssh_extra_args].filter((v) => typeof v === 'string' && v).join(' ') : undefined;
    const { argv, cmd } = rsyncCommand(a, { rsync: rsync!, ssh: ssh!, src, dest, route, isCheck: io.isCheck, sshArgs });
    const r = await controller.run(argv);
    if (r.code !== 0) return { changed: false, failed: true, msg: r.stderr, rc: r.code, cmd };
    return { ...rsyncOutcome(r.stdout, Boolean(a.link_dest?.length)), rc: 0, cmd, failed: false };
  },
});
