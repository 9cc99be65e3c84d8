// ufw, the pure half: the ufw commands community.general.ufw runs for a task (same words, same order: state,
// default, rule, logging), what its check mode predicts, the probe's output → state, and the lock-out check (would
// this task leave ufw active, refusing new connections to the controller's SSH port?). No I/O here: ufw.ts runs the
// scripts of ufw-scripts.ts.
import { PlanError } from '../define.js';
import { fromBase64, parseKeyValues } from '../lib/probe-output.js';

/** What the commands and the checks depend on: the module's args. */
export interface UfwSpec {
  state?: 'enabled' | 'disabled' | 'reloaded' | 'reset';
  default?: 'allow' | 'deny' | 'reject';
  logging?: 'full' | 'high' | 'low' | 'medium' | 'off' | 'on';
  direction?: 'in' | 'incoming' | 'out' | 'outgoing' | 'routed';
  delete: boolean;
  route: boolean;
  insert?: number;
  rule?: 'allow' | 'deny' | 'limit' | 'reject';
  interface?: string;
  interface_in?: string;
  interface_out?: string;
  log: boolean;
  from_ip: string;
  from_port?: string;
  to_ip: string;
  to_port?: string;
  proto?: string;
  name?: string;
  comment?: string;
}

/** One ufw command: the words to run (after the ufw binary) and the kind, for check mode. */
export interface UfwCommand {
  kind: 'state' | 'default' | 'rule' | 'logging';
  words: string[];
  /** As community.general builds and reports it: its words joined by spaces, values in '' where it quotes them. */
  text: string;
}

const STATE_VERBS = { enabled: 'enable', disabled: 'disable', reloaded: 'reload', reset: 'reset' } as const;

/**
 * The task's ufw commands, in community.general's order (state, default, rule, logging), each after `ufw` and, in
 * check mode, `--dry-run` (only rule and logging run then). `text` is community.general's string for `commands`.
 */
export function ufwCommands(s: UfwSpec, ufw: string, dryRun = false): UfwCommand[] {
  const head = dryRun ? ['--dry-run'] : [];
  const out: UfwCommand[] = [];
  const push = (kind: UfwCommand['kind'], parts: [string, string[]][]) => {
    const words = [...head, ...parts.flatMap(([, w]) => w)];
    out.push({ kind, words, text: [ufw, ...head, ...parts.map(([t]) => t)].join(' ') });
  };
  const plain = (w: string): [string, string[]] => [w, [w]];
  if (s.state !== undefined) push('state', [plain('-f'), plain(STATE_VERBS[s.state])]);
  if (s.default !== undefined) push('default', [plain('default'), plain(s.default), ...(s.direction ? [plain(s.direction)] : [])]);
  if (s.rule !== undefined) {
    const parts: [string, string[]][] = [];
    const opt = (cond: unknown, text: string, words: string[]) => {
      if (cond) parts.push([text, words]);
    };
    opt(s.route, 'route', ['route']);
    opt(s.delete, 'delete', ['delete']);
    opt(s.insert !== undefined && !s.delete, `insert ${s.insert}`, ['insert', String(s.insert)]);
    parts.push(plain(s.rule));
    opt(s.direction, `${s.direction}`, [`${s.direction}`]);
    opt(s.interface, `on ${s.interface}`, ['on', `${s.interface}`]);
    opt(s.interface_in, `in on ${s.interface_in}`, ['in', 'on', `${s.interface_in}`]);
    opt(s.interface_out, `out on ${s.interface_out}`, ['out', 'on', `${s.interface_out}`]);
    opt(s.log, 'log', ['log']);
    opt(s.from_ip, `from ${s.from_ip}`, ['from', s.from_ip]);
    opt(s.from_port, `port ${s.from_port}`, ['port', `${s.from_port}`]);
    opt(s.to_ip, `to ${s.to_ip}`, ['to', s.to_ip]);
    opt(s.to_port, `port ${s.to_port}`, ['port', `${s.to_port}`]);
    opt(s.proto, `proto ${s.proto}`, ['proto', `${s.proto}`]);
    opt(s.name, `app '${s.name}'`, ['app', `${s.name}`]);
    opt(s.comment, `comment '${s.comment}'`, ['comment', `${s.comment}`]);
    push('rule', parts);
  }
  if (s.logging !== undefined) push('logging', [plain('logging'), plain(s.logging)]);
  return out;
}

// ---- the probe's output -------------------------------------------------------------------------------------------

export interface UfwState {
  /** Absolute paths as community.general finds them (get_bin_path), for `commands`. */
  ufw: string;
  grep: string;
  /** `ufw status verbose` as printed (LANG=C). */
  status: string;
  /** The `### tuple` lines of the user rules files (grep -h). */
  rules: string;
  /** DEFAULT_INPUT_POLICY of /etc/default/ufw (DROP, ACCEPT, REJECT): the incoming default even while inactive. */
  inputPolicy: string;
}

/** Pure: the probe's stdout → the state; undefined when ufw is not installed. */
export function parseUfwState(stdout: string): UfwState | undefined {
  const kv = parseKeyValues(stdout);
  const ufw = kv.get('ufw') ?? '';
  if (ufw === '') return undefined;
  const text = (k: string) => fromBase64(kv.get(k)).toString('utf8');
  if (kv.get('status_rc') !== '0') throw new PlanError('ufw', `ufw status verbose failed: ${text('status').trim().slice(0, 200)}`, { hint: 'the module needs root (become: true)' });
  return { ufw, grep: kv.get('grep') || 'grep', status: text('status'), rules: text('rules'), inputPolicy: kv.get('input_policy') ?? '' };
}

export function isActive(status: string): boolean {
  return / active/.test(status.split('\n')[0] ?? ''); // "active" would also match "inactive", hence the space (as community.general)
}

const DEFAULTS = /Default: (deny|allow|reject) \(incoming\), (deny|allow|reject) \(outgoing\), (deny|allow|reject|disabled) \(routed\)/;

// ---- check mode: community.general's predictions --------------------------------------------------------------------

const IPV4 = /((25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\.){3,3}(25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])/;
const IPV6 = new RegExp(
  '(([0-9a-fA-F]{1,4}:){7,7}[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,7}:|([0-9a-fA-F]{1,4}:){1,6}:[0-9a-fA-F]{1,4}|([0-9a-fA-F]{1,4}:){1,5}' +
    '(:[0-9a-fA-F]{1,4}){1,2}|([0-9a-fA-F]{1,4}:){1,4}(:[0-9a-fA-F]{1,4}){1,3}|([0-9a-fA-F]{1,4}:){1,3}(:[0-9a-fA-F]{1,4}){1,4}|([0-9a-fA-F]' +
    '{1,4}:){1,2}(:[0-9a-fA-F]{1,4}){1,5}|[0-9a-fA-F]{1,4}:((:[0-9a-fA-F]{1,4}){1,6})|:((:[0-9a-fA-F]{1,4}){1,7}|:)|fe80:(:[0-9a-fA-F]{0,4})' +
    '{0,4}%[0-9a-zA-Z]{1,}|::(ffff(:0{1,4}){0,1}:){0,1}((25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\\.){3,3}(25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}' +
    '[0-9])|([0-9a-fA-F]{1,4}:){1,4}:((25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9])\\.){3,3}(25[0-5]|(2[0-4]|1{0,1}[0-9]){0,1}[0-9]))',
);

/** Python's splitlines(True): lines with their endings. */
function linesOf(text: string): string[] {
  return text.match(/[^\n]*\n|[^\n]+$/g) ?? [];
}

const startsWith = (re: RegExp, s: string) => new RegExp(`^(?:${re.source})`).test(s);

/**
 * Would check mode report a change for the state, default or logging command? community.general's reading of
 * `ufw status verbose` (a default is "changed" whenever ufw is inactive: its status prints no defaults then).
 */
export function predictedChange(kind: 'state' | 'default' | 'logging', s: UfwSpec, status: string): boolean {
  if (kind === 'state') {
    if (s.state === 'reloaded' || s.state === 'reset') return true;
    const enabled = isActive(status);
    return (s.state === 'disabled' && enabled) || (s.state === 'enabled' && !enabled);
  }
  if (kind === 'default') {
    const m = DEFAULTS.exec(status);
    if (!m) return true;
    const current = { incoming: m[1]!, outgoing: m[2]!, routed: m[3]! }[(s.direction ?? 'incoming') as 'incoming' | 'outgoing' | 'routed'];
    return current !== s.default && current !== 'disabled';
  }
  const m = /Logging: (on|off)(?: \(([a-z]+)\))?/.exec(status);
  if (!m) return true;
  const [, onOff, level] = m;
  if (s.logging !== 'off') return onOff === 'off' || (s.logging !== 'on' && s.logging !== level);
  return onOff !== 'off';
}

/** Check mode for a rule: does `ufw --dry-run <rule>`'s output differ from the rules there (community.general's test)? */
export function dryRunChanges(s: UfwSpec, preRules: string, dry: string): boolean {
  const lines = linesOf(dry);
  const skipping = lines.filter((l) => l.includes('Skipping')).length;
  if (skipping > 0 && skipping === lines.length) return false;
  const tuples = lines.filter((l) => l.startsWith('### tuple')).join('');
  const only = (re: RegExp, text: string) => linesOf(text).filter((l) => re.test(l)).join('');
  if (startsWith(IPV4, s.from_ip) || startsWith(IPV4, s.to_ip)) return only(IPV4, preRules) !== only(IPV4, tuples);
  if (startsWith(IPV6, s.from_ip) || startsWith(IPV6, s.to_ip)) return only(IPV6, preRules) !== only(IPV6, tuples);
  return preRules !== tuples;
}

// ---- the lock-out check ---------------------------------------------------------------------------------------------

/** Does a port spec of a tuple or an argument (22, 80,443, 1000:2000, any/undefined) take in `port`? */
export function portCovers(spec: string | undefined, port: number): boolean {
  if (spec === undefined || spec === 'any' || spec === '') return true;
  return spec.split(',').some((p) => {
    const [a, b] = p.split(':').map((x) => x.trim());
    if (!/^[0-9]+$/.test(a ?? '')) return /ssh/i.test(p); // a service name: only ssh counts
    return b === undefined ? Number(a) === port : Number(a) <= port && port <= Number(b);
  });
}

/** How many `### tuple` lines let new TCP connections in to `port` (allow or limit, incoming, not routed). */
export function tuplesAllowing(rules: string, port: number): number {
  let n = 0;
  for (const line of rules.split('\n')) {
    const f = line.replace(/^### tuple ###\s*/, '').trim().split(/\s+/);
    if (!line.startsWith('### tuple') || f.length < 7) continue;
    const [action, proto, dport] = f;
    const fields = f.filter((x) => !x.startsWith('comment='));
    const direction = fields[fields.length - 1]!;
    if (!/^(allow|limit)(_|$)/.test(action!) || !/^in(_|$)/.test(direction)) continue;
    if (proto !== 'tcp' && proto !== 'any') continue;
    if (portCovers(dport, port)) n++;
  }
  return n;
}

/** Does this task's rule let new connections in to the SSH port (an allow or limit rule, incoming, tcp or any)? */
function ruleAllows(s: UfwSpec, port: number): boolean {
  if (s.rule !== 'allow' && s.rule !== 'limit') return false;
  if (s.route || (s.direction !== undefined && s.direction !== 'in')) return false;
  if (s.proto !== undefined && s.proto !== 'tcp' && s.proto !== 'any') return false;
  if (s.name !== undefined) return /ssh/i.test(s.name); // an application profile: OpenSSH's is 22/tcp
  return portCovers(s.to_port, port);
}

const DENYING = new Set(['deny', 'reject', 'DROP', 'REJECT']);

/**
 * The lock-out check, before anything runs: refuse a task that leaves ufw active with incoming denied (by default)
 * and no rule letting new connections in to the SSH port the controller uses, when the host was not already so.
 * Lenient where it cannot know better (a rule limited to a source or an interface counts as letting in), so it
 * refuses only what is certain to cut new SSH connections.
 */
export function lockoutProblem(s: UfwSpec, state: UfwState, sshPort: number): string | undefined {
  const wasActive = isActive(state.status);
  const m = DEFAULTS.exec(state.status);
  const wasIncoming = m ? m[1]! : state.inputPolicy;
  const wasAllowed = tuplesAllowing(state.rules, sshPort) > 0;
  const active = s.state === 'enabled' ? true : s.state === 'disabled' || s.state === 'reset' ? false : wasActive;
  const incoming = s.default !== undefined && (s.direction === undefined || s.direction === 'incoming') ? s.default : wasIncoming;
  let allowed = wasAllowed;
  if (s.rule !== undefined && ruleAllows(s, sshPort)) allowed = s.delete ? tuplesAllowing(state.rules, sshPort) > 2 : true; // a rule is a v4 and a v6 tuple
  if (!active || !DENYING.has(incoming) || allowed) return undefined;
  if (wasActive && DENYING.has(wasIncoming) && !wasAllowed) return undefined; // already so: we connected some other way
  const what = s.rule !== undefined && s.delete ? 'deleting this rule' : s.state === 'enabled' && !wasActive ? 'enabling ufw' : `default ${incoming} incoming`;
  return `${what} would leave ufw active with incoming connections denied and no rule allowing the SSH port the controller uses (${sshPort}/tcp): new SSH connections would be refused`;
}
