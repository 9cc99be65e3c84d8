// Differential tests against Debian's ansible-vault (ansible-core 2.14): what it encrypts we decrypt, and what we
// encrypt (library and `tsinfra vault`) it decrypts, byte for byte. ansible-vault calls are batched (each costs
// ~0.5 s of Python start-up): one per direction and format, one encrypt_string, one Python run of Ansible's loader.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, copyFileSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { decryptVault, encryptVault, parseVaultEnvelope } from '../../../src/vault/index.js';
import { tsinfra } from '../../support/cli.js';
import { tempDir } from '../../support/temp-dir.js';

const dir = tempDir('tsinfra-vault-oracle-');
const P1 = 'pw-one s3cret';
const P2 = 'Pässwort-zwei';
writeFileSync(join(dir, 'pw1'), `${P1}\n`);
writeFileSync(join(dir, 'pw2'), `  ${P2}\r\n`); // Ansible strips whitespace around a password file's content
const pw1 = join(dir, 'pw1');
const pw2 = join(dir, 'pw2');
const secrets = [
  { id: 'default', source: pw1, password: Buffer.from(P1) },
  { id: 'lab', source: pw2, password: Buffer.from(P2) },
];

const binary = Buffer.concat([Buffer.from(Array.from({ length: 256 }, (_, i) => i)), randomBytes(777)]);
const CONTENTS: Record<string, Buffer> = {
  empty: Buffer.alloc(0),
  binary,
  crlf: Buffer.from('a: 1\r\nb: "two"\r\n\r\n'),
  unicode: Buffer.from('grüße: "日本語 ✓ 🚀"\nnbsp: "\u00a0"\n'),
  block16: Buffer.from('0123456789abcdef'), // exactly one AES block: a full block of padding
  big: Buffer.concat([randomBytes(512 * 1024), Buffer.from('x\n'.repeat(256 * 1024))]), // 1 MiB
};
const names = Object.keys(CONTENTS);

function ansibleVault(args: string[], input?: string): string {
  return execFileSync('/usr/bin/ansible-vault', args, { cwd: dir, input, encoding: 'utf8', stdio: ['pipe', 'pipe', 'pipe'] });
}

test('ansible-vault encrypts (1.1 and 1.2) → tsinfra decrypts, library and CLI', async () => {
  for (const n of names) {
    writeFileSync(join(dir, `a11-${n}`), CONTENTS[n]!);
    writeFileSync(join(dir, `a12-${n}`), CONTENTS[n]!);
  }
  ansibleVault(['encrypt', '--vault-password-file', pw1, ...names.map((n) => `a11-${n}`)]);
  ansibleVault(['encrypt', '--vault-id', `lab@${pw2}`, ...names.map((n) => `a12-${n}`)]);
  for (const n of names) {
    const t11 = readFileSync(join(dir, `a11-${n}`), 'utf8');
    const t12 = readFileSync(join(dir, `a12-${n}`), 'utf8');
    assert.match(t11, /^\$ANSIBLE_VAULT;1\.1;AES256\n/);
    assert.match(t12, /^\$ANSIBLE_VAULT;1\.2;AES256;lab\n/);
    assert.ok(t11.split('\n').slice(1, -1).every((l) => l.length <= 80 && /^[0-9a-f]+$/.test(l)), `${n}: 80-column hex lines`);
    assert.deepEqual(decryptVault(t11, secrets, { file: n }), CONTENTS[n], `1.1 ${n}`);
    assert.deepEqual(decryptVault(t12, secrets, { file: n }), CONTENTS[n], `1.2 ${n}`);
  }
  // The CLI: view to stdout, decrypt in place (mode 600), the identity list from the environment.
  const view = await tsinfra(['vault', 'view', '--vault-password-file', pw1, join(dir, 'a11-unicode')]);
  assert.equal(view.code, 0, view.stderr);
  assert.equal(view.stdout, CONTENTS.unicode!.toString());
  copyFileSync(join(dir, 'a12-binary'), join(dir, 'in-place'));
  const dec = await tsinfra(['vault', 'decrypt', join(dir, 'in-place')], { env: { ANSIBLE_VAULT_IDENTITY_LIST: `other@${pw1},lab@${pw2}` } });
  assert.equal(dec.code, 0, dec.stderr);
  assert.deepEqual(readFileSync(join(dir, 'in-place')), binary);
  assert.equal(statSync(join(dir, 'in-place')).mode & 0o777, 0o600);
});

test('tsinfra encrypts (library, encrypt, rekey, encrypt-string) → ansible-vault and Ansible’s loader decrypt', async () => {
  for (const n of names) {
    writeFileSync(join(dir, `t11-${n}`), encryptVault(CONTENTS[n]!, P1));
    writeFileSync(join(dir, `t12-${n}`), encryptVault(CONTENTS[n]!, P2, { vaultId: 'lab' }));
  }
  // CLI encrypt in place with a 1.2 ID, from a password script; and stdin → --output.
  const script = join(dir, 'pw-script.sh');
  writeFileSync(script, `#!/bin/sh\necho '${P2}'\n`);
  chmodSync(script, 0o700);
  writeFileSync(join(dir, 'cli-enc'), CONTENTS.crlf!);
  const enc = await tsinfra(['vault', 'encrypt', '--vault-id', `lab@${script}`, join(dir, 'cli-enc')]);
  assert.equal(enc.code, 0, enc.stderr);
  assert.equal(statSync(join(dir, 'cli-enc')).mode & 0o777, 0o600);
  const encStdin = await tsinfra(['vault', 'encrypt', '--vault-password-file', pw1, '--output', join(dir, 'cli-stdin')], { input: 'from stdin\n' });
  assert.equal(encStdin.code, 0, encStdin.stderr);
  // Rekey a file from pw1 to the lab ID; the mode of the file is kept, as ansible-vault keeps it.
  writeFileSync(join(dir, 'rekeyed'), encryptVault('rekey me\n', P1));
  chmodSync(join(dir, 'rekeyed'), 0o640);
  const rk = await tsinfra(['vault', 'rekey', '--vault-password-file', pw1, '--new-vault-id', `lab@${pw2}`, join(dir, 'rekeyed')]);
  assert.equal(rk.code, 0, rk.stderr);
  assert.equal(parseVaultEnvelope(readFileSync(join(dir, 'rekeyed'), 'utf8')).vaultId, 'lab');
  assert.equal(statSync(join(dir, 'rekeyed')).mode & 0o777, 0o640);

  const files = [...names.flatMap((n) => [`t11-${n}`, `t12-${n}`]), 'cli-enc', 'cli-stdin', 'rekeyed'];
  ansibleVault(['decrypt', '--vault-password-file', pw1, '--vault-id', `lab@${pw2}`, ...files]);
  for (const n of names) {
    assert.deepEqual(readFileSync(join(dir, `t11-${n}`)), CONTENTS[n], `1.1 ${n}`);
    assert.deepEqual(readFileSync(join(dir, `t12-${n}`)), CONTENTS[n], `1.2 ${n}`);
  }
  assert.deepEqual(readFileSync(join(dir, 'cli-enc')), CONTENTS.crlf);
  assert.equal(readFileSync(join(dir, 'cli-stdin'), 'utf8'), 'from stdin\n');
  assert.equal(readFileSync(join(dir, 'rekeyed'), 'utf8'), 'rekey me\n');

  // encrypt-string (and encrypt_string): several names, stdin with --stdin-name; Ansible's YAML loader reads them back.
  const es = await tsinfra(['vault', 'encrypt-string', '--vault-password-file', pw1, '-n', 'db_pw', '-n', 'note', 'hunter2 ünï', 'line1\nline2'], {});
  assert.equal(es.code, 0, es.stderr);
  const es2 = await tsinfra(['vault', 'encrypt_string', '--vault-id', `lab@${pw2}`, '--stdin-name', 'api_key'], { input: 'tok-123\n' });
  assert.equal(es2.code, 0, es2.stderr);
  assert.match(es.stdout, /^db_pw: !vault \|\n {10}\$ANSIBLE_VAULT;1\.1;AES256\n/);
  writeFileSync(join(dir, 'strings.yml'), `${es.stdout}\n${es2.stdout}\n`);
  const loaded = oracleLoad('strings.yml');
  assert.deepEqual(loaded, { db_pw: 'hunter2 ünï', note: 'line1\nline2', api_key: 'tok-123\n' });
});

// Ansible's own DataLoader with both secrets: reads a YAML file with !vault values as a play would.
function oracleLoad(file: string): unknown {
  const py = `
import json, sys
from ansible.parsing.dataloader import DataLoader
from ansible.parsing.vault import VaultSecret
loader = DataLoader()
loader.set_vault_secrets([('default', VaultSecret(${JSON.stringify(P1)}.encode())), ('lab', VaultSecret(${JSON.stringify(P2)}.encode()))])
data = loader.load_from_file(sys.argv[1])
print(json.dumps({k: str(v) for k, v in data.items()}))
`;
  const r = spawnSync('/usr/bin/python3', ['-c', py, join(dir, file)], { encoding: 'utf8' });
  assert.equal(r.status, 0, r.stderr);
  return JSON.parse(r.stdout);
}

test('tsinfra refuses what ansible-vault refuses: wrong password, tampered, truncated, non-hex, unknown ID (exit 4, file and ID named)', async () => {
  const good = encryptVault('the secret\n', P2, { vaultId: 'lab' });
  const lines = good.split('\n');
  // Tamper inside the body: one hex digit of the ciphertext changes, the format stays valid, the HMAC no longer fits.
  const inner = Buffer.from(parseVaultEnvelope(good).body, 'hex').toString('latin1');
  const changed = inner.slice(0, -1) + (inner.endsWith('0') ? '1' : '0');
  const tampered = encryptVault('x', 'y').split('\n')[0] + '\n' + Buffer.from(changed, 'latin1').toString('hex').replace(/(.{80})/g, '$1\n') + '\n';
  const bad: Record<string, string> = {
    tampered: tampered.replace('1.1;AES256', '1.2;AES256;lab'),
    truncated: lines.slice(0, 3).join('\n') + '\n',
    nonhex: [lines[0], `zz${lines[1]!.slice(2)}`, ...lines.slice(2)].join('\n'),
  };
  for (const [n, text] of Object.entries(bad)) writeFileSync(join(dir, `bad-${n}`), text);
  writeFileSync(join(dir, 'bad-wrongpw'), good);
  const py = `
import sys
from ansible.parsing.vault import VaultLib, VaultSecret
v = VaultLib([('lab', VaultSecret(b'wrong')), ('default', VaultSecret(${JSON.stringify(P2)}.encode()))])
for f in sys.argv[1:]:
    try:
        v.decrypt(open(f, 'rb').read()); print(f, 'ok')
    except Exception as e:
        print(f, 'refused')
`;
  const files = ['tampered', 'truncated', 'nonhex'].map((n) => join(dir, `bad-${n}`));
  const oracle = spawnSync('/usr/bin/python3', ['-c', py, ...files], { encoding: 'utf8' });
  assert.deepEqual(oracle.stdout.trim().split('\n').map((l) => l.split(' ')[1]), ['refused', 'refused', 'refused'], oracle.stderr);

  for (const [n, message] of [
    ['tampered', /bad-tampered: decryption failed: .*vault id lab; tried lab, default/],
    ['truncated', /bad-truncated: (vault format error|decryption failed)/],
    ['nonhex', /bad-nonhex: vault format error: .*not hexadecimal/],
    ['wrongpw', /bad-wrongpw: decryption failed: .*vault id lab; tried lab, default.*wrong password/],
  ] as const) {
    const r = await tsinfra(['vault', 'view', '--vault-id', `lab@${pw1}`, '--vault-password-file', pw1, join(dir, `bad-${n}`)]);
    assert.equal(r.code, 4, `${n}: ${r.stderr}`);
    assert.match(r.stderr, message);
    assert.equal(r.stdout, '');
    assert.doesNotMatch(r.stderr, /at .*\.js|pw-one/); // no stack trace, no password
  }
  const unknown = await tsinfra(['vault', 'view', '--vault-id', `other@${pw1}`, join(dir, 'bad-wrongpw')]);
  assert.equal(unknown.code, 4);
  assert.match(unknown.stderr, /vault id lab; tried other.*no secret is labelled lab/);
  const none = await tsinfra(['vault', 'view', '--vault-password-file', join(dir, 'missing'), join(dir, 'bad-wrongpw')]);
  assert.equal(none.code, 4);
  assert.match(none.stderr, /vault password file .*missing was not found/);
});
