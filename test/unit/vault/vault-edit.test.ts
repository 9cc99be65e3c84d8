// `tsinfra vault edit` / `create`: the plaintext lives only in a private directory under $XDG_RUNTIME_DIR and is gone
// after a normal exit, a failing editor, and SIGTERM or SIGINT to tsinfra while the editor runs.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { decryptVault, encryptVault, parseVaultEnvelope } from '../../../src/vault/index.js';
import { tsinfra, TSINFRA } from '../../support/cli.js';
import { tempDir } from '../../support/temp-dir.js';

const dir = tempDir('tsinfra-vault-edit-');
const runRoot = join(dir, 'run'); // the editor's temp root ($XDG_RUNTIME_DIR)
mkdirSync(runRoot, { mode: 0o700 });
const pwFile = join(dir, 'pw');
writeFileSync(pwFile, 'edit-pw\n');
const secrets = [{ id: 'default', source: pwFile, password: Buffer.from('edit-pw') }];
const PLAIN = 'db_password: plain-S3CRET\n';

// The editor records the file it was given, its mode and its directory's mode, then does what MODE says.
const editor = join(dir, 'editor.sh');
writeFileSync(
  editor,
  `#!/bin/sh
f="$1"
stat -c '%a %n' "$f" "$(dirname "$f")" > "${dir}/seen"
cp "$f" "${dir}/seen-content"
case "$MODE" in
  append) printf 'added: 1\\n' >> "$f" ;;
  same) : ;;
  fail) printf 'changed\\n' > "$f"; exit 3 ;;
  hang) echo $$ > "${dir}/editor-pid"; touch "${dir}/hanging"; exec sleep 30 ;;
esac
`,
);
chmodSync(editor, 0o755);
const env = (mode: string) => ({ EDITOR: editor, MODE: mode, XDG_RUNTIME_DIR: runRoot });
const leftovers = () => readdirSync(runRoot);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

function vaultFile(name: string): string {
  const file = join(dir, name);
  writeFileSync(file, encryptVault(PLAIN, 'edit-pw', { vaultId: 'ops' }), { mode: 0o640 });
  return file;
}

test('edit: changed content is re-encrypted (same vault ID, mode kept); unchanged leaves the file as it was; nothing left behind', async () => {
  const file = vaultFile('edit-append.yml');
  const r = await tsinfra(['vault', 'edit', '--vault-id', `ops@${pwFile}`, file], { env: env('append') });
  assert.equal(r.code, 0, r.stderr);
  const [fileLine, dirLine] = readFileSync(join(dir, 'seen'), 'utf8').trim().split('\n');
  assert.match(fileLine!, new RegExp(`^600 ${runRoot}/tsinfra-vault-[^/]+/edit\\.yml$`)); // the editor saw the plaintext there
  assert.match(dirLine!, /^700 /);
  assert.equal(readFileSync(join(dir, 'seen-content'), 'utf8'), PLAIN);
  const after = readFileSync(file, 'utf8');
  assert.equal(parseVaultEnvelope(after).vaultId, 'ops');
  assert.equal(decryptVault(after, secrets, { file }).toString(), `${PLAIN}added: 1\n`);
  assert.equal(statSync(file).mode & 0o777, 0o640);
  assert.deepEqual(leftovers(), []);

  const same = vaultFile('edit-same.yml');
  const before = readFileSync(same, 'utf8');
  const r2 = await tsinfra(['vault', 'edit', '--vault-password-file', pwFile, same], { env: env('same') });
  assert.equal(r2.code, 0, r2.stderr);
  assert.equal(readFileSync(same, 'utf8'), before, 'unchanged content: not re-encrypted');
  assert.deepEqual(leftovers(), []);
});

test('create: opens an empty file, writes it encrypted with mode 600; an existing file is refused', async () => {
  const file = join(dir, 'new', 'created.yml');
  const r = await tsinfra(['vault', 'create', '--vault-password-file', pwFile, file], { env: env('append') });
  assert.equal(r.code, 0, r.stderr);
  assert.equal(decryptVault(readFileSync(file, 'utf8'), secrets, { file }).toString(), 'added: 1\n');
  assert.equal(statSync(file).mode & 0o777, 0o600);
  const again = await tsinfra(['vault', 'create', '--vault-password-file', pwFile, file], { env: env('append') });
  assert.notEqual(again.code, 0);
  assert.match(again.stderr, /exists, please use 'edit' instead/);
  assert.deepEqual(leftovers(), []);
});

test('edit: a failing editor saves nothing and leaves no plaintext', async () => {
  const file = vaultFile('edit-fail.yml');
  const before = readFileSync(file, 'utf8');
  const r = await tsinfra(['vault', 'edit', '--vault-password-file', pwFile, file], { env: env('fail') });
  assert.notEqual(r.code, 0);
  assert.match(r.stderr, /editor exited with status 3: nothing saved/);
  assert.equal(readFileSync(file, 'utf8'), before);
  assert.deepEqual(leftovers(), []);
});

for (const signal of ['SIGTERM', 'SIGINT'] as const) {
  test(`edit: ${signal} to tsinfra while the editor runs removes the plaintext, stops the editor, exits 99`, async () => {
    const file = vaultFile(`edit-${signal}.yml`);
    const before = readFileSync(file, 'utf8');
    const hanging = join(dir, 'hanging');
    if (existsSync(hanging)) (await import('node:fs')).rmSync(hanging);
    const child = spawn(TSINFRA, ['vault', 'edit', '--vault-password-file', pwFile, file], {
      env: { ...process.env, ...env('hang') },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const closed = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
    for (let i = 0; i < 300 && !existsSync(hanging); i++) await sleep(50);
    assert.ok(existsSync(hanging), 'the editor started');
    assert.equal(leftovers().length, 1, 'the plaintext exists while the editor runs');
    child.kill(signal);
    assert.equal(await closed, 99);
    assert.deepEqual(leftovers(), []);
    assert.equal(readFileSync(file, 'utf8'), before);
    // The editor (the exec'd sleep) was stopped too.
    const pid = Number(readFileSync(join(dir, 'editor-pid'), 'utf8'));
    for (let i = 0; i < 40 && alive(pid); i++) await sleep(50);
    assert.equal(alive(pid), false, 'the editor is still running');
  });
}
