// Vault on a 2-host lab: the become password and a templated secret come from an encrypted group_vars file, another
// secret from an inline !vault value; the play converges through sudo-with-password, and a sweep finds neither the
// plaintexts nor the vault password (nor a no_log task's value) in: every process's command line and environment,
// sampled during the runs (this machine's /proc also shows the namespace hosts' processes), tsinfra's stdout and
// stderr, --json (with --diff), its debug log, the terminal --diff of a second run, or any file written during the
// runs under /tmp, /var/tmp, /dev/shm and /root, on the controller and on the hosts. Two plays, not one: the terminal
// and --json are different reporters, and the second run shows a diff of a secret-holding file changed behind it.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostExec, ok, startLab } from '../support/lab.js';
import { jsonLines, tsinfra } from '../support/cli.js';
import { addSudoUsers } from '../support/sudo-users.js';
import { filesWrittenWith, processSnapshot, sampleWhile } from '../support/secret-sweep.js';
import { tempDir } from '../support/temp-dir.js';
import { encryptVault } from '../../src/vault/index.js';

const started = Date.now();
const lab = await startLab({ kind: 'namespace', hosts: 2 });
const NAMES = lab.hosts.map((h) => h.name);
const work = tempDir('tsinfra-vault-play-'); // removed when the test process exits

const VAULT_PW = 'Vault-Pw-7c1e9a44-play';
const BECOME_PW = 'Become-Pw-31b8d0f2-vault';
const DB_PW = 'Db-Pw-5e22a9c7-vault';
const API_TOKEN = 'Api-Token-0d94b6e1-inline';
const KEY_TEXT = '-----BEGIN TEST KEY-----\nKeyLine-a1b2c3d4e5f6\n-----END TEST KEY-----\n';
const NOLOG = 'NoLog-Plain-84c0e5d1-play'; // not from a vault: a secret because a no_log task was given it
const OLD_DB_PW = 'Old-Db-Pw-e7f3a9b2'; // what the config held before: the --diff must not show it either

const inline = (plain: string) => `!vault |\n${encryptVault(plain, VAULT_PW, { vaultId: 'prod' }).trimEnd().split('\n').map((l) => `  ${l}`).join('\n')}\n`;

test('a play with vault-held become password and secrets converges and leaks no plaintext', async () => {
  await addSudoUsers(lab, NAMES, BECOME_PW);
  const inventory = join(work, 'inventory.yml');
  writeFileSync(inventory, readFileSync(lab.inventoryPath, 'utf8').replace(/ansible_user: root/, 'ansible_user: deploypw'));
  // group_vars/all/ beside the inventory: one encrypted file (whole-file vault, label prod), one with an inline value.
  mkdirSync(join(work, 'group_vars', 'all'), { recursive: true });
  writeFileSync(join(work, 'group_vars', 'all', 'vault.yml'), encryptVault(`ansible_become_password: ${BECOME_PW}\nvault_db_password: ${DB_PW}\n`, VAULT_PW, { vaultId: 'prod' }));
  writeFileSync(join(work, 'group_vars', 'all', 'main.yml'), `db_password: "{{ vault_db_password }}"\nservice_token: ${inline(API_TOKEN)}`);
  // A vault-encrypted file for copy, and a vault-encrypted template: decrypted on the controller, in memory.
  mkdirSync(join(work, 'files'));
  mkdirSync(join(work, 'templates'));
  writeFileSync(join(work, 'files', 'app.key'), encryptVault(KEY_TEXT, VAULT_PW, { vaultId: 'prod' }));
  writeFileSync(join(work, 'templates', 'app.ini.j2'), encryptVault('[db]\npassword = {{ db_password }}\n', VAULT_PW, { vaultId: 'prod' }));
  const playbook = join(work, 'site.yml');
  writeFileSync(
    playbook,
    `- hosts: all
  gather_facts: false
  become: true
  vars:
    plain_note: ${NOLOG}
  tasks:
    - name: app config holding both secrets
      copy:
        dest: /etc/vault-app.conf
        content: "db={{ db_password }}\\ntoken={{ service_token }}\\n"
        mode: "0600"
    - name: key file from an encrypted source
      copy:
        src: app.key
        dest: /etc/vault-app.key
        mode: "0600"
    - name: config from an encrypted template
      template:
        src: app.ini.j2
        dest: /etc/vault-app.ini
        mode: "0600"
    - name: show a value derived from the secret
      debug:
        msg: "token is {{ service_token }} and b64 {{ service_token | b64encode }}"
    - name: a no_log task given a plain value
      no_log: true
      copy:
        dest: /etc/vault-app.note
        content: "{{ plain_note }}\\n"
    - name: the no_log value shown later
      debug:
        msg: "note is {{ plain_note }}; encrypted inline {{ service_token is vault_encrypted }}, from a file {{ vault_db_password is vault_encrypted }}"
`,
  );
  const passwordFile = join(work, 'vault-pass');
  writeFileSync(passwordFile, `${VAULT_PW}\n`, { mode: 0o600 });
  const logFile = join(work, 'play.log');

  const playStart = Date.now() - 2000; // mtimes have coarse granularity on some file systems
  const args = ['play', playbook, '-i', inventory, '--vault-id', `prod@${passwordFile}`, '--diff', '--log-file', logFile, '--log-level', 'debug'];
  const running = tsinfra([...args, '--json'], { timeoutMs: 400_000 });
  const processes = [await sampleWhile(running, processSnapshot)];
  const r = await running;
  assert.equal(r.code, 0, r.stdout.slice(-3000) + r.stderr);
  const events = jsonLines(r.stdout);
  const results = events.filter((e) => e.type === 'host_result').map((e) => (e.result as { status: string }).status);
  assert.deepEqual(results.sort(), [...Array(8).fill('changed'), 'ok', 'ok', 'ok', 'ok']);
  for (const h of NAMES) {
    assert.equal(ok(await hostExec(lab, h, 'cat /etc/vault-app.conf')), `db=${DB_PW}\ntoken=${API_TOKEN}\n`, `the secrets reached ${h}`);
    assert.equal(ok(await hostExec(lab, h, 'cat /etc/vault-app.key')), KEY_TEXT, `the decrypted copy source reached ${h}`);
    assert.equal(ok(await hostExec(lab, h, 'cat /etc/vault-app.ini')), `[db]\npassword = ${DB_PW}\n`, `the decrypted template reached ${h}`);
    // Changed behind tsinfra's back: the second run puts the secrets back and shows that diff on the terminal.
    ok(await hostExec(lab, h, `printf 'db=${OLD_DB_PW}\\ntoken=${API_TOKEN}\\n# kept\\n' > /etc/vault-app.conf`));
  }
  const text = tsinfra(args, { timeoutMs: 400_000 });
  processes.push(await sampleWhile(text, processSnapshot));
  const t = await text;
  assert.equal(t.code, 0, t.stdout.slice(-3000) + t.stderr);
  assert.match(t.stdout, /-<line holding a secret: changed>\n\+<line holding a secret: changed>\n/, 'the diff shows only that the secret lines changed');
  assert.match(t.stdout, /^-# kept$/m, 'lines without a secret show as they are');
  assert.match(t.stdout, /note is \*{8}; encrypted inline True, from a file False/, 'the no_log value is masked later; vault_encrypted as Ansible');
  assert.match(processes.join('\n'), /sshd: deploypw/, "the samples saw the hosts' processes");
  assert.match(processes.join('\n'), /sudo/, 'the samples saw sudo at work');

  // The sweep: what tsinfra wrote, and every file under the controller's temp roots.
  const needles = { 'no_log value': NOLOG, 'old db password': OLD_DB_PW, 'vault password': VAULT_PW, 'become password': BECOME_PW, 'db password': DB_PW, 'inline token': API_TOKEN, 'inline token (base64)': Buffer.from(API_TOKEN).toString('base64').replace(/=+$/, ''), 'key line': 'KeyLine-a1b2c3d4e5f6' };
  const outputs = { '--json stdout': r.stdout, stderr: r.stderr, 'terminal stdout': t.stdout, 'terminal stderr': t.stderr, 'debug log': readFileSync(logFile, 'utf8'), 'process command lines and environments': processes.join('\n') };
  for (const [what, text] of Object.entries(outputs)) {
    for (const [name, value] of Object.entries(needles)) assert.ok(!text.includes(value), `the ${name} leaked into ${what}`);
  }
  assert.match(r.stdout, /token is \*{8} and b64 \*{8}/, 'the debug message is masked by value');
  // Not leaks: the inputs (the vault password file, the playbook holding the no_log value); tsx's cache of this very test file and the session machinery (they hold it).
  const roots = ['/tmp', '/var/tmp', '/dev/shm', '/root'];
  const hostRoots = lab.hosts.flatMap((h) => roots.map((r) => `/proc/${h.initPid}/root${r}`));
  const leaked = filesWrittenWith([...roots, ...hostRoots], Object.values(needles), playStart, ['/tmp/tsx-*', '/root/.claude', '/tmp/bash_jobs*']).filter((p) => p !== passwordFile && p !== playbook);
  assert.deepEqual(leaked, [], 'no file under /tmp, /var/tmp, /dev/shm or /root (controller and hosts) holds a secret');
  process.stderr.write(`vault-play: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
});
