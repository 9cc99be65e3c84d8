// debconf against Ansible's: the same answers set with ansible-playbook on master1 and with tsinfra on its twin
// master2 (a select and a boolean of packages the hosts have, a string of a package they lack, an unchanged answer,
// a password). Compared: what debconf-show reports afterwards for each package, the stored password (by its sha256,
// read on the host), and the registered changed/current/previous. Then a second tsinfra run and --check report
// changed=0 (Ansible's own second run would change the password again: it compares "(password omitted)").
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostExec, ok, startLab } from '../../support/lab.js';
import { ANSIBLE_PLAYBOOK, ansiblePlay, assertBothSucceeded, dumpTask, registeredOn, tsinfraPlay, compareRegistered } from '../../support/ansible-twin.js';

const lab = ANSIBLE_PLAYBOOK ? await startLab({ kind: 'namespace', hosts: 2 }) : undefined;
const THEIRS = 'master1';
const OURS = 'master2';
const SECRET = 'tw1n-s3cret';

const CASES: [name: string, args: string, keys: string[]][] = [
  ['select', 'name: tzdata, question: tzdata/Areas, vtype: select, value: Europe', ['changed', 'current', 'previous']],
  ['boolean', 'name: openssh-server, question: openssh-server/permit-root-login, vtype: boolean, value: false', ['changed', 'current', 'previous']],
  ['unchanged', 'name: openssh-server, question: openssh-server/password-authentication, vtype: boolean, value: "true"', ['changed', 'current']],
  ['new_string', 'name: tsinfra-twin, question: tsinfra-twin/greeting, vtype: string, value: "hello twin"', ['changed', 'current', 'previous']],
  ['password', `name: tsinfra-twin, question: tsinfra-twin/password, vtype: password, value: "${SECRET}"`, ['changed']],
];

const book = (dump: boolean) =>
  `- hosts: all\n  gather_facts: false\n  tasks:\n` +
  CASES.map(([name, args]) => `    - name: debconf ${name}\n      ansible.builtin.debconf: { ${args} }\n      register: ${name}\n${dump ? dumpTask(name) : ''}`).join('');

const STATE =
  'for p in tzdata openssh-server tsinfra-twin; do debconf-show $p | sort; done; ' +
  "printf 'GET tsinfra-twin/password\\n' | debconf-communicate tsinfra-twin | sha256sum";

test('debconf sets what Ansible sets, registering the same keys', { timeout: 600_000 }, async () => {
  const theirs = await ansiblePlay(lab!, THEIRS, book(true));
  const ours = await tsinfraPlay(lab!, OURS, book(true));
  assertBothSucceeded(theirs, ours);
  assert.ok(!ours.output.includes(SECRET), 'the password is not in tsinfra output');
  const { agreed, disagree } = await compareRegistered(lab!, { ansible: THEIRS, ours: OURS }, CASES);
  const sa = ok(await hostExec(lab!, THEIRS, STATE));
  const sb = ok(await hostExec(lab!, OURS, STATE));
  process.stderr.write(`debconf differential: ${agreed} registered keys agree over ${CASES.length} tasks, ${disagree.length} differ; debconf state ${sa === sb ? 'identical' : 'differs'}\n`);
  assert.deepEqual(disagree, []);
  assert.equal(sb, sa);
  assert.match(sb, /tzdata\/Areas: Europe/);
  assert.match(sb, /tsinfra-twin\/greeting: hello twin/);
  assert.ok(!JSON.stringify(await registeredOn(lab!, OURS, 'password')).includes(SECRET), 'the password is not registered');

  const again = await tsinfraPlay(lab!, OURS, book(false));
  assert.equal(again.code, 0, again.output);
  assert.equal(again.changed, 0, 'a second run changes nothing (the password compared by its sha256 on the host)');
  ok(await hostExec(lab!, OURS, "echo 'tsinfra-twin tsinfra-twin/password password other' | debconf-set-selections"));
  const check = await tsinfraPlay(lab!, OURS, book(false), { check: true });
  assert.equal(check.code, 0, check.output);
  assert.equal(check.changed, 1, '--check: the changed password would be set again');
  assert.ok(!check.output.includes(SECRET));
  const still = ok(await hostExec(lab!, OURS, "printf 'GET tsinfra-twin/password\\n' | debconf-communicate tsinfra-twin"));
  assert.equal(still.trim(), '0 other', '--check changed nothing');
});
