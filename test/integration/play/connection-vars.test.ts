// Connection and become variables from every source on a 2-host lab, in one `tsinfra play`: `-e @vars.yml` sets
// ansible_user (a non-root login) and ansible_become_password, so the play logs in as that user and becomes root
// with that password (sudo asks for it); a play var `ansible_host`, templated from another host's hostvars, sends
// one host's tasks (and its fact gathering) to the other host's address. The password never shows in the output.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startLab } from '../../support/lab.js';
import { addSudoUsers } from '../../support/sudo-users.js';
import { jsonLines, tsinfra } from '../../support/cli.js';
import { tempDir } from '../../support/temp-dir.js';

const started = Date.now();
const lab = await startLab({ kind: 'namespace', hosts: 2 });
const [first, second] = lab.hosts.map((h) => h.name) as [string, string];
const PASSWORD = 'vars-file-pw-5521';

test('-e @vars.yml: ansible_user logs in, ansible_become_password becomes root; a play var ansible_host is honoured', async () => {
  await addSudoUsers(lab, [first, second], PASSWORD);
  const dir = tempDir('tsinfra-connection-vars-');
  writeFileSync(join(dir, 'vars.yml'), `ansible_user: deploypw\nansible_become_password: ${PASSWORD}\n`);
  writeFileSync(
    join(dir, 'site.yml'),
    `- hosts: all
  gather_facts: false
  tasks:
    - name: login
      command: id -un
    - name: become
      command: id -un
      become: true
- hosts: ${first}
  gather_facts: true
  vars:
    ansible_host: "{{ hostvars['${second}'].ansible_host }}"
  tasks:
    - name: where
      command: hostname
    - name: facts from
      debug: { var: ansible_hostname }
`,
  );
  const r = await tsinfra(['play', 'site.yml', '-i', lab.inventoryPath, '-e', '@vars.yml', '--json'], { cwd: dir });
  assert.equal(r.code, 0, `${r.stdout.slice(-3000)}\n${r.stderr}`);
  const results = (task: string) =>
    Object.fromEntries(
      jsonLines(r.stdout)
        .filter((e) => e.type === 'host_result' && (e.task as { name?: string }).name === task)
        .map((e) => e.result as { host: string; stdout?: string; debug?: Record<string, unknown> })
        .map((x) => [x.host, x.stdout?.trim() ?? x.debug]),
    );
  assert.deepEqual(results('login'), { [first]: 'deploypw', [second]: 'deploypw' }, 'ansible_user from -e @vars.yml');
  assert.deepEqual(results('become'), { [first]: 'root', [second]: 'root' }, 'sudo with ansible_become_password from -e @vars.yml');
  assert.deepEqual(results('where'), { [first]: second }, `play var ansible_host sends ${first}'s tasks to ${second}`);
  assert.deepEqual(results('facts from'), { [first]: { ansible_hostname: second } }, 'facts are gathered over the same connection');
  assert.ok(!r.stdout.includes(PASSWORD) && !r.stderr.includes(PASSWORD), 'the password never shows');
  process.stderr.write(`connection-vars lab test: ${((Date.now() - started) / 1000).toFixed(1)} s with the lab\n`);
});
