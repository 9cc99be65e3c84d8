// get_url against Ansible's: the same tasks applied with ansible-playbook to master1 and with tsinfra to its twin
// master2, downloading from a small HTTP server on the controller's address on the lab's public network (lab hosts
// have no internet). Compared: the files each host ends with (sha256, mode, owner) and the registered keys tsinfra
// claims to match (changed, dest, checksum_dest, checksum_src, status_code where a download happened). Then a second
// tsinfra run and a --check run report changed=0, and a failed download fails with the HTTP status.
import { test, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { hostExec, ok, startLab } from '../../support/lab.js';
import { ANSIBLE_PLAYBOOK, ansiblePlay, assertBothSucceeded, dumpTask, tsinfraPlay, compareRegistered } from '../../support/ansible-twin.js';
import { startFileServer } from '../../support/file-server.js';

const lab = ANSIBLE_PLAYBOOK ? await startLab({ kind: 'namespace', hosts: 2 }) : undefined;
const THEIRS = 'master1';
const OURS = 'master2';
const HELLO = 'hello twin\n';
const V2 = 'version two\n';
const server = lab ? await startFileServer(lab.controllerAddress, { '/files/hello.txt': HELLO, '/files/v2.txt': V2, '/files/data.bin': Buffer.from([0, 1, 2, 255, 10]) }) : undefined;
after(() => server?.close());
const sha256 = (s: string) => createHash('sha256').update(s).digest('hex');

const CASES: [name: string, args: string, keys: string[]][] = [
  ['new_file', `url: "{{ base }}/files/hello.txt", dest: /var/tmp/gu/hello.txt, mode: "0640", owner: nobody`, ['changed', 'dest', 'checksum_src', 'status_code']],
  ['into_dir', `url: "{{ base }}/files/data.bin", dest: /var/tmp/gu/dir/`, ['changed', 'dest', 'checksum_src', 'status_code']],
  ['checksum_ok', `url: "{{ base }}/files/hello.txt", dest: /var/tmp/gu/sum.txt, checksum: "sha256:${sha256(HELLO)}"`, ['changed', 'dest', 'checksum_src', 'status_code']],
  ['exists_kept', `url: "{{ base }}/files/v2.txt", dest: /var/tmp/gu/kept.txt`, ['changed', 'dest']],
  ['force_same', `url: "{{ base }}/files/hello.txt", dest: /var/tmp/gu/same.txt, force: true`, ['changed', 'dest', 'checksum_dest', 'checksum_src']],
  ['force_differs', `url: "{{ base }}/files/v2.txt", dest: /var/tmp/gu/old.txt, force: true, mode: "0600"`, ['changed', 'dest', 'checksum_dest', 'checksum_src', 'status_code']],
  ['checksum_stale', `url: "{{ base }}/files/v2.txt", dest: /var/tmp/gu/stale.txt, checksum: "sha256:${sha256(V2)}"`, ['changed', 'dest', 'checksum_dest', 'checksum_src', 'status_code']],
  ['headers', `url: "{{ base }}/files/hello.txt", dest: /var/tmp/gu/hdr.txt, headers: { X-Twin: "yes" }, timeout: 5`, ['changed', 'dest', 'checksum_src', 'status_code']],
];

const book = (dump: boolean) =>
  `- hosts: all\n  gather_facts: false\n  vars: { base: "${server?.url}" }\n  tasks:\n` +
  CASES.map(([name, args]) => `    - name: get_url ${name}\n      ansible.builtin.get_url: { ${args} }\n      register: ${name}\n${dump ? dumpTask(name) : ''}`).join('');

const FILES = 'cd /var/tmp/gu && find . -type f | sort | while read f; do printf "%s %s %s " "$f" "$(stat -c %a:%U:%G "$f")" "$(sha256sum < "$f" | cut -c1-16)"; echo; done';

test('get_url downloads what Ansible downloads, registering the same keys', { timeout: 600_000 }, async () => {
  for (const host of [THEIRS, OURS]) {
    ok(await hostExec(lab!, host, [
      'mkdir -p /var/tmp/gu/dir', 'cd /var/tmp/gu', "printf 'old kept\\n' > kept.txt", `printf '${HELLO.trim()}\\n' > same.txt`,
      "printf 'old\\n' > old.txt", 'chmod 0644 old.txt', "printf 'stale\\n' > stale.txt",
    ].join(' && ')), `files on ${host}`);
  }
  const theirs = await ansiblePlay(lab!, THEIRS, book(true));
  const ours = await tsinfraPlay(lab!, OURS, book(true));
  assertBothSucceeded(theirs, ours);

  const { agreed, disagree } = await compareRegistered(lab!, { ansible: THEIRS, ours: OURS }, CASES);
  const filesA = ok(await hostExec(lab!, THEIRS, FILES));
  const filesB = ok(await hostExec(lab!, OURS, FILES));
  process.stderr.write(`get_url differential: ${agreed} registered keys agree over ${CASES.length} tasks, ${disagree.length} differ; files ${filesA === filesB ? 'identical' : 'differ'} (${filesA.trim().split('\n').length} files)\n`);
  assert.deepEqual(disagree, []);
  assert.equal(filesB, filesA);
  assert.match(filesB, /\.\/hello\.txt 640:nobody:root /);
  assert.match(filesB, /\.\/kept\.txt 644:root:root /, 'an existing dest is kept without force');
  assert.equal(ok(await hostExec(lab!, OURS, 'cat /var/tmp/gu/old.txt')), V2);
  assert.ok(server!.requests.some((r) => r.headers['x-twin'] === 'yes'), 'headers are sent');

  const again = await tsinfraPlay(lab!, OURS, book(false));
  assert.equal(again.code, 0, again.output);
  assert.equal(again.changed, 0, 'a second run changes nothing');
  ok(await hostExec(lab!, OURS, 'rm -f /var/tmp/gu/hello.txt && chmod 0644 /var/tmp/gu/old.txt'));
  const check = await tsinfraPlay(lab!, OURS, book(false), { check: true });
  assert.equal(check.code, 0, check.output);
  assert.equal(check.changed, 2, '--check: the removed file and the changed mode would change');
  assert.equal((await hostExec(lab!, OURS, 'test -e /var/tmp/gu/hello.txt')).code, 1, '--check changed nothing');
});

test('a failed download fails with the HTTP status, leaving nothing behind', { timeout: 400_000 }, async () => {
  const r = await tsinfraPlay(lab!, OURS, `- hosts: all\n  gather_facts: false\n  tasks:\n    - get_url: { url: "${server!.url}/missing", dest: /var/tmp/gu/missing.txt }\n`);
  assert.equal(r.failed, 1, r.output);
  assert.match(r.output, /Request failed: HTTP status 404/);
  assert.equal(ok(await hostExec(lab!, OURS, 'ls -A /var/tmp/gu | grep -c tsinfra || true')).trim(), '0');
});
