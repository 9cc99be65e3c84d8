// iptables: one rule (or one chain's policy), as Ansible's ansible.builtin.iptables manages it, so its tasks port
// unchanged. Idempotent the way Ansible is: `iptables -C` says whether the rule is there; only what differs is run
// (-A, -I CHAIN [n], -D, -P). Like Ansible's, it never saves the rules for boot.
//
// It is an action, not a state module, for the lock-out guard: a change that could cut the controller off is applied
// under an armed rollback and confirmed over a NEW SSH connection (ActionIO.tryConnect), which only actions can open.
// It still works as a state module does: its first exec is the declared read-only probe (so the engine reads it
// ahead with other tasks' probes, and an unchanged task costs no exec of its own), the plan is pure
// (iptables-rules.ts), and in check mode it stops after the plan. See docs/modules.md#iptables.
import { Type, type Static } from '@sinclair/typebox';
import { parseNetwork } from '../../net/cidr.js';
import { defineAction, expecting, StringEnum, type ActionIO, type ArgProblem, type ExecResult, type RegisteredResult } from '../define.js';
import { guardedRun, rollbackHead, type GuardWords } from '../lib/lockout-guard-run.js';
import {
  CTSTATES,
  describeIptablesChange,
  diffIptables,
  displayWords,
  needsGuard,
  parseIptablesState,
  planIptables,
  PORT_PROTOCOLS,
  RULE_ARGS,
  ruleWords,
  TABLES,
  type IptablesChange,
  type IptablesSpec,
} from './iptables-rules.js';
import { afterRollback, armAndApply, confirmScript, directApply, iptablesProbe } from './iptables-scripts.js';

const NAME = '^[A-Za-z0-9_][A-Za-z0-9_.+-]{0,27}$';
const NEGATABLE = '^(!\\s*)?';

const ChainName = expecting(Type.String({ pattern: NAME, description: 'The chain: INPUT, FORWARD, OUTPUT, PREROUTING, POSTROUTING or a user-defined chain' }), 'a chain name (letters, digits, _ . + -; at most 28 characters)');
const Address = (description: string) =>
  expecting(Type.String({ pattern: `${NEGATABLE}[A-Za-z0-9_.:/,-]+$`, description }), 'an address, network or host name (10.0.0.0/8, fd00::/64), optionally negated with !');
const Port = (description: string) =>
  expecting(
    Type.String({ pattern: `${NEGATABLE}(?=[^!\\s])([0-9]{1,5}|[A-Za-z][A-Za-z0-9_-]*)?(:([0-9]{1,5}|[A-Za-z][A-Za-z0-9_-]*)?)?$`, description }),
    'a port, a service name or a range first:last (22, ssh, 30000:32767), optionally negated with !',
  );
const Interface = (description: string) =>
  expecting(Type.String({ pattern: `${NEGATABLE}[A-Za-z0-9_.@:-]{1,15}\\+?$`, description }), 'an interface name, or a prefix ending in + (eth+), optionally negated with !');

const IptablesArgs = Type.Object(
  {
    table: StringEnum(TABLES, { default: 'filter' }),
    chain: Type.Optional(ChainName),
    state: StringEnum(['present', 'absent'], { default: 'present', description: 'Whether the rule should be there' }),
    action: StringEnum(['append', 'insert'], { default: 'append', description: 'Where a missing rule goes: appended at the end, or inserted (at rule_num, else at the top); an existing rule is never moved' }),
    rule_num: Type.Optional(Type.Integer({ minimum: 1, description: 'With action: insert, the position (1 is the top)' })),
    ip_version: StringEnum(['ipv4', 'ipv6'], { default: 'ipv4', description: 'ipv4: iptables; ipv6: ip6tables' }),
    protocol: Type.Optional(
      expecting(Type.String({ pattern: `${NEGATABLE}[A-Za-z0-9][A-Za-z0-9_.-]*$`, description: 'The protocol: tcp, udp, icmp, ipv6-icmp, all or a number' }), 'a protocol name or number (tcp, udp, icmp, 47), optionally negated with !'),
    ),
    source: Type.Optional(Address('Source address or network')),
    destination: Type.Optional(Address('Destination address or network')),
    source_port: Type.Optional(Port('Source port, service name or range first:last (needs protocol tcp, udp, sctp, dccp or udplite)')),
    destination_port: Type.Optional(Port('Destination port, service name or range first:last (needs protocol tcp, udp, sctp, dccp or udplite)')),
    in_interface: Type.Optional(Interface('Interface the packet came in on (eth0; eth+ for every eth*)')),
    out_interface: Type.Optional(Interface('Interface the packet goes out on')),
    match: Type.Array(expecting(Type.String({ pattern: '^[A-Za-z0-9_-]+$' }), 'a match extension name (tcp, conntrack, comment, multiport)'), {
      default: [],
      description: 'Match extensions, each as -m NAME (a list, or one string with commas)',
    }),
    ctstate: Type.Array(StringEnum(CTSTATES), { default: [], description: 'Connection states matched with -m conntrack --ctstate (a list, or one string with commas)' }),
    jump: Type.Optional(expecting(Type.String({ pattern: NAME, description: 'The target: ACCEPT, DROP, REJECT, LOG, RETURN, a user-defined chain…' }), 'a target or chain name (ACCEPT, DROP, MY-CHAIN)')),
    comment: Type.Optional(expecting(Type.String({ pattern: '^[^\\n\\r]*$', maxLength: 255, description: 'A comment stored with the rule (-m comment --comment)' }), 'a comment on one line')),
    policy: Type.Optional(StringEnum(['ACCEPT', 'DROP'], { description: "Set the chain's policy instead of managing a rule (built-in chains only; takes no rule arguments)" })),
    flush: Type.Boolean({ default: false, description: 'Flush the chain (without chain: every chain of the table) instead of managing a rule; takes no rule arguments' }),
    chain_management: Type.Boolean({
      default: false,
      description: 'Create the chain when a rule is added to a missing one; with state: absent and no rule arguments, delete the (empty) chain',
    }),
    wait: Type.Optional(expecting(Type.String({ pattern: '^[0-9]+$', description: 'Seconds to wait for the xtables lock (-w N); without it -w waits as long as it takes' }), 'a number of seconds')),
    rollback_timeout: Type.Integer({
      minimum: 2,
      maximum: 3600,
      default: 30,
      description: 'Seconds after a guarded change before the table comes back as it was, unless a new SSH connection confirmed it (2-3600)',
    }),
  },
  { additionalProperties: false },
);
export type IptablesArgs = Static<typeof IptablesArgs>;

const WORDS: GuardWords = {
  module: 'iptables',
  restored: 'the previous rules are restored',
  notApplied: 'the change was not applied',
  unreported: 'the rollback did not report back as done',
};

export const ROLLED_BACK = rollbackHead(WORDS, 'cut-off');

/** The args as the plan and scripts take them: flush without a chain is the whole table (chain ''). */
function specOf(a: IptablesArgs): IptablesArgs & IptablesSpec {
  return { ...a, chain: a.chain ?? '' };
}

function failure(what: string, r: ExecResult, extra: Partial<RegisteredResult> = {}): RegisteredResult {
  const detail = (r.stderr.trim() || r.stdout.trim()).split('\n').filter((l) => !l.startsWith('Try `')).slice(-3).join(' ').slice(0, 200);
  return { ...extra, changed: extra.changed ?? false, failed: true, msg: `iptables: ${what}${detail ? `: ${detail}` : ''}`, rc: r.code, stdout: r.stdout, stderr: r.stderr };
}

/** The lock-out guard around the one command (lockout-guard-run.ts): save and arm, apply, confirm over a new connection. */
function guardedApply(a: IptablesSpec & IptablesArgs, io: ActionIO, changes: IptablesChange[], base: RegisteredResult): Promise<RegisteredResult> {
  return guardedRun(io, base, {
    words: WORDS,
    timeoutSeconds: a.rollback_timeout,
    armAndApply: armAndApply(a, changes, a.rollback_timeout),
    confirm: confirmScript(a.ip_version),
    confirmTimeoutMs: 60_000,
    afterRollback: afterRollback(a.ip_version),
    saveTool: `${a.ip_version === 'ipv4' ? 'iptables' : 'ip6tables'}-save`,
    failure,
    output: 'armed',
  });
}

/** A comma string → list (Ansible's list type does this), upper-cased for ctstate. */
function listOf(v: unknown, upper = false): unknown {
  if (typeof v !== 'string') return v;
  return v
    .split(',')
    .map((s) => (upper ? s.trim().toUpperCase() : s.trim()))
    .filter((s) => s !== '');
}

function portProblems(a: IptablesArgs): ArgProblem[] {
  const out: ArgProblem[] = [];
  for (const key of ['source_port', 'destination_port'] as const) {
    const v = a[key];
    if (v === undefined) continue;
    const proto = a.protocol?.toLowerCase();
    if (proto === undefined || !PORT_PROTOCOLS.includes(proto)) {
      out.push({ path: `/${key}`, message: `iptables.${key} needs protocol tcp, udp, sctp, dccp or udplite${proto === undefined ? '' : ` (protocol is ${a.protocol})`}` });
    }
    for (const n of v.replace(/^!\s*/, '').split(':')) {
      if (/^[0-9]+$/.test(n) && Number(n) > 65535) out.push({ path: `/${key}`, message: `iptables.${key} must be a port from 0 to 65535, got ${n}` });
    }
  }
  return out;
}

function familyProblems(a: IptablesArgs): ArgProblem[] {
  const out: ArgProblem[] = [];
  const want = a.ip_version;
  for (const key of ['source', 'destination'] as const) {
    const v = a[key];
    if (v === undefined) continue;
    for (const item of v.replace(/^!\s*/, '').split(',')) {
      const n = parseNetwork(item);
      if (n && n.family !== want) {
        out.push({ path: `/${key}`, message: `iptables.${key} ${item} is an ${n.family === 'ipv4' ? 'IPv4' : 'IPv6'} address, but ip_version is ${want}` });
        break;
      }
    }
  }
  return out;
}

export const iptables = defineAction({
  name: 'iptables',
  summary: "One iptables/ip6tables rule or chain policy, as Ansible's iptables module manages it (not persisted); guarded against lock-out",
  args: IptablesArgs,
  checkMode: 'run',
  controllerOnly: false,
  normalize(input) {
    if (input === null || typeof input !== 'object' || Array.isArray(input)) return input;
    const o = { ...(input as Record<string, unknown>) };
    if ('match' in o) o.match = listOf(o.match);
    if ('ctstate' in o) o.ctstate = Array.isArray(o.ctstate) ? o.ctstate.map((s) => (typeof s === 'string' ? s.trim().toUpperCase() : s)) : listOf(o.ctstate, true);
    if (typeof o.policy === 'string') o.policy = o.policy.trim().toUpperCase();
    return o;
  },
  refine(a): ArgProblem[] {
    const out: ArgProblem[] = [];
    if (a.chain === undefined && !a.flush) out.push({ path: '/chain', message: 'iptables: either chain or flush must be given (as in Ansible)' });
    if (a.flush && a.policy !== undefined) out.push({ path: '/flush', message: 'iptables: flush and policy are mutually exclusive (as in Ansible)' });
    if (a.flush) {
      const given: string[] = RULE_ARGS.filter((k) => (Array.isArray(a[k]) ? (a[k] as unknown[]).length > 0 : a[k] !== undefined));
      if (given.length > 0) out.push({ path: '/flush', message: `iptables.flush empties the chain and takes no rule arguments: remove ${given.join(', ')}` });
      return out;
    }
    if (a.rule_num !== undefined && a.action !== 'insert') {
      out.push({ path: '/rule_num', message: 'iptables.rule_num needs action: insert (it is the position a missing rule is inserted at)' });
    }
    if (a.policy !== undefined) {
      const given: string[] = RULE_ARGS.filter((k) => (Array.isArray(a[k]) ? (a[k] as unknown[]).length > 0 : a[k] !== undefined));
      if (a.action === 'insert') given.push('action');
      if (a.rule_num !== undefined) given.push('rule_num');
      if (a.state === 'absent') given.push('state: absent');
      if (given.length > 0) {
        out.push({ path: '/policy', message: `iptables.policy sets the policy of the chain and takes no rule arguments: remove ${given.join(', ')} (or manage the rule in its own task)` });
      }
      return out;
    }
    out.push(...portProblems(a), ...familyProblems(a));
    return out;
  },
  probe: (a) => iptablesProbe(specOf(a)),
  async run(args, io): Promise<RegisteredResult> {
    const a = specOf(args);
    // Exactly the declared probe: the engine serves it from what it read ahead when it can.
    const probed = await io.exec(iptablesProbe(a));
    if (probed.code !== 0) return failure('probe failed', probed);
    const changes = planIptables(a, parseIptablesState(probed.stdout));
    const base: RegisteredResult = {
      changed: changes.length > 0,
      failed: false,
      changes: changes.map(describeIptablesChange),
      ip_version: a.ip_version,
      table: a.table,
      chain: args.chain ?? null,
      flush: a.flush,
      rule: displayWords(ruleWords(a)),
      state: a.state,
      chain_management: a.chain_management,
    };
    if (a.policy !== undefined) base.policy = a.policy;
    const diff = diffIptables(a, changes);
    if (diff) base.diff = diff;
    if (changes.length === 0 || io.isCheck) return base;
    if (!changes.some((c) => needsGuard(c, a.jump))) {
      const r = await io.exec(directApply(a, changes), { timeoutMs: 120_000 });
      if (r.code !== 0) return failure('the change was not applied', r, { ...base, changed: false });
      return { ...base, guard: 'not needed', rc: r.code, stdout: r.stdout, stderr: r.stderr };
    }
    return guardedApply(a, io, changes, base);
  },
});
