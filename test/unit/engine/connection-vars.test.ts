// Connection and become variables from every source, resolved per host per task (engine/connection-vars.ts): a
// play var, -e or set_fact that sets ansible_user/ansible_port/ansible_become* is how that task connects; templated
// ones render with the host's variables; variables win over the become keywords, which win over the command line.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { connectionOf, ignoredVarNotes, useConnectionResolver } from '../../../src/engine/connection-vars.js';
import { HostState } from '../../../src/engine/host-state.js';
import type { Host } from '../../../src/inventory/types.js';
import { DeferredValue } from '../../../src/jinja/values.js';
import { secret } from '../../../src/shell/secret.js';
import { resolveBecome, resolveConnectTarget, type ConnectDefaults } from '../../../src/transport/connect-target.js';
import { inventoryOf, runFakePlay } from '../../support/fake-play.js';

const defaults: ConnectDefaults = { sshConfig: [], user: 'cli-user', privateKeyFile: '/k', becomePassword: secret('cli-pw') };
const host: Host = { name: 'h1', groups: ['all'], vars: { ansible_host: '10.0.0.1' }, origins: {} };

function hostState(): HostState {
  const h = new HostState(host, resolveConnectTarget(host, defaults), resolveBecome(host, defaults));
  useConnectionResolver(h, { targetOf: (x) => resolveConnectTarget(x, defaults), becomeOf: (x) => resolveBecome(x, defaults) });
  return h;
}

test('the task variables say how to connect: user, port, address, key, become password; else the command line', () => {
  const h = hostState();
  const plain = connectionOf(h, { ...host.vars });
  assert.equal(plain.target.user, 'cli-user');
  assert.equal(plain.target.address, '10.0.0.1');
  assert.equal(plain.becoming.password?.reveal(), 'cli-pw');
  assert.equal(plain.becomeVar, undefined);
  const c = connectionOf(h, { ansible_host: '10.0.0.2', ansible_user: 'deploy', ansible_port: '2222', ansible_ssh_private_key_file: '/d', ansible_become: 'yes', ansible_become_user: 'app', ansible_become_pass: 's3cret' });
  assert.deepEqual([c.target.user, c.target.address, c.target.port, c.target.privateKeyFiles], ['deploy', '10.0.0.2', 2222, ['/d']]);
  assert.deepEqual([c.becomeVar, c.becomeUserVar, c.becoming.password?.reveal()], [true, 'app', 's3cret']);
  assert.equal(connectionOf(h, { ansible_user: 'deploy', ansible_port: '2222', ansible_host: '10.0.0.2', ansible_ssh_private_key_file: '/d', ansible_become: 'yes', ansible_become_user: 'app', ansible_become_pass: 's3cret' }), c, 'kept per set of values');
  assert.equal(connectionOf(h, { ansible_become_password: secret('vaulted') }).becoming.password?.reveal(), 'vaulted', 'a Secret value is used as the password');
});

test('a templated connection variable renders with the host variables; a bad one fails', () => {
  const h = hostState();
  const vars: Record<string, unknown> = { who: 'deploy' };
  vars.ansible_user = new DeferredValue('{{ who }}', (now) => String(now.who));
  assert.equal(connectionOf(h, vars).target.user, 'deploy');
  assert.throws(() => connectionOf(h, { ansible_port: 'ssh' }), /port number/);
  assert.throws(() => connectionOf(h, { ansible_become: 'maybe' }), /ansible_become must be true or false/);
});

test('become variables from play vars, set_fact and -e win over the become keywords; become_method other than sudo fails', async () => {
  const r = await runFakePlay({
    files: {
      'inventory.yaml': inventoryOf('h1'),
      'site.yaml': `
- hosts: all
  gather_facts: false
  vars:
    ansible_become: true
    ansible_become_user: "{{ app_user }}"
    app_user: app
  tasks:
    - name: play var user over the keyword
      command: id
      become_user: other
    - set_fact: { ansible_become_user: web }
    - name: set_fact user
      command: id -u
    - name: play var become over become false
      command: id -g
      become: false
    - name: method
      command: id -G
      vars: { ansible_become_method: su }
`,
    },
  });
  const becameAs = (cmd: string) => r.fake.calls('h1').find((c) => c.command === cmd)?.become;
  assert.equal(becameAs('id'), 'app');
  assert.equal(becameAs('id -u'), 'web');
  assert.equal(becameAs('id -g'), 'web');
  assert.equal(r.status('method', 'h1'), 'failed');
  assert.match(r.results('method')[0]!.message ?? '', /ansible_become_method "su": tsinfra becomes with sudo only/);

  const off = await runFakePlay({
    files: { 'inventory.yaml': inventoryOf('h1'), 'site.yaml': `- hosts: all\n  gather_facts: false\n  become: true\n  tasks:\n    - name: t\n      command: id\n` },
    extraVars: { ansible_become: false },
  });
  assert.equal(off.fake.calls('h1').find((c) => c.command === 'id')?.become, undefined, '-e ansible_become=false wins over become: true');
});

test('ansible_python_interpreter is accepted and ignored, with one note wherever it is set', () => {
  assert.deepEqual(ignoredVarNotes([{ ansible_python_interpreter: '/usr/bin/python3' }, {}, { ansible_python_interpreter: 'auto' }]), [
    'ansible_python_interpreter is accepted and ignored: tsinfra runs POSIX sh on the hosts and needs no Python there',
  ]);
  assert.deepEqual(ignoredVarNotes([{ ansible_user: 'x' }]), []);
});
