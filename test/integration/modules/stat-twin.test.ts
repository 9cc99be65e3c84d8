// stat against Ansible's: the same stat tasks (a file, a symbolic link with and without follow, a dangling link, a
// setgid directory, a missing path, sha256) applied with ansible-playbook to master1 and with tsinfra to its twin
// master2, over identical files. Every key of each registered `stat` must agree, except what differs between two
// hosts by nature (inode, dev, atime, ctime) and what tsinfra does not gather (mimetype, charset, attributes:
// get_mime/get_attributes). Then: a second tsinfra run and a --check run report changed=0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostExec, ok, startLab } from '../../support/lab.js';
import { ANSIBLE_PLAYBOOK, ansiblePlay, assertBothSucceeded, differences, dumpTask, registeredOn, tsinfraPlay } from '../../support/ansible-twin.js';

const lab = ANSIBLE_PLAYBOOK ? await startLab({ kind: 'namespace', hosts: 2 }) : undefined;

// The first test is declared only once the lab is up: a test finishing while startLab is still awaited lets node:test
// run the file's after() hooks (the lab's teardown) too early, and the lab would be left up.
test('ansible-playbook is installed (the oracle)', () => {
  assert.ok(ANSIBLE_PLAYBOOK, "ansible-playbook is not installed: run scripts/setup.sh (it installs Debian's ansible)");
});
const THEIRS = 'master1';
const OURS = 'master2';

const CASES: [name: string, args: string][] = [
  ['file', 'path: /var/tmp/twin/f'],
  ['link', 'path: /var/tmp/twin/l'],
  ['link_followed', 'path: /var/tmp/twin/l, follow: true'],
  ['dangling', 'path: /var/tmp/twin/dang'],
  ['dir', 'path: /var/tmp/twin/d'],
  ['missing', 'path: /var/tmp/twin/nothing'],
  ['sha256', 'path: /var/tmp/twin/f, checksum_algorithm: sha256, get_md5: true'],
  ['device', 'path: /dev/null'],
];

const tasks = (dump: boolean) =>
  CASES.map(([name, args]) => `    - name: stat ${name}\n      ansible.builtin.stat: { ${args} }\n      register: ${name}\n${dump ? dumpTask(name) : ''}`).join('');
const book = (dump: boolean) => `- hosts: all\n  gather_facts: false\n  tasks:\n${tasks(dump)}`;

/** Not comparable between two hosts (inode, dev, atime, ctime), or not gathered by tsinfra. */
const IGNORED = ['inode', 'dev', 'atime', 'ctime', 'mimetype', 'charset', 'version', 'attributes', 'attr_flags'];

test('stat registers what Ansible registers, key by key', { timeout: 600_000 }, async () => {
  for (const host of [THEIRS, OURS]) {
    ok(await hostExec(lab!, host, [
      'mkdir -p /var/tmp/twin/d', 'cd /var/tmp/twin', "printf 'hello twin\\n' > f", 'chmod 0640 f', 'chown nobody:nogroup f',
      'ln -sfn f l', 'ln -sfn nowhere dang', 'chmod 2750 d', 'touch -h -d @1700000000.25 f l dang d',
    ].join(' && ')), `files on ${host}`);
  }
  const theirs = await ansiblePlay(lab!, THEIRS, book(true));
  const ours = await tsinfraPlay(lab!, OURS, book(true));
  assertBothSucceeded(theirs, ours);

  let agreed = 0;
  const disagree: string[] = [];
  for (const [name] of CASES) {
    const a = await registeredOn(lab!, THEIRS, name);
    const b = await registeredOn(lab!, OURS, name);
    assert.equal(b.changed, false, `${name}: stat never changes`);
    assert.equal(a.changed, b.changed);
    const sa = a.stat as Record<string, unknown>;
    const sb = b.stat as Record<string, unknown>;
    const d = differences(sb, sa, IGNORED);
    disagree.push(...d.map((x) => `${name}.${x}`));
    agreed += Object.keys(sa).filter((k) => !IGNORED.includes(k)).length - d.length;
    for (const k of ['inode', 'dev', 'atime', 'ctime']) if (k in sa) assert.equal(typeof sb[k], typeof sa[k], `${name}.${k}`);
  }
  process.stderr.write(`stat differential: ${agreed} keys agree over ${CASES.length} paths, ${disagree.length} differ\n`);
  assert.deepEqual(disagree, []);
  // Spot checks, so an empty comparison cannot pass.
  const file = (await registeredOn(lab!, OURS, 'file')).stat as Record<string, unknown>;
  assert.equal(file.mode, '0640');
  assert.equal(file.pw_name, 'nobody');
  assert.equal(file.mtime, 1700000000.25);
  assert.equal((await registeredOn(lab!, OURS, 'missing')).stat && ((await registeredOn(lab!, OURS, 'missing')).stat as { exists: boolean }).exists, false);

  const again = await tsinfraPlay(lab!, OURS, book(false));
  assert.equal(again.code, 0, again.output);
  assert.equal(again.changed, 0, 'a second run changes nothing');
  const check = await tsinfraPlay(lab!, OURS, book(false), { check: true });
  assert.equal(check.code, 0, check.output);
  assert.equal(check.changed, 0, '--check: nothing to change');
});
