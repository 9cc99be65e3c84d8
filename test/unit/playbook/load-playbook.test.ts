// The plan a good playbook loads into: order, inheritance, roles, handlers, includes, and that it is plain data.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import type { BlockNode, IncludeRoleNode, IncludeTasksNode, ModuleTask, PlaybookPlan } from '../../../src/playbook/playbook-plan.js';
import { GOOD, byName, flat, load, problemsOf, writeTree } from './playbook-helpers.js';

const SITE = join(GOOD, 'site.yml');
let cached: Promise<PlaybookPlan> | undefined;
const good = () => (cached ??= load(SITE));

const task = (plan: PlaybookPlan, name: string) => byName(plan, name) as ModuleTask;

test('plays in order, imported playbook first, with their settings', async () => {
  const plan = await good();
  assert.equal(plan.plays.length, 2);
  const [web, all] = plan.plays;
  assert.equal(web!.file, join(GOOD, 'web.yml'));
  assert.equal(web!.hosts, 'web,db:&prod');
  assert.equal(web!.strategy, 'free');
  assert.equal(web!.maxFailPercentage, 25);
  assert.equal(web!.anyErrorsFatal, true);
  assert.deepEqual(web!.vars, { from_import: true });
  assert.equal(web!.gatherFacts, true);
  assert.deepEqual(task(plan, 'Ping').environment, [{ http_proxy: 'http://proxy:3128', LANG: 'C' }]);

  assert.equal(all!.name, 'All hosts');
  assert.equal(all!.label, 'play "All hosts"');
  assert.deepEqual(all!.at, { file: SITE, line: 6, column: 3 });
  assert.equal(all!.gatherFacts, false);
  assert.equal(all!.become, true);
  assert.deepEqual(all!.serial, [1, '30%']);
  assert.equal(all!.strategy, 'linear');
  assert.deepEqual(all!.tags, ['base']);
  assert.deepEqual(all!.roles, ['common', 'base', 'nginx']);
});

test('vars_files: plain paths load now, templated ones wait for run time', async () => {
  const [, all] = (await good()).plays;
  assert.deepEqual(all!.varsFiles[0]!.loaded, { file: join(GOOD, 'vars/common.yml'), vars: { packages: ['ntp', 'curl'], install_nginx: true } });
  assert.deepEqual(all!.varsFiles[1]!.candidates, ['vars/{{ missing_os }}.yml', 'vars/common.yml']);
  assert.equal(all!.varsFiles[1]!.loaded, undefined);
});

test('task order: pre_tasks, roles (dependencies first), tasks, post_tasks', async () => {
  const [, all] = (await good()).plays;
  const top = all!.tasks.map((t) => [t.section, t.kind, t.name ?? t.label]);
  assert.deepEqual(top, [
    ['pre_tasks', 'task', 'Update apt cache'],
    ['roles', 'task', 'Base task'],
    ['roles', 'task', 'Common motd'],
    ['roles', 'task', 'Install nginx'],
    ['roles', 'task', 'Configure nginx'],
    ['tasks', 'task', 'Install packages'],
    ['tasks', 'task', 'task #3 in site.yml'],
    ['tasks', 'block', 'Guarded'],
    ['tasks', 'task', 'Extra one'],
    ['tasks', 'task', 'Nested'],
    ['tasks', 'include_tasks', 'task #9 in site.yml'],
    ['tasks', 'include_tasks', 'task #10 in site.yml'],
    ['tasks', 'include_role', 'task #11 in site.yml'],
    ['tasks', 'task', 'Wait for it'],
    ['post_tasks', 'task', 'Never by default'],
  ]);
});

test('module tasks keep raw args, the FQCN as written, and their position', async () => {
  const plan = await good();
  const apt = task(plan, 'Update apt cache');
  assert.equal(apt.module, 'apt');
  assert.equal(apt.action, 'ansible.builtin.apt');
  assert.deepEqual(apt.args, { update_cache: true });
  assert.deepEqual(apt.at, { file: SITE, line: 25, column: 7 });
  assert.deepEqual(apt.argsAt, { file: SITE, line: 27, column: 9 });
  const packages = task(plan, 'Install packages');
  assert.deepEqual(packages.args, { name: '{{ item }}', state: 'present' });
  assert.deepEqual(packages.loop, { items: '{{ packages }}', at: { file: SITE, line: 33, column: 13 }, flatten: false, loopVar: 'item', label: '{{ item }}' });
  const shell = flat(plan.plays[1]!.tasks).find((t) => t.label === 'task #3 in site.yml') as ModuleTask;
  assert.equal(shell.module, 'shell');
  assert.deepEqual(shell.args, { chdir: '/tmp', cmd: 'echo hi' }, 'args: merged under the free-form command');
  assert.equal(shell.register, 'hi');
  assert.deepEqual(shell.changedWhen, [{ expr: false, at: { file: SITE, line: 42, column: 21 } }]);
  const wait = task(plan, 'Wait for it');
  assert.deepEqual(wait.until?.map((c) => c.expr), ['result.rc == 0']);
  assert.equal(wait.retries, 5);
  assert.equal(wait.delay, 2);
  assert.equal(wait.delegateTo, 'localhost');
  assert.equal(wait.runOnce, true);
});

test('play keywords reach every task; role references add theirs', async () => {
  const plan = await good();
  const base = task(plan, 'Base task');
  assert.equal(base.role, 'base');
  assert.deepEqual(base.tags, ['base']);
  assert.equal(base.become, true);
  const nginx = task(plan, 'Install nginx');
  assert.equal(nginx.role, 'nginx');
  assert.deepEqual(nginx.tags, ['base', 'web']);
  assert.deepEqual(nginx.when.map((c) => c.expr), ['install_nginx | default(true)']);
  // A role reference's vars are role-level vars (below vars/main.yml, as Ansible), not task vars.
  assert.deepEqual(nginx.vars, {});
  assert.deepEqual(nginx.roleVars, { nginx_port: 8080 }, 'role reference vars');
  // imported inside the role: same inheritance
  const configure = flat(plan.plays[1]!.tasks).filter((t) => t.name === 'Configure nginx') as ModuleTask[];
  assert.deepEqual(configure[0]!.roleVars, { nginx_port: 8080 });
  assert.deepEqual(configure[0]!.tags, ['base', 'web']);
  const roles = plan.roles;
  assert.deepEqual(Object.keys(roles).sort(), ['base', 'common', 'nginx']);
  assert.deepEqual(roles.common!.dependencies, ['base']);
  assert.deepEqual(roles.common!.defaults, { motd_text: 'hello' });
  assert.deepEqual(roles.common!.vars, { common_dir: '/srv/common' });
  assert.equal(roles.common!.templatesDir, join(GOOD, 'roles/common/templates'));
  assert.equal(roles.common!.filesDir, join(GOOD, 'roles/common/files'));
  assert.equal(roles.base!.tasksDir, join(GOOD, 'roles/base/tasks'));
});

test('blocks pass their keywords to every child, rescue and always included', async () => {
  const plan = await good();
  const block = byName(plan, 'Guarded') as BlockNode;
  assert.equal(block.kind, 'block');
  const children = [...block.block, ...block.rescue, ...block.always];
  assert.deepEqual(children.map((c) => c.kind), ['task', 'task', 'meta']);
  for (const child of children) {
    assert.deepEqual(child.when.map((c) => c.expr), ['ansible_os_family == "Debian"']);
    assert.equal(child.becomeUser, 'root');
    assert.equal(child.become, true);
    assert.deepEqual(child.tags, ['base', 'config']);
  }
  assert.equal(block.always[0]!.kind === 'meta' && block.always[0]!.action, 'flush_handlers');
});

test('imports are inlined with their vars and tags; includes stay nodes', async () => {
  const plan = await good();
  for (const name of ['Extra one', 'Nested']) {
    const t = task(plan, name);
    assert.deepEqual(t.vars, { extra_var: 1 });
    assert.deepEqual(t.tags, ['base', 'extra']);
  }
  const includes = plan.plays[1]!.tasks.filter((t) => t.kind === 'include_tasks') as IncludeTasksNode[];
  assert.equal(includes[0]!.file, 'tasks/included.yml');
  assert.equal(includes[0]!.loop?.loopVar, 'thing');
  assert.deepEqual(includes[0]!.tasks?.map((t) => t.name), ['Included task']);
  assert.equal(includes[1]!.file, 'tasks/{{ dynamic_name }}.yml');
  assert.equal(includes[1]!.tasks, undefined, 'templated path: loaded at run time');
  assert.deepEqual(includes[1]!.context.searchDirs, [GOOD]);
  const role = plan.plays[1]!.tasks.find((t) => t.kind === 'include_role') as IncludeRoleNode;
  assert.equal(role.roleName, 'nginx');
  assert.equal(role.tasksFrom, 'config');
  assert.equal(role.includedRole, 'nginx');
  assert.deepEqual(role.tasks?.map((t) => [t.name, t.role, t.vars]), [['Configure nginx', 'nginx', { nginx_port: 9090 }]]);
});

test('handlers: role handlers, then the play\'s; notify resolves by name, listen and "role : name"', async () => {
  const plan = await good();
  const play = plan.plays[1]!;
  assert.deepEqual(play.handlers.map((h) => [h.id, h.name, h.role ?? null, h.listen ?? null]), [
    ['2.h1', 'reload something', 'common', ['common handlers']],
    ['2.h2', 'restart nginx', 'nginx', null],
    ['2.h3', 'restart ntp', null, null],
  ]);
  assert.deepEqual(task(plan, 'Install packages').notify.map((n) => [n.name, n.handlers]), [['restart ntp', ['2.h3']]]);
  assert.deepEqual(task(plan, 'Write config').notify.map((n) => n.handlers), [['2.h3'], ['2.h1']]);
  assert.deepEqual(task(plan, 'Install nginx').notify.map((n) => n.handlers), [['2.h2']]);
  assert.deepEqual(task(plan, 'Common motd').notify.map((n) => n.handlers), [['2.h1']]);
});

test('ids are unique and the plan is plain JSON', async () => {
  const plan = await good();
  const ids = plan.plays.flatMap((p) => [...flat(p.tasks), ...p.handlers].map((t) => t.id));
  assert.equal(new Set(ids).size, ids.length);
  assert.deepEqual(JSON.parse(JSON.stringify(plan)), plan);
  assert.deepEqual(plan.warnings, []);
});

test('roles are looked up beside the playbook, then in the project, then on rolesPath', async () => {
  const role = (msg: string) => `- name: from ${msg}\n  debug:\n    msg: ${msg}\n`;
  const dir = writeTree({
    'playbooks/site.yml': '- hosts: all\n  roles: [one, two, three]\n',
    'playbooks/roles/one/tasks/main.yml': role('beside'),
    'roles/one/tasks/main.yml': role('project'),
    'roles/two/tasks/main.yml': role('project'),
    'extra/two/tasks/main.yml': role('extra'),
    'extra/three/tasks/main.yml': role('extra'),
  });
  const plan = await load(join(dir, 'playbooks/site.yml'), { projectDir: dir, rolesPath: ['extra'] });
  assert.deepEqual(plan.plays[0]!.tasks.map((t) => t.name), ['from beside', 'from project', 'from extra']);
  const err = await problemsOf(join(dir, 'playbooks/site.yml'), { projectDir: dir, rolesPath: [] });
  assert.match(err.problems[0]!.message, /role "three" not found \(looked in playbooks\/roles\/three, roles\/three\)/);
});

test('a role runs once per play for the same parameters, unless allow_duplicates', async () => {
  const dir = writeTree({
    'site.yml': [
      '- hosts: all',
      '  roles:',
      '    - app',
      '    - app',
      '    - { role: app, vars: { port: 2 } }',
      '    - dup',
      '    - dup',
      '    - web',
    ].join('\n'),
    'roles/common/tasks/main.yml': '- name: common\n  debug: {msg: c}\n',
    'roles/app/meta/main.yml': 'dependencies: [common]\n',
    'roles/app/tasks/main.yml': '- name: app\n  debug: {msg: a}\n',
    'roles/dup/meta/main.yml': 'allow_duplicates: true\n',
    'roles/dup/tasks/main.yml': '- name: dup\n  debug: {msg: d}\n',
    'roles/web/meta/main.yml': 'dependencies: [common]\n',
    'roles/web/tasks/main.yml': '- name: web\n  debug: {msg: w}\n',
  });
  const plan = await load(join(dir, 'site.yml'));
  assert.deepEqual(plan.plays[0]!.tasks.map((t) => [t.name, t.roleVars ?? {}]), [
    ['common', {}],
    ['app', {}],
    ['app', { port: 2 }],
    ['dup', {}],
    ['dup', {}],
    ['web', {}],
  ]);
});

test('include_tasks: own when/tags stay on the include, apply and vars pass down', async () => {
  const dir = writeTree({
    'site.yml': [
      '- hosts: all',
      '  tasks:',
      '    - include_tasks:',
      '        file: inc.yml',
      '        apply:',
      '          become: true',
      '          tags: [applied]',
      '      tags: [outer]',
      '      when: do_it',
      '      vars: { x: 1 }',
    ].join('\n'),
    'inc.yml': '- name: inner\n  debug: {msg: hi}\n',
  });
  const plan = await load(join(dir, 'site.yml'));
  const inc = plan.plays[0]!.tasks[0] as IncludeTasksNode;
  assert.deepEqual(inc.tags, ['outer']);
  assert.deepEqual(inc.when.map((c) => c.expr), ['do_it']);
  const inner = inc.tasks![0]!;
  assert.deepEqual(inner.tags, ['applied']);
  assert.deepEqual(inner.when, []);
  assert.equal(inner.become, true);
  assert.deepEqual(inner.vars, { x: 1 });
  assert.deepEqual(inc.context.inherit.tags, ['applied']);
});

test('a task file that includes itself is left to run time instead of looping', async () => {
  const dir = writeTree({
    'site.yml': '- hosts: all\n  tasks:\n    - include_tasks: again.yml\n',
    'again.yml': '- name: step\n  debug: {msg: x}\n- include_tasks: again.yml\n  when: more\n',
  });
  const plan = await load(join(dir, 'site.yml'));
  const outer = plan.plays[0]!.tasks[0] as IncludeTasksNode;
  const inner = outer.tasks![1] as IncludeTasksNode;
  assert.equal(inner.kind, 'include_tasks');
  assert.equal(inner.tasks, undefined);
});

test('static paths may use play vars and extra vars', async () => {
  const dir = writeTree({
    'site.yml': '- hosts: all\n  vars: { flavour: a }\n  tasks:\n    - import_tasks: "{{ flavour }}-{{ env }}.yml"\n',
    'a-prod.yml': '- name: prod task\n  debug: {msg: p}\n',
  });
  const plan = await load(join(dir, 'site.yml'), { extraVars: { env: 'prod' } });
  assert.equal(plan.plays[0]!.tasks[0]!.name, 'prod task');
  const err = await problemsOf(join(dir, 'site.yml'));
  assert.match(err.problems[0]!.message, /the import_tasks path "\{\{ flavour \}\}-\{\{ env \}\}.yml" uses "env", which is not known when the playbook loads/);
});

test('problems inside a file a static include loads are reported now', async () => {
  const dir = writeTree({
    'site.yml': '- hosts: all\n  tasks:\n    - include_tasks: inc.yml\n',
    'inc.yml': '- name: inner\n  debug: {msg: hi}\n  whenn: x\n',
  });
  const err = await problemsOf(join(dir, 'site.yml'));
  assert.deepEqual(err.problems[0]!.position, { file: join(dir, 'inc.yml'), line: 3, column: 3 });
  assert.match(err.problems[0]!.message, /task "inner": unknown key "whenn" \(did you mean "when"\?\)/);
});

test('warnings: a condition wrapped in {{ }}, and main.yml beside main.yaml', async () => {
  const dir = writeTree({
    'site.yml': '- hosts: all\n  roles: [r]\n  tasks:\n    - debug: {msg: x}\n      when: "{{ x }}"\n',
    'roles/r/tasks/main.yaml': '- name: yaml\n  debug: {msg: y}\n',
    'roles/r/tasks/main.yml': '- name: yml\n  debug: {msg: y}\n',
  });
  const plan = await load(join(dir, 'site.yml'));
  assert.equal(plan.plays[0]!.tasks[0]!.name, 'yaml');
  const messages = plan.warnings.map((w) => `${w.at.file.replace(dir, '')}:${w.at.line ?? ''}: ${w.message}`);
  assert.equal(messages.length, 2);
  assert.ok(messages.some((m) => m.startsWith('/roles/r/tasks/main.yml:: ignored: roles/r/tasks/main.yaml is used instead')), messages.join('\n'));
  assert.ok(messages.some((m) => m.startsWith('/site.yml:5: task #1 in site.yml: when: ') && m.includes('drop the {{ }}')), messages.join('\n'));
});

test('a templated notify is resolved at run time; handler names by listen topic', async () => {
  const dir = writeTree({
    'site.yml': [
      '- hosts: all',
      '  tasks:',
      '    - debug: {msg: x}',
      '      notify: ["restart {{ svc }}", web changed]',
      '  handlers:',
      '    - name: restart nginx',
      '      service: {name: nginx, state: restarted}',
      '      listen: web changed',
      '    - name: reload haproxy',
      '      service: {name: haproxy, state: reloaded}',
      '      listen: [web changed]',
    ].join('\n'),
  });
  const plan = await load(join(dir, 'site.yml'));
  const t = plan.plays[0]!.tasks[0] as ModuleTask;
  assert.deepEqual(t.notify.map((n) => [n.name, n.handlers]), [
    ['restart {{ svc }}', []],
    ['web changed', ['1.h1', '1.h2']],
  ]);
});

test('a missing playbook is one problem naming the file', async () => {
  const err = await problemsOf(join(GOOD, 'nope.yml'));
  assert.equal(err.problems.length, 1);
  assert.deepEqual(err.problems[0]!.position, { file: join(GOOD, 'nope.yml') });
  assert.match(err.message, /file not found/);
});
