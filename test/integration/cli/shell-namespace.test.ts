// `tsinfra shell` / `ping` on a fresh 5-host lab of namespace hosts: output, JSON, host keys, become, and an
// unreachable host — each checked independently of tsinfra (nsenter into the host, or OpenSSH).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostExec, ok, startLab } from '../../support/lab.js';
import { jsonLines, tsinfra } from '../../support/cli.js';
import { addSudoUsers } from '../../support/sudo-users.js';

const lab = await startLab({ kind: 'namespace', hosts: 5 });
const inv = lab.inventoryPath;
const work = mkdtempSync(join(tmpdir(), 'tsinfra-shell-test-'));
const NAMES = ['master1', 'master2', 'master3', 'worker1', 'worker2'];

/** A variant of the lab inventory: same hosts, some variables replaced. */
function inventoryWith(name: string, replace: [RegExp, string][]): string {
  let text = readFileSync(inv, 'utf8');
  for (const [re, s] of replace) text = text.replace(re, s);
  const path = join(work, `${name}.yml`);
  writeFileSync(path, text);
  return path;
}

function fingerprintOf(keyLine: string): string {
  return execFileSync('ssh-keygen', ['-lf', '-'], { input: keyLine }).toString().split(' ')[1]!;
}

test('shell all hostname prints the five hostnames, one block per host, exit 0', async () => {
  const r = await tsinfra(['shell', 'all', 'hostname', '-i', inv]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  for (const name of NAMES) assert.match(r.stdout, new RegExp(`^${name} \\| SUCCESS \\| rc=0 >>\\n${name}\\n`, 'm'));
  assert.match(r.stdout, /5 hosts: ok=5 failed=0 unreachable=0/);
});

test('--json gives one object per host and a summary; a failing command is exit 2', async () => {
  const r = await tsinfra(['shell', 'masters', 'echo out; echo err >&2; [ "$(hostname)" != master2 ]', '-i', inv, '--json']);
  assert.equal(r.code, 2);
  const lines = jsonLines(r.stdout);
  const hosts = lines.filter((l) => l.type === 'host');
  assert.deepEqual(hosts.map((h) => h.host).sort(), ['master1', 'master2', 'master3']);
  const m2 = hosts.find((h) => h.host === 'master2')!;
  assert.deepEqual([m2.status, m2.rc, m2.stdout, m2.stderr], ['failed', 1, 'out\n', 'err\n']);
  assert.deepEqual(lines.at(-1), { ...lines.at(-1), type: 'summary', ok: 2, failed: 1, unreachable: 0, hosts: 3 });
});

test('a changed host key is refused (strict and accept-new), nothing runs there, the others run', async () => {
  const other = join(work, 'otherkey');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-f', other]);
  const otherKey = readFileSync(`${other}.pub`, 'utf8').split(' ').slice(0, 2).join(' ');
  const m2 = lab.hosts.find((h) => h.name === 'master2')!;
  const known = readFileSync(lab.knownHostsPath, 'utf8');
  const realLine = known.split('\n').find((l) => l.startsWith(`${m2.publicAddress} `))!;
  const tampered = join(work, 'known_hosts_changed');
  writeFileSync(tampered, known.replace(realLine, `${m2.publicAddress} ${otherKey}`));
  const variant = inventoryWith('changed', [[/tsinfra_known_hosts_file: .*/, `tsinfra_known_hosts_file: ${tampered}`]]);
  for (const policy of ['strict', 'accept-new']) {
    const marker = `/tmp/ran-${policy}`;
    const r = await tsinfra(['shell', 'all', `touch ${marker}`, '-i', variant, '--host-key-policy', policy]);
    assert.equal(r.code, 4, r.stdout + r.stderr);
    assert.match(r.stdout, /master2 \| UNREACHABLE! => .*HOST KEY CHANGED/);
    assert.ok(r.stdout.includes(fingerprintOf(otherKey)), 'recorded fingerprint shown');
    assert.ok(r.stdout.includes(fingerprintOf(realLine.split(' ').slice(1).join(' '))), 'offered fingerprint shown');
    assert.match(r.stdout, /4 hosts?: ok=4|5 hosts: ok=4 failed=0 unreachable=1/);
    assert.equal((await hostExec(lab, 'master2', `test -e ${marker}`)).code, 1, 'nothing ran on master2');
    assert.equal((await hostExec(lab, 'master1', `test -e ${marker}`)).code, 0, 'master1 ran');
  }
});

test('an unknown host is refused under strict, recorded and run under accept-new', async () => {
  const w1 = lab.hosts.find((h) => h.name === 'worker1')!;
  const partial = join(work, 'known_hosts_partial');
  writeFileSync(partial, readFileSync(lab.knownHostsPath, 'utf8').split('\n').filter((l) => !l.startsWith(`${w1.publicAddress} `)).join('\n'));
  const variant = inventoryWith('partial', [[/tsinfra_known_hosts_file: .*/, `tsinfra_known_hosts_file: ${partial}`]]);
  const strict = await tsinfra(['shell', 'worker1', 'true', '-i', variant]);
  assert.equal(strict.code, 4);
  assert.match(strict.stdout, /unknown host key SHA256:/);
  const acceptNew = await tsinfra(['shell', 'worker1', 'hostname', '-i', variant, '--host-key-policy', 'accept-new']);
  assert.equal(acceptNew.code, 0, acceptNew.stdout);
  assert.match(readFileSync(partial, 'utf8'), new RegExp(`^${w1.publicAddress.replace(/\./g, '\\.')} ssh-ed25519 `, 'm'));
});

const BECOME_PW = 'Tr0ub4dor-become-pw-7731';


test('--become as a sudo user without a password runs as root', async () => {
  await addSudoUsers(lab, NAMES, BECOME_PW);
  const variant = inventoryWith('deploy', [[/ansible_user: root/, 'ansible_user: deploy']]);
  const r = await tsinfra(['shell', 'all', 'id -un; whoami', '-i', variant, '--become']);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assert.equal(r.stdout.match(/^root\nroot$/gm)?.length, 5, r.stdout);
  const noBecome = await tsinfra(['shell', 'master1', 'id -un', '-i', variant]);
  assert.match(noBecome.stdout, /^deploy$/m);
});

test('--become with a sudo password: runs as root, the password never shows in ps, output or the debug log', async () => {
  const variant = inventoryWith('deploypw', [[/ansible_user: root/, 'ansible_user: deploypw']]);
  const pwFile = join(work, 'become-pw');
  writeFileSync(pwFile, `${BECOME_PW}\n`, { mode: 0o600 });
  const logFile = join(work, 'become.log');
  const run = tsinfra(['shell', 'all', 'id -un; sleep 2', '-i', variant, '--become-password-file', pwFile, '--log-file', logFile, '--log-level', 'debug', '--json']);
  // While the commands sleep, look at every host's process list.
  const seen: string[] = [];
  for (let i = 0; i < 6; i++) {
    await new Promise((r) => setTimeout(r, 250));
    for (const h of NAMES) seen.push((await hostExec(lab, h, 'ps -eo args')).stdout);
  }
  const r = await run;
  assert.equal(r.code, 0, r.stdout + r.stderr);
  const hosts = jsonLines(r.stdout).filter((l) => l.type === 'host');
  assert.deepEqual(hosts.map((h) => String(h.stdout).trim()), ['root', 'root', 'root', 'root', 'root']);
  assert.ok(seen.join('').includes('sleep 2'), 'the process-list probe saw the running command');
  for (const [what, text] of [['ps', seen.join('\n')], ['stdout', r.stdout], ['stderr', r.stderr], ['log', readFileSync(logFile, 'utf8')]]) {
    assert.ok(!text!.includes(BECOME_PW), `password leaked into ${what}`);
  }
  assert.ok(readFileSync(logFile, 'utf8').length > 0, 'the debug log was written');
});

test('become failures are clear per-host errors: wrong password, and a password needed but not given', async () => {
  const variant = inventoryWith('deploypw2', [[/ansible_user: root/, 'ansible_user: deploypw']]);
  const pwFile = join(work, 'wrong-pw');
  writeFileSync(pwFile, 'not-the-password\n', { mode: 0o600 });
  const wrong = await tsinfra(['shell', 'worker1', 'id -un', '-i', variant, '--become-password-file', pwFile]);
  assert.equal(wrong.code, 2);
  assert.match(wrong.stdout, /incorrect sudo password/);
  const none = await tsinfra(['shell', 'worker1', 'id -un', '-i', variant, '--become']);
  assert.equal(none.code, 2);
  assert.match(none.stdout, /needs a password/);
});

test('sshd stopped on one host: the other four succeed, that host is unreachable, exit 4', async () => {
  ok(await hostExec(lab, 'worker2', 'kill $(cat /run/sshd.pid)'), 'stop sshd');
  const r = await tsinfra(['shell', 'all', 'hostname', '-i', inv, '--timeout', '5']);
  assert.equal(r.code, 4, r.stdout + r.stderr);
  assert.match(r.stdout, /^worker2 \| UNREACHABLE! =>/m);
  for (const name of NAMES.slice(0, 4)) assert.match(r.stdout, new RegExp(`^${name} \\| SUCCESS`, 'm'));
  assert.match(r.stdout, /5 hosts: ok=4 failed=0 unreachable=1/);
  assert.ok(r.ms < 5000 + 15_000, `reported within the connect timeout, with room for a loaded machine (${r.ms} ms)`);
});
