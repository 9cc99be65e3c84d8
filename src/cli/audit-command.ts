// `tsinfra audit ports -i INV`: probe every host's TCP ports from outside (the controller), over the VPN and from
// the provider's private network, and check the answers against the security role's policy. Exit 2 when a port is
// open that the policy does not allow (docs/audit.md).
import { Option, type Command } from 'commander';
import type { PortAuditReport } from '../audit/run-port-audit.js';
import { ConfigError, UsageError } from '../errors.js';
import type { Host } from '../inventory/types.js';
import { readLabInfo } from '../lab/lab-state.js';
import { redactText } from '../shell/secret.js';
import { parsePortList, portsToProbe } from '../audit/port-list.js';
import { formatPortJson, formatPortMatrix, summarizeAudit } from '../audit/port-matrix.js';
import { POLICY_VARS, readHostPolicy, type HostPolicy } from '../audit/port-policy.js';
import { findPolicyRole, policyVarsResolver } from '../audit/policy-vars.js';
import { runPortAudit, type AuditHost } from '../audit/run-port-audit.js';
import { chooseVantages } from '../audit/vantage-choice.js';
import type { CommandContext } from './command-context.js';
import { ExitCode } from './exit-codes.js';
import { addHostOptions, selectFromOptions, type HostOptions } from './host-options.js';
import { noHostsMatched, withHostSession } from './host-session.js';
import { secretsOf } from './secrets-of.js';
import { isTemplated } from '../template/index.js';

interface AuditPortsOptions extends HostOptions {
  vpnFrom?: string;
  privateFrom?: string;
  privateFromNetns?: string;
  ports?: string[];
  defaultPorts: boolean;
  probeTimeout: string;
  probeParallel: string;
  policyRole: string;
  rolesPath?: string[];
}

const collect = (v: string, prev: string[] = []) => [...prev, v];

function numberOption(v: string, flag: string, o: { min: number; max: number; isInteger?: boolean }): number {
  const n = Number(v);
  if (!Number.isFinite(n) || n < o.min || n > o.max || (o.isInteger && !Number.isInteger(n))) {
    throw new UsageError(`${flag} must be ${o.isInteger ? 'a whole number' : 'a number'} from ${o.min} to ${o.max}, got ${JSON.stringify(v)}`);
  }
  return n;
}

const text = (v: unknown): string | undefined => (typeof v === 'string' && v !== '' && !isTemplated(v) ? v : undefined);

/** The public address: public_ip, else ansible_host (else the name), unless that is the private address. */
function publicAddressOf(host: Host, vars: Record<string, unknown>): string | undefined {
  const address = text(vars.public_ip) ?? text(vars.ansible_host) ?? host.name;
  return address === text(vars.private_ip) ? undefined : address;
}

/**
 * The lab's neighbour namespace (docs/lab.md): for an inventory written by `tsinfra lab up` (variable lab_name) of a
 * lab that is up on this machine, the private network's other customer is the natural private vantage point.
 */
function labNeighbourNetns(allVars: Record<string, unknown>): string | undefined {
  const name = text(allVars.lab_name);
  if (name === undefined || !/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/.test(name)) return undefined;
  const info = readLabInfo(name);
  if (!info || info.neighbour.address !== text(allVars.lab_neighbour_address)) return undefined;
  return info.neighbour.netns;
}

function exitCodeOf(report: PortAuditReport): number {
  const s = summarizeAudit(report);
  // docs/audit.md: a violation (2) wins over an audit that could not fully run (3, its own code: not Ansible's 4).
  if (s.violations > 0) return ExitCode.hostFailed;
  return s.problems + s.unknown > 0 ? 3 : ExitCode.ok;
}

async function auditPorts(o: AuditPortsOptions, ctx: CommandContext): Promise<void> {
  const timeoutMs = Math.round(numberOption(o.probeTimeout, '--probe-timeout', { min: 0.1, max: 60 }) * 1000);
  const parallel = numberOption(o.probeParallel, '--probe-parallel', { min: 1, max: 1000, isInteger: true });
  const extraPorts = parsePortList(o.ports ?? []);
  const selected = await selectFromOptions('all', o);
  const { inventory } = selected;

  const found = await findPolicyRole({ role: o.policyRole, rolesPath: o.rolesPath ?? [], projectDir: process.cwd() });
  const varsOf = policyVarsResolver({ inventory, role: found.role, targetOf: selected.targetOf, becomeOf: selected.becomeOf });
  const policyOf = (h: Host): HostPolicy => {
    const r = readHostPolicy(varsOf(h));
    if ('policy' in r) return r.policy;
    const hint = found.role
      ? `set ${POLICY_VARS.publicPorts} in the role's defaults or the inventory`
      : `role ${JSON.stringify(o.policyRole)} not found (looked in ${found.looked.join(', ')}): run from the project directory, or give --roles-path DIR or --policy-role PATH`;
    throw new ConfigError({ file: inventory.source }, `host ${h.name}: ${r.problem}`, { hint });
  };

  const choice = chooseVantages({
    inventory,
    vpnFrom: o.vpnFrom,
    privateFrom: o.privateFrom,
    privateFromNetns: o.privateFromNetns,
    labNeighbourNetns: labNeighbourNetns(inventory.groups.get('all')?.vars ?? {}),
  });
  // A private vantage host stands for another customer on the provider's network: it is not audited itself.
  const audited = selected.hosts.filter((h) => !(choice.private.kind === 'host' && choice.private.host === h.name));
  if (noHostsMatched(o.limit ?? 'all', { ...selected, hosts: audited }, ctx)) return;

  const hosts: AuditHost[] = audited.map((h) => {
    const vars = varsOf(h);
    const policy = policyOf(h);
    const a: AuditHost = { name: h.name, target: selected.targetOf(h), policy };
    const pub = publicAddressOf(h, vars);
    const priv = text(vars.private_ip);
    if (pub !== undefined) a.publicAddress = pub;
    if (priv !== undefined) a.privateAddress = priv;
    return a;
  });
  const ports = portsToProbe({ publicPorts: hosts.flatMap((h) => h.policy.publicPorts), extra: extraPorts, isDefaultsIncluded: o.defaultPorts });
  const secrets = secretsOf(selected);

  await withHostSession(async ({ pool, signal }) => {
    const report = await runPortAudit({
      hosts,
      ports,
      vpn: choice.vpn,
      private: choice.private,
      spareHosts: [...inventory.hosts.keys()].filter((n) => !hosts.some((h) => h.name === n) && !(choice.private.kind === 'host' && choice.private.host === n)),
      vantageOf: (name) => {
        const host = inventory.hosts.get(name)!;
        const r = readHostPolicy(varsOf(host));
        const vpn = 'policy' in r ? { interfaces: r.policy.vpnInterfaces, cidr: r.policy.vpnCidr } : { interfaces: ['zt+'] };
        return { target: selected.targetOf(host), vpn };
      },
      timeoutMs,
      parallel,
      forks: selected.forks,
      pool,
      signal,
    });
    process.stdout.write(redactText(o.json ? formatPortJson(report) : formatPortMatrix(report), secrets));
    ctx.setExitCode(exitCodeOf(report));
  });
}

export function registerAuditCommand(program: Command, ctx: CommandContext): void {
  const audit = program.command('audit').description('check hosts against their security policy from the outside (docs/audit.md)');
  addHostOptions(
    audit
      .command('ports')
      .description(
        'probe every host\'s TCP ports from outside (the controller), over the VPN and from the provider\'s private ' +
          'network; exit 2 when a port is open that the security role\'s policy does not allow',
      ),
  )
    .option('--vpn-from <host>', 'VPN member that probes the others (default: variable audit_vpn_vantage, group audit_vpn, else the first host with a VPN address)')
    .option('--private-from <host>', 'host on the private network, not on the VPN, that probes private addresses (default: variable audit_private_vantage, group audit_private)')
    .addOption(new Option('--private-from-netns <name>', 'lab only: probe private addresses from this network namespace on the controller (a lab inventory uses its neighbour by default)'))
    .option('--ports <list>', 'more TCP ports to probe, e.g. 8443,9000-9010 (repeatable)', collect)
    .option('--no-default-ports', 'probe only the policy\'s public ports and --ports, not the default sensitive list')
    .option('--probe-timeout <seconds>', 'no answer in this long means filtered', '1')
    .option('--probe-parallel <n>', 'probes in flight at once per vantage point', '100')
    .option('--policy-role <name|path>', 'the role whose variables hold the policy', 'security')
    .option('--roles-path <dir>', 'extra directory to find the policy role in (repeatable)', collect)
    .action((o: AuditPortsOptions) => auditPorts(o, ctx));
}
