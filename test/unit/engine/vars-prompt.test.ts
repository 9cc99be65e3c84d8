// vars_prompt in the engine, as ansible-core 2.14's PlaybookExecutor and Display.do_var_prompt: asked once per play
// before it runs, not asked when -e gives the name, fields rendered with the play's vars, confirm asked again until
// both agree, an empty answer takes the default, no terminal means the default (or "None") and one warning; the
// answers sit above play vars and below vars_files; a typed private answer is a secret in all later output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFakePlay, inventoryOf } from '../../support/fake-play.js';
import type { VarsPrompter } from '../../../src/engine/vars-prompt-answers.js';
import { maskVaultValues } from '../../../src/vault/mask-vault-values.js';

/** A terminal that answers in order and records what it was shown. */
function scripted(answers: string[], interactive = true) {
  const shown: string[] = [];
  const prompter: VarsPrompter = {
    interactive,
    ask: async (message, hidden) => {
      shown.push(`${hidden ? 'hidden' : 'echo'} ${message}`);
      const a = answers.shift();
      assert.notEqual(a, undefined, `asked more than expected: ${message}`);
      return a!;
    },
    say: (text) => void shown.push(`say ${text}`),
    warn: (text) => void shown.push(`warn ${text}`),
  };
  return { prompter, shown };
}

const shows = (...names: string[]) => names.map((n) => `    - debug: { var: ${n} }\n`).join('');
const values = (r: Awaited<ReturnType<typeof runFakePlay>>) => Object.fromEntries(r.results().flatMap((res) => Object.entries(res.debug ?? {})));

const SITE = `- hosts: all
  gather_facts: false
  vars: { who: play, over: play, under: play }
  vars_files: [files.yml]
  vars_prompt:
    - name: who
      prompt: "Name for {{ who }}"
      default: "{{ who }}-default"
      private: no
    - { name: pw, prompt: Password, confirm: yes }
    - { name: dflt, prompt: Keep, default: 7 }
    - { name: bare, private: false }
    - { name: given, prompt: never asked }
    - { name: hashed, prompt: Hash, encrypt: sha512_crypt, salt: abcdefgh }
    - { name: over, prompt: Over }
    - { name: under, prompt: Under }
    - { name: raw, prompt: Raw, unsafe: yes, private: no }
  tasks:
${shows('who', 'pw', 'dflt', 'bare', 'given', 'hashed', 'over', 'under', 'raw')}`;

test('each prompt asked once, in order, as Ansible words it; the answers and their precedence', async () => {
  const { prompter, shown } = scripted(['alice', 'Typed-Secret-1', 'nope', 'Typed-Secret-1', 'Typed-Secret-1', '', 'b', 'hunter2', 'o', 'u', 'r']);
  const r = await runFakePlay({
    files: { 'site.yaml': SITE, 'files.yml': 'under: vars_files\n', 'inventory.yaml': inventoryOf('h1', 'h2') },
    extraVars: { given: 'from -e' },
    varsPrompter: prompter,
  });
  assert.deepEqual(shown, [
    'echo Name for play [play-default]: ',
    'hidden Password: ',
    'hidden confirm Password: ',
    'say ***** VALUES ENTERED DO NOT MATCH ****',
    'hidden Password: ',
    'hidden confirm Password: ',
    'hidden Keep [7]: ',
    'echo bare: ',
    'hidden Hash: ',
    'hidden Over: ',
    'hidden Under: ',
    'echo Raw: ',
  ]);
  assert.deepEqual(values(r), {
    who: 'alice',
    pw: 'Typed-Secret-1',
    dflt: '7', // empty answer: the default, as text
    bare: 'b',
    given: 'from -e',
    // The same hash ansible-playbook prints for hunter2 with this salt (crypt's SHA-512, 5000 rounds).
    hashed: '$6$abcdefgh$M/eYsB4rVXAm3ZNc88J.UD9rCKAT6FB1rahiwJCHtEndQNORCub5qhjxn50qbqVVthkM.9HpEwtf0t.iV9uH0/',
    over: 'o', // above play vars
    under: 'vars_files', // below vars_files
    raw: 'r',
  });
  // A typed private answer is a secret from then on: masked in every output (text, --json, -vvv, logs).
  const printed = maskVaultValues(JSON.stringify(r.events));
  assert.ok(!printed.includes('Typed-Secret-1') && printed.includes('"pw":"********"'), printed);
  assert.ok(maskVaultValues('typed hunter2').endsWith('********'), 'the typed text of a hashed private answer is a secret too');
  assert.equal(r.summary.failed.length, 0);
});

test('without a terminal nothing is read: the default, else "None", and one warning', async () => {
  const { prompter, shown } = scripted([], false);
  const r = await runFakePlay({
    files: {
      'site.yaml': `- hosts: all\n  gather_facts: false\n  vars: { base: b }\n  vars_prompt:\n    - { name: a, default: "{{ base }}-x" }\n    - { name: n }\n  tasks:\n${shows('a', 'n')}- hosts: all\n  gather_facts: false\n  vars_prompt: [{ name: again }]\n  tasks:\n${shows('again')}`,
      'inventory.yaml': inventoryOf('h1'),
    },
    varsPrompter: prompter,
  });
  assert.deepEqual(values(r), { a: 'b-x', n: 'None', again: 'None' });
  assert.deepEqual(shown, ['warn Not prompting as we are not in interactive mode', 'warn Not prompting as we are not in interactive mode', 'warn Not prompting as we are not in interactive mode']);
});
