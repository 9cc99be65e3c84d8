// A real OpenSSH sshd run as a user-level process on 127.0.0.1 and a free port, with fresh keys: enough for
// transport tests that change nothing on a host. Stopped (by PID) after the test file, even when a test fails.
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after } from 'node:test';
import { connect } from 'node:net';
import type { ConnectTarget } from '../../src/transport/transport.js';

export interface TestSshd {
  dir: string;
  port: number;
  user: string;
  clientKey: string;
  hostKeyLine: string; // "ssh-ed25519 AAAA..."
  knownHosts: string; // a known_hosts file recording the host key as [127.0.0.1]:port
  stop(): void;
}

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const srv = createServer().listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as { port: number };
      srv.close(() => resolve(port));
    });
  });
}

function keygen(file: string, extra: string[] = []): void {
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', file, ...extra]);
}

async function waitForPort(port: number, ms = 5000): Promise<void> {
  const until = Date.now() + ms;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const s = connect(port, '127.0.0.1', () => {
        s.destroy();
        resolve(true);
      }).on('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`sshd did not listen on ${port}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

export async function startSshd(options: { extraConfig?: string[] } = {}): Promise<TestSshd> {
  // sshd insists on its privilege-separation directory, which only its service unit would create.
  mkdirSync('/run/sshd', { recursive: true, mode: 0o755 });
  const dir = mkdtempSync(join(tmpdir(), 'tsinfra-sshd-'));
  const port = await freePort();
  keygen(join(dir, 'host_ed25519'));
  keygen(join(dir, 'client'));
  writeFileSync(join(dir, 'authorized_keys'), readFileSync(join(dir, 'client.pub')));
  const user = execFileSync('id', ['-un']).toString().trim();
  const config = [
    `Port ${port}`,
    'ListenAddress 127.0.0.1',
    `HostKey ${join(dir, 'host_ed25519')}`,
    `AuthorizedKeysFile ${join(dir, 'authorized_keys')}`,
    `PidFile ${join(dir, 'sshd.pid')}`,
    'StrictModes no',
    'UsePAM no',
    'PasswordAuthentication no',
    'KbdInteractiveAuthentication no',
    'PermitRootLogin prohibit-password',
    'LogLevel ERROR',
    ...(options.extraConfig ?? []),
  ];
  writeFileSync(join(dir, 'sshd_config'), `${config.join('\n')}\n`);
  const proc: ChildProcess = spawn('/usr/sbin/sshd', ['-D', '-e', '-f', join(dir, 'sshd_config')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  proc.stderr!.on('data', (c) => (stderr += c));
  try {
    await waitForPort(port);
  } catch (err) {
    proc.kill();
    throw new Error(`${(err as Error).message}: ${stderr}`);
  }
  const hostKeyLine = readFileSync(join(dir, 'host_ed25519.pub'), 'utf8').split(' ').slice(0, 2).join(' ');
  const knownHosts = join(dir, 'known_hosts');
  writeFileSync(knownHosts, `[127.0.0.1]:${port} ${hostKeyLine}\n`);
  const stop = () => {
    if (proc.exitCode === null) proc.kill('SIGTERM');
    rmSync(dir, { recursive: true, force: true });
  };
  after(stop);
  return { dir, port, user, clientKey: join(dir, 'client'), hostKeyLine, knownHosts, stop };
}

/** How to reach the test sshd: its key, strict checking against its known_hosts, short timeouts. */
export function sshdTarget(sshd: TestSshd, over: Partial<ConnectTarget> = {}): ConnectTarget {
  return {
    name: 'loop',
    address: '127.0.0.1',
    port: sshd.port,
    user: sshd.user,
    privateKeyFiles: [sshd.clientKey],
    hostKeyPolicy: 'strict',
    knownHostsFiles: [sshd.knownHosts],
    connectTimeoutMs: 5000,
    keepaliveIntervalMs: 5000,
    maxChannels: 8,
    jumps: [],
    ...over,
  };
}
