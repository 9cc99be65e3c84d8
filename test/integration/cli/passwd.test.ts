// `tsinfra passwd` on a 3-host namespace lab. Every outcome is checked on the hosts themselves (nsenter, then
// unixcrypt.verify on the shadow hash), not through tsinfra. The prompt is driven through a real pty (`script -qec`
// from util-linux), so raw mode, no echo and /dev/tty are the real ones.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verify } from 'unixcrypt';
import { quote } from '../../../src/shell/quote.js';
import { hostExec, ok, run, startLab } from '../../support/lab.js';
import { jsonLines, TSINFRA, tsinfra, type CliResult } from '../../support/cli.js';
import { addSudoUsers } from '../../support/sudo-users.js';

const lab = await startLab({ kind: 'namespace', hosts: 3 });
const inv = lab.inventoryPath;
const HOSTS = ['master1', 'master2', 'master3'];
const work = mkdtempSync(join(tmpdir(), 'tsinfra-passwd-test-'));

const onHost = async (h: string, cmd: string, input = '') => ok(await hostExec(lab, h, cmd, input), `${cmd} on ${h}`);
/** The shadow password field of a user, read on the host without tsinfra. */
const hashOn = async (h: string, user: string) => (await onHost(h, `getent shadow ${user}`)).split(':')[1]!;
const shadowFiles = async () => Promise.all(HOSTS.map((h) => onHost(h, 'cat /etc/shadow')));
const passwd = (args: string[], input = '') => tsinfra(['passwd', ...args, '-i', inv], { input });

function assertVerifies(hash: string, password: string, where: string): void {
  assert.match(hash, /^\$6\$[./0-9A-Za-z]{16}\$[./0-9A-Za-z]{86}$/, `${where}: SHA-512 crypt, 16-character salt, default rounds`);
  assert.ok(verify(password, hash), `${where}: the shadow hash verifies against the new password`);
}

function assertLines(r: CliResult, status: string, message: RegExp, hosts = HOSTS): void {
  for (const h of hosts) assert.match(r.stdout, new RegExp(`^${h} \\| ${status} \\| ${message.source}`, 'm'), r.stdout + r.stderr);
}

/** A variant of the lab inventory: same hosts, some text replaced. */
function inventoryWith(name: string, from: RegExp, to: string): string {
  const path = join(work, `${name}.yml`);
  writeFileSync(path, readFileSync(inv, 'utf8').replace(from, to));
  return path;
}

/**
 * Runs a shell command on a fresh pty (`script`), answering prompts: each answer is typed only once its prompt
 * appeared, as a person would. Returns everything the terminal showed.
 */
function onPty(command: string, answers: [prompt: string, answer: string][] = []): Promise<{ code: number | null; screen: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('script', ['-qec', command, '/dev/null'], { env: { ...process.env, NO_COLOR: '1' }, timeout: 60_000 });
    let screen = '';
    let next = 0;
    let from = 0;
    child.stdout.on('data', (b: Buffer) => {
      screen += b.toString();
      const want = answers[next];
      const at = want ? screen.indexOf(want[0], from) : -1;
      if (want && at >= 0) {
        from = at + want[0].length;
        next++;
        child.stdin.write(`${want[1]}\r`);
      }
    });
    child.stderr.on('data', (b: Buffer) => (screen += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, screen }));
  });
}

const tsinfraLine = (args: string[]) => [TSINFRA, ...args].map(quote).join(' ');

const PW1 = 'first-Rotation-pw-4471';
const PW2 = 'second-Rotation-pw-9052';

test('--password-stdin rotates root everywhere; the same password again is ok and writes nothing; a new one changes it', async () => {
  const first = await passwd(['root', 'all', '--password-stdin'], `${PW1}\n`);
  assert.equal(first.code, 0, first.stdout + first.stderr);
  assertLines(first, 'CHANGED', /password for root updated/);
  assert.match(first.stdout, /^3 hosts: ok=0 changed=3 failed=0 unreachable=0 in /m);
  for (const h of HOSTS) assertVerifies(await hashOn(h, 'root'), PW1, h);
  const salts = await Promise.all(HOSTS.map(async (h) => (await hashOn(h, 'root')).split('$')[2]));
  assert.equal(new Set(salts).size, 3, 'a fresh salt per host');

  const before = await shadowFiles();
  const again = await passwd(['root', 'all', '--password-stdin'], `${PW1}\n`);
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assertLines(again, 'OK', /password for root already set$/);
  assert.match(again.stdout, /^3 hosts: ok=3 changed=0 failed=0 unreachable=0 in /m);
  assert.deepEqual(await shadowFiles(), before, '/etc/shadow byte-identical on every host');

  const other = await passwd(['root', 'masters', '--password-stdin'], `${PW2}\nthis second line is not read\n`);
  assert.equal(other.code, 0, other.stdout + other.stderr);
  assertLines(other, 'CHANGED', /password for root updated$/);
  for (const h of HOSTS) {
    const hash = await hashOn(h, 'root');
    assertVerifies(hash, PW2, h);
    assert.ok(!verify(PW1, hash), `${h}: the old password no longer works`);
  }
});

test('--check reports what would change and changes nothing; --json gives one object per host and a summary', async () => {
  const before = await shadowFiles();
  const would = await passwd(['root', 'all', '--password-stdin', '--check'], 'not-set-by-check-3321\n');
  assert.equal(would.code, 0, would.stdout + would.stderr);
  assertLines(would, 'CHANGED', /password for root would be updated$/);
  assert.match(would.stdout, /3 hosts: ok=0 changed=3 failed=0 unreachable=0 in .*\(check mode: nothing was changed\)/);
  const same = await passwd(['root', 'all', '--password-stdin', '--check', '--json'], `${PW2}\n`);
  assert.equal(same.code, 0, same.stdout + same.stderr);
  const lines = jsonLines(same.stdout);
  const hosts = lines.filter((l) => l.type === 'host');
  assert.deepEqual(hosts.map((l) => l.host).sort(), HOSTS);
  for (const l of hosts) assert.deepEqual([l.status, l.user, l.check, l.message], ['ok', 'root', true, 'password for root already set']);
  assert.deepEqual(lines.at(-1), { ...lines.at(-1), type: 'summary', ok: 3, changed: 0, failed: 0, unreachable: 0, hosts: 3, check: true });
  assert.deepEqual(await shadowFiles(), before, 'check mode left /etc/shadow byte-identical');
});

test('a user missing on one host fails there only, clearly; a yescrypt or locked entry is replaced once, then ok', async () => {
  await onHost('master1', "useradd -M alice && printf 'alice:%s\\n' \"$PW\" | chpasswd -c YESCRYPT".replace('$PW', 'alice-pw-5512'));
  await onHost('master2', 'useradd -M alice'); // no password: locked ('!')
  assert.match(await hashOn('master1', 'alice'), /^\$y\$/, 'precondition: yescrypt');
  assert.match(await hashOn('master2', 'alice'), /^[!*]/, 'precondition: locked');
  const r = await passwd(['alice', 'all', '--password-stdin'], 'alice-pw-5512\n');
  assert.equal(r.code, 2, r.stdout + r.stderr);
  assert.match(r.stdout, /^master1 \| CHANGED \| password for alice updated \(replaces a yescrypt hash\)$/m);
  assert.match(r.stdout, /^master2 \| CHANGED \| password for alice updated \(was locked\)$/m);
  assert.match(r.stdout, /^master3 \| FAILED \| user alice does not exist$/m);
  assert.match(r.stdout, /^3 hosts: ok=0 changed=2 failed=1 unreachable=0 in /m);
  for (const h of ['master1', 'master2']) assertVerifies(await hashOn(h, 'alice'), 'alice-pw-5512', h);
  assert.equal((await hostExec(lab, 'master3', 'id alice')).code, 1, 'no user created on master3');
  const again = await passwd(['alice', 'master1:master2', '--password-stdin'], 'alice-pw-5512\n');
  assert.equal(again.code, 0, again.stdout + again.stderr);
  assertLines(again, 'OK', /password for alice already set$/, ['master1', 'master2']);
});

test('the user module (tsinfra play, password_plain) and tsinfra passwd agree: each sees the other\'s hash as set', async () => {
  const play = (pw: string) => {
    const path = join(work, `user-${pw}.yaml`);
    writeFileSync(path, `- hosts: master1\n  gather_facts: false\n  vars:\n    pw: ${pw}\n  tasks:\n    - name: alice's password\n      user:\n        name: alice\n        password_plain: "{{ pw }}"\n      no_log: true\n`);
    return tsinfra(['play', path, '-i', inv, '--json']);
  };
  const recapOf = (r: CliResult) => (jsonLines(r.stdout).find((e) => e.type === 'recap')!.hosts as Record<string, Record<string, number>>).master1!;
  const same = await play('alice-pw-5512'); // set by tsinfra passwd in the test before
  assert.equal(same.code, 0, same.stdout + same.stderr);
  assert.equal(recapOf(same).changed, 0, 'the user module sees the password passwd set');
  const changed = await play('alice-pw-6623');
  assert.equal(recapOf(changed).changed, 1);
  const r = await passwd(['alice', 'master1', '--password-stdin'], 'alice-pw-6623\n');
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assertLines(r, 'OK', /password for alice already set$/, ['master1']);
});

test('--generate --output FILE: a new file of mode 600 holding a password that works; an existing file is refused', async () => {
  const file = join(work, 'generated-pw');
  const r = await passwd(['root', 'all', '--generate', '--length', '32', '--output', file]);
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assertLines(r, 'CHANGED', /password for root updated$/);
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const pw = readFileSync(file, 'utf8').replace(/\n$/, '');
  assert.match(pw, /^[A-Za-z0-9]{32}$/);
  for (const h of HOSTS) assertVerifies(await hashOn(h, 'root'), pw, h);
  assert.ok(!r.stdout.includes(pw) && !r.stderr.includes(pw), 'not printed');

  const before = await shadowFiles();
  const refused = await passwd(['root', 'all', '--generate', '--output', file]);
  assert.equal(refused.code, 5, refused.stdout + refused.stderr);
  assert.match(refused.stderr, /already exists: refusing to overwrite it/);
  assert.equal(readFileSync(file, 'utf8'), `${pw}\n`, 'the file is untouched');
  assert.deepEqual(await shadowFiles(), before, 'no host changed');
});

test('usage errors change nothing: --generate without a terminal or --output, conflicting sources, an empty password', async () => {
  const before = await shadowFiles();
  // setsid: a new session without a controlling terminal, so /dev/tty cannot be opened.
  const noTty = await run('setsid', ['-w', TSINFRA, 'passwd', 'root', 'all', '-i', inv, '--generate']);
  assert.equal(noTty.code, 5, noTty.stdout + noTty.stderr);
  assert.match(noTty.stderr, /no terminal to show it on.*--output FILE/);
  const noPrompt = await run('setsid', ['-w', TSINFRA, 'passwd', 'root', 'all', '-i', inv]);
  assert.equal(noPrompt.code, 5);
  assert.match(noPrompt.stderr, /no terminal to ask on/);
  const both = await passwd(['root', 'all', '--generate', '--password-stdin'], 'x\n');
  assert.equal(both.code, 5);
  assert.match(both.stderr, /not both/);
  const empty = await passwd(['root', 'all', '--password-stdin'], '\n');
  assert.equal(empty.code, 5);
  assert.match(empty.stderr, /empty/);
  const badUser = await passwd(['root:x', 'all', '--password-stdin'], 'pw\n');
  assert.equal(badUser.code, 5);
  assert.deepEqual(await shadowFiles(), before);
});

test('the prompt (through a pty): asked twice without echo; a mismatch changes nothing', async () => {
  const PW = 'typed-at-the-prompt-7781';
  const before = await shadowFiles();
  const mismatch = await onPty(tsinfraLine(['passwd', 'root', 'all', '-i', inv]), [['New password for root:', PW], ['Retype the new password for root:', `${PW}x`]]);
  assert.equal(mismatch.code, 5, mismatch.screen);
  assert.match(mismatch.screen, /do not match: nothing was changed/);
  assert.deepEqual(await shadowFiles(), before);

  const typed = await onPty(tsinfraLine(['passwd', 'root', 'all', '-i', inv]), [['New password for root:', PW], ['Retype the new password for root:', PW]]);
  assert.equal(typed.code, 0, typed.screen);
  assert.match(typed.screen, /master1 \| CHANGED \| password for root updated/);
  assert.ok(!typed.screen.includes(PW), 'the password was not echoed');
  for (const h of HOSTS) assertVerifies(await hashOn(h, 'root'), PW, h);
});

test('--generate on a terminal: shown once on the terminal at the end, never on stdout or stderr', async () => {
  const out = join(work, 'gen-stdout');
  const err = join(work, 'gen-stderr');
  const screen = await onPty(`${tsinfraLine(['passwd', 'root', 'all', '-i', inv, '--generate'])} >${quote(out)} 2>${quote(err)}`);
  assert.equal(screen.code, 0, screen.screen + readFileSync(err, 'utf8'));
  const pw = /Generated password for root \(shown only this once: store it now\):\s+([A-Za-z0-9]{24})\s/.exec(screen.screen)?.[1];
  assert.ok(pw, `the terminal showed the password: ${JSON.stringify(screen.screen)}`);
  assert.equal(screen.screen.split(pw).length - 1, 1, 'shown exactly once');
  for (const h of HOSTS) assertVerifies(await hashOn(h, 'root'), pw, h);
  const stdout = readFileSync(out, 'utf8');
  assert.match(stdout, /3 hosts: ok=0 changed=3/);
  assert.ok(!stdout.includes(pw) && !readFileSync(err, 'utf8').includes(pw), 'not in stdout or stderr');
});

const BECOME_PW = 'Sudo-pw-for-deploypw-1187';

test('a login user other than root: become root without --become (sudo NOPASSWD), or with a sudo password', async () => {
  await addSudoUsers(lab, HOSTS, BECOME_PW);
  const asDeploy = inventoryWith('deploy', /ansible_user: root/, 'ansible_user: deploy');
  const r = await tsinfra(['passwd', 'root', 'all', '-i', asDeploy, '--password-stdin'], { input: `${PW1}\n` });
  assert.equal(r.code, 0, r.stdout + r.stderr);
  assertLines(r, 'CHANGED', /password for root updated/);
  for (const h of HOSTS) assertVerifies(await hashOn(h, 'root'), PW1, h);
  const asDeployPw = inventoryWith('deploypw', /ansible_user: root/, 'ansible_user: deploypw');
  const noPw = await tsinfra(['passwd', 'root', 'master1', '-i', asDeployPw, '--password-stdin'], { input: `${PW1}\n` });
  assert.equal(noPw.code, 2);
  assert.match(noPw.stdout, /^master1 \| FAILED \| .*needs a password/m);
});

test('capture: the password and its hash appear in no process list, output, JSON, debug log or temp file', async () => {
  const PW = 'Never-Seen-Anywhere-pw-5813';
  // Slow both round trips down (root's PATH and sudo's secure_path start with /usr/local/sbin) so the process
  // lists can be watched while each step runs.
  const wrap = (real: string) => `#!/bin/sh\nsleep 1\nexec ${real} "$@"\n`;
  for (const h of HOSTS) {
    await onHost(h, 'cat > /usr/local/sbin/chpasswd && chmod 755 /usr/local/sbin/chpasswd', wrap('/usr/sbin/chpasswd'));
    await onHost(h, 'cat > /usr/local/sbin/getent && chmod 755 /usr/local/sbin/getent', wrap('/usr/bin/getent'));
  }
  try {
    const asDeployPw = inventoryWith('capture', /ansible_user: root/, 'ansible_user: deploypw');
    const becomeFile = join(work, 'become-pw');
    writeFileSync(becomeFile, `${BECOME_PW}\n`, { mode: 0o600 });
    const logFile = join(work, 'passwd-debug.log');
    const emptyTmp = join(work, 'tmpdir');
    mkdirSync(emptyTmp);
    const running = tsinfra(
      ['passwd', 'root', 'all', '-i', asDeployPw, '--password-stdin', '--become-password-file', becomeFile, '--json', '--log-file', logFile, '--log-level', 'debug'],
      { input: `${PW}\n`, env: { TMPDIR: emptyTmp } },
    );
    let isDone = false;
    void running.finally(() => (isDone = true));
    const seen: string[] = [];
    while (!isDone) {
      for (const h of HOSTS) seen.push((await hostExec(lab, h, 'ps -eo args')).stdout);
      seen.push((await run('ps', ['-eo', 'args'])).stdout); // the controller too
      await new Promise((r) => setTimeout(r, 50));
    }
    const r = await running;
    assert.equal(r.code, 0, r.stdout + r.stderr);
    const ps = seen.join('\n');
    assert.match(ps, /getent shadow/, 'the process-list probe saw the read');
    assert.match(ps, /chpasswd -e/, 'the process-list probe saw the write');
    const hashes = await Promise.all(HOSTS.map((h) => hashOn(h, 'root')));
    hashes.forEach((hash, i) => assertVerifies(hash, PW, HOSTS[i]!));
    const hosts = jsonLines(r.stdout).filter((l) => l.type === 'host');
    assert.deepEqual(hosts.map((l) => l.status), ['changed', 'changed', 'changed']);
    const log = readFileSync(logFile, 'utf8');
    assert.match(log, /"msg":"read shadow entry"/, 'the debug log was written');
    const leftovers = await Promise.all(
      HOSTS.map((h) => hostExec(lab, h, 'grep -rlF -f /dev/stdin /tmp /var/tmp /dev/shm /run /root /home 2>/dev/null', `${PW}\n${hashes.join('\n')}\n`)),
    );
    const places: [string, string][] = [
      ['ps', ps],
      ['stdout', r.stdout],
      ['stderr', r.stderr],
      ['debug log', log],
      ['files on the hosts', leftovers.map((l) => l.stdout).join('')],
      ['controller TMPDIR', readdirSync(emptyTmp).join('\n')],
    ];
    for (const [where, text] of places) {
      for (const secretText of [PW, BECOME_PW, ...hashes, ...hashes.map((h) => h.split('$')[3]!)]) {
        assert.ok(!text.includes(secretText), `${where} holds a secret`);
      }
    }
    assert.deepEqual(readdirSync(emptyTmp), [], 'no temp file on the controller');
  } finally {
    for (const h of HOSTS) await onHost(h, 'rm -f /usr/local/sbin/chpasswd /usr/local/sbin/getent');
  }
});
