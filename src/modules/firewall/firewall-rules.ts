// firewall, the pure half: the wanted rules in iptables-save's canonical form, the parser of `iptables-save -t
// filter`, the plan (the difference on our own chain and its INPUT jump only) and the iptables-restore fragment
// that applies it. No I/O here: the action (firewall.ts) and its scripts (firewall-scripts.ts) do that.
//
// Canonical form, as iptables 1.8.9 (nf_tables and legacy) prints it, checked on a lab host:
//   -A TSINFRA-INPUT -i lo -j ACCEPT
//   -A TSINFRA-INPUT -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT       (written ESTABLISHED,RELATED: printed so)
//   -A TSINFRA-INPUT -p icmp -m icmp --icmp-type 8 -j ACCEPT                     (echo-request: printed as a number)
//   -A TSINFRA-INPUT -p ipv6-icmp -m icmp6 --icmpv6-type 135 -j ACCEPT           (icmpv6 / names: printed so)
//   -A TSINFRA-INPUT -s 10.0.0.0/8 -j ACCEPT                                     (host bits masked, /32 added)
//   -A TSINFRA-INPUT -s 2001:db8::1:0:0:1/128 -j ACCEPT                         (inet_ntop: first longest zero run)
//   -A TSINFRA-INPUT -p tcp -m tcp --dport 30000:32767 -j ACCEPT                 (80:80 is printed 80)
//   -A TSINFRA-INPUT -j REJECT --reject-with icmp-port-unreachable               (icmp6-port-unreachable for IPv6)
//   -A TSINFRA-INPUT -j ACCEPT                                                   (-s 0.0.0.0/0 is left out)
// Comparing the wanted lines with iptables-save's is then string equality.
import { parseNetwork, type IpFamily } from '../../net/cidr.js';
import { PlanError, type FileDiff } from '../define.js';

export type Family = IpFamily;
export const FAMILIES: readonly Family[] = ['ipv4', 'ipv6'];

/** What the rules depend on (the module's args, minus the apply-time settings). */
export interface RuleSpec {
  chain: string;
  state: 'present' | 'absent';
  allow_ports: readonly (number | string)[];
  allow_udp_ports: readonly (number | string)[];
  trusted_cidrs: readonly string[];
  trusted_interfaces: readonly string[];
  pre_chains: readonly string[];
  allow_icmp: boolean;
  policy: 'drop' | 'reject';
  ipv6: boolean;
  persist: boolean;
}

// ---- ports ----------------------------------------------------------------------------------------------------

/** 22 → "22", "30000-32767" or "30000:32767" → "30000:32767", "80:80" → "80"; undefined when invalid. */
export function parsePort(p: number | string): string | undefined {
  const m = /^([0-9]{1,5})(?:[:-]([0-9]{1,5}))?$/.exec(String(p).trim());
  if (!m) return undefined;
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (from < 1 || to > 65535 || from > to) return undefined;
  return from === to ? String(from) : `${from}:${to}`;
}

// ---- the wanted rules -----------------------------------------------------------------------------------------

/** ICMPv6 types IPv6 cannot work without: router and neighbour solicitation/advertisement (RFC 4890 4.4.1). */
export const NEIGHBOUR_DISCOVERY = [133, 134, 135, 136] as const;

/** The one rule in INPUT that sends packets to our chain. */
export function jumpRule(chain: string): string {
  return `-A INPUT -j ${chain}`;
}

/** The chain's rules, in order, exactly as iptables-save prints them; duplicates dropped (the first stays). */
export function wantedRules(spec: RuleSpec, family: Family): string[] {
  const c = `-A ${spec.chain}`;
  const out: string[] = spec.pre_chains.map((p) => `${c} -j ${p}`);
  out.push(`${c} -i lo -j ACCEPT`, `${c} -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT`);
  if (family === 'ipv4') {
    if (spec.allow_icmp) out.push(`${c} -p icmp -m icmp --icmp-type 8 -j ACCEPT`);
  } else {
    const types = spec.allow_icmp ? [128, ...NEIGHBOUR_DISCOVERY] : [...NEIGHBOUR_DISCOVERY];
    for (const t of types) out.push(`${c} -p ipv6-icmp -m icmp6 --icmpv6-type ${t} -j ACCEPT`);
  }
  for (const cidr of spec.trusted_cidrs) {
    const n = parseNetwork(cidr);
    if (!n || n.family !== family) continue;
    out.push(n.prefix === 0 ? `${c} -j ACCEPT` : `${c} -s ${n.text} -j ACCEPT`);
  }
  for (const i of spec.trusted_interfaces) out.push(`${c} -i ${i} -j ACCEPT`);
  for (const [proto, ports] of [['tcp', spec.allow_ports], ['udp', spec.allow_udp_ports]] as const) {
    for (const p of ports) {
      const port = parsePort(p);
      if (port !== undefined) out.push(`${c} -p ${proto} -m ${proto} --dport ${port} -j ACCEPT`);
    }
  }
  if (spec.policy === 'drop') out.push(`${c} -j DROP`);
  else out.push(`${c} -j REJECT --reject-with ${family === 'ipv4' ? 'icmp-port-unreachable' : 'icmp6-port-unreachable'}`);
  return [...new Set(out)];
}

// ---- iptables-save --------------------------------------------------------------------------------------------

/** The filter table as iptables-save printed it: chain declarations and every `-A` line, in order. */
export interface FilterTable {
  /** Chain name → policy (`ACCEPT`, `DROP`; `-` for user chains). */
  chains: Map<string, string>;
  rules: string[];
}

/** Parses the `*filter` … `COMMIT` block (other tables, comments and warnings are skipped); undefined if absent. */
export function parseFilterTable(text: string): FilterTable | undefined {
  let table: FilterTable | undefined;
  let inFilter = false;
  for (const rawLine of text.split('\n')) {
    const line = rawLine.replace(/\r$/, '').trim();
    if (line === '' || line.startsWith('#')) continue;
    if (line.startsWith('*')) {
      inFilter = line === '*filter';
      if (inFilter) table = { chains: new Map(), rules: [] };
      continue;
    }
    if (!inFilter || !table) continue;
    if (line === 'COMMIT') {
      inFilter = false;
      continue;
    }
    if (line.startsWith(':')) {
      const [name, policy] = line.slice(1).split(/\s+/);
      if (name) table.chains.set(name, policy ?? '-');
    } else if (line.startsWith('-A ')) table.rules.push(line);
  }
  return table;
}

/** Shell-like words of an iptables-save line (it double-quotes values with spaces, backslash-escaping `"`). */
export function ruleWords(line: string): string[] {
  const out: string[] = [];
  let cur = '';
  let inWord = false;
  let quoted = false;
  for (let i = 0; i < line.length; i++) {
    const ch = line[i]!;
    if (quoted) {
      if (ch === '\\' && i + 1 < line.length) cur += line[++i];
      else if (ch === '"') quoted = false;
      else cur += ch;
    } else if (ch === '"') {
      quoted = true;
      inWord = true;
    } else if (/\s/.test(ch)) {
      if (inWord) out.push(cur);
      cur = '';
      inWord = false;
    } else {
      cur += ch;
      inWord = true;
    }
  }
  if (inWord) out.push(cur);
  return out;
}

/** The chain a `-A` line belongs to, and where it jumps (`-j`) or goes (`-g`). */
export function ruleParts(line: string): { chain: string; target?: string } {
  const w = ruleWords(line);
  let target: string | undefined;
  for (let i = 2; i < w.length - 1; i++) if (w[i] === '-j' || w[i] === '-g') target = w[i + 1];
  return { chain: w[1] ?? '', target };
}

/** What one family's filter table holds of ours: the chain, the INPUT jumps to it, and who else refers to it. */
export interface OwnedRules {
  /** Every chain name in the table (for pre_chains that must exist). */
  chains: string[];
  chainExists: boolean;
  /** Our chain's rules, in order. */
  rules: string[];
  /** INPUT rules that jump (or go) to our chain, in order. */
  jumps: string[];
  /** Rules in other chains that refer to ours (state: absent cannot delete a chain still referred to). */
  otherRefs: string[];
}

export function ownedRules(table: FilterTable, chain: string): OwnedRules {
  const out: OwnedRules = { chains: [...table.chains.keys()], chainExists: table.chains.has(chain), rules: [], jumps: [], otherRefs: [] };
  for (const line of table.rules) {
    const { chain: at, target } = ruleParts(line);
    if (at === chain) out.rules.push(line);
    else if (target === chain) (at === 'INPUT' ? out.jumps : out.otherRefs).push(line);
  }
  return out;
}

// ---- the plan -------------------------------------------------------------------------------------------------

export type FirewallChange =
  | { op: 'create_chain'; family: Family; chain: string }
  | { op: 'set_rules'; family: Family; chain: string; before: string[] | null; after: string[] }
  | { op: 'delete_rule'; family: Family; rule: string }
  | { op: 'add_jump'; family: Family; rule: string }
  | { op: 'delete_chain'; family: Family; chain: string; rules: string[] }
  | { op: 'persist'; how: 'netfilter-persistent' | 'files'; families: Family[] };

/** The host as the probe saw it: per managed family, the running rules and the persisted file (null: none). */
export interface FirewallState {
  running: Partial<Record<Family, OwnedRules>>;
  persisted: Partial<Record<Family, OwnedRules | null>>;
  hasNetfilterPersistent: boolean;
}

export function managedFamilies(spec: Pick<RuleSpec, 'ipv6'>): Family[] {
  return spec.ipv6 ? ['ipv4', 'ipv6'] : ['ipv4'];
}

function planPresent(spec: RuleSpec, family: Family, cur: OwnedRules): FirewallChange[] {
  const out: FirewallChange[] = [];
  for (const p of spec.pre_chains) if (!cur.chains.includes(p)) out.push({ op: 'create_chain', family, chain: p });
  const after = wantedRules(spec, family);
  if (!cur.chainExists || !sameLines(cur.rules, after)) {
    out.push({ op: 'set_rules', family, chain: spec.chain, before: cur.chainExists ? cur.rules : null, after });
  }
  const exact = jumpRule(spec.chain);
  let keptExact = false;
  for (const j of cur.jumps) {
    if (j === exact && !keptExact) keptExact = true;
    else out.push({ op: 'delete_rule', family, rule: j });
  }
  if (!keptExact) out.push({ op: 'add_jump', family, rule: exact });
  return out;
}

function planAbsent(spec: RuleSpec, family: Family, cur: OwnedRules): FirewallChange[] {
  if (cur.otherRefs.length > 0) {
    throw new PlanError('firewall', `${familyLabel(family)}: cannot remove chain ${spec.chain}: another chain refers to it (${cur.otherRefs[0]})`, {
      hint: 'remove that rule first: this module never edits chains it does not own',
    });
  }
  const out: FirewallChange[] = cur.jumps.map((rule) => ({ op: 'delete_rule', family, rule }));
  if (cur.chainExists) out.push({ op: 'delete_chain', family, chain: spec.chain, rules: cur.rules });
  return out;
}

/** Does a persisted rules file already hold the wanted chain and jump (present), or none of it (absent)? */
function persistedMatches(spec: RuleSpec, family: Family, saved: OwnedRules | null | undefined): boolean {
  if (spec.state === 'absent') return !saved || (!saved.chainExists && saved.jumps.length === 0);
  if (!saved || !saved.chainExists) return false;
  return (
    sameLines(saved.rules, wantedRules(spec, family)) &&
    sameLines(saved.jumps, [jumpRule(spec.chain)]) &&
    spec.pre_chains.every((p) => saved.chains.includes(p))
  );
}

/** Pure: the changes that bring our chain, its jump and (persist) the saved rules to what the spec says. */
export function planFirewall(spec: RuleSpec, state: FirewallState): FirewallChange[] {
  const out: FirewallChange[] = [];
  const families = managedFamilies(spec);
  for (const family of families) {
    const cur = state.running[family];
    if (!cur) throw new PlanError('firewall', `no ${family === 'ipv4' ? 'iptables' : 'ip6tables'} state from the probe`);
    out.push(...(spec.state === 'present' ? planPresent(spec, family, cur) : planAbsent(spec, family, cur)));
  }
  if (spec.persist && (out.length > 0 || families.some((f) => !persistedMatches(spec, f, state.persisted[f])))) {
    out.push({ op: 'persist', how: state.hasNetfilterPersistent ? 'netfilter-persistent' : 'files', families });
  }
  return out;
}

export function sameLines(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((l, i) => l === b[i]);
}

// ---- the restore fragment -------------------------------------------------------------------------------------

/**
 * The `iptables-restore --noflush` input for one family's changes. It declares (and so flushes: verified with
 * --noflush on nf_tables and legacy) only our own chain, and never declares a chain it does not own: a pre_chain
 * that is missing is created with `-N`, one that exists is not mentioned. Undefined when nothing changes.
 */
export function restoreFragment(family: Family, changes: readonly FirewallChange[]): string | undefined {
  const mine = changes.filter((c) => c.op !== 'persist' && c.family === family);
  if (mine.length === 0) return undefined;
  const lines = ['*filter'];
  for (const c of mine) if (c.op === 'create_chain') lines.push(`-N ${c.chain}`);
  for (const c of mine) if (c.op === 'set_rules') lines.push(`:${c.chain} - [0:0]`, `-F ${c.chain}`, ...c.after);
  for (const c of mine) if (c.op === 'delete_rule') lines.push(c.rule.replace(/^-A /, '-D '));
  for (const c of mine) if (c.op === 'add_jump') lines.push(c.rule);
  for (const c of mine) if (c.op === 'delete_chain') lines.push(`-F ${c.chain}`, `-X ${c.chain}`);
  lines.push('COMMIT', '');
  return lines.join('\n');
}

// ---- for people -----------------------------------------------------------------------------------------------

export function familyLabel(f: Family): string {
  return f === 'ipv4' ? 'IPv4' : 'IPv6';
}

/** Rules in `a` not matched one-for-one in `b`. */
function minus(a: readonly string[], b: readonly string[]): string[] {
  const left = new Map<string, number>();
  for (const l of b) left.set(l, (left.get(l) ?? 0) + 1);
  return a.filter((l) => {
    const n = left.get(l) ?? 0;
    if (n === 0) return true;
    left.set(l, n - 1);
    return false;
  });
}

export function describeFirewallChange(c: FirewallChange): string {
  switch (c.op) {
    case 'create_chain':
      return `${familyLabel(c.family)}: create chain ${c.chain}`;
    case 'set_rules': {
      if (c.before === null) return `${familyLabel(c.family)}: create chain ${c.chain} with ${c.after.length} rules`;
      const added = minus(c.after, c.before).length;
      const removed = minus(c.before, c.after).length;
      const what = added === 0 && removed === 0 ? 'rules reordered' : `${added} rule${added === 1 ? '' : 's'} added, ${removed} removed`;
      return `${familyLabel(c.family)}: ${c.chain}: ${what} (${c.after.length} rules)`;
    }
    case 'delete_rule':
      return `${familyLabel(c.family)}: delete ${c.rule}`;
    case 'add_jump':
      return `${familyLabel(c.family)}: add ${c.rule}`;
    case 'delete_chain':
      return `${familyLabel(c.family)}: delete chain ${c.chain} (${c.rules.length} rules)`;
    case 'persist':
      return c.how === 'netfilter-persistent'
        ? 'persist the rules: netfilter-persistent save'
        : `persist the rules: iptables-save > /etc/iptables/rules.v4${c.families.includes('ipv6') ? ', ip6tables-save > /etc/iptables/rules.v6' : ''}`;
  }
}

/** What we own in one family, as text: our chain's declaration (and existing pre_chains'), the jumps, the rules. */
function ownedText(chain: string, preChains: readonly string[], cur: { chains: readonly string[]; chainExists: boolean; jumps: readonly string[]; rules: readonly string[] }): string[] {
  const decl = [chain, ...preChains].filter((n) => (n === chain ? cur.chainExists : cur.chains.includes(n))).map((n) => `:${n} - [0:0]`);
  return [...decl, ...cur.jumps, ...cur.rules];
}

/** The state after the changes, in the same shape as the probe's (for the diff). */
function afterOf(spec: RuleSpec, family: Family, cur: OwnedRules, changes: readonly FirewallChange[]): OwnedRules {
  const mine = changes.filter((c) => c.op !== 'persist' && c.family === family);
  let jumps = [...cur.jumps];
  const chains = new Set(cur.chains);
  let rules = cur.rules;
  let chainExists = cur.chainExists;
  for (const c of mine) {
    if (c.op === 'create_chain') chains.add(c.chain);
    else if (c.op === 'set_rules') {
      rules = c.after;
      chainExists = true;
    } else if (c.op === 'delete_rule') {
      const at = jumps.indexOf(c.rule);
      if (at >= 0) jumps = [...jumps.slice(0, at), ...jumps.slice(at + 1)];
    } else if (c.op === 'add_jump') jumps.push(c.rule);
    else if (c.op === 'delete_chain') {
      rules = [];
      chainExists = false;
      chains.delete(c.chain);
    }
  }
  if (chainExists) chains.add(spec.chain);
  return { chains: [...chains], chainExists, rules, jumps, otherRefs: cur.otherRefs };
}

/** The pseudo path the diff names. */
export function diffPath(chain: string): string {
  return `iptables:filter/${chain}`;
}

/** --diff: before/after of our chain and its jump, one section per managed family; undefined without rule changes. */
export function diffFirewall(spec: RuleSpec, state: FirewallState, changes: readonly FirewallChange[]): FileDiff | undefined {
  if (!changes.some((c) => c.op !== 'persist')) return undefined;
  const before: string[] = [];
  const after: string[] = [];
  for (const family of managedFamilies(spec)) {
    const cur = state.running[family];
    if (!cur) continue;
    const head = `# ${familyLabel(family)} (${family === 'ipv4' ? 'iptables' : 'ip6tables'} -t filter)`;
    before.push(head, ...ownedText(spec.chain, spec.pre_chains, cur));
    after.push(head, ...ownedText(spec.chain, spec.pre_chains, afterOf(spec, family, cur, changes)));
  }
  return { path: diffPath(spec.chain), before: `${before.join('\n')}\n`, after: `${after.join('\n')}\n` };
}
