// mount (ansible.posix) against Ansible's: the same tasks applied with ansible-playbook on master1 and with tsinfra
// on its twin master2, inside each host's own mount namespace (tmpfs and bind mounts: LAB.md). Compared: /etc/fstab
// byte for byte, what is mounted where (findmnt), and the registered changed/name/src/fstype/opts/dump/passno/boot.
// Then a second tsinfra run and --check report changed=0.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostExec, ok, startLab } from '../../support/lab.js';
import { ANSIBLE_PLAYBOOK, ansiblePlay, assertBothSucceeded, differences, dumpTask, registeredOn, tsinfraPlay } from '../../support/ansible-twin.js';

const lab = ANSIBLE_PLAYBOOK ? await startLab({ kind: 'namespace', hosts: 2 }) : undefined;
const THEIRS = 'master1';
const OURS = 'master2';

const CASES: [name: string, args: string][] = [
  ['tmpfs', 'path: /mnt/twin tmp, src: tmpfs, fstype: tmpfs, opts: "size=1m,mode=0755", state: mounted'],
  ['tmpfs_again', 'path: /mnt/twin tmp, src: tmpfs, fstype: tmpfs, opts: "size=2m,mode=0755", state: mounted'],
  ['bind', 'path: /mnt/bind, src: /var/tmp/mt/src, fstype: none, opts: bind, state: mounted'],
  ['present_only', 'path: /mnt/later, src: tmpfs, fstype: tmpfs, opts: noauto, state: present, dump: "0", passno: "2"'],
  ['noboot', 'path: /mnt/noboot, src: tmpfs, fstype: tmpfs, opts: size=1m, state: present, boot: false'],
  ['unmount_bind', 'path: /mnt/bind, state: unmounted'],
  ['gone', 'path: /mnt/gone, state: absent'],
  ['remove_later', 'path: /mnt/noboot, state: absent_from_fstab'],
];

const KEYS = ['changed', 'name', 'src', 'fstype', 'opts', 'dump', 'passno', 'boot', 'fstab'];
const book = (dump: boolean, only?: string[]) =>
  `- hosts: all\n  gather_facts: false\n  tasks:\n` +
  CASES.filter(([name]) => only === undefined || only.includes(name)).map(([name, args]) => `    - name: mount ${name}\n      ansible.posix.mount: { ${args} }\n      register: ${name}\n${dump ? dumpTask(name) : ''}`).join('');

const STATE = "cat /etc/fstab; echo ---; findmnt -rn -o TARGET,FSTYPE,OPTIONS | grep '^/mnt' | sort; echo ---; ls -d /mnt/* | sort";

test('mount edits fstab and mounts as Ansible does, registering the same keys', { timeout: 600_000 }, async () => {
  for (const host of [THEIRS, OURS]) {
    ok(await hostExec(lab!, host, "mkdir -p /var/tmp/mt/src /mnt/gone && printf '# twin\\ntmpfs /mnt/gone tmpfs defaults 0 0\\n' >> /etc/fstab && mount -t tmpfs tmpfs /mnt/gone"), `setup on ${host}`);
  }
  const theirs = await ansiblePlay(lab!, THEIRS, book(true));
  const ours = await tsinfraPlay(lab!, OURS, book(true));
  assertBothSucceeded(theirs, ours);
  let agreed = 0;
  const disagree: string[] = [];
  for (const [name] of CASES) {
    const a = await registeredOn(lab!, THEIRS, name);
    const b = await registeredOn(lab!, OURS, name);
    const pick = (r: Record<string, unknown>) => Object.fromEntries(KEYS.filter((k) => k in r || k in a).map((k) => [k, r[k]]));
    const d = differences(pick(b), pick(a));
    disagree.push(...d.map((x) => `${name}.${x}`));
    agreed += Object.keys(pick(a)).length - d.length;
  }
  const sa = ok(await hostExec(lab!, THEIRS, STATE));
  const sb = ok(await hostExec(lab!, OURS, STATE));
  process.stderr.write(`mount differential: ${agreed} registered keys agree over ${CASES.length} tasks, ${disagree.length} differ; fstab and mounts ${sa === sb ? 'identical' : 'differ'}\n`);
  assert.deepEqual(disagree, []);
  assert.equal(sb, sa);
  assert.match(sb, /^tmpfs \/mnt\/twin\\040tmp tmpfs size=2m,mode=0755 0 0$/m);
  assert.match(sb, /^\/mnt\/twin\\x20tmp tmpfs .*size=2048k/m, 'remounted with the new size');

  // The book moves some mounts back and forth (mount then unmount, add then remove): its last word on each is steady.
  const steady = book(false, ['tmpfs_again', 'present_only', 'unmount_bind', 'gone', 'remove_later']);
  const again = await tsinfraPlay(lab!, OURS, steady);
  assert.equal(again.code, 0, again.output);
  assert.equal(again.changed, 0, 'a second run changes nothing');
  ok(await hostExec(lab!, OURS, "umount '/mnt/twin tmp'"));
  const check = await tsinfraPlay(lab!, OURS, steady, { check: true });
  assert.equal(check.code, 0, check.output);
  assert.equal(check.changed, 1, '--check: the unmounted tmpfs would be mounted');
  assert.equal((await hostExec(lab!, OURS, "findmnt '/mnt/twin tmp'")).code, 1, '--check mounted nothing');
});
