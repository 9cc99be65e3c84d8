// Connection and become variables (ansible_user, ansible_port, ansible_become_password…) from every source: -e,
// play vars, vars_files, set_fact, include_vars as well as the inventory. Ansible's PlayContext reads them from each
// task's variables, so a play var setting ansible_user makes that play connect as that user; so do we, per host and
// task, and the connection pool keeps one connection per way of logging in.
import { TsinfraError } from '../errors.js';
import type { Host } from '../inventory/types.js';
import { DeferredValue } from '../jinja/values.js';
import { Secret } from '../shell/secret.js';
import { parseBool } from '../transport/connect-target.js';
import type { BecomeOptions, ConnectTarget } from '../transport/transport.js';
import type { HostState } from './host-state.js';

/** How the run resolves a host's target and become settings from variables (cli/host-options.ts). */
export interface ConnectionResolver {
  targetOf(host: Host): ConnectTarget;
  becomeOf(host: Host): BecomeOptions | undefined;
}

/** Every variable connect-target.ts reads (tsinfra's names and Ansible's). */
export const CONNECTION_VARS = [
  'tsinfra_host', 'ansible_host', 'ansible_ssh_host',
  'tsinfra_port', 'ansible_port', 'ansible_ssh_port',
  'tsinfra_user', 'ansible_user', 'ansible_ssh_user',
  'tsinfra_private_key_file', 'ansible_ssh_private_key_file', 'ansible_private_key_file',
  'tsinfra_known_hosts_file', 'tsinfra_host_key_policy', 'tsinfra_proxy_jump', 'ansible_ssh_common_args', 'ansible_ssh_extra_args',
  'tsinfra_connect_timeout', 'ansible_timeout', 'ansible_ssh_timeout', 'tsinfra_connect_retries',
  'ansible_password', 'ansible_ssh_pass', 'ansible_ssh_password', 'tsinfra_password',
  'tsinfra_become', 'ansible_become', 'tsinfra_become_user', 'ansible_become_user', 'ansible_become_method',
  'tsinfra_become_password', 'ansible_become_password', 'ansible_become_pass', 'ansible_sudo_pass',
] as const;

export interface HostConnection {
  target: ConnectTarget;
  /** The sudo settings should the task become: a become variable, else the command line. */
  becoming: BecomeOptions;
  /** `ansible_become` as a variable says (it wins over the `become` keyword, as in Ansible), if set. */
  becomeVar?: boolean;
  /** `ansible_become_user` as a variable says (it wins over `become_user`), if set. */
  becomeUserVar?: string;
  /** `ansible_become_method`, if set: only sudo is supported. */
  becomeMethod?: string;
}

const resolvers = new WeakMap<HostState, ConnectionResolver>();
const kept = new WeakMap<HostState, Map<string, HostConnection>>();

/** Resolve this host's connection from its task variables from now on (runPlaybook sets it for every host). */
export function useConnectionResolver(h: HostState, resolver: ConnectionResolver): void {
  resolvers.set(h, resolver);
}

const present = (v: unknown) => v !== undefined && v !== null && v !== '';

/** The connection variables among a task's, rendered (a template one renders with the host's variables). */
function connectionVarsOf(vars: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const name of CONNECTION_VARS) {
    let v = vars[name];
    if (v instanceof DeferredValue) v = v.resolve(vars);
    // connect-target.ts wraps the passwords in secret() again; as a Secret it would read `***`.
    if (v instanceof Secret) v = v.reveal();
    if (present(v)) out[name] = v;
  }
  return out;
}

function firstOf(vars: Record<string, unknown>, ...names: string[]): unknown {
  for (const n of names) if (vars[n] !== undefined) return vars[n];
  return undefined;
}

/** How a task reaches this host with these variables; the host's inventory settings without a resolver. */
export function connectionOf(h: HostState, vars: Record<string, unknown>): HostConnection {
  const resolver = resolvers.get(h);
  if (!resolver) return { target: h.target, becoming: h.become ?? { user: 'root' } };
  const own = connectionVarsOf(vars);
  const key = Object.entries(own).map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`).join('\u0000');
  let byKey = kept.get(h);
  if (!byKey) kept.set(h, (byKey = new Map()));
  const known = byKey.get(key);
  if (known) return known;
  const host = { ...h.host, vars: own };
  const on = firstOf(own, 'tsinfra_become', 'ansible_become');
  const becomeVar = parseBool(on);
  if (on !== undefined && becomeVar === undefined) throw new TsinfraError('TSI_CONFIG', `${h.name}: ansible_become must be true or false, got ${JSON.stringify(on)}`);
  const user = firstOf(own, 'tsinfra_become_user', 'ansible_become_user');
  const method = firstOf(own, 'ansible_become_method');
  const conn: HostConnection = {
    target: resolver.targetOf(host),
    becoming: resolver.becomeOf({ ...host, vars: { ...own, tsinfra_become: true } }) ?? { user: 'root' },
    ...(becomeVar !== undefined ? { becomeVar } : {}),
    ...(user !== undefined ? { becomeUserVar: String(user) } : {}),
    ...(method !== undefined ? { becomeMethod: String(method) } : {}),
  };
  byKey.set(key, conn);
  return conn;
}

const lastTargets = new WeakMap<HostState, ConnectTarget>();

/** Records the target a host's task runs over; true when it is not the one before (the first is no change). */
export function noteTarget(h: HostState, target: ConnectTarget): boolean {
  const last = lastTargets.get(h);
  lastTargets.set(h, target);
  return last !== undefined && last !== target;
}

/** Connection variables Ansible users set that tsinfra accepts and ignores, and why (a note at -v). */
const IGNORED_VARS: Record<string, string> = {
  ansible_python_interpreter: 'tsinfra runs POSIX sh on the hosts and needs no Python there',
};

/** One note per ignored variable set anywhere: the inventory's hosts, the plays' vars, -e. */
export function ignoredVarNotes(sources: Iterable<Record<string, unknown>>): string[] {
  const seen = new Set<string>();
  for (const vars of sources) for (const name of Object.keys(IGNORED_VARS)) if (Object.hasOwn(vars, name)) seen.add(name);
  return [...seen].map((name) => `${name} is accepted and ignored: ${IGNORED_VARS[name]}`);
}
