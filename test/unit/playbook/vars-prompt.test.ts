// vars_prompt at load: Ansible 2.14's list form (a single mapping taken as a list of one), each entry with `name`
// and only its keys; encrypt refused unless src/crypt can hash with it; each problem at its line and column.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { load, problemsOf, writeTree } from './playbook-helpers.js';

const play = (prompts: string) => `- hosts: all\n  vars_prompt:\n${prompts}  tasks: []\n`;

test('vars_prompt loads with Ansible defaults: private yes, confirm no', async () => {
  const dir = writeTree({
    'site.yml': play('    - name: user\n      prompt: Who?\n      private: no\n    - name: pw\n      encrypt: sha512_crypt\n      salt: abcdefgh\n      confirm: yes\n      default: x\n'),
  });
  const plan = await load(join(dir, 'site.yml'));
  const [user, pw] = plan.plays[0]!.varsPrompt!;
  assert.deepEqual({ ...user, at: undefined }, { name: 'user', prompt: 'Who?', private: false, confirm: false, unsafe: false, at: undefined });
  assert.deepEqual({ ...pw, at: undefined }, { name: 'pw', default: 'x', private: true, confirm: true, encrypt: 'sha512_crypt', salt: 'abcdefgh', unsafe: false, at: undefined });
});

test('a single mapping is a list of one (as preprocess_vars); none at all leaves no varsPrompt', async () => {
  const dir = writeTree({ 'a.yml': '- hosts: all\n  vars_prompt: { name: one, prompt: One }\n  tasks: []\n', 'b.yml': '- hosts: all\n  tasks: []\n' });
  assert.deepEqual((await load(join(dir, 'a.yml'))).plays[0]!.varsPrompt!.map((p) => p.name), ['one']);
  assert.equal((await load(join(dir, 'b.yml'))).plays[0]!.varsPrompt, undefined);
});

test('bad vars_prompt entries: each problem with its position, before anything runs', async () => {
  const dir = writeTree({
    'site.yml': play(
      [
        '    - username: What is your name?', // 3: the old dict form
        '    - name: a',
        '      promt: typo', // 5
        '    - name: b',
        '      encrypt: md5_crypt', // 7
        '    - name: c',
        '      private: maybe', // 9
        '    - name: d',
        '      encrypt: sha256_crypt',
        '      salt: "bad salt!"', // 12
        '    - just text', // 13
        '',
      ].join('\n'),
    ),
  });
  const problems = (await problemsOf(join(dir, 'site.yml'))).problems.map((p) => p.message.replace(/^[^:]*:/, ''));
  const expected = [
    '3:7: play #1 in site.yml: vars_prompt #1 has no name: (the variable to set) (the old form "username: …" is gone: write - name: username and prompt: …)',
    '5:7: play #1 in site.yml: vars_prompt #2: unknown key "promt" (did you mean "prompt"?)',
    '7:16: play #1 in site.yml: vars_prompt #3: encrypt must be one of sha512_crypt, sha256_crypt (tsinfra hashes with those only), found a string ("md5_crypt")',
    '9:16: play #1 in site.yml: vars_prompt #4: private must be true or false, found a string ("maybe")',
    '12:13: play #1 in site.yml: vars_prompt #5: salt must be 1 to 16 characters of ./0-9A-Za-z, found a string ("bad salt!")',
    '13:7: play #1 in site.yml: vars_prompt #6 must be a mapping with name: and prompt:, found a string ("just text")',
  ];
  assert.deepEqual(problems, expected, problems.join('\n'));
});
