// Ansible keywords real roles use, run through the fake transport: with_<lookup> loops, retries without until,
// task timeout, include_tasks apply, blocks in handlers, include_vars, role defaults/ and vars/ directories.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { FakeTransport } from '../../../src/transport/fake.js';
import { inventoryOf, runFakePlay } from '../../support/fake-play.js';

const ONE = inventoryOf('h1');
const commands = (r: { fake: FakeTransport }) => r.fake.calls('h1').map((c) => c.command);

const playOf = (tasks: string, extra = '') => `- hosts: all
  gather_facts: false
${extra}  tasks:
${tasks}`;

// ---- with_<lookup> ------------------------------------------------------------------------------------------------

test('with_dict loops over key/value pairs of a templated mapping', async () => {
  const play = playOf(
    `    - name: each
      command: "user {{ item.key }} {{ item.value.uid }}"
      with_dict: "{{ users }}"
`,
    '  vars:\n    users: { alice: { uid: 1001 }, bob: { uid: 1002 } }\n',
  );
  const r = await runFakePlay({ files: { 'inventory.yaml': ONE, 'site.yaml': play } });
  assert.deepEqual(commands(r), ['user alice 1001', 'user bob 1002']);
});

test('with_sequence, with_together, with_nested, with_subelements and with_indexed_items run their lookups', async () => {
  const play = playOf(
    `    - name: seq
      command: "seq {{ item }}"
      with_sequence: start=1 end=3 format=n%02d
    - name: together
      command: "pair {{ item.0 }} {{ item.1 }}"
      with_together: [[a, b], [1, 2]]
    - name: nested
      command: "nest {{ item[0] }}{{ item[1] }}"
      with_nested: [[x, y], [1, 2]]
    - name: sub
      command: "key {{ item.0.name }} {{ item.1 }}"
      with_subelements: ["{{ people }}", keys]
    - name: indexed
      command: "idx {{ item.0 }} {{ item.1 }}"
      with_indexed_items: [p, q]
`,
    '  vars:\n    people: [{ name: ann, keys: [k1, k2] }, { name: bo, keys: [k3] }]\n',
  );
  const r = await runFakePlay({ files: { 'inventory.yaml': ONE, 'site.yaml': play } });
  assert.deepEqual(commands(r), [
    'seq n01', 'seq n02', 'seq n03',
    'pair a 1', 'pair b 2',
    'nest x1', 'nest x2', 'nest y1', 'nest y2',
    'key ann k1', 'key ann k2', 'key bo k3',
    'idx 0 p', 'idx 1 q',
  ]);
});

test('with_first_found in a role: an undefined candidate is skipped, files/ of the role is searched', async () => {
  const play = `- hosts: all
  gather_facts: false
  roles: [r]
`;
  const tasks = `- name: pick
  command: "use {{ item | basename }}"
  with_first_found:
    - "{{ not_defined_anywhere }}.conf"
    - "{{ flavour }}.conf"
    - default.conf
`;
  const files = {
    'inventory.yaml': ONE,
    'site.yaml': play,
    'roles/r/tasks/main.yaml': tasks,
    'roles/r/defaults/main.yaml': 'flavour: debian\n',
    'roles/r/files/default.conf': 'x\n',
    'roles/r/files/debian.conf': 'y\n',
  };
  const r = await runFakePlay({ files });
  assert.deepEqual(commands(r), ['use debian.conf']);
});

// ---- retries, timeout ------------------------------------------------------------------------------------------------

test('retries without until retries until the task succeeds (ansible-core 2.16)', async () => {
  const play = playOf(`    - name: flaky
      command: fetch it
      retries: 3
      delay: 0
`);
  const fake = new FakeTransport().on('fetch it', { stdout: 'ok\n' }).fail('fetch it', 'not yet', { times: 2 });
  const r = await runFakePlay({ fake, files: { 'inventory.yaml': ONE, 'site.yaml': play } });
  assert.equal(r.fake.received('fetch it').length, 3);
  assert.equal(r.status('flaky', 'h1'), 'changed');
});

test('task timeout: a task running longer than timeout seconds fails, and the play goes on for other tasks', async () => {
  const play = playOf(`    - name: slow
      command: sleep long
      timeout: 1
      ignore_errors: true
    - name: next
      command: after
`);
  const fake = new FakeTransport().on('sleep long', () => new Promise((resolve) => setTimeout(() => resolve({ stdout: 'late\n' }), 3000)));
  const started = Date.now();
  const r = await runFakePlay({ fake, files: { 'inventory.yaml': ONE, 'site.yaml': play } });
  assert.equal(r.status('slow', 'h1'), 'failed');
  assert.match(r.results('slow')[0]!.message ?? '', /timeout \(1s\)/);
  assert.ok(Date.now() - started < 2900, 'the task did not wait for the command');
  assert.equal(r.status('next', 'h1'), 'changed');
});

// ---- includes, handlers ------------------------------------------------------------------------------------------------

test('include_tasks with args: apply gives its keywords to the included tasks', async () => {
  const play = playOf(`    - include_tasks: inner.yaml
      args:
        apply: { become: true, become_user: deploy }
    - name: outside
      command: plain
`);
  const inner = '- name: inside\n  command: elevated\n';
  const r = await runFakePlay({ files: { 'inventory.yaml': ONE, 'site.yaml': play, 'inner.yaml': inner } });
  assert.deepEqual(r.fake.calls('h1').map((c) => [c.command, c.become]), [['elevated', 'deploy'], ['plain', undefined]]);
});

test('a block in handlers: its tasks are handlers, notified by name or listen, with the block keywords', async () => {
  const play = playOf(
    `    - name: change
      command: change it
      notify: reload all
`,
    `  handlers:
    - block:
        - name: restart a
          command: restart a
          listen: reload all
        - name: restart b
          command: restart b
      become: true
`,
  );
  const r = await runFakePlay({ files: { 'inventory.yaml': ONE, 'site.yaml': play } });
  assert.deepEqual(r.fake.calls('h1').map((c) => [c.command, c.become]), [['change it', undefined], ['restart a', 'root']]);
});

// ---- include_vars ------------------------------------------------------------------------------------------------------

test('include_vars with with_first_found: the per-OS vars file of the role wins over play vars and role defaults', async () => {
  const play = `- hosts: all
  vars: { pkg: from-play }
  roles: [r]
`;
  const tasks = `- name: os vars
  include_vars: "{{ item }}"
  with_first_found:
    - "{{ ansible_distribution }}.yml"
    - default.yml
- name: install
  command: "install {{ pkg }} {{ extra | default('none') }}"
`;
  const files = {
    'inventory.yaml': ONE,
    'site.yaml': play,
    'roles/r/tasks/main.yaml': tasks,
    'roles/r/defaults/main.yaml': 'pkg: from-defaults\n',
    'roles/r/vars/Debian.yml': 'pkg: from-debian\nextra: yes\n',
    'roles/r/vars/default.yml': 'pkg: from-default\n',
  };
  const r = await runFakePlay({ files });
  assert.deepEqual(commands(r).filter((c) => c?.startsWith('install')), ['install from-debian True']);
});

test('include_vars: a file beside the playbook, file with name, and dir (sorted, later wins)', async () => {
  const play = playOf(`    - include_vars: common.yml
    - include_vars: { file: vars/db.yml, name: db }
    - include_vars: { dir: conf.d }
    - name: show
      command: "show {{ region }} {{ db.port }} {{ level }} {{ first }}"
`);
  const files = {
    'inventory.yaml': ONE,
    'site.yaml': play,
    'vars/common.yml': 'region: eu\n',
    'vars/db.yml': 'port: 5432\n',
    'conf.d/10-a.yml': 'level: one\nfirst: yes\n',
    'conf.d/20-b.yaml': 'level: two\n',
  };
  const r = await runFakePlay({ files });
  assert.deepEqual(commands(r), ['show eu 5432 two True']);
});

// ---- omit and lookups in arguments --------------------------------------------------------------------------------

test('omit: an argument rendered to {{ omit }} is left out, at any depth; other arguments stay', async () => {
  const play = playOf(
    `    - name: with chdir omitted
      command:
        cmd: "echo hi"
        chdir: "{{ workdir | default(omit) }}"
    - name: with chdir given
      command:
        cmd: "echo there"
        chdir: "{{ other | default(omit) }}"
`,
    '  vars:\n    other: /tmp\n',
  );
  const r = await runFakePlay({ files: { 'inventory.yaml': ONE, 'site.yaml': play } });
  const sent = r.fake.calls('h1').map((c) => c.script);
  assert.equal(sent.length, 2, sent.join('\n'));
  assert.ok(!sent[0]!.includes('/tmp'), `no chdir when omitted:\n${sent[0]}`);
  assert.ok(!sent[0]!.includes('omit_place_holder'), `the placeholder never reaches the host:\n${sent[0]}`);
  assert.match(sent[1]!, /^cd '?\/tmp'? /m, `chdir when given:\n${sent[1]}`);
});

test("lookup('file') in a task argument finds the role's files/ first", async () => {
  const r = await runFakePlay({
    files: {
      'inventory.yaml': ONE,
      'site.yaml': "- hosts: all\n  gather_facts: false\n  roles: [app]\n",
      'roles/app/tasks/main.yaml': "- command: \"echo {{ lookup('file', 'motd.txt') }}\"\n",
      'roles/app/files/motd.txt': 'from-the-role\n',
      'motd.txt': 'from-the-playbook-dir\n',
    },
  });
  assert.deepEqual(commands(r), ['echo from-the-role']);
});

test("a template file sees Ansible's template vars (ansible_managed, template_path) over the task's, a task argument does not", async () => {
  const r = await runFakePlay({
    files: {
      'inventory.yaml': ONE,
      'site.yaml': "- hosts: all\n  gather_facts: false\n  vars: { ansible_managed: mine }\n  roles: [app]\n",
      'roles/app/tasks/main.yaml': [
        "- command: \"echo {{ lookup('template', 'm.j2') | trim }}\"",
        '- command: "echo {{ ansible_managed }} {{ template_path | default(\'none\') }}"',
        '- template: { src: conf.j2, dest: /etc/app.conf }',
        '',
      ].join('\n'),
      'roles/app/templates/m.j2': '{{ ansible_managed }} {{ template_path }}\n',
      'roles/app/templates/conf.j2': '{{ ansible_managed | comment }}\nkey = 1\n',
    },
  });
  const sent = r.fake.calls('h1');
  assert.equal(sent[0]?.command, 'echo Ansible managed m.j2', 'lookup: template_path is the name given');
  assert.equal(sent[1]?.command, 'echo mine none', 'outside a template file: the play var, and no template_path');
  // The template module's probe compares the host's file with the rendered text's sha256.
  const sha = createHash('sha256').update('#\n# Ansible managed\n#\nkey = 1\n').digest('hex');
  assert.ok(sent[2]?.script.includes(sha), `the template module rendered ansible_managed:\n${sent[2]?.script}`);
});

test('set_fact in a loop: each item sees the facts the items before it set (the accumulate idiom)', async () => {
  const play = playOf(
    `    - set_fact:
        acc: "{{ acc | default([]) + [defaults | combine(item)] }}"
      loop: "{{ nets }}"
    - command: "echo {{ acc | map(attribute='id') | join(',') }} {{ acc | selectattr('enabled') | map(attribute='id') | join(',') }}"
`,
    '  vars:\n    nets: [{ id: a }, { id: b, enabled: false }, { id: c }]\n    defaults: { enabled: true }\n',
  );
  const r = await runFakePlay({ files: { 'inventory.yaml': ONE, 'site.yaml': play } });
  assert.deepEqual(commands(r), ['echo a,b,c a,c']);
});

test('a variable that is a template is rendered where it is read: with the loop item, and an undefined name fails there', async () => {
  const play = playOf(
    `    - name: per item
      command: "user={{ u }}"
      vars:
        u: "{{ item.name }}"
      loop: [{ name: ann }, { name: bo }]
    - name: undefined inside a variable
      command: "echo {{ a }}"
      vars:
        a: "{{ nope }}-x"
      ignore_errors: true
`,
  );
  const r = await runFakePlay({ files: { 'inventory.yaml': ONE, 'site.yaml': play } });
  assert.deepEqual(commands(r), ['user=ann', 'user=bo']);
  const failed = r.results('undefined inside a variable')[0]!;
  assert.equal(failed.status, 'failed');
  assert.match(failed.message ?? '', /undefined variable "nope"/);
});
