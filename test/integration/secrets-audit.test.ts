// Secrets audit on a 2-host namespace lab: one `tsinfra play` through sudo with a password, with no_log tasks whose
// arguments hold a secret and a ZeroTier join with the API token (the lab's ZeroTier test double), then a
// `tsinfra passwd` rotation of root's password. Everything a person or a log collector could see is captured —
// stdout, stderr, --json, the debug-level log file, and the hosts' process lists polled while the runs go — and
// none of the secrets (become password, no_log value, API token, new root password and its hash) may appear in it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { hostExec, ok, startLab } from '../support/lab.js';
import { jsonLines, tsinfra, type CliResult } from '../support/cli.js';
import { addSudoUsers } from '../support/sudo-users.js';
import { hostProcessLists, sampleWhile } from '../support/secret-sweep.js';

const lab = await startLab({ kind: 'namespace', hosts: 2 });
const NAMES = lab.hosts.map((h) => h.name);
const work = mkdtempSync(join(tmpdir(), 'tsinfra-secrets-audit-'));
const PLAYBOOK = join(import.meta.dirname, '../fixtures/playbooks/secrets/audit.yaml');

const BECOME_PW = 'Become-Pw-4d81c2e7-audit';
const NOLOG = 'NoLog-Value-9f3a61b0-audit';
const TOKEN = lab.zerotier.apiToken;
const NEW_ROOT_PW = 'Root-Pw-2be5f04c-rotated';

interface Captured {
  what: string;
  text: string;
}
const captured: Captured[] = [];

function capture(label: string, r: CliResult, logFile: string): void {
  captured.push({ what: `${label} stdout`, text: r.stdout }, { what: `${label} stderr`, text: r.stderr });
  captured.push({ what: `${label} log file`, text: readFileSync(logFile, 'utf8') });
}

function assertNoSecrets(secrets: Record<string, string>): void {
  for (const { what, text } of captured) {
    for (const [name, value] of Object.entries(secrets)) {
      const at = text.indexOf(value);
      assert.ok(at < 0, `the ${name} leaked into ${what}: …${text.slice(Math.max(0, at - 200), at + value.length + 50)}…`);
    }
  }
}

test('one play with a sudo password, no_log secrets and the ZeroTier token leaks none of them', async () => {
  // A sudo user that needs its password, logging in with the lab key.
  await addSudoUsers(lab, NAMES, BECOME_PW);
  const inventory = join(work, 'inventory.yml');
  const labInventory = readFileSync(lab.inventoryPath, 'utf8');
  assert.match(labInventory, /ansible_user: root/);
  writeFileSync(inventory, labInventory.replace(/ansible_user: root/, 'ansible_user: deploypw'));
  const pwFile = join(work, 'become-pw');
  writeFileSync(pwFile, `${BECOME_PW}\n`, { mode: 0o600 });
  const varsFile = join(work, 'secret-vars.yml');
  writeFileSync(varsFile, `nolog_secret: ${NOLOG}\n`, { mode: 0o600 });
  const logFile = join(work, 'play.log');

  const running = tsinfra(
    ['play', PLAYBOOK, '-i', inventory, '--become-password-file', pwFile, '-e', `@${varsFile}`, '--json', '--log-file', logFile, '--log-level', 'debug'],
    { env: { ZEROTIER_API_TOKEN: '' }, timeoutMs: 600_000 },
  );
  const ps = await sampleWhile(running, () => hostProcessLists(lab));
  const r = await running;
  assert.equal(r.code, 0, r.stdout.slice(-3000) + r.stderr);
  capture('play', r, logFile);
  captured.push({ what: "the hosts' process lists during the play", text: ps });

  // The run really did what the secrets are for.
  const events = jsonLines(r.stdout);
  assert.ok(events.some((e) => e.type === 'recap'), 'a recap event');
  assert.ok(ps.includes('sudo'), 'the process-list probe saw sudo at work');
  for (const h of NAMES) {
    assert.equal(ok(await hostExec(lab, h, 'cat /root/nolog-secret')), `${NOLOG}\n`, `the no_log task ran on ${h}`);
    assert.match(ok(await hostExec(lab, h, 'zerotier-cli -j listnetworks')), new RegExp(lab.zerotier.networkId), `${h} joined`);
  }
  assertNoSecrets({ 'become password': BECOME_PW, 'no_log value': NOLOG, 'ZeroTier API token': TOKEN });
});

test('tsinfra passwd rotates root\'s password and shows neither the password nor its hash', async () => {
  const logFile = join(work, 'passwd.log');
  const running = tsinfra(['passwd', 'root', 'all', '-i', lab.inventoryPath, '--password-stdin', '--log-file', logFile, '--log-level', 'debug'], {
    input: `${NEW_ROOT_PW}\n`,
  });
  const ps = await sampleWhile(running, () => hostProcessLists(lab));
  const r = await running;
  assert.equal(r.code, 0, r.stdout + r.stderr);
  capture('passwd', r, logFile);
  captured.push({ what: "the hosts' process lists during passwd", text: ps });

  // Again with --json: same password, so nothing is written, and the JSON must be as clean.
  const jsonLog = join(work, 'passwd-json.log');
  const again = tsinfra(['passwd', 'root', 'all', '-i', lab.inventoryPath, '--password-stdin', '--json', '--log-file', jsonLog, '--log-level', 'debug'], {
    input: `${NEW_ROOT_PW}\n`,
  });
  const ps2 = await sampleWhile(again, () => hostProcessLists(lab));
  const r2 = await again;
  assert.equal(r2.code, 0, r2.stdout + r2.stderr);
  assert.ok(jsonLines(r2.stdout).length > 0, 'JSON output');
  capture('passwd --json', r2, jsonLog);
  captured.push({ what: "the hosts' process lists during passwd --json", text: ps2 });

  const hashes: Record<string, string> = {};
  for (const h of NAMES) {
    const hash = ok(await hostExec(lab, h, 'getent shadow root')).split(':')[1]!;
    assert.match(hash, /^\$6\$/, `root on ${h} has a SHA-512 crypt hash`);
    hashes[`new root password hash on ${h}`] = hash;
    // The salt alone would identify it too: check the part after $6$salt$.
    hashes[`new root password hash digest on ${h}`] = hash.split('$').at(-1)!;
  }
  assertNoSecrets({ 'become password': BECOME_PW, 'no_log value': NOLOG, 'ZeroTier API token': TOKEN, 'new root password': NEW_ROOT_PW, ...hashes });
});
