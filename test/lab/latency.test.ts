// `lab up --latency-ms N`: hosts reached through the controller's delaying relay. A round trip costs at least 2N ms,
// tsinfra and OpenSSH both work through it (host keys under [relay]:port), and `lab down` kills the relay.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { isSameProcessAlive } from '../../src/lab/process-identity.js';
import { hostSsh, ok, startLab, stopLab, type LabInfo } from '../support/lab.js';
import { tsinfra } from '../support/cli.js';

const DELAY_MS = 100;

/** Time from sending our SSH identification to sshd's next packet (its KEXINIT): exactly one round trip. */
function oneRoundTripMs(address: string, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: address, port, noDelay: true });
    let sentAt: number | undefined;
    const done = (ms: number): void => {
      socket.destroy();
      resolve(ms);
    };
    socket.on('error', reject);
    socket.on('data', () => {
      if (sentAt === undefined) {
        sentAt = performance.now(); // the server's banner: now it waits for ours
        socket.write('SSH-2.0-latencyprobe\r\n');
      } else done(performance.now() - sentAt);
    });
    socket.on('close', () => (sentAt === undefined ? reject(new Error('closed before the banner')) : done(performance.now() - sentAt)));
  });
}

async function shellAllMs(lab: LabInfo): Promise<number> {
  const r = await tsinfra(['shell', 'all', 'true', '-i', lab.inventoryPath]);
  assert.equal(r.code, 0, r.stderr + r.stdout);
  return r.ms;
}

test('hosts behind the latency relay: each round trip costs the delay both ways, and the relay goes with the lab', async () => {
  const slow = await startLab({ hosts: 2, label: 'latency-100', latencyMs: DELAY_MS });
  assert.ok(slow.latency, 'LabInfo.latency is set');
  assert.equal(slow.latency.delayMs, DELAY_MS);
  const host = slow.hosts[0]!;
  assert.ok(host.relayPort, 'relayed host has a port');

  const rtt = await oneRoundTripMs(slow.latency.relayAddress, host.relayPort);
  assert.ok(rtt >= 2 * DELAY_MS - 5, `one round trip took ${rtt.toFixed(0)} ms, expected >= ${2 * DELAY_MS}`);
  assert.ok(rtt < 2 * DELAY_MS + 1000, `one round trip took ${rtt.toFixed(0)} ms`);

  // OpenSSH through the lab's ssh_config: strict host key checking against [relay]:port.
  assert.equal(ok(await hostSsh(slow, host.name, 'echo hi'), 'ssh through the relay').trim(), 'hi');

  // tsinfra through the relay: an SSH connection and one command take several round trips, each >= 200 ms.
  // A lower bound only: load on the shared cores can slow any run, so comparing against a direct run is flaky.
  const slowed = await shellAllMs(slow);
  const minRoundTrips = 3; // TCP + version + key exchange + auth + channel + exec is well over 3
  assert.ok(slowed >= minRoundTrips * 2 * DELAY_MS, `shell all true through the relay took only ${slowed} ms`);

  const relay = slow.latency.relayProcess;
  assert.ok(isSameProcessAlive(relay), 'relay runs while the lab is up');
  await stopLab(slow);
  assert.equal(isSameProcessAlive(relay), false, 'lab down killed the relay');
});
