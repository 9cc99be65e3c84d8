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

// debug shows any value, as ansible-playbook's default callback does: the host result carries the shown mapping
// (`{ msg: value }` or `{ <var>: value }`) and a one-line message; an undefined `var` shows Ansible's marker.
test('debug shows a message that renders to a number or a list, and the value of `var`', async () => {
  const r = await runFakePlay({
    files: {
      'inventory.yaml': inventoryOf('h1'),
      'site.yaml': `
- hosts: all
  gather_facts: false
  vars:
    n: 3
    m: { z: [1, 2], a: "é" }
  tasks:
    - name: number
      debug: { msg: "{{ n }}" }
    - name: list
      debug: { msg: "{{ [n, 'x'] }}" }
    - name: var
      debug: { var: m }
    - name: undefined
      debug: { var: nope }
    - name: text
      debug: { msg: "hi {{ n }}" }
`,
    },
  });
  const only = (name: string) => r.results(name)[0]!;
  assert.equal(only('number').message, '3');
  assert.deepEqual(only('number').debug, { msg: 3 });
  assert.equal(only('list').message, '[3, "x"]');
  assert.deepEqual(only('var').debug, { m: { z: [1, 2], a: 'é' } });
  assert.equal(only('var').message, '{"m": {"a": "é", "z": [1, 2]}}');
  assert.deepEqual(only('undefined').debug, { nope: 'VARIABLE IS NOT DEFINED!' });
  assert.equal(only('text').message, 'hi 3');
  assert.deepEqual(only('text').debug, { msg: 'hi 3' });
});

// As ansible-playbook 2.14 prints it (checked): the vars of include_tasks and include_role are include parameters,
// above set_fact; those of import_tasks and import_role are task vars, below it.
test('include parameters beat set_fact; import vars do not', async () => {
  const r = await runFakePlay({
    files: {
      'inventory.yaml': inventoryOf('h1'),
      't.yml': `- name: show\n  debug: { msg: "{{ a }} {{ b }} {{ c }} {{ d }}" }\n`,
      'roles/r/tasks/main.yml': `- name: show\n  debug: { msg: "{{ a }} {{ b }} {{ c }} {{ d }}" }\n`,
      'site.yaml': `
- hosts: all
  gather_facts: false
  tasks:
    - set_fact: { a: sf, b: sf, c: sf, d: sf }
    - include_tasks: t.yml
      vars: { a: inc }
    - import_tasks: t.yml
      vars: { b: imp }
    - include_role: { name: r }
      vars: { c: incrole }
    - import_role: { name: r }
      vars: { d: improle }
`,
    },
  });
  assert.deepEqual(r.results('show').map((x) => x.message), ['inc sf sf sf', 'sf sf sf sf', 'sf sf incrole sf', 'sf sf sf sf']);
});
