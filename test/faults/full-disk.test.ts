// Fault: the disk fills up while copy/template write. The task fails on that host, the old file is intact, no temp
// file is left, and the other host (with room) gets the new content.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { hostExec, ok, startLab } from '../support/lab.js';
import { faultWork, fileOn, hostResults, labInventory, recapOf, settleRemoteScripts, startTsinfra, tempFiles } from '../support/faults.js';

const lab = await startLab({ kind: 'namespace', hosts: 2 });
const [full, roomy] = lab.hosts.map((h) => h.name) as [string, string];
const work = faultWork('full-disk');
const inventory = work.file('inventory.yaml', labInventory(lab));
const OLD = 'old content: must survive\n';
const NEW = randomBytes(96 * 1024).toString('base64'); // 128 KiB: twice the 64 KiB disk
const bigSrc = work.file('big.txt', NEW);
work.file('big.txt.hbs', `{{ banner }}\n${NEW}`);
const playbook = work.file(
  'full-disk.yaml',
  `- hosts: all
  gather_facts: false
  vars: { banner: "# managed by tsinfra" }
  tasks:
    - name: big file
      copy: { src: ${JSON.stringify(bigSrc)}, dest: /srv/fault/copy.txt }
    - name: never reached on the full host
      copy: { dest: /var/tmp/fault-done, content: "done\\n" }
- hosts: all
  gather_facts: false
  vars: { banner: "# managed by tsinfra" }
  tasks:
    - name: big template
      template: { src: ${JSON.stringify(`${work.dir}/big.txt.hbs`)}, dest: /srv/fault/template.txt }
`,
);

test('a full disk: copy and template fail on that host, the old files are intact, the other host is written', async () => {
  ok(await hostExec(lab, full, `mkdir -p /srv/fault && mount -t tmpfs -o size=64k tsi-full /srv/fault && printf '%s' '${OLD}' > /srv/fault/copy.txt && printf '%s' '${OLD}' > /srv/fault/template.txt`), 'small disk');
  ok(await hostExec(lab, roomy, `mkdir -p /srv/fault && printf '%s' '${OLD}' > /srv/fault/copy.txt`));
  const run = startTsinfra(work, ['play', playbook, '-i', inventory, '--json']);
  const r = await run.done;
  assert.equal(r.code, 2, r.stdout.slice(-2000) + r.stderr);
  assert.equal(run.child.exitCode, 2, 'the tsinfra process exited');
  const { hosts } = recapOf(r);
  assert.equal(hosts[full]!.failed, 1, JSON.stringify(hosts[full]));
  const failure = hostResults(r, full).find((res) => res.status === 'failed');
  assert.match(String(failure?.message), /No space left on device/);
  assert.equal(await fileOn(lab, full, '/srv/fault/copy.txt'), OLD, 'the old file is intact');
  assert.equal(await fileOn(lab, full, '/srv/fault/template.txt'), OLD, 'the old file is intact (template not run on a failed host)');
  assert.deepEqual(await tempFiles(lab, full, ['/srv/fault']), [], 'no temp file left on the full disk');
  assert.equal(await fileOn(lab, full, '/var/tmp/fault-done'), undefined, 'the failed host stops');
  assert.deepEqual(hosts[roomy], { ...hosts[roomy], failed: 0, changed: 3 });
  assert.equal(await fileOn(lab, roomy, '/srv/fault/copy.txt'), NEW);
  assert.equal(await fileOn(lab, roomy, '/srv/fault/template.txt'), `# managed by tsinfra\n${NEW}`);
  assert.deepEqual(await settleRemoteScripts(lab, [full, roomy]), {});
});

test('a full disk under template alone: fails, old file intact', async () => {
  const book = work.file(
    'full-disk-template.yaml',
    `- hosts: ${full}\n  gather_facts: false\n  vars: { banner: "# b" }\n  tasks:\n    - template: { src: ${JSON.stringify(`${work.dir}/big.txt.hbs`)}, dest: /srv/fault/template.txt }\n`,
  );
  const r = await startTsinfra(work, ['play', book, '-i', inventory, '--json']).done;
  assert.equal(r.code, 2, r.stdout.slice(-2000) + r.stderr);
  assert.match(String(hostResults(r, full).find((res) => res.status === 'failed')?.message), /No space left on device/);
  assert.equal(await fileOn(lab, full, '/srv/fault/template.txt'), OLD);
  assert.deepEqual(await tempFiles(lab, full, ['/srv/fault']), []);
});
