// A project that sets variables at every precedence level tsinfra supports (docs/variables.md, the same table):
// for each level, a variable `v_<id>` is set at that level and at every level below it, each to its level's id, so
// the value printed (`debug: var=v_<id>`) names the level that won. The unit test checks tsinfra's run against the
// table; the Ansible test checks ansible-playbook prints the same values.

/** The levels, lowest first, with where the project writes each. */
export const PRECEDENCE_LEVELS = [
  { id: 'L02', level: 'role defaults', where: 'roles/r/defaults/main.yml' },
  { id: 'L03a', level: 'inventory file group vars: all', where: 'inventory/hosts.ini [all:vars]' },
  { id: 'L03b', level: 'inventory file group vars: a child group', where: 'inventory/hosts.ini [web:vars]' },
  { id: 'L04', level: 'inventory group_vars/all', where: 'inventory/group_vars/all.yml' },
  { id: 'L05', level: 'playbook group_vars/all', where: 'group_vars/all.yml' },
  { id: 'L06', level: 'inventory group_vars/*', where: 'inventory/group_vars/web.yml' },
  { id: 'L07', level: 'playbook group_vars/*', where: 'group_vars/web.yml' },
  { id: 'L08', level: 'inventory file host vars', where: 'inventory/hosts.ini host line' },
  { id: 'L09', level: 'inventory host_vars/*', where: 'inventory/host_vars/localhost.yml' },
  { id: 'L10', level: 'playbook host_vars/*', where: 'host_vars/localhost.yml' },
  { id: 'L12', level: 'play vars', where: 'site.yml vars:' },
  { id: 'L14', level: 'play vars_files', where: 'vars/play.yml' },
  { id: 'L15', level: 'role vars', where: 'roles/r/vars/main.yml' },
  { id: 'L16', level: 'block vars', where: 'roles/r/tasks/main.yml block vars:' },
  { id: 'L17', level: 'task vars', where: 'roles/r/tasks/main.yml task vars:' },
  { id: 'L18', level: 'include_vars', where: 'roles/r/vars/included.yml' },
  { id: 'L19', level: 'set_fact / registered vars', where: 'roles/r/tasks/main.yml set_fact' },
  { id: 'L21', level: 'include params (include_tasks / include_role vars)', where: 'roles/r/tasks/main.yml include_tasks vars:' },
  { id: 'L22', level: 'extra vars (-e)', where: 'extra.yml (-e @extra.yml)' },
] as const;

export type LevelId = (typeof PRECEDENCE_LEVELS)[number]['id'];

const varName = (id: string) => `v_${id}`;

/** The variables set at this level (each to the level's id): those of this level and every level above it. */
function setAt(id: LevelId): Record<string, string> {
  const from = PRECEDENCE_LEVELS.findIndex((l) => l.id === id);
  return Object.fromEntries(PRECEDENCE_LEVELS.slice(from).map((l) => [varName(l.id), id]));
}

const yamlMap = (vars: Record<string, string>, indent = '') => Object.entries(vars).map(([k, v]) => `${indent}${k}: ${v}\n`).join('');
const iniPairs = (vars: Record<string, string>) => Object.entries(vars).map(([k, v]) => `${k}=${v}`);

/** Relative path → content. Run as `ansible-playbook -i inventory/hosts.ini site.yml -e @extra.yml`. */
export function precedenceProject(): Record<string, string> {
  const shows = PRECEDENCE_LEVELS.map((l) => `- name: show ${varName(l.id)}\n  debug: { var: ${varName(l.id)} }\n  vars:\n${yamlMap(setAt('L17'), '    ')}`).join('');
  return {
    'inventory/hosts.ini': [
      '[web]',
      `localhost ansible_connection=local ${iniPairs(setAt('L08')).join(' ')}`,
      '',
      '[web:vars]',
      ...iniPairs(setAt('L03b')),
      '',
      '[all:vars]',
      ...iniPairs(setAt('L03a')),
      '',
    ].join('\n'),
    'inventory/group_vars/all.yml': yamlMap(setAt('L04')),
    'inventory/group_vars/web.yml': yamlMap(setAt('L06')),
    'inventory/host_vars/localhost.yml': yamlMap(setAt('L09')),
    'group_vars/all.yml': yamlMap(setAt('L05')),
    'group_vars/web.yml': yamlMap(setAt('L07')),
    'host_vars/localhost.yml': yamlMap(setAt('L10')),
    'vars/play.yml': yamlMap(setAt('L14')),
    'extra.yml': yamlMap(setAt('L22')),
    'roles/r/defaults/main.yml': yamlMap(setAt('L02')),
    'roles/r/vars/main.yml': yamlMap(setAt('L15')),
    'roles/r/vars/included.yml': yamlMap(setAt('L18')),
    'roles/r/tasks/main.yml': [
      '- include_vars: included.yml',
      `- set_fact:\n${yamlMap(setAt('L19'), '    ')}`,
      `- block:\n    - include_tasks: show.yml\n      vars:\n${yamlMap(setAt('L21'), '        ')}  vars:\n${yamlMap(setAt('L16'), '    ')}`,
    ].join('\n'),
    'roles/r/tasks/show.yml': shows,
    'site.yml': `- hosts: web\n  gather_facts: false\n  vars:\n${yamlMap(setAt('L12'), '    ')}  vars_files: [vars/play.yml]\n  roles: [r]\n`,
  };
}

/** `"v_L04": "L04"` lines of Ansible's default callback (and of `tsinfra play`'s text output). */
export function shownValues(output: string): Record<string, string> {
  return Object.fromEntries([...output.matchAll(/^ {4}"(v_L\w+)": "?([^"\n]*)"?$/gm)].map((m) => [m[1]!, m[2]!]));
}

/** What each `v_<id>` must print: the id of its own level (the highest level that sets it). */
export function expectedValues(): Record<string, string> {
  return Object.fromEntries(PRECEDENCE_LEVELS.map((l) => [varName(l.id), l.id]));
}
