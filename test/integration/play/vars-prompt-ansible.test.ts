// vars_prompt against the oracle: the same playbook run by ansible-playbook and by `tsinfra play` on a terminal
// (test/support/pty-answers.py types the answers when each prompt shows), on `localhost ansible_connection=local`.
// Both must show the same prompts in the same order, echo no private answer, and print the same values; a name given
// with -e is not asked. Then `tsinfra play --json` (stdout a file): the prompts go to the terminal, not the JSON,
// and the private answer is masked there.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ANSIBLE_PLAYBOOK } from '../../support/ansible-twin.js';
import { runProgram, TSINFRA } from '../../support/cli.js';
import { tempDir } from '../../support/temp-dir.js';

const PTY = fileURLToPath(new URL('../../support/pty-answers.py', import.meta.url));
const SECRET = 'Typed-S3cret-9q';

const PLAYBOOK = `- hosts: all
  gather_facts: false
  vars: { who: play, over: play, under: play }
  vars_files: [files.yml]
  vars_prompt:
    - name: who
      prompt: "Name for {{ who }}"
      default: "{{ who }}-default"
      private: no
    - { name: pw, prompt: Password, confirm: yes }
    - { name: kept, prompt: Keep, default: 7 }
    - { name: bare, private: false }
    - { name: given, prompt: never asked }
    - { name: hashed, prompt: Hash, encrypt: sha512_crypt, salt: abcdefgh }
    - { name: over, prompt: Over, private: no }
    - { name: under, prompt: Under }
  tasks:
    - debug: { msg: "{{ 'match' if pw == '${SECRET}' else 'differ' }}" }
${['who', 'pw', 'kept', 'bare', 'given', 'hashed', 'over', 'under'].map((v) => `    - debug: { var: ${v} }\n`).join('')}`;

// Prompt shown → what is typed; the first confirm differs, so both ask for the password again.
const ANSWERS = [
  ['Name for play [play-default]: ', 'alice'],
  ['Password: ', SECRET],
  ['confirm Password: ', 'not-the-same'],
  ['***** VALUES ENTERED DO NOT MATCH ****', ''],
  ['Password: ', SECRET],
  ['confirm Password: ', SECRET],
  ['Keep [7]: ', ''],
  ['bare: ', 'b'],
  ['Hash: ', 'hunter2'],
  ['Over: ', 'o'],
  ['Under: ', 'u'],
];
// The mismatch line is no prompt: nothing is typed at it (its "answer" above only moves the cursor past it).
const typed = JSON.stringify(ANSWERS.filter(([p]) => !p!.includes('MATCH')));

const clean = (s: string) => s.replace(/\x1b\[[0-9;]*[A-Za-z]/g, '').replace(/\r/g, '');
/** The prompts the terminal showed, in order (a visible answer follows its prompt on the line). */
const prompts = (s: string) =>
  clean(s)
    .split('\n')
    .map((line) => ANSWERS.map(([p]) => p!.trim()).filter((p) => line.startsWith(p)).sort((a, b) => b.length - a.length)[0])
    .filter((p) => p !== undefined);
const shown = (s: string) => Object.fromEntries([...clean(s).matchAll(/^ {4}"(\w+)": "?([^"\n]*)"?$/gm)].map((m) => [m[1]!, m[2]!]));

test('vars_prompt: ansible-playbook and tsinfra ask the same and print the same values', async () => {
  const started = Date.now();
  const dir = tempDir('tsinfra-vars-prompt-');
  writeFileSync(join(dir, 'site.yml'), PLAYBOOK);
  writeFileSync(join(dir, 'files.yml'), 'under: vars_files\n');
  writeFileSync(join(dir, 'hosts.ini'), 'localhost ansible_connection=local\n');
  writeFileSync(join(dir, 'ansible.cfg'), '[defaults]\n');
  const args = ['-i', 'hosts.ini', 'site.yml', '-e', 'given=from-e'];
  const env = { ...process.env, ANSIBLE_CONFIG: join(dir, 'ansible.cfg'), ANSIBLE_NOCOLOR: '1', ANSIBLE_LOCAL_TEMP: join(dir, 'tmp'), ANSIBLE_RETRY_FILES_ENABLED: '0', NO_COLOR: '1' };
  const py = (...cmd: string[]) => runProgram('/usr/bin/python3', [PTY, typed, ...cmd], { cwd: dir, env });
  const [ansible, ours, json] = await Promise.all([
    py(ANSIBLE_PLAYBOOK, ...args),
    py(TSINFRA, 'play', ...args),
    py('sh', '-c', `exec "$0" play --json "$@" > out.json`, TSINFRA, ...args),
  ]);
  for (const [who, r] of [['ansible-playbook', ansible], ['tsinfra', ours], ['tsinfra --json', json]] as const) {
    assert.equal(r.code, 0, `${who}:\n${clean(r.stdout)}\n${r.stderr}`);
    assert.ok(!r.stdout.split('PLAY [')[0]!.includes(SECRET), `${who} echoed the private answer:\n${clean(r.stdout)}`);
  }
  assert.ok(!ours.stdout.includes(SECRET), `tsinfra showed the private answer:\n${clean(ours.stdout)}`);
  const expectedPrompts = ANSWERS.map(([p]) => p!.trim());
  assert.deepEqual(prompts(ansible.stdout), expectedPrompts, clean(ansible.stdout));
  assert.deepEqual(prompts(ours.stdout), expectedPrompts, clean(ours.stdout));
  const theirs = shown(ansible.stdout);
  const mine = shown(ours.stdout);
  assert.equal(theirs.pw, SECRET, 'Ansible prints a private answer when asked to');
  assert.equal(mine.pw, '********', 'tsinfra masks a typed private answer everywhere');
  assert.deepEqual({ ...mine, pw: SECRET }, theirs);
  assert.deepEqual(theirs, { msg: 'match', who: 'alice', pw: SECRET, kept: '7', bare: 'b', given: 'from-e', hashed: '$6$abcdefgh$M/eYsB4rVXAm3ZNc88J.UD9rCKAT6FB1rahiwJCHtEndQNORCub5qhjxn50qbqVVthkM.9HpEwtf0t.iV9uH0/', over: 'o', under: 'vars_files' });
  // --json: the JSON file holds events only; the prompts were on the terminal.
  const events = readFileSync(join(dir, 'out.json'), 'utf8');
  assert.ok(!events.includes('Password') && !events.includes(SECRET), events);
  assert.ok(events.includes('"pw":"********"'), events);
  assert.deepEqual(prompts(json.stdout), expectedPrompts, clean(json.stdout));
  process.stderr.write(`vars_prompt: ${Object.keys(theirs).length} values agree with ansible-playbook, in ${Date.now() - started} ms\n`);
});
