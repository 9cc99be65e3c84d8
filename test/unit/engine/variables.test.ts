// Variable precedence as the engine applies it (src/engine/variables.ts, docs/playbooks.md "Variable precedence"),
// one level against the next, through a real role, inventory directory and playbook.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { inventoryOf, runFakePlay } from '../../support/fake-play.js';

// Each variable is set at two neighbouring levels (and lower ones); its value names the level that must win.
const FILES = {
  'inventory.yaml': inventoryOf('h1@web', 'h2@web'),
  'roles/r/defaults/main.yaml': `
a: role-defaults
b: role-defaults
only_default: role-defaults
`,
  'group_vars/all.yaml': `
a: group-all
b: group-all
c: group-all
`,
  'group_vars/web.yaml': `
b: group-web
c: group-web
d: group-web
`,
  'host_vars/h1.yaml': `
c: host-vars
d: host-vars
`,
  'roles/r/tasks/main.yaml': `
- name: show
  debug:
    msg: "a={{ a }} b={{ b }} c={{ c }} d={{ d }} e={{ e }} f={{ f }} g={{ g }} only_default={{ only_default }}"
  vars:
    e: task-vars
    f: task-vars
- name: set
  set_fact:
    f: set-fact
    g: set-fact
- name: show after set_fact
  debug:
    msg: "f={{ f }} g={{ g }}"
  vars:
    f: task-vars
    g: task-vars
`,
  'site.yaml': `
- hosts: all
  gather_facts: false
  vars:
    d: play-vars
    e: play-vars
    g: play-vars
  roles:
    - r
`,
};

function messages(r: Awaited<ReturnType<typeof runFakePlay>>, task: string): Record<string, string | undefined> {
  return Object.fromEntries(r.results(task).map((x) => [x.host, x.message]));
}

test('role defaults < group_vars all < child group < host_vars < play vars < task vars', async () => {
  const r = await runFakePlay({ files: FILES });
  assert.deepEqual(messages(r, 'show'), {
    h1: 'a=group-all b=group-web c=host-vars d=play-vars e=task-vars f=task-vars g=play-vars only_default=role-defaults',
    h2: 'a=group-all b=group-web c=group-web d=play-vars e=task-vars f=task-vars g=play-vars only_default=role-defaults',
  });
});

test('set_fact wins over task vars and play vars on later tasks', async () => {
  const r = await runFakePlay({ files: FILES });
  assert.deepEqual(messages(r, 'show after set_fact'), { h1: 'f=set-fact g=set-fact', h2: 'f=set-fact g=set-fact' });
});

test('extra vars win over every other level, set_fact included', async () => {
  const r = await runFakePlay({ files: FILES, extraVars: { a: 'extra', c: 'extra', e: 'extra', f: 'extra' } });
  assert.match(messages(r, 'show').h1!, /^a=extra b=group-web c=extra d=play-vars e=extra f=extra /);
  assert.equal(messages(r, 'show after set_fact').h1, 'f=extra g=set-fact');
});

test('register is at the set_fact level: it wins over play vars of the same name', async () => {
  const r = await runFakePlay({
    files: {
      'inventory.yaml': inventoryOf('h1'),
      'site.yaml': `
- hosts: all
  gather_facts: false
  vars:
    out: from-play
  tasks:
    - name: run
      command: echo hi
      register: out
    - name: show
      debug: { msg: "rc={{ out.rc }}" }
`,
    },
  });
  assert.equal(r.results('show')[0]!.message, 'rc=0');
});

test('a set_fact on one host is not seen by another, but hostvars shows it', async () => {
  const r = await runFakePlay({
    files: {
      'inventory.yaml': inventoryOf('h1', 'h2'),
      'site.yaml': `
- hosts: all
  gather_facts: false
  tasks:
    - set_fact: { mine: "{{ inventory_hostname }}" }
    - name: show
      debug: { msg: "{{ mine }} {{ hostvars.h2.mine }}" }
`,
    },
  });
  assert.deepEqual(messages(r, 'show'), { h1: 'h1 h2', h2: 'h2 h2' });
});

test('facts gathered through the fake are variables: facts and ansible_facts', async () => {
  const r = await runFakePlay({
    files: {
      'inventory.yaml': inventoryOf('h1'),
      'site.yaml': `
- hosts: all
  tasks:
    - name: show
      debug: { msg: "{{ facts.hostname }} {{ ansible_facts.os.family }} {{ facts.default_ipv4.address }}" }
`,
    },
  });
  assert.equal(r.results('show')[0]!.message, 'h1 debian 10.0.0.10');
  assert.equal(r.status('Gathering Facts', 'h1'), 'ok');
});

// toHostResult (task-runner.ts) reports `msg` only when it is a string, and nothing else debug returns: a message
// that renders to a number or a list, and `debug: var:`, are not in the host result, so the play output shows nothing.
test('debug shows a message that renders to a number, and the value of `var`', { todo: 'toHostResult keeps only string msg' }, async () => {
  const r = await runFakePlay({
    files: {
      'inventory.yaml': inventoryOf('h1'),
      'site.yaml': `
- hosts: all
  gather_facts: false
  vars:
    n: 3
  tasks:
    - name: number
      debug: { msg: "{{ n }}" }
    - name: var
      debug: { var: n }
`,
    },
  });
  assert.match(r.results('number')[0]!.message ?? '', /3/);
  assert.match(r.results('var')[0]!.message ?? '', /3/);
});
