// One long-lived remote shell per connection (and become user) that runs scripts one after another: a script
// costs one network round trip instead of three (channel open, exec, close), which is what a far host feels.
//
// The protocol: the channel runs `/bin/sh -s` (RUNNER), and we write shell commands to its stdin. First `tsi_m=MARKER`
// (a random marker, never in argv, so `ps` cannot show it) and a ready line; then per script one command that runs
// it in a subshell, as `eval` of the script in single quotes (however broken the script, the runner only ever
// parses a well-formed quoted word), with stdin /dev/null (never the protocol) and the runner's own variables unset,
// then prints the marker and exit code on stdout, and the marker on stderr, so both streams split cleanly.
//
// The shell reads its input in blocks: a script costs one fork and nothing else, where reading it with `head -c`
// and running it with `/bin/sh -s` cost three processes; on hosts where each exec is dear that is what shows. The
// first script is written with the marker, without waiting for the runner to answer: the session costs nothing
// extra.
import { randomBytes } from 'node:crypto';
import { StringDecoder } from 'node:string_decoder';
import type { ClientChannel } from 'ssh2';
import { CommandError, ConnectError } from '../../errors.js';
import { quote } from '../../shell/quote.js';
import type { BecomeOptions, ExecResult } from '../transport.js';
import { becomeFailureMessage, wrapBecome, type BecomeWrap } from './become.js';
import { findEntryLine } from './remote-kill.js';

const READY = 'TSINFRA-SESSION-READY';

/** Named in its argv (as `$1`), so `ps` on a host tells the runner from a script's plain `/bin/sh -s`. */
export const RUNNER = '/bin/sh -s tsinfra-session';

/** The command that runs one script and reports its end. */
function scriptCommand(script: string): string {
  return `(unset tsi_m tsi_r; set --; eval ${quote(script)}) </dev/null; tsi_r=$?; printf '\\n%s %s\\n' "$tsi_m" "$tsi_r"; printf '\\n%s\\n' "$tsi_m" >&2\n`;
}

/** Scripts bigger than this go through a plain exec: the runner parses each one as a single word. */
export const SESSION_SCRIPT_MAX = 256 * 1024;

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
  /** The runner's pid (from its ready line): an interrupt stops its process group (remote-kill.ts). */
  pid?: number;
  /** sudo's exit code when it did not let us in. */
  private exitCode: number | null = null;

  /** Runs RUNNER (through sudo for `become`) on the channel `open` gives. */
  static async open(host: string, open: (command: string) => Promise<ClientChannel>, become: BecomeOptions | undefined): Promise<ScriptSession> {
    const wrap = become ? wrapBecome(RUNNER, become) : undefined;
    return new ScriptSession(host, await open(wrap ? wrap.command : RUNNER), become, wrap);
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
    channel.on('exit', (code: number | null) => (this.exitCode = code ?? null));
    channel.on('close', () => this.fail(this.closedError()));
    this.send(`tsi_m=${this.marker}; echo ${READY} $$\n`);
  }

  get isAlive(): boolean {
    return !this.dead;
  }

  get isBusy(): boolean {
    return this.current !== undefined;
  }

  get becomeOptions(): BecomeOptions | undefined {
    return this.become;
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
      this.send(scriptCommand(script));
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
        const entry = findEntryLine(this.before, this.wrap!.success);
        if (!entry) return;
        this.before = this.before.slice(entry.end);
        this.entered = true;
        for (const data of this.held) this.channel.write(data);
        this.held = [];
      }
      const ready = findEntryLine(this.before, READY);
      if (!ready) return;
      this.ready = true;
      this.pid = ready.pid;
      text = this.before.slice(ready.end);
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
        this.beforeErr += text.split(this.wrap.prompt).join('');
        // Asked again: the password was wrong. End its input, so sudo says so and exits with its own code.
        if (++this.prompts > 1) this.channel.end();
        else this.channel.write(`${this.become.password.reveal()}\n`);
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
    const why = becomeFailureMessage(this.beforeErr, user, !!password);
    return new CommandError({ host: this.host, what: 'become', exitCode: this.exitCode, signal: null, stdout: '', stderr: why });
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
