// add_host and group_by change the run's inventory (src/engine/inventory-changes.ts), through the real loader and
// engine on the fake transport: later plays select the new hosts and groups, `groups`/`group_names`/`hostvars` see
// them, a host joining an inventory group takes its variables, and `changed` is true only when something was new.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFakePlay } from '../../support/fake-play.js';

const INVENTORY = `all:
  vars: { level: all }
  children:
    web:
      vars: { level: web, port: 80 }
      hosts:
        h1: {}
    ungrouped:
      hosts:
        h2: { kind: b, level: own }
`;

const BOOK = `- hosts: all
  gather_facts: false
  tasks:
    - name: add
      add_host: { name: "web9:2222", groups: "web,extra", ansible_host: 10.0.0.9, flavour: x }
      register: added
    - name: add again
      add_host: { name: web9, groups: [web] }
      register: again
    - name: group
      group_by: { key: "kind {{ kind | default('a') }}", parents: [fleet] }
      register: grouped
    - name: show
      command: "echo {{ groups['kind-b'] | join(',') }} {{ group_names | join(',') }} {{ level }} {{ grouped.changed }} {{ added is defined }}"
- hosts: extra
  gather_facts: false
  tasks:
    - name: on extra
      command: "echo {{ inventory_hostname }} {{ ansible_host }} {{ ansible_ssh_port }} {{ flavour }} {{ port }} {{ group_names | join(',') }}"
- hosts: fleet:&kind-b
  gather_facts: false
  tasks:
    - name: on fleet
      command: echo fleet {{ level }}
`;

test('add_host and group_by: new hosts and groups for the rest of the run, changed only when new', async () => {
  const r = await runFakePlay({ files: { 'inventory.yaml': INVENTORY, 'site.yaml': BOOK } });
  assert.deepEqual(r.summary.failed, [], JSON.stringify(r.results().filter((x) => x.status === 'failed')));
  // add_host runs once for the batch (on h1), and is changed the first time only
  assert.deepEqual(r.results('add').map((x) => [x.host, x.status]), [['h1', 'changed']]);
  assert.deepEqual(r.results('add again').map((x) => [x.host, x.status]), [['h1', 'ok']]);
  // group_by runs per host: each joins a new group
  assert.deepEqual(r.results('group').map((x) => [x.host, x.status]).sort(), [['h1', 'changed'], ['h2', 'changed']]);
  // group_names sorted, as Ansible's; add_host's register stays on the host that ran it (Ansible 2.14, measured)
  const shown = Object.fromEntries(r.fake.received('echo h2').map((c) => [c.host, c.script]));
  assert.match(shown.h1!, /echo h2 fleet,kind-a,web web True True/);
  assert.match(shown.h2!, /echo h2 fleet,kind-b own True False/, "the host's own variable beats the new group's; ungrouped is left");
  // the next plays select the new host and group; the added host has its variables and its groups' ones
  assert.deepEqual(r.fake.received('echo web9').map((c) => c.host), ['web9']);
  assert.match(r.fake.received('echo web9')[0]!.script, /echo web9 10\.0\.0\.9 2222 x 80 extra,web/);
  assert.deepEqual(r.fake.received('echo fleet').map((c) => c.host), ['h2']);
});
