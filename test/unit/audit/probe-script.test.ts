// The vantage hosts' probe script: what it says, how its output is read, and that it really works under dash with
// bash's /dev/tcp, with the nc fallback (a stand-in nc on a PATH without bash), and with no tool at all.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { once } from 'node:events';
import { chmodSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { connect, createServer, type AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NO_PROBE_TOOL_EXIT, parseProbeOutput, probeScript, probeScriptBudgetMs } from '../../../src/audit/probe-script.js';

const targets = [
  { host: 'master1', address: '10.0.0.1' },
  { host: "odd'name", address: '10.0.0.2' },
];

test('one background probe per target and port, quoted, a wait every `parallel` probes and at the end', () => {
  const s = probeScript({ targets, ports: [22, 2379, 10250], timeoutMs: 700, parallel: 4 }).text;
  const probes = s.split('\n').filter((l) => l.startsWith('probe '));
  assert.deepEqual(probes.slice(0, 3), ['probe master1 10.0.0.1 22 &', 'probe master1 10.0.0.1 2379 &', 'probe master1 10.0.0.1 10250 &']);
  assert.equal(probes[3], `probe 'odd'\\''name' 10.0.0.2 22 &`);
  assert.equal(probes.length, 6);
  const lines = s.split('\n');
  const waits = lines.map((l, i) => (l === 'wait' ? i : -1)).filter((i) => i >= 0);
  assert.equal(waits.length, 2, 'after the 4th probe and at the end');
  assert.equal(lines.at(-1), 'wait');
  assert.match(s, /^T=0\.7; W=1; T2=1\.4; W2=2; P=4; PORTS=22,2379,10250$/m, 'timeout(1) takes fractions, nc -w whole seconds; the retry has twice the time');
  assert.match(s, /^set -- master1 10\.0\.0\.1 'odd'\\''name' 10\.0\.0\.2$/m, "python3's targets, quoted");
  assert.doesNotMatch(s, /\$'/, "no bash-only $'…' quoting: dash runs it");
});

test('the budget covers every wave timing out twice (the retry has twice the time)', () => {
  const o = { targets, ports: [1, 2, 3, 4, 5], timeoutMs: 1000, parallel: 4 };
  assert.equal(probeScriptBudgetMs(o), 3 * (3000 + 1000) + 60_000);
});

test('parseProbeOutput keeps TARGET PORT STATE lines and skips anything else', () => {
  const out = 'master1 22 open\nmaster1 2379 filtered\r\nnoise here\nmaster2 80 closed\nmaster2 81 weird\n\n';
  assert.deepEqual(parseProbeOutput(out), [
    { host: 'master1', port: 22, state: 'open' },
    { host: 'master1', port: 2379, state: 'filtered' },
    { host: 'master2', port: 80, state: 'closed' },
  ]);
});

// Running it for real under dash: a listener (open), a port nobody listens on (closed); "filtered" through stand-in
// tools on a PATH of their own (a connect that hangs until timeout(1) kills it).
const server = createServer((s) => s.destroy());
await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
const openPort = (server.address() as AddressInfo).port;
const closedServer = createServer();
await new Promise<void>((r) => closedServer.listen(0, '127.0.0.1', r));
const closedPort = (closedServer.address() as AddressInfo).port;
await new Promise<void>((r) => closedServer.close(() => r()));
const dir = mkdtempSync(join(tmpdir(), 'tsinfra-probe-'));
after(() => {
  server.close();
  rmSync(dir, { recursive: true, force: true });
});

function runScript(text: string, env: NodeJS.ProcessEnv = process.env) {
  const r = spawnSync('/bin/sh', ['-s'], { input: text, env, encoding: 'utf8', timeout: 20_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test('with python3: open, closed and filtered for real, each connect timed on its own', async () => {
  // A listener with a backlog of 0 that never accepts: once one connection fills its queue, the kernel drops the
  // SYNs of the next ones, as a firewall's DROP does.
  const full = spawn('/usr/bin/python3', ['-c', 'import socket,sys,time\ns=socket.socket()\ns.bind(("127.0.0.1",0))\ns.listen(0)\nprint(s.getsockname()[1],flush=True)\ntime.sleep(60)'], { stdio: ['ignore', 'pipe', 'inherit'] });
  try {
    const dropPort = Number((await once(full.stdout!, 'data'))[0].toString().trim());
    const filler = connect({ host: '127.0.0.1', port: dropPort });
    await once(filler, 'connect');
    const local = [{ host: 'me', address: '127.0.0.1' }];
    const started = Date.now();
    const r = runScript(probeScript({ targets: local, ports: [openPort, closedPort, dropPort], timeoutMs: 300, parallel: 10 }).text);
    filler.destroy();
    assert.equal(r.code, 0, r.stderr);
    assert.deepEqual(parseProbeOutput(r.stdout), [
      { host: 'me', port: openPort, state: 'open' },
      { host: 'me', port: closedPort, state: 'closed' },
      { host: 'me', port: dropPort, state: 'filtered' },
    ]);
    assert.ok(Date.now() - started >= 900, 'the dropped port was given the timeout and the retry twice as long');
  } finally {
    full.kill();
  }
});

test('with bash and timeout (no python3): open and closed for real', () => {
  const local = [{ host: 'me', address: '127.0.0.1' }];
  const bin = pathWith('bash-only', { timeout: null, bash: null });
  const r = runScript(probeScript({ targets: local, ports: [openPort, closedPort], timeoutMs: 1000, parallel: 10 }).text, { PATH: bin });
  assert.equal(r.code, 0, r.stderr);
  const got = new Map(parseProbeOutput(r.stdout).map((l) => [l.port, l.state]));
  assert.equal(got.get(openPort), 'open');
  assert.equal(got.get(closedPort), 'closed');
});

function pathWith(name: string, tools: Record<string, string | null>): string {
  const bin = join(dir, name);
  spawnSync('mkdir', ['-p', bin]);
  for (const [tool, script] of Object.entries(tools)) {
    if (script === null) {
      const real = spawnSync('/bin/sh', ['-c', `command -v ${tool}`], { encoding: 'utf8' }).stdout.trim();
      symlinkSync(real, join(bin, tool));
    } else {
      writeFileSync(join(bin, tool), script);
      chmodSync(join(bin, tool), 0o755);
    }
  }
  return bin;
}

test('with bash: a connect that hangs is killed by timeout and reads filtered; no route reads filtered', () => {
  // A stand-in bash: port 7 hangs (a dropped SYN), port 8 has no route; everything else is the real bash.
  const bash = `#!/bin/sh
case "$4" in
  7) sleep 5 ;;
  8) echo "bash: connect: No route to host" >&2; exit 1 ;;
esac
`;
  const bin = pathWith('fake-bash', { timeout: null, sleep: null, bash });
  const started = Date.now();
  const r = runScript(probeScript({ targets: [{ host: 'far', address: '10.0.0.9' }], ports: [7, 8], timeoutMs: 300, parallel: 10 }).text, { PATH: bin });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(parseProbeOutput(r.stdout).sort((a, b) => a.port - b.port), [
    { host: 'far', port: 7, state: 'filtered' },
    { host: 'far', port: 8, state: 'filtered' },
  ]);
  assert.ok(Date.now() - started < 3000, 'probes run in parallel and time out');
});

test('a probe that times out once is tried again before it reads filtered (a loaded host is slow to start it)', () => {
  // A stand-in bash whose first connect hangs past the timeout and whose second connects.
  const bash = `#!/bin/sh
if [ ! -e "${dir}/tried-$4" ]; then : > "${dir}/tried-$4"; sleep 5; fi
exit 0
`;
  const bin = pathWith('slow-start', { timeout: null, sleep: null, bash });
  const r = runScript(probeScript({ targets: [{ host: 'busy', address: '10.0.0.9' }], ports: [9], timeoutMs: 300, parallel: 10 }).text, { PATH: bin });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(parseProbeOutput(r.stdout), [{ host: 'busy', port: 9, state: 'open' }]);
});

test('without bash it falls back to nc -z (refused → closed, hung → filtered by timeout, success → open)', () => {
  // nc -v -z -w W HOST PORT: answers by port.
  const nc = `#!/bin/sh
case "$6" in
  1) exit 0 ;;
  2) echo "nc: connect to $5 port 2 (tcp) failed: Connection refused" >&2; exit 1 ;;
  *) sleep 5 ;;
esac
`;
  const bin = pathWith('nc-only', { timeout: null, sleep: null, nc });
  const r = runScript(probeScript({ targets: [{ host: 'h', address: '10.0.0.9' }], ports: [1, 2, 3], timeoutMs: 300, parallel: 10 }).text, { PATH: bin });
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(parseProbeOutput(r.stdout).sort((a, b) => a.port - b.port), [
    { host: 'h', port: 1, state: 'open' },
    { host: 'h', port: 2, state: 'closed' },
    { host: 'h', port: 3, state: 'filtered' },
  ]);
});

test('with neither bash+timeout nor nc it says so and exits 3', () => {
  const bin = pathWith('nothing', {});
  const r = runScript(probeScript({ targets, ports: [22], timeoutMs: 300, parallel: 10 }).text, { PATH: bin });
  assert.equal(r.code, NO_PROBE_TOOL_EXIT);
  assert.match(r.stderr, /neither bash with timeout\(1\) nor nc/);
  assert.equal(r.stdout, '');
});
