// TEST DOUBLE for the pharos and k0sctl command-line tools (neither can be installed here: pharos is archived,
// k0sctl needs real clusters). `test/doubles/pharos` and `test/doubles/k0sctl` run this file with the tool's name.
// It follows the real CLIs' documented interface closely enough for tsinfra's cluster step:
//
//   pharos up [-c|--config PATH (default cluster.yml)] [-y|--yes] [-f|--force] [-d|--debug]
//   k0sctl apply [-c|--config PATH (default k0sctl.yaml)] [--no-wait] [--no-drain] [--dry-run] [-d|--debug] …
//   pharos version | k0sctl version
//
// It reads the config, validates it against the SAME JSON Schema tsinfra validates with
// (roles/pharos/files/{pharos-cluster,k0sctl}.schema.json), prints lines shaped like the real tools' output
// (pharos' "==> …" progress lines; k0sctl's logrus "level=info msg=…" lines), and exits non-zero on an invalid or
// missing file, an unknown option, or (pharos) a missing --yes without a terminal — as the real tools do.
// It never touches a host.
//
// Environment (for tests):
//   CLUSTER_DOUBLE_LOG       append one JSON line per call: {tool, argv, cwd, config, sha256, exit}
//   CLUSTER_DOUBLE_DELAY_MS  pause between output lines (default 20), so streaming can be seen
//   CLUSTER_DOUBLE_FAIL      "1": fail half-way (exit 1) after a valid config, like a host that cannot be reached
import { appendFileSync, readFileSync, realpathSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Ajv } from 'ajv';
import { parse } from 'yaml';

const here = dirname(fileURLToPath(import.meta.url));
const SCHEMAS = join(here, '..', '..', 'roles', 'pharos', 'files');
const [tool, ...argv] = process.argv.slice(2);
const delayMs = Number(process.env.CLUSTER_DOUBLE_DELAY_MS ?? 20);
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

let record = { tool, argv, cwd: process.cwd() };
function finish(code) {
  if (process.env.CLUSTER_DOUBLE_LOG) appendFileSync(process.env.CLUSTER_DOUBLE_LOG, `${JSON.stringify({ ...record, exit: code })}\n`);
  process.exitCode = code;
}

async function say(line, stream = process.stdout) {
  stream.write(`${line}\n`);
  if (delayMs > 0) await sleep(delayMs);
}

/** Reads and validates the config: { ok: true, data } or { ok: false, problems }. */
function load(path, schemaFile) {
  const text = readFileSync(path, 'utf8');
  record = { ...record, config: realpathSync(path), sha256: createHash('sha256').update(text).digest('hex') };
  let data;
  try {
    data = parse(text, { version: '1.1' });
  } catch (err) {
    return { ok: false, problems: [`not valid YAML: ${err.message.split('\n')[0]}`] };
  }
  const schema = JSON.parse(readFileSync(join(SCHEMAS, schemaFile), 'utf8'));
  const validate = new Ajv({ allErrors: true, strict: false, validateFormats: false }).compile(schema);
  if (validate(data)) return { ok: true, data };
  const problems = (validate.errors ?? []).map((e) => {
    const at = e.instancePath.split('/').slice(1).join('.') || '(root)';
    const extra = e.keyword === 'additionalProperties' ? ` '${e.params.additionalProperty}'` : e.keyword === 'enum' ? `: ${e.params.allowedValues.join(', ')}` : '';
    return `${at}: ${e.message}${extra}`;
  });
  return { ok: false, problems };
}

function option(args, names, { flag = false } = {}) {
  const i = args.findIndex((a) => names.includes(a) || names.some((n) => n.startsWith('--') && a.startsWith(`${n}=`)));
  if (i < 0) return undefined;
  if (flag) return true;
  const eq = args[i].indexOf('=');
  return eq > 0 && args[i].startsWith('--') ? args[i].slice(eq + 1) : args[i + 1];
}

// ---- pharos ----------------------------------------------------------------------------------------------------

const PHAROS_OPTIONS = { value: ['-c', '--config', '--tf-json'], flag: ['-y', '--yes', '-f', '--force', '-d', '--debug', '--no-color', '-h', '--help'] };

async function pharos(args) {
  const [command, ...rest] = args;
  if (command === 'version' || command === '--version') {
    await say('pharos-cluster 3.2.1 [tsinfra test double]');
    return 0;
  }
  if (command !== 'up') {
    await say(`ERROR: No such sub-command '${command ?? ''}'\n\nSee: 'pharos --help'`, process.stderr);
    return 1;
  }
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (PHAROS_OPTIONS.value.includes(a)) i++;
    else if (!PHAROS_OPTIONS.flag.includes(a) && !a.startsWith('--config=')) {
      await say(`ERROR: Unrecognised option '${a}'\n\nSee: 'pharos up --help'`, process.stderr);
      return 1;
    }
  }
  const config = option(rest, ['-c', '--config']) ?? 'cluster.yml';
  let loaded;
  try {
    loaded = load(resolve(config), 'pharos-cluster.schema.json');
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
    await say(`ERROR: File does not exist: ${config}\n\nSee: 'pharos up --help'`, process.stderr);
    return 1;
  }
  await say('==> KONTENA PHAROS v3.2.1 (Kubernetes v1.18.6) [tsinfra test double]');
  if (!loaded.ok) {
    await say('==> Invalid configuration file:', process.stderr);
    for (const p of loaded.problems) await say(`    ${p}`, process.stderr);
    return 1;
  }
  const hosts = loaded.data.hosts;
  await say('==> Sharpening tools ...');
  await say('==> Using following software versions:');
  for (const c of ['cri-o: 1.18.3', 'etcd: 3.4.9', 'kubernetes: 1.18.6', `${loaded.data.network?.provider ?? 'weave'}: 2.6.5`]) await say(`    ${c}`);
  await say('==> Using following addons:');
  await say('==> Configuration is generated and shown below:');
  for (const line of readFileSync(resolve(config), 'utf8').replace(/\n$/, '').split('\n')) await say(line);
  if (!option(rest, ['-y', '--yes'], { flag: true }) && !process.stdin.isTTY) {
    await say('--yes required when running in non interactive mode', process.stderr);
    return 1;
  }
  await say('==> Starting to craft cluster ...');
  for (const h of hosts) await say(`==> Connect to hosts @ ${h.address}`);
  for (const h of hosts) await say(`==> Gather host facts @ ${h.address}`);
  if (process.env.CLUSTER_DOUBLE_FAIL === '1') {
    await say(`    [${hosts.at(-1).address}] Net::SSH::ConnectionTimeout: connection timed out`, process.stderr);
    await say('==> Error: the cluster could not be crafted', process.stderr);
    return 1;
  }
  const masters = hosts.filter((h) => h.role === 'master');
  for (const h of masters) await say(`==> Configure kubelet @ ${h.address} (private ${h.private_address ?? h.address})`);
  await say(`==> Configure ${loaded.data.network?.provider ?? 'weave'} network @ ${masters[0].address}`);
  for (const h of hosts.filter((x) => x.role === 'worker')) await say(`==> Join nodes @ ${h.address}`);
  await say('==> Configuring addons ...');
  await say('==> Cluster has been crafted! (took 0 seconds)');
  await say('    To configure kubectl for connecting to the cluster, use:');
  await say(`      pharos kubeconfig -c ${config} > kubeconfig`);
  await say('      export KUBECONFIG=./kubeconfig');
  return 0;
}

// ---- k0sctl ----------------------------------------------------------------------------------------------------

const K0SCTL_OPTIONS = {
  value: ['-c', '--config', '--concurrency', '--concurrent-uploads', '--restore-from', '--kubeconfig-out', '--kubeconfig-api-address', '--kubeconfig-user', '--kubeconfig-cluster', '--evict-taint', '--timeout'],
  flag: ['--no-wait', '--no-drain', '--dry-run', '-d', '--debug', '--trace', '--no-redact', '--force', '--disable-downgrade-check', '-h', '--help'],
};

const info = (msg) => say(`level=info msg=${JSON.stringify(msg)}`);
const fatal = (msg) => say(`level=fatal msg=${JSON.stringify(msg)}`, process.stderr);

async function k0sctl(args) {
  const [command, ...rest] = args;
  if (command === 'version') {
    await say('version: v0.25.1 [tsinfra test double]');
    return 0;
  }
  if (command !== 'apply') {
    await say(`No help topic for '${command ?? ''}'`, process.stderr);
    return 3;
  }
  for (let i = 0; i < rest.length; i++) {
    const a = rest[i];
    if (K0SCTL_OPTIONS.value.includes(a)) i++;
    else if (!K0SCTL_OPTIONS.flag.includes(a) && !K0SCTL_OPTIONS.value.some((v) => v.startsWith('--') && a.startsWith(`${v}=`))) {
      await say(`Incorrect Usage: flag provided but not defined: -${a.replace(/^-+/, '')}`, process.stderr);
      return 1;
    }
  }
  const config = option(rest, ['-c', '--config']) ?? 'k0sctl.yaml';
  await say('k0sctl v0.25.1 Copyright 2025, k0sctl authors. [tsinfra test double]');
  let loaded;
  try {
    loaded = load(resolve(config), 'k0sctl.schema.json');
  } catch (err) {
    if (err.code !== 'ENOENT') throw err;
    await fatal(config === 'k0sctl.yaml' ? 'failed to locate configuration' : 'no configuration files found');
    return 1;
  }
  if (!loaded.ok) {
    await fatal(`cluster config validation failed: ${loaded.problems.join('; ')}`);
    return 1;
  }
  const hosts = loaded.data.spec.hosts;
  const addr = (h) => `${h.ssh?.address ?? '127.0.0.1'}:${h.ssh?.port ?? 22}`;
  await info('==> Running phase: Set k0s version');
  await info(`Using k0s version ${loaded.data.spec.k0s?.version ?? 'v1.33.4+k0s.0'}`);
  await info('==> Running phase: Connect to hosts');
  for (const h of hosts) await info(`[ssh] ${addr(h)}: connected`);
  await info('==> Running phase: Detect host operating systems');
  for (const h of hosts) await info(`[ssh] ${addr(h)}: is running Debian GNU/Linux 12 (bookworm)`);
  await info('==> Running phase: Gather host facts');
  for (const h of hosts) await info(`[ssh] ${addr(h)}: using ${h.privateAddress ?? h.ssh?.address} as private address`);
  if (process.env.CLUSTER_DOUBLE_FAIL === '1') {
    await fatal(`apply failed - log file saved to /root/.cache/k0sctl/k0sctl.log: [ssh] ${addr(hosts.at(-1))}: connection timed out`);
    return 1;
  }
  const controllers = hosts.filter((h) => h.role !== 'worker');
  await info('==> Running phase: Install k0s binaries on hosts');
  await info(`==> Running phase: Initialize the k0s cluster`);
  await info(`[ssh] ${addr(controllers[0])}: installing k0s controller`);
  await info('==> Running phase: Install controllers');
  for (const h of controllers.slice(1)) await info(`[ssh] ${addr(h)}: installing k0s controller`);
  await info('==> Running phase: Install workers');
  for (const h of hosts.filter((x) => x.role === 'worker')) await info(`[ssh] ${addr(h)}: installing k0s worker`);
  await info('==> Running phase: Release exclusive host lock');
  await info('==> Running phase: Disconnect from hosts');
  await info('==> Finished in 0s');
  await info('k0s cluster version v1.33.4+k0s.0 is now installed');
  await info('Tip: To access the cluster you can now fetch the admin kubeconfig using:');
  await info('     k0sctl kubeconfig');
  return 0;
}

const run = tool === 'pharos' ? pharos : tool === 'k0sctl' ? k0sctl : undefined;
if (!run) {
  process.stderr.write(`cluster-tool-double: unknown tool ${tool}\n`);
  process.exitCode = 2;
} else {
  finish(await run(argv));
}
