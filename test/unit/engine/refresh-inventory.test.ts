// meta: refresh_inventory (src/engine/inventory-changes.ts refreshInventory) on the fake transport: the sources read
// again give later plays their new hosts, groups and variables; a host of the running play keeps running there;
// hosts add_host made are gone, as in Ansible (InventoryManager.refresh_inventory starts from the sources).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { runFakePlay } from '../../support/fake-play.js';

const BEFORE = `all:
  children:
    web:
      hosts:
        h1: { colour: red }
`;
const AFTER = `all:
  children:
    web:
      hosts:
        h1: { colour: blue }
        h2: { colour: green }
    db:
      hosts:
        h3: {}
`;

const BOOK = `- hosts: all
  gather_facts: false
  tasks:
    - name: add
      add_host: { name: temp1, groups: web }
    - name: before
      command: echo before {{ colour }} {{ groups['web'] | join(',') }}
    - meta: refresh_inventory
    - name: after
      command: echo after {{ colour }} {{ groups['web'] | join(',') }} {{ groups['db'] | default([]) | join(',') }}
- hosts: web:db
  gather_facts: false
  tasks:
    - name: later
      command: echo later {{ inventory_hostname }} {{ colour | default('none') }}
`;

test('meta: refresh_inventory: later plays see the sources as read again; the running play keeps its hosts', async () => {
  const r = await runFakePlay({ files: { 'inventory.yaml': BEFORE, 'later.yaml': AFTER, 'site.yaml': BOOK }, refreshedInventory: 'later.yaml' });
  assert.deepEqual(r.summary.failed, [], JSON.stringify(r.results().filter((x) => x.status === 'failed')));
  const script = (needle: string) => r.fake.received(needle).map((c) => `${c.host}: ${c.script.split('\n').find((l) => l.includes(needle))}`);
  assert.match(script('echo before')[0]!, /^h1: .*echo before red h1,temp1/);
  // Only h1 runs the rest of play 1; it sees its new variable and the new groups (temp1, made by add_host, is gone).
  assert.deepEqual(r.fake.received('echo after').map((c) => c.host), ['h1']);
  assert.match(script('echo after')[0]!, /echo after blue h1,h2 h3/);
  assert.deepEqual(r.fake.received('echo later').map((c) => c.host).sort(), ['h1', 'h2', 'h3']);
  assert.match(script('echo later').find((l) => l.startsWith('h2'))!, /echo later h2 green/);
});
