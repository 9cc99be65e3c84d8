// The fake transport itself: rules, records, unreachable hosts, and probe batches answered probe by probe.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectError } from '../../../src/errors.js';
import { factsScript, parseFacts } from '../../../src/engine/facts.js';
import { composeProbes } from '../../../src/engine/read-ahead/probe-batch.js';
import { FakeTransport } from '../../../src/transport/fake.js';
import { runScript } from '../../../src/transport/transport.js';

async function connect(fake: FakeTransport, host: string) {
  return fake.pool().get(fake.targetOf({ name: host }));
}

test('rules match by substring, RegExp and function; the rule added last wins', async () => {
  const fake = new FakeTransport()
    .on('uname', { stdout: 'Linux\n' })
    .on(/^cat \/etc\/(\w+)$/, { stdout: 'from regexp\n' })
    .on((c) => c.script.endsWith('hostname'), (c) => ({ stdout: `${c.host}\n` }))
    .on('uname -r', { stdout: '6.1\n' });
  const conn = await connect(fake, 'h1');
  assert.equal((await conn.exec('uname -s')).stdout, 'Linux\n');
  assert.equal((await conn.exec('uname -r')).stdout, '6.1\n', 'the later, more specific rule wins');
  assert.equal((await conn.exec('cat /etc/hosts')).stdout, 'from regexp\n');
  assert.equal((await conn.exec('hostname')).stdout, 'h1\n');
});

test('a failure reply gives its exit code and stderr; times limits a rule; a host option scopes it', async () => {
  const fake = new FakeTransport().on('probe', { stdout: 'ok\n' }).fail('probe', 'not yet', { times: 1, rc: 3 }).fail('probe', 'h2 only', { host: 'h2' });
  const h1 = await connect(fake, 'h1');
  assert.deepEqual(await runScript(h1, 'probe'), { stdout: '', stderr: 'not yet', code: 3, signal: null });
  assert.deepEqual(await runScript(h1, 'probe'), { stdout: 'ok\n', stderr: '', code: 0, signal: null }, 'the failing rule was used up');
  const h2 = await connect(fake, 'h2');
  assert.equal((await runScript(h2, 'probe')).stderr, 'h2 only');
});

test('every call is recorded per host with its become user; unmatched calls exit 0 and are listed', async () => {
  const fake = new FakeTransport();
  const h1 = await connect(fake, 'h1');
  await runScript(h1, 'id -u', { become: { user: 'deploy' } });
  await h1.exec('true');
  assert.deepEqual(
    fake.calls('h1').map((c) => [c.script, c.become, c.roundTrip]),
    [
      ['id -u', 'deploy', 0],
      ['true', undefined, 1],
    ],
  );
  assert.deepEqual(fake.roundTrips('h1').map((t) => t.kind), ['script', 'exec']);
  assert.equal(fake.unmatched.length, 2);
  assert.equal(fake.calls('h2').length, 0);
});

test('an unreachable host refuses the connect with a ConnectError, so the engine reports it unreachable', async () => {
  const fake = new FakeTransport().unreachable('h3');
  await assert.rejects(connect(fake, 'h3'), (e: unknown) => e instanceof ConnectError && e.host === 'h3' && e.level === 'socket');
  assert.equal(fake.connectsTo('h3'), 1);
});

test('a probe batch is one round trip whose probes are answered one by one, and split back by the engine', async () => {
  const fake = new FakeTransport().on('read a', { stdout: 'A\n' }).on('read b', { stderr: 'no b', rc: 2 });
  const batch = composeProbes(['read a\n', 'read b', 'read c']);
  const conn = await connect(fake, 'h1');
  const results = batch.split(await runScript(conn, batch.text));
  assert.deepEqual(results, [
    { stdout: 'A\n', stderr: '', code: 0, signal: null },
    { stdout: '', stderr: 'no b', code: 2, signal: null },
    { stdout: '', stderr: '', code: 0, signal: null },
  ]);
  assert.equal(fake.roundTrips('h1').length, 1);
  assert.deepEqual(fake.calls('h1').map((c) => c.script), ['read a\n', 'read b\n', 'read c\n']);
});

test('the facts script gets a canned Debian answer named after the host, which parseFacts accepts', async () => {
  const fake = new FakeTransport();
  const conn = await connect(fake, 'web1');
  const facts = parseFacts((await runScript(conn, factsScript().text)).stdout);
  assert.equal(facts.hostname, 'web1');
  assert.equal(facts.os.family, 'debian');
  assert.equal(facts.pkg_mgr, 'apt');
  assert.equal(facts.init, 'systemd');
  assert.deepEqual(facts.default_ipv4, { address: '10.0.0.10', interface: 'eth0' });
  assert.equal(fake.unmatched.length, 0);
});

test('shell and command scripts are matched by the command line as written', async () => {
  const { getModule, validateArgs } = await import('../../../src/modules/registry.js');
  const scriptOf = (module: string, cmd: string) => {
    const m = getModule(module)!;
    const v = validateArgs(module, { cmd });
    assert.ok(v.ok && m.kind === 'action' && m.script);
    return m.script(v.args).text;
  };
  const fake = new FakeTransport().on('echo x | wc -l', { stdout: '1\n' }).on("grep it's here", { stdout: 'found\n' });
  const conn = await connect(fake, 'h1');
  assert.equal((await runScript(conn, scriptOf('shell', 'echo x | wc -l'))).stdout, '1\n');
  assert.equal((await runScript(conn, scriptOf('command', `grep "it's" here`))).stdout, 'found\n');
  assert.deepEqual(fake.calls('h1').map((c) => c.command), ['echo x | wc -l', "grep it's here"]);
});
