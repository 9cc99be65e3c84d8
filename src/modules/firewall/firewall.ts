// firewall: a declarative host firewall on iptables/ip6tables that owns ONE chain (TSINFRA-INPUT) and its one
// jump from INPUT, and never touches another chain (kube-proxy's KUBE-*, weave, calico, sshguard's rules).
//
// It is an action, not a state module, because of the lock-out guard: after applying, the change must be
// confirmed over a NEW SSH connection (ActionIO.tryConnect), which only actions can open. It still works as a
// state module does: one probe exec, a pure plan (firewall-rules.ts), nothing more when the plan is empty; in
// check mode (io.isCheck) it stops after the plan.
//
// Guarded apply (confirm: true): save the filter tables under /run/tsinfra, arm a rollback that outlives the SSH
// session, apply, open a new connection. It works → disarm over it, then persist. It fails → wait for the
// rollback, reconnect to prove the host answers again, and fail the task. See docs/modules.md#firewall.
import { Type, type Static } from '@sinclair/typebox';
import { parseNetwork } from '../../net/cidr.js';
import { defineAction, expecting, PlanError, StringEnum, type ActionIO, type ArgProblem, type ExecResult, type RegisteredResult } from '../define.js';
import { guardedRun, rollbackHead, type GuardWords } from '../lib/lockout-guard-run.js';
import { fromBase64, parseKeyValues } from '../lib/probe-output.js';
import {
  describeFirewallChange,
  diffFirewall,
  managedFamilies,
  ownedRules,
  parseFilterTable,
  parsePort,
  planFirewall,
  wantedRules,
  type Family,
  type FirewallChange,
  type FirewallState,
  type OwnedRules,
} from './firewall-rules.js';
import { afterRollback, armAndApply, confirmAndPersist, directApply, firewallProbe } from './firewall-scripts.js';

const CHAIN_PATTERN = '^[A-Za-z][A-Za-z0-9_.-]{0,27}$';
const ChainName = (description: string, options: { default?: string } = {}) =>
  expecting(Type.String({ pattern: CHAIN_PATTERN, description, ...options }), 'a chain name (a letter, then letters, digits, _ . -; at most 28 characters)');

const Port = expecting(
  Type.Union([Type.Integer({ minimum: 1, maximum: 65535 }), Type.String({ pattern: '^\\s*[0-9]{1,5}\\s*([:-]\\s*[0-9]{1,5}\\s*)?$' })]),
  'a port (1-65535) or a range like 30000:32767',
);

const FirewallArgs = Type.Object(
  {
    chain: ChainName('The chain this module owns (created, flushed and rebuilt; jumped to once from INPUT)', { default: 'TSINFRA-INPUT' }),
    state: StringEnum(['present', 'absent'], { default: 'present', description: 'absent: remove the jump from INPUT and the chain' }),
    allow_ports: Type.Array(Port, { default: [22, 80, 443, 6443], description: 'TCP ports or ranges (30000:32767) open to everyone' }),
    allow_udp_ports: Type.Array(Port, { default: [], description: 'UDP ports or ranges open to everyone' }),
    trusted_cidrs: Type.Array(Type.String({ minLength: 1 }), {
      default: [],
      description: 'Sources allowed everything: IPv4 and IPv6 networks (the VPN range); each goes to its own family',
    }),
    trusted_interfaces: Type.Array(
      expecting(Type.String({ pattern: '^[A-Za-z0-9_.@:-]{1,15}\\+?$' }), 'an interface name, or a prefix ending in + (zt+)'),
      { default: [], description: 'Interfaces allowed everything, as iptables patterns (zt+ matches every ZeroTier interface)' },
    ),
    pre_chains: Type.Array(ChainName('A chain jumped to first'), {
      default: [],
      description: 'Chains jumped to at the top of ours, before any ACCEPT (sshguard); created empty when missing, never flushed',
    }),
    allow_icmp: Type.Boolean({ default: true, description: 'Accept ping (ICMP echo-request; IPv6 neighbour discovery is always accepted)' }),
    policy: StringEnum(['drop', 'reject'], { default: 'drop', description: 'The last rule of the chain: DROP or REJECT' }),
    ipv6: Type.Boolean({ default: true, description: 'Manage ip6tables too (false: IPv6 rules are left alone)' }),
    rollback_timeout: Type.Integer({
      minimum: 2,
      maximum: 3600,
      default: 30,
      description: 'Seconds after applying before the previous rules come back unless a new SSH connection confirmed',
    }),
    persist: Type.Boolean({ default: true, description: 'Save the rules for boot (netfilter-persistent save, else /etc/iptables/rules.v4/v6), after confirmation' }),
    confirm: Type.Boolean({ default: true, description: 'The lock-out guard: roll back unless a new SSH connection works after applying' }),
  },
  { additionalProperties: false },
);
export type FirewallArgs = Static<typeof FirewallArgs>;

const LIST_ARGS = ['allow_ports', 'allow_udp_ports', 'trusted_cidrs', 'trusted_interfaces', 'pre_chains'] as const;
const RESERVED = new Set(['INPUT', 'OUTPUT', 'FORWARD', 'PREROUTING', 'POSTROUTING', 'ACCEPT', 'DROP', 'REJECT', 'RETURN', 'QUEUE', 'NFQUEUE', 'LOG', 'MARK']);

const WORDS: GuardWords = {
  module: 'firewall',
  restored: 'the previous rules are restored and nothing was persisted',
  notApplied: 'the rules were not applied',
  unreported: 'the rollback did not report back',
};

export const ROLLED_BACK = rollbackHead(WORDS, 'cut-off');

function parseState(r: ExecResult, a: FirewallArgs): FirewallState & { armed: boolean } {
  const kv = parseKeyValues(r.stdout);
  const state: FirewallState & { armed: boolean } = { running: {}, persisted: {}, hasNetfilterPersistent: kv.get('nfp') === '1', armed: kv.get('armed') === '1' };
  for (const family of managedFamilies(a)) {
    const key = family === 'ipv4' ? '4' : '6';
    const tool = family === 'ipv4' ? 'iptables-save' : 'ip6tables-save';
    if (kv.get(`v${key}_missing`) === '1') {
      throw new PlanError('firewall', `${tool} is not installed on the host`, { hint: family === 'ipv4' ? 'install the iptables package' : 'install iptables, or set ipv6: false' });
    }
    const err = kv.get(`v${key}_error`);
    if (err !== undefined) {
      const text = fromBase64(err).toString('utf8').trim().slice(0, 200);
      throw new PlanError('firewall', `${tool} -t filter failed: ${text}`, { hint: family === 'ipv6' ? 'set ipv6: false when the host has no IPv6' : 'the module needs root (become: true)' });
    }
    const table = parseFilterTable(fromBase64(kv.get(`v${key}`)).toString('utf8'));
    if (!table) throw new PlanError('firewall', `${tool} -t filter printed no filter table`);
    state.running[family] = ownedRules(table, a.chain);
    const saved = kv.get(`p${key}`);
    if (saved === undefined) state.persisted[family] = null;
    else {
      const savedTable = parseFilterTable(fromBase64(saved).toString('utf8'));
      state.persisted[family] = savedTable ? ownedRules(savedTable, a.chain) : ({ chains: [], chainExists: false, rules: [], jumps: [], otherRefs: [] } satisfies OwnedRules);
    }
  }
  return state;
}

function scriptFailure(what: string, r: ExecResult, extra: Partial<RegisteredResult> = {}): RegisteredResult {
  const detail = (r.stderr.trim() || r.stdout.trim()).split('\n').slice(-3).join(' ').slice(0, 200);
  return { ...extra, changed: extra.changed ?? false, failed: true, msg: `firewall: ${what}${detail ? `: ${detail}` : ''}`, rc: r.code, stdout: r.stdout, stderr: r.stderr };
}

/** The lock-out guard around the apply (lockout-guard-run.ts): arm, apply, confirm and persist over a new connection. */
function guardedApply(a: FirewallArgs, io: ActionIO, changes: FirewallChange[], base: RegisteredResult): Promise<RegisteredResult> {
  return guardedRun(io, base, {
    words: WORDS,
    timeoutSeconds: a.rollback_timeout,
    armAndApply: armAndApply({ chain: a.chain, families: managedFamilies(a), changes, timeoutSeconds: a.rollback_timeout }),
    confirm: confirmAndPersist(a.chain, changes),
    confirmTimeoutMs: 120_000,
    afterRollback: afterRollback(a.chain),
    saveTool: 'iptables-save',
    failure: scriptFailure,
    afterConfirmFailed: 'the rules are applied and confirmed, but persisting them failed',
    output: 'confirmed',
  });
}

export const firewall = defineAction({
  name: 'firewall',
  summary: 'A host firewall on iptables/ip6tables: one owned chain, applied atomically, rolled back if it locks tsinfra out',
  args: FirewallArgs,
  checkMode: 'run',
  controllerOnly: false,
  normalize(input) {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) return input;
    const o = { ...(input as Record<string, unknown>) };
    for (const k of LIST_ARGS) {
      const v = o[k];
      if (typeof v === 'string') o[k] = v.split(',').map((s) => s.trim()).filter((s) => s !== '');
      else if (typeof v === 'number') o[k] = [v];
    }
    return o;
  },
  refine(a): ArgProblem[] {
    const out: ArgProblem[] = [];
    if (RESERVED.has(a.chain.toUpperCase())) out.push({ path: '/chain', message: `firewall.chain must not be a built-in chain or target (${a.chain})` });
    for (const key of ['allow_ports', 'allow_udp_ports'] as const) {
      a[key].forEach((p, i) => {
        if (parsePort(p) === undefined) out.push({ path: `/${key}/${i}`, message: `firewall.${key}[${i}] must be a port (1-65535) or a range low:high, got ${JSON.stringify(p)}` });
      });
    }
    a.trusted_cidrs.forEach((c, i) => {
      if (!parseNetwork(c)) out.push({ path: `/trusted_cidrs/${i}`, message: `firewall.trusted_cidrs[${i}] must be an IPv4 or IPv6 address or network (10.0.0.0/8, fd00::/8), got ${JSON.stringify(c)}` });
    });
    a.pre_chains.forEach((p, i) => {
      if (p === a.chain || RESERVED.has(p.toUpperCase())) out.push({ path: `/pre_chains/${i}`, message: `firewall.pre_chains[${i}] must be another user chain, not ${p}` });
    });
    return out;
  },
  probe: (a) => firewallProbe(a.chain, managedFamilies(a)),
  async run(a, io): Promise<RegisteredResult> {
    const families = managedFamilies(a);
    const probed = await io.exec(firewallProbe(a.chain, families));
    if (probed.code !== 0) return scriptFailure('probe failed', probed);
    const state = parseState(probed, a);
    if (state.armed) {
      throw new PlanError('firewall', `an earlier change to ${a.chain} still awaits confirmation (its rollback is armed)`, {
        hint: `wait rollback_timeout seconds (it restores the rules from before that change), then run again`,
      });
    }
    const changes = planFirewall(a, state);
    const rules = Object.fromEntries(families.map((f: Family) => [`${f}_rules`, a.state === 'present' ? wantedRules(a, f) : []]));
    const base: RegisteredResult = { changed: changes.length > 0, failed: false, changes: changes.map(describeFirewallChange), chain: a.chain, ...rules };
    const diff = diffFirewall(a, state, changes);
    if (diff) base.diff = diff;
    if (changes.length === 0 || io.isCheck) return base;
    const touchesRules = changes.some((c) => c.op !== 'persist');
    if (!touchesRules || !a.confirm) {
      const r = await io.exec(directApply(changes, families), { timeoutMs: 120_000 });
      if (r.code !== 0) return scriptFailure(touchesRules ? 'applying the rules failed' : 'persisting the rules failed', r, { ...base, changed: false });
      return { ...base, guard: touchesRules ? 'off' : 'not needed', rc: r.code, stdout: r.stdout, stderr: r.stderr };
    }
    return guardedApply(a, io, changes, base);
  },
});

