// Loading what real Ansible roles write: defaults/ and vars/ as directories, unquoted octal modes, templated alias
// arguments, static template sources checked at load, handlers that fail to load.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { loadPlaybook } from '../../../src/playbook/load-playbook.js';
import { registryCatalog } from '../../../src/playbook/registry-catalog.js';
import type { ModuleTask } from '../../../src/playbook/playbook-plan.js';
import { ValidationErrors } from '../../../src/playbook/validation-errors.js';
import { writeTree } from './playbook-helpers.js';

const ROLE_PLAY = '- hosts: all\n  roles: [r]\n';

/** Load with the real module registry (the octal and alias rules are the registry's). */
async function loadReal(files: Record<string, string>) {
  const dir = writeTree(files);
  return loadPlaybook(join(dir, 'site.yml'), { rolesPath: [], catalog: registryCatalog, projectDir: dir });
}

async function problemsReal(files: Record<string, string>): Promise<string[]> {
  try {
    await loadReal(files);
  } catch (err) {
    assert.ok(err instanceof ValidationErrors, String(err));
    return err.problems.map((p) => `${p.position.line}:${p.position.column} ${p.message}${p.hint ? ` (hint: ${p.hint})` : ''}`);
  }
  return [];
}

test('defaults/main/ and vars/main/ directories: every file, sorted (subdirectories too), later files win', async () => {
  const plan = await loadReal({
    'site.yml': ROLE_PLAY,
    'roles/r/tasks/main.yml': '- debug: { msg: hi }\n',
    'roles/r/defaults/main/10-late.yml': 'port: 80\nlate: true\n',
    'roles/r/defaults/main/01-early.yaml': 'port: 22\nearly: true\n',
    'roles/r/defaults/main/05-sub/x.yml': 'sub: true\nport: 25\n',
    'roles/r/defaults/main/notes.txt': 'not: vars\n',
    'roles/r/vars/main/a.yml': 'v: 1\n',
  });
  const role = plan.roles.r!;
  assert.deepEqual(role.defaults, { port: 80, early: true, sub: true, late: true });
  assert.deepEqual(role.vars, { v: 1 });
});

test('mode: 0644 unquoted is the text "0644"; mode: 644 is refused with the user\'s own digits in the fix', async () => {
  const plan = await loadReal({
    'site.yml': `- hosts: all
  tasks:
    - name: octal
      file: { path: /etc/a, mode: 0644 }
    - name: octal in args
      file: { path: /etc/b }
      args: { mode: 01777 }
    - name: quoted
      copy: { dest: /etc/c, content: x, mode: "0600" }
`,
  });
  const args = plan.plays[0]!.tasks.map((t) => ((t as ModuleTask).args as { mode: unknown }).mode);
  assert.deepEqual(args, ['0644', '01777', '0600']);
  const problems = await problemsReal({
    'site.yml': `- hosts: all
  tasks:
    - name: decimal
      file: { path: /etc/a, mode: 644 }
    - name: other decimal
      file: { path: /etc/b, mode: 755 }
`,
  });
  assert.deepEqual(problems.map((p) => /write mode: "(\d+)"/.exec(p)?.[1]), ['0644', '0755']);
});

test('a templated value under an alias (lineinfile dest) is left to run time; a literal one is checked at its own line', async () => {
  const ok = await problemsReal({
    'site.yml': `- hosts: all
  tasks:
    - name: templated alias
      lineinfile: { dest: "{{ cfg }}", line: "x = 1" }
`,
  });
  assert.deepEqual(ok, []);
  const bad = await problemsReal({
    'site.yml': `- hosts: all
  tasks:
    - name: relative alias
      lineinfile:
        dest: etc/app.conf
        line: "x = 1"
`,
  });
  assert.equal(bad.length, 1);
  assert.match(bad[0]!, /site.yml:5:15: task "relative alias": lineinfile.path must be an absolute path/);
});

test('a handler that fails to load is reported once: notifying it (by name or listen) is no second problem', async () => {
  const problems = await problemsReal({
    'site.yml': `- hosts: all
  tasks:
    - name: change
      command: touch /x
      notify: [restart app, app changed]
  handlers:
    - name: restart app
      servce: { name: app, state: restarted }
      listen: app changed
`,
  });
  assert.equal(problems.length, 1, problems.join('\n'));
  assert.match(problems[0]!, /unknown key "servce" \(did you mean "service"\?\)/);
});

test('template src: a missing static file and a template that does not compile are load problems at src', async () => {
  const problems = await problemsReal({
    'site.yml': `- hosts: all
  roles: [r]
  tasks:
    - name: missing
      template: { src: nope.conf.j2, dest: /etc/nope.conf }
    - name: templated src is left to run time
      template: { src: "{{ flavour }}.j2", dest: /etc/x.conf }
`,
    'roles/r/tasks/main.yml': `- name: broken
  template:
    src: app.conf.j2
    dest: /etc/app.conf
- name: fine
  template: { src: ok.conf.j2, dest: /etc/ok.conf }
`,
    'roles/r/templates/app.conf.j2': 'port = {{ port | no_such_filter }}\n',
    'roles/r/templates/ok.conf.j2': '{% if port %}port = {{ port }}{% endif %}\n',
  });
  assert.equal(problems.length, 2, problems.join('\n'));
  assert.match(problems[0]!, /tasks\/main.yml:3:10: task "broken": template src "app.conf.j2": .*app.conf.j2.*no_such_filter/);
  assert.match(problems[1]!, /site.yml:5:24: task "missing": template src "nope.conf.j2" not found \(looked for templates\/nope.conf.j2, nope.conf.j2\)/);
});

test('an Ansible module tsinfra lacks names the nearest module by purpose, not by spelling', async () => {
  const problems = await problemsReal({
    'site.yml': `- hosts: all
  tasks:
    - firewalld: { service: ssh, state: enabled }
    - ansible.posix.firewalld: { service: ssh, state: enabled }
    - ansible.builtin.yum: { name: curl }
`,
  });
  assert.deepEqual(problems.map((p) => p.replace(/ \/\S+site\.yml:\d+:\d+:/, '')), [
    '3:7 task #1 in site.yml: tsinfra has no module "firewalld" (hint: nearest by purpose: firewall (docs/modules.md))',
    '4:7 task #2 in site.yml: tsinfra has no module "ansible.posix.firewalld" (hint: nearest by purpose: firewall (docs/modules.md))',
    '5:7 task #3 in site.yml: tsinfra has no module "ansible.builtin.yum" (hint: nearest by purpose: package (docs/modules.md))',
  ]);
});
