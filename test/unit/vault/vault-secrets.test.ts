// Password sources and the order secrets are tried in, as ansible-core 2.14's CLI sets them up (no ansible-vault
// needed: these are Ansible's rules for files, scripts, client scripts and labels).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { candidateSecrets, decryptVaultWithSecret, encryptVault, parseVaultEnvelope, vaultIdSlugs, vaultSecretsFrom } from '../../../src/vault/index.js';
import { tempDir } from '../../support/temp-dir.js';

const dir = tempDir('tsinfra-vault-secrets-');
const file = (name: string, text: string, mode = 0o600) => {
  const path = join(dir, name);
  writeFileSync(path, text);
  chmodSync(path, mode);
  return path;
};

test('slugs: identity list, then --vault-id, then password files as default@, then the prompt', () => {
  assert.deepEqual(vaultIdSlugs({ identityList: ['a@x'], vaultIds: ['b@y', 'z'], passwordFiles: ['f'], ask: true }), [
    'a@x',
    'b@y',
    'z',
    'default@f',
    'default@prompt_ask_vault_pass',
  ]);
  assert.deepEqual(vaultIdSlugs({}), []);
  assert.deepEqual(vaultIdSlugs({ autoPrompt: true }), ['default@prompt_ask_vault_pass']);
});

test('sources: a plain file (whitespace stripped), a script (stdout), a -client script (gets --vault-id label)', async () => {
  const plain = file('plain', '\t pw plain \r\n');
  const script = file('pw.sh', '#!/bin/sh\nprintf "scripted\\r\\n"\n', 0o700);
  const client = file('keyring-client.sh', '#!/bin/sh\n[ "$1" = --vault-id ] && echo "for-$2"\n', 0o700);
  const secrets = await vaultSecretsFrom({ vaultIds: [`one@${plain}`, `two@${script}`, `three@${client}`] });
  assert.deepEqual(
    secrets.map((s) => [s.id, s.password.toString()]),
    [
      ['one', 'pw plain'],
      ['two', 'scripted'],
      ['three', 'for-three'],
    ],
  );
  const failing = file('fail.sh', '#!/bin/sh\nexit 1\n', 0o700);
  await assert.rejects(vaultSecretsFrom({ passwordFiles: [failing] }), /returned non-zero \(1\)/);
  await assert.rejects(vaultSecretsFrom({ passwordFiles: [file('empty', '\n')] }), /Invalid vault password was provided from file/);
  await assert.rejects(vaultSecretsFrom({ vaultIds: ['x@prompt'] }), /no terminal prompt/);
  // One good source is enough: a missing one is skipped (Ansible warns and goes on).
  assert.equal((await vaultSecretsFrom({ passwordFiles: [join(dir, 'missing'), plain] })).length, 1);
});

test('order: secrets labelled like the header first, then the others; the one that worked is reported', () => {
  const secrets = [
    { id: 'a', source: 'a', password: Buffer.from('pa') },
    { id: 'b', source: 'b', password: Buffer.from('pb') },
    { id: 'default', source: 'd', password: Buffer.from('pd') },
  ];
  const text = encryptVault('hi', 'pb', { vaultId: 'b' });
  assert.deepEqual(candidateSecrets(parseVaultEnvelope(text), secrets).map((s) => s.id), ['b', 'a', 'default']);
  assert.equal(decryptVaultWithSecret(text, secrets, { file: 'f' }).secret.id, 'b');
  // The header's label is not authenticated: a secret with another label still decrypts it.
  assert.equal(decryptVaultWithSecret(encryptVault('hi', 'pd', { vaultId: 'c' }), secrets, { file: 'f' }).secret.id, 'default');
  assert.throws(() => decryptVaultWithSecret(text, [], { file: 'vars.yml', line: 3 }), /vars\.yml:3:1: this is ansible-vault data \(vault id b\) and no vault password was given/);
});
