// The vault/unvault filters and the unvault lookup (Ansible 2.12+), and vault_encrypted, against ansible-core's own
// VaultLib (the function its vault filter calls) with a fixed salt, so the texts must be byte-equal.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { renderString } from '../../../src/template/index.js';
import { encryptVault, useVaultSecrets, vaultPlaintexts } from '../../../src/vault/index.js';
import { tempDir } from '../../support/temp-dir.js';

const SALT = '0123456789abcdef0123456789abcdef';

function ansibleVaultLib(plain: string, password: string, vaultId: string): string {
  const py = `import sys\nfrom ansible.parsing.vault import VaultLib, VaultSecret\nsys.stdout.write(VaultLib().encrypt(sys.argv[1].encode(), VaultSecret(sys.argv[2].encode()), sys.argv[3], sys.argv[4].encode()).decode())`;
  return execFileSync('/usr/bin/python3', ['-c', py, plain, password, vaultId, SALT], { encoding: 'utf8' });
}

test("vault filter: byte-equal to ansible-core's VaultLib with the same salt (1.2, filter_default and a label)", () => {
  const r = (t: string) => renderString(t, {}, { file: 't' });
  assert.equal(r(`{{ 'Filter-Plain-1' | vault('fpw', salt='${SALT}') }}`), ansibleVaultLib('Filter-Plain-1', 'fpw', 'filter_default'));
  assert.equal(r(`{{ 'Filter-Plain-1' | vault('fpw', salt='${SALT}', vault_id='prod') }}`), ansibleVaultLib('Filter-Plain-1', 'fpw', 'prod'));
});

test('unvault filter: decrypts vault text (and an already plain string as is); wrong password is an error; masked after', () => {
  const text = ansibleVaultLib('Unvault-Plain-77', 'upw', 'filter_default');
  const r = (t: string) => renderString(t, { text, plain: 'as-is' }, { file: 't' });
  assert.equal(r(`{{ text | unvault('upw') }}`), 'Unvault-Plain-77');
  assert.equal(r(`{{ plain | unvault('upw') }}`), 'as-is');
  assert.throws(() => r(`{{ text | unvault('nope') }}`), /Unable to decrypt/);
  assert.ok(vaultPlaintexts().has('Unvault-Plain-77'), 'what unvault decrypts is masked by value');
});

test("unvault lookup: a vault-encrypted file decrypted with the run's secrets; a plain file as is", () => {
  const dir = tempDir('tsinfra-unvault-');
  writeFileSync(join(dir, 'secret.txt'), encryptVault('Lookup-Plain-5a\n', 'lpw'));
  writeFileSync(join(dir, 'plain.txt'), 'plain text\n');
  useVaultSecrets([{ id: 'default', source: 'test', password: Buffer.from('lpw') }]);
  const r = (t: string) => renderString(t, {}, { file: join(dir, 'site.yml'), searchDirs: { files: [dir], templates: [dir] } });
  assert.equal(r(`{{ lookup('unvault', '${join(dir, 'secret.txt')}') }}`), 'Lookup-Plain-5a\n');
  assert.equal(r(`{{ lookup('ansible.builtin.unvault', '${join(dir, 'plain.txt')}') }}`), 'plain text\n');
  assert.throws(() => r(`{{ lookup('unvault', 'missing.txt') }}`), /Unable to find file matching "missing.txt"/);
});
