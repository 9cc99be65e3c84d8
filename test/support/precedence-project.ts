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
  { id: 'L13', level: 'play vars_prompt (no terminal: the default)', where: 'site.yml vars_prompt: … default:' },
  { id: 'L14', level: 'play vars_files', where: 'vars/play.yml' },
  { id: 'L15a', level: 'role reference vars (roles: … vars:)', where: 'site.yml roles: [{ role: r, vars: … }]' },
  { id: 'L15', level: 'role vars', where: 'roles/s/vars/main.yml' },
  { id: 'L15b', level: 'import_role vars (for the role\'s tasks)', where: 'roles/r/tasks/main.yml import_role: s … vars:' },
  { id: 'L16', level: 'block vars', where: 'roles/s/tasks/main.yml block vars:' },
  { id: 'L17', level: 'task vars', where: 'roles/s/tasks/show.yml task vars:' },
  { id: 'L18', level: 'include_vars', where: 'roles/r/vars/included.yml' },
  { id: 'L19', level: 'set_fact / registered vars', where: 'roles/r/tasks/main.yml set_fact' },
  { id: 'L21', level: 'include params (include_tasks / include_role vars)', where: 'roles/s/tasks/main.yml include_tasks vars:' },
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
    'roles/r/vars/included.yml': yamlMap(setAt('L18')),
    'roles/r/tasks/main.yml': [
      '- include_vars: included.yml',
      `- set_fact:\n${yamlMap(setAt('L19'), '    ')}`,
      `- import_role: { name: s }\n  vars:\n${yamlMap({ ...setAt('L15b'), w_import: 'import' }, '    ')}`,
    ].join('\n'),
    'roles/s/vars/main.yml': yamlMap({ ...setAt('L15'), w_svars: 'svars' }),
    'roles/s/tasks/main.yml': `- block:\n    - include_tasks: show.yml\n      vars:\n${yamlMap(setAt('L21'), '        ')}  vars:\n${yamlMap(setAt('L16'), '    ')}`,
    'roles/s/tasks/show.yml': shows,
    'roles/t/defaults/main.yml': 'w_tdefaults: tdefaults\n',
    'roles/t/vars/main.yml': 'w_tvars: tvars\n',
    'roles/t/tasks/main.yml': '- debug: { var: w_include_inside }\n',
    // Which role vars the play's own tasks see: those of roles:, their dependencies and import_role, even before
    // they run; an include_role's, never.
    'site.yml': [
      '- hosts: web',
      '  gather_facts: false',
      `  vars:\n${yamlMap(setAt('L12'), '    ')}  vars_files: [vars/play.yml]`,
      // Not run on a terminal, so nothing is asked: each takes its default (v_L22 is not asked at all: -e has it).
      `  vars_prompt:\n${Object.entries(setAt('L13')).map(([k, v]) => `    - { name: ${k}, default: ${v}, private: false }\n`).join('')}`.trimEnd(),
      '  pre_tasks:',
      ...['w_ref', 'w_import', 'w_svars'].map((v) => `    - debug: { var: ${v} }`),
      `  roles:\n    - role: r\n      vars:\n${yamlMap({ ...setAt('L15a'), w_ref: 'ref' }, '        ')}`,
      '  tasks:',
      '    - include_role: { name: t }',
      '      vars: { w_include: include, w_include_inside: include }',
      ...['w_include', 'w_tvars', 'w_tdefaults'].map((v) => `    - debug: { var: ${v} }`),
      '',
    ].join('\n'),
  };
}

const NOT_DEFINED = 'VARIABLE IS NOT DEFINED!';

/** What the play's own tasks and an included role print for the `w_*` variables (which role vars are seen where). */
export const VISIBILITY: Record<string, string> = {
  w_ref: 'ref',
  w_import: 'import',
  w_svars: 'svars',
  w_include_inside: 'include',
  w_include: NOT_DEFINED,
  w_tvars: NOT_DEFINED,
  w_tdefaults: NOT_DEFINED,
};

/** `"v_L04": "L04"` lines of Ansible's default callback (and of `tsinfra play`'s text output). */
export function shownValues(output: string): Record<string, string> {
  return Object.fromEntries([...output.matchAll(/^ {4}"([vw]_\w+)": "?([^"\n]*)"?$/gm)].map((m) => [m[1]!, m[2]!]));
}

/** What each `v_<id>` must print: the id of its own level (the highest level that sets it); and VISIBILITY. */
export function expectedValues(): Record<string, string> {
  return { ...Object.fromEntries(PRECEDENCE_LEVELS.map((l) => [varName(l.id), l.id])), ...VISIBILITY };
}
