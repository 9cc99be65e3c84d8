// An Ansible project's ansible.cfg drives `tsinfra play site.yml` with no other option: inventory, remote_user,
// private_key_file (relative to the cfg), forks, roles_path, stdout_callback = json, and ssh_args' UserKnownHostsFile
// (the strict host-key check passes against the lab's known_hosts only through it).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { chmodSync, copyFileSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { hostExec, ok, startLab } from '../../support/lab.js';
import { addSudoUsers } from '../../support/sudo-users.js';
import { jsonLines, tsinfra } from '../../support/cli.js';
import { tempDir } from '../../support/temp-dir.js';

const started = Date.now();
const lab = await startLab({ kind: 'namespace', hosts: 2 });
const names = lab.hosts.map((h) => h.name);

function writeProject(): string {
  const dir = tempDir('tsinfra-cfg-project-');
  const file = (name: string, text: string) => {
    mkdirSync(join(dir, name, '..'), { recursive: true });
    writeFileSync(join(dir, name), text);
  };
  mkdirSync(join(dir, 'keys'));
  copyFileSync(lab.privateKeyPath, join(dir, 'keys', 'lab_key'));
  chmodSync(join(dir, 'keys', 'lab_key'), 0o600);
  file(
    'ansible.cfg',
    `[defaults]
inventory = inventory.ini
remote_user = deploy
private_key_file = keys/lab_key
forks = 1
roles_path = shared/roles
stdout_callback = json
gathering = explicit

[ssh_connection]
ssh_args = -o ControlMaster=auto -o UserKnownHostsFile=${lab.knownHostsPath}
`,
  );
  // No user, key or known_hosts here: they must come from ansible.cfg.
  file('inventory.ini', `[web]\n${lab.hosts.map((h) => `${h.name} ansible_host=${h.sshAddress}`).join('\n')}\n`);
  file(
    'shared/roles/proof/tasks/main.yml',
    `- name: window
  shell: 'date +%s.%N; sleep 0.4; date +%s.%N'
- name: proof file
  copy: { dest: /tmp/tsinfra-cfg-proof, content: "made by the role\\n" }
`,
  );
  file(
    'site.yml',
    `- hosts: web
  roles: [proof]
  tasks:
    - name: who
      command: id -un
    - name: facts were not gathered (gathering = explicit)
      assert: { that: [ansible_facts.distribution is not defined] }
`,
  );
  return dir;
}

test('ansible.cfg alone configures the play: inventory, user, key, forks, roles_path, json, known_hosts', async () => {
  await addSudoUsers(lab, names, 'unused-password-7731');
  const project = writeProject();
  const r = await tsinfra(['play', 'site.yml'], { cwd: project, env: { TSINFRA_INVENTORY: '' } });
  assert.equal(r.code, 0, `${r.stdout.slice(-3000)}\n${r.stderr}`);
  const events = jsonLines(r.stdout); // stdout_callback = json → one JSON object per line
  const results = (task: string) =>
    events.filter((e) => e.type === 'host_result' && (e.task as { name?: string }).name === task).map((e) => e.result as { host: string; status: string; stdout?: string });
  const who = results('who');
  assert.deepEqual(who.map((x) => x.host).sort(), [...names].sort());
  for (const x of who) assert.equal(x.stdout?.trim(), 'deploy', `${x.host} ran as remote_user`);
  // forks = 1: the two hosts' windows do not overlap.
  const windows = results('window').map((x) => x.stdout!.trim().split('\n').map(Number) as [number, number]).sort((a, b) => a[0] - b[0]);
  assert.equal(windows.length, 2);
  assert.ok(windows[0]![1] <= windows[1]![0], `forks = 1 runs one host at a time: ${JSON.stringify(windows)}`);
  assert.deepEqual(results('facts were not gathered (gathering = explicit)').map((x) => x.status), ['ok', 'ok']);
  for (const h of names) assert.equal(ok(await hostExec(lab, h, 'stat -c %U /tmp/tsinfra-cfg-proof')).trim(), 'deploy', `${h}: the role from roles_path wrote as deploy`);
  process.stderr.write(`ansible-cfg-project: ${Date.now() - started} ms (lab start included)\n`);
});
