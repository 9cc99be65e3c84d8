// One long-lived remote shell per connection (and become user) that runs scripts one after another: a script
// costs one network round trip instead of three (channel open, exec, close), which is what a far host feels.
//
// The protocol, on the channel's stdin: first a random marker line (never in argv, so `ps` cannot show it), then
// per script its length in bytes on a line and the script itself. The runner reads exactly that many bytes (GNU
// head -c reads no further) and runs them in a subshell with `eval`, its stdin /dev/null (never the protocol), then
// prints the marker and exit code on stdout, and the marker on stderr, so both streams split cleanly. A subshell is
// a fork where `printf | /bin/sh -s` was two forks and an exec, which a host running many scripts feels. The
// runner's own variables are unset before the script runs, so no script can read the marker. The first script is
// written with the marker, without waiting for the runner to answer: the session costs nothing extra.
import { randomBytes } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import type { ClientChannel } from 'ssh2';
import { CommandError, ConnectError } from '../../errors.js';
import { quote } from '../../shell/quote.js';
import type { BecomeOptions, ExecResult } from '../transport.js';
import { describeBecomeFailure, wrapBecome, type BecomeWrap } from './become.js';

const READY = 'TSINFRA-SESSION-READY';
const UNSUPPORTED = 'TSINFRA-NO-SESSION';

const RUNNER = [
  // Only where head -c is GNU's (it never reads past the count); elsewhere the caller falls back to plain exec.
  // This check comes before anything is read, so a script already sent is never run.
  `case "$(head --version 2>/dev/null)" in *GNU*) ;; *) echo ${UNSUPPORTED}; exit 0 ;; esac`,
  'IFS= read -r tsi_m || exit 0',
  `echo ${READY}`,
  'while IFS= read -r tsi_n; do',
  '  tsi_s=$(head -c "$tsi_n"; echo .)',
  '  tsi_s=${tsi_s%.}',
  // The eval'd text starts by unsetting the script's own copy; the script itself was expanded into it already.
  "  (unset tsi_m tsi_n tsi_r; eval \"unset tsi_s; $tsi_s\") </dev/null",
  '  tsi_r=$?',
  `  printf '\\n%s %s\\n' "$tsi_m" "$tsi_r"`,
  `  printf '\\n%s\\n' "$tsi_m" >&2`,
  'done',
].join('\n');

/** Scripts bigger than this go through a plain exec: the runner holds each one in a shell variable. */
export const SESSION_SCRIPT_MAX = 256 * 1024;

/** The host has no GNU head: nothing was run, use a plain exec. */
export class SessionUnsupported extends Error {}

interface Pending {
  resolve: (r: ExecResult) => void;
  reject: (e: Error) => void;
  out: string;
  err: string;
  code?: number;
  errDone: boolean;
  timer?: NodeJS.Timeout;
}

export class ScriptSession {
  private readonly marker = `TSINFRA-END-${randomBytes(12).toString('hex')}`;
  private readonly wrap?: BecomeWrap;
  private readonly outText = new StringDecoder('utf8');
  private readonly errText = new StringDecoder('utf8');
  /** Until sudo let us in (become) and the runner said it is ready. */
  private entered: boolean;
  private ready = false;
  private before = '';
  private beforeErr = '';
  private prompts = 0;
  /** Bytes to send once sudo let us in. */
  private held: (string | Buffer)[] = [];
  private current?: Pending;
  private dead?: Error;

  /** Runs `/bin/sh -c RUNNER` (through sudo for `become`) on the channel `open` gives. */
  static async open(host: string, open: (command: string) => Promise<ClientChannel>, become: BecomeOptions | undefined): Promise<ScriptSession> {
    const runner = `/bin/sh -c ${quote(RUNNER)}`;
    const wrap = become ? wrapBecome(runner, become) : undefined;
    return new ScriptSession(host, await open(wrap ? wrap.command : runner), become, wrap);
  }

  private constructor(
    private readonly host: string,
    private readonly channel: ClientChannel,
    private readonly become: BecomeOptions | undefined,
    wrap: BecomeWrap | undefined,
  ) {
    this.wrap = wrap;
    this.entered = !wrap;
    channel.on('data', (chunk: Buffer) => this.onStdout(this.outText.write(chunk)));
    channel.stderr.on('data', (chunk: Buffer) => this.onStderr(this.errText.write(chunk)));
    channel.on('close', () => this.fail(this.closedError()));
    this.send(`${this.marker}\n`);
  }

  get isAlive(): boolean {
    return !this.dead;
  }

  get isBusy(): boolean {
    return this.current !== undefined;
  }

  run(script: string, timeoutMs?: number): Promise<ExecResult> {
    if (this.dead) return Promise.reject(this.dead);
    if (this.current) return Promise.reject(new Error('ScriptSession.run: a script is already running'));
    return new Promise((resolve, reject) => {
      const pending: Pending = { resolve, reject, out: '', err: '', errDone: false };
      this.current = pending;
      if (timeoutMs) {
        pending.timer = setTimeout(() => {
          // The runner cannot be told to stop one script: end the whole session, as a timed-out exec ends its own.
          this.channel.signal('KILL');
          this.channel.close();
          this.fail(new CommandError({ host: this.host, what: `command timed out after ${timeoutMs / 1000}s:`, exitCode: null, signal: 'TIMEOUT', stdout: pending.out, stderr: '' }));
        }, timeoutMs);
      }
      const bytes = Buffer.from(script, 'utf8');
      this.send(`${bytes.length}\n`);
      this.send(bytes);
    });
  }

  close(): void {
    this.fail(new ConnectError(this.host, 'ssh', 'the remote shell session was closed'));
    this.channel.end();
  }

  private send(data: string | Buffer): void {
    if (this.entered) this.channel.write(data);
    else this.held.push(data);
  }

  private onStdout(text: string): void {
    if (!this.ready) {
      this.before += text;
      if (!this.entered) {
        const at = this.before.indexOf(`${this.wrap!.success}\n`);
        if (at < 0) return;
        this.before = this.before.slice(at + this.wrap!.success.length + 1);
        this.entered = true;
        for (const data of this.held) this.channel.write(data);
        this.held = [];
      }
      if (this.before.includes(UNSUPPORTED)) return this.fail(new SessionUnsupported(`${this.host}: no GNU head, no script session`));
      const at = this.before.indexOf(`${READY}\n`);
      if (at < 0) return;
      this.ready = true;
      text = this.before.slice(at + READY.length + 1);
      this.before = '';
    }
    const p = this.current;
    if (!p) return; // output after a script ended (a daemon it left behind): nobody's
    p.out += text;
    // The end marker is the last thing the runner prints for a script: look only at the tail.
    const tail = p.out.slice(-(this.marker.length + 16));
    const m = new RegExp(`\\n${this.marker} (\\d+)\\n$`).exec(tail);
    if (m) {
      p.code = Number(m[1]);
      p.out = p.out.slice(0, p.out.length - tail.length + m.index);
    }
    this.settleIfDone();
  }

  private onStderr(text: string): void {
    if (!this.entered) {
      if (this.wrap && this.become?.password && text.includes(this.wrap.prompt)) {
        if (++this.prompts > 1) {
          this.channel.signal('KILL');
          this.channel.close();
          return this.fail(new CommandError({ host: this.host, what: 'become', exitCode: null, signal: null, stdout: '', stderr: `sudo to ${this.become.user}: incorrect sudo password` }));
        }
        this.channel.write(`${this.become.password.reveal()}\n`);
        return;
      }
      this.beforeErr += text;
      return;
    }
    const p = this.current;
    if (!p) return;
    p.err += text;
    const tag = `\n${this.marker}\n`;
    if (p.err.endsWith(tag)) {
      p.err = p.err.slice(0, -tag.length);
      p.errDone = true;
    }
    this.settleIfDone();
  }

  private settleIfDone(): void {
    const p = this.current;
    if (!p || p.code === undefined || !p.errDone) return;
    clearTimeout(p.timer);
    this.current = undefined;
    p.resolve({ stdout: p.out, stderr: p.err, code: p.code, signal: null });
  }

  /** Why the channel closed: sudo refused us (as a plain exec would report it), or the session just ended. */
  private closedError(): Error {
    if (this.entered || !this.become) return new ConnectError(this.host, 'ssh', 'the remote shell session ended');
    const { user, password } = this.become;
    const why = describeBecomeFailure(this.beforeErr, user, !!password) ?? `sudo to ${user} failed: ${this.beforeErr.trim().slice(0, 200)}`;
    return new CommandError({ host: this.host, what: 'become', exitCode: null, signal: null, stdout: '', stderr: why });
  }

  private fail(error: Error): void {
    this.dead ??= error;
    const p = this.current;
    if (!p) return;
    clearTimeout(p.timer);
    this.current = undefined;
    p.reject(this.dead);
  }
}
