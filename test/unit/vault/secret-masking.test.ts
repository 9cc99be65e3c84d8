// Masking by value, one marker and one function for every path (shell/secret.ts), --diff lines that hold a secret,
// no_log values and the vault_encrypted test. In-process and root-free.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseYaml } from '../../../src/config/yaml-source.js';
import { noLogValues, templatedParts } from '../../../src/engine/no-log-values.js';
import { maskSecrets } from '../../../src/inventory/mask-secrets.js';
import { hideSecretLines, unifiedDiff } from '../../../src/report/unified-diff.js';
import { MASK, redactText, secret } from '../../../src/shell/secret.js';
import { renderString } from '../../../src/template/index.js';
import { encryptVault, maskVaultValues, useVaultSecrets, VaultValue } from '../../../src/vault/index.js';
import { holdsSecretValue, markSecretValue } from '../../../src/vault/mask-vault-values.js';

test('one marker everywhere: Secret, redactText (with base64 and line forms), name-based masking', () => {
  assert.equal(MASK, '********');
  assert.equal(String(secret('x')), MASK);
  assert.equal(redactText('pw=abc; b64 YWJjZGVm; line Line-2-of-key', ['abc', 'abcdef', 'Line-1\nLine-2-of-key']), 'pw=********; b64 ********; line ********');
  assert.deepEqual(maskSecrets({ db_pw: 'x', user: 'u' }), { db_pw: MASK, user: 'u' });
});

test('--diff: a change block holding a secret shows only that it changed; other lines stay', () => {
  markSecretValue('Diff-Secret-6a1f');
  const diff = unifiedDiff('a\nuser=app\npassword=old-one\nb\n', 'a\nuser=app\npassword=Diff-Secret-6a1f\nb\n', { fromLabel: 'before', toLabel: 'after' });
  const shown = hideSecretLines(diff, holdsSecretValue).map((d) => d.text);
  assert.deepEqual(shown.slice(2), ['@@ -1,4 +1,4 @@', ' a', ' user=app', '-<line holding a secret: changed>', '+<line holding a secret: changed>', ' b']);
  assert.ok(!shown.join('\n').includes('old-one'), 'the old value of the secret line is hidden too');
});

test('no_log values: what templates put into the arguments, and secret-named arguments, not literal words', () => {
  assert.deepEqual(templatedParts("test -n '{{ s }}' && sleep 1", "test -n 'NoLog-9f3a' && sleep 1"), ['NoLog-9f3a']);
  assert.deepEqual(templatedParts('{{ a }}-{{ b }}\n', 'one-two\n'), ['one', 'two']);
  assert.deepEqual(templatedParts('{% if x %}y{% endif %}', 'y'), ['y']);
  const raw = { content: '{{ s }}\n', dest: '/root/x', state: 'present', password: 'Literal-Pw-11' };
  const rendered = { content: 'NoLog-9f3a\n', dest: '/root/x', state: 'present', password: 'Literal-Pw-11', mode: '0600' };
  assert.deepEqual(noLogValues(raw, rendered).sort(), ['Literal-Pw-11', 'NoLog-9f3a']);
  assert.deepEqual(noLogValues("echo {{ s }}", { cmd: 'echo NoLog-9f3a' }), ['NoLog-9f3a']);
  markSecretValue('NoLog-9f3a');
  assert.equal(maskVaultValues('later: NoLog-9f3a present'), 'later: ******** present');
});

test('vault_encrypted: true for an inline !vault value, loaded or not; false for plain strings and vault text', () => {
  useVaultSecrets([{ id: 'default', source: 'test', password: Buffer.from('t-pw') }]);
  const envelope = encryptVault('Inline-Vault-3c9d', 't-pw');
  const loaded = parseYaml(`pw: !vault |\n${envelope.trimEnd().split('\n').map((l) => `  ${l}`).join('\n')}\n`, 'x.yml').value as Record<string, unknown>;
  const vars = { loaded: loaded.pw, lazy: new VaultValue(envelope), plain: 'Inline-Vault-3c9e', text: envelope };
  const is = (name: string) => renderString(`{{ ${name} is vault_encrypted }}`, vars, { file: 't' });
  assert.deepEqual(['loaded', 'lazy', 'plain', 'text'].map(is), ['True', 'True', 'False', 'False']);
});
