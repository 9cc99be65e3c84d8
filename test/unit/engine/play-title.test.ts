// The PLAY banner's text as ansible-playbook 2.14 prints it (measured: named, unnamed, a hosts list, templated hosts
// and name, an empty name): the name, rendered and stripped, else the host pattern.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { playTitle } from '../../../src/engine/run-playbook.js';
import type { PlayPlan } from '../../../src/playbook/playbook-plan.js';

const play = (p: Partial<PlayPlan>) => ({ at: { file: 'site.yml', line: 1, column: 3 }, ...p }) as PlayPlan;

test('PLAY [name], or PLAY [hosts pattern] for an unnamed play, as Ansible', () => {
  assert.equal(playTitle(play({ hosts: 'webservers' }), 'webservers', {}), 'webservers');
  assert.equal(playTitle(play({ name: 'named', hosts: 'web' }), 'web', {}), 'named');
  assert.equal(playTitle(play({ hosts: 'web,localhost', hostsList: ['web', 'localhost'] }), 'web,localhost', {}), 'web,localhost');
  assert.equal(playTitle(play({ hosts: '{{ h }}' }), 'web', { h: 'web' }), 'web', 'the rendered pattern');
  assert.equal(playTitle(play({ name: '', hosts: 'web' }), 'web', {}), 'web');
  assert.equal(playTitle(play({ hosts: '  web ' }), '  web ', {}), 'web');
  assert.equal(playTitle(play({ name: '{{ h }} setup', hosts: 'web' }), 'web', { h: 'web' }), 'web setup');
  assert.equal(playTitle(play({ name: '{{ nope }} setup', hosts: 'web' }), 'web', {}), '{{ nope }} setup');
});
