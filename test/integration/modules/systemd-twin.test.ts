// systemd against Ansible's, on systemd lab hosts (real systemd as PID 1): start and enable a unit, mask a unit that
// does not exist, ask for daemon_reload, then stop, disable and unmask, with ansible-playbook on master1 and tsinfra
// on its twin master2. After each step both hosts' units must be in the same state and the registered name, state,
// enabled, changed and the `status` keys (the names, and LoadState/ActiveState/SubState/UnitFileState/Id) must
// agree. --check changes nothing; a second tsinfra run reports changed=0. On a namespace host (no systemd) the
// module fails, saying the host was not booted with systemd.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostExec, ok, startLab } from '../../support/lab.js';
import { jsonLines } from '../../support/cli.js';
import { ANSIBLE_PLAYBOOK, ansiblePlay, assertBothSucceeded, dumpTask, registeredOn, tsinfraPlay } from '../../support/ansible-twin.js';

const lab = ANSIBLE_PLAYBOOK ? await startLab({ kind: 'systemd', hosts: 2 }) : undefined;

// The first test is declared only once the lab is up: a test finishing while startLab is still awaited lets node:test
// run the file's after() hooks (the lab's teardown) too early, and the lab would be left up.
test('ansible-playbook is installed (the oracle)', () => {
  assert.ok(ANSIBLE_PLAYBOOK, "ansible-playbook is not installed: run scripts/setup.sh (it installs Debian's ansible)");
});
const THEIRS = 'master1';
const OURS = 'master2';
const UNIT = '[Unit]\nDescription=tsinfra twin test\n[Service]\nExecStart=/bin/sleep infinity\n[Install]\nWantedBy=multi-user.target\n';

const STEPS = {
  up: [
    ['unit', 'ansible.builtin.systemd_service: { name: tsitwin, state: started, enabled: true }'],
    ['masked', 'systemd: { name: tsighost.service, masked: true }'],
    ['reload', 'ansible.builtin.systemd: { daemon_reload: true }'],
  ],
  down: [
    ['unit', 'systemd_service: { name: tsitwin.service, state: stopped, enabled: false }'],
    ['masked', 'ansible.builtin.systemd_service: { name: tsighost.service, masked: false }'],
  ],
} as const;

const book = (step: keyof typeof STEPS, dump: boolean) =>
  `- hosts: all\n  gather_facts: false\n  tasks:\n${STEPS[step].map(([name, task]) => `    - name: ${step} ${name}\n      ${task}\n      register: ${step}_${name}\n${dump ? dumpTask(`${step}_${name}`) : ''}`).join('')}`;

async function units(host: string): Promise<string> {
  const r = await hostExec(lab!, host, 'systemctl is-enabled tsitwin; systemctl is-active tsitwin; systemctl is-enabled tsighost.service; true');
  return r.stdout.trim().split('\n').join(' ');
}

const STATUS_KEYS = ['LoadState', 'ActiveState', 'SubState', 'UnitFileState', 'Id', 'Description', 'ExecMainStatus'];

test('systemd does what Ansible does, and registers what it registers', { timeout: 900_000 }, async () => {
  for (const host of [THEIRS, OURS]) ok(await hostExec(lab!, host, 'cat > /etc/systemd/system/tsitwin.service', UNIT), `unit on ${host}`);
  assert.equal(await units(OURS), 'disabled inactive');

  const check = await tsinfraPlay(lab!, OURS, book('up', false), { check: true });
  assert.equal(check.code, 0, check.output);
  assert.equal(check.changed, 2, '--check: the unit and the mask would change');
  assert.equal(await units(OURS), 'disabled inactive', '--check changed nothing');

  let agreed = 0;
  for (const step of ['up', 'down'] as const) {
    const theirs = await ansiblePlay(lab!, THEIRS, book(step, true));
    const ours = await tsinfraPlay(lab!, OURS, book(step, true));
    assertBothSucceeded(theirs, ours);
    assert.equal(await units(OURS), await units(THEIRS), `${step}: same unit states`);
    agreed++;
    for (const [name] of STEPS[step]) {
      const a = await registeredOn(lab!, THEIRS, `${step}_${name}`);
      const b = await registeredOn(lab!, OURS, `${step}_${name}`);
      for (const k of ['changed', 'name', 'state', 'enabled']) {
        assert.deepEqual(b[k], a[k], `${step} ${name}: registered ${k}`);
        agreed++;
      }
      const sa = a.status as Record<string, string>;
      const sb = b.status as Record<string, string>;
      for (const k of STATUS_KEYS) {
        assert.equal(sb[k], sa[k], `${step} ${name}: status.${k}`);
        agreed++;
      }
      const onlyTheirs = Object.keys(sa).filter((k) => !(k in sb));
      const onlyOurs = Object.keys(sb).filter((k) => !(k in sa));
      assert.deepEqual([onlyTheirs, onlyOurs], [[], []], `${step} ${name}: the same status keys`);
      agreed++;
    }
    const again = await tsinfraPlay(lab!, OURS, book(step, false));
    assert.equal(again.code, 0, again.output);
    assert.equal(again.changed, 0, `${step}: a second run changes nothing`);
  }
  process.stderr.write(`systemd differential: ${agreed}/${2 + 5 * 12} comparisons agree (unit states, registered keys, status values and key sets)\n`);
  assert.equal(await units(OURS), 'disabled inactive');
});

test('on a host without systemd (a namespace lab host) the module fails, saying so', { timeout: 300_000 }, async () => {
  const plain = await startLab({ kind: 'namespace', hosts: 1, label: 'systemd-twin-plain' });
  const r = await tsinfraPlay(plain, 'master1', '- hosts: all\n  gather_facts: false\n  tasks:\n    - name: start ssh\n      systemd: { name: ssh, state: started }\n');
  assert.equal(r.code, 2, r.output);
  assert.equal(r.failed, 1);
  const result = jsonLines(r.output.split('\n').filter((l) => l.startsWith('{')).join('\n')).find((e) => e.type === 'host_result')?.result as { status: string; message?: string };
  assert.equal(result.status, 'failed');
  assert.match(result.message ?? '', /not booted with systemd/);
});
