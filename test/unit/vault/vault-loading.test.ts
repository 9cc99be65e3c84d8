// Vault data where Ansible reads it (inline !vault values, whole encrypted vars files), decrypted lazily, and masked by
// value in what tsinfra writes. In-process: the keyring is this process's, so each test sets it first.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseYaml } from '../../../src/config/yaml-source.js';
import { ConfigError } from '../../../src/errors.js';
import { loadInventory } from '../../../src/inventory/load-inventory.js';
import { maskSecrets } from '../../../src/inventory/mask-secrets.js';
import { renderValue } from '../../../src/template/index.js';
import { encryptVault, isVaultPlaintext, maskVaultValues, maskingOutput, useVaultSecrets, VaultValue } from '../../../src/vault/index.js';
import { tempDir } from '../../support/temp-dir.js';

const PW = { id: 'default', source: 'test', password: Buffer.from('load-pw') };
const inline = (plain: string, indent = 2) => `!vault |\n${encryptVault(plain, 'load-pw').trimEnd().split('\n').map((l) => ' '.repeat(indent) + l).join('\n')}\n`;

test('inline !vault: decrypted at load when the keyring can, else a VaultValue that fails (file:line, vault id) only where it is used', () => {
  const text = `user: app\npw: ${inline('Inline-Pa55')}`;
  useVaultSecrets([PW]);
  assert.deepEqual(parseYaml(text, 'vars.yml').value, { user: 'app', pw: 'Inline-Pa55' });
  assert.ok(isVaultPlaintext('Inline-Pa55'));

  useVaultSecrets([]);
  const lazy = parseYaml(text, 'vars.yml').value as { user: string; pw: VaultValue };
  assert.ok(lazy.pw instanceof VaultValue);
  // Unused: no password needed. Used in a template: the error names the file, the line and the vault id.
  assert.equal(renderValue('{{ user }}', lazy, { file: 't.yml' }), 'app');
  assert.throws(
    () => renderValue('x={{ pw }}', lazy, { file: 't.yml' }),
    (err: unknown) => err instanceof ConfigError && /^vars\.yml:2:12: this is ansible-vault data \(vault id default\) and no vault password was given/.test(err.message),
  );
  // Given the password later (the keyring is read at use), the same value resolves.
  useVaultSecrets([PW]);
  assert.equal(renderValue('x={{ pw }}', lazy, { file: 't.yml' }), 'x=Inline-Pa55');
});

test('whole encrypted files: group_vars and inline values in an inventory; wrong password is exit-4 ConfigError at the file', async () => {
  const dir = tempDir('tsinfra-vault-load-');
  mkdirSync(join(dir, 'group_vars'));
  writeFileSync(join(dir, 'hosts.yml'), `all:\n  hosts:\n    web1:\n      api_tok: ${inline('Tok-Inline-1', 8)}`);
  writeFileSync(join(dir, 'group_vars', 'all.yml'), encryptVault('db_password: File-Pa55\nport: 5432\nplain_word: notsecret\n', 'load-pw'));
  useVaultSecrets([PW]);
  const inv = await loadInventory(join(dir, 'hosts.yml'));
  const vars = inv.hosts.get('web1')!.vars;
  assert.equal(vars.db_password, 'File-Pa55');
  assert.equal(vars.port, 5432);
  assert.equal(vars.api_tok, 'Tok-Inline-1');
  assert.deepEqual(maskSecrets({ plain_word: vars.plain_word, note: 'hello', db_pw: 'x', my_api_key: 'k', tls_private_key: 'k', vault_x: 'v' }), {
    plain_word: '<vault>',
    note: 'hello',
    db_pw: '********',
    my_api_key: '********',
    tls_private_key: '********',
    vault_x: '********',
  });
  useVaultSecrets([{ ...PW, password: Buffer.from('wrong') }]);
  await assert.rejects(loadInventory(join(dir, 'hosts.yml')), (err: unknown) => {
    return err instanceof ConfigError && err.code === 'TSI_CONFIG' && /group_vars\/all\.yml:1:1: decryption failed: .*vault id default; tried default/.test(err.message);
  });
});

test('masking by value: the text, its JSON-escaped form, its base64 and each of its lines', () => {
  useVaultSecrets([PW]);
  const key = '-----BEGIN KEY-----\nAAAAB3NzaC1yc2E\n-----END KEY-----\n';
  parseYaml(`k: ${inline(key)}s: ${inline('Simple-S3cret')}`, 'v.yml');
  const masked = maskVaultValues(
    [`pw=Simple-S3cret`, JSON.stringify({ k: key }), Buffer.from('Simple-S3cret').toString('base64'), '+AAAAB3NzaC1yc2E', 'harmless'].join('\n'),
  );
  assert.equal(masked, ['pw=********', '{"k":"********"}', '********==', '+********', 'harmless'].join('\n'));
  const written: string[] = [];
  maskingOutput({ write: (s: string) => written.push(s) }).write('changed: Simple-S3cret\n');
  assert.deepEqual(written, ['changed: ********\n']);
});
