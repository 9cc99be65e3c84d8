// A transport that runs nothing: each command or script is answered by the last-added rule that matches it (rig's
// MockRunner), and every one is recorded per host, so engine tests check what ran, and how many round trips a host
// cost, without root, namespaces or sshd. Give `fake.pool()` (or `new ConnectionPool(fake.connector)`) to runPlaybook.
//
// A batch of read-ahead probes (engine/read-ahead/probe-batch.ts) is one round trip but several probes: the fake answers each
// probe of it by the rules, as the host would, and puts the answers back between the batch's markers. The facts
// script has a default answer (a Debian 12 host named after the inventory host; a rule on FACTS_SCRIPT replaces
// it); anything no rule matches exits 0 with no output, and is listed in `unmatched`.
import { ConnectError } from '../errors.js';
import { ConnectionPool } from './connection-pool.js';
import type { Connection, ConnectTarget, ExecOptions, ExecResult, ScriptOptions } from './transport.js';

/** A command as one remote shell would run it: a probe of a batch is one call, and so is a plain exec. */
export interface FakeCall {
  host: string;
  /** The script (or exec command line) text; for a probe of a batch, that probe alone (without shared reads). */
  script: string;
  /** What a person wrote, when the fake can tell: the shell module's line, or the command module's words. */
  command?: string;
  /** The become user, when the call ran under become. */
  become?: string;
  /** Which round trip of this host carried it (0-based). */
  roundTrip: number;
}

/** One round trip to a host: a plain exec, or one script (a batch of probes counts once). */
export interface FakeRoundTrip {
  host: string;
  kind: 'exec' | 'script';
  text: string;
  become?: string;
  /** The calls it carried: one, or one per probe of a batch. */
  calls: FakeCall[];
}

export interface FakeReply {
  stdout?: string;
  stderr?: string;
  /** Exit code (default 0); null with a signal. */
  rc?: number | null;
  signal?: string | null;
}

export type FakeMatcher = string | RegExp | ((call: FakeCall) => boolean);
export type FakeAnswer = FakeReply | ((call: FakeCall) => FakeReply | Promise<FakeReply>);

export interface FakeRuleOptions {
  /** Only on this host (or these). */
  host?: string | readonly string[];
  /** Answers this many times, then stops matching (later calls go to the next matching rule). */
  times?: number;
}

interface Rule {
  matcher: FakeMatcher;
  answer: FakeAnswer;
  hosts?: ReadonlySet<string>;
  left: number;
}

/** Matches the facts script (engine/facts.ts). */
export const FACTS_SCRIPT: RegExp = /^echo tsinfra_facts=1$/m;

/** The facts script's output for a plain Debian 12 host with systemd, apt and one address on eth0. */
export function fakeFactsOutput(host: string, address = '10.0.0.10'): string {
  return [
    'tsinfra_facts=1',
    'os_release=PRETTY_NAME="Debian GNU/Linux 12 (bookworm)"',
    'os_release=ID=debian',
    'os_release=VERSION_ID="12"',
    'os_release=VERSION_CODENAME=bookworm',
    `uname=${host} 6.1.0-fake-amd64 x86_64`,
    `fqdn=${host}.example.test`,
    'dpkg_arch=amd64',
    'user=root',
    'uid=0',
    'nproc=2',
    'memtotal_kb=2097152',
    'probe=systemd_dir',
    'probe=init_d',
    'pid1=systemd',
    'cmd=apt-get /usr/bin/apt-get',
    'cmd=python3 /usr/bin/python3',
    'ip=1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN mode DEFAULT group default qlen 1000\\    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00',
    'ip=2: eth0: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu 1500 qdisc noqueue state UP mode DEFAULT group default qlen 1000\\    link/ether 02:00:00:00:00:01 brd ff:ff:ff:ff:ff:ff',
    'ip=1: lo    inet 127.0.0.1/8 scope host lo\\       valid_lft forever preferred_lft forever',
    `ip=2: eth0    inet ${address}/24 brd 10.0.0.255 scope global eth0\\       valid_lft forever preferred_lft forever`,
    `ip=8.8.8.8 via 10.0.0.1 dev eth0 src ${address} uid 0 `,
    'tsinfra_facts_end=1',
    '',
  ].join('\n');
}

export interface FakeTransportOptions {
  /** The answer to a call no rule matches (default: exit 0, no output). */
  otherwise?: FakeReply;
}

export class FakeTransport {
  private readonly rules: Rule[] = [];
  private readonly down = new Map<string, string>();
  private readonly trips: FakeRoundTrip[] = [];
  private readonly connects = new Map<string, number>();
  /** Calls that no rule matched (answered with `otherwise`). */
  readonly unmatched: FakeCall[] = [];

  constructor(private readonly options: FakeTransportOptions = {}) {}

  /** Answer calls that match. The rule added last is tried first, so a test can override a general rule. */
  on(matcher: FakeMatcher, answer: FakeAnswer, options: FakeRuleOptions = {}): this {
    const hosts = options.host === undefined ? undefined : new Set(typeof options.host === 'string' ? [options.host] : options.host);
    this.rules.unshift({ matcher, answer, hosts, left: options.times ?? Infinity });
    return this;
  }

  /** Matching calls exit with `rc` (default 1) and `stderr`. */
  fail(matcher: FakeMatcher, stderr = 'fake failure', options: FakeRuleOptions & { rc?: number } = {}): this {
    return this.on(matcher, { rc: options.rc ?? 1, stderr }, options);
  }

  /** Connecting to the host fails (as a refused socket would), so every task there is `unreachable`. */
  unreachable(host: string, message = 'connection refused (fake)'): this {
    this.down.set(host, message);
    return this;
  }

  /** For ConnectionPool: connects (or refuses) by the target's inventory name. */
  readonly connector = async (target: ConnectTarget): Promise<Connection> => {
    this.connects.set(target.name, (this.connects.get(target.name) ?? 0) + 1);
    const refused = this.down.get(target.name);
    if (refused !== undefined) throw new ConnectError(target.name, 'socket', refused);
    return new FakeConnection(target.name, this);
  };

  /** A pool over this fake, with no wait between connect retries. */
  pool(): ConnectionPool {
    return new ConnectionPool(this.connector, { backoffMs: 0 });
  }

  /** A connect target for an inventory host (the fake needs only its name). */
  targetOf(host: { name: string }): ConnectTarget {
    return {
      name: host.name,
      address: host.name,
      port: 22,
      user: 'root',
      privateKeyFiles: [],
      hostKeyPolicy: 'off',
      knownHostsFiles: [],
      connectTimeoutMs: 1000,
      keepaliveIntervalMs: 0,
      maxChannels: 8,
      jumps: [],
    };
  }

  /** Every round trip, in order; of one host when given. */
  roundTrips(host?: string): FakeRoundTrip[] {
    return host === undefined ? [...this.trips] : this.trips.filter((t) => t.host === host);
  }

  /** Every call (the probes of a batch one by one), in order; of one host when given. */
  calls(host?: string): FakeCall[] {
    return this.roundTrips(host).flatMap((t) => t.calls);
  }

  /** The calls that match, as a rule would match them. */
  received(matcher: FakeMatcher, host?: string): FakeCall[] {
    return this.calls(host).filter((c) => matches(matcher, c));
  }

  /** How many times the pool connected (or tried to) to the host. */
  connectsTo(host: string): number {
    return this.connects.get(host) ?? 0;
  }

  /** Runs one round trip for a FakeConnection. */
  async run(host: string, kind: FakeRoundTrip['kind'], text: string, become: string | undefined): Promise<ExecResult> {
    const roundTrip = this.roundTrips(host).length;
    const batch = kind === 'script' ? splitProbeBatch(text) : undefined;
    const scripts = batch ? batch.parts : [text];
    const calls = scripts.map((script): FakeCall => ({ host, script, command: commandOf(script), become, roundTrip }));
    this.trips.push({ host, kind, text, become, calls });
    const replies: FakeReply[] = [];
    for (const call of calls) replies.push(await this.answer(call));
    if (!batch) return toExecResult(replies[0]!);
    let stdout = '';
    let stderr = '';
    replies.forEach((r, i) => {
      // A probe killed by a signal: its subshell's status, as sh reports it ($? = 128 + SIGKILL).
      const code = typeof r.rc === 'number' ? r.rc : r.signal ? 137 : 0;
      stdout += `${r.stdout ?? ''}\n${batch.marker}:${i}:${code}\n`;
      stderr += `${r.stderr ?? ''}\n${batch.marker}:${i}\n`;
    });
    return { stdout, stderr, code: 0, signal: null };
  }

  private async answer(call: FakeCall): Promise<FakeReply> {
    const rule = this.rules.find((r) => r.left > 0 && (!r.hosts || r.hosts.has(call.host)) && matches(r.matcher, call));
    if (rule) {
      rule.left--;
      return typeof rule.answer === 'function' ? rule.answer(call) : rule.answer;
    }
    if (FACTS_SCRIPT.test(call.script)) return { stdout: fakeFactsOutput(call.host) };
    this.unmatched.push(call);
    return this.options.otherwise ?? {};
  }
}

export class FakeConnection implements Connection {
  private isClosed = false;

  constructor(
    readonly host: string,
    private readonly fake: FakeTransport,
  ) {}

  get isOpen(): boolean {
    return !this.isClosed;
  }

  exec(command: string, options: ExecOptions = {}): Promise<ExecResult> {
    if (command === '/bin/sh -s' && options.stdin !== undefined) return this.runScript(String(options.stdin), options);
    return this.fake.run(this.host, 'exec', command, options.become?.user);
  }

  runScript(script: string, options: ScriptOptions = {}): Promise<ExecResult> {
    return this.fake.run(this.host, 'script', script, options.become?.user);
  }

  async close(): Promise<void> {
    this.isClosed = true;
  }
}

function matches(m: FakeMatcher, call: FakeCall): boolean {
  if (typeof m === 'function') return m(call);
  if (typeof m === 'string') return call.script.includes(m) || (call.command?.includes(m) ?? false);
  m.lastIndex = 0;
  if (m.test(call.script)) return true;
  m.lastIndex = 0;
  return call.command !== undefined && m.test(call.command);
}

function toExecResult(r: FakeReply): ExecResult {
  return { stdout: r.stdout ?? '', stderr: r.stderr ?? '', code: r.signal ? null : (r.rc ?? 0), signal: r.signal ?? null };
}

/** The probes of a batch (engine/read-ahead/probe-batch.ts composeProbes), or undefined when `text` is not one. */
function splitProbeBatch(text: string): { marker: string; parts: string[] } | undefined {
  const marker = /^printf '\\n(TSINFRA-PROBE-[0-9a-f]+):0:%s\\n' "\$\?"$/m.exec(text)?.[1];
  if (!marker) return undefined;
  const parts: string[] = [];
  let from = text.indexOf('( :\n'); // after the shared reads, which print nothing
  for (let i = 0; from >= 0; i++) {
    const end = text.indexOf(`) </dev/null\nprintf '\\n${marker}:${i}:%s\\n' "$?"\n`, from);
    if (end < 0) break;
    parts.push(text.slice(from + '( :\n'.length, end));
    const next = `printf '\\n${marker}:${i}\\n' >&2\n`;
    const after = text.indexOf(next, end);
    from = after >= 0 && text.startsWith('( :\n', after + next.length) ? after + next.length : -1;
  }
  return { marker, parts };
}

/** The shell module's command line (base64 in its prelude) or the command module's words, for matching. */
function commandOf(script: string): string | undefined {
  const encoded = /__tsinfra_cmd="\$\(printf '%s' '?([A-Za-z0-9+/=]*)'? \| base64 -d\)"/.exec(script)?.[1];
  if (encoded !== undefined) return Buffer.from(encoded, 'base64').toString('utf8');
  const line = /^exec (.+) <\/dev\/null$/m.exec(script)?.[1];
  return line === undefined ? undefined : unquoteWords(line).join(' ');
}

/** Words as shell/quote.ts writes them: bare, '…' and \' pieces, separated by blanks. */
function unquoteWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    if (c === ' ') {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else if (c === "'") {
      const end = line.indexOf("'", i + 1);
      word = (word ?? '') + line.slice(i + 1, end < 0 ? line.length : end);
      i = end < 0 ? line.length : end;
    } else if (c === '\\') word = (word ?? '') + (line[++i] ?? '');
    else word = (word ?? '') + c;
  }
  if (word !== undefined) words.push(word);
  return words;
}
