// The script session (src/transport/ssh/script-session.ts) against a real OpenSSH sshd on loopback: a script run
// through it gives exactly what `/bin/sh -s` over a plain exec gives, script after script on one channel.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { connectSsh, type SshConnection } from '../../../src/transport/ssh/client.js';
import { CommandError } from '../../../src/errors.js';
import { sshdTarget, startSshd } from '../../support/sshd.js';

const sshd = await startSshd();
const conn: SshConnection = await connectSsh(sshdTarget(sshd));
after(() => conn.close());

const plain = (script: string) => conn.exec('/bin/sh -s', { stdin: script });

const SCRIPTS = [
  `printf '  a\\n\\n'; printf 'oops' >&2; exit 3`,
  'printf "no newline at the end"',
  'echo "reads its own rest:"; cat\necho this line is read by cat, not run',
  "set -eu\nx=\"it's\"\necho \"$x\" \"$HOME\" \"$(pwd)\"",
  'printf "\\303\\251t\\303\\251 \\342\\202\\254\\n"', // UTF-8
  'head -c 300000 /dev/zero | tr "\\0" "x"; echo; seq 1 20000 >&2', // big output on both streams
  'exit 0',
  '',
];

test('each script gives what a plain exec of /bin/sh -s gives: stdout, stderr, exit code', async () => {
  for (const script of SCRIPTS) {
    const [viaSession, viaExec] = [await conn.runScript(script), await plain(script)];
    assert.deepEqual(viaSession, viaExec, script.slice(0, 60));
  }
});

test('a script never sees the session protocol: reading all of stdin gives only its own text, and the next script runs', async () => {
  const r = await conn.runScript('cat >/dev/null; n=$(cat | wc -c); echo "left: $n"');
  assert.equal(r.stdout, 'left: 0\n');
  assert.equal((await conn.runScript('echo next')).stdout, 'next\n');
});

test('a script cannot read the runner\'s variables (the marker among them), and its stdin is empty', async () => {
  const r = await conn.runScript('echo "[${tsi_m-unset}][${tsi_n-unset}][${tsi_s-unset}][${tsi_r-unset}]"; wc -c');
  assert.equal(r.stdout, '[unset][unset][unset][unset]\n0\n');
});

test('the session marker is never in a process list: a script printing every process list entry comes back whole', async () => {
  const r = await conn.runScript('ps -eo args; echo END');
  assert.equal(r.code, 0);
  assert.match(r.stdout, /\/bin\/sh -s/, "the runner is visible");
  assert.match(r.stdout, /\nEND\n$/, 'and nothing in the list ended the output early');
});

test('a timeout fails the script clearly; the next script gets a new session', async () => {
  await assert.rejects(conn.runScript('sleep 30', { timeoutMs: 300 }), (e: unknown) => e instanceof CommandError && /timed out after 0.3s/.test(e.message));
  assert.equal((await conn.runScript('echo after')).stdout, 'after\n');
});

test('scripts asked for at the same time all run (a busy session hands the next one to a plain exec)', async () => {
  const rs = await Promise.all(Array.from({ length: 6 }, (_, i) => conn.runScript(`sleep 0.05; echo ${i}`)));
  assert.deepEqual(rs.map((r) => r.stdout), Array.from({ length: 6 }, (_, i) => `${i}\n`));
});
