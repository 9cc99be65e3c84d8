// The floor: what any SSH tool must spend. Connects to every host of a lab at once with ssh2 (TCP_NODELAY, the lab's
// key, host keys checked against the lab's known_hosts), runs K trivial commands (`true`) one after another on each,
// and prints {"wallMs","cpuMs","commands"} as JSON: wall from the first connect to the last command's exit, and
// this process's user+sys over that span (module loading excluded).
//   node --import tsx bench/floor-client.ts <lab state dir>/info.json <K>
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { Client } from 'ssh2';
import type { LabHost, LabInfo } from '../src/lab/lab-types.js';

const [infoPath, k] = process.argv.slice(2);
if (!infoPath || !k) {
  process.stderr.write('usage: floor-client <info.json> <commands per host>\n');
  process.exit(2);
}
const info = JSON.parse(readFileSync(infoPath, 'utf8')) as LabInfo;
const commands = Number(k);
const privateKey = readFileSync(info.privateKeyPath);
const knownHosts = readFileSync(info.knownHostsPath, 'utf8').split('\n').map((l) => l.split(' '));

function target(host: LabHost): { address: string; port: number } {
  if (info.latency && host.relayPort !== undefined) return { address: info.latency.relayAddress, port: host.relayPort };
  return { address: host.sshAddress, port: 22 };
}

function exec(client: Client, command: string): Promise<void> {
  return new Promise((resolve, reject) => {
    client.exec(command, (err, stream) => {
      if (err) return reject(err);
      stream.on('close', (code: number | null) => (code === 0 ? resolve() : reject(new Error(`${command} exited ${code}`))));
      stream.resume();
      stream.stderr.resume();
    });
  });
}

async function onHost(host: LabHost): Promise<void> {
  const { address, port } = target(host);
  const name = port === 22 ? address : `[${address}]:${port}`;
  const expected = knownHosts.find((f) => f[0] === name)?.[2];
  if (!expected) throw new Error(`${host.name}: no known_hosts line for ${name}`);
  const client = new Client();
  await new Promise<void>((resolve, reject) => {
    client.on('ready', () => resolve());
    client.on('error', reject);
    client.connect({
      sock: connect({ host: address, port, noDelay: true }),
      username: 'root',
      privateKey,
      hostVerifier: (key: Buffer) => key.toString('base64') === expected,
    });
  });
  for (let i = 0; i < commands; i++) await exec(client, 'true');
  client.end();
}

const cpu0 = process.cpuUsage();
const t0 = performance.now();
const hosts = info.hosts.filter((h) => h.publicAddress);
Promise.all(hosts.map(onHost)).then(
  () => {
    const cpu = process.cpuUsage(cpu0);
    process.stdout.write(`${JSON.stringify({ wallMs: performance.now() - t0, cpuMs: (cpu.user + cpu.system) / 1000, commands, hosts: hosts.length })}\n`);
  },
  (err: unknown) => {
    process.stderr.write(`floor: ${(err as Error).message}\n`);
    process.exit(1);
  },
);
