// Does a host's sshd answer? From the controller: its SSH banner over TCP. For hosts only on the private network
// (the controller has no address there): an ssh-keyscan from the neighbour's namespace.
import { connect } from 'node:net';
import { LabError } from '../errors.js';
import { neighbourNetns } from './addressing.js';
import type { LabHost } from './lab-types.js';
import { runTool } from './run-tool.js';

export function hasSshBanner(address: string, timeoutMs = 1000): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect({ host: address, port: 22 });
    let data = '';
    const finish = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.setTimeout(timeoutMs, () => finish(false));
    socket.on('data', (b: Buffer) => {
      data += b.toString('latin1');
      if (data.includes('\n')) finish(data.startsWith('SSH-2.0-'));
    });
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
  });
}

export async function answersSshFrom(netns: string, address: string): Promise<boolean> {
  const r = await runTool('ip', ['netns', 'exec', netns, 'ssh-keyscan', '-T', '2', '-t', 'ed25519', address], { allowFailure: true });
  return r.exitCode === 0 && r.stdout.includes('ssh-ed25519');
}

/** Whether a lab host's sshd answers: from the controller if it has a public address, else from the neighbour. */
export function isSshAnswering(labIndex: number, host: Pick<LabHost, 'publicAddress' | 'privateAddress'>): Promise<boolean> {
  if (host.publicAddress) return hasSshBanner(host.publicAddress);
  return answersSshFrom(neighbourNetns(labIndex), host.privateAddress);
}

/** Polls until the banner shows (sshd may need a moment after the bridge port comes up). */
export async function waitForSshBanner(address: string, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await hasSshBanner(address))) {
    if (Date.now() > deadline) throw new LabError(`${what}: sshd started but ${address}:22 does not answer`);
    await new Promise((r) => setTimeout(r, 20));
  }
}
