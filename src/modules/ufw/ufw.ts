// ufw (community.general.ufw): the host's ufw, driven through the real ufw tool exactly as community.general drives
// it: the same commands in the same order (state, default, rule, logging), idempotent the way it is (ufw skips a rule
// it already has; changed when `ufw status verbose` or the user rules' `### tuple` lines differ before and after),
// and the same registered `commands` and `msg`. Check mode predicts as community.general does (the rule and logging
// commands under `ufw --dry-run`).
//
// It is an action for its lock-out check: before anything runs, a task that would leave ufw active with incoming
// denied and no rule letting new connections in to the SSH port the controller uses (ActionIO.endpointOf) is
// refused with a clear error (ufw-rules.ts lockoutProblem). See docs/modules.md#ufw.
import { Type, type Static } from '@sinclair/typebox';
import { defineAction, expecting, PlanError, StringEnum, type ActionIO, type ArgProblem, type RegisteredResult } from '../define.js';
import { fromBase64, parseKeyValues } from '../lib/probe-output.js';
import { dryRunChanges, lockoutProblem, parseUfwState, predictedChange, ufwCommands, type UfwState } from './ufw-rules.js';
import { ufwApply, ufwDryRun, ufwProbe, USER_RULES_FILES } from './ufw-scripts.js';

const Word = (description: string, expected: string, options: { default?: string } = {}) => expecting(Type.String({ pattern: '^[^\\s\'"]+$', description, ...options }), expected);
const Interface = (description: string) => expecting(Type.String({ pattern: '^[A-Za-z0-9_.@:+-]{1,15}$', description }), 'an interface name (eth0)');

const UfwArgs = Type.Object(
  {
    state: Type.Optional(StringEnum(['enabled', 'disabled', 'reloaded', 'reset'], { description: 'enabled: ufw -f enable; disabled; reloaded and reset always report changed' })),
    default: Type.Optional(StringEnum(['allow', 'deny', 'reject'], { description: 'The default policy for direction (incoming when not given); alias policy' })),
    logging: Type.Optional(StringEnum(['full', 'high', 'low', 'medium', 'off', 'on'], { description: 'ufw logging LEVEL' })),
    direction: Type.Optional(StringEnum(['in', 'incoming', 'out', 'outgoing', 'routed'], { description: 'With default: incoming, outgoing or routed; with rule: in or out' })),
    delete: Type.Boolean({ default: false, description: 'Delete the rule instead of adding it' }),
    route: Type.Boolean({ default: false, description: 'A routed (forwarding) rule: ufw route …' }),
    insert: Type.Optional(Type.Integer({ minimum: 1, description: 'Insert the rule at this position (ufw insert N) instead of appending it' })),
    insert_relative_to: StringEnum(['zero'], { default: 'zero', description: 'Only zero (insert counts from the top); the ipv4/ipv6-relative forms are not supported' }),
    rule: Type.Optional(StringEnum(['allow', 'deny', 'limit', 'reject'], { description: 'Add (or with delete, remove) a rule' })),
    interface: Type.Optional(Interface('The interface of the rule (needs direction); alias if')),
    interface_in: Type.Optional(Interface('Incoming interface of a route rule; alias if_in')),
    interface_out: Type.Optional(Interface('Outgoing interface of a route rule; alias if_out')),
    log: Type.Boolean({ default: false, description: 'Log new connections matched by the rule' }),
    from_ip: Word('Source address or network, or any; aliases from, src', 'an address, a network or any', { default: 'any' }),
    from_port: Type.Optional(Word('Source port or range', 'a port, a list or a range (22, 80,443, 6000:6007)')),
    to_ip: Word('Destination address or network, or any; aliases to, dest', 'an address, a network or any', { default: 'any' }),
    to_port: Type.Optional(Word('Destination port or range; alias port', 'a port, a list or a range (22, 80,443, 6000:6007)')),
    proto: Type.Optional(StringEnum(['ah', 'any', 'esp', 'ipv6', 'tcp', 'udp', 'gre', 'igmp'], { description: 'The protocol; alias protocol' })),
    name: Type.Optional(expecting(Type.String({ pattern: "^[^'\\n]+$", description: 'An application profile (ufw app list): OpenSSH, "Nginx Full"; alias app' }), 'a profile name without quotes')),
    comment: Type.Optional(expecting(Type.String({ pattern: "^[^'\\n]*$", description: 'A comment stored with the rule' }), 'a comment on one line without single quotes')),
    lockout_check: Type.Boolean({
      default: true,
      description: "tsinfra's lock-out check: refuse a task that would leave ufw active, denying incoming, with no rule for the controller's SSH port",
    }),
  },
  { additionalProperties: false },
);
export type UfwArgs = Static<typeof UfwArgs>;

function failed(msg: string, commands: string[], extra: Record<string, unknown> = {}): RegisteredResult {
  return { changed: false, failed: true, msg, commands, ...extra };
}

/** The SSH port tsinfra reaches this host on (inventory or ~/.ssh/config as the engine resolves it; 22 otherwise). */
function sshPort(io: ActionIO): number {
  return io.endpointOf(String(io.vars.inventory_hostname ?? ''))?.port ?? 22;
}

export const ufw = defineAction({
  name: 'ufw',
  summary: "The host's ufw firewall, through the ufw tool, as community.general.ufw drives it; refuses a task that would lock the controller out",
  args: UfwArgs,
  aliases: { policy: 'default', if: 'interface', if_in: 'interface_in', if_out: 'interface_out', from: 'from_ip', src: 'from_ip', to: 'to_ip', dest: 'to_ip', port: 'to_port', protocol: 'proto', app: 'name' },
  checkMode: 'run',
  controllerOnly: false,
  refine(a): ArgProblem[] {
    const out: ArgProblem[] = [];
    if (a.state === undefined && a.default === undefined && a.rule === undefined && a.logging === undefined) {
      out.push({ path: '', message: 'ufw: one of state, default (policy), rule, logging is required (as in community.general)' });
    }
    const exclusive = (['name', 'proto', 'logging'] as const).filter((k) => a[k] !== undefined);
    if (exclusive.length > 1) out.push({ path: `/${exclusive[1]}`, message: `ufw: ${exclusive.join(' and ')} are mutually exclusive (as in community.general)` });
    for (const k of ['interface_in', 'interface_out'] as const) {
      if (a[k] !== undefined && a.direction !== undefined) out.push({ path: `/${k}`, message: `ufw: direction and ${k} are mutually exclusive (the interface says the direction)` });
    }
    if (a.interface !== undefined && a.direction === undefined) out.push({ path: '/interface', message: 'ufw.interface needs direction (in or out)' });
    if (a.default !== undefined && a.direction !== undefined && !['incoming', 'outgoing', 'routed'].includes(a.direction)) {
      out.push({ path: '/direction', message: `ufw: with default, direction must be incoming, outgoing or routed (got ${a.direction})` });
    }
    if (a.rule !== undefined && a.direction !== undefined && !['in', 'out'].includes(a.direction)) {
      out.push({ path: '/direction', message: `ufw: with rule, direction must be in or out (got ${a.direction})` });
    }
    if (!a.route && a.interface_in !== undefined && a.interface_out !== undefined) out.push({ path: '/interface_out', message: 'ufw: only route rules can combine interface_in and interface_out' });
    return out;
  },
  probe: () => ufwProbe(),
  async run(a, io): Promise<RegisteredResult> {
    const probed = await io.exec(ufwProbe());
    if (probed.code !== 0) return failed(`ufw: probe failed: ${(probed.stderr || probed.stdout).trim().slice(0, 200)}`, []);
    const state = parseUfwState(probed.stdout);
    if (!state) throw new PlanError('ufw', 'ufw is not installed on the host', { hint: 'install the ufw package first (apt: name=ufw)' });
    // Check mode changes nothing, and the rules a play adds before enabling ufw are not there then: no check.
    if (a.lockout_check && !io.isCheck) {
      const problem = lockoutProblem(a, state, sshPort(io));
      if (problem) throw new PlanError('ufw', problem, { hint: `add a rule first (ufw: rule=allow port=${sshPort(io)} proto=tcp), or set lockout_check: false if you reach the host another way` });
    }
    const read = [`${state.ufw} status verbose`, `${state.grep} -h '^### tuple' ${USER_RULES_FILES.join(' ')}`];
    const version = `${state.ufw} --version`;
    if (io.isCheck) return checkRun(a, io, state, read, version);

    const commands = ufwCommands(a, state.ufw);
    const r = await io.exec(ufwApply(commands), { timeoutMs: 120_000 });
    const kv = parseKeyValues(r.stdout);
    const text = (k: string) => fromBase64(kv.get(k)).toString('utf8');
    const ran = commandTexts(commands, version, kv.has('failed') ? Number(kv.get('failed')) + 1 : commands.length);
    if (r.code !== 0) return failed(`ufw: ${(r.stderr || r.stdout).trim().slice(0, 200)}`, [...read, ...ran], { rc: r.code });
    if (kv.has('failed')) return failed(text('err') || text('out'), [...read, ...ran], { rc: Number(kv.get('rc')) });
    const post = text('status');
    const postRules = text('rules');
    // As community.general: reloaded and reset always change, and logging changes when the status before said
    // otherwise (whatever ufw then did; an inactive ufw prints no logging level, so it is always changed then).
    let changed = a.state === 'reloaded' || a.state === 'reset' || (a.logging !== undefined && predictedChange('logging', a, state.status));
    const log = [...read, ...ran, `${state.ufw} status verbose`];
    if (!changed) {
      log.push(read[1]!);
      changed = post !== state.status || postRules !== state.rules;
    }
    return { changed, failed: false, commands: log, msg: post.trimEnd() };
  },
});

/** The `commands` community.general lists for the first `count` commands (a rule first asks `ufw --version`). */
function commandTexts(commands: readonly { kind: string; text: string }[], version: string, count: number): string[] {
  return commands.slice(0, count).flatMap((c) => (c.kind === 'rule' ? [version, c.text] : [c.text]));
}

/** Check mode, as community.general predicts: state, default, logging from the status; a rule by `ufw --dry-run`. */
async function checkRun(a: UfwArgs, io: ActionIO, state: UfwState, read: string[], version: string): Promise<RegisteredResult> {
  const all = ufwCommands(a, state.ufw, true);
  let changed = false;
  for (const c of all) if (c.kind !== 'rule' && predictedChange(c.kind, a, state.status)) changed = true;
  const dry = all.filter((c) => c.kind === 'rule' || c.kind === 'logging');
  const ran = commandTexts(dry, version, dry.length);
  if (dry.length > 0) {
    const r = await io.exec(ufwDryRun(dry), { timeoutMs: 120_000 });
    const kv = parseKeyValues(r.stdout);
    if (kv.has('failed')) {
      const text = (k: string) => fromBase64(kv.get(k)).toString('utf8');
      return failed(text('err') || text('out'), [...read, ...commandTexts(dry, version, Number(kv.get('failed')) + 1)], { rc: Number(kv.get('rc')) });
    }
    const i = dry.findIndex((c) => c.kind === 'rule');
    if (i >= 0 && dryRunChanges(a, state.rules, fromBase64(kv.get(`out${i}`)).toString('utf8'))) changed = true;
  }
  return { changed, failed: false, commands: [...read, ...ran] };
}
