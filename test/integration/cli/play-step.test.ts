// `play --step`, differential: ansible-playbook --step and tsinfra play --step run the same playbook on a user-level
// sshd on 127.0.0.1, fed the same answers on stdin (a pipe), and must ask the same questions (the prompt and its
// banner, line for line), run the same tasks and exit alike. A second pair runs out of answers: both stop there and
// exit 2. With --json, tsinfra asks on stderr and stdout stays JSON lines.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { jsonLines } from '../../support/cli.js';
import { oracleDir } from '../../support/ansible-cli.js';
import { startSshd } from '../../support/sshd.js';

const started = Date.now();
// No ControlPersist (ansible_ssh_args): its masters would hold sshd sessions, and this file, open for a minute.
const sshd = await startSshd({ extraConfig: ['Subsystem sftp internal-sftp'] });
const o = oracleDir('tsinfra-play-step-');
o.write('hosts.ini', `loop ansible_host=127.0.0.1 ansible_port=${sshd.port} ansible_user=root ansible_ssh_private_key_file=${sshd.clientKey} ` +
  `ansible_python_interpreter=/usr/bin/python3 tsinfra_known_hosts_file=${sshd.knownHosts} ` +
  `ansible_ssh_args=-C ansible_ssh_common_args='-o UserKnownHostsFile=${sshd.knownHosts} -o IdentitiesOnly=yes'\n`);
o.write('site.yml', `- hosts: all
  gather_facts: true
  vars: { who: world }
  tasks:
    - name: one
      command: echo one
      notify: h1
    - meta: flush_handlers
    - name: two
      command: echo two
    - name: "three {{ who }}"
      command: echo three
    - name: four
      command: echo four
    - name: five
      command: echo five
  handlers:
    - name: h1
      command: echo handler
- hosts: all
  gather_facts: false
  tasks:
    - name: second play a
      command: echo a
    - name: second play b
      command: echo b
`);

// Facts: y; one: Y; h1 at the flush: n (it stays notified); two: yes; three: empty (no); four: x (no);
// five: c (runs, and the rest of the play is not asked: h1 at the end runs); second play asked again: n, y.
const ANSWERS = 'y\nY\nn\nyes\n\nx\nc\nn\ny\n';
const SHORT = 'y\ny\n'; // runs out at h1
const args = (tool: 'ansible' | 'tsinfra', extra: string[] = []) => [...(tool === 'tsinfra' ? ['play'] : []), '-i', 'hosts.ini', '--step', ...extra, 'site.yml'];
const [full, short, json] = await Promise.all([
  Promise.all([o.ansible('ansible-playbook', args('ansible'), 120_000, ANSWERS), o.tsinfra(args('tsinfra'), 120_000, ANSWERS)]),
  Promise.all([o.ansible('ansible-playbook', args('ansible'), 120_000, SHORT), o.tsinfra(args('tsinfra'), 120_000, SHORT)]),
  o.tsinfra(args('tsinfra', ['--json']), 120_000, ANSWERS),
]);

const prompts = (out: string) => out.split('\n').filter((l) => l.startsWith('Perform task:'));
// The tasks that ran, by their banners (Ansible also prints one for meta: flush_handlers, which asks nothing).
const ran = (out: string) => [...out.matchAll(/^(TASK|RUNNING HANDLER) \[(.*)\] \*+$/gm)].map((m) => `${m[1]} ${m[2]}`).filter((t) => t !== 'TASK meta');
const seen = (r: { stdout: string; stderr: string; code: number | null }) => `exit ${r.code}\n${r.stdout.slice(-3000)}\n${r.stderr.slice(-1500)}`;

test('the same questions, the same tasks run and the same exit code as ansible-playbook --step', () => {
  const [ansible, ours] = full;
  assert.equal(ansible.code, 0, `ansible-playbook: ${seen(ansible)}`);
  assert.equal(ours.code, ansible.code, `tsinfra: ${seen(ours)}`);
  assert.ok(prompts(ansible.stdout).length >= 16, `ansible-playbook asked: ${seen(ansible)}`);
  assert.deepEqual(prompts(ours.stdout), prompts(ansible.stdout), `tsinfra: ${seen(ours)}`);
  assert.deepEqual(ran(ansible.stdout), ['TASK Gathering Facts', 'TASK one', 'TASK two', 'TASK five', 'RUNNING HANDLER h1', 'TASK second play b'], seen(ansible));
  assert.deepEqual(ran(ours.stdout), ran(ansible.stdout), `tsinfra: ${seen(ours)}`);
});

test('stdin ending at a question stops the run there: exit 2, as ansible-playbook', () => {
  const [ansible, ours] = short;
  assert.equal(ansible.code, 2, `ansible-playbook: ${seen(ansible)}`);
  assert.equal(ours.code, ansible.code, `tsinfra: ${seen(ours)}`);
  assert.deepEqual(prompts(ours.stdout), prompts(ansible.stdout), `tsinfra: ${seen(ours)}`);
  assert.deepEqual(ran(ours.stdout), ran(ansible.stdout), `tsinfra: ${seen(ours)}`);
  assert.match(ours.stderr, /--step: stdin ended/);
});

test('--json: the questions go to stderr, stdout stays JSON lines with the same tasks run', () => {
  assert.equal(json.code, 0, seen(json));
  const events = jsonLines(json.stdout); // throws on a line that is not JSON
  const names = events.filter((e) => e.type === 'task_start').map((e) => (e.task as { name: string }).name);
  assert.deepEqual(names, ['Gathering Facts', 'one', 'two', 'five', 'h1', 'second play b'], seen(json));
  assert.equal(json.stderr.split('\n').filter((l) => l.startsWith('Perform task:')).length, 9, seen(json));
  console.log(`play-step: ${((Date.now() - started) / 1000).toFixed(1)} s`);
});
