// `tsinfra lab up|down|status|ssh`: local test hosts (see docs/lab.md).
import { spawn } from 'node:child_process';
import { Command, InvalidArgumentError, Option } from 'commander';
import { UsageError } from '../errors.js';
import { labDown, labDownAll, labSshCommand, labStatus, labUp, type LabInfo, type LabStatus } from '../lab/lab.js';
import type { RegisterCommand } from './command-context.js';

function parseCount(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('a positive integer');
  return n;
}

function parseDelay(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 10_000) throw new InvalidArgumentError('milliseconds, an integer from 0 to 10000');
  return n;
}

function parsePackages(value: string, previous: string[] = []): string[] {
  const names = value.split(',').map((n) => n.trim()).filter(Boolean);
  if (names.length === 0) throw new InvalidArgumentError('comma-separated Debian package names');
  return [...previous, ...names];
}

function summary(info: LabInfo, seconds: number): string {
  const width = Math.max(...info.hosts.map((h) => h.name.length));
  const shown = info.hosts.slice(0, 20).map((h) => {
    const where = h.publicAddress ? `public ${h.publicAddress.padEnd(13)} private ${h.privateAddress}` : `private ${h.privateAddress} (private only)`;
    return `  ${h.name.padEnd(width)}  ${where}  [${h.groups.join(', ') || 'ungrouped'}]`;
  });
  if (info.hosts.length > 20) shown.push(`  ... and ${info.hosts.length - 20} more (see the inventory)`);
  const first = info.hosts[0]?.name ?? 'HOST';
  const nameOpt = info.name === 'default' ? '' : ` --name ${info.name}`;
  return [
    `lab ${info.name} is up: ${info.hosts.length} ${info.kind} hosts in ${seconds.toFixed(1)} s`,
    ...shown,
    `  networks   public ${info.networks.public.cidr} (controller ${info.controllerAddress}), private ${info.networks.private.cidr}, vpn ${info.networks.vpn.cidr}`,
    `  zerotier   test double: network ${info.zerotier.networkId}, Central API ${info.zerotier.apiUrl} (token in the inventory)`,
    ...(info.aptRepository.installed ? [`  packages   installed on every host: ${info.aptRepository.installed.join(', ')}`] : []),
    ...(info.latency ? [`  latency    ${info.latency.delayMs} ms each way through a relay on ${info.latency.relayAddress} (ports ${info.hosts.flatMap((h) => h.relayPort ?? []).join(', ')})`] : []),
    `  inventory  ${info.inventoryPath}`,
    `  ssh        tsinfra lab ssh ${first}${nameOpt}   (or: ssh -F ${info.sshConfigPath} ${first})`,
    `  down       tsinfra lab down${nameOpt}`,
  ].join('\n');
}

function statusLines(s: LabStatus): string[] {
  const head = `${s.name}  ${s.kind}  ${s.phase}${s.info ? `  ${s.info.networks.public.cidr}  ${s.info.inventoryPath}` : `  ${s.stateDir}`}`;
  const hint = s.phase === 'incomplete' ? ['  (left by a crash or failure: tsinfra lab down --name ' + s.name + ')'] : [];
  const hosts = s.hosts.map((h) => `  ${h.name.padEnd(10)} init ${h.isInitAlive ? 'alive' : 'DEAD '}  sshd ${h.isSshAnswering ? 'answers' : 'NOT ANSWERING'}`);
  return [head, ...hint, ...hosts];
}

// Ctrl-C during `up` stops it and removes what it created, rather than leaving half a lab.
function abortOnSignals(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const onSignal = (name: NodeJS.Signals) => controller.abort(name);
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return { signal: controller.signal, dispose: () => (process.off('SIGINT', onSignal), process.off('SIGTERM', onSignal)) };
}

function runSsh(argv: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(argv[0] ?? 'ssh', argv.slice(1), { stdio: 'inherit' });
    child.on('error', reject);
    child.on('exit', (code, signal) => resolve(code ?? (signal ? 128 : 1)));
  });
}

function addUp(lab: Command): void {
  lab
    .command('up')
    .description('start local test hosts, write an inventory, wait until every sshd answers')
    .option('--name <name>', 'lab name', 'default')
    .addOption(new Option('--kind <kind>', 'namespace (fast, light) or systemd (real systemd as PID 1)').choices(['namespace', 'systemd']).default('namespace'))
    .option('--hosts <count>', 'number of hosts (default: master1..3, worker1..2)', parseCount)
    .option('--latency-ms <ms>', 'reach hosts through a relay on the controller that delays each direction by this much', parseDelay)
    .option('--packages <names>', 'install these Debian packages on every host (comma-separated; downloaded once on the controller)', parsePackages)
    .option('--serve-packages <names>', 'serve these Debian packages from the lab\'s apt repository without installing them (for plays)', parsePackages)
    .action(async (opts: { name: string; kind: 'namespace' | 'systemd'; hosts?: number; latencyMs?: number; packages?: string[]; servePackages?: string[] }) => {
      const started = Date.now();
      const { signal, dispose } = abortOnSignals();
      try {
        const { name, kind, hosts, latencyMs, packages, servePackages } = opts;
        const info = await labUp({ name, kind, hosts, latencyMs, packages, servePackages, signal, onProgress: (m) => process.stderr.write(`${m}\n`) });
        process.stdout.write(`${summary(info, (Date.now() - started) / 1000)}\n`);
      } finally {
        dispose();
      }
    });
}

function addDown(lab: Command): void {
  lab
    .command('down')
    .description('stop a lab and remove everything it created')
    .option('--name <name>', 'lab name', 'default')
    .option('--all', 'every lab recorded on this machine')
    .action(async (opts: { name: string; all?: boolean }) => {
      const summaries = opts.all ? await labDownAll() : [await labDown(opts.name)];
      for (const s of summaries) {
        process.stdout.write(s.existed ? `lab ${s.name} is down (${s.processes} processes, ${s.netns} namespaces, ${s.links} interfaces removed)\n` : `no lab named ${s.name}\n`);
      }
      if (opts.all && summaries.length === 0) process.stdout.write('no labs\n');
    });
}

function addStatus(lab: Command, setExitCode: (code: number) => void): void {
  lab
    .command('status')
    .description('list labs, and whether each host is alive and its sshd answers')
    .option('--name <name>', 'only this lab')
    .action(async (opts: { name?: string }) => {
      const all = await labStatus(opts.name);
      if (all.length === 0) process.stdout.write('no labs\n');
      for (const s of all) process.stdout.write(`${statusLines(s).join('\n')}\n`);
      const unhealthy = all.some((s) => s.phase !== 'up' || s.hosts.some((h) => !h.isInitAlive || !h.isSshAnswering));
      if (unhealthy) setExitCode(1);
    });
}

function addSsh(lab: Command, setExitCode: (code: number) => void): void {
  lab
    .command('ssh')
    .description('open a shell on a lab host with OpenSSH (or run COMMAND there)')
    .argument('<host>', 'host name, e.g. master1')
    .argument('[command...]', 'command to run instead of a shell (put it after --)')
    .option('--name <name>', 'lab name', 'default')
    .action(async (host: string, command: string[], opts: { name: string }) => {
      if (!host) throw new UsageError('which host?');
      setExitCode(await runSsh(labSshCommand(opts.name, host, command)));
    });
}

export const registerLabCommand: RegisterCommand = (program, ctx) => {
  const lab = program.command('lab').description('local test hosts: network namespaces or systemd containers with real sshd (needs root)');
  addUp(lab);
  addDown(lab);
  addStatus(lab, ctx.setExitCode);
  addSsh(lab, ctx.setExitCode);
};
