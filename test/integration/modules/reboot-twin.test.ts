// reboot against Ansible's: systemd lab hosts (nspawn) reboot for real — `shutdown -r` ends the container and the lab
// boots it again with its disk and a new boot id. ansible-playbook reboots master1 and tsinfra its twin master2 with
// the same play: boot id before, reboot, boot id after (the play goes on over a new connection), a file written
// before the reboot still there. Compared: the boot ids changed on both, the registered changed/rebooted/failed, and
// elapsed is a whole number on both. Then tsinfra --check reports the reboot as a change and reboots nothing.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { hostSsh, ok, startLab } from '../../support/lab.js';
import { ANSIBLE_PLAYBOOK, ansiblePlay, assertBothSucceeded, differences, tsinfraPlay } from '../../support/ansible-twin.js';

const started = Date.now();
const lab = ANSIBLE_PLAYBOOK ? await startLab({ kind: 'systemd', hosts: 2 }) : undefined;
const THEIRS = 'master1';
const OURS = 'master2';
const BOOT_ID = 'cat /proc/sys/kernel/random/boot_id';

// The result goes to /root (on the host's disk): /tmp is a tmpfs that a reboot empties. The boot id before and a file
// that must survive are set up beforehand (ansible-playbook spends seconds per task).
const book = `- hosts: all
  gather_facts: false
  tasks:
    - name: reboot
      ansible.builtin.reboot: { reboot_timeout: 300, msg: "twin test reboot" }
      register: rebooted
    - command: ${BOOT_ID}
      register: after
    - copy:
        dest: /root/reboot-result.json
        content: "{{ {'after': after.stdout, 'reboot': rebooted} | to_json }}"
`;

interface Outcome {
  after: string;
  reboot: Record<string, unknown>;
}

/** What the play recorded, read over SSH (the host's PID 1 is a new one since the reboot). */
async function outcomeOn(host: string): Promise<Outcome> {
  return JSON.parse(ok(await hostSsh(lab!, host, 'cat /root/reboot-result.json'), `result on ${host}`)) as Outcome;
}

test('reboot reboots a systemd lab host as Ansible does, and the play goes on', { timeout: 600_000 }, async () => {
  const before = new Map<string, string>();
  for (const h of [THEIRS, OURS]) {
    // Over SSH, as the play reads it: the container's own boot id (nspawn mounts one per boot over the kernel's).
    before.set(h, ok(await hostSsh(lab!, h, `${BOOT_ID} && echo 'written before the reboot' > /root/kept.txt`), `setup on ${h}`).trim());
  }
  const lap = Date.now();
  const theirs = await ansiblePlay(lab!, THEIRS, book);
  const ansibleSeconds = (Date.now() - lap) / 1000;
  const ours = await tsinfraPlay(lab!, OURS, book);
  process.stderr.write(`ansible-playbook ${ansibleSeconds.toFixed(1)} s, tsinfra ${((Date.now() - lap) / 1000 - ansibleSeconds).toFixed(1)} s\n`);
  assertBothSucceeded(theirs, ours);
  assert.equal(ours.changed, theirs.changed, `changed counts: tsinfra ${ours.changed}, ansible ${theirs.changed}`);
  const [a, b] = [await outcomeOn(THEIRS), await outcomeOn(OURS)];
  for (const [host, o] of [[THEIRS, a], [OURS, b]] as const) {
    assert.match(before.get(host)!, /^[0-9a-f-]{36}$/, `${host}: a boot id before: ${before.get(host)}`);
    assert.match(o.after, /^[0-9a-f-]{36}$/, `${host}: a boot id after: ${JSON.stringify(o)}`);
    assert.notEqual(o.after, before.get(host), `${host}: the boot id changed`);
    assert.ok(Number.isInteger(o.reboot.elapsed) && (o.reboot.elapsed as number) >= 0, `${host}: elapsed ${JSON.stringify(o.reboot.elapsed)}`);
    assert.equal(ok(await hostSsh(lab!, host, 'cat /root/kept.txt')), 'written before the reboot\n', `${host}: the disk survived`);
  }
  const keys = ['changed', 'rebooted', 'failed'];
  const pick = (r: Record<string, unknown>) => Object.fromEntries(keys.map((k) => [k, r[k]]));
  const disagree = differences(pick(b.reboot), pick(a.reboot));
  process.stderr.write(`reboot differential: ${keys.length - disagree.length} of ${keys.length} registered keys agree (${JSON.stringify(b.reboot)} vs ${JSON.stringify(a.reboot)}); boot ids changed on both\n`);
  assert.deepEqual(disagree, []);
  assert.deepEqual(pick(b.reboot), { changed: true, rebooted: true, failed: false });

  const check = await tsinfraPlay(lab!, OURS, '- hosts: all\n  gather_facts: false\n  tasks:\n    - reboot:\n', { check: true });
  assert.equal(check.code, 0, check.output.slice(-3000));
  assert.equal(check.changed, 1, `--check reports the reboot as a change:\n${check.output.slice(-2000)}`);
  assert.equal(ok(await hostSsh(lab!, OURS, BOOT_ID)).trim(), b.after, '--check rebooted nothing');
  process.stderr.write(`reboot-twin: ${((Date.now() - started) / 1000).toFixed(1)} s\n`);
});
