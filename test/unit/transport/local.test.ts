// LocalConnection: commands on the controller itself, with the same results as the SSH transport gives.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CommandError } from '../../../src/errors.js';
import { secret } from '../../../src/shell/secret.js';
import { LocalConnection } from '../../../src/transport/local.js';

const HERE = dirname(fileURLToPath(import.meta.url));

const hasSudo = spawnSync('sh', ['-c', 'command -v sudo']).status === 0;
const isRoot = userInfo().uid === 0;

/** Running (a zombie waiting for an init that reaps slowly counts as dead). */
function isAlive(pid: number): boolean {
  try {
    return !/^\d+ \(.*\) Z /.test(readFileSync(`/proc/${pid}/stat`, 'utf8'));
  } catch {
    return false;
  }
}

test('exec returns stdout, stderr and exit code untrimmed, from the home directory', async () => {
  const c = new LocalConnection();
  assert.equal(c.host, 'localhost');
  assert.deepEqual(await c.exec(`printf '  a\\n\\n'; printf 'oops' >&2; exit 3`), { stdout: '  a\n\n', stderr: 'oops', code: 3, signal: null });
  assert.equal((await c.exec('pwd -P')).stdout.trim(), spawnSync('sh', ['-c', 'cd ~ && pwd -P']).stdout.toString().trim());
  assert.equal((await new LocalConnection({ cwd: '/tmp', host: 'ctl' }).exec('pwd')).stdout, '/tmp\n');
});

test('a script on stdin runs under sh -s; stdin without a script is empty', async () => {
  const c = new LocalConnection();
  const r = await c.exec('sh -s', { stdin: `set -eu\nx="it's"\necho "$x" "$(printf '%s' "$0")"\n` });
  assert.equal(r.stdout, "it's sh\n");
  assert.equal((await c.exec('wc -c', { stdin: Buffer.from([0, 1, 2, 255]) })).stdout.trim(), '4');
  assert.equal((await c.exec('cat')).stdout, '', 'EOF at once: cat does not wait');
  // A command that ignores its stdin does not turn a big stdin into an error.
  assert.equal((await c.exec('exit 0', { stdin: 'x'.repeat(1 << 20) })).code, 0);
});

test('a command killed by a signal reports its name and no exit code', async () => {
  const r = await new LocalConnection().exec('kill -TERM $$');
  assert.equal(r.signal, 'SIGTERM');
  assert.equal(r.code, null);
});

test('output streams as it comes, and big output arrives whole', async () => {
  const c = new LocalConnection();
  const seen: string[] = [];
  const errs: string[] = [];
  const started = Date.now();
  let firstAt = 0;
  const r = await c.exec('echo first; echo warn >&2; sleep 0.3; echo second', {
    onStdout: (b) => {
      if (!firstAt) firstAt = Date.now();
      seen.push(b.toString());
    },
    onStderr: (b) => errs.push(b.toString()),
  });
  assert.equal(seen.join(''), 'first\nsecond\n');
  assert.equal(errs.join(''), 'warn\n');
  assert.ok(firstAt - started < 250, 'the first line came before the command ended');
  assert.equal(r.stdout, 'first\nsecond\n');
  const big = await c.exec('head -c 3000000 /dev/zero | tr "\\0" x');
  assert.equal(big.stdout.length, 3_000_000);
});

test('a timeout kills the command and what it started, and fails like the SSH transport', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsinfra-local-'));
  try {
    const c = new LocalConnection();
    const started = Date.now();
    const err = await c.exec(`sleep 30 & echo $! > ${dir}/pid; echo partial; wait`, { timeoutMs: 300 }).then(
      () => assert.fail('should time out'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof CommandError);
    assert.equal(err.signal, 'TIMEOUT');
    assert.equal(err.stdout, 'partial\n');
    assert.match(err.message, /^localhost: command timed out after 0\.3s: failed/);
    assert.ok(Date.now() - started < 2000);
    const pid = Number(readFileSync(join(dir, 'pid'), 'utf8'));
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(isAlive(pid), false, 'the background sleep was killed with its group');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});

test('close() kills running commands; later commands are refused', async () => {
  const c = new LocalConnection();
  const running = c.exec('sleep 30');
  await new Promise((r) => setTimeout(r, 100));
  await c.close();
  const r = await running;
  assert.equal(r.signal, 'SIGKILL');
  await assert.rejects(c.exec('true'), /closed/);
});

test('become as the login user runs the command directly, without sudo', async () => {
  const me = userInfo();
  const c = new LocalConnection();
  assert.equal(c.needsSudo(me.username), false);
  assert.equal(c.needsSudo(String(me.uid)), false);
  assert.equal(c.needsSudo(`${me.username}x`), true);
  const r = await c.exec('echo "${SUDO_USER:-none}"; id -un', { become: { user: me.username } });
  assert.equal(r.stdout, `none\n${me.username}\n`);
});

test('become as another user goes through sudo -n; the marker never shows', { skip: !(hasSudo && isRoot) && 'needs root and sudo' }, async () => {
  const c = new LocalConnection({ cwd: '/' });
  const chunks: string[] = [];
  const r = await c.exec('id -un; cat; echo "$SUDO_USER"', { become: { user: 'nobody' }, stdin: 'from stdin\n', onStdout: (b) => chunks.push(b.toString()) });
  assert.deepEqual(r, { stdout: `nobody\nfrom stdin\n${userInfo().username}\n`, stderr: '', code: 0, signal: null });
  assert.equal(chunks.join(''), r.stdout);
  const failing = await c.exec('echo out; echo err >&2; exit 4', { become: { user: 'nobody' } });
  assert.deepEqual(failing, { stdout: 'out\n', stderr: 'err\n', code: 4, signal: null });
});

test('become that sudo would ask a password for fails with a clear error, and never sends the password', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsinfra-fake-sudo-'));
  const savedPath = process.env.PATH;
  try {
    // A stand-in sudo that behaves as sudo -n does for a user who must give a password (and logs its stdin).
    writeFileSync(join(dir, 'sudo'), `#!/bin/sh\nprintf '%s ' "$@" > ${dir}/argv\ncat > ${dir}/stdin\necho 'sudo: a password is required' >&2\nexit 1\n`);
    chmodSync(join(dir, 'sudo'), 0o755);
    process.env.PATH = `${dir}:${savedPath}`;
    const c = new LocalConnection();
    const err = await c.exec('true', { become: { user: 'someone-else', password: secret('hunter2') }, stdin: 'script' }).then(
      () => assert.fail('should fail'),
      (e: unknown) => e,
    );
    assert.ok(err instanceof CommandError);
    assert.match(err.message, /sudo to someone-else on the controller needs a password, and local become runs sudo -n only/);
    assert.match(readFileSync(join(dir, 'argv'), 'utf8'), /^-n -H -u someone-else -- \/bin\/sh -c /);
    assert.doesNotMatch(readFileSync(join(dir, 'stdin'), 'utf8'), /hunter2/);
    // sudo missing altogether.
    writeFileSync(join(dir, 'sudo'), '#!/bin/sh\necho "sh: 1: sudo: not found" >&2\nexit 127\n');
    await assert.rejects(c.exec('true', { become: { user: 'someone-else' } }), /sudo is not installed/);
  } finally {
    process.env.PATH = savedPath;
    rmSync(dir, { recursive: true, force: true });
  }
});

// For real: a user without sudo rights (nobody) asks to become root through the real sudo.
const SELF = join(HERE, '../../../src/transport/local.ts');
const canDropToNobody = isRoot && hasSudo && spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', 'test', '-r', SELF]).status === 0;

test('run as a user sudo asks a password of: the real sudo -n refuses, with the clear error', { skip: !canDropToNobody && 'needs root, sudo, setpriv and a checkout nobody can read' }, () => {
  const dir = mkdtempSync(join(tmpdir(), 'tsinfra-nobody-'));
  try {
    chmodSync(dir, 0o755);
    const script = join(dir, 'probe.mts');
    writeFileSync(script, [
      `import { LocalConnection } from ${JSON.stringify(SELF)};`,
      `const c = new LocalConnection({ cwd: '/' });`,
      `const self = await c.exec('id -un', { become: { user: 'nobody' } });`,
      `const root = await c.exec('id -un', { become: { user: 'root' } }).then(() => 'ran', (e) => e.message);`,
      `console.log(JSON.stringify({ self: self.stdout, root }));`,
    ].join('\n'));
    chmodSync(script, 0o644);
    const r = spawnSync('setpriv', ['--reuid=65534', '--regid=65534', '--clear-groups', process.execPath, '--import', 'tsx', script], {
      env: { ...process.env, HOME: dir },
      cwd: join(HERE, '../../..'),
      timeout: 30_000,
    });
    assert.equal(r.status, 0, r.stderr.toString());
    assert.deepEqual(JSON.parse(r.stdout.toString()), {
      self: 'nobody\n',
      root: 'localhost: become failed (exit 1): sudo to root on the controller needs a password, and local become runs sudo -n only: allow it without a password (NOPASSWD) or run tsinfra as root',
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
