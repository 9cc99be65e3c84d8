// The editor schema comes from the same definitions the loader checks with: good files pass it, broken keywords
// fail it, and the file in docs/schema is what the generator writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv } from 'ajv';
import { parseYaml } from '../../../src/config/yaml-source.js';
import { buildPlaybookSchema, buildTaskFileSchema, PLAYBOOK_SCHEMA_PATH } from '../../../src/playbook/playbook-schema.js';
import { fakeCatalog } from './fake-catalog.js';
import { GOOD } from './playbook-helpers.js';

const REPO = join(GOOD, '..', '..', '..', '..');
const yaml = (text: string) => parseYaml(text, 'x.yml').value;
const compile = (schema: object) => new Ajv({ allErrors: true, strict: false }).compile(schema);

test('draft-07, and the good playbooks and task files pass', () => {
  const schema = buildPlaybookSchema(fakeCatalog);
  assert.equal(schema.$schema, 'http://json-schema.org/draft-07/schema#');
  const playbook = compile(schema);
  for (const f of ['site.yml', 'web.yml']) {
    const ok = playbook(yaml(readFileSync(join(GOOD, f), 'utf8')));
    assert.ok(ok, `${f}: ${JSON.stringify(playbook.errors?.slice(0, 3))}`);
  }
  const tasks = compile(buildTaskFileSchema(fakeCatalog));
  for (const f of ['tasks/extra.yml', 'roles/common/tasks/main.yml', 'roles/nginx/tasks/main.yml', 'roles/nginx/handlers/main.yml']) {
    assert.ok(tasks(yaml(readFileSync(join(GOOD, f), 'utf8'))), f);
  }
});

test('bad keywords and module arguments fail it', () => {
  const playbook = compile(buildPlaybookSchema(fakeCatalog));
  const bad = [
    '- hosts: all\n  become: maybe\n',
    '- name: no hosts\n',
    '- hosts: all\n  serial: -1\n',
    '- hosts: all\n  gather_fact: no\n',
    '- hosts: all\n  tasks:\n    - apt: {name: x}\n      whne: x\n',
    '- hosts: all\n  tasks:\n    - name: only a name\n',
    '- hosts: all\n  tasks:\n    - apt: {name: x, state: installed}\n',
    '- hosts: all\n  tasks:\n    - debug: {msg: x}\n      loop_control: {lable: x}\n',
  ];
  for (const text of bad) assert.equal(playbook(yaml(text)), false, text);
  assert.equal(playbook(yaml('- hosts: all\n  tasks:\n    - apt: {name: "{{ p }}", state: "{{ s }}"}\n')), true, 'templates anywhere in args');
});

test('docs/schema/playbook.schema.json matches the keyword definitions', () => {
  const written = JSON.parse(readFileSync(join(REPO, PLAYBOOK_SCHEMA_PATH), 'utf8')) as { definitions: Record<string, unknown> };
  const built = buildPlaybookSchema() as { definitions: Record<string, unknown> };
  for (const def of ['play', 'importPlaybook', 'roleRef', 'roleMeta', 'block', 'includeTasks', 'importTasks', 'includeRole', 'importRole', 'meta']) {
    assert.deepEqual(written.definitions[def], built.definitions[def], `${def}: regenerate with writePlaybookSchema()`);
  }
});
