// One ssh2 connection per host, reused by every command: exec with stdout/stderr/exit code/signal, stdin,
// sudo become, timeouts, a channel cap, host-key verification and jump hosts.
import { randomBytes } from 'node:crypto';
import { connect as netConnect, type Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import ssh2 from 'ssh2';
import type { AnyAuthMethod, ClientChannel } from 'ssh2';
import { CommandError, ConnectError } from '../../errors.js';
import { log } from '../../log.js';
import type { BecomeOptions, Connection, ConnectTarget, ExecOptions, ExecResult, ScriptOptions } from '../transport.js';
import { becomeFailureMessage, wrapBecome, type BecomeWrap } from './become.js';
import { ChannelGate } from './channel-gate.js';
import { entryFingerprint, fingerprint, hostKeyName, KnownHosts } from './known-hosts.js';
import { loadPrivateKey } from './private-keys.js';
import { findEntryLine, killGroupsScript, withEntryLine } from './remote-kill.js';
import { ScriptSession, SESSION_SCRIPT_MAX } from './script-session.js';

const { Client } = ssh2;
type Ssh2Client = InstanceType<typeof Client>;

// Host key algorithms ssh2 supports, in its preferred order; the ones known_hosts records for a host go first.
const HOST_KEY_ALGORITHMS = ['ssh-ed25519', 'ecdsa-sha2-nistp256', 'ecdsa-sha2-nistp384', 'ecdsa-sha2-nistp521', 'rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'];

let warnedOff = false;

/** -vvvv: where each connection's SSH negotiation goes (ssh2's debug lines, the useful ones); unset, nowhere. */
let negotiationTrace: ((host: string, line: string) => void) | undefined;

export function traceSshNegotiation(trace: ((host: string, line: string) => void) | undefined): void {
  negotiationTrace = trace;
}

/** ssh2's debug lines about channels and keepalives: every command makes a dozen, none tells how we connected. */
const CHANNEL_NOISE = /CHANNEL_|WINDOW_ADJUST|GLOBAL_REQUEST|REQUEST_SUCCESS|REQUEST_FAILURE|Skipping empty|keepalive/i;

function negotiationDebug(host: string): ((line: string) => void) | undefined {
  const trace = negotiationTrace;
  return trace && ((line) => CHANNEL_NOISE.test(line) || trace(host, line));
}

/** How long the exec that stops an interrupted run's commands may take (remote-kill.ts waits 1 s itself). */
const KILL_TIMEOUT_MS = 3000;

/** A command running on the host: its pid (from its entry line) and who it runs as. */
interface Running {
  pid?: number;
  become?: BecomeOptions;
}

/** How long to wait for exit-status after the channel's stream closed (it normally follows within a packet). */
const EXIT_STATUS_GRACE_MS = 2000;

function hostKeyAlgorithms(known: string[]): string[] {
  const preferred = known.flatMap((t) => (t === 'ssh-rsa' ? ['rsa-sha2-512', 'rsa-sha2-256', 'ssh-rsa'] : [t]));
  return [...new Set([...preferred.filter((a) => HOST_KEY_ALGORITHMS.includes(a)), ...HOST_KEY_ALGORITHMS])];
}

async function authMethods(target: ConnectTarget): Promise<AnyAuthMethod[]> {
  const methods: AnyAuthMethod[] = [];
  for (const file of target.privateKeyFiles) {
    const key = await loadPrivateKey(file, target.name, target.askPassphrase);
    methods.push({ type: 'publickey', username: target.user, key });
  }
  if (target.agent) methods.push({ type: 'agent', username: target.user, agent: target.agent });
  if (target.password) methods.push({ type: 'password', username: target.user, password: target.password.reveal() });
  if (methods.length === 0) throw new ConnectError(target.name, 'auth', 'no private key, ssh-agent or password to log in with');
  return methods;
}

/** Opens the TCP socket ourselves so Nagle is off from the first packet (the handshake is 4x faster: REFERENCE.md). */
function openSocket(target: ConnectTarget): Socket {
  return netConnect({ host: target.address, port: target.port, noDelay: true });
}

function describeConnectError(target: ConnectTarget, err: Error & { level?: string; code?: string }): ConnectError {
  const where = `${target.user}@${target.address}:${target.port}`;
  if (/authentication methods failed/i.test(err.message))
    return new ConnectError(target.name, 'auth', `${where} refused our credentials (publickey${target.password ? ', password' : ''})`, { cause: err });
  if (/timed out/i.test(err.message))
    return new ConnectError(target.name, 'timeout', `no SSH handshake with ${where} within ${target.connectTimeoutMs / 1000}s`, { cause: err });
  if (err.code) return new ConnectError(target.name, 'socket', `cannot connect to ${where}: ${err.code}`, { cause: err });
  return new ConnectError(target.name, 'ssh', `SSH to ${where} failed: ${err.message}`, { cause: err });
}

async function handshake(target: ConnectTarget, sock: Duplex): Promise<Ssh2Client> {
  const known = KnownHosts.load(target.knownHostsFiles);
  const name = hostKeyName(target.address, target.port);
  let refusal: ConnectError | undefined;
  const hostVerifier = (key: Buffer): boolean => {
    if (target.hostKeyPolicy === 'off') {
      if (!warnedOff) process.stderr.write('WARNING: host key checking is OFF: connections can be intercepted (man-in-the-middle)\n');
      warnedOff = true;
      log().warn({ host: target.name, fingerprint: fingerprint(key) }, 'host key not verified (policy off)');
      return true;
    }
    const verdict = known.verify(name, key);
    if (verdict.kind === 'known') return true;
    if (verdict.kind === 'revoked') {
      refusal = new ConnectError(target.name, 'hostkey', `host key ${fingerprint(key)} for ${name} is marked @revoked in ${verdict.entry.file}:${verdict.entry.line}`);
      return false;
    }
    if (verdict.kind === 'changed') {
      const was = verdict.recorded.map((e) => `${entryFingerprint(e)} (${e.file}:${e.line})`).join(', ');
      refusal = new ConnectError(target.name, 'hostkey', `HOST KEY CHANGED for ${name}: recorded ${was}, offered ${fingerprint(key)}; refusing to connect`, {
        hint: 'if the host was really reinstalled, remove the old entry (ssh-keygen -R) and connect again',
      });
      return false;
    }
    if (target.hostKeyPolicy === 'accept-new') {
      known.record(name, key);
      log().info({ host: target.name, fingerprint: fingerprint(key) }, 'recorded new host key');
      return true;
    }
    refusal = new ConnectError(target.name, 'hostkey', `unknown host key ${fingerprint(key)} for ${name} (not in ${target.knownHostsFiles.join(', ') || 'any known_hosts file'})`, {
      hint: 'verify it and add it to known_hosts, or use --host-key-policy accept-new',
    });
    return false;
  };
  const client = new Client();
  let authHandler: AnyAuthMethod[];
  try {
    authHandler = await authMethods(target);
  } catch (err) {
    sock.on('error', () => {}); // already failing: a reset from the peer must not crash the process
    sock.destroy();
    throw err;
  }
  return new Promise((resolve, reject) => {
    const onError = (err: Error) => {
      client.removeListener('ready', onReady);
      client.end();
      sock.destroy();
      reject(refusal ?? describeConnectError(target, err));
    };
    const onReady = () => {
      client.removeListener('error', onError);
      resolve(client);
    };
    client.once('ready', onReady);
    // `on`, not `once`: a failing handshake can emit twice (a timeout, then "Connection lost before handshake" as the
    // socket goes), and an 'error' with no listener would end the process (seen while a rebooting host came back).
    client.on('error', onError);
    client.connect({
      sock: sock as never,
      username: target.user,
      hostVerifier,
      authHandler,
      readyTimeout: target.connectTimeoutMs,
      keepaliveInterval: target.keepaliveIntervalMs,
      keepaliveCountMax: 3,
      debug: negotiationDebug(target.name),
      algorithms: { serverHostKey: hostKeyAlgorithms(known.keyTypesFor(name)) as never },
    });
  });
}

function forwardOut(client: Ssh2Client, via: ConnectTarget, to: ConnectTarget): Promise<Duplex> {
  return new Promise((resolve, reject) => {
    client.forwardOut('127.0.0.1', 0, to.address, to.port, (err, stream) => {
      if (err) reject(new ConnectError(to.name, 'socket', `jump host ${via.name} cannot reach ${to.address}:${to.port}: ${err.message}`));
      else resolve(stream);
    });
  });
}

export class SshConnection implements Connection {
  readonly host: string;
  private readonly gate: ChannelGate;
  private readonly pending = new Set<(err: Error) => void>();
  private lost?: ConnectError;
  /** One script session per become user ('' without become). */
  private readonly sessions = new Map<string, Promise<ScriptSession>>();
  /** Plain execs in flight, for close() to stop on the host. */
  private readonly running = new Set<Running>();

  constructor(
    private readonly target: ConnectTarget,
    private readonly client: Ssh2Client,
    private readonly hops: Ssh2Client[],
    /** The TCP socket under it all (the first hop's). */
    private readonly tcp: Socket | undefined,
  ) {
    this.host = target.name;
    this.gate = new ChannelGate(target.maxChannels);
    const onLost = (err?: Error) => {
      this.lost ??= new ConnectError(this.host, 'ssh', `connection lost${err ? `: ${err.message}` : ''}`, { cause: err });
      for (const fail of this.pending) fail(this.lost);
      this.pending.clear();
    };
    client.on('error', onLost);
    client.on('close', () => onLost());
  }

  /** False once the connection is known lost: the pool then opens a new one before the next command. */
  get isOpen(): boolean {
    return this.lost === undefined;
  }

  async exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (this.lost) throw this.lost;
    const release = await this.gate.acquire();
    try {
      return await this.run(command, options);
    } finally {
      release();
    }
  }

  private run(command: string, options: ExecOptions): Promise<ExecResult> {
    const become = options.become;
    const wrap = become ? wrapBecome(command, become) : plainWrap(command);
    return new Promise<ExecResult>((resolve, reject) => {
      // Listeners must be attached inside ssh2's callback: exit-status, EOF and close can arrive in the same TCP
      // chunk as the channel's confirmation, and are emitted before any promise continuation would run.
      this.client.exec(wrap ? wrap.command : command, (openError, channel) => {
        if (openError) reject(new ConnectError(this.host, 'ssh', `cannot open a channel: ${openError.message}`, { cause: openError }));
        else this.watch(channel, options, wrap, resolve, reject);
      });
    });
  }

  private watch(channel: ClientChannel, options: ExecOptions, wrap: BecomeWrap, resolve: (r: ExecResult) => void, reject: (e: Error) => void): void {
    const become = options.become;
    const running: Running = { become };
    this.running.add(running);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    let code: number | null = null;
    let signal: string | null = null;
    let settled = false;
    let entered = false; // once the entry line came (with become: sudo let us in)
    let pre = ''; // stdout before the entry line
    let prompts = 0;
    let sudoSaid = ''; // sudo's words around its prompts ("Sorry, try again."): only for a refusal's message
    let timer: NodeJS.Timeout | undefined;

    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      this.pending.delete(fail);
      this.running.delete(running);
      if (error) {
        channel.close();
        reject(error);
        return;
      }
      const stdout = entered ? Buffer.concat(out).toString('utf8') : Buffer.from(pre, 'latin1').toString('utf8');
      const stderr = Buffer.concat(err).toString('utf8');
      if (become && !entered) {
        const why = becomeFailureMessage(sudoSaid + stderr, become.user, !!become.password, wrap.prompt);
        reject(new CommandError({ host: this.host, what: 'become', exitCode: code, signal, stdout: '', stderr: why }));
        return;
      }
      resolve({ stdout, stderr, code, signal });
    };
    const fail = (error: Error) => finish(error);
    this.pending.add(fail);

    const sendStdin = () => {
      if (options.stdin !== undefined) channel.write(options.stdin);
      channel.end();
    };

    if (options.timeoutMs) {
      timer = setTimeout(() => {
        channel.signal('KILL');
        finish(new CommandError({ host: this.host, what: `command timed out after ${options.timeoutMs! / 1000}s:`, exitCode: null, signal: 'TIMEOUT', stdout: Buffer.concat(out).toString(), stderr: '' }));
      }, options.timeoutMs);
    }

    channel.on('data', (chunk: Buffer) => {
      if (entered) {
        out.push(chunk);
        options.onStdout?.(chunk);
        return;
      }
      pre += chunk.toString('latin1');
      const entry = findEntryLine(pre, wrap.success);
      if (!entry) return;
      entered = true;
      running.pid = entry.pid;
      const rest = Buffer.from(pre.slice(entry.end), 'latin1');
      pre = '';
      if (rest.length) {
        out.push(rest);
        options.onStdout?.(rest);
      }
      if (become) sendStdin();
    });
    channel.stderr.on('data', (chunk: Buffer) => {
      if (!entered && become?.password && chunk.toString('latin1').includes(wrap.prompt)) {
        sudoSaid += chunk.toString('utf8').split(wrap.prompt).join('');
        // Asked again: the password was wrong. End its input, so sudo says so and exits with its own code.
        if (++prompts > 1) channel.end();
        else channel.write(`${become.password.reveal()}\n`);
        return;
      }
      err.push(chunk);
      options.onStderr?.(chunk);
    });
    let exited = false;
    let closed = false;
    channel.on('exit', (exitCode: number | null, exitSignal?: string) => {
      exited = true;
      code = exitCode ?? null;
      signal = exitSignal ?? null;
      if (closed) finish();
    });
    // The stream can close on the server's EOF, just before the exit-status that follows it: wait for that.
    channel.on('close', () => {
      closed = true;
      if (exited) finish();
      else setTimeout(() => finish(), EXIT_STATUS_GRACE_MS).unref();
    });
    // Without sudo in between nothing asks first: the input goes at once, not a round trip later.
    if (!become) sendStdin();
  }

  /**
   * Runs a script as `/bin/sh -s` would, through the connection's script session (one round trip), or a plain
   * exec when the session is busy, the script is big or the host cannot hold a session.
   */
  async runScript(script: string, options: ScriptOptions = {}): Promise<ExecResult> {
    if (this.lost) throw this.lost;
    const plain = () => this.exec('/bin/sh -s', { stdin: script, become: options.become, timeoutMs: options.timeoutMs });
    if (Buffer.byteLength(script) > SESSION_SCRIPT_MAX) return plain();
    let session: ScriptSession;
    try {
      session = await this.sessionFor(options.become);
    } catch (err) {
      // sudo refused us: the same answer a plain exec would get. Anything else (no channel free): exec instead.
      if (err instanceof CommandError) throw err;
      return plain();
    }
    if (session.isBusy) return plain();
    try {
      return await session.run(script, options.timeoutMs);
    } catch (err) {
      throw await this.whyEnded(err);
    }
  }

  /** A session that ended mid-script usually went down with the connection: say so once the connection knows. */
  private async whyEnded(err: unknown): Promise<unknown> {
    if (!(err instanceof ConnectError)) return err;
    await new Promise((resolve) => setTimeout(resolve, 100));
    return this.lost ?? new ConnectError(this.host, 'ssh', `connection lost: ${err.message}`, { cause: err });
  }

  private async sessionFor(become: BecomeOptions | undefined): Promise<ScriptSession> {
    const key = become?.user ?? '';
    const kept = await this.sessions.get(key)?.catch(() => undefined);
    if (kept?.isAlive) return kept;
    const opening = ScriptSession.open(this.host, (command) => this.openChannel(command), become);
    this.sessions.set(key, opening);
    opening.catch(() => this.sessions.delete(key));
    return opening;
  }

  private openChannel(command: string): Promise<ClientChannel> {
    return new Promise((resolve, reject) => {
      this.client.exec(command, (err, channel) => (err ? reject(new ConnectError(this.host, 'ssh', `cannot open a channel: ${err.message}`, { cause: err })) : resolve(channel)));
    });
  }

  /** A stream to another host through this one (ProxyJump). */
  forwardTo(to: ConnectTarget): Promise<Duplex> {
    return forwardOut(this.client, this.target, to);
  }

  /**
   * Stops the commands still running on the host (an interrupted run): the process group of each is signalled by
   * one more exec per become user, past the channel cap (MaxSessions keeps 2 spare). A lost connection cannot.
   */
  private async stopRunning(): Promise<void> {
    if (this.lost) return;
    const sessions = await Promise.all([...this.sessions.values()].map((s) => s.catch(() => undefined)));
    const all: Running[] = [...this.running, ...sessions.flatMap((s) => (s?.isBusy ? [{ pid: s.pid, become: s.becomeOptions }] : []))];
    const byUser = new Map<string, { become?: BecomeOptions; pids: number[] }>();
    for (const r of all) {
      if (r.pid === undefined) continue;
      const key = r.become?.user ?? '';
      const entry = byUser.get(key) ?? byUser.set(key, { become: r.become, pids: [] }).get(key)!;
      entry.pids.push(r.pid);
    }
    await Promise.all(
      [...byUser.values()].map(({ become, pids }) =>
        this.run('/bin/sh -s', { stdin: killGroupsScript(pids), become, timeoutMs: KILL_TIMEOUT_MS }).then(
          () => log().info({ host: this.host, pids }, 'stopped the commands still running'),
          (err: Error) => log().warn({ host: this.host, pids, err: err.message }, 'could not stop the commands still running'),
        ),
      ),
    );
  }

  async close(): Promise<void> {
    // Bounded: on a link that died unnoticed the kill's channel would never open, and Ctrl-C must not hang on it.
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([this.stopRunning(), new Promise((resolve) => (timer = setTimeout(resolve, KILL_TIMEOUT_MS)))]);
    clearTimeout(timer);
    for (const s of this.sessions.values()) void s.then((session) => session.close(), () => {});
    for (const c of [this.client, ...this.hops.slice().reverse()]) c.end();
    // The goodbye is written; the kernel finishes the TCP close. Waiting for the host's FIN kept a finished run
    // alive for tens of milliseconds.
    this.tcp?.unref();
  }
}

/** A command without become, made to print its pid first (remote-kill.ts). */
function plainWrap(command: string): BecomeWrap {
  const success = `TSINFRA-PID-${randomBytes(8).toString('hex')}`;
  return { command: withEntryLine(command, success), prompt: '', success };
}

/** Connects to the target, through its jump hosts if any, outermost first. */
export async function connectSsh(target: ConnectTarget): Promise<SshConnection> {
  const hops: Ssh2Client[] = [];
  const chain = [...target.jumps, target];
  let previous: { client: Ssh2Client; target: ConnectTarget } | undefined;
  let tcp: Socket | undefined;
  try {
    for (const hop of chain) {
      const sock = previous ? await forwardOut(previous.client, previous.target, hop) : (tcp = openSocket(hop));
      const client = await handshake(hop, sock);
      if (hop !== target) hops.push(client);
      previous = { client, target: hop };
    }
  } catch (err) {
    for (const c of hops) c.end();
    throw err;
  }
  return new SshConnection(target, previous!.client, hops, tcp);
}
