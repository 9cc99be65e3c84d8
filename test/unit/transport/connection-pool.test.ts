// Connect retries: only failed connects, only retryable levels, exponential backoff; a lost command is never re-run.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ConnectError } from '../../../src/errors.js';
import { ConnectionPool } from '../../../src/transport/connection-pool.js';
import type { Connection, ConnectTarget, ExecResult } from '../../../src/transport/transport.js';

function target(connectRetries?: number): ConnectTarget {
  return { name: 'h1', address: '10.0.0.1', port: 22, user: 'root', privateKeyFiles: [], hostKeyPolicy: 'strict', knownHostsFiles: [], connectTimeoutMs: 1000, keepaliveIntervalMs: 1000, maxChannels: 8, jumps: [], connectRetries };
}

function fakeConnection(exec: () => Promise<ExecResult>): Connection {
  return { host: 'h1', exec, close: async () => {} } as unknown as Connection;
}

/** A connector failing `failures` times with `level`, then connecting. */
function flaky(failures: number, level: ConnectError['level'] = 'socket') {
  const calls = { connects: 0, execs: 0 };
  const connector = async () => {
    calls.connects++;
    if (calls.connects <= failures) throw new ConnectError('h1', level, 'cannot connect: ECONNREFUSED');
    return fakeConnection(async () => {
      calls.execs++;
      throw new ConnectError('h1', 'ssh', 'connection lost');
    });
  };
  return { connector, calls };
}

function recordingSleep() {
  const waits: number[] = [];
  return { waits, sleep: async (ms: number) => void waits.push(ms) };
}

test('without retries a failed connect fails at once', async () => {
  const { connector, calls } = flaky(1);
  const { waits, sleep } = recordingSleep();
  const pool = new ConnectionPool(connector, { sleep });
  await assert.rejects(pool.get(target()), ConnectError);
  assert.equal(calls.connects, 1);
  assert.deepEqual(waits, []);
});

test('retries connect failures with exponential backoff, then succeeds', async () => {
  const { connector, calls } = flaky(3);
  const { waits, sleep } = recordingSleep();
  const pool = new ConnectionPool(connector, { sleep });
  await pool.get(target(3));
  assert.equal(calls.connects, 4);
  assert.deepEqual(waits, [500, 1000, 2000]);
});

test('gives up after the last retry with the connect error', async () => {
  const { connector, calls } = flaky(10, 'timeout');
  const { waits, sleep } = recordingSleep();
  const pool = new ConnectionPool(connector, { sleep, backoffMs: 10 });
  await assert.rejects(pool.get(target(2)), (e: unknown) => e instanceof ConnectError && e.level === 'timeout');
  assert.equal(calls.connects, 3);
  assert.deepEqual(waits, [10, 20]);
  // Not cached: a later get connects again.
  await assert.rejects(pool.get(target(0)));
  assert.equal(calls.connects, 4);
});

test('a changed host key or refused credentials is not retried', async () => {
  for (const level of ['hostkey', 'auth'] as const) {
    const { connector, calls } = flaky(5, level);
    const { waits, sleep } = recordingSleep();
    await assert.rejects(new ConnectionPool(connector, { sleep }).get(target(3)));
    assert.equal(calls.connects, 1, level);
    assert.deepEqual(waits, []);
  }
});

test('other errors (a bug, a bad key file) are not retried', async () => {
  let connects = 0;
  const pool = new ConnectionPool(async () => {
    connects++;
    throw new Error('boom');
  }, { sleep: async () => {} });
  await assert.rejects(pool.get(target(3)), /boom/);
  assert.equal(connects, 1);
});

test('a command lost mid-run is not re-run: the pool retries connects only', async () => {
  const { connector, calls } = flaky(0);
  const pool = new ConnectionPool(connector, { sleep: async () => {} });
  const conn = await pool.get(target(3));
  await assert.rejects(conn.exec('touch /x'), ConnectError);
  assert.equal(calls.execs, 1);
  assert.equal(calls.connects, 1);
});

test('concurrent gets share one connect (and its retries)', async () => {
  const { connector, calls } = flaky(1);
  const pool = new ConnectionPool(connector, { sleep: async () => {} });
  const [a, b] = await Promise.all([pool.get(target(1)), pool.get(target(1))]);
  assert.equal(a, b);
  assert.equal(calls.connects, 2);
});

test('handshakes run at most handshakesAtOnce at a time; one waiting when the run ends never starts', async () => {
  let running = 0;
  let most = 0;
  const conn = { host: 'h', exec: async () => ({ stdout: '', stderr: '', code: 0, signal: null }), close: async () => {} } as unknown as Connection;
  const pool = new ConnectionPool(
    async () => {
      most = Math.max(most, ++running);
      await new Promise((r) => setTimeout(r, 5));
      running--;
      return conn;
    },
    { handshakesAtOnce: 3 },
  );
  await Promise.all(Array.from({ length: 10 }, (_, i) => pool.get({ ...target(), name: `h${i}` })));
  assert.equal(most, 3);
  let finishFirst!: (c: Connection) => void;
  let connects = 0;
  const late = new ConnectionPool(() => (connects++ === 0 ? new Promise<Connection>((r) => (finishFirst = r)) : Promise.resolve(conn)), { handshakesAtOnce: 1 });
  const first = late.get({ ...target(), name: 'first' });
  const queued = late.get({ ...target(), name: 'second' });
  await new Promise((r) => setImmediate(r));
  await late.closeAll();
  finishFirst(conn);
  await first;
  await assert.rejects(queued, /the run is ending/);
  assert.equal(connects, 1, 'the queued handshake never started');
});

test('closeAll closes open connections and does not wait for a connect still in progress', async () => {
  let closed = 0;
  const conn = { host: 'h1', exec: async () => ({ stdout: '', stderr: '', code: 0, signal: null }), close: async () => void closed++ } as unknown as Connection;
  let finishSlow!: (c: Connection) => void;
  const pool = new ConnectionPool(async (t) => (t.name === 'slow' ? new Promise<Connection>((r) => (finishSlow = r)) : conn));
  await pool.get(target());
  const slow = pool.get({ ...target(), name: 'slow' });
  await new Promise((r) => setImmediate(r)); // its handshake has started
  await pool.closeAll();
  assert.equal(closed, 1, 'the open connection is closed; the pending connect was not awaited');
  finishSlow(conn);
  await slow;
  await new Promise((r) => setImmediate(r));
  assert.equal(closed, 2, 'the late connection is closed once it completes');
});

/** Connections that report isOpen, closed on demand (as a server hanging up on an idle connection). */
function closable() {
  const made: { isOpen: boolean; execs: number; closes: number }[] = [];
  const connector = async () => {
    const state = { isOpen: true, execs: 0, closes: 0 };
    made.push(state);
    return {
      host: 'h1',
      get isOpen() {
        return state.isOpen;
      },
      exec: async () => {
        state.execs++;
        if (!state.isOpen) throw new ConnectError('h1', 'ssh', 'connection lost');
        return { stdout: '', stderr: '', code: 0, signal: null };
      },
      close: async () => void state.closes++,
    } as Connection;
  };
  return { connector, made };
}

test('a connection closed while idle is replaced at the next get; nothing ran on the old one again', async () => {
  const { connector, made } = closable();
  const pool = new ConnectionPool(connector, { sleep: async () => {} });
  const first = await pool.get(target());
  await first.exec('true');
  assert.equal(await pool.get(target()), first, 'open: reused');
  made[0]!.isOpen = false; // sshd restarted between two tasks
  const second = await pool.get(target());
  assert.notEqual(second, first);
  assert.equal(made.length, 2);
  await second.exec('true');
  assert.deepEqual(made.map((m) => m.execs), [1, 1], 'the new command ran once, on the new connection');
  assert.equal(made[0]!.closes, 1, 'the dead connection was closed (and its jump hosts with it)');
  assert.equal(await pool.get(target()), second);
});

test('reconnecting after an idle close uses the connect retries, and concurrent gets share it', async () => {
  let connects = 0;
  let isOpen = true;
  const pool = new ConnectionPool(async () => {
    connects++;
    if (connects === 2) throw new ConnectError('h1', 'socket', 'cannot connect: ECONNREFUSED'); // sshd still restarting
    return { host: 'h1', get isOpen() { return isOpen; }, exec: async () => ({ stdout: '', stderr: '', code: 0, signal: null }), close: async () => {} } as Connection;
  }, { sleep: async () => {} });
  await pool.get(target(1));
  isOpen = false;
  const [a, b] = [pool.get(target(1)), pool.get(target(1))];
  isOpen = true; // the new connection (same getter here) is open
  assert.equal(await a, await b);
  assert.equal(connects, 3, 'first connect, one refused while sshd restarts, then connected');
});

test('a connection without isOpen is taken to be open (a lost one fails its command, never re-run)', async () => {
  const { connector, calls } = flaky(0);
  const pool = new ConnectionPool(connector, { sleep: async () => {} });
  const conn = await pool.get(target(3));
  await assert.rejects(conn.exec('touch /x'), ConnectError);
  assert.equal(await pool.get(target(3)), conn);
  assert.equal(calls.connects, 1);
});

test('one connection per host and login: another ansible_user gets its own; drop closes them all', async () => {
  const opened: string[] = [];
  let closed = 0;
  const pool = new ConnectionPool(async (t) => {
    opened.push(`${t.user}@${t.address}:${t.port}`);
    return { host: t.name, isOpen: true, exec: async () => ({ stdout: '', stderr: '', code: 0, signal: null }), close: async () => void closed++ } as unknown as Connection;
  });
  const root = target();
  const a = await pool.get(root);
  assert.equal(await pool.get({ ...root }), a, 'the same login shares the connection');
  const deploy = await pool.get({ ...root, user: 'deploy' });
  assert.notEqual(deploy, a);
  await pool.get({ ...root, port: 2222 });
  assert.deepEqual(opened, ['root@10.0.0.1:22', 'deploy@10.0.0.1:22', 'root@10.0.0.1:2222']);
  await pool.drop('h1');
  assert.equal(closed, 3);
  await pool.get(root);
  assert.equal(opened.length, 4, 'dropped: a later get connects again');
});
