// iptables, the pure half: the rule's words in the order Ansible's iptables module builds them (so `iptables -C`
// finds the rules Ansible already added, match for match), the probe's key=value output → state, the plan, which
// changes need the lock-out guard, and the words for people. No I/O here: iptables.ts runs the scripts of
// iptables-scripts.ts.
//
// Ansible's construct_rule order, for the arguments this module takes:
//   -p PROTO  -s SRC  -d DST  -m MATCH…  -j TARGET  -i IN  -o OUT  --source-port P  --destination-port P
//   [-m conntrack] --ctstate A,B (--state with match: [state])  -m comment --comment TEXT
// A value starting with ! is negated as Ansible does it: `source: "!10.0.0.0/8"` → `! -s 10.0.0.0/8`.
import { parseNetwork } from '../../net/cidr.js';
import { PlanError, type FileDiff } from '../define.js';
import { fromBase64, parseKeyValues } from '../lib/probe-output.js';

export type Table = 'filter' | 'nat' | 'mangle' | 'raw' | 'security';
export type IpVersion = 'ipv4' | 'ipv6';

export const TABLES: readonly Table[] = ['filter', 'nat', 'mangle', 'raw', 'security'];
export const CTSTATES = ['INVALID', 'NEW', 'ESTABLISHED', 'RELATED', 'UNTRACKED', 'SNAT', 'DNAT'] as const;
/** Protocols whose match takes --source-port/--destination-port (names and numbers). */
export const PORT_PROTOCOLS: readonly string[] = ['tcp', 'udp', 'udplite', 'sctp', 'dccp', '6', '17', '136', '132', '33'];

/** What the plan and the scripts depend on: the module's args minus apply-time settings. */
export interface IptablesSpec {
  table: Table;
  chain: string;
  state: 'present' | 'absent';
  action: 'append' | 'insert';
  rule_num?: number;
  ip_version: IpVersion;
  protocol?: string;
  source?: string;
  destination?: string;
  source_port?: string;
  destination_port?: string;
  in_interface?: string;
  out_interface?: string;
  match: readonly string[];
  ctstate: readonly string[];
  jump?: string;
  comment?: string;
  policy?: 'ACCEPT' | 'DROP';
  wait?: string;
  /** Flush the chain (or, without a chain, every chain of the table) instead of managing a rule. */
  flush?: boolean;
  /** Create the chain for a rule when it is missing; with state absent and no rule, delete the chain. */
  chain_management?: boolean;
}

/** The arguments that make up a rule: none of them goes with `policy`. */
export const RULE_ARGS = ['protocol', 'source', 'destination', 'source_port', 'destination_port', 'in_interface', 'out_interface', 'match', 'ctstate', 'jump', 'comment'] as const;

export const TOOLS: Record<IpVersion, { bin: string; save: string; restore: string; key: string; label: string }> = {
  ipv4: { bin: 'iptables', save: 'iptables-save', restore: 'iptables-restore', key: 'v4', label: 'IPv4' },
  ipv6: { bin: 'ip6tables', save: 'ip6tables-save', restore: 'ip6tables-restore', key: 'v6', label: 'IPv6' },
};

// ---- the rule ---------------------------------------------------------------------------------------------------

function param(out: string[], value: string | undefined, flag: string): void {
  if (value === undefined) return;
  if (value.startsWith('!')) out.push('!', flag, value.slice(1).trim());
  else out.push(flag, value);
}

/** The rule's words (after `-C CHAIN`, `-A CHAIN`, …), in Ansible's order. Empty in policy and flush mode. */
export function ruleWords(spec: IptablesSpec): string[] {
  if (spec.policy !== undefined || spec.flush) return [];
  const w: string[] = [];
  param(w, spec.protocol, '-p');
  param(w, spec.source, '-s');
  param(w, spec.destination, '-d');
  for (const m of spec.match) w.push('-m', m);
  if (spec.jump !== undefined) w.push('-j', spec.jump);
  param(w, spec.in_interface, '-i');
  param(w, spec.out_interface, '-o');
  param(w, spec.source_port, '--source-port');
  param(w, spec.destination_port, '--destination-port');
  if (spec.ctstate.length > 0) {
    if (spec.match.includes('conntrack')) w.push('--ctstate', spec.ctstate.join(','));
    else if (spec.match.includes('state')) w.push('--state', spec.ctstate.join(','));
    else w.push('-m', 'conntrack', '--ctstate', spec.ctstate.join(','));
  }
  if (spec.comment !== undefined) w.push('-m', 'comment', '--comment', spec.comment);
  return w;
}

/** Options before the command: always -w (wait for the xtables lock; `wait` seconds when given), then the table. */
export function headWords(spec: Pick<IptablesSpec, 'wait' | 'table'>): string[] {
  return ['-w', ...(spec.wait !== undefined ? [spec.wait] : []), '-t', spec.table];
}

/** Words as iptables-save prints them: a word with blanks or quotes in double quotes, `"` and `\` escaped. */
export function displayWords(words: readonly string[]): string {
  return words.map((w) => (w === '' || /[\s"'\\]/.test(w) ? `"${w.replace(/[\\"]/g, (c) => `\\${c}`)}"` : w)).join(' ');
}

// ---- the rule as `iptables -S` prints it -------------------------------------------------------------------------

/** xtables_save_string: a word of [A-Za-z0-9_-] alone, anything else in double quotes with `"`, `\` and `'` escaped. */
function savedString(value: string): string {
  return /^[A-Za-z0-9_-]+$/.test(value) ? value : `"${value.replace(/["\\']/g, (c) => `\\${c}`)}"`;
}

/** `! -s 10.0.0.0/8` or `-s 10.0.0.5/32`; '' for /0 (iptables prints no address then); undefined when unsure. */
function savedAddress(flag: string, value: string | undefined, version: IpVersion): string | undefined {
  if (value === undefined) return '';
  const negated = value.startsWith('!');
  const n = parseNetwork(negated ? value.slice(1) : value);
  if (!n || n.family !== version) return undefined; // a host name, a list, a netmask: iptables resolves it
  if (n.prefix === 0) return negated ? undefined : '';
  return `${negated ? '! ' : ''}${flag} ${n.text}`;
}

function savedNegatable(flag: string, value: string, ok: RegExp): string | undefined {
  const negated = value.startsWith('!');
  const v = negated ? value.slice(1).trim() : value;
  return ok.test(v) ? `${negated ? '! ' : ''}${flag} ${v}` : undefined;
}

/** Decimal ports as iptables prints them back: `22`, `1000:2000`; undefined for names, `022` (octal!), open ranges. */
function savedPort(flag: string, value: string | undefined): string | undefined {
  if (value === undefined) return '';
  const negated = value.startsWith('!');
  const v = negated ? value.slice(1).trim() : value;
  const m = /^(0|[1-9][0-9]{0,4})(?::(0|[1-9][0-9]{0,4}))?$/.exec(v);
  if (!m || Number(m[1]) > 65535 || (m[2] !== undefined && (Number(m[2]) > 65535 || Number(m[2]) <= Number(m[1])))) return undefined;
  return `${negated ? '! ' : ''}${flag} ${v}`;
}

const STATE_ORDER: readonly string[] = ['INVALID', 'NEW', 'RELATED', 'ESTABLISHED', 'UNTRACKED', 'SNAT', 'DNAT'];

/**
 * The rule as `iptables -S CHAIN` prints it (`-A INPUT -p tcp -m tcp --dport 22 -j ACCEPT`), so a probe can find it
 * in one listing of the chain instead of one `iptables -C` per rule. Undefined where the printed form is not
 * certain (host names, service names, targets with options, unusual matches): the probe then asks `-C`. Checked
 * against real iptables in test/integration/modules/iptables-saved-line.test.ts.
 *
 * iptables prints -s, -d, -i, -o, -p, then each match in command-line order with its options, then -j. Ansible's
 * word order puts the explicit `match` list first, the protocol's own match when a port is given next, then
 * conntrack (for ctstate) and comment.
 */
export function savedLine(spec: IptablesSpec): string | undefined {
  if (spec.policy !== undefined || spec.flush) return undefined;
  const head = [
    savedAddress('-s', spec.source, spec.ip_version),
    savedAddress('-d', spec.destination, spec.ip_version),
    spec.in_interface === undefined ? '' : savedNegatable('-i', spec.in_interface, /^[A-Za-z0-9_.@:-]+\+?$/),
    spec.out_interface === undefined ? '' : savedNegatable('-o', spec.out_interface, /^[A-Za-z0-9_.@:-]+\+?$/),
  ];
  const protocols = spec.ip_version === 'ipv4' ? ['tcp', 'udp', 'icmp'] : ['tcp', 'udp'];
  if (spec.protocol !== undefined && !protocols.includes(spec.protocol)) return undefined;
  head.push(spec.protocol === undefined ? '' : `-p ${spec.protocol}`);
  const ports = [savedPort('--sport', spec.source_port), savedPort('--dport', spec.destination_port)];
  if ([...head, ...ports].includes(undefined)) return undefined;
  const portWords = ports.filter((p) => p !== '').join(' ');
  if (portWords !== '' && spec.protocol !== 'tcp' && spec.protocol !== 'udp') return undefined;

  const states = [...new Set(spec.ctstate)];
  if (states.some((s) => !STATE_ORDER.includes(s))) return undefined;
  const stateList = STATE_ORDER.filter((s) => states.includes(s)).join(',');
  const matches: string[] = [];
  const seen = new Set<string>();
  const add = (name: string, words: string): void => {
    seen.add(name);
    matches.push(words === '' ? `-m ${name}` : `-m ${name} ${words}`);
  };
  for (const m of spec.match) {
    if (seen.has(m)) return undefined;
    if (m === spec.protocol && (m === 'tcp' || m === 'udp') && portWords !== '') add(m, portWords);
    else if (m === 'conntrack' && states.length > 0) add(m, `--ctstate ${stateList}`);
    else if (m === 'state' && states.length > 0 && !states.includes('SNAT') && !states.includes('DNAT')) add(m, `--state ${stateList}`);
    else return undefined; // a match iptables may print with options we do not predict
  }
  if (portWords !== '' && !seen.has(spec.protocol!)) add(spec.protocol!, portWords);
  if (states.length > 0 && !seen.has('conntrack') && !seen.has('state')) add('conntrack', `--ctstate ${stateList}`);
  if (spec.comment !== undefined) add('comment', `--comment ${savedString(spec.comment)}`);

  if (spec.jump !== undefined && !['ACCEPT', 'DROP', 'RETURN'].includes(spec.jump)) return undefined; // REJECT, LOG…: printed with options
  const jump = spec.jump === undefined ? '' : `-j ${spec.jump}`;
  return ['-A', spec.chain, ...head, ...matches, jump].filter((w) => w !== '').join(' ');
}

// ---- the probe's output -----------------------------------------------------------------------------------------

export interface IptablesState {
  /** The iptables/ip6tables command is not on the host. */
  missing: boolean;
  /** Guard directories under /run/tsinfra whose rollback is still armed (an earlier change awaits confirmation). */
  armed: string[];
  chain:
    | { exists: true; /** Built-in chains only; read for a policy only. */ policy?: string; /** Read for an insert at rule_num only. */ rules: number }
    | { exists: false; code: number; error: string };
  /** `-C`'s answer (rule mode, chain there): 0 present, 1 absent, anything else a failure. */
  check?: { code: number; error: string };
}

function text(b64: string | undefined): string {
  return fromBase64(b64).toString('utf8').trim();
}

/** Pure: the probe's stdout → the state. Malformed output is a PlanError. */
export function parseIptablesState(stdout: string): IptablesState {
  const kv = parseKeyValues(stdout);
  const armed = stdout
    .split('\n')
    .filter((l) => l.startsWith('armed='))
    .map((l) => l.slice('armed='.length).trim());
  if (kv.get('missing') === '1') return { missing: true, armed, chain: { exists: false, code: 127, error: '' } };
  const chainFlag = kv.get('chain');
  if (chainFlag === undefined) throw new PlanError('iptables', 'unexpected probe output: no chain=');
  const state: IptablesState = {
    missing: false,
    armed,
    chain:
      chainFlag === '1'
        ? { exists: true, policy: kv.get('policy'), rules: Number(kv.get('rules') ?? '0') }
        : { exists: false, code: Number(kv.get('chain_rc') ?? '1'), error: text(kv.get('chain_error')) },
  };
  const check = kv.get('check');
  if (check !== undefined) state.check = { code: Number(check), error: text(kv.get('check_error')) };
  return state;
}

// ---- the plan ---------------------------------------------------------------------------------------------------

interface Where {
  ip_version: IpVersion;
  table: Table;
  chain: string;
}

export type IptablesChange =
  | (Where & { op: 'append'; rule: string[] })
  | (Where & { op: 'insert'; rule: string[]; position?: number })
  | (Where & { op: 'delete'; rule: string[] })
  | (Where & { op: 'policy'; from: string; to: string })
  | (Where & { op: 'new-chain' })
  | (Where & { op: 'delete-chain' })
  /** -F: chain '' is the whole table; `rules` is how many rules go. */
  | (Where & { op: 'flush'; rules: number });

/** Chain deletion mode, as Ansible decides it: state absent and no rule words (`iptables -X` with chain_management). */
export function isChainDeletion(spec: IptablesSpec): boolean {
  return spec.state === 'absent' && !spec.flush && spec.policy === undefined && ruleWords(spec).length === 0;
}

function short(error: string): string {
  return error.split('\n').filter((l) => l.trim() !== '' && !l.startsWith('Try `')).join(' ').slice(0, 200);
}

/** Pure: what must change ([] = ok). Throws PlanError for what iptables would refuse, before anything is changed. */
export function planIptables(spec: IptablesSpec, state: IptablesState): IptablesChange[] {
  const { bin } = TOOLS[spec.ip_version];
  const where: Where = { ip_version: spec.ip_version, table: spec.table, chain: spec.chain };
  if (state.missing) {
    throw new PlanError('iptables', `${bin} is not installed on the host`, { hint: spec.ip_version === 'ipv4' ? 'install the iptables package' : 'install the iptables package (it holds ip6tables)' });
  }
  if (state.armed.length > 0) {
    throw new PlanError('iptables', `an earlier guarded firewall change (/run/tsinfra/${state.armed[0]}) still awaits confirmation; its rollback will restore the rules from before it`, {
      hint: 'wait until its rollback_timeout has passed, then run again',
    });
  }
  const chain = state.chain;
  const rule = ruleWords(spec);
  if (!chain.exists) {
    if (chain.code !== 1) {
      throw new PlanError('iptables', `${bin} -t ${spec.table} -S ${spec.chain} failed (exit ${chain.code}): ${short(chain.error)}`, { hint: 'the module needs root (become: true)' });
    }
    // A missing chain holds no rule: nothing to remove.
    if (spec.policy === undefined && !spec.flush && spec.state === 'absent') return [];
    // chain_management creates it for the rule (Ansible 2.14: -N, then the rule, even an empty one).
    if (spec.policy === undefined && !spec.flush && spec.chain_management) {
      const add: IptablesChange = spec.action === 'append' ? { ...where, op: 'append', rule } : { ...where, op: 'insert', rule, ...(spec.rule_num !== undefined ? { position: spec.rule_num } : {}) };
      if (spec.rule_num !== undefined && spec.action === 'insert' && spec.rule_num > 1) {
        throw new PlanError('iptables', `rule_num ${spec.rule_num} is past the end of the new chain ${spec.chain}: at most 1`);
      }
      return [{ ...where, op: 'new-chain' }, add];
    }
    throw new PlanError('iptables', `chain ${spec.chain} does not exist in the ${spec.table} table (${bin})`, {
      hint: spec.policy === undefined && !spec.flush ? 'add chain_management: true to create it, or check chain and table' : 'check chain and table',
    });
  }
  if (spec.flush) return chain.rules === 0 ? [] : [{ ...where, op: 'flush', rules: chain.rules }];
  if (isChainDeletion(spec)) {
    // Ansible reports changed for an existing chain here even without chain_management, yet deletes nothing.
    if (!spec.chain_management) return [];
    if (chain.policy !== undefined) throw new PlanError('iptables', `${spec.chain} is a built-in chain of the ${spec.table} table: it cannot be deleted`);
    if (chain.rules > 0) {
      throw new PlanError('iptables', `chain ${spec.chain} still has ${chain.rules} rule${chain.rules === 1 ? '' : 's'}: iptables deletes only an empty chain`, { hint: 'flush it first (flush: true)' });
    }
    return [{ ...where, op: 'delete-chain' }];
  }
  if (spec.policy !== undefined) {
    if (chain.policy === undefined) {
      throw new PlanError('iptables', `${spec.chain} is a user-defined chain in the ${spec.table} table: only built-in chains have a policy`);
    }
    return chain.policy === spec.policy ? [] : [{ ...where, op: 'policy', from: chain.policy, to: spec.policy }];
  }
  const check = state.check;
  if (!check) throw new PlanError('iptables', 'unexpected probe output: no check=');
  if (check.code !== 0 && check.code !== 1) {
    throw new PlanError('iptables', `${bin} -t ${spec.table} -C ${spec.chain} ${displayWords(ruleWords(spec))} failed (exit ${check.code}): ${short(check.error)}`);
  }
  const present = check.code === 0;
  if (spec.state === 'absent') return present ? [{ ...where, op: 'delete', rule }] : [];
  if (present) return [];
  if (spec.action === 'append') return [{ ...where, op: 'append', rule }];
  if (spec.rule_num !== undefined && spec.rule_num > chain.rules + 1) {
    throw new PlanError('iptables', `rule_num ${spec.rule_num} is past the end of ${spec.chain}: it has ${chain.rules} rule${chain.rules === 1 ? '' : 's'}, so at most ${chain.rules + 1}`);
  }
  return [{ ...where, op: 'insert', rule, ...(spec.rule_num !== undefined ? { position: spec.rule_num } : {}) }];
}

/** The iptables command of a change, after `iptables -w -t TABLE`. */
export function commandWords(c: IptablesChange): string[] {
  switch (c.op) {
    case 'append':
      return ['-A', c.chain, ...c.rule];
    case 'insert':
      return ['-I', c.chain, ...(c.position !== undefined ? [String(c.position)] : []), ...c.rule];
    case 'delete':
      return ['-D', c.chain, ...c.rule];
    case 'policy':
      return ['-P', c.chain, c.to];
    case 'new-chain':
      return ['-N', c.chain];
    case 'delete-chain':
      return ['-X', c.chain];
    case 'flush':
      return c.chain === '' ? ['-F'] : ['-F', c.chain];
  }
}

/**
 * Does the change need the lock-out guard? Everything does, except what can only let more traffic through the
 * filter table: adding an ACCEPT rule, removing a DROP or REJECT rule, setting a policy to ACCEPT. Other tables
 * are always guarded (raw and mangle can drop, nat can redirect port 22).
 */
export function needsGuard(c: IptablesChange, jump: string | undefined): boolean {
  if (c.table !== 'filter') return true;
  switch (c.op) {
    case 'policy':
      return c.to !== 'ACCEPT';
    case 'append':
    case 'insert':
      return jump !== 'ACCEPT';
    case 'delete':
      return jump !== 'DROP' && jump !== 'REJECT';
    case 'new-chain':
    case 'delete-chain':
      return false; // an empty, unreferenced chain decides no packet's fate
    case 'flush':
      return true; // the rules going may be the ones that let SSH in before a DROP
  }
}

// ---- for people -------------------------------------------------------------------------------------------------

export function describeIptablesChange(c: IptablesChange): string {
  const at = `${TOOLS[c.ip_version].label} ${c.table}`;
  if (c.op === 'policy') return `${at}: policy of ${c.chain} ${c.from} → ${c.to}`;
  if (c.op === 'flush') return `${at}: flush ${c.chain === '' ? 'every chain' : c.chain} (${c.rules} rule${c.rules === 1 ? '' : 's'})`;
  return `${at}: ${displayWords(commandWords(c))}`;
}

/** The pseudo path a diff names: `iptables:filter/INPUT` (`ip6tables:` for IPv6). */
export function diffPath(spec: Pick<IptablesSpec, 'ip_version' | 'table' | 'chain'>): string {
  return `${TOOLS[spec.ip_version].bin}:${spec.table}/${spec.chain}`;
}

/** --diff: the rule line (as the command that adds or deletes it) or the policy line, before and after. */
export function diffIptables(spec: IptablesSpec, changes: readonly IptablesChange[]): FileDiff | undefined {
  const c = changes[0];
  if (!c) return undefined;
  const line = (words: string[]) => `${displayWords(words)}\n`;
  const path = diffPath(spec);
  switch (c.op) {
    case 'policy':
      return { path, before: line(['-P', c.chain, c.from]), after: line(['-P', c.chain, c.to]) };
    case 'append':
    case 'insert':
      return { path, before: '', after: line(commandWords(c)) };
    case 'delete':
      return { path, before: line(['-A', c.chain, ...c.rule]), after: '' };
    case 'new-chain': {
      const add = changes[1];
      return { path, before: '', after: line(['-N', c.chain]) + (add ? line(commandWords(add)) : '') };
    }
    case 'delete-chain':
      return { path, before: line(['-N', c.chain]), after: '' };
    case 'flush':
      return { path, before: `${c.rules} rule${c.rules === 1 ? '' : 's'}\n`, after: '' };
  }
}
